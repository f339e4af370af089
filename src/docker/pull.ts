// Pulls an image that is not on the daemon yet (`--image` / input `image` naming a registry image), with the
// registry's credentials from the Docker config. Bounded as a whole; a refusal becomes one line naming the
// registry and what to do. Credentials travel only in the X-Registry-Auth header, never in a message.
import type Docker from 'dockerode'
import { OperationalError } from '../errors'
import type { Logger } from '../logger'
import { Interrupted, bounded, daemonMessage, isDeadline, throwIfStopped, type CallContext } from './call'
import { inspectImageRaw } from './inspect'
import {
  credentialAdvice,
  DOCKER_HUB,
  isAuthRefusal,
  readDockerConfig,
  redact,
  registryOf,
  secretsOf,
  type DockerConfigAuth
} from './registry-auth'
import { seconds } from './timeouts'
import { lookupCredential, type CredentialLookup } from './credential-helper'

export interface PullOptions extends CallContext {
  logger: Logger
  /** The whole pull (request and progress stream); the scan uses the build limit (--build-timeout). */
  timeoutMs: number
  /** Credentials; default: read from the Docker config of `env`. */
  config?: DockerConfigAuth
  /** Where DOCKER_CONFIG and HOME come from; default process.env. */
  env?: Record<string, string | undefined>
}

/**
 * `name` and `tag` for POST /images/create. A reference without a tag gets `latest`: an empty tag would
 * make the daemon pull every tag of the repository.
 */
export function pullParams(ref: string): { fromImage: string; tag?: string } {
  if (ref.includes('@')) return { fromImage: ref }
  const slash = ref.lastIndexOf('/')
  const colon = ref.lastIndexOf(':')
  if (colon > slash) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) }
  return { fromImage: ref, tag: 'latest' }
}

function isNotFound(message: string, statusCode?: number): boolean {
  return statusCode === 404 || /manifest unknown|not found/i.test(message)
}

interface ProgressEvent {
  error?: string
  errorDetail?: { message?: string }
}

function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, events: ProgressEvent[]) =>
      error ? reject(error) : resolve(events)
    )
  )
}

/** One line for a failed pull: the registry, the daemon's reason (scrubbed), and what to do. */
export function pullFailure(
  ref: string,
  message: string,
  config: DockerConfigAuth,
  lookup: CredentialLookup,
  statusCode?: number
): OperationalError {
  const registry = registryOf(ref)
  // `Head "http://host/v2/...": no basic auth credentials`: the URL repeats the reference.
  const helperSecrets = [lookup.credential?.password ?? '', lookup.credential?.identitytoken ?? '']
  const said = redact(message, [...secretsOf(config), ...helperSecrets]).replace(/^[A-Z]+ "[^"]*":\s*/i, '')
  const { credential } = lookup
  const login = `docker login${registry === DOCKER_HUB ? '' : ` ${registry}`}`
  let text: string
  if (isAuthRefusal(said) && !credential)
    text = `cannot pull ${ref}: ${registry} asks for credentials; ${credentialAdvice(config, registry, lookup.helperProblem)}; daemon: ${said}`
  else if (isAuthRefusal(said))
    text =
      `cannot pull ${ref}: ${registry} refused the credentials${credential?.username ? ` of ${credential.username}` : ''} ` +
      `from ${config.file}; run \`${login}\` again, or check that this account may pull the image (daemon: ${said})`
  else if (isNotFound(said, statusCode))
    text = `cannot pull ${ref}: ${registry} has no such image or tag (daemon: ${said})`
  else text = `cannot pull ${ref} from ${registry}: ${said}`
  return new OperationalError(text, 'probe-failed')
}

/** Pulls `ref` (bounded by opts.timeoutMs as a whole); throws one OperationalError line on failure. */
export async function pullImage(docker: Docker, ref: string, opts: PullOptions): Promise<void> {
  const config = opts.config ?? readDockerConfig(opts.env)
  const registry = registryOf(ref)
  const lookup = await lookupCredential(config, registry, opts.env ?? process.env)
  const { credential } = lookup
  const source = lookup.helper && !lookup.helperProblem ? `docker-credential-${lookup.helper}` : config.file
  if (lookup.helperProblem) opts.logger.debug(`no credentials from the helper: ${lookup.helperProblem}`)
  opts.logger.info(
    `pulling ${ref} from ${registry}${credential ? ` with the credentials from ${source}` : ' without credentials'}`
  )
  throwIfStopped(opts.stop)
  try {
    await bounded(opts.timeoutMs, opts.stop, async signal => {
      const stream = (await docker.createImage({
        ...pullParams(ref),
        abortSignal: signal,
        ...(credential ? { authconfig: credential } : {})
      } as unknown as Parameters<Docker['createImage']>[0])) as NodeJS.ReadableStream & {
        destroy?: () => void
      }
      signal.addEventListener('abort', () => stream.destroy?.(), { once: true })
      const events = await follow(docker, stream)
      const failed = events.find(e => e.error || e.errorDetail)
      if (failed)
        throw pullFailure(ref, failed.errorDetail?.message ?? failed.error ?? 'unknown error', config, lookup)
    })
  } catch (error) {
    throwIfStopped(opts.stop)
    if (error instanceof OperationalError || error instanceof Interrupted) throw error
    if (isDeadline(error))
      throw new OperationalError(
        `pull of ${ref} from ${registry} timed out after ${seconds(opts.timeoutMs)}`,
        'probe-failed'
      )
    throw pullFailure(
      ref,
      daemonMessage(error),
      config,
      lookup,
      (error as { statusCode?: number })?.statusCode
    )
  }
  opts.logger.info(`pulled ${ref}`)
}

/** The daemon's 404 for `GET /images/{name}/json`. */
export function isNoSuchImage(error: unknown): boolean {
  const e = error as { statusCode?: number; message?: string }
  return e?.statusCode === 404 || /no such image/i.test(e?.message ?? '')
}

/** Pulls `ref` unless the daemon already has it; says which. Other inspect errors are thrown as they are. */
export async function ensureImage(
  docker: Docker,
  ref: string,
  opts: PullOptions
): Promise<'present' | 'pulled'> {
  try {
    await inspectImageRaw(docker, ref, opts)
    return 'present'
  } catch (error) {
    if (!isNoSuchImage(error)) throw error
  }
  await pullImage(docker, ref, opts)
  return 'pulled'
}
