// Rule levels and ignores in the config file, end to end through the bundled CLI (static): a level changes
// the exit status, an override matches the compose file a deployment finding is in, an ignore stays in
// SARIF as an external suppression with its reason, an expired ignore is reported again with a warning, a
// bad entry is exit 2 with one line, and .hadolint.yaml `ignored:` is honoured for the equivalent rules.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as sarif from 'sarif'
import { schemaErrors } from '../report/sarif-schema'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const haveBundle = existsSync(cli)
if (!haveBundle && process.env.CI !== 'true')
  console.warn('SKIPPED policy e2e: dist/cli/index.js missing (npm run package)')
const itBundle = haveBundle || process.env.CI === 'true' ? it : it.skip

interface JsonReport {
  results: {
    file: string
    findings: {
      rule_id: string
      file: string
      level: string
      suppressed: boolean
      suppression: { kind: string; justification: string; line: number; file?: string } | null
      properties: Record<string, unknown>
    }[]
  }[]
  notifications: { level: string; kind: string; message: string }[]
}

let repo: string
const write = (file: string, text: string): void => {
  mkdirSync(join(repo, file, '..'), { recursive: true })
  writeFileSync(join(repo, file), text)
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-policy-e2e-'))
  mkdirSync(join(repo, '.git'))
  // No USER: LP101 (error). The legacy image also sets a setuid bit: LP401 (error).
  write('app/Dockerfile', 'FROM alpine:3.20\nCMD ["sh"]\n')
  write('legacy/Dockerfile', 'FROM alpine:3.20\nRUN chmod u+s /bin/busybox\nCMD ["sh"]\n')
  // A deployment finding located in the compose file: LP220 (privileged) at compose.yaml.
  write('compose.yaml', 'services:\n  app:\n    build: ./app\n    privileged: true\n')
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))

function run(args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function config(...lines: string[]): void {
  write('.least-privilege.yml', lines.join('\n') + '\n')
}

const findings = (report: JsonReport, rule: string) =>
  report.results.flatMap(r =>
    r.findings.filter(f => f.rule_id === rule).map(f => ({ ...f, dockerfile: r.file }))
  )

itBundle('levels decide the exit status; an override matches the compose file a finding is in', () => {
  rmSync(join(repo, '.least-privilege.yml'), { force: true })
  expect(run(['scan', '--no-build', '.']).code).toBe(1)
  config(
    'rules:',
    '  LP101: warning',
    '  LP401: off',
    'overrides:',
    '  - paths: ["compose.yaml"]',
    '    rules:',
    '      LP220: note',
    '      LP320: note'
  )
  const { code, stdout, stderr } = run(['scan', '--no-build', '--format', 'json', '.'])
  expect(stderr).not.toContain('internal error')
  expect(code).toBe(0)
  const report = JSON.parse(stdout) as JsonReport
  expect(findings(report, 'LP101').every(f => f.level === 'warning')).toBe(true)
  expect(findings(report, 'LP101')[0].properties).toMatchObject({
    default_level: 'error',
    level_source: '.least-privilege.yml: line 2'
  })
  expect(findings(report, 'LP401')).toEqual([])
  const privileged = findings(report, 'LP220')
  expect(privileged.length).toBeGreaterThan(0)
  expect(privileged.every(f => f.file === 'compose.yaml' && f.level === 'note')).toBe(true)
  expect(report.notifications).toContainEqual({
    level: 'note',
    kind: 'policy',
    message: '.least-privilege.yml: rules turned off (not reported): LP401 on line 3',
    file: null,
    line: null,
    detail: null
  })
  // --fail-on warning still fails on the LP101 warnings.
  expect(run(['scan', '--no-build', '--fail-on', 'warning', '.']).code).toBe(1)
})

itBundle('an ignore stays in SARIF with its reason; an expired one is reported again, and says so', () => {
  const sarifFile = join(repo, 'out.sarif')
  config(
    'rules:',
    '  LP101: note',
    '  LP220: note',
    '  LP320: note',
    'ignore:',
    '  - rule: LP401',
    '    paths: ["legacy/**"]',
    '    reason: "setuid busybox until the base image migration (#123)"',
    '    expires: 2099-12-31'
  )
  const held = run(['scan', '--no-build', '--sarif', sarifFile, '.'])
  expect(held.code).toBe(0)
  const log = JSON.parse(readFileSync(sarifFile, 'utf8')) as sarif.Log
  expect(schemaErrors(log)).toEqual([])
  const result = log.runs[0].results?.find(r => r.ruleId === 'LP401')
  expect(result?.suppressions).toEqual([
    {
      kind: 'external',
      justification: 'setuid busybox until the base image migration (#123)',
      properties: { source: 'config', file: '.least-privilege.yml', line: 6, expires: '2099-12-31' }
    }
  ])
  expect(held.stdout).toContain('ignore in .least-privilege.yml line 6, until 2099-12-31')

  config(
    'rules:',
    '  LP101: note',
    '  LP220: note',
    '  LP320: note',
    'ignore:',
    '  - rule: LP401',
    '    paths: ["legacy/**"]',
    '    reason: "setuid busybox until the base image migration (#123)"',
    '    expires: 2020-01-31'
  )
  const expired = run(['scan', '--no-build', '--sarif', sarifFile, '.'])
  expect(expired.code).toBe(1)
  const warning =
    '.least-privilege.yml: line 6: the ignore of LP401 (legacy/**) expired on 2020-01-31: its findings are reported again'
  expect(expired.stdout.replace(/\s+/g, ' ')).toContain(warning)
  expect(expired.stdout.replace(/\s+/g, ' ')).toContain(
    'not suppressed: the ignore in .least-privilege.yml line 6 expired on 2020-01-31'
  )
  const again = JSON.parse(readFileSync(sarifFile, 'utf8')) as sarif.Log
  expect(schemaErrors(again)).toEqual([])
  const back = again.runs[0].results?.find(r => r.ruleId === 'LP401')
  expect(back?.suppressions).toBeUndefined()
  expect(back?.level).toBe('error')
  expect(back?.properties?.expired_ignore).toEqual({
    file: '.least-privilege.yml',
    line: 6,
    reason: 'setuid busybox until the base image migration (#123)',
    expires: '2020-01-31'
  })
  const notes = again.runs[0].invocations?.[0].toolExecutionNotifications ?? []
  expect(notes.map(n => [n.level, n.message.text])).toContainEqual(['warning', warning])
  const markdown = run(['scan', '--no-build', '--format', 'markdown', '.']).stdout
  expect(markdown).toContain(
    'Not suppressed: the ignore in .least-privilege.yml line 6 expired on 2020-01-31'
  )
})

itBundle('a bad entry is exit 2 with one line naming the file, line and key, before anything runs', () => {
  const cases: [string[], string][] = [
    [['rules:', '  LP999: off'], '.least-privilege.yml: line 2: rules: unknown rule "LP999"'],
    [['ignore:', '  - rule: LP101'], '.least-privilege.yml: line 2: ignore.0 needs a "reason" key'],
    [
      ['ignore:', '  - rule: LP101', '    reason: x', '    expires: 2027-02-30'],
      '.least-privilege.yml: line 4: ignore.0.expires: "2027-02-30" is not a date: write YYYY-MM-DD, e.g. 2027-03-31'
    ]
  ]
  for (const [lines, message] of cases) {
    config(...lines)
    const result = run(['scan', '--no-build', '.'])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toEqual([`least-privilege: ${message}`])
    expect(result.stdout).toBe('')
  }
})

itBundle('.hadolint.yaml ignored: suppresses the equivalent rules, and says which', () => {
  config('rules:', '  LP401: off', '  LP220: note', '  LP320: note')
  write('.hadolint.yaml', 'ignored:\n  - DL3002\n  - DL3008\n')
  try {
    const { code, stdout } = run(['scan', '--no-build', '--format', 'json', '.'])
    expect(code).toBe(0)
    const report = JSON.parse(stdout) as JsonReport
    const root = findings(report, 'LP101')
    expect(root.length).toBeGreaterThan(0)
    expect(
      root.every(f => f.suppression?.kind === 'hadolint' && f.suppression.file === '.hadolint.yaml')
    ).toBe(true)
    expect(report.notifications.map(n => n.message)).toContain(
      '.hadolint.yaml: ignored DL3002 -> LP101; DL3008 has no least-privilege equivalent'
    )
    // hadolint: false turns it off.
    config('rules:', '  LP401: off', '  LP220: note', '  LP320: note', 'hadolint: false')
    expect(run(['scan', '--no-build', '.']).code).toBe(1)
    // A broken file is a warning, never a crash.
    config('rules:', '  LP401: off', '  LP220: note', '  LP320: note', '  LP101: note')
    write('.hadolint.yaml', 'ignored: [DL3002\n')
    const broken = run(['scan', '--no-build', '--format', 'json', '.'])
    expect(broken.code).toBe(0)
    const warning = (JSON.parse(broken.stdout) as JsonReport).notifications.find(
      n => n.kind === 'policy' && n.level === 'warning'
    )
    expect(warning?.message).toMatch(
      /^\.hadolint\.yaml: line \d+: invalid YAML: .*; its ignored: rules are not applied$/
    )
  } finally {
    rmSync(join(repo, '.hadolint.yaml'), { force: true })
  }
})
