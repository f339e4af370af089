// The config file's policy through a static scan: levels reach the rows and the gate, ignores stay in every
// report with their reason (SARIF suppressions of kind external), an expired ignore stops suppressing and
// every report says so, and the run's notifications name the rules that are off and the stale ignores.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCli } from '../../src/cli/args'
import { silentLogger } from '../../src/logger'
import { renderJson } from '../../src/report/json'
import { renderMarkdown } from '../../src/report/markdown'
import { buildSarif } from '../../src/report/sarif'
import { renderText } from '../../src/report/text'
import { ruleMetas } from '../../src/rules/registry'
import { gate } from '../../src/scan/gate'
import { runScan } from '../../src/scan/scan'
import type { ScanReport } from '../../src/scan/types'
import { reportSchemaErrors } from '../report/report-schema'
import { schemaErrors } from '../report/sarif-schema'

let repo: string
const write = (file: string, text: string): void => {
  mkdirSync(join(repo, file, '..'), { recursive: true })
  writeFileSync(join(repo, file), text)
}

// LP101 (root, error) in both; LP401 (setuid) in legacy only.
const ROOT_DOCKERFILE = 'FROM alpine:3.20\nCMD ["sh"]\n'
const LEGACY_DOCKERFILE = 'FROM alpine:3.20\nRUN chmod u+s /bin/busybox\nCMD ["sh"]\n'

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-policy-scan-'))
  mkdirSync(join(repo, '.git'))
  write('app/Dockerfile', ROOT_DOCKERFILE)
  write('legacy/Dockerfile', LEGACY_DOCKERFILE)
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))

async function scan(configText: string, today = '2026-12-02', failOn = 'error') {
  write('.least-privilege.yml', configText)
  const command = parseCli(['scan', '--no-build', '--fail-on', failOn, '.'], repo, { env: {} })
  if (command.kind !== 'scan') throw new Error('not a scan')
  command.settings.today = today
  const report = await runScan(command.settings, { logger: silentLogger, runId: 'policy-test' })
  return { report, settings: command.settings }
}

const findingsOf = (report: ScanReport, file: string, rule: string) =>
  report.results.filter(r => r.file === file).flatMap(r => r.findings.filter(f => f.ruleId === rule))

const CONFIG = [
  'rules:',
  '  LP101: warning',
  'overrides:',
  '  - paths: ["legacy/**"]',
  '    rules:',
  '      LP101: note',
  'ignore:',
  '  - rule: LP401',
  '    paths: ["legacy/**"]',
  '    reason: "setuid busybox until the base image migration (#123)"',
  '    expires: 2026-12-31',
  ''
].join('\n')

describe('levels', () => {
  it('sets levels before the rows and the gate: an error turned warning no longer fails with fail-on error', async () => {
    const before = await scan('')
    expect(findingsOf(before.report, 'app/Dockerfile', 'LP101')[0].level).toBe('error')
    expect(gate(before.report, 'error').failed).toBe(true)

    const { report } = await scan(CONFIG)
    const app = findingsOf(report, 'app/Dockerfile', 'LP101')[0]
    expect(app).toMatchObject({
      level: 'warning',
      properties: { default_level: 'error', level_source: '.least-privilege.yml: line 2' }
    })
    expect(findingsOf(report, 'legacy/Dockerfile', 'LP101')[0]).toMatchObject({
      level: 'note',
      properties: { level_source: '.least-privilege.yml: line 6' }
    })
    const row = report.results
      .find(r => r.file === 'app/Dockerfile')
      ?.rows.find(r => r.principle === 'least-privilege')
    expect(row).toMatchObject({ verdict: 'warn', decidedBy: { ruleId: 'LP101', level: 'warning' } })
    expect(gate(report, 'error').failed).toBe(false)
    expect(gate(report, 'warning').failed).toBe(true)
  })

  it('off drops the findings from every report and says so once', async () => {
    const { report } = await scan('rules:\n  LP101: off\n  LP401: off\n')
    expect(report.results.flatMap(r => r.findings.map(f => f.ruleId))).not.toContain('LP101')
    const sarif = buildSarif(report, ruleMetas(), { repoRoot: repo })
    expect(sarif.runs[0].results?.map(r => r.ruleId)).not.toContain('LP101')
    const notes = report.notifications.filter(n => n.kind === 'policy')
    expect(notes).toEqual([
      {
        level: 'note',
        kind: 'policy',
        message: '.least-privilege.yml: rules turned off (not reported): LP101 on line 2; LP401 on line 3'
      }
    ])
  })
})

describe('ignores', () => {
  it('suppress with the reason and stay in SARIF as external suppressions, JSON and text too', async () => {
    const { report } = await scan(CONFIG, '2026-12-31')
    const setuid = findingsOf(report, 'legacy/Dockerfile', 'LP401')[0]
    expect(setuid.suppression).toEqual({
      kind: 'config',
      justification: 'setuid busybox until the base image migration (#123)',
      line: 8,
      file: '.least-privilege.yml',
      expires: '2026-12-31'
    })
    const sarif = buildSarif(report, ruleMetas(), { repoRoot: repo })
    expect(schemaErrors(sarif)).toEqual([])
    const result = sarif.runs[0].results?.find(r => r.ruleId === 'LP401')
    expect(result?.suppressions).toEqual([
      {
        kind: 'external',
        justification: 'setuid busybox until the base image migration (#123)',
        properties: { source: 'config', file: '.least-privilege.yml', line: 8, expires: '2026-12-31' }
      }
    ])
    const json = renderJson(report, ruleMetas(), { failOn: 'error' })
    expect(reportSchemaErrors(json)).toEqual([])
    const jsonFinding = json.results.flatMap(r => r.findings).find(f => f.rule_id === 'LP401')
    expect(jsonFinding).toMatchObject({
      suppressed: true,
      suppression: { kind: 'config', line: 8, file: '.least-privilege.yml', expires: '2026-12-31' }
    })
    const text = renderText(report, ruleMetas(), { color: false, failOn: 'error', width: 200 })
    expect(text).toContain(
      'LP401  ignore in .least-privilege.yml line 8, until 2026-12-31: setuid busybox until the base image migration (#123)'
    )
    expect(renderMarkdown(report, ruleMetas())).toContain(
      'Suppressed by ignore in .least-privilege.yml line 8, until 2026-12-31: setuid busybox'
    )
    expect(report.notifications.filter(n => n.kind === 'policy')).toEqual([])
  })

  it('past the expiry day the finding returns, carrying the note, and a warning says the ignore expired', async () => {
    const { report } = await scan(CONFIG, '2027-01-01')
    const setuid = findingsOf(report, 'legacy/Dockerfile', 'LP401')[0]
    expect(setuid.suppression).toBeUndefined()
    expect(setuid.level).toBe('error')
    expect(setuid.properties?.expired_ignore).toEqual({
      file: '.least-privilege.yml',
      line: 8,
      reason: 'setuid busybox until the base image migration (#123)',
      expires: '2026-12-31'
    })
    expect(gate(report, 'error').failed).toBe(true)
    expect(report.notifications.filter(n => n.kind === 'policy')).toEqual([
      {
        level: 'warning',
        kind: 'policy',
        message:
          '.least-privilege.yml: line 8: the ignore of LP401 (legacy/**) expired on 2026-12-31: its findings are reported again'
      }
    ])
    const sarif = buildSarif(report, ruleMetas(), { repoRoot: repo })
    expect(schemaErrors(sarif)).toEqual([])
    const result = sarif.runs[0].results?.find(r => r.ruleId === 'LP401')
    expect(result?.suppressions).toBeUndefined()
    expect(result?.properties?.expired_ignore).toMatchObject({ expires: '2026-12-31' })
    expect(result?.message.text).toMatch(
      /Not suppressed: the ignore in \.least-privilege\.yml line 8 expired on 2026-12-31 \(reason: setuid busybox/
    )
    const json = renderJson(report, ruleMetas(), { failOn: 'error' })
    expect(reportSchemaErrors(json)).toEqual([])
    const text = renderText(report, ruleMetas(), { color: false, failOn: 'error', width: 200 })
    expect(text).toContain('not suppressed: the ignore in .least-privilege.yml line 8 expired on 2026-12-31')
    expect(text).toContain('expired on 2026-12-31: its findings are reported again')
    expect(renderMarkdown(report, ruleMetas())).toContain(
      'Not suppressed: the ignore in .least-privilege.yml line 8 expired on 2026-12-31'
    )
  })

  it('an ignore that matched no finding in the whole run is a note naming its file and line', async () => {
    const { report } = await scan(
      'ignore:\n  - rule: LP401\n    reason: only legacy has one\n  - rule: LP402\n    paths: ["app/**"]\n    reason: no sudo here\n'
    )
    expect(report.notifications.filter(n => n.kind === 'policy')).toEqual([
      {
        level: 'note',
        kind: 'policy',
        message:
          '.least-privilege.yml: line 4: the ignore of LP402 (app/**) matched no finding: remove it if it is no longer needed'
      }
    ])
  })

  it('.hadolint.yaml ignored: suppresses the equivalent rules, with a note saying which', async () => {
    write('.hadolint.yaml', 'ignored:\n  - DL3002\n  - DL3008\n')
    try {
      const { report } = await scan('')
      const root = findingsOf(report, 'app/Dockerfile', 'LP101')[0]
      expect(root.suppression).toMatchObject({ kind: 'hadolint', file: '.hadolint.yaml', line: 2 })
      expect(report.notifications.filter(n => n.kind === 'policy')).toEqual([
        {
          level: 'note',
          kind: 'policy',
          message: '.hadolint.yaml: ignored DL3002 -> LP101; DL3008 has no least-privilege equivalent'
        }
      ])
      const sarif = buildSarif(report, ruleMetas(), { repoRoot: repo })
      const result = sarif.runs[0].results?.find(r => r.ruleId === 'LP101')
      expect(result?.suppressions?.[0]).toMatchObject({
        kind: 'external',
        justification: 'DL3002 is ignored in .hadolint.yaml (hadolint migration)'
      })
    } finally {
      rmSync(join(repo, '.hadolint.yaml'))
    }
  })
})
