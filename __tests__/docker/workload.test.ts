// The image's own entrypoint under the profile: `top` and the probe (exec'd in the workload on a local
// daemon, a PID-namespace sidecar otherwise) see who the workload really runs as, including a privilege drop
// in the entrypoint that the image config does not show.
import { afterAll, describe, expect, it } from '@jest/globals'
import { measureImage } from '../../src/docker/measure'
import { ResourceTracker } from '../../src/docker/resources'
import { runWorkload } from '../../src/docker/workload'
import { silentLogger } from '../../src/logger'
import { RESOURCE_LABEL } from '../../src/meta'
import { parseRunOptions } from '../../src/profile/parse'
import { dockerOrSkip, testRunId, type DockerSession } from './helpers'
import { TestImages } from './images'

const session: DockerSession | undefined = await dockerOrSkip('workload tests')
const describeDocker = session ? describe : describe.skip

describeDocker('the real workload on the real daemon', () => {
  const { docker, daemon } = session!
  const runId = testRunId()
  const tracker = new ResourceTracker()
  const images = new TestImages(docker, runId, tracker)
  const base = { daemon, runId, logger: silentLogger, tracker, windowMs: 1500 }

  afterAll(async () => {
    await tracker.cleanup(docker)
    images.removeContexts()
  })

  it('sees an entrypoint that drops from root to uid 1001 (busybox su, like gosu)', async () => {
    const image = await images.get('dropper')
    const report = await runWorkload(docker, { ...base, image, profile: parseRunOptions('') })
    expect(report.status).toBe('measured')
    expect(report.processes.length).toBeGreaterThan(0)
    expect(report.processes.every(p => p.uid === 1001 && p.euid === 1001)).toBe(true)
    expect(report.processes.map(p => p.args).join(' ')).toContain('sleep 30')
    expect(report.probe?.target.mode).toBe('pid')
    expect(report.probe?.identity.uid.effective).toBe(1001)
    expect(report.probe?.capabilities.sets.effective.names).toEqual([])
    // Read by an exec in the workload (a local daemon): the exec'd probe is not one of its processes, and
    // pid 1's ptrace-guarded files were read as uid 1001 after root was refused them.
    expect(report.processes.some(p => p.args.includes('least-privilege-probe'))).toBe(false)
    expect(report.probe?.errors.filter(e => e.errno === 'EACCES' || e.errno === 'EPERM')).toEqual([])
  })

  it('reads the same drop from a sidecar container when the probe is copied (as for a remote daemon)', async () => {
    const image = await images.get('dropper')
    const report = await runWorkload(docker, {
      ...base,
      image,
      profile: parseRunOptions(''),
      injection: 'copy'
    })
    expect(report.status).toBe('measured')
    expect(report.processes.every(p => p.uid === 1001 && p.euid === 1001)).toBe(true)
    expect(report.probe?.target.mode).toBe('pid')
    expect(report.probe?.identity.uid.effective).toBe(1001)
    expect(report.probe?.capabilities.sets.effective.names).toEqual([])
  })

  it("withholds the host's Docker socket and devices from the image's own entrypoint", async () => {
    const image = await images.get('host-peeker')
    const declared = parseRunOptions(
      '-v /var/run/docker.sock:/run/host.sock --device /dev/null:/dev/host-null --device-cgroup-rule "a *:* rwm"'
    )
    const report = await runWorkload(docker, { ...base, image, profile: declared })
    // The image exits at once, naming what it saw, when the socket or the device reaches it.
    expect(report.detail ?? '').not.toMatch(/VISIBLE/)
    expect(report.status).toBe('measured')
    expect(report.processes.map(p => p.args).join(' ')).toContain('sleep 30')
  })

  it('measures the image and the workload together, and the image config still says root', async () => {
    const image = await images.get('dropper')
    const m = await measureImage(docker, daemon, {
      image,
      profile: parseRunOptions('--cap-drop ALL --cap-add SETUID --cap-add SETGID'),
      runId,
      probeTimeoutMs: 30_000,
      workloadWindowMs: 1500,
      logger: silentLogger,
      tracker
    })
    expect(m.image.user).toBe('')
    expect(m.injection).toBe('bind-mount')
    // No host mount or device is withheld from the workload, so the probe measured itself in it.
    expect(m.probedIn).toBe('workload')
    expect(m.probe?.identity.uid.effective).toBe(0)
    expect([...(m.probe?.capabilities.sets.effective.names ?? [])].sort()).toEqual(['SETGID', 'SETUID'])
    expect(m.workload?.status).toBe('measured')
    expect(m.workload?.probe?.identity.uid.effective).toBe(1001)
  })

  it('reports a workload that exits inside the window as exited, with its code and last line', async () => {
    const report = await runWorkload(docker, {
      ...base,
      image: await images.get('exits'),
      profile: parseRunOptions('')
    })
    expect(report).toMatchObject({
      status: 'exited',
      exitCode: 7,
      outputTail: 'finished early',
      processes: []
    })
    expect(report.detail).toMatch(/^exited with code 7 after \d+(\.\d+)? s: finished early$/)
    expect(report.window).toMatchObject({ ended: 'exited', capMs: 1500 })
    expect(report.probe).toBeUndefined()
  })

  it('ends the window once a workload that stays as it started has settled, and still reads it', async () => {
    const report = await runWorkload(docker, {
      ...base,
      windowMs: 20_000,
      image: await images.get('settles'),
      profile: parseRunOptions('')
    })
    expect(report.status).toBe('measured')
    expect(report.window?.ended).toBe('settled')
    expect(report.window?.samples).toBeGreaterThan(1)
    expect(report.processes.map(p => [p.euid, p.args])).toEqual([[1001, '/busybox sleep 30']])
    expect(report.probe?.identity.uid.effective).toBe(1001)
  })

  it("runs to the cap while the workload keeps exec'ing new processes", async () => {
    // A quiet period ten times the child's 0.1 s, so a loaded machine's scheduling stall is not a settle.
    const report = await runWorkload(docker, {
      ...base,
      quietMs: 1000,
      image: await images.get('busy'),
      profile: parseRunOptions('')
    })
    expect(report.status).toBe('measured')
    expect(report.window?.ended).toBe('cap')
    expect(report.processes.some(p => p.args.startsWith('/busybox find /proc'))).toBe(true)
  })

  it('sees a gosu-style drop that comes after a short sleep, the shell keeping the window open', async () => {
    const report = await runWorkload(docker, {
      ...base,
      windowMs: 10_000,
      image: await images.get('late-dropper'),
      profile: parseRunOptions('')
    })
    expect(report.status).toBe('measured')
    expect(report.window?.ended).toBe('settled')
    expect(report.processes.map(p => [p.uid, p.euid, p.args])).toEqual([[1001, 1001, 'sleep 30']])
    expect(report.probe?.identity.uid.effective).toBe(1001)
  })

  it('a drop that comes after the cap is not seen: the window reports root and says it was capped', async () => {
    const report = await runWorkload(docker, {
      ...base,
      windowMs: 300,
      image: await images.get('late-dropper'),
      profile: parseRunOptions('')
    })
    expect(report.status).toBe('measured')
    expect(report.window?.ended).toBe('cap')
    expect(report.processes.some(p => p.euid === 0)).toBe(true)
  })

  it('a workload that cannot start is failed with the daemon message, and the probe result survives', async () => {
    // base-user sets no ENTRYPOINT or CMD: the probe runs (it brings its own), the workload cannot.
    const m = await measureImage(docker, daemon, {
      image: await images.get('base-user'),
      profile: parseRunOptions(''),
      runId,
      probeTimeoutMs: 30_000,
      workloadWindowMs: 1500,
      logger: silentLogger,
      tracker
    })
    expect(m.probe?.identity.uid.effective).toBe(1001)
    expect(m.probedIn).toBe('probe-container')
    expect(m.workload?.status).toBe('failed')
    expect(m.workload?.detail).toMatch(/^cannot start the image's entrypoint: .*no command specified/i)
  })

  it('a probe that cannot start (unknown user name) fails the measurement with the daemon message', async () => {
    // The image has no /etc/passwd, so a user *name* cannot be resolved: the daemon refuses to start it.
    const m = measureImage(docker, daemon, {
      image: await images.get('nonroot'),
      profile: parseRunOptions('--user nobody'),
      runId,
      probeTimeoutMs: 30_000,
      workloadWindowMs: 1500,
      logger: silentLogger,
      tracker
    })
    await expect(m).rejects.toThrow(/cannot start the probe container: .*nobody/)
  })

  it('runs nothing longer than needed and leaves no labelled container behind', async () => {
    const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })
    expect(await docker.listContainers({ all: true, filters })).toEqual([])
    expect(tracker.snapshot().containers).toEqual([])
  })
})
