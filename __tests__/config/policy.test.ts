// The config file's rules / overrides / ignore / hadolint keys: read into the policy when the settings are
// read, every mistake one line naming the file, line and key; the .hadolint.yaml migration beside it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCli } from '../../src/cli/args'
import { readHadolintIgnores } from '../../src/config/hadolint'
import { loadConfig } from '../../src/config/load'
import { isDay } from '../../src/config/policy'
import { UsageError } from '../../src/errors'
import { ruleMetas } from '../../src/rules/registry'

let repo: string
const write = (file: string, text: string): void => {
  mkdirSync(join(repo, file, '..'), { recursive: true })
  writeFileSync(join(repo, file), text)
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-policy-'))
  mkdirSync(join(repo, '.git'))
  write('Dockerfile', 'FROM scratch\n')
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))
beforeEach(() => {
  for (const name of ['.least-privilege.yml', '.hadolint.yaml', '.hadolint.yml'])
    rmSync(join(repo, name), { force: true })
})

function config(...lines: string[]) {
  write('.least-privilege.yml', lines.join('\n') + '\n')
  return loadConfig({ repoRoot: repo })
}

function usageError(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    const message = (error as Error).message
    expect(message).not.toContain('\n')
    return message
  }
  throw new Error('expected a UsageError')
}

describe('reading the policy keys', () => {
  it('reads rules, overrides in order and ignores with their lines', () => {
    const policy = config(
      'rules:',
      '  LP402: off',
      '  LP101: warning',
      'overrides:',
      '  - paths: ["legacy/**"]',
      '    rules:',
      '      LP101: note',
      'ignore:',
      '  - rule: LP101',
      '    paths: ["legacy/**"]',
      '    reason: "base image migration tracked in #123"',
      '    expires: 2027-03-31',
      '  - rules: [LP105, LP401]',
      '    reason: vendor image'
    )?.policy
    expect(policy?.levels).toEqual([
      { rule: 'LP402', level: 'off', at: { file: '.least-privilege.yml', line: 2 } },
      { rule: 'LP101', level: 'warning', at: { file: '.least-privilege.yml', line: 3 } },
      { rule: 'LP101', level: 'note', paths: ['legacy/**'], at: { file: '.least-privilege.yml', line: 7 } }
    ])
    expect(policy?.ignores).toEqual([
      {
        kind: 'config',
        rules: ['LP101'],
        paths: ['legacy/**'],
        reason: 'base image migration tracked in #123',
        expires: '2027-03-31',
        at: { file: '.least-privilege.yml', line: 9 }
      },
      {
        kind: 'config',
        rules: ['LP105', 'LP401'],
        reason: 'vendor image',
        at: { file: '.least-privilege.yml', line: 13 }
      }
    ])
    expect(policy?.hadolint).toBe(true)
  })

  it.each([
    [['rules:', '  LP999: off'], '.least-privilege.yml: line 2: rules: unknown rule "LP999"'],
    [
      ['rules:', '  lp101: off'],
      '.least-privilege.yml: line 2: rules: unknown rule "lp101" (did you mean LP101?)'
    ],
    [
      ['rules:', '  LP101: fatal'],
      '.least-privilege.yml: line 2: rules.LP101 must be one of off, note, warning, error'
    ],
    [
      ['overrides:', '  - paths: [a]', '    rules:', '      LP101: loud'],
      '.least-privilege.yml: line 4: overrides.0.rules.LP101 must be one of off, note, warning, error'
    ],
    [
      ['overrides:', '  - paths: ["a/**"]', '    rules:', '      LP000: note'],
      '.least-privilege.yml: line 4: overrides.0.rules: unknown rule "LP000"'
    ],
    [
      ['overrides:', '  - rules: { LP101: note }'],
      '.least-privilege.yml: line 2: overrides.0 needs a "paths" key'
    ],
    [
      ['overrides:', '  - paths: ["a/{b"]', '    rules: { LP101: note }'],
      /^\.least-privilege\.yml: line 2: overrides\.0\.paths\.0: unbalanced/
    ],
    [['ignore:', '  - rule: LP101'], '.least-privilege.yml: line 2: ignore.0 needs a "reason" key'],
    [
      ['ignore:', '  - rule: LP101', '    reason: ""'],
      '.least-privilege.yml: line 3: ignore.0.reason must not be empty'
    ],
    [
      ['ignore:', '  - rule: LP101', '    reason: "   "'],
      '.least-privilege.yml: line 3: ignore.0.reason must say why (not empty)'
    ],
    [
      ['ignore:', '  - reason: why'],
      '.least-privilege.yml: line 2: ignore.0 needs a "rule" (or "rules") key'
    ],
    [
      ['ignore:', '  - rule: LP101', '    rules: [LP105]', '    reason: x'],
      '.least-privilege.yml: line 2: ignore.0: give rule or rules, not both'
    ],
    [
      ['ignore:', '  - rule: LP7', '    reason: x'],
      '.least-privilege.yml: line 2: ignore.0.rule: unknown rule "LP7"'
    ],
    [
      ['ignore:', '  - rules: [LP101, LPX]', '    reason: x'],
      '.least-privilege.yml: line 2: ignore.0.rules.1: unknown rule "LPX"'
    ],
    [
      ['ignore:', '  - rule: LP101', '    reason: x', '    expires: 2027-02-30'],
      '.least-privilege.yml: line 4: ignore.0.expires: "2027-02-30" is not a date: write YYYY-MM-DD, e.g. 2027-03-31'
    ],
    [
      ['ignore:', '  - rule: LP101', '    reason: x', '    expires: 27-3-1'],
      '.least-privilege.yml: line 4: ignore.0.expires: "27-3-1" is not a date: write YYYY-MM-DD, e.g. 2027-03-31'
    ],
    [
      ['ignore:', '  - rule: LP101', '    reason: x', '    expire: 2027-01-01'],
      '.least-privilege.yml: line 4: unknown key "expire" in ignore.0'
    ],
    [
      ['ignore:', '  - rule: LP101', '    reason: x', '    paths: ["/etc/**"]'],
      '.least-privilege.yml: line 4: ignore.0.paths.0: "/etc/**" must be relative to the repository root'
    ],
    [['rulez:', '  LP101: off'], '.least-privilege.yml: line 1: unknown key "rulez"'],
    [['hadolint: no'], '.least-privilege.yml: line 1: hadolint must be true or false']
  ])('refuses %j: %s', (lines, expected) => {
    const message = usageError(() => config(...(lines as string[])))
    if (typeof expected === 'string') expect(message).toBe(expected)
    else expect(message).toMatch(expected)
  })

  it('knows real days', () => {
    expect(isDay('2024-02-29')).toBe(true)
    expect(isDay('2023-02-29')).toBe(false)
    expect(isDay('2027-13-01')).toBe(false)
    expect(isDay('2027-3-01')).toBe(false)
  })
})

describe('the policy in the settings', () => {
  const settingsOf = (...args: string[]) => {
    const parsed = parseCli(['scan', '--repo-root', repo, ...args, join(repo, 'Dockerfile')], repo)
    if (parsed.kind !== 'scan') throw new Error('expected a scan')
    return parsed.settings
  }

  it('carries the config file levels and ignores, validated when the settings are read', () => {
    write('.least-privilege.yml', 'rules:\n  LP101: note\nignore:\n  - rule: LP105\n    reason: x\n')
    const settings = settingsOf()
    expect(settings.policy.levels).toHaveLength(1)
    expect(settings.policy.ignores).toHaveLength(1)
    write('.least-privilege.yml', 'rules:\n  LP101: nope\n')
    expect(usageError(() => settingsOf())).toMatch(
      /^\.least-privilege\.yml: line 2: rules\.LP101 must be one of/
    )
  })

  it('reads .hadolint.yaml ignored: for the rules that declare those equivalents, also without a config file', () => {
    write('.hadolint.yaml', 'ignored:\n  - DL3002\n  - DL3008\nfailure-threshold: warning\n')
    const settings = settingsOf()
    expect(settings.policy.ignores).toEqual([
      {
        kind: 'hadolint',
        rules: ['LP101'],
        reason: 'DL3002 is ignored in .hadolint.yaml (hadolint migration)',
        at: { file: '.hadolint.yaml', line: 2 }
      }
    ])
    expect(settings.policy.notes).toEqual([
      {
        level: 'note',
        message: '.hadolint.yaml: ignored DL3002 -> LP101; DL3008 has no least-privilege equivalent'
      }
    ])
  })

  it('hadolint: false turns the migration off', () => {
    write('.hadolint.yml', 'ignored: [DL3002]\n')
    write('.least-privilege.yml', 'hadolint: false\n')
    const settings = settingsOf()
    expect(settings.policy.ignores).toEqual([])
    expect(settings.policy.notes).toEqual([])
  })
})

describe('the .hadolint.yaml migration', () => {
  const rules = ruleMetas()

  it('maps every id that has an equivalent, and names the ones that have none', () => {
    write('.hadolint.yml', 'ignored: [DL3002, DL3004, DL3008, DL3009]\n')
    const migrated = readHadolintIgnores(repo, rules)
    expect(migrated.ignores.map(i => i.rules)).toEqual([['LP101'], [expect.stringMatching(/^LP4/)]])
    expect(migrated.notes[0].message).toMatch(
      /^\.hadolint\.yml: ignored DL3002 -> LP101, DL3004 -> LP4\d\d; DL3008, DL3009 have no least-privilege equivalent$/
    )
  })

  it.each([
    [
      'ignored: [DL3002',
      /^\.hadolint\.yaml: line \d+: invalid YAML: .*; its ignored: rules are not applied$/
    ],
    [
      'ignored: DL3002\n',
      /^\.hadolint\.yaml: line 1: ignored must be a list; its ignored: rules are not applied$/
    ],
    [
      'ignored: ["rm -rf /"]\n',
      /^\.hadolint\.yaml: line 1: "RM -RF \/" is not a hadolint rule id; its ignored/
    ],
    ['- just a list\n', /^\.hadolint\.yaml: not a mapping; its ignored: rules are not applied$/]
  ])('a broken file %j is a warning, never a crash', (text, expected) => {
    write('.hadolint.yaml', text)
    const migrated = readHadolintIgnores(repo, rules)
    expect(migrated.ignores).toEqual([])
    expect(migrated.notes).toHaveLength(1)
    expect(migrated.notes[0].level).toBe('warning')
    expect(migrated.notes[0].message).toMatch(expected)
  })

  it('does not read a file larger than its bound, a folder, or a symlink out of the repository', () => {
    write('.hadolint.yaml', 'ignored: [DL3002]\n' + '#'.repeat(300 * 1024) + '\n')
    expect(readHadolintIgnores(repo, rules).notes[0]).toMatchObject({ level: 'warning' })
    rmSync(join(repo, '.hadolint.yaml'))
    mkdirSync(join(repo, '.hadolint.yaml'))
    expect(readHadolintIgnores(repo, rules).notes[0].message).toMatch(/not a regular file/)
    rmSync(join(repo, '.hadolint.yaml'), { recursive: true })
    const outside = mkdtempSync(join(tmpdir(), 'lp-policy-outside-'))
    writeFileSync(join(outside, 'h.yaml'), 'ignored: [DL3002]\n')
    symlinkSync(join(outside, 'h.yaml'), join(repo, '.hadolint.yaml'))
    expect(readHadolintIgnores(repo, rules).notes[0].message).toBe(
      '.hadolint.yaml: leads outside the repository; its ignored: rules are not applied'
    )
    rmSync(join(repo, '.hadolint.yaml'))
    rmSync(outside, { recursive: true, force: true })
  })

  it('says nothing without a file or with an empty ignored list', () => {
    expect(readHadolintIgnores(repo, rules)).toEqual({ ignores: [], notes: [] })
    write('.hadolint.yaml', 'ignored: []\n')
    expect(readHadolintIgnores(repo, rules)).toEqual({ ignores: [], notes: [] })
  })
})
