// The real scan against a daemon that stalls, loses answers, fails or drops connections at one chosen step
// (our own fault proxy in front of the real socket): every wait ends, the error names the step, whatever
// completed is still reported, and nothing the run created is left on the daemon.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import type { Logger } from '../../src/logger'
import { parseRunOptions } from '../../src/profile/parse'
import { runScan } from '../../src/scan/scan'
import type { Notification, ScanReport } from '../../src/scan/types'
import { DEFAULT_SETTINGS, type Settings } from '../../src/settings'
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy'
import {
  dockerOrSkip,
  fixtureContext,
  leftBehind,
  removeDirectly,
  testRunId,
  type DockerSession
} from './helpers'

const session: DockerSession | undefined = await dockerOrSkip('daemon fault tests')
const describeDocker = session ? describe : describe.skip

/** Short limits so a stall costs seconds; a generous ceiling only catches a hang. */
const TIMEOUTS = { requestMs: 2_000, removeMs: 2_000, stepRemoveWaitMs: 1_000, cleanupMs: 5_000 }
const CEILING_MS = 60_000

interface Captured extends Logger {
  warnings: string[]
}

function capturingLogger(): Captured {
  const warnings: string[] = []
  return {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warning: m => void warnings.push(m),
    error: () => undefined,
    group: (_n, fn) => fn()
  }
}

function errors(report: ScanReport): Notification[] {
  return [...report.notifications, ...report.results.flatMap(r => r.notifications)].filter(
    n => n.level === 'error'
  )
}

describeDocker('a scan through a faulty daemon', () => {
  const { docker } = session!
  let proxy: FaultProxy
  const ctx = fixtureContext('root')
  const runIds: string[] = []

  beforeAll(async () => {
    proxy = await startFaultProxy()
  })

  afterAll(async () => {
    await proxy.close()
    for (const runId of runIds) await removeDirectly(docker, runId).catch(() => undefined)
    ctx.cleanup()
  })

  async function scan(rules: FaultRule[], extra: Partial<Settings> = {}, signal?: AbortSignal) {
    proxy.setRules(rules)
    const runId = testRunId()
    runIds.push(runId)
    const logger = capturingLogger()
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      paths: [join(ctx.dir, 'Dockerfile')],
      cwd: ctx.dir,
      repoRoot: ctx.dir,
      probeTimeoutMs: 10_000,
      workloadWindowMs: 500,
      timeouts: TIMEOUTS,
      ...extra
    }
    const started = Date.now()
    const report = await runScan(settings, {
      logger,
      runId,
      dockerEnv: { DOCKER_HOST: proxy.dockerHost },
      signal
    })
    return { report, runId, ms: Date.now() - started, warnings: logger.warnings }
  }

  /** The static part (the Dockerfile's own findings) is reported whatever the daemon did. */
  function expectStaticResults(report: ScanReport): void {
    const [result] = report.results
    expect(result.file).toBe('Dockerfile')
    expect(result.model).toBeDefined()
    expect(result.findings.map(f => f.ruleId)).toContain('LP101')
    expect(result.rows).toHaveLength(5)
  }

  function expectOneLineError(report: ScanReport, pattern: RegExp): void {
    const found = errors(report).filter(n => pattern.test(n.message))
    expect(found.map(n => n.message)).toEqual([expect.stringMatching(pattern)])
    expect(found[0].message).not.toContain('\n')
  }

  it('ends a stalled container create at the request limit, naming the step, and leaves nothing', async () => {
    const { report, runId, ms } = await scan([
      { match: /^POST \S*\/containers\/create/, action: { kind: 'stall' } }
    ])
    expect(ms).toBeLessThan(CEILING_MS)
    expectOneLineError(
      report,
      /^the daemon did not answer the container create for the probe of Dockerfile within 2 s$/
    )
    expectStaticResults(report)
    expect(await leftBehind(docker, runId)).toEqual([])
  })

  it('removes containers whose create answer was lost (the daemon made them; we never heard)', async () => {
    const { report, runId, ms } = await scan([
      { match: /^POST \S*\/containers\/create/, action: { kind: 'hang_after' } }
    ])
    expect(ms).toBeLessThan(CEILING_MS)
    expectOneLineError(report, /did not answer the container create for the probe of Dockerfile within 2 s/)
    expectStaticResults(report)
    // The daemon did create them: only the label sweep by run id can find them.
    expect(proxy.requests.filter(r => r.action === 'hang_after').length).toBeGreaterThanOrEqual(1)
    expect(await leftBehind(docker, runId)).toEqual([])
  })

  it('removes a container whose create answer was dropped after the daemon made it', async () => {
    const { report, runId, ms } = await scan([
      { match: /^POST \S*\/containers\/create/, nth: 1, action: { kind: 'lost' } }
    ])
    expect(ms).toBeLessThan(CEILING_MS)
    expect(proxy.requests.filter(r => r.action === 'lost')).toHaveLength(1)
    // Whichever create lost its answer (probe or workload), the run says so in one line and leaves nothing.
    const said = [...errors(report), ...report.results[0].notifications].map(n => n.message).join('\n')
    expect(said).toMatch(/socket hang up/)
    expectStaticResults(report)
    expect(await leftBehind(docker, runId)).toEqual([])
  })

  it('ends a stalled logs request, naming whose output it was reading', async () => {
    const { report, runId, ms } = await scan([
      { match: /^GET \S*\/containers\/\w+\/logs/, action: { kind: 'stall' } }
    ])
    expect(ms).toBeLessThan(CEILING_MS)
    expectOneLineError(
      report,
      /^the daemon did not answer the logs request for the probe container within 2 s$/
    )
    expectStaticResults(report)
    expect(await leftBehind(docker, runId)).toEqual([])
  })

  it('ends a stalled image inspect, naming the image', async () => {
    const { report, runId, ms } = await scan([
      { match: /^GET \S*\/images\/.+\/json/, action: { kind: 'stall' } }
    ])
    expect(ms).toBeLessThan(CEILING_MS)
    expectOneLineError(
      report,
      /^the daemon did not answer the image inspect of least-privilege-scan:\S+ within 2 s$/
    )
    expectStaticResults(report)
    expect(await leftBehind(docker, runId)).toEqual([])
  })

  it("reports the daemon's message when it refuses to start the probe", async () => {
    const { report, runId, ms } = await scan([
      {
        match: /^POST \S*\/containers\/\w+\/start/,
        action: { kind: 'error', message: 'injected: runc could not start' }
      }
    ])
    expect(ms).toBeLessThan(CEILING_MS)
    expectOneLineError(report, /^cannot start the probe container: injected: runc could not start$/)
    expectStaticResults(report)
    expect(await leftBehind(docker, runId)).toEqual([])
  })

  it('names what it was waiting for when the connection drops during wait', async () => {
    const { report, runId, ms } = await scan([
      { match: /^POST \S*\/containers\/\w+\/wait/, action: { kind: 'drop', bytes: 0 } }
    ])
    expect(ms).toBeLessThan(CEILING_MS)
    expectOneLineError(report, /^waiting for the probe container to finish: socket hang up$/)
    expectStaticResults(report)
    expect(await leftBehind(docker, runId)).toEqual([])
  })

  it('names the probe output it was reading when the connection drops during logs', async () => {
    const { report, runId } = await scan([
      { match: /^GET \S*\/containers\/\w+\/logs/, action: { kind: 'drop', bytes: 20 } }
    ])
    expectOneLineError(report, /^reading the probe container's output: /)
    expect(await leftBehind(docker, runId)).toEqual([])
  })

  it('bounds a stalled cleanup as a whole and names what is left with the command that removes it', async () => {
    const { report, runId, ms, warnings } = await scan([{ match: /^DELETE /, action: { kind: 'stall' } }])
    // Each removal waits at most removeMs once; the end-of-run cleanup at most cleanupMs in all.
    expect(ms).toBeLessThan(CEILING_MS)
    const notes = report.notifications.filter(n => n.kind === 'cleanup-failed')
    expect(notes).toHaveLength(1)
    expect(notes[0].message).toMatch(/docker rm -f [0-9a-f]{64}/)
    expect(notes[0].message).toMatch(/docker rmi least-privilege-scan:/)
    expect(notes[0].message).not.toContain('\n')
    expect(warnings.some(w => w.includes('docker rm -f'))).toBe(true)
    // The measurement itself completed.
    expect(report.results[0].measurement?.probe).toBeDefined()
    const left = await leftBehind(docker, runId)
    expect(left.length).toBeGreaterThan(0) // honest: the daemon never removed them
    for (const id of left.filter(l => l.startsWith('container ')).map(l => l.slice(10)))
      expect(notes[0].message).toContain(id)
  })

  it('ends a stalled build at the build limit and still reports the static results', async () => {
    const { report, runId, ms } = await scan([{ match: /^POST \S*\/build/, action: { kind: 'stall' } }], {
      timeouts: { ...TIMEOUTS, buildMs: 3_000 }
    })
    expect(ms).toBeLessThan(CEILING_MS)
    expectOneLineError(report, /^build of \S*Dockerfile timed out after 3 s$/)
    expectStaticResults(report)
    expect(await leftBehind(docker, runId)).toEqual([])
  })

  it('abandons a create in flight at once when asked to stop, keeps the static results, marks the measurement interrupted, and leaves nothing', async () => {
    const stop = new AbortController()
    // Stop once the daemon has the create request and its answer is being withheld.
    const watch = setInterval(() => {
      if (proxy.requests.some(r => r.action === 'hang_after')) stop.abort('SIGTERM')
    }, 50)
    try {
      const { report, runId, ms } = await scan(
        [{ match: /^POST \S*\/containers\/create/, action: { kind: 'hang_after' } }],
        // The request limit is far away: only the stop can end the wait.
        { timeouts: { ...TIMEOUTS, requestMs: 120_000 } },
        stop.signal
      )
      expect(stop.signal.aborted).toBe(true)
      expect(proxy.requests.some(r => /\/build/.test(r.line))).toBe(true) // it got as far as the create
      expect(ms).toBeLessThan(CEILING_MS)
      const [result] = report.results
      expect(result.notMeasuredReason).toBe('interrupted by SIGTERM')
      expect(result.measurement).toBeUndefined()
      expect(result.rows.map(r => r.measured)).toEqual(Array(5).fill('not measured: interrupted by SIGTERM'))
      expect(result.notifications.map(n => n.kind)).toEqual(['interrupted'])
      expectStaticResults(report) // the static part needs no daemon: it is still reported
      // The daemon created the container whose answer never came: the label sweep removed it.
      expect(await leftBehind(docker, runId)).toEqual([])
    } finally {
      clearInterval(watch)
    }
  })

  it('creates missing named volumes itself with the run label, removes them, and never touches existing ones', async () => {
    const suffix = testRunId()
    const [fresh, mounted, existing] = [`${suffix}-a`, `${suffix}-b`, `${suffix}-kept`]
    await docker.createVolume({ Name: existing })
    try {
      const runOptions = `-v ${fresh}:/data --mount type=volume,source=${mounted},target=/d2 -v ${existing}:/e -v /anon`
      const { report, runId } = await scan([], { runOptions, profile: parseRunOptions(runOptions) })
      expect(errors(report)).toEqual([])
      expect(report.results[0].measurement?.probe).toBeDefined()
      expect(await leftBehind(docker, runId)).toEqual([])
      const names = ((await docker.listVolumes()).Volumes ?? []).map(v => v.Name)
      expect(names).toContain(existing)
      expect(names).not.toContain(fresh)
      expect(names).not.toContain(mounted)
    } finally {
      await docker.getVolume(existing).remove()
    }
  })
})
