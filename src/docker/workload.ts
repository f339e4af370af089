// Runs the image's own entrypoint/cmd under the profile and watches who it runs as: the Engine API `top`
// (numeric) every 100 ms until its identity settles (src/docker/settle.ts) or the window's cap, while the
// probe reads pid 1: exec'd in the workload on a local daemon, from a sidecar in its PID namespace on a remote
// one. This is what sees a gosu/su-exec style privilege drop that the image config cannot show. A workload
// that exits first is reported with its exit code and last output. Asked to (probeItself), it also runs the
// probe on itself in the workload, in place of a probe container, and says why when that report is not kept.
import type Docker from 'dockerode'
import { OperationalError } from '../errors'
import type { Logger } from '../logger'
import { defaultProfile } from '../profile/parse'
import type { RuntimeProfile } from '../profile/types'
import { Interrupted, readCall, stepError, throwIfStopped, type CallContext } from './call'
import { createTracked, daemonMessage, readLogs, startWithin } from './container-run'
import { runExec } from './exec-run'
import { executeOnlyProbe } from './untraceable-probe'
import {
  besideImageCodeRefusal,
  keepsReadAnyFile,
  probeInWorkloadRefusal,
  probeItselfByExec
} from './probe-in-workload'
import { chooseInjection, probeMount, type Injection } from './injection'
import { findProbeBinary, PROBE_TARGET } from './probe-binary'
import { parseProbeOutput } from './probe-output'
import { callContext, collectProbeReport, createProbeContainer, DEFAULT_PROBE_TIMEOUT_MS } from './probe-run'
import type { ProbeReport } from './probe-report'
import type { ResourceTracker } from './resources'
import { containerCreateOptions, WORKLOAD_MEMORY_BYTES, WORKLOAD_PIDS_LIMIT, workloadProfile } from './safety'
import {
  observe,
  SETTLE_POLL_MS,
  SETTLE_QUIET_MS,
  settlesAtMs,
  type SettleState,
  type WindowEnd
} from './settle'
import { parseTop, TOP_PS_ARGS } from './top'
import { seconds, type DockerTimeouts } from './timeouts'
import type { DaemonFacts, WorkloadProcess, WorkloadReport } from './types'

export const DEFAULT_WORKLOAD_WINDOW_MS = 2_000

export interface WorkloadOptions {
  image: string
  profile: RuntimeProfile
  daemon: DaemonFacts
  runId: string
  /** The window's cap: the longest the workload is watched before it is read. */
  windowMs?: number
  /** No change in its process list for this long ends the window early (default SETTLE_QUIET_MS). */
  quietMs?: number
  /** Deadline for the sidecar probe. */
  probeTimeoutMs?: number
  logger: Logger
  tracker: ResourceTracker
  injection?: Injection
  probePath?: string
  timeouts?: Partial<DockerTimeouts>
  stop?: AbortSignal
  /** What is being scanned, for messages. */
  subject?: string
  /**
   * Also run the probe on itself, exec'd in the workload as the container's user, in place of a probe
   * container: only where the workload runs under exactly the declared profile (see probeInWorkloadRefusal).
   */
  probeItself?: boolean
}

/** The workload's report and, when asked and it could be read, the probe's own report from inside it. */
export interface WorkloadRun {
  workload: WorkloadReport
  probe?: ProbeReport
  /** Why there is no probe report (asked for, but the exec failed or the workload exited first). */
  probeMissing?: string
}

/** Why the sidecar cannot tell us about the workload, or undefined when it can. */
function sidecarUnsuitable(profile: RuntimeProfile): string | undefined {
  if (profile.pid === 'host') return 'the workload shares the host PID namespace, so pid 1 is the host init'
  if (profile.init) return 'with --init, pid 1 is docker-init, not the workload'
  return undefined
}

/** How much of an exited workload's output is kept: asked of the daemon per stream, then shown. */
const TAIL_LINES_ASKED = 20
const TAIL_LINES_SHOWN = 3
const TAIL_MAX_CHARS = 400

/** The last lines of stderr (of stdout when stderr is empty), bounded: what a failed entrypoint said. */
export function outputTail(stdout: string, stderr: string): string {
  const lines = (text: string): string[] =>
    text
      .split(/\r\n|\r|\n/)
      .map(l => l.trimEnd())
      .filter(l => l.trim() !== '')
  const said = lines(stderr).length > 0 ? lines(stderr) : lines(stdout)
  const tail = said.slice(-TAIL_LINES_SHOWN).join('\n')
  return tail.length > TAIL_MAX_CHARS ? `…${tail.slice(-TAIL_MAX_CHARS)}` : tail
}

/** `0.08 s`, `1.5 s`: an early exit is usually well under a second. */
function duration(ms: number): string {
  return ms < 1000 ? `${(ms / 1000).toFixed(2)} s` : seconds(ms)
}

/** One sidecar reading: when its container was started (0 until then) and what it read. */
interface SidecarRead {
  startedAt: number
  report: Promise<ProbeReport>
}

interface Watched {
  ended: WindowEnd
  /** The last `top` sample read. */
  processes: WorkloadProcess[]
  samples: number
  observedMs: number
  /** When the process list last changed (Date.now() time), undefined without a sample. */
  lastChangeMs?: number
  exit?: { code: number; ranMs: number }
  problem?: string
}

function pause(ms: number, stop?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      stop?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    stop?.addEventListener('abort', done, { once: true })
  })
}

function topOnce(container: Docker.Container, ctx: CallContext): Promise<WorkloadProcess[]> {
  return readCall(
    'top of the workload container',
    ctx,
    s =>
      container.top({ ps_args: TOP_PS_ARGS, abortSignal: s } as Record<string, unknown>) as Promise<{
        Titles?: string[]
        Processes?: string[][]
      }>
  ).then(top => withoutOurProbe(parseTop(top)))
}

/**
 * The exec'd probe is in the workload's process list while it reads, and so is runc's init for the moment
 * before an exec (or the start) replaces it: both are the runtime's and ours, not the workload's.
 */
function withoutOurProbe(processes: WorkloadProcess[]): WorkloadProcess[] {
  return processes.filter(
    p =>
      p.args !== PROBE_TARGET &&
      !p.args.startsWith(`${PROBE_TARGET} `) &&
      !/^runc(:\[\d:INIT\]| init)/.test(p.args)
  )
}

/** Its exit code and how long it ran, when it is no longer running; undefined while it runs. */
async function exitState(
  container: Docker.Container,
  ctx: CallContext,
  startedAt: number
): Promise<{ code: number; ranMs: number } | undefined> {
  const info = (await readCall('inspect of the workload container', ctx, s =>
    container.inspect({ abortSignal: s } as Record<string, unknown>)
  )) as { State?: { Running?: boolean; ExitCode?: number; StartedAt?: string; FinishedAt?: string } }
  const state = info.State
  if (!state || state.Running !== false) return undefined
  const ran = Date.parse(state.FinishedAt ?? '') - Date.parse(state.StartedAt ?? '')
  return {
    code: state.ExitCode ?? -1,
    ranMs: Number.isFinite(ran) && ran >= 0 ? ran : Date.now() - startedAt
  }
}

/**
 * Polls `top` until the identity settles, the cap, or an exit. Bounded: at most cap/poll + 2 samples,
 * each request with its own limit; a sample that fails (the container gone) asks whether it exited.
 */
async function watch(
  container: Docker.Container,
  capMs: number,
  quietMs: number,
  ctx: CallContext,
  startedAt: number,
  onFirstSample?: (sample: WorkloadProcess[]) => void
): Promise<Watched> {
  const capEnd = startedAt + capMs
  const maxPolls = Math.ceil(capMs / SETTLE_POLL_MS) + 2
  let state: SettleState | undefined
  let processes: WorkloadProcess[] = []
  let problem: string | undefined
  const end = (ended: WindowEnd): Watched => ({
    ended,
    processes,
    samples: state?.samples ?? 0,
    observedMs: Date.now() - startedAt,
    ...(state ? { lastChangeMs: state.lastChangeMs } : {}),
    ...(problem ? { problem } : {})
  })
  for (let poll = 0; poll < maxPolls; poll++) {
    let sample: WorkloadProcess[] | undefined
    try {
      sample = await topOnce(container, ctx)
    } catch (error) {
      if (error instanceof Interrupted) throw error
      problem = `top failed: ${daemonMessage(error)}`
    }
    if (sample === undefined || sample.length === 0) {
      let exit
      try {
        exit = await exitState(container, ctx, startedAt)
      } catch (error) {
        if (error instanceof Interrupted) throw error
      }
      if (exit) return { ...end('exited'), exit }
    } else {
      processes = sample
      problem = undefined
      const first = state === undefined
      state = observe(state, sample, Date.now())
      if (first) onFirstSample?.(sample)
    }
    const now = Date.now()
    const settlesAt = state ? settlesAtMs(state, quietMs) : Number.POSITIVE_INFINITY
    if (settlesAt <= now && sample?.length) return end(settlesAt <= capEnd ? 'settled' : 'cap')
    if (now >= capEnd) return end('cap')
    await pause(Math.min(capEnd, now + SETTLE_POLL_MS, Math.max(now, settlesAt)) - now, ctx.stop)
    throwIfStopped(ctx.stop)
  }
  return end('cap')
}

function createSidecar(docker: Docker, workloadId: string, opts: WorkloadOptions): Promise<Docker.Container> {
  // Not the deployment profile: the sidecar only reads. Root with CAP_SYS_PTRACE may read another uid's
  // ptrace-guarded /proc files (attr/current, root/etc/passwd); /proc/1/status itself is 0444.
  const neutral = { ...defaultProfile(), ...(opts.profile.userns ? { userns: opts.profile.userns } : {}) }
  return createProbeContainer(docker, {
    ...opts,
    profile: neutral,
    args: ['--pid', '1', '--no-walk'],
    user: '0',
    injection: opts.injection ?? chooseInjection(opts.daemon),
    what: 'the workload sidecar probe',
    extraHostConfig: { PidMode: `container:${workloadId}`, CapAdd: ['CAP_SYS_PTRACE'] }
  })
}

/**
 * pid 1 read by the probe exec'd in the workload, as the user the sample shows it runs as (root when that is
 * unclear). /proc/1/status is world-readable, but another uid's ptrace-guarded files (root/etc/passwd,
 * attr/current) are not, and an exec cannot be given CAP_SYS_PTRACE alone; so when those were refused and
 * pid 1 runs as one uid throughout, it is read again as that uid (taken from the first reading, which a user
 * namespace maps right).
 */
function readByExec(
  container: Docker.Container,
  opts: WorkloadOptions,
  ctx: CallContext,
  sample: WorkloadProcess[] = []
): SidecarRead {
  const startedAt = Date.now()
  const readAs = (user: string): Promise<ProbeReport> =>
    runExec(
      container,
      {
        cmd: [PROBE_TARGET, '--pid', '1', '--no-walk'],
        user,
        limitMs: opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        what: 'workload probe exec'
      },
      ctx
    ).then(out => parseProbeOutput(out.stdout, out.stderr, out.exitCode ?? -1))
  const firstUser = likelyUser(sample, opts)
  const report = readAs(firstUser).then(first => {
    const { uid, gid } = first.identity
    const refused = first.errors.some(e => e.errno === 'EACCES' || e.errno === 'EPERM')
    const oneUid = uid.real === uid.effective && uid.saved === uid.effective && uid.fs === uid.effective
    const owner = `${uid.effective}:${gid.effective}`
    if (!refused || !oneUid || uid.effective === 0 || owner === firstUser) return first
    return readAs(owner).catch(() => first)
  })
  report.catch(() => undefined)
  return { startedAt, report }
}

/**
 * The user to read pid 1 as at first: the uid:gid every sampled process has (so pid 1's too), when no user
 * namespace makes top's host ids differ from the container's; otherwise root.
 */
function likelyUser(sample: WorkloadProcess[], opts: WorkloadOptions): string {
  // `--userns host` turns a remapping daemon's user namespace off for this container.
  const remapped = opts.daemon.rootless || (opts.daemon.userns && opts.profile.userns !== 'host')
  const [one] = sample
  const alike = (p: WorkloadProcess): boolean => p.uid === one.uid && p.euid === one.uid && p.gid === one.gid
  if (remapped || !one || !Number.isInteger(one.uid) || !Number.isInteger(one.gid) || !sample.every(alike))
    return '0'
  return `${one.uid}:${one.gid}`
}

export async function runWorkload(docker: Docker, opts: WorkloadOptions): Promise<WorkloadReport> {
  return (await runWorkloadWithProbe(docker, { ...opts, probeItself: false })).workload
}

export async function runWorkloadWithProbe(docker: Docker, opts: WorkloadOptions): Promise<WorkloadRun> {
  const capMs = opts.windowMs ?? DEFAULT_WORKLOAD_WINDOW_MS
  const quietMs = opts.quietMs ?? SETTLE_QUIET_MS
  const ctx = callContext(opts)
  const what = opts.subject ?? opts.image
  let container: Docker.Container | undefined
  const sidecars: Array<Promise<Docker.Container>> = []
  const began = Date.now()
  const step = (done: string): void =>
    opts.logger.debug(`workload of ${what}: ${done} at ${Date.now() - began} ms`)
  const unsuitable = sidecarUnsuitable(opts.profile)
  // A local daemon sees the probe binary, so it is bind-mounted into the workload too and pid 1 is read by
  // an exec there: a quarter of the daemon's work of a sidecar container, which matters when targets run in
  // parallel. A remote daemon (the probe copied in, impossible into a read-only rootfs) keeps the sidecar,
  // and so does a workload that could change what an exec beside it reads.
  const injection = opts.injection ?? chooseInjection(opts.daemon)
  const viaExec =
    !unsuitable && injection === 'bind-mount' && besideImageCodeRefusal(opts.profile) === undefined
  const probeItself =
    opts.probeItself === true && probeInWorkloadRefusal(opts.profile, injection) === undefined
  const mountProbe = viaExec || probeItself
  const probeSource = (): string => opts.probePath ?? findProbeBinary(opts.daemon.architecture)
  // Image code runs beside whatever is exec'd here, so the workload gets the probe execute-only.
  const workloadProbe = mountProbe ? (executeOnlyProbe(probeSource()) ?? probeSource()) : undefined
  const executeOnly = workloadProbe !== undefined && workloadProbe !== probeSource()
  let precreated: Promise<Docker.Container> | undefined
  let self: Promise<PromiseSettledResult<ProbeReport>> | undefined
  let workload: WorkloadReport
  try {
    workload = await watchAndRead()
  } finally {
    // The exec'd probe ends before its container is removed (removal would kill it mid-report).
    if (self) await self
    await releaseAll(docker, opts, ctx, container, sidecars)
    step('removed')
  }
  const selfResult = self ? await self : undefined
  if (selfResult?.status === 'fulfilled') return { workload, probe: selfResult.value }
  const probeMissing = !opts.probeItself
    ? undefined
    : !probeItself
      ? probeInWorkloadRefusal(opts.profile, injection)
      : selfResult?.status === 'rejected'
        ? daemonMessage(selfResult.reason)
        : 'the workload did not start'
  return { workload, ...(probeMissing ? { probeMissing } : {}) }

  async function watchAndRead(): Promise<WorkloadReport> {
    let startedAt
    try {
      container = await createTracked(
        docker,
        containerCreateOptions(workloadProfile(opts.profile), {
          image: opts.image,
          runId: opts.runId,
          memoryBytes: WORKLOAD_MEMORY_BYTES,
          pidsLimit: WORKLOAD_PIDS_LIMIT,
          ...(workloadProbe ? { mounts: [probeMount(workloadProbe)] } : {})
        }),
        opts.tracker,
        { ...ctx, what: `the workload of ${what}` }
      )
      // The first sidecar is created while the workload starts (it joins the PID namespace at its own start).
      if (!unsuitable && !viaExec) {
        precreated = createSidecar(docker, container.id, opts)
        sidecars.push(precreated)
        precreated.catch(() => undefined)
      }
      const startLimitMs = opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
      if ((await startWithin(container, startLimitMs, ctx.stop)) === 'timeout') {
        throw new Error(`the daemon did not start it within ${startLimitMs / 1000} s`)
      }
      startedAt = Date.now()
      step('started')
      if (probeItself) {
        const started = container
        self = Promise.allSettled([probeItselfByExec(started, opts, ctx, executeOnly)]).then(([r]) => r)
        void self.then(r =>
          step(`probe exec in the workload ${r.status === 'fulfilled' ? 'read' : 'failed'}`)
        )
      }
    } catch (error) {
      if (error instanceof Interrupted) throw error
      throw new OperationalError(
        `cannot start the image's entrypoint: ${daemonMessage(error)}`,
        'workload-failed'
      )
    }
    const running = container
    const readSidecar = (created?: Promise<Docker.Container>, sample?: WorkloadProcess[]): SidecarRead => {
      // Root with a capability that reads any file can read the execute-only probe, so that exec would be
      // dumpable and a root workload could trace it: a sidecar reads pid 1 instead.
      const traceable = likelyUser(sample ?? [], opts) === '0' && keepsReadAnyFile(opts.profile)
      if (viaExec && !traceable) return readByExec(running, opts, ctx, sample)
      created ??= createSidecar(docker, running.id, opts)
      if (!sidecars.includes(created)) sidecars.push(created)
      const read = { startedAt: 0, report: Promise.reject<ProbeReport>(new Error('not started')) }
      read.report.catch(() => undefined)
      read.report = created.then(c => {
        read.startedAt = Date.now()
        return collectProbeReport(
          c,
          opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
          'workload sidecar probe',
          ctx
        )
      })
      read.report.catch(() => undefined)
      return read
    }
    // The reading (exec or sidecar) starts with the first sample, beside the quiet period: when the list has
    // not changed since it started, what it read is the settled identity; otherwise (the first sample caught
    // the runtime's init before the exec, or a later drop) a second one reads it again. Not before the first
    // sample: what ran until then is not known.
    let early: SidecarRead | undefined
    let watched: Watched
    try {
      watched = await watch(container, capMs, quietMs, ctx, startedAt, sample => {
        if (precreated || viaExec) early = readSidecar(precreated, sample)
      })
    } catch (error) {
      throw stepError(error, "watching the image's entrypoint", 'workload-failed')
    }
    step(`${watched.ended} after ${watched.observedMs} ms of watching, ${watched.samples} top samples,`)
    const window = {
      observedMs: watched.observedMs,
      ended: watched.ended,
      capMs,
      quietMs,
      samples: watched.samples
    }
    if (watched.exit) {
      const { stdout, stderr } = await readLogs(container, {
        ...ctx,
        what: 'workload container',
        tail: TAIL_LINES_ASKED
      })
      const tail = outputTail(stdout, stderr)
      return {
        status: 'exited',
        detail: `exited with code ${watched.exit.code} after ${duration(watched.exit.ranMs)}${tail ? `: ${tail.replace(/\n/g, ' | ')}` : ''}`,
        processes: [],
        window,
        exitCode: watched.exit.code,
        outputTail: tail
      }
    }
    let probe: Promise<ProbeReport>
    if (unsuitable) probe = Promise.reject(new Error(unsuitable))
    else {
      const first = early
      // Started after the last change (or after the window, if its create was slow): it read what settled.
      // A sample that answered by the time the reading started saw the processes before it started, so a
      // change it shows came before the reading; only a change first seen later may have come after it.
      const changedSince = (read: SidecarRead): boolean =>
        read.startedAt !== 0 && (watched.lastChangeMs ?? 0) > read.startedAt
      const settledReading = async (): Promise<ProbeReport> => {
        if (!first) return readSidecar(precreated).report
        if (!changedSince(first)) await first.report.catch(() => undefined)
        if (!changedSince(first)) return first.report
        step('identity changed after the early sidecar started: reading again')
        return readSidecar(undefined, watched.processes).report
      }
      probe = settledReading()
    }
    const [report] = await Promise.allSettled([probe])
    step('sidecar probe read')
    const problems: string[] = []
    if (watched.problem) problems.push(watched.problem)
    if (report.status === 'rejected') problems.push(`sidecar probe: ${daemonMessage(report.reason)}`)
    if (watched.processes.length === 0 && report.status === 'rejected') {
      return { status: 'failed', detail: problems.join('; '), processes: [], window }
    }
    return {
      status: 'measured',
      ...(problems.length ? { detail: problems.join('; ') } : {}),
      processes: watched.processes,
      ...(report.status === 'fulfilled' ? { probe: report.value } : {}),
      window
    }
  }
}

/** Removes the sidecars (once their creates have answered) and the workload at the same time, each bounded. */
async function releaseAll(
  docker: Docker,
  opts: WorkloadOptions,
  ctx: CallContext,
  container: Docker.Container | undefined,
  sidecars: Array<Promise<Docker.Container>>
): Promise<void> {
  const release = (id: string): Promise<void> =>
    opts.tracker.releaseContainer(docker, id, ctx.timeouts.removeMs, ctx.timeouts.stepRemoveWaitMs)
  await Promise.all([
    // A create that failed left nothing tracked; one still in flight is bounded by its request limit.
    ...sidecars.map(created => created.then(c => release(c.id)).catch(() => undefined)),
    container ? release(container.id) : undefined
  ])
}
