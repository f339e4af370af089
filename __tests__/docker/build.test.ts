// Builds through our buildImage on the real daemon: both builders, a failing build, .dockerignore as the
// docker CLI applies it, and a Dockerfile outside its context.
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildImage } from '../../src/docker/build'
import { createBuildContext, listContext } from '../../src/docker/context'
import { ResourceTracker } from '../../src/docker/resources'
import { OperationalError } from '../../src/errors'
import { silentLogger, type Logger } from '../../src/logger'
import { BUSYBOX, dockerOrSkip, fixtureContext, labels, testRunId, type DockerSession } from './helpers'
import { extract } from 'tar-stream'

const session: DockerSession | undefined = await dockerOrSkip('docker build tests')
const describeDocker = session ? describe : describe.skip

/** Runs a command in a built image through the docker CLI (an independent witness of what the image holds). */
function dockerRun(image: string, ...cmd: string[]): string {
  return execFileSync('docker', ['run', '--rm', '--network', 'none', image, ...cmd], { encoding: 'utf8' })
}

function collectLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return { ...silentLogger, lines, info: m => void lines.push(m), warning: m => void lines.push(`W ${m}`) }
}

type Entries = Map<string, { type: string; mode: number; linkname?: string }>

async function tarNames(
  dir: string,
  dockerfilePath: string
): Promise<{ entries: Entries; dockerfile: string }> {
  const { tar, dockerfile } = await createBuildContext(dir, dockerfilePath)
  const entries = new Map<string, { type: string; mode: number; linkname?: string }>()
  const ex = extract()
  await new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => {
      entries.set(h.name, { type: h.type ?? 'file', mode: h.mode ?? 0, linkname: h.linkname ?? undefined })
      stream.on('end', next)
      stream.resume()
    })
    ex.on('finish', resolve)
    ex.on('error', reject)
    tar.pipe(ex as unknown as NodeJS.WritableStream)
  })
  return { entries, dockerfile }
}

describe('build context', () => {
  it('keeps symlinks as links and setuid modes, and adds an outside Dockerfile under a unique name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lp-ctx-unit-'))
    try {
      copyFileSync(BUSYBOX, join(dir, 'tool'))
      execFileSync('chmod', ['4755', join(dir, 'tool')])
      execFileSync('ln', ['-s', 'tool', join(dir, 'link')])
      const outside = join(tmpdir(), `lp-outside-${process.pid}.Dockerfile`)
      copyFileSync(join(fixtureDir('outside'), 'Dockerfile.outside'), outside)
      const { entries, dockerfile } = await tarNames(dir, outside)
      expect(entries.get('tool')?.mode).toBe(0o4755)
      expect(entries.get('link')).toMatchObject({ type: 'symlink', linkname: 'tool' })
      expect(dockerfile).toMatch(/^\.least-privilege-dockerfile-[0-9a-f]+$/)
      expect([...entries.keys()]).toContain(dockerfile)
      rmSync(outside)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('applies .dockerignore with exceptions, ** and directory patterns, but always sends Dockerfile and .dockerignore', async () => {
    const ctx = fixtureContext('ignore')
    try {
      const files = await listContext(ctx.dir, ['Dockerfile'])
      expect(files).toEqual(
        expect.arrayContaining([
          'Dockerfile',
          '.dockerignore',
          'keep.log',
          'build/keep',
          'docs/README.md',
          'sub/a.log',
          'link',
          'src/main.c'
        ])
      )
      for (const gone of ['a.log', 'build/x', 'build', 'docs/a.md', 'sub/deep/secret.txt'])
        expect(files).not.toContain(gone)
    } finally {
      ctx.cleanup()
    }
  })
})

function fixtureDir(name: string): string {
  return join(new URL('../../__fixtures__/contexts', import.meta.url).pathname, name)
}

describeDocker('buildImage on the real daemon', () => {
  const docker = session!.docker
  const runId = testRunId()
  const tracker = new ResourceTracker()
  const cleanups: Array<() => void> = []
  let n = 0
  const tag = (): string => `least-privilege-test:${runId}-${n++}`

  afterAll(async () => {
    await tracker.cleanup(docker)
    cleanups.forEach(c => c())
  })

  for (const buildkit of [false, true]) {
    it(`builds a plain Dockerfile with the ${buildkit ? 'BuildKit' : 'classic'} builder, labelled and tagged`, async () => {
      const ctx = fixtureContext('nonroot')
      cleanups.push(ctx.cleanup)
      const logger = collectLogger()
      const t = tag()
      const built = await buildImage(docker, {
        dockerfile: join(ctx.dir, 'Dockerfile'),
        context: ctx.dir,
        buildArgs: {},
        tag: t,
        labels: labels(runId),
        logger,
        buildkit,
        tracker
      })
      const image = await docker.getImage(built.tag).inspect()
      expect(image.Id).toBe(built.imageId)
      expect(image.Config.Labels?.['io.least-privilege.run']).toBe(runId)
      expect(image.Config.User).toBe('1001')
      expect(tracker.snapshot().images).toContain(t)
      expect(logger.lines.length).toBeGreaterThan(0)
    })

    it(`reports a failing ${buildkit ? 'BuildKit' : 'classic'} build with the step and the daemon's message`, async () => {
      const ctx = fixtureContext('failing')
      cleanups.push(ctx.cleanup)
      const failure = buildImage(docker, {
        dockerfile: join(ctx.dir, 'Dockerfile'),
        context: ctx.dir,
        buildArgs: {},
        tag: tag(),
        labels: labels(runId),
        logger: silentLogger,
        buildkit,
        tracker
      })
      await expect(failure).rejects.toBeInstanceOf(OperationalError)
      const error = (await failure.catch((e: unknown) => e)) as OperationalError
      expect(error.kind).toBe('build-failed')
      expect(error.message).not.toContain('\n')
      // The failing step, as each builder names it, then the daemon's message.
      expect(error.message).toMatch(
        /(Step 3\/\d+ : |\[2\/2\] )RUN \["\/bin\/busybox", "sh", "-c", "echo about to fail; exit 3"\]: /
      )
      expect(error.message).toMatch(/(returned a non-zero code: 3|exit code: 3)/)
    })
  }

  it('falls back to the classic builder when BuildKit cannot fetch a # syntax= frontend', async () => {
    const ctx = fixtureContext('syntax-directive')
    cleanups.push(ctx.cleanup)
    const logger = collectLogger()
    const started = Date.now()
    const built = await buildImage(docker, {
      dockerfile: join(ctx.dir, 'Dockerfile'),
      context: ctx.dir,
      buildArgs: {},
      tag: tag(),
      labels: labels(runId),
      logger,
      tracker
    })
    expect(dockerRun(built.tag).trim()).toBe('built')
    expect(logger.lines.some(l => l.startsWith('W BuildKit could not build this'))).toBe(true)
    expect(Date.now() - started).toBeLessThan(60_000)
  })

  it('builds with a Dockerfile outside the context, build args and a target stage', async () => {
    const ctx = fixtureContext('outside')
    cleanups.push(ctx.cleanup)
    const context = join(ctx.dir, 'context')
    copyFileSync(join(ctx.dir, 'busybox'), join(context, 'busybox'))
    const built = await buildImage(docker, {
      dockerfile: join(ctx.dir, 'Dockerfile.outside'),
      context,
      buildArgs: { GREETING: 'hello' },
      target: 'base',
      tag: tag(),
      labels: labels(runId),
      logger: silentLogger,
      tracker
    })
    expect(dockerRun(built.tag).trim().split('\n')).toEqual(['from outside', 'hello'])
  })

  it('sends what the docker CLI sends for the same .dockerignore', async () => {
    const ctx = fixtureContext('ignore')
    cleanups.push(ctx.cleanup)
    const ours = await buildImage(docker, {
      dockerfile: join(ctx.dir, 'Dockerfile'),
      context: ctx.dir,
      buildArgs: {},
      tag: tag(),
      labels: labels(runId),
      logger: silentLogger,
      buildkit: false,
      tracker
    })
    const cliTag = tag()
    tracker.addImage(cliTag)
    execFileSync(
      'docker',
      ['build', '-q', '--label', `io.least-privilege.run=${runId}`, '-t', cliTag, ctx.dir],
      {
        env: { ...process.env, DOCKER_BUILDKIT: '0' },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    const listing = (image: string): string[] => dockerRun(image, 'find', '/ctx').trim().split('\n').sort()
    const ourFiles = listing(ours.tag)
    expect(ourFiles).toEqual(listing(cliTag))
    expect(ourFiles).toContain('/ctx/keep.log')
    expect(ourFiles).not.toContain('/ctx/a.log')
    // The link arrived as a link.
    expect(dockerRun(ours.tag, 'readlink', '/ctx/link').trim()).toBe('src/main.c')
  })
})
