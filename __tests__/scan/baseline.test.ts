// The new-findings gate (issue 11 item 5): a real git repository in a temporary folder, the settings read as
// the CLI reads them (parseCli, so --baseline is resolved there), the scan static (--no-build: no daemon),
// and the baseline read from git. The pure comparison and git's output parser are tested on their own.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseCli } from '../../src/cli/args'
import type { Finding } from '../../src/findings'
import { silentLogger } from '../../src/logger'
import { alertsOf, type Alert } from '../../src/scan/alerts'
import { compareWithBase } from '../../src/scan/baseline/compare'
import { parseNameStatus } from '../../src/scan/baseline/git'
import { outcome } from '../../src/scan/outcome'
import { runScan } from '../../src/scan/scan'
import type { ScanReport } from '../../src/scan/types'
import type { Settings } from '../../src/settings'

// Each service Dockerfile has two problems: no USER (LP101, error) and no declared deployment (LP200, note).
const SERVICE = 'FROM debian:12\nRUN apt-get update\nCMD ["app"]\n'
const SERVICES = ['api', 'worker', 'web', 'cron', 'mail']

let repo: string

function git(...args: string[]): string {
  const run = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: repo,
    encoding: 'utf8'
  })
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`)
  return run.stdout.trim()
}

function write(file: string, text: string): void {
  mkdirSync(dirname(join(repo, file)), { recursive: true })
  writeFileSync(join(repo, file), text)
}

function commitAll(message: string): string {
  git('add', '-A')
  git('commit', '-q', '-m', message)
  return git('rev-parse', 'HEAD')
}

function settingsFor(...flags: string[]): Settings {
  const command = parseCli(['scan', '.', '--no-build', ...flags], repo, { env: {} })
  if (command.kind !== 'scan') throw new Error('not a scan')
  return command.settings
}

async function scan(...flags: string[]): Promise<ScanReport> {
  return runScan(settingsFor(...flags), { logger: silentLogger, runId: 'lp-test-baseline' })
}

function states(report: ScanReport): Array<[string, string, number, string | undefined]> {
  return alertsOf(report).map(a => [a.finding.ruleId, a.file, a.finding.line, a.finding.baselineState])
}

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-baseline-'))
  git('init', '-q', '-b', 'main')
  for (const name of SERVICES) write(`services/${name}/Dockerfile`, SERVICE)
  commitAll('ten problems')
})

afterEach(() => rmSync(repo, { recursive: true, force: true }))

describe('a repository with ten problems and a change that adds one', () => {
  it('without a baseline the ten existing problems fail the scan (the case the gate exists for)', async () => {
    const report = await scan()
    expect(alertsOf(report).filter(a => !a.finding.suppression)).toHaveLength(10)
    expect(outcome(report, 'error').verdict).toBe('fail')
  })

  it('fails only on the one new finding, and counts the ten as unchanged (work-tree change)', async () => {
    write('services/api/Dockerfile', `${SERVICE}RUN chmod u+s /usr/bin/find\n`)
    const report = await scan('--baseline', 'main')
    expect(report.baseline).toMatchObject({ ref: 'main', new: 1, fixed: 0, unchanged: 10 })
    expect(report.baseline?.commit).toBe(git('rev-parse', 'main'))
    const fresh = alertsOf(report).filter(a => a.finding.baselineState === 'new')
    expect(fresh.map(a => [a.finding.ruleId, a.file, a.finding.line])).toEqual([
      ['LP401', 'services/api/Dockerfile', 4]
    ])
    const judged = outcome(report, 'error')
    expect(judged.verdict).toBe('fail')
    expect(judged.failing).toBe(1)
    expect(judged.reason).toBe(
      '1 new finding at or above error in 1 Dockerfile since main; 1 new, 0 fixed, 10 unchanged'
    )
  })

  it('the same change as a commit, compared with HEAD~1', async () => {
    write('services/web/Dockerfile', `${SERVICE}RUN apt-get install -y sudo\n`)
    commitAll('add sudo')
    const report = await scan('--baseline', 'HEAD~1')
    expect(report.baseline).toMatchObject({ new: 1, fixed: 0, unchanged: 10 })
    expect(states(report).filter(s => s[3] === 'new')).toEqual([
      ['LP402', 'services/web/Dockerfile', 4, 'new']
    ])
    expect(outcome(report, 'error').verdict).toBe('fail')
  })

  it('passes when nothing new was added, though ten unchanged findings are errors and notes', async () => {
    const report = await scan('--baseline', 'main')
    expect(report.baseline).toMatchObject({ new: 0, fixed: 0, unchanged: 10 })
    const judged = outcome(report, 'error')
    expect(judged.verdict).toBe('pass')
    expect(judged.reason).toBe(
      'no new findings at or above error in 5 Dockerfiles since main; 0 new, 0 fixed, 10 unchanged'
    )
  })

  it('a new finding below fail-on is counted as new but does not fail', async () => {
    // LP200 (note) for a new Dockerfile, and LP101 (error) too: with fail-on never nothing fails.
    write('services/extra/Dockerfile', SERVICE)
    const report = await scan('--baseline', 'main', '--fail-on', 'never')
    expect(report.baseline).toMatchObject({ new: 2, unchanged: 10 })
    expect(outcome(report, 'never').verdict).toBe('pass')
  })
})

describe('fingerprints across the change', () => {
  it('lines inserted above a finding keep it unchanged', async () => {
    write('services/api/Dockerfile', `# syntax=docker/dockerfile:1\n\n# a comment\n${SERVICE}`)
    const report = await scan('--baseline', 'main')
    expect(report.baseline).toMatchObject({ new: 0, fixed: 0, unchanged: 10 })
    expect(states(report).find(s => s[1] === 'services/api/Dockerfile')?.[2]).toBe(4)
  })

  it('spacing, line continuations and keyword case do not make a finding new', async () => {
    write('services/api/Dockerfile', 'from   debian:12\nRUN apt-get \\\n    update\ncmd ["app"]\n')
    const report = await scan('--baseline', 'main')
    expect(report.baseline).toMatchObject({ new: 0, fixed: 0, unchanged: 10 })
  })

  it('changing the instruction of a finding makes it new and the old one fixed', async () => {
    write('services/api/Dockerfile', SERVICE.replace('debian:12', 'ubuntu:24.04'))
    const report = await scan('--baseline', 'main')
    // LP101 and LP200 both sit on the FROM line: both are new there, both fixed at the old text.
    expect(report.baseline).toMatchObject({ new: 2, fixed: 2, unchanged: 8 })
    expect(report.baseline?.fixedFindings.map(f => [f.ruleId, f.file, f.line]).sort()).toEqual([
      ['LP101', 'services/api/Dockerfile', 1],
      ['LP200', 'services/api/Dockerfile', 1]
    ])
  })

  it('fixing a problem counts it fixed and passes', async () => {
    write('services/cron/Dockerfile', `${SERVICE}USER 10001:10001\n`)
    const report = await scan('--baseline', 'main')
    expect(report.baseline).toMatchObject({ new: 0, fixed: 1, unchanged: 9 })
    expect(report.baseline?.fixedFindings[0]).toMatchObject({
      ruleId: 'LP101',
      file: 'services/cron/Dockerfile',
      line: 1
    })
    expect(outcome(report, 'error').verdict).toBe('pass')
  })

  it('a second identical instruction in one file is a new occurrence', async () => {
    write('services/api/Dockerfile', 'FROM debian:12\nRUN chmod u+s /usr/bin/find\n')
    commitAll('one setuid')
    write(
      'services/api/Dockerfile',
      'FROM debian:12\nRUN chmod u+s /usr/bin/find\nRUN chmod u+s /usr/bin/find\n'
    )
    const report = await scan('--baseline', 'HEAD')
    const fresh = states(report).filter(s => s[3] === 'new')
    expect(fresh).toEqual([['LP401', 'services/api/Dockerfile', 3, 'new']])
  })

  it('a file moved away and replaced at its old path: one verdict, staged or not', async () => {
    git('mv', 'services/mail', 'services/postman')
    write('services/mail/Dockerfile', 'FROM debian:12\nUSER 10001\nRUN chmod u+s /usr/bin/find\n')
    const unstaged = (await scan('--baseline', 'main')).baseline
    git('add', '-A')
    const staged = (await scan('--baseline', 'main')).baseline
    expect(staged).toEqual(unstaged)
    // Each base finding is matched once: the ten are unchanged, and the new file's two findings are new.
    expect(staged).toMatchObject({ new: 2, fixed: 0, unchanged: 10 })
  })

  it('--repo-root a subfolder of the repository: the base is read from git there', async () => {
    write('services/api/Dockerfile', `${SERVICE}RUN chmod u+s /usr/bin/find\n`)
    const command = parseCli(
      ['scan', '.', '--no-build', '--repo-root', '.', '--baseline', 'main'],
      join(repo, 'services'),
      {
        env: {}
      }
    )
    if (command.kind !== 'scan') throw new Error('not a scan')
    const report = await runScan(command.settings, { logger: silentLogger, runId: 'lp-test-baseline' })
    expect(report.baseline).toMatchObject({ new: 1, fixed: 0, unchanged: 10 })
    expect(alertsOf(report).find(a => a.finding.baselineState === 'new')?.file).toBe('api/Dockerfile')
  })

  it('a file renamed with git mv keeps its findings unchanged', async () => {
    git('mv', 'services/mail', 'services/postman')
    const report = await scan('--baseline', 'main')
    expect(report.baseline).toMatchObject({ new: 0, fixed: 0, unchanged: 10 })
    expect(states(report).some(s => s[1] === 'services/postman/Dockerfile')).toBe(true)
  })

  it('a file that did not exist at the base brings all its findings as new, and a deleted one is fixed', async () => {
    rmSync(join(repo, 'services/mail'), { recursive: true })
    write('fresh/Dockerfile', SERVICE)
    const report = await scan('--baseline', 'main')
    expect(report.baseline).toMatchObject({ new: 2, fixed: 2, unchanged: 8 })
  })

  it('a path that did not exist at the base is scanned at the head alone', async () => {
    write('later/Dockerfile', SERVICE)
    const command = parseCli(['scan', 'later', '--no-build', '--baseline', 'main'], repo, { env: {} })
    if (command.kind !== 'scan') throw new Error('not a scan')
    const report = await runScan(command.settings, { logger: silentLogger, runId: 'lp-test-baseline' })
    expect(report.baseline).toMatchObject({ new: 2, fixed: 0, unchanged: 0 })
    expect(report.notifications.filter(n => n.level === 'error')).toEqual([])
  })

  it('a suppressed finding is neither new nor counted; removing its pragma keeps it unchanged', async () => {
    write(
      'services/api/Dockerfile',
      `# least-privilege ignore-file=LP101 the base image drops root itself\n${SERVICE}`
    )
    commitAll('suppress')
    let report = await scan('--baseline', 'HEAD')
    expect(report.baseline).toMatchObject({ new: 0, fixed: 0, unchanged: 9 })
    write('services/api/Dockerfile', SERVICE)
    report = await scan('--baseline', 'HEAD')
    expect(report.baseline).toMatchObject({ new: 0, fixed: 0, unchanged: 10 })
  })

  it('a compose file the change repairs does not hide the rest of the base', async () => {
    write('compose.yaml', 'services:\n  api:\n    build: services/api\n    cap_drop: ALL ALL: [\n')
    commitAll('broken compose')
    write('compose.yaml', 'services:\n  api:\n    build: services/api\n    cap_drop: [ALL]\n')
    const report = await scan('--baseline', 'HEAD')
    expect(report.notifications.filter(n => n.kind === 'baseline-failed')).toEqual([])
    // The Dockerfiles' findings are matched; what only the repaired file declares is new.
    expect(report.baseline?.unchanged).toBeGreaterThanOrEqual(9)
  })

  it('a Dockerfile added to a folder that had none at the base', async () => {
    write('docs/README.md', 'hello\n')
    commitAll('docs')
    write('docs/Dockerfile', SERVICE)
    const command = parseCli(['scan', 'docs', 'services', '--no-build', '--baseline', 'HEAD'], repo, {
      env: {}
    })
    if (command.kind !== 'scan') throw new Error('not a scan')
    const report = await runScan(command.settings, { logger: silentLogger, runId: 'lp-test-baseline' })
    expect(report.notifications.filter(n => n.level === 'error')).toEqual([])
    expect(report.baseline).toMatchObject({ new: 2, fixed: 0, unchanged: 10 })
  })

  it('compose deployments at the base are read from git too', async () => {
    write('compose.yaml', 'services:\n  api:\n    build: services/api\n    cap_drop: [ALL]\n')
    commitAll('compose')
    write(
      'compose.yaml',
      'services:\n  api:\n    build: services/api\n    cap_drop: [ALL]\n    privileged: true\n'
    )
    const report = await scan('--baseline', 'HEAD')
    const fresh = alertsOf(report).filter(a => a.finding.baselineState === 'new' && !a.finding.suppression)
    expect(fresh.length).toBeGreaterThan(0)
    expect(fresh.every(a => a.file === 'compose.yaml')).toBe(true)
    expect(fresh.map(a => a.finding.line)).toContain(5)
  })
})

describe('reports', () => {
  it('JSON, SARIF and text say new, fixed and unchanged', async () => {
    const { renderJson } = await import('../../src/report/json')
    const { buildSarif } = await import('../../src/report/sarif')
    const { renderText } = await import('../../src/report/text')
    const { ruleMetas } = await import('../../src/rules/registry')
    write('services/api/Dockerfile', `${SERVICE}RUN chmod u+s /usr/bin/find\n`)
    write('services/cron/Dockerfile', `${SERVICE}USER 10001\n`)
    const report = await scan('--baseline', 'main')
    const json = renderJson(report, ruleMetas())
    expect(json.baseline).toMatchObject({ ref: 'main', new: 1, fixed: 1, unchanged: 9 })
    expect(json.baseline?.fixed_findings).toEqual([
      expect.objectContaining({ rule_id: 'LP101', file: 'services/cron/Dockerfile', line: 1, end_line: null })
    ])
    const all = json.results.flatMap(r => r.findings)
    expect(all.filter(f => f.baseline_state === 'new').map(f => f.rule_id)).toEqual(['LP401'])
    expect(all.every(f => f.baseline_state !== null)).toBe(true)

    const sarif = buildSarif(report, ruleMetas(), { repoRoot: repo })
    const results = sarif.runs[0].results ?? []
    expect(results.filter(r => r.baselineState === 'new').map(r => r.ruleId)).toEqual(['LP401'])
    expect(results.every(r => r.baselineState === 'new' || r.baselineState === 'unchanged')).toBe(true)

    const text = renderText(report, ruleMetas(), { color: false, width: 100, failOn: 'error' })
    expect(text).toMatch(/^Baseline main \([0-9a-f]{12}\): 1 new, 1 fixed, 9 unchanged$/m)
    expect(text).toMatch(/^ {2}fixed {2}LP101 services\/cron\/Dockerfile:1 /m)
    expect(text).toMatch(/LP401 {2}new: /)
  })

  it('without a baseline nothing says baseline', async () => {
    const { renderJson } = await import('../../src/report/json')
    const { ruleMetas } = await import('../../src/rules/registry')
    const json = renderJson(await scan(), ruleMetas())
    expect(json.baseline).toBeNull()
    expect(json.results.flatMap(r => r.findings).every(f => f.baseline_state === null)).toBe(true)
  })
})

describe('errors are one line naming --baseline', () => {
  it('an unknown ref', () => {
    expect(() => settingsFor('--baseline', 'no-such-branch')).toThrow(
      /^--baseline: "no-such-branch" is not a commit in this repository/
    )
  })

  it('a ref that looks like an option is a ref, never an option of git', () => {
    expect(() => settingsFor('--baseline=--output=/tmp/x')).toThrow(
      /^--baseline: "--output=\/tmp\/x" is not a commit/
    )
  })

  it('a folder outside git', () => {
    const outside = mkdtempSync(join(tmpdir(), 'lp-nogit-'))
    try {
      writeFileSync(join(outside, 'Dockerfile'), SERVICE)
      expect(() => parseCli(['scan', '.', '--no-build', '--baseline', 'HEAD'], outside, { env: {} })).toThrow(
        /^--baseline: .* is not inside a git repository/
      )
    } finally {
      rmSync(outside, { recursive: true, force: true })
    }
  })

  it('a base that cannot be scanned is an error notification: the gate fails rather than pass blind', async () => {
    const settings = settingsFor('--baseline', 'main')
    // The commit vanishes between reading the settings and scanning (a gc, a force-push in a shared clone).
    const broken: Settings = { ...settings, baseline: { ref: 'main', commit: 'f'.repeat(40) } }
    const report = await runScan(broken, { logger: silentLogger, runId: 'lp-test-baseline' })
    const failed = report.notifications.filter(n => n.kind === 'baseline-failed')
    expect(failed).toHaveLength(1)
    expect(failed[0].message).toMatch(/^the base commit main \(ffffffffffff\) could not be scanned: /)
    expect(outcome(report, 'error').verdict).toBe('fail')
  })
})

describe('compareWithBase (pure)', () => {
  const finding = (over: Partial<Finding>): Finding => ({
    ruleId: 'LP140',
    principle: 'least-privilege',
    level: 'error',
    message: 'measured root',
    evidence: 'measured',
    file: 'Dockerfile',
    line: 1,
    ...over
  })
  const alert = (f: Finding, dockerfiles = ['Dockerfile']): Alert => ({
    finding: f,
    file: f.file,
    targets: [],
    dockerfiles,
    occurrences: 1,
    members: [f]
  })
  const lines = (): string[] => ['FROM debian:12']

  it('a finding only a measurement makes is new only when a file defining its target changed', () => {
    const head = [alert(finding({}))]
    const unchangedFiles = compareWithBase({
      head,
      headLines: lines,
      base: [],
      baseLines: lines,
      changed: () => false
    })
    expect(unchangedFiles.states).toEqual(['unchanged'])
    const changedFiles = compareWithBase({
      head,
      headLines: lines,
      base: [],
      baseLines: lines,
      changed: f => f === 'Dockerfile'
    })
    expect(changedFiles.states).toEqual(['new'])
  })

  it('a static finding absent at the base is new whatever changed; a suppressed base finding is never fixed', () => {
    const head = [alert(finding({ ruleId: 'LP101', evidence: 'dockerfile' }))]
    const base = [
      alert(
        finding({
          ruleId: 'LP402',
          evidence: 'dockerfile',
          suppression: { kind: 'inline', justification: 'x', line: 1 }
        })
      )
    ]
    const result = compareWithBase({ head, headLines: lines, base, baseLines: lines, changed: () => false })
    expect(result.states).toEqual(['new'])
    expect(result.fixed).toEqual([])
  })
})

describe('parseNameStatus', () => {
  it('reads renames, copies and plain changes from -z output', () => {
    expect(parseNameStatus('R100\0old name\0new name\0M\0a/Dockerfile\0A\0b\0D\0c\0C075\0x\0y\0')).toEqual([
      { status: 'R', before: 'old name', after: 'new name' },
      { status: 'M', before: 'a/Dockerfile', after: 'a/Dockerfile' },
      { status: 'A', before: 'b', after: 'b' },
      { status: 'D', before: 'c', after: 'c' },
      { status: 'C', before: 'x', after: 'y' }
    ])
  })
})
