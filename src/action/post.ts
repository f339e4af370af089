// The post step: remove whatever main left in Docker (from saved state), then sweep by this run's
// label as a safety net. It runs even when main was cancelled; it only ever warns.
import { createDockerClient } from '../docker/client'
import { CleanupError, ResourceTracker, describeFailures, sweepLabelled } from '../docker/resources'
import { describeError } from '../errors'
import { safeInfo, safeWarning } from './runner-safe'
import { savedResources, savedRunId } from './state'

export async function runPost(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const resources = savedResources(env)
  const runId = savedRunId(env)
  if (resources.containers.length === 0 && resources.images.length === 0 && !runId) {
    safeInfo('Nothing to clean up')
    return
  }
  const docker = createDockerClient(env)
  const tracker = ResourceTracker.fromSnapshot(resources)
  try {
    await tracker.cleanup(docker)
    if (resources.containers.length + resources.images.length > 0) {
      safeInfo(
        `Removed ${resources.containers.length} container(s) and ${resources.images.length} image(s) left by the main step`
      )
    }
  } catch (error) {
    // Named with the command that removes each one (`docker rm -f <id>`).
    safeWarning(
      `Cleanup: ${error instanceof CleanupError ? `could not remove ${describeFailures(error.failures)}` : describeError(error)}`
    )
  }
  // Only this run's label: other runs on a shared self-hosted runner may still be working.
  if (!runId) return
  try {
    const swept = await sweepLabelled(docker, runId)
    if (swept.containers + swept.images + swept.volumes > 0) {
      safeInfo(
        `Removed ${swept.containers} more container(s), ${swept.images} image(s) and ${swept.volumes} volume(s) labelled with this run`
      )
    }
    if (swept.failed.length) safeWarning(`Cleanup: could not remove ${describeFailures(swept.failed)}`)
  } catch (error) {
    safeWarning(`Cleanup: could not list labelled containers, images and volumes: ${describeError(error)}`)
  }
}
