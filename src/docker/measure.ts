// One image under one profile: image facts, the probe as entrypoint, and the real workload. The workload
// is best effort: its failure is recorded in WorkloadReport and never loses the probe's result.
import type Docker from 'dockerode'
import { describeError } from '../errors'
import type { Logger } from '../logger'
import type { RuntimeProfile } from '../profile/types'
import type { Injection } from './injection'
import { inspectImage } from './inspect'
import { runProbe } from './probe-run'
import type { ResourceTracker } from './resources'
import { Interrupted } from './call'
import { callContext } from './probe-run'
import type { DockerTimeouts } from './timeouts'
import type { DaemonFacts, Measurement, WorkloadReport } from './types'
import { ensureNamedVolumes } from './volumes'
import { runWorkload } from './workload'

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
  const ctx = callContext(opts)
  const image = await inspectImage(docker, opts.image, ctx)
  await ensureNamedVolumes(docker, opts.profile, opts.runId, opts.tracker, ctx)
  const common = { ...opts, daemon }
  // Both run at once: separate containers, and the workload's window is mostly waiting.
  const [probe, workload] = await Promise.allSettled([
    runProbe(docker, { ...common, timeoutMs: opts.probeTimeoutMs }),
    runWorkload(docker, { ...common, windowMs: opts.workloadWindowMs })
  ])
  if (probe.status === 'rejected') throw probe.reason
  if (workload.status === 'rejected' && workload.reason instanceof Interrupted) throw workload.reason
  const workloadReport: WorkloadReport =
    workload.status === 'fulfilled'
      ? workload.value
      : { status: 'failed', detail: describeError(workload.reason), processes: [] }
  if (workloadReport.status !== 'measured')
    opts.logger.info(`workload: ${workloadReport.status}: ${workloadReport.detail ?? ''}`)
  return {
    image,
    daemon,
    probe: probe.value.report,
    injection: probe.value.injection,
    workload: workloadReport
  }
}
