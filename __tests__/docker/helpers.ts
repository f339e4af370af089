// Shared setup for the Docker-backed suites: find the daemon (skip loudly outside CI, fail under CI=true),
// make build contexts from committed fixtures plus the host's static busybox, and label everything.
import { chmodSync, copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type Docker from 'dockerode'
import { connectDocker } from '../../src/docker/client'
import { newRunId } from '../../src/docker/resources'
import type { DaemonFacts } from '../../src/docker/types'
import { silentLogger } from '../../src/logger'
import { RESOURCE_LABEL } from '../../src/meta'

export const FIXTURES = fileURLToPath(new URL('../../__fixtures__/contexts', import.meta.url))
export const BUSYBOX = '/bin/busybox'

export interface DockerSession {
  docker: Docker
  daemon: DaemonFacts
}

/** The daemon, or undefined (with a loud warning) outside CI. Under CI=true a missing daemon throws. */
export async function dockerOrSkip(suite: string): Promise<DockerSession | undefined> {
  try {
    return await connectDocker(silentLogger, { timeoutMs: 3000 })
  } catch (error) {
    if (process.env.CI === 'true') throw error
    console.warn(
      `SKIPPING ${suite}: no Docker daemon answered (${(error as Error).message}). CI=true makes this a failure.`
    )
    return undefined
  }
}

/** Every test run labels its resources with an id starting with this, so the leak check sees only ours. */
export const TEST_RUN_PREFIX = 'lptest'

export function testRunId(): string {
  return newRunId(TEST_RUN_PREFIX)
}

export function labels(runId: string): Record<string, string> {
  return { [RESOURCE_LABEL]: runId }
}

/**
 * A temp copy of fixture `name` with busybox copied in as `busybox` (the fixtures' Dockerfiles COPY it);
 * busybox is not committed. Returns the folder and a remover.
 */
export function fixtureContext(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `lp-ctx-${name}-`))
  cpSync(join(FIXTURES, name), dir, { recursive: true, verbatimSymlinks: true })
  copyFileSync(BUSYBOX, join(dir, 'busybox'))
  chmodSync(join(dir, 'busybox'), 0o755)
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Containers and images labelled by any test run (ours are `lptest-...`). */
export async function leftovers(docker: Docker): Promise<string[]> {
  const filters = JSON.stringify({ label: [RESOURCE_LABEL] })
  const ours = (l: Record<string, string> | undefined): boolean =>
    (l?.[RESOURCE_LABEL] ?? '').startsWith(TEST_RUN_PREFIX)
  const containers = (await docker.listContainers({ all: true, filters })).filter(c => ours(c.Labels))
  const images = (await docker.listImages({ filters })).filter(i => ours(i.Labels))
  return [
    ...containers.map(c => `container ${c.Id.slice(0, 12)} ${c.Image}`),
    ...images.map(i => `image ${i.Id}`)
  ]
}

/** Everything still on the daemon with this run's label (asked of the real socket, not a proxy in front). */
export async function leftBehind(docker: Docker, runId: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })
  const [containers, images, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listImages({ filters }),
    docker.listVolumes({ filters })
  ])
  return [
    ...containers.map(c => `container ${c.Id}`),
    ...images.map(i => `image ${i.Id}`),
    ...(volumes.Volumes ?? []).map(v => `volume ${v.Name}`)
  ]
}

/** Removes what a test deliberately could not clean (a stalled DELETE), straight on the real socket. */
export async function removeDirectly(docker: Docker, runId: string): Promise<void> {
  const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })
  for (const c of await docker.listContainers({ all: true, filters }))
    await docker.getContainer(c.Id).remove({ force: true, v: true })
  for (const i of await docker.listImages({ filters })) await docker.getImage(i.Id).remove({ force: true })
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? [])
    await docker.getVolume(v.Name).remove()
}
