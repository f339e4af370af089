// Builds the test images once per suite through our own buildImage, from the committed fixtures plus the
// host's busybox. Everything is tagged per run and labelled, and tracked for removal.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { pack } from 'tar-stream'
import { buildImage } from '../../src/docker/build'
import type { ResourceTracker } from '../../src/docker/resources'
import { silentLogger } from '../../src/logger'
import { BUSYBOX, fixtureContext, labels } from './helpers'

/** A tar whose only interesting entry is a setuid-root binary: the bit exists only inside the archive. */
export async function setuidPayload(path: string): Promise<void> {
  const tar = pack()
  const body = readFileSync(BUSYBOX)
  tar.entry({ name: 'tools/', type: 'directory', mode: 0o755, uid: 0, gid: 0 })
  tar.entry({ name: 'tools/helper', mode: 0o4755, uid: 0, gid: 0, size: body.length }, body)
  tar.finalize()
  const chunks: Buffer[] = []
  for await (const chunk of tar as unknown as AsyncIterable<Buffer>) chunks.push(chunk)
  writeFileSync(path, Buffer.concat(chunks))
}

export class TestImages {
  private readonly built = new Map<string, string>()
  private readonly cleanups: Array<() => void> = []

  constructor(
    private readonly docker: Docker,
    private readonly runId: string,
    private readonly tracker: ResourceTracker
  ) {}

  /** Builds fixture `name` (once) and returns its tag. */
  async get(name: string, buildArgs: Record<string, string> = {}): Promise<string> {
    const cached = this.built.get(name)
    if (cached) return cached
    const ctx = fixtureContext(name)
    this.cleanups.push(ctx.cleanup)
    if (name === 'setuid-archive') await setuidPayload(join(ctx.dir, 'payload.tar'))
    if (name === 'child-of-base') buildArgs = { BASE: await this.get('base-user'), ...buildArgs }
    const { tag } = await buildImage(this.docker, {
      dockerfile: join(ctx.dir, 'Dockerfile'),
      context: ctx.dir,
      buildArgs,
      tag: `least-privilege-test:${this.runId}-${name}`,
      labels: labels(this.runId),
      logger: silentLogger,
      tracker: this.tracker
    })
    this.built.set(name, tag)
    return tag
  }

  removeContexts(): void {
    this.cleanups.forEach(c => c())
  }
}
