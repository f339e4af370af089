// The config file's policy as a pure function: levels (globally, per glob, later entries win), `off`,
// ignores (matched against the Dockerfile or the finding's own file), expiry by the day, stale ignores.
import { describe, expect, it } from '@jest/globals'
import type { Finding } from '../../src/findings'
import {
  applyPolicy,
  expiredIgnoreOf,
  policyNotes,
  type IgnoreEntry,
  type LevelEntry,
  type Policy
} from '../../src/rules/policy'

const CONFIG = '.least-privilege.yml'

function finding(ruleId: string, file: string, level: Finding['level'] = 'error', line = 1): Finding {
  return {
    ruleId,
    principle: 'least-privilege',
    level,
    message: `${ruleId} message.`,
    evidence: 'dockerfile',
    file,
    line
  }
}

function level(rule: string, value: LevelEntry['level'], line: number, paths?: string[]): LevelEntry {
  return { rule, level: value, ...(paths ? { paths } : {}), at: { file: CONFIG, line } }
}

function ignore(rules: string[], line: number, extra: Partial<IgnoreEntry> = {}): IgnoreEntry {
  return { kind: 'config', rules, reason: 'tracked in #123', at: { file: CONFIG, line }, ...extra }
}

const policy = (p: Partial<Policy>): Policy => ({ levels: [], ignores: [], notes: [], ...p })
const TODAY = '2026-12-02'

describe('applyPolicy levels', () => {
  it('sets a rule level globally and keeps the default level and its source in properties', () => {
    const out = applyPolicy(
      [finding('LP101', 'Dockerfile'), finding('LP401', 'Dockerfile')],
      'Dockerfile',
      policy({ levels: [level('LP101', 'warning', 3)] }),
      TODAY
    )
    expect(out.findings[0]).toMatchObject({
      level: 'warning',
      properties: { default_level: 'error', level_source: `${CONFIG}: line 3` }
    })
    expect(out.findings[1].level).toBe('error')
    expect(out.findings[1].properties).toBeUndefined()
  })

  it('drops the findings of a rule that is off', () => {
    const out = applyPolicy(
      [finding('LP402', 'Dockerfile'), finding('LP101', 'Dockerfile')],
      'Dockerfile',
      policy({ levels: [level('LP402', 'off', 2)] }),
      TODAY
    )
    expect(out.findings.map(f => f.ruleId)).toEqual(['LP101'])
  })

  it('lets later entries win: an override over rules, a later override over an earlier one', () => {
    const levels = [
      level('LP101', 'warning', 2),
      level('LP101', 'note', 5, ['legacy/**']),
      level('LP101', 'error', 8, ['legacy/keep/**'])
    ]
    const run = (file: string) =>
      applyPolicy([finding('LP101', file)], file, policy({ levels }), TODAY).findings[0]
    expect(run('services/api/Dockerfile')).toMatchObject({ level: 'warning' })
    expect(run('legacy/old/Dockerfile')).toMatchObject({
      level: 'note',
      properties: { level_source: `${CONFIG}: line 5` }
    })
    expect(run('legacy/keep/Dockerfile')).toMatchObject({
      level: 'error',
      properties: { default_level: 'error', level_source: `${CONFIG}: line 8` }
    })
  })

  it('an override can turn a rule off for some paths only', () => {
    const levels = [level('LP101', 'off', 4, ['legacy/**'])]
    expect(
      applyPolicy([finding('LP101', 'legacy/Dockerfile')], 'legacy/Dockerfile', policy({ levels }), TODAY)
        .findings
    ).toEqual([])
    expect(
      applyPolicy([finding('LP101', 'Dockerfile')], 'Dockerfile', policy({ levels }), TODAY).findings
    ).toHaveLength(1)
  })

  it('matches a glob against the Dockerfile of the result or the file the finding is in', () => {
    const levels = [level('LP220', 'note', 3, ['deploy/*.yaml'])]
    // A deployment finding in a manifest, under a Dockerfile elsewhere: the manifest matches.
    const inManifest = finding('LP220', 'deploy/api.yaml', 'error', 7)
    expect(
      applyPolicy([inManifest], 'services/api/Dockerfile', policy({ levels }), TODAY).findings[0].level
    ).toBe('note')
    // The Dockerfile matches for a finding located in a compose file.
    const byDockerfile = [level('LP220', 'warning', 3, ['services/**'])]
    const inCompose = finding('LP220', 'compose.yaml', 'error', 4)
    expect(
      applyPolicy([inCompose], 'services/api/Dockerfile', policy({ levels: byDockerfile }), TODAY).findings[0]
        .level
    ).toBe('warning')
    // Neither matches.
    expect(applyPolicy([inCompose], 'other/Dockerfile', policy({ levels }), TODAY).findings[0].level).toBe(
      'error'
    )
  })

  it('uses the action glob syntax: ** spans folders, * stays in one, braces alternate', () => {
    const levels = [level('LP101', 'note', 2, ['**/{legacy,old}/*Dockerfile'])]
    const run = (file: string) =>
      applyPolicy([finding('LP101', file)], file, policy({ levels }), TODAY).findings[0].level
    expect(run('a/b/legacy/Dockerfile')).toBe('note')
    expect(run('old/api.Dockerfile')).toBe('note')
    expect(run('legacy/sub/Dockerfile')).toBe('error')
  })
})

describe('applyPolicy ignores', () => {
  it('suppresses matching findings with the reason, the config file, line and expiry, keeping them', () => {
    const out = applyPolicy(
      [finding('LP101', 'legacy/Dockerfile'), finding('LP101', 'Dockerfile')],
      'legacy/Dockerfile',
      policy({ ignores: [ignore(['LP101'], 9, { paths: ['legacy/**'], expires: '2027-03-31' })] }),
      TODAY
    )
    expect(out.findings).toHaveLength(2)
    expect(out.findings[0].suppression).toEqual({
      kind: 'config',
      justification: 'tracked in #123',
      line: 9,
      file: CONFIG,
      expires: '2027-03-31'
    })
    // The second finding sits in the root Dockerfile, but its result's Dockerfile is legacy/: a match.
    expect(out.findings[1].suppression?.kind).toBe('config')
    expect(out.matchedIgnores).toEqual([0])
  })

  it('does not match other rules or other paths', () => {
    const out = applyPolicy(
      [finding('LP105', 'legacy/Dockerfile'), finding('LP101', 'app/Dockerfile')],
      'app/Dockerfile',
      policy({ ignores: [ignore(['LP101'], 9, { paths: ['legacy/**'] })] }),
      TODAY
    )
    expect(out.findings.every(f => f.suppression === undefined)).toBe(true)
    expect(out.matchedIgnores).toEqual([])
  })

  it('keeps a pragma suppression (the Dockerfile says why first), and still counts the ignore as used', () => {
    const pragma = {
      ...finding('LP101', 'Dockerfile'),
      suppression: { kind: 'inline' as const, justification: 'x', line: 2 }
    }
    const out = applyPolicy([pragma], 'Dockerfile', policy({ ignores: [ignore(['LP101'], 9)] }), TODAY)
    expect(out.findings[0].suppression).toEqual(pragma.suppression)
    expect(out.matchedIgnores).toEqual([0])
  })

  it('holds through the expiry day (UTC) and stops the day after', () => {
    const ignores = [ignore(['LP101'], 9, { expires: '2026-01-31' })]
    const on = (today: string) =>
      applyPolicy([finding('LP101', 'Dockerfile')], 'Dockerfile', policy({ ignores }), today).findings[0]
    expect(on('2026-01-30').suppression?.kind).toBe('config')
    expect(on('2026-01-31').suppression?.kind).toBe('config')
    const after = on('2026-02-01')
    expect(after.suppression).toBeUndefined()
    expect(after.properties?.expired_ignore).toEqual({
      file: CONFIG,
      line: 9,
      reason: 'tracked in #123',
      expires: '2026-01-31'
    })
    expect(expiredIgnoreOf(after)).toEqual(after.properties?.expired_ignore)
  })

  it('an unexpired ignore wins over an expired one for the same finding', () => {
    const ignores = [ignore(['LP101'], 9, { expires: '2020-01-01' }), ignore(['LP101'], 14)]
    const out = applyPolicy([finding('LP101', 'Dockerfile')], 'Dockerfile', policy({ ignores }), TODAY)
    expect(out.findings[0].suppression?.line).toBe(14)
    expect(out.findings[0].properties?.expired_ignore).toBeUndefined()
  })

  it('applies levels before ignores, and off before both', () => {
    const out = applyPolicy(
      [finding('LP101', 'Dockerfile'), finding('LP402', 'Dockerfile')],
      'Dockerfile',
      policy({
        levels: [level('LP101', 'note', 2), level('LP402', 'off', 3)],
        ignores: [ignore(['LP101', 'LP402'], 9)]
      }),
      TODAY
    )
    expect(out.findings).toHaveLength(1)
    expect(out.findings[0]).toMatchObject({ level: 'note', suppression: { kind: 'config' } })
  })

  it('is the identity without a policy', () => {
    const findings = [finding('LP101', 'Dockerfile')]
    expect(applyPolicy(findings, 'Dockerfile', policy({}), TODAY).findings).toBe(findings)
  })
})

describe('policyNotes', () => {
  it('says once which rules are off, warns per expired ignore, notes ignores that matched nothing', () => {
    const p = policy({
      levels: [level('LP402', 'off', 2), level('LP101', 'off', 6, ['legacy/**'])],
      ignores: [
        ignore(['LP101'], 9, { paths: ['legacy/**'], expires: '2026-01-31' }),
        ignore(['LP105'], 13),
        ignore(['LP401'], 17)
      ],
      notes: [{ level: 'note', message: '.hadolint.yaml: ignored DL3002 -> LP101' }]
    })
    const notes = policyNotes(p, new Set([2]), TODAY)
    expect(notes).toEqual([
      { level: 'note', message: '.hadolint.yaml: ignored DL3002 -> LP101' },
      {
        level: 'note',
        message: `${CONFIG}: rules turned off (not reported): LP402 on line 2; LP101 (legacy/**) on line 6`
      },
      {
        level: 'warning',
        message: `${CONFIG}: line 9: the ignore of LP101 (legacy/**) expired on 2026-01-31: its findings are reported again`
      },
      {
        level: 'note',
        message: `${CONFIG}: line 13: the ignore of LP105 matched no finding: remove it if it is no longer needed`
      }
    ])
  })

  it('says nothing for an empty policy', () => {
    expect(policyNotes(policy({}), new Set(), TODAY)).toEqual([])
  })
})
