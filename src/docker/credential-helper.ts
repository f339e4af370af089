// Docker credential helpers (`credsStore`, `credHelpers`): `docker-credential-<name> get` with the registry
// on stdin and `{"Username","Secret"}` on stdout, as the docker CLI runs them. Run without a shell, with a
// time limit and an output cap; a helper that is missing or fails is a reason in the message, never a hang.
import { spawn } from 'node:child_process'
import {
  DOCKER_HUB,
  DOCKER_HUB_KEY,
  credentialFor,
  helperFor,
  registryHost,
  type DockerConfigAuth,
  type RegistryCredential
} from './registry-auth'

type Env = Record<string, string | undefined>

export const HELPER_TIMEOUT_MS = 10_000
/** A helper prints one small JSON object; more than this is not a credential. */
const MAX_HELPER_OUTPUT = 65_536
/** Helper names are file-name suffixes: nothing that could name another path or option. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

export interface CredentialLookup {
  credential?: RegistryCredential
  /** The helper asked (or that would have been), e.g. `desktop`. */
  helper?: string
  /** Why the helper gave nothing usable, one line without its output. */
  helperProblem?: string
}

interface HelperAnswer {
  code: number | null
  stdout: string
  error?: string
}

function runHelper(helper: string, server: string, env: Env, timeoutMs: number): Promise<HelperAnswer> {
  return new Promise(resolve => {
    let stdout = ''
    let settled = false
    const done = (answer: HelperAnswer): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(answer)
    }
    const child = spawn(`docker-credential-${helper}`, ['get'], {
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'ignore']
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      done({ code: null, stdout: '', error: `did not answer within ${timeoutMs / 1000} s` })
    }, timeoutMs)
    child.on('error', (error: NodeJS.ErrnoException) =>
      done({
        code: null,
        stdout: '',
        error: error.code === 'ENOENT' ? 'is not installed (not on PATH)' : (error.code ?? 'failed')
      })
    )
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
      if (stdout.length > MAX_HELPER_OUTPUT) {
        child.kill('SIGKILL')
        done({ code: null, stdout: '', error: 'printed more than 64 KB' })
      }
    })
    child.on('close', code => done({ code, stdout }))
    child.stdin?.on('error', () => undefined) // a helper that exits before reading
    child.stdin?.end(server)
  })
}

/** The registry as helpers store it: Docker Hub under its historical URL, others by host. */
function serverUrl(registry: string): string {
  const host = registryHost(registry)
  return host === DOCKER_HUB ? DOCKER_HUB_KEY : host
}

/** Asks `docker-credential-<helper>` for `registry`'s credential. */
export async function helperCredential(
  helper: string,
  registry: string,
  env: Env,
  timeoutMs = HELPER_TIMEOUT_MS
): Promise<{ credential?: RegistryCredential; problem?: string }> {
  const name = `docker-credential-${helper}`
  if (!HELPER_NAME.test(helper))
    return { problem: `the credential helper name ${JSON.stringify(helper.slice(0, 64))} is not valid` }
  const server = serverUrl(registry)
  const answer = await runHelper(helper, server, env, timeoutMs)
  if (answer.error) return { problem: `${name} ${answer.error}` }
  // `credentials not found in native keychain` exits 1: the helper has nothing for this registry.
  if (answer.code !== 0) return { problem: `${name} has no credentials for ${registryHost(registry)}` }
  let json: unknown
  try {
    json = JSON.parse(answer.stdout)
  } catch {
    return { problem: `${name} did not print JSON` } // its output may hold the secret: never repeated
  }
  const { Username: username, Secret: secret } = (json ?? {}) as { Username?: unknown; Secret?: unknown }
  if (typeof secret !== 'string' || secret === '') return { problem: `${name} returned no secret` }
  // The docker CLI's convention: the user `<token>` means the secret is an identity token.
  if (username === '<token>') return { credential: { identitytoken: secret, serveraddress: server } }
  if (typeof username !== 'string' || username === '') return { problem: `${name} returned no user name` }
  return { credential: { username, password: secret, serveraddress: server } }
}

/**
 * The credential for `registry`, as the docker CLI looks it up: its `credHelpers` entry, else `credsStore`,
 * else the file's `auths`. A helper that gives nothing falls back to the file, and says why.
 */
export async function lookupCredential(
  config: DockerConfigAuth,
  registry: string,
  env: Env,
  timeoutMs = HELPER_TIMEOUT_MS
): Promise<CredentialLookup> {
  const helper = helperFor(config, registry)
  const fromFile = credentialFor(config, registry)
  if (!helper) return fromFile ? { credential: fromFile } : {}
  const asked = await helperCredential(helper, registry, env, timeoutMs)
  if (asked.credential) return { credential: asked.credential, helper }
  return {
    ...(fromFile ? { credential: fromFile } : {}),
    helper,
    ...(asked.problem ? { helperProblem: asked.problem } : {})
  }
}
