// Registries for real: a docker-registry on 127.0.0.1 behind htpasswd auth, test images pushed into it with
// the docker CLI and a temporary DOCKER_CONFIG. --image pulls what is not local with the config's
// credentials (and is refused, in one line, without them); a build uses a private base image.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadDeployments } from '../../src/deployment/load'
import { buildImage } from '../../src/docker/build'
import { pullImage } from '../../src/docker/pull'
import { buildRegistryConfig, readDockerConfig } from '../../src/docker/registry-auth'
import { ResourceTracker } from '../../src/docker/resources'
import { DEFAULT_TIMEOUTS } from '../../src/docker/timeouts'
import type { Logger } from '../../src/logger'
import { runScan } from '../../src/scan/scan'
import type { Notification, ScanReport } from '../../src/scan/types'
import { DEFAULT_SETTINGS, type Settings } from '../../src/settings'
import {
  dockerOrSkip,
  fixtureContext,
  labels,
  removeDirectly,
  testRunId,
  type DockerSession
} from './helpers'
import { TestImages } from './images'
import {
  installRegistry,
  loggedInConfig,
  pushAs,
  removeTag,
  startRegistry,
  type TestRegistry
} from './registry'

const session: DockerSession | undefined = await dockerOrSkip('registry tests')
const describeDocker = session ? describe : describe.skip

interface Captured extends Logger {
  lines: string[]
}

function capturingLogger(): Captured {
  const lines: string[] = []
  const add = (m: string): void => void lines.push(m)
  return { lines, debug: add, info: add, warning: add, error: add, group: (_n, fn) => fn() }
}

function errors(report: ScanReport): Notification[] {
  return [...report.notifications, ...report.results.flatMap(r => r.notifications)].filter(
    n => n.level === 'error'
  )
}

function hasImage(ref: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', ref], { stdio: 'ignore', timeout: 30_000 })
    return true
  } catch {
    return false
  }
}

/** A DOCKER_CONFIG folder whose config.json is `config` (or none at all). */
function configDir(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'lp-docker-config-'))
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
  return dir
}

describeDocker('registries (a real registry on 127.0.0.1 with htpasswd auth)', () => {
  const docker = session?.docker as NonNullable<DockerSession>['docker']
  const runId = testRunId()
  const tracker = new ResourceTracker()
  const scanRunIds: string[] = []
  const dirs: string[] = []
  const refs: string[] = []
  let registry: TestRegistry
  let login: { dir: string; remove: () => void }
  let images: TestImages
  let appRef: string
  let baseRef: string
  let dockerfileCtx: { dir: string; cleanup: () => void }

  beforeAll(async () => {
    installRegistry()
    registry = await startRegistry()
    login = loggedInConfig(registry)
    images = new TestImages(docker, runId, tracker)
    appRef = `${registry.host}/private/app:${runId}`
    baseRef = `${registry.host}/private/base:${runId}`
    refs.push(appRef, baseRef)
    pushAs(await images.get('nonroot'), appRef, login.dir)
    pushAs(await images.get('base-user'), baseRef, login.dir)
    dockerfileCtx = fixtureContext('nonroot')
  }, 600_000)

  afterAll(async () => {
    refs.forEach(removeTag)
    for (const id of scanRunIds) await removeDirectly(docker, id).catch(() => undefined)
    await tracker.cleanup(docker, { limitMs: 30_000, removeMs: 10_000 }).catch(() => undefined)
    await removeDirectly(docker, runId).catch(() => undefined)
    images?.removeContexts()
    dockerfileCtx?.cleanup()
    login?.remove()
    dirs.forEach(d => rmSync(d, { recursive: true, force: true }))
    await registry?.stop()
  }, 120_000)

  async function scanImage(env: Record<string, string>, extra: Partial<Settings> = {}) {
    const id = testRunId()
    scanRunIds.push(id)
    const logger = capturingLogger()
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      paths: [join(dockerfileCtx.dir, 'Dockerfile')],
      cwd: dockerfileCtx.dir,
      repoRoot: dockerfileCtx.dir,
      image: appRef,
      probeTimeoutMs: 30_000,
      workloadWindowMs: 500,
      ...extra
    }
    const report = await runScan(settings, { logger, runId: id, dockerEnv: env })
    return { report, logger }
  }

  it('pulls an --image that is not local with the Docker config credentials and probes it', async () => {
    removeTag(appRef)
    expect(hasImage(appRef)).toBe(false)
    const { report, logger } = await scanImage({ DOCKER_CONFIG: login.dir })
    expect(errors(report)).toEqual([])
    const [result] = report.results
    expect(result.measurement?.image.ref).toBe(appRef)
    expect(result.measurement?.probe?.identity.uid.effective).toBe(1001)
    expect(hasImage(appRef)).toBe(true)
    expect(logger.lines.join('\n')).toContain(
      `pulling ${appRef} from ${registry.host} with the credentials from ${join(login.dir, 'config.json')}`
    )
    expect(logger.lines.join('\n')).not.toContain(registry.password)
    removeTag(appRef)
  }, 180_000)

  it('refuses to pull without credentials, in one line naming the registry and what to do', async () => {
    removeTag(appRef)
    const empty = configDir()
    dirs.push(empty)
    const { report } = await scanImage({ DOCKER_CONFIG: empty })
    expect(errors(report)).toHaveLength(1)
    const [error] = errors(report)
    // The heading says what to do; the detail (when the heading is cut) adds where it looked and why.
    expect(error.message).toContain(
      `cannot pull ${appRef}: ${registry.host} asks for credentials; run \`docker login ${registry.host}\` or set DOCKER_CONFIG`
    )
    const full = error.detail ?? error.message
    expect(full).toContain(`(${join(empty, 'config.json')} has none); daemon: no basic auth credentials`)
    expect(full).not.toContain('\n')
    expect(report.results[0].notMeasuredReason).toBe(`image ${appRef} could not be pulled`)
    expect(report.results[0].measurement).toBeUndefined()
    expect(hasImage(appRef)).toBe(false)
  }, 120_000)

  it('says the credentials were refused, naming the account but never the password', async () => {
    removeTag(appRef)
    const wrong = `wrong-${registry.password}`
    const auth = Buffer.from(`${registry.user}:${wrong}`).toString('base64')
    const dir = configDir({ auths: { [registry.host]: { auth } } })
    dirs.push(dir)
    const { report, logger } = await scanImage({ DOCKER_CONFIG: dir })
    const [error] = errors(report)
    const full = error.detail ?? error.message
    expect(error.message).toContain(`${registry.host} refused the credentials of ${registry.user}`)
    expect(full).toContain(`run \`docker login ${registry.host}\` again`)
    const everything = JSON.stringify(report) + logger.lines.join('\n')
    expect(everything).not.toContain(wrong)
    expect(everything).not.toContain(auth)
  }, 120_000)

  it('asks the credential helper the config names, and pulls with what it gives', async () => {
    removeTag(appRef)
    const bin = configDir()
    dirs.push(bin)
    const answer = JSON.stringify({
      ServerURL: registry.host,
      Username: registry.user,
      Secret: registry.password
    })
    writeFileSync(
      join(bin, 'docker-credential-lptest'),
      `#!/bin/sh\nread -r server\n[ "$1" = get ] && [ "$server" = '${registry.host}' ] && printf '%s' '${answer}' && exit 0\nexit 1\n`
    )
    chmodSync(join(bin, 'docker-credential-lptest'), 0o755)
    const dir = configDir({ credsStore: 'lptest', auths: { [registry.host]: {} } })
    dirs.push(dir)
    const { report, logger } = await scanImage({
      DOCKER_CONFIG: dir,
      PATH: `${bin}:${process.env.PATH ?? ''}`
    })
    expect(errors(report)).toEqual([])
    expect(report.results[0].measurement?.probe?.identity.uid.effective).toBe(1001)
    expect(logger.lines.join('\n')).toContain('with the credentials from docker-credential-lptest')
    expect(logger.lines.join('\n')).not.toContain(registry.password)
    removeTag(appRef)
  }, 180_000)

  it('says which credential helper gave nothing, and how to pass credentials instead', async () => {
    removeTag(appRef)
    const dir = configDir({ credsStore: 'lp-test-helper', auths: { [registry.host]: {} } })
    dirs.push(dir)
    const { report } = await scanImage({ DOCKER_CONFIG: dir, PATH: '/usr/bin:/bin' })
    const [error] = errors(report)
    const full = error.detail ?? error.message
    expect(error.message).toContain(
      `${registry.host} asks for credentials; run \`docker login ${registry.host}\` or set DOCKER_CONFIG`
    )
    expect(full).toContain(
      'leaves them to docker-credential-lp-test-helper, and docker-credential-lp-test-helper is not installed (not on PATH)'
    )
  }, 120_000)

  it('never pulls the image of a deployment that only names it (without --image)', async () => {
    removeTag(appRef)
    const id = testRunId()
    scanRunIds.push(id)
    const manifest = join(dockerfileCtx.dir, 'compose.yaml')
    writeFileSync(manifest, `services:\n  app:\n    image: ${appRef}\n`)
    try {
      const root = dockerfileCtx.dir
      const loaded = loadDeployments([manifest], [], { cwd: root, repoRoot: root, env: {} })
      const settings: Settings = {
        ...DEFAULT_SETTINGS,
        paths: [join(root, 'Dockerfile')],
        cwd: root,
        repoRoot: root,
        deployments: loaded.deployments,
        probeTimeoutMs: 30_000,
        workloadWindowMs: 500
      }
      const report = await runScan(settings, {
        logger: capturingLogger(),
        runId: id,
        dockerEnv: { DOCKER_CONFIG: login.dir }
      })
      const imageOnly = report.results.find(r => r.file === 'compose.yaml')
      expect(imageOnly?.notMeasuredReason).toBe(
        `image ${appRef} is not present locally; judged from the deployment alone`
      )
      expect(hasImage(appRef)).toBe(false)
    } finally {
      rmSync(manifest, { force: true })
    }
  }, 300_000)

  it('builds FROM a private base image with the Docker config credentials (BuildKit falls back to classic)', async () => {
    removeTag(baseRef)
    const ctx = fixtureContext('nonroot')
    const id = testRunId()
    scanRunIds.push(id)
    try {
      writeFileSync(join(ctx.dir, 'Dockerfile'), `FROM ${baseRef}\nUSER 1002\nCMD ["/bin/sleep", "30"]\n`)
      const logger = capturingLogger()
      const settings: Settings = {
        ...DEFAULT_SETTINGS,
        paths: [join(ctx.dir, 'Dockerfile')],
        cwd: ctx.dir,
        repoRoot: ctx.dir,
        probe: 'false'
      }
      const report = await runScan(settings, { logger, runId: id, dockerEnv: { DOCKER_CONFIG: login.dir } })
      expect(errors(report)).toEqual([])
      expect(report.results[0].measurement?.image.user).toBe('1002')
      expect(logger.lines.join('\n')).toContain('retrying with the classic builder')
      expect(logger.lines.join('\n')).not.toContain(registry.password)
    } finally {
      ctx.cleanup()
      removeTag(baseRef)
    }
  }, 300_000)

  it('fails a build FROM a private base image without credentials, naming the refusal', async () => {
    removeTag(baseRef)
    const ctx = fixtureContext('nonroot')
    try {
      writeFileSync(join(ctx.dir, 'Dockerfile'), `FROM ${baseRef}\nUSER 1002\n`)
      const empty = configDir()
      dirs.push(empty)
      const build = buildImage(docker, {
        dockerfile: join(ctx.dir, 'Dockerfile'),
        context: ctx.dir,
        buildArgs: {},
        tag: `least-privilege-test:${runId}-private-nocreds`,
        labels: labels(runId),
        logger: capturingLogger(),
        tracker,
        buildkit: false,
        registryAuth: buildRegistryConfig(readDockerConfig({ DOCKER_CONFIG: empty }))
      })
      await expect(build).rejects.toThrow(
        /no basic auth credentials; a registry asked for credentials: run `docker login <registry>` or set DOCKER_CONFIG/
      )
    } finally {
      ctx.cleanup()
    }
  }, 120_000)

  it('bounds a pull from a registry that accepts connections and never answers', async () => {
    const sockets: Socket[] = []
    const server: Server = createServer(socket => void sockets.push(socket))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    const started = Date.now()
    try {
      await expect(
        pullImage(docker, `127.0.0.1:${port}/silent/image:1`, {
          logger: capturingLogger(),
          timeoutMs: 2_000,
          timeouts: DEFAULT_TIMEOUTS,
          env: {}
        })
      ).rejects.toThrow(`pull of 127.0.0.1:${port}/silent/image:1 from 127.0.0.1:${port} timed out after 2 s`)
      expect(Date.now() - started).toBeLessThan(30_000)
    } finally {
      sockets.forEach(s => s.destroy())
      await new Promise(resolve => server.close(resolve))
    }
  }, 60_000)
})
