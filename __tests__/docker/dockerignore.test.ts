// BuildKit's Dockerfile-specific ignore file: `<Dockerfile>.dockerignore` beside the Dockerfile replaces
// `<context>/.dockerignore`. Checked in the tar we send, in the entrypoint scripts the scan reads from the
// context, and in real images built by both builders on the daemon.
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildImage } from '../../src/docker/build'
import { dockerignoreFile, listContext } from '../../src/docker/context'
import { ResourceTracker } from '../../src/docker/resources'
import { buildModel } from '../../src/dockerfile/model'
import { silentLogger } from '../../src/logger'
import { readContextFiles } from '../../src/scan/context-files'
import { BUSYBOX, dockerOrSkip, labels, testRunId, type DockerSession } from './helpers'

const session: DockerSession | undefined = await dockerOrSkip('Dockerfile-specific ignore file tests')
const describeDocker = session ? describe : describe.skip

const DOCKERFILE = [
  'FROM scratch',
  'COPY busybox /bin/busybox',
  'COPY . /ctx/',
  'COPY entrypoint.sh /entrypoint.sh',
  'ENTRYPOINT ["/entrypoint.sh"]',
  ''
].join('\n')

/** A context with two Dockerfiles in app/: Dockerfile.prod has its own ignore file, Dockerfile has none. */
function makeContext(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lp-dockerignore-'))
  copyFileSync(BUSYBOX, join(dir, 'busybox'))
  chmodSync(join(dir, 'busybox'), 0o755)
  mkdirSync(join(dir, 'app'))
  writeFileSync(join(dir, 'app', 'Dockerfile'), DOCKERFILE)
  writeFileSync(join(dir, 'app', 'Dockerfile.prod'), DOCKERFILE)
  writeFileSync(join(dir, 'app', 'Dockerfile.prod.dockerignore'), 'only-specific.txt\nentrypoint.sh\n')
  writeFileSync(join(dir, '.dockerignore'), 'only-shared.txt\n')
  writeFileSync(join(dir, 'only-specific.txt'), 'excluded by Dockerfile.prod.dockerignore\n')
  writeFileSync(join(dir, 'only-shared.txt'), 'excluded by .dockerignore\n')
  writeFileSync(join(dir, 'entrypoint.sh'), '#!/bin/busybox sh\nexec su-exec 1000 "$@"\n')
  chmodSync(join(dir, 'entrypoint.sh'), 0o755)
  return dir
}

const dirs: string[] = []
afterAll(() => dirs.forEach(d => rmSync(d, { recursive: true, force: true })))

describe('the ignore file a build uses', () => {
  it('is <Dockerfile>.dockerignore beside the Dockerfile when it exists, else the context .dockerignore', async () => {
    const dir = makeContext()
    dirs.push(dir)
    expect(dockerignoreFile(dir, join(dir, 'app', 'Dockerfile.prod'))).toBe(
      join(dir, 'app', 'Dockerfile.prod.dockerignore')
    )
    expect(dockerignoreFile(dir, join(dir, 'app', 'Dockerfile'))).toBe(join(dir, '.dockerignore'))
    expect(dockerignoreFile(dir)).toBe(join(dir, '.dockerignore'))

    const prod = await listContext(dir, ['app/Dockerfile.prod'], join(dir, 'app', 'Dockerfile.prod'))
    expect(prod).not.toContain('only-specific.txt')
    expect(prod).not.toContain('entrypoint.sh')
    // The other file's patterns do not apply; the ignore file in use and the Dockerfile are always sent.
    expect(prod).toEqual(
      expect.arrayContaining([
        'only-shared.txt',
        '.dockerignore',
        'app/Dockerfile.prod',
        'app/Dockerfile.prod.dockerignore'
      ])
    )
    const plain = await listContext(dir, ['app/Dockerfile'], join(dir, 'app', 'Dockerfile'))
    expect(plain).not.toContain('only-shared.txt')
    expect(plain).toEqual(expect.arrayContaining(['only-specific.txt', 'entrypoint.sh', '.dockerignore']))
  })

  it('decides which entrypoint scripts the scan reads from the context', () => {
    const dir = makeContext()
    dirs.push(dir)
    const model = (file: string) => buildModel(DOCKERFILE, join(dir, 'app', file))
    expect(
      readContextFiles(model('Dockerfile'), dir, join(dir, 'app', 'Dockerfile')).map(f => f.path)
    ).toEqual(['entrypoint.sh'])
    // Dockerfile.prod.dockerignore keeps entrypoint.sh out of the context: the image cannot hold it.
    expect(readContextFiles(model('Dockerfile.prod'), dir, join(dir, 'app', 'Dockerfile.prod'))).toEqual([])
  })
})

describeDocker('Dockerfile-specific ignore file on the real daemon', () => {
  const docker = session!.docker
  const runId = testRunId()
  const tracker = new ResourceTracker()
  let n = 0
  afterAll(async () => {
    await tracker.cleanup(docker)
  })

  const ls = (image: string): string[] =>
    execFileSync(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        '/bin/busybox',
        image,
        'find',
        '/ctx',
        '-type',
        'f'
      ],
      { encoding: 'utf8' }
    )
      .trim()
      .split('\n')
      .sort()

  for (const buildkit of [false, true]) {
    it(`builds with the file's own ignore file instead of .dockerignore (${buildkit ? 'BuildKit' : 'classic'})`, async () => {
      const dir = makeContext()
      dirs.push(dir)
      // entrypoint.sh is excluded for Dockerfile.prod, so its COPY would fail: drop that line for the build.
      const prodText = DOCKERFILE.replace('COPY entrypoint.sh /entrypoint.sh\n', '').replace(
        'ENTRYPOINT ["/entrypoint.sh"]',
        'ENTRYPOINT ["/bin/busybox"]'
      )
      writeFileSync(join(dir, 'app', 'Dockerfile.prod'), prodText)
      const build = (file: string) =>
        buildImage(docker, {
          dockerfile: join(dir, 'app', file),
          context: dir,
          buildArgs: {},
          tag: `least-privilege-test:${runId}-${n++}`,
          labels: labels(runId),
          logger: silentLogger,
          buildkit,
          tracker
        })
      const prod = ls((await build('Dockerfile.prod')).tag)
      expect(prod).not.toContain('/ctx/only-specific.txt')
      expect(prod).toContain('/ctx/only-shared.txt') // only .dockerignore excludes it, and that file is not in use
      expect(prod).toContain('/ctx/app/Dockerfile.prod.dockerignore')
      const plain = ls((await build('Dockerfile')).tag)
      expect(plain).not.toContain('/ctx/only-shared.txt')
      expect(plain).toContain('/ctx/only-specific.txt')
    })

    it(`uses the ignore file beside a Dockerfile outside the context (${buildkit ? 'BuildKit' : 'classic'})`, async () => {
      const context = makeContext()
      const outside = mkdtempSync(join(tmpdir(), 'lp-dockerignore-outside-'))
      dirs.push(context, outside)
      const dockerfile = join(outside, 'Dockerfile.ext')
      writeFileSync(dockerfile, 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY . /ctx/\n')
      writeFileSync(`${dockerfile}.dockerignore`, 'only-specific.txt\n')
      const built = await buildImage(docker, {
        dockerfile,
        context,
        buildArgs: {},
        tag: `least-privilege-test:${runId}-${n++}`,
        labels: labels(runId),
        logger: silentLogger,
        buildkit,
        tracker
      })
      const files = ls(built.tag)
      expect(files).not.toContain('/ctx/only-specific.txt')
      expect(files).toContain('/ctx/only-shared.txt')
    })
  }
})
