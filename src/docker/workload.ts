// Runs the image's own entrypoint/cmd under the profile for a short window, then reads who it really runs
// as: the Engine API `top` (numeric) and a probe sidecar in its PID namespace reading pid 1. This is what
// sees a gosu/su-exec style privilege drop that the image config cannot show.
import type Docker from 'dockerode'
import { OperationalError } from '../errors'
import type { Logger } from '../logger'
import { defaultProfile } from '../profile/parse'
import type { RuntimeProfile } from '../profile/types'
import { Interrupted, daemonCall, stepError } from './call'
import { createTracked, daemonMessage, readLogs, startWithin, waitFor } from './container-run'
import { chooseInjection, type Injection } from './injection'
import { callContext, collectProbeReport, createProbeContainer, DEFAULT_PROBE_TIMEOUT_MS } from './probe-run'
import type { ProbeReport } from './probe-report'
import type { ResourceTracker } from './resources'
import { containerCreateOptions, WORKLOAD_MEMORY_BYTES, WORKLOAD_PIDS_LIMIT, workloadProfile } from './safety'
import { parseTop, TOP_PS_ARGS } from './top'
import type { DockerTimeouts } from './timeouts'
import type { DaemonFacts, WorkloadProcess, WorkloadReport } from './types'

export const DEFAULT_WORKLOAD_WINDOW_MS = 2_000

export interface WorkloadOptions {
  image: string
  profile: RuntimeProfile
  daemon: DaemonFacts
  runId: string
  /** How long the workload runs before it is read. */
  windowMs?: number
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
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  )
}

/** Why the sidecar cannot tell us about the workload, or undefined when it can. */
function sidecarUnsuitable(profile: RuntimeProfile): string | undefined {
  if (profile.pid === 'host') return 'the workload shares the host PID namespace, so pid 1 is the host init'
  if (profile.init) return 'with --init, pid 1 is docker-init, not the workload'
  return undefined
}

async function probeSidecar(docker: Docker, workloadId: string, opts: WorkloadOptions): Promise<ProbeReport> {
  // Not the deployment profile: the sidecar only reads. Root with CAP_SYS_PTRACE may read another uid's
  // ptrace-guarded /proc files (attr/current, root/etc/passwd); /proc/1/status itself is 0444.
  const neutral = { ...defaultProfile(), ...(opts.profile.userns ? { userns: opts.profile.userns } : {}) }
  const sidecar = await createProbeContainer(docker, {
    ...opts,
    profile: neutral,
    args: ['--pid', '1', '--no-walk'],
    user: '0',
    injection: opts.injection ?? chooseInjection(opts.daemon),
    what: 'the workload sidecar probe',
    extraHostConfig: { PidMode: `container:${workloadId}`, CapAdd: ['CAP_SYS_PTRACE'] }
  })
  try {
    return await collectProbeReport(
      sidecar,
      opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      'workload sidecar probe',
      callContext(opts)
    )
  } finally {
    const { timeouts } = callContext(opts)
    await opts.tracker.releaseContainer(docker, sidecar.id, timeouts.removeMs, timeouts.stepRemoveWaitMs)
  }
}

export async function runWorkload(docker: Docker, opts: WorkloadOptions): Promise<WorkloadReport> {
  const windowMs = opts.windowMs ?? DEFAULT_WORKLOAD_WINDOW_MS
  const ctx = callContext(opts)
  let container: Docker.Container | undefined
  try {
    try {
      container = await createTracked(
        docker,
        containerCreateOptions(workloadProfile(opts.profile), {
          image: opts.image,
          runId: opts.runId,
          memoryBytes: WORKLOAD_MEMORY_BYTES,
          pidsLimit: WORKLOAD_PIDS_LIMIT
        }),
        opts.tracker,
        { ...ctx, what: `the workload of ${opts.subject ?? opts.image}` }
      )
      const startLimitMs = opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
      if ((await startWithin(container, startLimitMs, ctx.stop)) === 'timeout') {
        throw new Error(`the daemon did not start it within ${startLimitMs / 1000} s`)
      }
    } catch (error) {
      if (error instanceof Interrupted) throw error
      throw new OperationalError(
        `cannot start the image's entrypoint: ${daemonMessage(error)}`,
        'workload-failed'
      )
    }
    let early
    try {
      early = await waitFor(container, windowMs, ctx.stop)
    } catch (error) {
      throw stepError(error, "waiting for the image's entrypoint", 'workload-failed')
    }
    if (early !== 'timeout') {
      const { stdout, stderr } = await readLogs(container, { ...ctx, what: 'workload container' })
      const said = lastLine(stderr) || lastLine(stdout)
      return {
        status: 'exited',
        detail: `exited with code ${early.statusCode} within ${windowMs / 1000} s${said ? `: ${said}` : ''}`,
        processes: []
      }
    }
    const running = container
    const unsuitable = sidecarUnsuitable(opts.profile)
    const [top, sidecar] = await Promise.allSettled([
      daemonCall(
        {
          step: 'top of the workload container',
          timeoutMs: ctx.timeouts.requestMs,
          stop: ctx.stop,
          idempotent: true
        },
        s =>
          running.top({ ps_args: TOP_PS_ARGS, abortSignal: s } as Record<string, unknown>) as Promise<{
            Titles?: string[]
            Processes?: string[][]
          }>
      ),
      unsuitable ? Promise.reject(new Error(unsuitable)) : probeSidecar(docker, running.id, opts)
    ])
    const processes: WorkloadProcess[] = top.status === 'fulfilled' ? parseTop(top.value) : []
    const problems: string[] = []
    if (top.status === 'rejected') problems.push(`top failed: ${daemonMessage(top.reason)}`)
    if (sidecar.status === 'rejected') problems.push(`sidecar probe: ${daemonMessage(sidecar.reason)}`)
    if (top.status === 'rejected' && sidecar.status === 'rejected') {
      return { status: 'failed', detail: problems.join('; '), processes: [] }
    }
    return {
      status: 'measured',
      ...(problems.length ? { detail: problems.join('; ') } : {}),
      processes,
      ...(sidecar.status === 'fulfilled' ? { probe: sidecar.value } : {})
    }
  } finally {
    if (container)
      await opts.tracker.releaseContainer(
        docker,
        container.id,
        ctx.timeouts.removeMs,
        ctx.timeouts.stepRemoveWaitMs
      )
  }
}
