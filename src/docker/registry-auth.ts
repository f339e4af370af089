// Registry credentials from the Docker config file, read the way the docker CLI and docker/login-action
// write it: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, `auths.<registry>.auth` = base64
// `user:password`. Credential helpers (credsStore, credHelpers) are run by credential-helper.ts for pulls.
// Nothing here ever logs or returns a secret in a message.
import { readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

type Env = Record<string, string | undefined>

/** What the Engine API takes in X-Registry-Auth (one registry) and, keyed by registry, in X-Registry-Config. */
export interface RegistryCredential {
  username?: string
  password?: string
  /** An OAuth identity token (`docker login` with some registries) instead of a password. */
  identitytoken?: string
  serveraddress: string
}

export interface DockerConfigAuth {
  /** The config file consulted (it may not exist). */
  file: string
  /** Normalised registry host (`docker.io`, `ghcr.io`, `127.0.0.1:5000`) -> credential. */
  auths: Map<string, RegistryCredential>
  /** `credsStore`, when set: the helper that holds every registry's credentials. */
  credsStore?: string
  /** `credHelpers`: registry host -> helper name (wins over credsStore). */
  credHelpers: Map<string, string>
  /** Why the file could not be used (unreadable, not JSON), as one line without its content. */
  problem?: string
}

/** Docker Hub's registry as a hostname; its config key is the historical URL below. */
export const DOCKER_HUB = 'docker.io'
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/'
const HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com'
])

/** A config file larger than this is not a Docker config (it holds a few keys per registry). */
const MAX_CONFIG_BYTES = 1_048_576
/** Registries read from one file: a bound on a loop over user input. */
const MAX_REGISTRIES = 1_000

/** `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json` (the docker CLI's order). */
export function dockerConfigFile(env: Env = process.env): string {
  const dir = env.DOCKER_CONFIG?.trim()
  if (dir) return join(dir, 'config.json')
  return join(env.HOME?.trim() || homedir(), '.docker', 'config.json')
}

/** `https://ghcr.io/v2/` -> `ghcr.io`; every Docker Hub alias -> `docker.io`. */
export function registryHost(address: string): string {
  const host = address
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]
    .toLowerCase()
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host
}

/**
 * The registry an image reference is pulled from: its first path component when that looks like a host
 * (has a dot or a port, or is `localhost`), as the docker CLI decides; Docker Hub otherwise.
 */
export function registryOf(ref: string): string {
  const slash = ref.indexOf('/')
  if (slash < 0) return DOCKER_HUB
  const first = ref.slice(0, slash)
  if (first.includes('.') || first.includes(':') || first === 'localhost') return registryHost(first)
  return DOCKER_HUB
}

function decodeAuth(auth: string): { username: string; password: string } | undefined {
  const text = Buffer.from(auth, 'base64').toString('utf8')
  const colon = text.indexOf(':')
  if (colon <= 0) return undefined
  return { username: text.slice(0, colon), password: text.slice(colon + 1) }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function empty(file: string, problem?: string): DockerConfigAuth {
  return { file, auths: new Map(), credHelpers: new Map(), ...(problem ? { problem } : {}) }
}

/** Reads the config file; a missing file is no credentials, an unusable one says why in `problem`. */
export function readDockerConfig(
  env: Env = process.env,
  read: (file: string) => string = file => readFileSync(file, 'utf8')
): DockerConfigAuth {
  const file = dockerConfigFile(env)
  let text: string
  try {
    if (statSync(file).size > MAX_CONFIG_BYTES) return empty(file, `${file} is larger than 1 MB`)
    text = read(file)
  } catch (error) {
    const code = (error as { code?: string })?.code
    if (code === 'ENOENT' || code === 'ENOTDIR') return empty(file)
    return empty(file, `${file} cannot be read (${code ?? 'error'})`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // JSON.parse's message quotes the text, which holds credentials: never repeat it.
    return empty(file, `${file} is not valid JSON`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return empty(file, `${file} is not a JSON object`)
  const config = json as { auths?: unknown; credsStore?: unknown; credHelpers?: unknown }
  const out = empty(file)
  const store = str(config.credsStore)
  if (store) out.credsStore = store
  if (typeof config.credHelpers === 'object' && config.credHelpers !== null) {
    for (const [key, helper] of Object.entries(config.credHelpers).slice(0, MAX_REGISTRIES)) {
      if (str(helper)) out.credHelpers.set(registryHost(key), helper as string)
    }
  }
  if (typeof config.auths !== 'object' || config.auths === null) return out
  const bad: string[] = []
  for (const [key, entry] of Object.entries(config.auths).slice(0, MAX_REGISTRIES)) {
    if (typeof entry !== 'object' || entry === null) continue
    const e = entry as Record<string, unknown>
    const host = registryHost(key)
    const serveraddress = host === DOCKER_HUB ? DOCKER_HUB_KEY : host
    const token = str(e.identitytoken)
    const auth = str(e.auth)
    const decoded = auth ? decodeAuth(auth) : undefined
    if (auth && !decoded) bad.push(key)
    const username = decoded?.username ?? str(e.username)
    const password = decoded?.password ?? str(e.password)
    // `{}` is what docker login leaves in the file when a credential helper holds the secret.
    if (!token && !(username && password)) continue
    out.auths.set(host, {
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(token ? { identitytoken: token } : {}),
      serveraddress
    })
  }
  if (bad.length) out.problem = `${file}: auths.${bad[0]}.auth is not base64 of user:password`
  return out
}

export function credentialFor(config: DockerConfigAuth, registry: string): RegistryCredential | undefined {
  return config.auths.get(registryHost(registry))
}

/** The helper that would hold this registry's credentials, when the config names one. */
export function helperFor(config: DockerConfigAuth, registry: string): string | undefined {
  return config.credHelpers.get(registryHost(registry)) ?? config.credsStore
}

/**
 * X-Registry-Config for a build: every registry's credential keyed as the daemon looks it up (the docker CLI
 * sends them all too, since which registries a build pulls from is known only while it runs).
 */
export function buildRegistryConfig(config: DockerConfigAuth): Record<string, RegistryCredential> {
  const out: Record<string, RegistryCredential> = {}
  for (const credential of config.auths.values()) out[credential.serveraddress] = credential
  return out
}

/** Every secret in the config, for scrubbing messages. */
export function secretsOf(config: DockerConfigAuth): string[] {
  const out: string[] = []
  for (const c of config.auths.values()) {
    for (const s of [c.password, c.identitytoken]) if (s) out.push(s)
    if (c.username && c.password) out.push(Buffer.from(`${c.username}:${c.password}`).toString('base64'))
  }
  return out
}

/** `text` with every secret replaced by `***` (a daemon message should hold none; this makes sure). */
export function redact(text: string, secrets: string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 3) out = out.split(secret).join('***')
  return out
}

/**
 * What to do when no credentials were found for `registry`, then where it looked. The action comes first:
 * a long message is cut to a heading in reports. `helperProblem`: why the config's helper gave nothing.
 */
export function credentialAdvice(config: DockerConfigAuth, registry: string, helperProblem?: string): string {
  const login = registry === DOCKER_HUB ? 'docker login' : `docker login ${registry}`
  const helper = helperFor(config, registry)
  const why = config.problem ? `; ${config.problem}` : ''
  const where = helper
    ? `${config.file} leaves them to docker-credential-${helper}${helperProblem ? `, and ${helperProblem}` : ''}${why}`
    : `${config.file} has none${why}`
  return `run \`${login}\` or set DOCKER_CONFIG to the folder of a config.json that has them (${where})`
}

/** The daemon's (or BuildKit's) words when a registry wants credentials, or other ones. */
export function isAuthRefusal(message: string): boolean {
  return /no basic auth credentials|unauthorized|authentication required|denied|\b401\b|\b403\b/i.test(
    message
  )
}
