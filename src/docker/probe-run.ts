// Runs the probe as the container's entrypoint under the deployment profile, with the tool's safety
// settings on top, a deadline, and removal in finally whatever happens.
import type Docker from 'dockerode'
import { OperationalError } from '../errors'
import type { Logger } from '../logger'
import type { RuntimeProfile } from '../profile/types'
import { createTracked, daemonMessage, killQuietly, readLogs, startWithin, waitFor } from './container-run'
import { assertCopyPossible, chooseInjection, copyProbeInto, probeMount, type Injection } from './injection'
import { findProbeBinary, PROBE_TARGET } from './probe-binary'
import { parseProbeOutput } from './probe-output'
import type { ProbeReport } from './probe-report'
import type { ResourceTracker } from './resources'
import { containerCreateOptions } from './safety'
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
}

/** Creates a container from `image` with the probe injected; the caller starts and removes it. */
export async function createProbeContainer(
  docker: Docker,
  opts: ProbeRunOptions & { extraHostConfig?: Record<string, unknown>; user?: string; injection: Injection }
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
  let container: Docker.Container
  try {
    container = await createTracked(docker, options, opts.tracker)
  } catch (error) {
    throw new OperationalError(
      `cannot create the probe container from ${opts.image}: ${daemonMessage(error)}`,
      'probe-failed'
    )
  }
  if (opts.injection === 'copy') await copyProbeInto(container, probePath)
  return container
}

/** Starts a created probe container, waits (killing it at the deadline) and parses its report. */
export async function collectProbeReport(
  container: Docker.Container,
  timeoutMs: number,
  what: string
): Promise<ProbeReport> {
  // One deadline for start and run: a daemon that wedges while starting must not turn into a hang.
  const deadline = Date.now() + timeoutMs
  let started
  try {
    started = await startWithin(container, timeoutMs)
  } catch (error) {
    throw new OperationalError(`cannot start the ${what}: ${daemonMessage(error)}`, 'probe-failed')
  }
  if (started === 'timeout') {
    throw new OperationalError(
      `the daemon did not start the ${what} within ${timeoutMs / 1000} s`,
      'probe-timeout'
    )
  }
  const outcome = await waitFor(container, Math.max(1, deadline - Date.now()))
  if (outcome === 'timeout') {
    await killQuietly(container)
    throw new OperationalError(
      `the ${what} did not finish within ${timeoutMs / 1000} s and was killed`,
      'probe-timeout'
    )
  }
  const { stdout, stderr } = await readLogs(container)
  return parseProbeOutput(stdout, stderr, outcome.statusCode)
}

export async function runProbe(
  docker: Docker,
  opts: ProbeRunOptions
): Promise<{ report: ProbeReport; injection: Injection }> {
  const injection = opts.injection ?? chooseInjection(opts.daemon)
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  let container: Docker.Container | undefined
  try {
    container = await createProbeContainer(docker, { ...opts, injection })
    opts.logger.debug(`probe container ${container.id.slice(0, 12)} (${injection}) from ${opts.image}`)
    const report = await collectProbeReport(container, timeoutMs, 'probe container')
    return { report, injection }
  } finally {
    if (container)
      await opts.tracker.removeContainer(docker, container.id).catch(error => {
        opts.logger.warning(
          `could not remove probe container ${container?.id.slice(0, 12)}: ${daemonMessage(error)}`
        )
      })
  }
}
