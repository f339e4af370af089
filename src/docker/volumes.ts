// Named volumes from the deployment flags (`-v name:/data`, `--mount type=volume,source=name`): the daemon
// would create a missing one itself, unlabelled, and nothing would remove it. We create it first, with the
// run label, and track it; a volume that already existed is the user's and is never touched.
import type Docker from 'dockerode'
import type { RuntimeProfile } from '../profile/types'
import { daemonCall, stepError, type CallContext } from './call'
import { isGoneError, resourceLabels, type ResourceTracker } from './resources'

export function namedVolumes(profile: RuntimeProfile): string[] {
  const names = profile.mounts.filter(m => m.type === 'volume' && m.source !== '').map(m => m.source)
  return [...new Set(names)]
}

export async function ensureNamedVolumes(
  docker: Docker,
  profile: RuntimeProfile,
  runId: string,
  tracker: ResourceTracker,
  ctx: CallContext
): Promise<void> {
  for (const name of namedVolumes(profile)) {
    if (tracker.hasVolume(name)) continue
    const timing = { timeoutMs: ctx.timeouts.requestMs, stop: ctx.stop }
    try {
      await daemonCall({ ...timing, step: `inspect of volume ${name}`, idempotent: true }, s =>
        docker.getVolume(name).inspect({ abortSignal: s } as Record<string, unknown>)
      )
      continue // it exists: the user's
    } catch (error) {
      if (!isGoneError(error)) throw stepError(error, `cannot inspect volume ${name}`, 'probe-failed')
    }
    // Tracked once created; if the answer is lost, the label sweep by run id finds it. Never tracked
    // before, so a volume someone else made meanwhile is never ours to remove.
    try {
      await daemonCall({ ...timing, step: `create of volume ${name}` }, s =>
        docker.createVolume({ Name: name, Labels: resourceLabels(runId), abortSignal: s } as Record<
          string,
          unknown
        >)
      )
    } catch (error) {
      throw stepError(error, `cannot create volume ${name}`, 'probe-failed')
    }
    tracker.addVolume(name)
  }
}
