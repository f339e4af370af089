// Builds an image through the Engine API: BuildKit (`version: '2'`) when the daemon offers it, the classic
// builder otherwise. A failed build is found from `errorDetail` and thrown as one line with the failing step.
import type Docker from 'dockerode'
import { OperationalError, describeError } from '../errors'
import type { Logger } from '../logger'
import { Interrupted, bounded, stepError, throwIfStopped, type CallContext } from './call'
import { apiVersionOf } from './client'
import { BuildProgress, type BuildEvent } from './build-progress'
import { createBuildContext } from './context'
import { inspectImageRaw } from './inspect'
import { isAuthRefusal, redact, type RegistryCredential } from './registry-auth'
import type { ResourceTracker } from './resources'
import { resolveTimeouts, seconds, type DockerTimeouts } from './timeouts'

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
  /** Default 15 minutes (timeouts.buildMs). */
  timeoutMs?: number
  /** Limits for the other daemon calls (inspect, removal). */
  timeouts?: Partial<DockerTimeouts>
  /** Aborted on SIGINT/SIGTERM: the build request is abandoned at once. */
  stop?: AbortSignal
  /**
   * Registry credentials for private base images, keyed by registry (X-Registry-Config). Only the classic
   * builder reads them: BuildKit asks a session instead, and dockerode's session would hand one credential
   * to every registry, so a BuildKit build refused by a registry is retried with the classic builder.
   */
  registryAuth?: Record<string, RegistryCredential>
}

function secretsIn(auth: BuildOptions['registryAuth']): string[] {
  return Object.values(auth ?? {}).flatMap(c => [c.password ?? '', c.identitytoken ?? ''])
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
async function removeIntermediate(docker: Docker, layers: string[], timeoutMs: number): Promise<void> {
  const newest = layers[layers.length - 1]
  if (newest)
    await bounded(timeoutMs, undefined, s =>
      docker.getImage(newest).remove({ abortSignal: s } as Record<string, unknown>)
    ).catch(() => undefined)
}

async function runBuild(docker: Docker, opts: BuildOptions, version: '1' | '2'): Promise<void> {
  const { tar, dockerfile } = await createBuildContext(opts.context, opts.dockerfile)
  const timeouts = resolveTimeouts(opts.timeouts)
  const timeoutMs = opts.timeoutMs ?? timeouts.buildMs
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  const onStop = (): void => abort.abort()
  opts.stop?.addEventListener('abort', onStop, { once: true })
  const started = Date.now()
  let lastOutput = started
  // A build that prints nothing (a long RUN, a stalled daemon) still says it is alive, and how long it may take.
  const quiet = setInterval(
    () => {
      if (Date.now() - lastOutput < timeouts.buildQuietMs) return
      lastOutput = Date.now()
      opts.logger.info(
        `still building ${opts.dockerfile} (${seconds(Date.now() - started)} of at most ${seconds(timeoutMs)})`
      )
    },
    Math.min(timeouts.buildQuietMs, 5_000)
  )
  quiet.unref()
  const progress = new BuildProgress()
  const log = (event: BuildEvent): void => {
    lastOutput = Date.now()
    progress.add(event).forEach(line => opts.logger.info(line))
  }
  async function build(): Promise<void> {
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
        ...(version === '1' && hasAuth(opts) ? { registryconfig: opts.registryAuth } : {}),
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
  }
  // dockerode's BuildKit session request (POST /session) takes no abort signal: racing the abort is what
  // keeps a stall there bounded too.
  const aborted = new Promise<never>((_, reject) =>
    abort.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })
  )
  aborted.catch(() => undefined)
  try {
    throwIfStopped(opts.stop)
    const work = build()
    work.catch(() => undefined) // the race's loser must not become an unhandled rejection
    await Promise.race([aborted, work])
  } catch (error) {
    throwIfStopped(opts.stop)
    if (error instanceof Interrupted) throw error
    if (abort.signal.aborted) {
      throw new OperationalError(
        `build of ${opts.dockerfile} timed out after ${seconds(timeoutMs)}`,
        'build-failed'
      )
    }
    const where = progress.step ? `${progress.step}: ` : ''
    const said = redact(describeError(error), secretsIn(opts.registryAuth))
    throw new OperationalError(`build of ${opts.dockerfile} failed: ${where}${said}`, 'build-failed')
  } finally {
    clearTimeout(timer)
    clearInterval(quiet)
    opts.stop?.removeEventListener('abort', onStop)
  }
  const failure = progress.failure()
  if (failure) await removeIntermediate(docker, progress.layers, timeouts.removeMs)
  if (failure) {
    // A private base image: say where credentials come from (the registry's name is in the daemon's words).
    const hint = isAuthRefusal(failure)
      ? '; a registry asked for credentials: run `docker login <registry>` or set DOCKER_CONFIG to the folder of a config.json that has them'
      : ''
    throw new OperationalError(
      `build of ${opts.dockerfile} failed: ${redact(failure, secretsIn(opts.registryAuth))}${hint}`,
      'build-failed'
    )
  }
}

function hasAuth(opts: BuildOptions): boolean {
  return Object.keys(opts.registryAuth ?? {}).length > 0
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
    if (error instanceof Interrupted) throw error
    if (!useBuildkit || opts.buildkit === true) throw error
    if (hasAuth(opts) && isAuthRefusal(message)) {
      opts.logger.warning(
        `a registry refused BuildKit, which gets no registry credentials through the Engine API (${message}); ` +
          'retrying with the classic builder, which sends the credentials from the Docker config'
      )
    } else if (isBuildkitOnlyFailure(message)) {
      opts.logger.warning(`BuildKit could not build this (${message}); retrying with the classic builder`)
    } else throw error
    await runBuild(docker, opts, '1')
  }
  const ctx: CallContext = { timeouts: resolveTimeouts(opts.timeouts), stop: opts.stop }
  try {
    const image = await inspectImageRaw(docker, opts.tag, ctx)
    return { imageId: image.Id, tag: opts.tag }
  } catch (error) {
    throw stepError(error, `cannot inspect the built image ${opts.tag}`, 'build-failed')
  }
}
