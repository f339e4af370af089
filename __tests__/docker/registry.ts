// A real registry (Debian's docker-registry) on 127.0.0.1 with htpasswd auth, started through
// scripts/start-registry.sh, plus the docker CLI steps that put test images into it with a temporary
// DOCKER_CONFIG (never the user's). Every wait is bounded; stop() removes the process and its folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('../../scripts/start-registry.sh', import.meta.url))
const START_LIMIT_MS = 30_000
const CLI_LIMIT_MS = 120_000

export interface TestRegistry {
  /** `127.0.0.1:PORT`: the registry part of image references. */
  host: string
  user: string
  password: string
  stop(): Promise<void>
}

/** Installs the registry packages when missing (CI runs `scripts/start-registry.sh install` first). */
export function installRegistry(): void {
  execFileSync('bash', [SCRIPT, 'install'], { stdio: 'pipe', timeout: 300_000 })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** The status of GET /v2/ (401 once the registry is up with auth), or undefined when nothing answers. */
function v2Status(port: number): Promise<number | undefined> {
  return new Promise(resolve => {
    const req = request({ host: '127.0.0.1', port, path: '/v2/', timeout: 1_000 }, res => {
      res.resume()
      resolve(res.statusCode)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(undefined))
    req.end()
  })
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise(resolve => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

export async function startRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'lp-registry-'))
  const port = await freePort()
  const user = 'lp-tester'
  const password = `pw-${process.pid}-${Date.now().toString(36)}`
  const child = spawn('bash', [SCRIPT, 'serve', dir, String(port), user], {
    stdio: ['pipe', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2_000)))
  child.stdin?.end(`${password}\n`)
  const stop = async (): Promise<void> => {
    if (!(await exited(child, 0))) {
      child.kill('SIGTERM')
      if (!(await exited(child, 5_000))) child.kill('SIGKILL')
      await exited(child, 5_000)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + START_LIMIT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    if ((await v2Status(port)) === 401) return { host: `127.0.0.1:${port}`, user, password, stop }
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  await stop()
  throw new Error(`the test registry did not answer on 127.0.0.1:${port} within 30 s: ${stderr.trim()}`)
}

/** Runs the docker CLI with a bounded wait; `input` goes to stdin (passwords never on the command line). */
export function dockerCli(args: string[], input?: string): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    timeout: CLI_LIMIT_MS,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(input !== undefined ? { input } : {})
  })
}

/** A fresh DOCKER_CONFIG folder logged in to the registry (docker login writes auths.<host>.auth). */
export function loggedInConfig(registry: TestRegistry): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lp-docker-config-'))
  dockerCli(
    ['--config', dir, 'login', registry.host, '-u', registry.user, '--password-stdin'],
    registry.password
  )
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Tags a local image as `ref`, pushes it with the logged-in config, and removes the local tag. */
export function pushAs(localImage: string, ref: string, configDir: string): void {
  dockerCli(['tag', localImage, ref])
  try {
    dockerCli(['--config', configDir, 'push', ref])
  } finally {
    dockerCli(['rmi', ref])
  }
}

/** Removes a local tag if it exists (what a pull or build left). */
export function removeTag(ref: string): void {
  try {
    dockerCli(['rmi', '--force', ref])
  } catch {
    // not present: nothing to remove
  }
}
