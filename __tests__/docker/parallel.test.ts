// Parallel targets on the real daemon: --jobs 3 reports exactly what --jobs 1 reports (results in plan order,
// the same findings and verdicts), never has more than 3 targets in flight, builds a Dockerfile two compose
// services share once, keeps each target's log contiguous and in plan order, and a stop mid-run marks the
// unfinished targets interrupted and leaves nothing labelled behind. No assertion is about time.
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCli } from '../../src/cli/args'
import type { Logger } from '../../src/logger'
import { runScan } from '../../src/scan/scan'
import type { ScanReport } from '../../src/scan/types'
import type { Settings } from '../../src/settings'
import {
  BUSYBOX,
  FIXTURES,
  dockerOrSkip,
  leftBehind,
  removeDirectly,
  testRunId,
  type DockerSession
} from './helpers'

const session: DockerSession | undefined = await dockerOrSkip('parallel targets')
const describeDocker = session ? describe : describe.skip

/** Five targets: four Dockerfiles, one of them deployed by two compose services (built once). */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lp-parallel-'))
  for (const [folder, fixture] of [
    ['a-root', 'root'],
    ['b-nonroot', 'nonroot'],
    ['c-exits', 'exits'],
    ['d-shared', 'root']
  ]) {
    cpSync(join(FIXTURES, fixture), join(dir, folder), { recursive: true })
    copyFileSync(BUSYBOX, join(dir, folder, 'busybox'))
    chmodSync(join(dir, folder, 'busybox'), 0o755)
  }
  writeFileSync(
    join(dir, 'compose.yaml'),
    'services:\n  web:\n    build: ./d-shared\n  worker:\n    build: ./d-shared\n    user: "1000"\n'
  )
  return dir
}

/** A logger writing lines as the CLI's does (a group's lines indented under its name), groups also listed. */
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = []
  let depth = 0
  const write = (text: string): void => void lines.push(`${'  '.repeat(depth)}${text}`)
  return {
    lines,
    debug: () => undefined,
    info: write,
    warning: m => write(`warning: ${m}`),
    error: m => write(`error: ${m}`),
    group: async (name, fn) => {
      write(name)
      depth++
      try {
        return await fn()
      } finally {
        depth--
      }
    }
  }
}

/** What a report says, without what differs between any two runs (ids, times, pids). */
function essence(report: ScanReport): unknown {
  return report.results.map(r => ({
    file: r.file,
    target: r.target?.name,
    findings: r.findings.map(f => `${f.ruleId} ${f.level} ${f.file}:${f.line}`),
    rows: r.rows.map(row => `${row.principle} ${row.verdict} ${row.basis} ${row.measured}`),
    notifications: r.notifications.map(n => `${n.level} ${n.kind}`)
  }))
}

describeDocker('parallel targets (--jobs)', () => {
  const { docker } = session!
  const dir = workspace()
  const runIds: string[] = []

  afterAll(async () => {
    for (const runId of runIds) await removeDirectly(docker, runId).catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  })

  function settingsFor(jobs: number): Settings {
    const command = parseCli(['scan', dir, '--jobs', String(jobs)], dir)
    if (command.kind !== 'scan') throw new Error('expected a scan')
    return { ...command.settings, workloadWindowMs: 500 }
  }

  async function scan(jobs: number, signalAt?: (index: number, stop: AbortController) => void) {
    const runId = testRunId()
    runIds.push(runId)
    const logger = recorder()
    const stop = new AbortController()
    let inFlight = 0
    let most = 0
    const report = await runScan(settingsFor(jobs), {
      logger,
      runId,
      signal: stop.signal,
      onTarget: (index, state) => {
        inFlight += state === 'started' ? 1 : -1
        most = Math.max(most, inFlight)
        if (state === 'finished') signalAt?.(index, stop)
      }
    })
    return { report, runId, most, lines: logger.lines }
  }

  it('gives the report of --jobs 1 with --jobs 3, at most 3 in flight, a shared Dockerfile built once', async () => {
    const one = await scan(1)
    const three = await scan(3)
    expect(one.most).toBe(1)
    expect(three.most).toBe(3)
    expect(essence(three.report)).toEqual(essence(one.report))
    expect(three.report.results.map(r => `${r.file} ${r.target?.name}`)).toEqual([
      "a-root/Dockerfile Docker's defaults",
      "b-nonroot/Dockerfile Docker's defaults",
      "c-exits/Dockerfile Docker's defaults",
      'd-shared/Dockerfile compose.yaml service web',
      'd-shared/Dockerfile compose.yaml service worker'
    ])
    expect(three.report.results.every(r => r.measurement?.probe)).toBe(true)
    // A workload that exits at once is reported as exited, with its code and the tail of its output.
    const exited = one.report.results[2].notifications.find(n => n.kind === 'workload-exited')
    expect(exited).toMatchObject({ level: 'note', file: 'c-exits/Dockerfile', detail: 'finished early' })
    expect(exited?.message).toMatch(
      /^the image's own entrypoint exited with code 7 after [\d.]+ s: finished early$/
    )
    for (const run of [one, three]) {
      expect(run.lines.filter(l => l === 'Build d-shared/Dockerfile')).toHaveLength(1)
      expect(await leftBehind(docker, run.runId)).toEqual([])
    }
  }, 600_000)

  it('writes each target whole and in plan order, after one line per target saying it started', async () => {
    const { lines } = await scan(3)
    // Headings (not indented) in the order they were written; a target's groups are never split or nested.
    const headings = lines.filter(l => !l.startsWith(' ') && !/^\[\d\/5\] (started|finished) /.test(l))
    expect(headings).toEqual([
      'Build a-root/Dockerfile',
      'Probe a-root/Dockerfile',
      'Build b-nonroot/Dockerfile',
      'Probe b-nonroot/Dockerfile',
      'Build c-exits/Dockerfile',
      'Probe c-exits/Dockerfile',
      'Build d-shared/Dockerfile',
      'Probe d-shared/Dockerfile (compose.yaml service web)',
      'Probe d-shared/Dockerfile (compose.yaml service worker)'
    ])
    expect(lines.filter(l => / started /.test(l) && l.startsWith('['))).toEqual([
      '[1/5] started a-root/Dockerfile',
      '[2/5] started b-nonroot/Dockerfile',
      '[3/5] started c-exits/Dockerfile',
      '[4/5] started d-shared/Dockerfile (compose.yaml service web)',
      '[5/5] started d-shared/Dockerfile (compose.yaml service worker)'
    ])
    // Nothing is nested two deep: no group was opened while another target's was open.
    expect(lines.filter(l => l.startsWith('  ') && /^ {2}(Build|Probe) /.test(l))).toEqual([])
  }, 600_000)

  it('on a stop starts no further target, marks the unfinished ones interrupted and leaves nothing', async () => {
    const { report, runId } = await scan(3, (_index, stop) => stop.abort('SIGINT'))
    // The first to finish stopped the run; the two never started get their static checks only.
    expect(report.results).toHaveLength(5)
    const interrupted = report.results.filter(r => r.notMeasuredReason === 'interrupted by SIGINT')
    const measured = report.results.filter(r => r.measurement?.probe)
    expect(measured.length).toBeGreaterThanOrEqual(1)
    expect(interrupted.length).toBeGreaterThanOrEqual(2)
    expect(measured.length + interrupted.length).toBe(5)
    for (const r of interrupted) {
      expect(r.notifications.map(n => n.kind)).toContain('interrupted')
      expect(r.findings.length + r.rows.length).toBeGreaterThan(0)
    }
    expect(report.results.map(r => r.file)).toEqual([
      'a-root/Dockerfile',
      'b-nonroot/Dockerfile',
      'c-exits/Dockerfile',
      'd-shared/Dockerfile',
      'd-shared/Dockerfile'
    ])
    expect(await leftBehind(docker, runId)).toEqual([])
  }, 600_000)

  it('the bundled CLI prints each target contiguously on stderr with --jobs 3 and the report on stdout', () => {
    const bundle = mkdtempSync(join(tmpdir(), 'lp-parallel-bundle-'))
    try {
      execFileSync('node_modules/.bin/ncc', [
        'build',
        'src/index.ts',
        '-o',
        bundle,
        '--quiet',
        '--transpile-only'
      ])
      writeFileSync(join(bundle, 'cli.cjs'), "globalThis.__leastPrivilegeCli = true\nrequire('./index.js')\n")
      const run = spawnSync(
        'node',
        [join(bundle, 'cli.cjs'), 'scan', dir, '--jobs', '3', '--format', 'json', '--fail-on', 'never'],
        {
          cwd: dir,
          encoding: 'utf8',
          env: {
            ...process.env,
            LEAST_PRIVILEGE_PROBE_DIR: join(process.cwd(), 'dist', 'probe'),
            NO_COLOR: '1'
          }
        }
      )
      expect(run.status).toBe(0)
      const report = JSON.parse(run.stdout) as { results: { file: string }[] }
      expect(report.results.map(r => r.file)).toEqual([
        'a-root/Dockerfile',
        'b-nonroot/Dockerfile',
        'c-exits/Dockerfile',
        'd-shared/Dockerfile',
        'd-shared/Dockerfile'
      ])
      const headings = run.stderr
        .split('\n')
        .filter(l => /^(Build|Probe) /.test(l))
        .map(l => l.replace(/ \(compose.*$/, ''))
      expect(headings).toEqual([
        'Build a-root/Dockerfile',
        'Probe a-root/Dockerfile',
        'Build b-nonroot/Dockerfile',
        'Probe b-nonroot/Dockerfile',
        'Build c-exits/Dockerfile',
        'Probe c-exits/Dockerfile',
        'Build d-shared/Dockerfile',
        'Probe d-shared/Dockerfile',
        'Probe d-shared/Dockerfile'
      ])
      expect(run.stderr).not.toMatch(/^ {2}(Build|Probe) /m)
    } finally {
      rmSync(bundle, { recursive: true, force: true })
    }
  }, 600_000)
})
