// Connects to the Docker daemon the way the docker CLI would (DOCKER_HOST, TLS variables), and fails fast
// with one line when nothing answers: a scan must never hang on a missing daemon.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { OperationalError } from '../errors'
import type { Logger } from '../logger'
import { bounded, throwIfStopped } from './call'
import { daemonFactsFrom, type InfoResponse, type VersionResponse } from './daemon-facts'
import type { DaemonFacts } from './types'

type Env = Record<string, string | undefined>

/** Newest Engine API version this client is written and tested against; newer daemons are spoken to at this one. */
export const MAX_CLIENT_API_VERSION = '1.47'
const DEFAULT_SOCKET = '/var/run/docker.sock'

/** Where the client will connect, as the user would write it (for messages). */
export function dockerEndpoint(env: Env = process.env): string {
  const host = env.DOCKER_HOST?.trim()
  if (host) return host.includes('://') ? host : `tcp://${host}`
  return `unix://${defaultSocket()}`
}

function defaultSocket(): string {
  // Docker Desktop's per-user socket wins when it exists, as in docker-modem.
  const user = join(homedir(), '.docker', 'run', 'docker.sock')
  return existsSync(user) ? user : DEFAULT_SOCKET
}

/** True when the daemon is not on this machine's filesystem (bind mounts of local files would not work). */
export function isRemoteEndpoint(endpoint: string): boolean {
  return !endpoint.startsWith('unix://') && !endpoint.startsWith('npipe://')
}

/**
 * dockerode options from an environment. Every connection key is set explicitly because docker-modem merges
 * its own reading of process.env underneath whatever is passed.
 */
export function dockerOptionsFromEnv(env: Env = process.env): Docker.DockerOptions {
  const endpoint = dockerEndpoint(env)
  const base = { host: undefined, port: undefined, protocol: undefined, socketPath: undefined } as const
  if (endpoint.startsWith('unix://') || endpoint.startsWith('npipe://')) {
    const path = endpoint.replace(/^(unix|npipe):\/\//, '')
    return { ...base, socketPath: path || defaultSocket() }
  }
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new OperationalError(
      `DOCKER_HOST '${env.DOCKER_HOST}' is not a valid address (e.g. tcp://host:2376)`,
      'daemon-unreachable'
    )
  }
  const timeout = env.DOCKER_CLIENT_TIMEOUT ? Number.parseInt(env.DOCKER_CLIENT_TIMEOUT, 10) : undefined
  const extra = {
    ...(timeout ? { timeout } : {}),
    ...(env.DOCKER_PATH_PREFIX ? { pathPrefix: env.DOCKER_PATH_PREFIX } : {})
  }
  if (url.protocol === 'ssh:') {
    return {
      ...base,
      ...extra,
      protocol: 'ssh',
      host: url.hostname,
      port: url.port || 22,
      username: url.username || undefined,
      sshOptions: { agent: env.SSH_AUTH_SOCK }
    } as Docker.DockerOptions
  }
  // The docker CLI treats any non-empty DOCKER_TLS_VERIFY as "verify"; 2376 is the TLS port by convention.
  const tls = Boolean(env.DOCKER_TLS_VERIFY) || url.port === '2376' || url.protocol === 'https:'
  const options: Docker.DockerOptions = {
    ...base,
    ...extra,
    protocol: tls ? 'https' : 'http',
    host: url.hostname,
    port: url.port || (tls ? 2376 : 2375)
  }
  if (tls) {
    const certPath = env.DOCKER_CERT_PATH || join(homedir(), '.docker')
    const read = (name: string): Buffer | undefined => {
      const file = join(certPath, name)
      return existsSync(file) ? readFileSync(file) : undefined
    }
    Object.assign(options, { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') })
  }
  return options
}

export function createDockerClient(env: Env = process.env): Docker {
  return new Docker(dockerOptionsFromEnv(env))
}

/** The lower of the daemon's API version and ours, so neither side is asked for what it does not speak. */
export function negotiateApiVersion(daemonApiVersion: string, clientMax = MAX_CLIENT_API_VERSION): string {
  const parse = (v: string): number[] => v.split('.').map(n => Number.parseInt(n, 10) || 0)
  const [a, b] = [parse(daemonApiVersion), parse(clientMax)]
  const older = a[0] !== b[0] ? a[0] < b[0] : (a[1] ?? 0) <= (b[1] ?? 0)
  return daemonApiVersion && older ? daemonApiVersion : clientMax
}

function reason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string }
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`
  const message = String(e?.message ?? error).split('\n')[0]
  // `connect ENOENT /var/run/docker.sock` repeats the path already in our message.
  if (e?.code && /^connect /.test(message)) return `connect ${e.code}`
  return message
}

/** Pins the API version in every request path (`/v1.41/...`). */
export function setApiVersion(docker: Docker, version: string): void {
  ;(docker.modem as unknown as { version?: string }).version = `v${version}`
}

export function apiVersionOf(docker: Docker): string | undefined {
  return (docker.modem as unknown as { version?: string }).version?.replace(/^v/, '')
}

export interface ConnectOptions {
  timeoutMs?: number
  env?: Env
  /** Aborted on SIGINT/SIGTERM: the connection attempt ends at once with Interrupted. */
  stop?: AbortSignal
}

/** Asks the daemon its version (short timeout: the first answer is the ping), negotiates, reads its facts. */
export async function connectDocker(
  logger: Logger,
  opts: ConnectOptions = {}
): Promise<{ docker: Docker; daemon: DaemonFacts }> {
  const env = opts.env ?? process.env
  const timeoutMs = opts.timeoutMs ?? 5_000
  const endpoint = dockerEndpoint(env)
  const unreachable = (why: string): OperationalError =>
    new OperationalError(
      `Docker daemon not reachable at ${endpoint}: ${why}; start one (scripts/start-docker.sh) or run with --no-build`,
      'daemon-unreachable'
    )
  const docker = createDockerClient(env)
  let version: VersionResponse
  let info: InfoResponse
  // dockerode accepts abortSignal on these calls; @types/dockerode does not say so.
  const calls = docker as unknown as Record<
    'version' | 'info',
    (o: { abortSignal: AbortSignal }) => Promise<unknown>
  >
  const call = (name: 'version' | 'info'): Promise<unknown> =>
    bounded(timeoutMs, opts.stop, s => calls[name].call(docker, { abortSignal: s }))
  try {
    version = (await call('version')) as VersionResponse
    setApiVersion(docker, negotiateApiVersion(version.ApiVersion ?? ''))
    info = (await call('info')) as InfoResponse
  } catch (error) {
    throwIfStopped(opts.stop)
    throw unreachable(reason(error, timeoutMs))
  }
  const daemon = daemonFactsFrom(info, version, isRemoteEndpoint(endpoint))
  logger.debug(
    `Docker ${daemon.serverVersion} (API ${apiVersionOf(docker)}) at ${endpoint}: ${daemon.architecture}, ` +
      `cgroup v${daemon.cgroupVersion}, security options ${daemon.securityOptions.join(' ') || 'none'}`
  )
  return { docker, daemon }
}
