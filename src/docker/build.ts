// Builds an image through the Engine API: BuildKit (`version: '2'`) when the daemon offers it, the classic
// builder otherwise. A failed build is found from `errorDetail` and thrown as one line with the failing step.
import type Docker from 'dockerode'
import { OperationalError, describeError } from '../errors'
import type { Logger } from '../logger'
import { apiVersionOf } from './client'
import { BuildProgress, type BuildEvent } from './build-progress'
import { createBuildContext } from './context'
import type { ResourceTracker } from './resources'

export interface BuildOptions {
  /** Absolute path of the Dockerfile (it may lie outside the context). */
  dockerfile: string
  /** Absolute path of the context folder. */
  context: string
  buildArgs: Record<string, string>
  target?: string
  /** A tag unique to this run; it is what later steps refer to. */
  tag: string
  /** Put on the image (RESOURCE_LABEL with the run id, so a sweep finds it). */
  labels: Record<string, string>
  logger: Logger
  /** true: BuildKit; false: classic; unset: BuildKit when the daemon offers it. */
  buildkit?: boolean
  /** Records the tag before the build starts so an interrupted build is cleaned up too. */
  tracker?: ResourceTracker
  /** Default 15 minutes. */
  timeoutMs?: number
}

/** BuildKit through the API exists from API 1.39 (Engine 18.09) on Linux daemons. */
export function daemonOffersBuildkit(apiVersion: string | undefined): boolean {
  if (!apiVersion) return false
  const [major, minor] = apiVersion.split('.').map(n => Number.parseInt(n, 10))
  return major > 1 || (major === 1 && minor >= 39)
}

/**
 * BuildKit failures that the classic builder does not have: a `# syntax=` frontend image that cannot be
 * pulled (no registry), or the gRPC session itself failing.
 */
export function isBuildkitOnlyFailure(message: string): boolean {
  return /docker\/dockerfile|frontend|failed to resolve source metadata|session/i.test(message)
}

/**
 * A failed classic build leaves the images of its finished steps behind, untagged. Removing the newest one
 * prunes its untagged parents; one that another image builds on is kept (409) and that is fine.
 */
async function removeIntermediate(docker: Docker, layers: string[]): Promise<void> {
  const newest = layers[layers.length - 1]
  if (newest)
    await docker
      .getImage(newest)
      .remove()
      .catch(() => undefined)
}

async function runBuild(docker: Docker, opts: BuildOptions, version: '1' | '2'): Promise<void> {
  const { tar, dockerfile } = await createBuildContext(opts.context, opts.dockerfile)
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  const progress = new BuildProgress()
  const log = (event: BuildEvent): void => progress.add(event).forEach(line => opts.logger.info(line))
  try {
    const stream = await docker.buildImage(
      tar as unknown as NodeJS.ReadableStream,
      {
        t: opts.tag,
        dockerfile,
        buildargs: opts.buildArgs,
        labels: opts.labels,
        ...(opts.target ? { target: opts.target } : {}),
        rm: true,
        forcerm: true,
        version,
        abortSignal: abort.signal
      } as Docker.ImageBuildOptions
    )
    await new Promise<void>((resolve, reject) => {
      const onFinished = (error: Error | null): void => (error ? reject(error) : resolve())
      // dockerode's own followProgress decodes BuildKit's protobuf trace into log lines; it is untyped.
      const follow = (docker as unknown as { followProgress: Docker['modem']['followProgress'] })
        .followProgress
      if (version === '2') follow.call(docker, stream, onFinished, log)
      else docker.modem.followProgress(stream, onFinished, log)
    })
  } catch (error) {
    if (abort.signal.aborted) {
      throw new OperationalError(
        `build of ${opts.dockerfile} timed out after ${timeoutMs / 1000} s`,
        'build-failed'
      )
    }
    const where = progress.step ? `${progress.step}: ` : ''
    throw new OperationalError(
      `build of ${opts.dockerfile} failed: ${where}${describeError(error)}`,
      'build-failed'
    )
  } finally {
    clearTimeout(timer)
  }
  const failure = progress.failure()
  if (failure) await removeIntermediate(docker, progress.layers)
  if (failure) throw new OperationalError(`build of ${opts.dockerfile} failed: ${failure}`, 'build-failed')
}

export async function buildImage(
  docker: Docker,
  opts: BuildOptions
): Promise<{ imageId: string; tag: string }> {
  opts.tracker?.addImage(opts.tag)
  const useBuildkit = opts.buildkit ?? daemonOffersBuildkit(apiVersionOf(docker))
  try {
    await runBuild(docker, opts, useBuildkit ? '2' : '1')
  } catch (error) {
    const message = describeError(error)
    if (!useBuildkit || opts.buildkit === true || !isBuildkitOnlyFailure(message)) throw error
    opts.logger.warning(`BuildKit could not build this (${message}); retrying with the classic builder`)
    await runBuild(docker, opts, '1')
  }
  const image = await docker.getImage(opts.tag).inspect()
  return { imageId: image.Id, tag: opts.tag }
}
