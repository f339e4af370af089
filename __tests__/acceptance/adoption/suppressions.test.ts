// Suppression acceptance cases (contract B): rule levels, overrides, ignores with reasons and expiry dates,
// validation errors, stale ignores and the .hadolint.yaml migration, all in .least-privilege.yml at the
// repository root. Written from the contract and the docs only; each case runs the bundled CLI
// (`scan ... --no-build --format json`, or sarif/text where the case is about that format).
import { describe, it, afterAll, expect } from '@jest/globals'
import type * as sarif from 'sarif'
import {
  active,
  cleanup,
  errorProblems,
  expectRun,
  findings,
  namesLine,
  notifications,
  repo,
  scan,
  utcDay,
  type Finding,
  type Notification,
  type Run
} from './support'

afterAll(cleanup)

const CONFIG = '.least-privilege.yml'
/** LP401 (error) on line 2, runs as non-root: the only error. */
const SETUID = 'FROM debian\nRUN chmod u+s /bin/x\nUSER 1000:1000\nCMD ["sh"]\n'
/** LP402 (error) on line 2, LP403 (warning) on line 3, runs as non-root. */
const SUDO_777 = 'FROM debian\nRUN apt-get install -y sudo\nRUN chmod 777 /data\nUSER 1000:1000\nCMD ["sh"]\n'
/** Three LP401 (lines 2-4), non-root. */
const THREE_SETUID =
  'FROM debian\nRUN chmod u+s /bin/a\nRUN chmod u+s /bin/b\nRUN chmod u+s /bin/c\nUSER 1000\nCMD ["sh"]\n'
/** LP101 (root, no USER) and LP402 (sudo, line 2). */
const ROOT_SUDO = 'FROM debian\nRUN apt-get install -y sudo\nCMD ["sh"]\n'

async function scanWith(
  files: Record<string, string>,
  args: string[] = ['.'],
  format?: 'sarif' | 'text' | 'markdown'
): Promise<Run> {
  const root = await repo(files, false)
  return scan(root, args, { format })
}

function saneExit(run: Run): string[] {
  return run.code === 0 || run.code === 1
    ? run.report || run.stdout
      ? []
      : ['no report']
    : [`exit ${run.code}`]
}

function withText(ns: Notification[], level: string, ...patterns: RegExp[]): Notification[] {
  return ns.filter(n => n.level === level && patterns.every(p => p.test(`${n.message} ${n.file ?? ''}`)))
}

function sarifOf(run: Run): sarif.Log {
  return JSON.parse(run.stdout) as sarif.Log
}

/** Any text in the finding's properties or suppression says the ignore expired. */
function saysExpired(f: Finding): boolean {
  return /expire/i.test(JSON.stringify(f.properties ?? {}))
}

describe('B rules: levels for every file', () => {
  it('off: no finding of the rule at all, and a note says which rules are off', async () => {
    const run = await scanWith({ [CONFIG]: 'rules:\n  LP402: off\n', Dockerfile: SUDO_777 })
    expectRun(run, saneExit(run))
    expect(findings(run).filter(f => f.rule_id === 'LP402')).toEqual([])
    expect(withText(notifications(run), 'note', /LP402/, /\boff\b/).length).toBeGreaterThanOrEqual(1)
    expect(run.code).toBe(0) // LP402 was the only error
  })

  it('an error turned into a warning no longer fails (exit 0, verdict pass, level warning, row not fail)', async () => {
    const run = await scanWith({ [CONFIG]: 'rules:\n  LP401: warning\n', Dockerfile: SETUID })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(active(run, 'LP401').map(f => f.level)).toEqual(['warning'])
    expect(run.report?.verdict).toBe('pass')
    const row = run.report?.results[0].rows.find(r => r.principle === 'no-escalation')
    expect(row?.verdict).not.toBe('fail')
  })

  it('off: no effect on the principle row', async () => {
    const run = await scanWith({ [CONFIG]: 'rules:\n  LP401: off\n', Dockerfile: SETUID })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    const row = run.report?.results[0].rows.find(r => r.principle === 'no-escalation')
    expect(row?.verdict).not.toBe('fail')
    expect(JSON.stringify(row)).not.toMatch(/LP401/)
  })

  it('a level keeps the default in properties.default_level and says where it was set', async () => {
    const run = await scanWith({ [CONFIG]: 'fail-on: error\nrules:\n  LP401: warning\n', Dockerfile: SETUID })
    expect(active(run, 'LP401').map(f => [f.properties.default_level, f.properties.level_source])).toEqual([
      ['error', '.least-privilege.yml: line 3']
    ])
  })

  it('a warning raised to error fails the gate', async () => {
    const run = await scanWith({ [CONFIG]: 'rules:\n  LP402: off\n  LP403: error\n', Dockerfile: SUDO_777 })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    expect(active(run, 'LP403').map(f => f.level)).toEqual(['error'])
  })

  it('a note level passes --fail-on warning', async () => {
    const run = await scanWith({ [CONFIG]: 'rules:\n  LP401: note\n  LP200: off\n', Dockerfile: SETUID }, [
      '.',
      '--fail-on',
      'warning'
    ])
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(active(run, 'LP401').map(f => f.level)).toEqual(['note'])
  })

  it('the config file with CRLF line ends works the same', async () => {
    const run = await scanWith({
      [CONFIG]: 'rules:\r\n  LP402: off\r\n  LP403: note\r\n',
      Dockerfile: SUDO_777
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(findings(run).filter(f => f.rule_id === 'LP402')).toEqual([])
    expect(active(run, 'LP403').map(f => f.level)).toEqual(['note'])
  })

  it('.least-privilege.yaml (the other name) is read too', async () => {
    const run = await scanWith({ '.least-privilege.yaml': 'rules:\n  LP401: warning\n', Dockerfile: SETUID })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
  })
})

describe('B overrides', () => {
  it('applies by path glob to the Dockerfile of the result', async () => {
    const run = await scanWith({
      [CONFIG]: 'overrides:\n  - paths: ["legacy/**"]\n    rules:\n      LP401: note\n',
      'legacy/a/Dockerfile': SETUID,
      'app/Dockerfile': SETUID
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1 (app still errors)`])
    const levels = Object.fromEntries(active(run, 'LP401').map(f => [f.file, f.level]))
    expect(levels).toEqual({ 'legacy/a/Dockerfile': 'note', 'app/Dockerfile': 'error' })
  })

  it('later entries win over earlier ones and over rules', async () => {
    const run = await scanWith({
      [CONFIG]:
        'rules:\n  LP401: off\noverrides:\n  - paths: ["legacy/**"]\n    rules:\n      LP401: note\n  - paths: ["legacy/keep/**"]\n    rules:\n      LP401: warning\n',
      'legacy/old/Dockerfile': SETUID,
      'legacy/keep/Dockerfile': SETUID,
      'app/Dockerfile': SETUID
    })
    expectRun(run, saneExit(run))
    const levels = Object.fromEntries(active(run, 'LP401').map(f => [f.file, f.level]))
    expect(levels).toEqual({ 'legacy/old/Dockerfile': 'note', 'legacy/keep/Dockerfile': 'warning' })
    expect(run.code).toBe(0)
  })

  it('an override can turn a rule that is off back on for some paths', async () => {
    const run = await scanWith({
      [CONFIG]: 'rules:\n  LP401: off\noverrides:\n  - paths: ["strict/*"]\n    rules:\n      LP401: error\n',
      'strict/Dockerfile': SETUID,
      'strict/deep/Dockerfile': SETUID,
      'app/Dockerfile': SETUID
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    // `*` stays within one segment: strict/deep/Dockerfile is not matched by strict/*.
    expect(active(run, 'LP401').map(f => f.file)).toEqual(['strict/Dockerfile'])
  })

  it('matches the compose file a deployment finding is located in', async () => {
    const run = await scanWith({
      [CONFIG]: 'overrides:\n  - paths: ["deploy/**"]\n    rules:\n      LP220: warning\n',
      'app/Dockerfile': 'FROM debian\nUSER 1000\nCMD ["sh"]\n',
      'deploy/compose.yaml': 'services:\n  app:\n    build: ../app\n    privileged: true\n'
    })
    expectRun(run, saneExit(run))
    const lp220 = active(run, 'LP220')
    expect(lp220.map(f => [f.file, f.level])).toEqual([['deploy/compose.yaml', 'warning']])
  })

  it('globs with spaces and unicode names', async () => {
    const run = await scanWith({
      [CONFIG]: 'overrides:\n  - paths: ["my app/**", "sérvice/*"]\n    rules:\n      LP401: note\n',
      'my app/Dockerfile': SETUID,
      'sérvice/Dockerfile': SETUID
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(active(run, 'LP401').map(f => f.level)).toEqual(['note', 'note'])
  })
})

describe('B ignore', () => {
  it('suppresses the matching finding but keeps it, with its reason; the gate passes', async () => {
    const run = await scanWith({
      [CONFIG]: 'ignore:\n  - rule: LP401\n    reason: "tracked in #123"\n',
      Dockerfile: SETUID
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    const lp401 = findings(run).filter(f => f.rule_id === 'LP401')
    expect(lp401.map(f => f.suppressed)).toEqual([true])
    expect(JSON.stringify(lp401[0].suppression)).toContain('tracked in #123')
    expect(run.report?.totals.suppressed).toBe(1)
    expect(run.report?.verdict).toBe('pass')
  })

  it('rules: [a, b] suppresses both', async () => {
    const run = await scanWith({
      [CONFIG]: 'ignore:\n  - rules: [LP402, LP403]\n    reason: migration\n',
      Dockerfile: SUDO_777
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(active(run, 'LP402').length + active(run, 'LP403').length).toBe(0)
    expect(
      findings(run)
        .filter(f => f.suppressed)
        .map(f => f.rule_id)
        .sort()
    ).toEqual(['LP402', 'LP403'])
  })

  it('paths limit it to matching files', async () => {
    const run = await scanWith({
      [CONFIG]: 'ignore:\n  - rule: LP401\n    paths: ["legacy/**"]\n    reason: old\n',
      'legacy/Dockerfile': SETUID,
      'app/Dockerfile': SETUID
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    const state = Object.fromEntries(
      findings(run)
        .filter(f => f.rule_id === 'LP401')
        .map(f => [f.file, f.suppressed])
    )
    expect(state).toEqual({ 'legacy/Dockerfile': true, 'app/Dockerfile': false })
  })

  it('paths match the manifest a deployment finding is located in', async () => {
    const run = await scanWith({
      [CONFIG]: 'ignore:\n  - rule: LP220\n    paths: ["deploy/compose.yaml"]\n    reason: vendor agent\n',
      'app/Dockerfile': 'FROM debian\nUSER 1000\nCMD ["sh"]\n',
      'deploy/compose.yaml': 'services:\n  app:\n    build: ../app\n    privileged: true\n'
    })
    expectRun(run, saneExit(run))
    const lp220 = findings(run).filter(f => f.rule_id === 'LP220')
    expect(lp220.map(f => [f.file, f.suppressed])).toEqual([['deploy/compose.yaml', true]])
  })

  it('paths match the Dockerfile of the result also for a finding located in its compose file', async () => {
    const run = await scanWith({
      [CONFIG]: 'ignore:\n  - rule: LP220\n    paths: ["app/Dockerfile"]\n    reason: vendor agent\n',
      'app/Dockerfile': 'FROM debian\nUSER 1000\nCMD ["sh"]\n',
      'deploy/compose.yaml': 'services:\n  app:\n    build: ../app\n    privileged: true\n'
    })
    expectRun(run, saneExit(run))
    const lp220 = findings(run).filter(f => f.rule_id === 'LP220')
    expect(lp220.map(f => [f.file, f.suppressed])).toEqual([['deploy/compose.yaml', true]])
  })

  it('paths are matched on the repo-relative path however the PATH is written or wherever the scan runs', async () => {
    const root = await repo(
      {
        [CONFIG]: 'ignore:\n  - rule: LP401\n    paths: ["legacy/**"]\n    reason: r\n',
        'legacy/Dockerfile': SETUID
      },
      false
    )
    for (const [args, cwd] of [
      [['./legacy/../legacy/Dockerfile'], undefined],
      [['Dockerfile'], 'legacy'],
      [['.'], 'legacy']
    ] as [string[], string | undefined][]) {
      const run = await scan(root, args, { cwd })
      expectRun(
        run,
        run.code === 0 ? [] : [`exit ${run.code}, expected 0 (${args.join(' ')} in ${cwd ?? '.'})`]
      )
      expect(
        findings(run)
          .filter(f => f.rule_id === 'LP401')
          .map(f => f.suppressed)
      ).toEqual([true])
    }
  })

  it('with --config naming a file in a subfolder, ignore paths stay repo-relative', async () => {
    const root = await repo(
      {
        'ci/lp.yml': 'ignore:\n  - rule: LP401\n    paths: ["legacy/**"]\n    reason: r\n',
        'legacy/Dockerfile': SETUID,
        'ci/legacy/Dockerfile': SETUID
      },
      false
    )
    const run = await scan(root, ['.', '--config', 'ci/lp.yml'])
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    const state = Object.fromEntries(
      findings(run)
        .filter(f => f.rule_id === 'LP401')
        .map(f => [f.file, f.suppressed])
    )
    expect(state).toEqual({ 'legacy/Dockerfile': true, 'ci/legacy/Dockerfile': false })
  })

  it('SARIF: suppressions with kind external and the reason as justification', async () => {
    const run = await scanWith(
      {
        [CONFIG]: 'ignore:\n  - rule: LP401\n    reason: "needs raw sockets — tracked in #7"\n',
        Dockerfile: SETUID
      },
      ['.'],
      'sarif'
    )
    expect(run.code).toBe(0)
    const results = sarifOf(run)
      .runs.flatMap(r => r.results ?? [])
      .filter(r => r.ruleId === 'LP401')
    expect(results.map(r => r.suppressions)).toEqual([
      [expect.objectContaining({ kind: 'external', justification: 'needs raw sockets — tracked in #7' })]
    ])
  })

  it('an ignore that expires today still holds (through that day, UTC)', async () => {
    const run = await scanWith({
      [CONFIG]: `ignore:\n  - rule: LP401\n    reason: r\n    expires: ${utcDay(0)}\n`,
      Dockerfile: SETUID
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(
      findings(run)
        .filter(f => f.rule_id === 'LP401')
        .map(f => f.suppressed)
    ).toEqual([true])
  })

  it('expiry is judged in UTC whatever the local time zone (UTC-11: still yesterday locally)', async () => {
    const root = await repo(
      {
        [CONFIG]: `ignore:\n  - rule: LP401\n    reason: r\n    expires: ${utcDay(-1)}\n`,
        Dockerfile: SETUID
      },
      false
    )
    const run = await scan(root, ['.'], { env: { TZ: 'Pacific/Pago_Pago' } })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1 (expired in UTC)`])
    expect(
      findings(run)
        .filter(f => f.rule_id === 'LP401')
        .map(f => f.suppressed)
    ).toEqual([false])
  })

  it('expiry is judged in UTC whatever the local time zone (UTC+14: already tomorrow locally)', async () => {
    const root = await repo(
      {
        [CONFIG]: `ignore:\n  - rule: LP401\n    reason: r\n    expires: ${utcDay(0)}\n`,
        Dockerfile: SETUID
      },
      false
    )
    const run = await scan(root, ['.'], { env: { TZ: 'Pacific/Kiritimati' } })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0 (holds through today UTC)`])
  })

  it('a quoted future date holds', async () => {
    const run = await scanWith({
      [CONFIG]: `ignore:\n  - rule: LP401\n    reason: r\n    expires: "${utcDay(1)}"\n`,
      Dockerfile: SETUID
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
  })

  it('an ignore that expired yesterday suppresses nothing; the finding says so; one warning names file, line, rule, date', async () => {
    const day = utcDay(-1)
    const run = await scanWith({
      [CONFIG]: `rules:\n  LP200: off\nignore:\n  - rule: LP401\n    reason: r\n    expires: ${day}\n`,
      Dockerfile: SETUID
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    const lp401 = findings(run).filter(f => f.rule_id === 'LP401')
    expect(lp401.map(f => [f.suppressed, saysExpired(f)])).toEqual([[false, true]])
    const warnings = withText(
      notifications(run),
      'warning',
      /LP401/,
      new RegExp(day),
      /\.least-privilege\.yml/
    )
    expect(warnings.length).toBe(1)
    expect([4, 5, 6, 7].some(l => namesLine(warnings[0], l))).toBe(true)
    expect(warnings[0].message).toMatch(/report/i)
  })

  it('an expired ignore is in the SARIF result message', async () => {
    const run = await scanWith(
      { [CONFIG]: 'ignore:\n  - rule: LP401\n    reason: r\n    expires: 2025-05-05\n', Dockerfile: SETUID },
      ['.'],
      'sarif'
    )
    expect(run.code).toBe(1)
    const results = sarifOf(run)
      .runs.flatMap(r => r.results ?? [])
      .filter(r => r.ruleId === 'LP401')
    expect(results.map(r => [r.suppressions?.length ?? 0, /expired/i.test(r.message.text ?? '')])).toEqual([
      [0, true]
    ])
  })

  it('text and Markdown list a suppressed finding under Suppressed with the ignore line', async () => {
    const files = {
      [CONFIG]: 'rules:\n  LP200: off\nignore:\n  - rule: LP401\n    reason: "accepted risk"\n',
      Dockerfile: SETUID
    }
    for (const format of ['text', 'markdown'] as const) {
      const run = await scanWith(files, ['.'], format)
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/suppressed/i)
      const lines = run.stdout.split('\n')
      const at = lines.findIndex(l => /accepted risk/.test(l))
      expect(lines[at]).toMatch(/line 4/)
      expect(lines.slice(Math.max(0, at - 5), at + 1).join('\n')).toMatch(/LP401/)
    }
  })

  it('an expired ignore is also visible in the text output', async () => {
    const run = await scanWith(
      { [CONFIG]: 'ignore:\n  - rule: LP401\n    reason: r\n    expires: 2024-02-29\n', Dockerfile: SETUID },
      ['.'],
      'text'
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/expired/i)
    expect(run.stdout).toMatch(/2024-02-29/)
  })

  it('one warning per expired ignore however many findings it covers, each finding carrying the note', async () => {
    const run = await scanWith({
      [CONFIG]: 'ignore:\n  - rule: LP401\n    reason: r\n    expires: 2025-12-31\n',
      Dockerfile: THREE_SETUID
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    const lp401 = findings(run).filter(f => f.rule_id === 'LP401')
    expect(lp401.map(f => [f.line, f.suppressed, saysExpired(f)])).toEqual([
      [2, false, true],
      [3, false, true],
      [4, false, true]
    ])
    expect(withText(notifications(run), 'warning', /LP401/, /2025-12-31/).length).toBe(1)
  })

  it('two expired ignores give two warnings', async () => {
    const run = await scanWith({
      [CONFIG]:
        'ignore:\n  - rule: LP402\n    reason: a\n    expires: 2020-01-01\n  - rule: LP403\n    reason: b\n    expires: 2021-06-30\n',
      Dockerfile: SUDO_777
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    const w = notifications(run).filter(n => n.level === 'warning' && /2020-01-01|2021-06-30/.test(n.message))
    expect(w.length).toBe(2)
    expect(active(run, 'LP402').length).toBe(1)
    expect(active(run, 'LP403').length).toBe(1)
  })

  it('an expired ignore next to a valid one for the same finding: the valid one suppresses it, the expired one still warns', async () => {
    const run = await scanWith({
      [CONFIG]:
        'ignore:\n  - rule: LP401\n    reason: old\n    expires: 2025-01-01\n  - rule: LP401\n    paths: ["Dockerfile"]\n    reason: renewed\n    expires: 2099-12-31\n',
      Dockerfile: SETUID
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    const lp401 = findings(run).filter(f => f.rule_id === 'LP401')
    expect(lp401.map(f => f.suppressed)).toEqual([true])
    expect(JSON.stringify(lp401[0].suppression)).toContain('renewed')
    expect(withText(notifications(run), 'warning', /2025-01-01/).length).toBe(1)
  })

  it('an ignore matching nothing is a stale note naming the file and line', async () => {
    const run = await scanWith({
      [CONFIG]:
        'ignore:\n  - rule: LP401\n    reason: used\n  - rule: LP403\n    paths: ["nowhere/**"]\n    reason: stale one\n',
      Dockerfile: SETUID
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    const stale = withText(notifications(run), 'note', /\.least-privilege\.yml/)
    const named = stale.filter(n => [4, 5, 6].some(l => namesLine(n, l)))
    expect(named.length).toBe(1)
    expect(
      stale.filter(
        n => [2, 3].some(l => namesLine(n, l)) && /stale|matche?s? nothing|no finding/i.test(n.message)
      )
    ).toEqual([])
  })

  it('an ignore whose rule fires only in other paths is stale too', async () => {
    const run = await scanWith({
      [CONFIG]: 'ignore:\n  - rule: LP401\n    paths: ["legacy/**"]\n    reason: r\n',
      'app/Dockerfile': SETUID
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    expect(
      withText(notifications(run), 'note', /\.least-privilege\.yml/).filter(
        n => namesLine(n, 2) || namesLine(n, 3)
      ).length
    ).toBe(1)
  })
})

describe('B invalid config: exit 2, one line naming the file, line and key', () => {
  const cases: [string, string, RegExp[]][] = [
    ['unknown rule id in ignore', 'ignore:\n  - rule: LP999\n    reason: r\n', [/line 2\b/, /rule|LP999/]],
    ['unknown rule id in rules', 'rules:\n  LP401: off\n  XX123: note\n', [/line 3\b/, /XX123/]],
    ['bad level', 'rules:\n  LP401: high\n', [/line 2\b/, /LP401/]],
    [
      'bad level in an override',
      'overrides:\n  - paths: ["a/**"]\n    rules:\n      LP401: fatal\n',
      [/line 4\b/, /LP401/]
    ],
    ['missing reason', 'ignore:\n  - rule: LP401\n    paths: ["a/**"]\n', [/line 2\b/, /reason/]],
    ['empty reason', 'ignore:\n  - rule: LP401\n    reason: ""\n', [/line 3\b/, /reason/]],
    [
      'a day that does not exist (2027-02-30)',
      'ignore:\n  - rule: LP401\n    reason: r\n    expires: 2027-02-30\n',
      [/line 4\b/, /expires/]
    ],
    [
      '29 February of a common year (2026-02-29)',
      'ignore:\n  - rule: LP401\n    reason: r\n    expires: 2026-02-29\n',
      [/line 4\b/, /expires/]
    ],
    [
      'a short date (27-3-1)',
      'ignore:\n  - rule: LP401\n    reason: r\n    expires: 27-3-1\n',
      [/line 4\b/, /expires/]
    ],
    [
      'month 13',
      'ignore:\n  - rule: LP401\n    reason: r\n    expires: "2027-13-01"\n',
      [/line 4\b/, /expires/]
    ],
    [
      'unknown key in an ignore entry',
      'ignore:\n  - rule: LP401\n    reason: r\n    reson: typo\n',
      [/line 4\b/, /reson/]
    ],
    [
      'unknown key in an override',
      'overrides:\n  - path: ["a/**"]\n    rules:\n      LP401: note\n',
      [/line 2\b/, /\bpath\b/]
    ],
    [
      'unknown top-level key',
      'rules:\n  LP401: note\nignores:\n  - rule: LP401\n    reason: r\n',
      [/line 3\b/, /ignores/]
    ],
    ['hadolint not a boolean', 'hadolint: maybe\n', [/line 1\b/, /hadolint/]]
  ]
  it.each(cases)('%s', async (_name, config, mentions) => {
    const run = await scanWith({ [CONFIG]: config, Dockerfile: SETUID })
    expectRun(run, errorProblems(run, /\.least-privilege\.yml/, ...mentions))
  })
})

describe('B .hadolint.yaml migration', () => {
  it('ignored: [DL3002, DL3008] suppresses the non-root rule; a note says what mapped and what has no equivalent', async () => {
    const run = await scanWith({
      '.hadolint.yaml': 'ignored:\n  - DL3002\n  - DL3008\n',
      Dockerfile: 'FROM debian\nCMD ["sh"]\n'
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(
      findings(run)
        .filter(f => f.rule_id === 'LP101')
        .map(f => f.suppressed)
    ).toEqual([true])
    const notes = withText(notifications(run), 'note', /DL3002/, /DL3008/)
    expect(notes.length).toBe(1)
  })

  it('.hadolint.yml with DL3004 suppresses sudo (LP402)', async () => {
    const run = await scanWith({ '.hadolint.yml': 'ignored: [DL3004]\n', Dockerfile: SUDO_777 })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(
      findings(run)
        .filter(f => f.rule_id === 'LP402')
        .map(f => f.suppressed)
    ).toEqual([true])
    expect(active(run, 'LP403').length).toBe(1) // DL3004 does not cover LP403
  })

  it('hadolint: false stops reading it', async () => {
    const run = await scanWith({
      '.hadolint.yaml': 'ignored: [DL3002]\n',
      [CONFIG]: 'hadolint: false\n',
      Dockerfile: 'FROM debian\nCMD ["sh"]\n'
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    expect(active(run, 'LP101').length).toBe(1)
  })

  it('a broken .hadolint.yaml is a warning notification, not a crash', async () => {
    const run = await scanWith({
      '.hadolint.yaml': 'ignored: [DL3002\n  : : :\n\t- x',
      Dockerfile: 'FROM debian\nCMD ["sh"]\n'
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1 (LP101 not suppressed)`])
    expect(withText(notifications(run), 'warning', /hadolint/i).length).toBeGreaterThanOrEqual(1)
  })

  it('a .hadolint.yaml whose ignored is not a list is a warning, not a crash', async () => {
    const run = await scanWith({ '.hadolint.yaml': 'ignored: 42\n', Dockerfile: 'FROM debian\nCMD ["sh"]\n' })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    expect(withText(notifications(run), 'warning', /hadolint/i).length).toBeGreaterThanOrEqual(1)
  })

  it('only the repository root one is read (a .hadolint.yaml in a subfolder is not)', async () => {
    const run = await scanWith({
      'svc/.hadolint.yaml': 'ignored: [DL3002]\n',
      'svc/Dockerfile': 'FROM debian\nCMD ["sh"]\n'
    })
    expectRun(run, run.code === 1 ? [] : [`exit ${run.code}, expected 1`])
    expect(active(run, 'LP101').length).toBe(1)
  })

  it('it combines with the config file ignores', async () => {
    const run = await scanWith({
      '.hadolint.yaml': 'ignored: [DL3004]\n',
      [CONFIG]: 'ignore:\n  - rule: LP403\n    reason: r\n',
      Dockerfile: SUDO_777
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(
      findings(run)
        .filter(f => f.suppressed)
        .map(f => f.rule_id)
        .sort()
    ).toEqual(['LP402', 'LP403'])
  })
})

describe('B combinations', () => {
  it('an off rule is not reported even when an ignore names it (and nothing crashes)', async () => {
    const run = await scanWith({
      [CONFIG]: 'rules:\n  LP402: off\nignore:\n  - rule: LP402\n    reason: r\n',
      Dockerfile: ROOT_SUDO
    })
    expectRun(run, saneExit(run))
    expect(findings(run).filter(f => f.rule_id === 'LP402')).toEqual([])
  })

  it('a level override and an ignore together: the finding is suppressed and does not fail', async () => {
    const run = await scanWith({
      [CONFIG]:
        'rules:\n  LP403: error\nignore:\n  - rule: LP403\n    reason: r\n  - rule: LP402\n    reason: r\n',
      Dockerfile: SUDO_777
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(
      findings(run)
        .filter(f => f.rule_id === 'LP403')
        .map(f => f.suppressed)
    ).toEqual([true])
  })

  it('an expired ignore of a rule turned to note: reported again, at note, not failing', async () => {
    const run = await scanWith({
      [CONFIG]: 'rules:\n  LP401: note\nignore:\n  - rule: LP401\n    reason: r\n    expires: 2026-01-01\n',
      Dockerfile: SETUID
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(active(run, 'LP401').map(f => [f.level, saysExpired(f)])).toEqual([['note', true]])
  })

  it('suppressed findings are kept in the JSON and counted as suppressed, not in the levels', async () => {
    const run = await scanWith({
      [CONFIG]: 'ignore:\n  - rule: LP401\n    reason: r\n',
      Dockerfile: THREE_SETUID
    })
    expectRun(run, run.code === 0 ? [] : [`exit ${run.code}, expected 0`])
    expect(run.report?.totals).toMatchObject({ suppressed: 3, error: 0 })
  })
})
