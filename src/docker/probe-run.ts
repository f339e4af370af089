// Runs the probe as the container's entrypoint under the deployment profile, with the tool's safety
// settings on top, a deadline, and removal in finally whatever happens. Every daemon call is bounded.
import type Docker from 'dockerode'
import { OperationalError } from '../errors'
import type { Logger } from '../logger'
import type { RuntimeProfile } from '../profile/types'
import { stepError, type CallContext } from './call'
import { createTracked, killQuietly, readLogs, startWithin, waitFor } from './container-run'
import { assertCopyPossible, chooseInjection, copyProbeInto, probeMount, type Injection } from './injection'
import { findProbeBinary, PROBE_TARGET } from './probe-binary'
import { parseProbeOutput } from './probe-output'
import type { ProbeReport } from './probe-report'
import type { ResourceTracker } from './resources'
import { containerCreateOptions } from './safety'
import { resolveTimeouts, seconds, type DockerTimeouts } from './timeouts'
import type { DaemonFacts } from './types'

export const DEFAULT_PROBE_TIMEOUT_MS = 30_000

export interface ProbeRunOptions {
  image: string
  profile: RuntimeProfile
  daemon: DaemonFacts
  runId: string
  timeoutMs?: number
  logger: Logger
  tracker: ResourceTracker
  /** Arguments for the probe (default: none, i.e. probe itself and walk the filesystem). */
  args?: string[]
  /** Default: bind-mount for a local daemon, copy for a remote one. */
  injection?: Injection
  /** Default: dist/probe/probe-linux-<daemon arch>. */
  probePath?: string
  /** Test seam: run this instead of the probe (e.g. a command that hangs). */
  command?: { entrypoint: string[]; cmd: string[] }
  /** Limits for each daemon call (defaults: src/docker/timeouts.ts). */
  timeouts?: Partial<DockerTimeouts>
  /** Aborted when the run must stop (SIGINT/SIGTERM): the call in flight is abandoned at once. */
  stop?: AbortSignal
  /** What is being scanned, for messages (`the probe of Dockerfile`); default the image. */
  subject?: string
}

export function callContext(opts: Pick<ProbeRunOptions, 'timeouts' | 'stop'>): CallContext {
  return { timeouts: resolveTimeouts(opts.timeouts), stop: opts.stop }
}

/** Creates a container from `image` with the probe injected; the caller starts and removes it. */
export async function createProbeContainer(
  docker: Docker,
  opts: ProbeRunOptions & {
    extraHostConfig?: Record<string, unknown>
    user?: string
    injection: Injection
    what?: string
  }
): Promise<Docker.Container> {
  const probePath = opts.probePath ?? findProbeBinary(opts.daemon.architecture)
  if (opts.injection === 'copy') assertCopyPossible(opts.profile)
  const options = containerCreateOptions(opts.profile, {
    image: opts.image,
    entrypoint: opts.command?.entrypoint ?? [PROBE_TARGET],
    cmd: opts.command?.cmd ?? opts.args ?? [],
    runId: opts.runId,
    mounts: opts.injection === 'bind-mount' ? [probeMount(probePath)] : []
  })
  if (opts.user !== undefined) options.User = opts.user
  if (opts.extraHostConfig)
    options.HostConfig = { ...(options.HostConfig as object), ...opts.extraHostConfig }
  const ctx = callContext(opts)
  let container: Docker.Container
  try {
    container = await createTracked(docker, options, opts.tracker, {
      ...ctx,
      what: `${opts.what ?? 'the probe'} of ${opts.subject ?? opts.image}`
    })
  } catch (error) {
    throw stepError(error, `cannot create the probe container from ${opts.image}`, 'probe-failed')
  }
  if (opts.injection === 'copy') await copyProbeInto(container, probePath, ctx)
  return container
}

/** Starts a created probe container, waits (killing it at the deadline) and parses its report. */
export async function collectProbeReport(
  container: Docker.Container,
  timeoutMs: number,
  what: string,
  ctx: CallContext = callContext({})
): Promise<ProbeReport> {
  // One deadline for start and run: a daemon that wedges while starting must not turn into a hang.
  const deadline = Date.now() + timeoutMs
  let started
  try {
    started = await startWithin(container, timeoutMs, ctx.stop)
  } catch (error) {
    throw stepError(error, `cannot start the ${what}`, 'probe-failed')
  }
  if (started === 'timeout') {
    throw new OperationalError(
      `the daemon did not start the ${what} within ${seconds(timeoutMs)}`,
      'probe-timeout'
    )
  }
  let outcome
  try {
    outcome = await waitFor(container, Math.max(1, deadline - Date.now()), ctx.stop)
  } catch (error) {
    throw stepError(error, `waiting for the ${what} to finish`, 'probe-failed')
  }
  if (outcome === 'timeout') {
    await killQuietly(container, ctx.timeouts.requestMs)
    throw new OperationalError(
      `the ${what} did not finish within ${seconds(timeoutMs)} and was killed`,
      'probe-timeout'
    )
  }
  const { stdout, stderr } = await readLogs(container, { ...ctx, what })
  return parseProbeOutput(stdout, stderr, outcome.statusCode)
}

export async function runProbe(
  docker: Docker,
  opts: ProbeRunOptions
): Promise<{ report: ProbeReport; injection: Injection }> {
  const injection = opts.injection ?? chooseInjection(opts.daemon)
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  const ctx = callContext(opts)
  let container: Docker.Container | undefined
  try {
    container = await createProbeContainer(docker, { ...opts, injection })
    opts.logger.debug(`probe container ${container.id.slice(0, 12)} (${injection}) from ${opts.image}`)
    const report = await collectProbeReport(container, timeoutMs, 'probe container', ctx)
    return { report, injection }
  } finally {
    if (container)
      // Bounded; what is not removed yet stays tracked for the end-of-run cleanup (which names it if it fails).
      await opts.tracker.releaseContainer(
        docker,
        container.id,
        ctx.timeouts.removeMs,
        ctx.timeouts.stepRemoveWaitMs
      )
  }
}
