// The post step: remove whatever main left in Docker (from saved state), then sweep by this run's
// label as a safety net. It runs even when main was cancelled; it only ever warns.
import * as core from '@actions/core'
import { createDockerClient } from '../docker/client'
import { ResourceTracker, sweepLabelled } from '../docker/resources'
import { describeError } from '../errors'
import { savedResources, savedRunId } from './state'

export async function runPost(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const resources = savedResources(env)
  const runId = savedRunId(env)
  if (resources.containers.length === 0 && resources.images.length === 0 && !runId) {
    core.info('Nothing to clean up')
    return
  }
  const docker = createDockerClient(env)
  const tracker = ResourceTracker.fromSnapshot(resources)
  try {
    await tracker.cleanup(docker)
    if (resources.containers.length + resources.images.length > 0) {
      core.info(
        `Removed ${resources.containers.length} container(s) and ${resources.images.length} image(s) left by the main step`
      )
    }
  } catch (error) {
    core.warning(`Cleanup: ${describeError(error)}`)
  }
  // Only this run's label: other runs on a shared self-hosted runner may still be working.
  if (!runId) return
  try {
    const swept = await sweepLabelled(docker, runId)
    if (swept.containers + swept.images > 0) {
      core.info(
        `Removed ${swept.containers} more container(s) and ${swept.images} image(s) labelled with this run`
      )
    }
    for (const failure of swept.failures) core.warning(`Cleanup: could not remove ${failure}`)
  } catch (error) {
    core.warning(`Cleanup: could not list labelled containers and images: ${describeError(error)}`)
  }
}
