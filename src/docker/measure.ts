// One image under one profile: image facts, the probe's own report, and the real workload. The probe
// measures itself by an exec in the workload where that report can be trusted (src/docker/untraceable-probe.ts),
// else as the entrypoint of a container of its own. The workload is best effort: its failure is recorded in
// WorkloadReport and never loses the probe's result.
import type Docker from 'dockerode'
import { OperationalError, describeError } from '../errors'
import type { Logger } from '../logger'
import type { RuntimeProfile } from '../profile/types'
import type { Injection } from './injection'
import type { ProbeReport } from './probe-report'
import { inspectImage } from './inspect'
import { runProbe } from './probe-run'
import type { ResourceTracker } from './resources'
import { Interrupted } from './call'
import { callContext } from './probe-run'
import { probeStepLimitMs, resolveTimeouts, seconds, type DockerTimeouts } from './timeouts'
import type { DaemonFacts, Measurement, WorkloadReport } from './types'
import { ensureNamedVolumes } from './volumes'
import { chooseInjection } from './injection'
import { probeInWorkloadRefusal } from './probe-in-workload'
import { runWorkloadWithProbe, type WorkloadRun } from './workload'

export interface MeasureOptions {
  image: string
  profile: RuntimeProfile
  runId: string
  probeTimeoutMs: number
  workloadWindowMs: number
  logger: Logger
  tracker: ResourceTracker
  injection?: Injection
  probePath?: string
  timeouts?: Partial<DockerTimeouts>
  /** Aborted on SIGINT/SIGTERM: the call in flight is abandoned at once. */
  stop?: AbortSignal
  /** What is being scanned (the Dockerfile), for messages. */
  subject?: string
}

export async function measureImage(
  docker: Docker,
  daemon: DaemonFacts,
  opts: MeasureOptions
): Promise<Measurement> {
  // The whole step has one deadline on top of each call's own: the limit aborts whatever is in flight.
  const limitMs = probeStepLimitMs(opts.probeTimeoutMs, opts.workloadWindowMs, resolveTimeouts(opts.timeouts))
  const limit = AbortSignal.timeout(limitMs)
  const stop = opts.stop ? AbortSignal.any([opts.stop, limit]) : limit
  const overran = (error: unknown): unknown =>
    error instanceof Interrupted && limit.aborted && !opts.stop?.aborted
      ? new OperationalError(
          `the probe of ${opts.subject ?? opts.image} did not finish within ${seconds(limitMs)} in all`,
          'probe-timeout'
        )
      : error
  const ctx = callContext({ ...opts, stop })
  const began = Date.now()
  const since = (): string => `${Date.now() - began} ms`
  // The containers do not need the image's facts, so the inspect runs beside them; a missing image
  // still fails the step with the inspect's message (the creates fail too, and are removed).
  const inspected = inspectImage(docker, opts.image, ctx)
  inspected.catch(() => undefined)
  try {
    await ensureNamedVolumes(docker, opts.profile, opts.runId, opts.tracker, ctx)
  } catch (error) {
    throw overran(error)
  }
  const common = { ...opts, daemon, stop }
  const timed = <T>(what: string, work: Promise<T>): Promise<T> =>
    work.finally(() => opts.logger.debug(`${what} of ${opts.subject ?? opts.image} done at ${since()}`))
  const injection = opts.injection ?? chooseInjection(daemon)
  const runProbeContainer = (): Promise<{ report: ProbeReport; injection: Injection }> =>
    timed('probe', runProbe(docker, { ...common, injection, timeoutMs: opts.probeTimeoutMs }))
  const refusal = probeInWorkloadRefusal(opts.profile, injection)
  let probe: PromiseSettledResult<{ report: ProbeReport; injection: Injection }>
  let workload: PromiseSettledResult<WorkloadRun>
  let probedIn: Measurement['probedIn'] = 'probe-container'
  if (refusal === undefined) {
    // One container, not two: the probe measures itself by an exec in the workload, which has exactly the
    // declared profile here; a probe container runs only when that did not give a whole report (the
    // workload exited first, say).
    ;[workload] = await Promise.allSettled([
      timed(
        'workload',
        runWorkloadWithProbe(docker, {
          ...common,
          injection,
          windowMs: opts.workloadWindowMs,
          probeItself: true
        })
      )
    ])
    const fromExec = workload.status === 'fulfilled' ? workload.value.probe : undefined
    if (fromExec) {
      probe = { status: 'fulfilled', value: { report: fromExec, injection } }
      probedIn = 'workload'
    } else {
      if (workload.status === 'rejected' && overran(workload.reason) instanceof Interrupted)
        throw workload.reason
      if (workload.status === 'fulfilled')
        opts.logger.debug(
          `probe container for ${opts.subject ?? opts.image}: ${workload.value.probeMissing ?? ''}`
        )
      ;[probe] = await Promise.allSettled([runProbeContainer()])
    }
  } else {
    // Both run at once: separate containers, and the workload's window is mostly waiting.
    ;[probe, workload] = await Promise.allSettled([
      runProbeContainer(),
      timed(
        'workload',
        runWorkloadWithProbe(docker, { ...common, injection, windowMs: opts.workloadWindowMs })
      )
    ])
  }
  let image
  try {
    image = await inspected
  } catch (error) {
    throw overran(error)
  }
  if (probe.status === 'rejected') throw overran(probe.reason)
  if (workload.status === 'rejected' && overran(workload.reason) instanceof Interrupted) throw workload.reason
  const workloadReport: WorkloadReport =
    workload.status === 'fulfilled'
      ? workload.value.workload
      : { status: 'failed', detail: describeError(overran(workload.reason)), processes: [] }
  if (workloadReport.status !== 'measured')
    opts.logger.info(`workload: ${workloadReport.status}: ${workloadReport.detail ?? ''}`)
  return {
    image,
    daemon,
    probe: probe.value.report,
    injection: probe.value.injection,
    probedIn,
    workload: workloadReport
  }
}
