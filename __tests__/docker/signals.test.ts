// SIGTERM in the middle of a probe: a real child process (the docker layer bundled with ncc, as shipped)
// must remove its probe container and exit 128+15.
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ResourceTracker } from '../../src/docker/resources'
import { RESOURCE_LABEL } from '../../src/meta'
import { dockerOrSkip, testRunId, type DockerSession } from './helpers'
import { TestImages } from './images'

const session: DockerSession | undefined = await dockerOrSkip('signal cleanup test')
const describeDocker = session ? describe : describe.skip

describeDocker('installSignalCleanup', () => {
  const { docker } = session!
  const runId = testRunId()
  const tracker = new ResourceTracker()
  const images = new TestImages(docker, runId, tracker)
  const bundle = mkdtempSync(join(tmpdir(), 'lp-signal-bundle-'))

  afterAll(async () => {
    await tracker.cleanup(docker)
    images.removeContexts()
    rmSync(bundle, { recursive: true, force: true })
  })

  it('removes the probe container when the process gets SIGTERM mid-probe, and exits 143', async () => {
    const image = await images.get('root')
    execFileSync('node_modules/.bin/ncc', [
      'build',
      'src/docker/bench-entry.ts',
      '-o',
      bundle,
      '--quiet',
      '--transpile-only'
    ])
    const child = spawn('node', [join(bundle, 'index.js'), 'hang', image, runId], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const containerId = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const ready = /READY ([0-9a-f]{64})/.exec(out)
        if (ready) resolve(ready[1])
      })
      child.on('exit', code => reject(new Error(`child exited ${code} before the probe started: ${stderr}`)))
    })
    // Wait until the hanging probe is really running, then interrupt.
    for (let i = 0; i < 50 && !(await docker.getContainer(containerId).inspect()).State.Running; i++) {
      await new Promise(r => setTimeout(r, 100))
    }
    expect((await docker.getContainer(containerId).inspect()).State.Running).toBe(true)
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(143)
    const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })
    expect(await docker.listContainers({ all: true, filters })).toEqual([])
  })
})
