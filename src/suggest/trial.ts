// One workload run under a candidate's flags: create, start, wait for the window, then read what the
// verification compares: still running or the exit code and output, the listening ports (a probe sidecar
// in its PID namespace reads /proc/1/net), the HEALTHCHECK (exec, bounded) and, for the declared run,
// the filesystem changes. The container is always removed (through the tracker).
import type Docker from 'dockerode'
import type { Logger } from '../logger'
import { defaultProfile } from '../profile/parse'
import type { RuntimeProfile } from '../profile/types'
import { daemonMessage, Interrupted, readCall } from '../docker/call'
import { createTracked, killQuietly, readLogs, startWithin, waitFor } from '../docker/container-run'
import { runExec } from '../docker/exec-run'
import { chooseInjection, type Injection } from '../docker/injection'
import {
  callContext,
  collectProbeReport,
  createProbeContainer,
  DEFAULT_PROBE_TIMEOUT_MS
} from '../docker/probe-run'
import type { ResourceTracker } from '../docker/resources'
import {
  containerCreateOptions,
  WORKLOAD_MEMORY_BYTES,
  WORKLOAD_PIDS_LIMIT,
  workloadProfile
} from '../docker/safety'
import type { DockerTimeouts } from '../docker/timeouts'
import type { DaemonFacts } from '../docker/types'
import type { FsChange } from './changes'
import { quotedOutput } from './evidence'

/** What a HEALTHCHECK runs: the image config's `Test`, as Docker runs it. Undefined: none (or NONE). */
export function healthcheckCommand(test: unknown): string[] | undefined {
  if (!Array.isArray(test) || test.length === 0 || !test.every(t => typeof t === 'string')) return undefined
  const [kind, ...rest] = test as string[]
  if (kind === 'CMD' && rest.length) return rest
  if (kind === 'CMD-SHELL' && rest.length) return ['/bin/sh', '-c', rest.join(' ')]
  return undefined
}

export interface TrialContext {
  image: string
  daemon: DaemonFacts
  runId: string
  windowMs: number
  logger: Logger
  tracker: ResourceTracker
  injection?: Injection
  probePath?: string
  probeTimeoutMs?: number
  timeouts?: Partial<DockerTimeouts>
  stop?: AbortSignal
  subject?: string
  /** From the image config; undefined when it has none. */
  healthcheck?: string[]
  /** Each HEALTHCHECK attempt's limit (the image's own timeout, at most 30 s). */
  healthcheckTimeoutMs?: number
}

export interface TrialRun {
  running: boolean
  exitCode?: number
  /** Last line of its output, quoted-safe. */
  said: string
  /** `tcp/8080`, sorted; undefined when they could not be read. */
  ports?: string[]
  /** undefined: no healthcheck, or not running. */
  healthcheck?: { passed: boolean; said: string; exitCode?: number }
  changes?: FsChange[]
}

const HEALTHCHECK_ATTEMPTS = 3
const HEALTHCHECK_PAUSE_MS = 500

export async function runTrial(
  docker: Docker,
  profile: RuntimeProfile,
  ctx: TrialContext,
  read: { changes: boolean }
): Promise<TrialRun> {
  const call = callContext(ctx)
  let container: Docker.Container | undefined
  try {
    container = await createTracked(
      docker,
      containerCreateOptions(workloadProfile(profile), {
        image: ctx.image,
        runId: ctx.runId,
        memoryBytes: WORKLOAD_MEMORY_BYTES,
        pidsLimit: WORKLOAD_PIDS_LIMIT
      }),
      ctx.tracker,
      { ...call, what: `a suggestion trial of ${ctx.subject ?? ctx.image}` }
    )
    const startMs = ctx.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
    try {
      if ((await startWithin(container, startMs, call.stop)) === 'timeout')
        return { running: false, said: `the daemon did not start it within ${startMs / 1000} s` }
    } catch (error) {
      if (error instanceof Interrupted) throw error
      // A start refused by the runtime (a user it cannot set up, a tmpfs it cannot mount) is a failed trial.
      return { running: false, said: quotedOutput(daemonMessage(error)) }
    }
    const early = await waitFor(container, ctx.windowMs, call.stop)
    const running = early === 'timeout'
    const run: TrialRun = { running, said: '' }
    if (!running) {
      run.exitCode = early.statusCode
      const { stdout, stderr } = await readLogs(container, { ...call, what: 'suggestion trial' })
      run.said = quotedOutput(stderr) || quotedOutput(stdout)
    } else {
      const live = container
      const [ports, health] = await Promise.all([
        listeningPorts(docker, live.id, profile, ctx),
        ctx.healthcheck ? healthcheck(live, ctx.healthcheck, ctx) : Promise.resolve(undefined)
      ])
      if (ports) run.ports = ports
      if (health) run.healthcheck = health
    }
    if (read.changes) run.changes = await changes(container, ctx)
    if (running) await killQuietly(container, call.timeouts.requestMs)
    return run
  } finally {
    if (container)
      await ctx.tracker.releaseContainer(
        docker,
        container.id,
        call.timeouts.removeMs,
        call.timeouts.stepRemoveWaitMs
      )
  }
}

async function changes(container: Docker.Container, ctx: TrialContext): Promise<FsChange[]> {
  const call = callContext(ctx)
  const list = await readCall(
    'filesystem changes of a suggestion trial',
    call,
    s => container.changes({ abortSignal: s } as Record<string, unknown>) as Promise<unknown>
  )
  return Array.isArray(list) ? (list as FsChange[]) : []
}

/** The workload's listening sockets, read by the probe from a sidecar in its PID namespace. */
async function listeningPorts(
  docker: Docker,
  workloadId: string,
  profile: RuntimeProfile,
  ctx: TrialContext
): Promise<string[] | undefined> {
  // pid 1 is not the workload then: the host's init, or docker-init (whose netns is the same, but keep one rule).
  if (profile.pid === 'host') return undefined
  const neutral = { ...defaultProfile(), ...(profile.userns ? { userns: profile.userns } : {}) }
  const call = callContext(ctx)
  let sidecar: Docker.Container | undefined
  try {
    sidecar = await createProbeContainer(docker, {
      ...ctx,
      profile: neutral,
      args: ['--pid', '1', '--no-walk', '--listening'],
      user: '0',
      injection: ctx.injection ?? chooseInjection(ctx.daemon),
      what: 'the suggestion sidecar probe',
      extraHostConfig: { PidMode: `container:${workloadId}`, CapAdd: ['CAP_SYS_PTRACE'] }
    })
    const report = await collectProbeReport(
      sidecar,
      ctx.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      'suggestion sidecar probe',
      call
    )
    return report.listening ? [...new Set(report.listening)].sort() : undefined
  } catch (error) {
    if (error instanceof Interrupted) throw error
    ctx.logger.debug(`suggest: ports not read: ${daemonMessage(error)}`)
    return undefined
  } finally {
    if (sidecar)
      await ctx.tracker.releaseContainer(
        docker,
        sidecar.id,
        call.timeouts.removeMs,
        call.timeouts.stepRemoveWaitMs
      )
  }
}

/** Runs the HEALTHCHECK command in the container (as its user), a few times a short pause apart: exit 0 passes. */
async function healthcheck(
  container: Docker.Container,
  cmd: string[],
  ctx: TrialContext
): Promise<{ passed: boolean; said: string; exitCode?: number }> {
  const call = callContext(ctx)
  const limitMs = Math.min(ctx.healthcheckTimeoutMs ?? 10_000, 30_000)
  let last: { passed: boolean; said: string; exitCode?: number } = { passed: false, said: '' }
  for (let attempt = 0; attempt < HEALTHCHECK_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise(r => setTimeout(r, HEALTHCHECK_PAUSE_MS))
    try {
      const { stdout, stderr, exitCode } = await runExec(
        container,
        { cmd, limitMs, maxBytes: 65_536, what: 'HEALTHCHECK' },
        call
      )
      last = {
        passed: exitCode === 0,
        said: quotedOutput(stderr) || quotedOutput(stdout),
        ...(exitCode !== undefined ? { exitCode } : {})
      }
    } catch (error) {
      if (error instanceof Interrupted) throw error
      last = { passed: false, said: quotedOutput(daemonMessage(error)) }
    }
    if (last.passed) return last
  }
  return last
}
