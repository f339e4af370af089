// The tracker and the label sweep on the real daemon: what the action's post step and CI rely on.
import { afterAll, describe, expect, it } from '@jest/globals'
import { ResourceTracker, sweepLabelled, type TrackedResources } from '../../src/docker/resources'
import { RESOURCE_LABEL } from '../../src/meta'
import { dockerOrSkip, labels, testRunId, type DockerSession } from './helpers'
import { TestImages } from './images'

const session: DockerSession | undefined = await dockerOrSkip('resource tracking tests')
const describeDocker = session ? describe : describe.skip

describeDocker('ResourceTracker and sweepLabelled', () => {
  const { docker } = session!
  const runId = testRunId()
  const setup = new ResourceTracker()
  const images = new TestImages(docker, runId, setup)
  const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })

  afterAll(async () => {
    await setup.cleanup(docker)
    images.removeContexts()
  })

  it('reports every change, removes what it holds (already-gone is fine), and can keep images', async () => {
    const image = await images.get('root')
    const changes: TrackedResources[] = []
    const tracker = new ResourceTracker(r => changes.push(r))
    const a = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: labels(runId) })
    const b = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: labels(runId) })
    tracker.addContainer(a.id)
    tracker.addContainer(b.id)
    tracker.addImage(image)
    expect(changes.at(-1)).toEqual({ containers: [a.id, b.id], images: [image], volumes: [] })
    await b.remove({ force: true }) // gone before cleanup: a 404 that cleanup must shrug off
    await tracker.cleanup(docker, { keepImages: true })
    expect(tracker.snapshot()).toEqual({ containers: [], images: [], volumes: [] })
    expect(await docker.listContainers({ all: true, filters })).toEqual([])
    expect((await docker.getImage(image).inspect()).Id).toMatch(/^sha256:/)
    // A tracker rebuilt from saved state (the post step) removes the same things.
    const c = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: labels(runId) })
    await ResourceTracker.fromSnapshot({ containers: [c.id], images: [] }).cleanup(docker)
    expect(await docker.listContainers({ all: true, filters })).toEqual([])
  })

  it('sweeps containers and images carrying the run label, and only that run', async () => {
    const image = await images.get('root')
    const other = testRunId()
    await docker.createContainer({ Image: image, Cmd: ['true'], Labels: labels(runId) })
    const kept = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: labels(other) })
    try {
      const swept = await sweepLabelled(docker, runId)
      expect(swept.containers).toBe(1)
      expect(swept.images).toBe(1)
      expect(swept.failures).toEqual([])
      expect(await docker.listContainers({ all: true, filters })).toEqual([])
      expect(await docker.listImages({ filters })).toEqual([])
      expect((await kept.inspect()).Id).toBe(kept.id)
    } finally {
      await kept.remove({ force: true })
    }
  })
})
