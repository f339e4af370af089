// Where the workload runs under exactly the declared profile, the probe measures itself by an exec in the
// workload instead of in a container of its own (one container start per target, not two). These tests
// hold that to the contract: for each flag set, the exec'd report is the one a probe container gives, field
// for field, and a probe container still runs whenever the exec cannot stand in for it.
import { afterAll, describe, expect, it } from '@jest/globals'
import type Docker from 'dockerode'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { measureImage } from '../../src/docker/measure'
import { runProbe } from '../../src/docker/probe-run'
import { ResourceTracker } from '../../src/docker/resources'
import { probeInWorkloadRefusal } from '../../src/docker/probe-in-workload'
import { silentLogger } from '../../src/logger'
import { parseRunOptions } from '../../src/profile/parse'
import { runExec } from '../../src/docker/exec-run'
import { callContext } from '../../src/docker/probe-run'
import { executeOnlyProbe } from '../../src/docker/untraceable-probe'
import { BUSYBOX, dockerOrSkip, labels, leftBehind, testRunId, type DockerSession } from './helpers'
import { TestImages } from './images'

const session: DockerSession | undefined = await dockerOrSkip('probe-in-workload tests')
const describeDocker = session ? describe : describe.skip

describe('when the probe may measure itself inside the workload', () => {
  it('only on a local daemon, and only when the workload gets exactly the declared mounts and devices', () => {
    expect(
      probeInWorkloadRefusal(parseRunOptions('--cap-drop ALL --read-only'), 'bind-mount')
    ).toBeUndefined()
    expect(
      probeInWorkloadRefusal(parseRunOptions('--tmpfs /data -v named:/cache'), 'bind-mount')
    ).toBeUndefined()
    expect(probeInWorkloadRefusal(parseRunOptions(''), 'copy')).toMatch(/remote/)
    expect(
      probeInWorkloadRefusal(parseRunOptions('-v /var/run/docker.sock:/run/d.sock'), 'bind-mount')
    ).toMatch(/bind mounts/)
    expect(probeInWorkloadRefusal(parseRunOptions('--device /dev/null:/dev/x'), 'bind-mount')).toMatch(
      /devices/
    )
    expect(probeInWorkloadRefusal(parseRunOptions('--device-cgroup-rule "c 1:3 r"'), 'bind-mount')).toMatch(
      /devices/
    )
  })
})

describeDocker("the probe exec'd in the workload, against a probe container, on the real daemon", () => {
  const { docker, daemon } = session!
  const runId = testRunId()
  const tracker = new ResourceTracker()
  const images = new TestImages(docker, runId, tracker)
  const ctx = callContext({})
  const hostDir = mkdtempSync(join(tmpdir(), 'lp-host-mount-'))
  const measure = (image: string, flags: string) =>
    measureImage(docker, daemon, {
      image,
      profile: parseRunOptions(flags),
      runId,
      probeTimeoutMs: 30_000,
      workloadWindowMs: 1500,
      logger: silentLogger,
      tracker
    })

  afterAll(async () => {
    await tracker.cleanup(docker)
    images.removeContexts()
    rmSync(hostDir, { recursive: true, force: true })
  })

  it.each([
    ['Docker defaults, non-root', 'settles', '', 'workload'],
    ['root with two capabilities', 'dropper', '--cap-drop ALL --cap-add SETUID --cap-add SETGID', 'workload'],
    [
      'a hardened non-root user',
      'settles',
      '--cap-drop ALL --security-opt no-new-privileges --user 1000:1000',
      'workload'
    ],
    [
      'a default capability added back after dropping all',
      'settles',
      '--cap-drop ALL --cap-add NET_BIND_SERVICE',
      'workload'
    ],
    [
      'a read-only root with extra groups',
      'settles',
      '--read-only --group-add 44 --user 5:5 --tmpfs /scratch',
      'workload'
    ],
    ['--init with the host PID namespace', 'settles', '--init --pid host --user 7', 'workload'],
    ['host IPC and UTS namespaces', 'settles', '--ipc host --uts host', 'workload'],
    // Root with Docker's default capabilities can read the execute-only probe (CAP_DAC_OVERRIDE), so the
    // image's code could trace it: a probe container measures instead.
    ['root with Docker defaults', 'dropper', '', 'probe-container'],
    // The workload may hold CAP_SYS_PTRACE.
    ['--privileged as a non-root user', 'settles', '--privileged --user 1000', 'probe-container'],
    ['CAP_SYS_PTRACE added', 'settles', '--cap-drop ALL --cap-add SYS_PTRACE', 'probe-container'],
    // Beyond Docker's defaults, or without its seccomp profile, the workload could remount what an exec reads.
    [
      'an added capability and no seccomp',
      'settles',
      '--cap-add NET_ADMIN --security-opt seccomp=unconfined',
      'probe-container'
    ],
    ['CAP_SYS_ADMIN added', 'settles', '--cap-drop ALL --cap-add SYS_ADMIN', 'probe-container'],
    ['seccomp unconfined alone', 'settles', '--security-opt seccomp=unconfined', 'probe-container'],
    // It writes /var/cache/app/state at once: its files are not the image's any more when the walk runs.
    ['a workload that writes into the image', 'suggest-cache', '--cap-drop ALL', 'probe-container']
  ])('%s: the same report as a probe container (%s)', async (_name, fixture, flags, where) => {
    const image = await images.get(fixture)
    const measured = await measure(image, flags)
    expect(measured.probedIn).toBe(where)
    expect(measured.workload?.status).toBe('measured')
    const alone = await runProbe(docker, {
      image,
      profile: parseRunOptions(flags),
      daemon,
      runId,
      logger: silentLogger,
      tracker
    })
    expect(measured.probe).toEqual(alone.report)
  })

  it('a workload that exits at once is probed in a container of its own, and still reported as exited', async () => {
    const measured = await measure(await images.get('exits'), '--cap-drop ALL')
    expect(measured.probedIn).toBe('probe-container')
    expect(measured.probe?.identity.uid.effective).toBe(0)
    expect(measured.probe?.capabilities.sets.effective.names).toEqual([])
    expect(measured.workload).toMatchObject({ status: 'exited', exitCode: 7 })
  })

  it('a host bind mount keeps the probe container, which is where the real mount is seen', async () => {
    const measured = await measure(await images.get('settles'), `-v ${hostDir}:/data:ro`)
    expect(measured.probedIn).toBe('probe-container')
    expect(measured.workload?.status).toBe('measured')
    expect(measured.probe?.identity.uid.effective).toBe(1001)
  })

  it("an execute-only program runs non-dumpable in the container: its /proc files are root-owned, a readable one's are not", async () => {
    // The mechanism the exec'd probe relies on, shown with busybox (the probe itself ends in milliseconds):
    // the copy is made the way the probe's is, and run as uid 1000 beside a readable busybox.
    const copy = executeOnlyProbe(BUSYBOX) as string
    expect(copy).toBeDefined()
    const container: Docker.Container = await docker.createContainer({
      Image: await images.get('settles'),
      User: '1000',
      Labels: labels(runId),
      HostConfig: {
        NetworkMode: 'none',
        Mounts: [{ Type: 'bind', Source: copy, Target: '/opt/busybox', ReadOnly: true }]
      }
    })
    tracker.addContainer(container.id)
    try {
      await container.start()
      const run = async (cmd: string[]): Promise<string> => {
        const out = await runExec(container, { cmd, user: '1000', limitMs: 10_000, what: 'test exec' }, ctx)
        return out.stdout.trim()
      }
      // `; true` keeps the shell from exec'ing stat in its own place: $$ stays the shell being checked.
      const execOnly = await run(['/opt/busybox', 'sh', '-c', '/busybox stat -c %u /proc/$$/mem; true'])
      const readable = await run(['/busybox', 'sh', '-c', '/busybox stat -c %u /proc/$$/mem; true'])
      expect({ execOnly, readable }).toEqual({ execOnly: '0', readable: '1000' })
    } finally {
      await tracker.removeContainer(docker, container.id)
    }
  })

  it('leaves no container behind: each measurement removed its workload and probe containers', async () => {
    expect((await leftBehind(docker, runId)).filter(what => what.startsWith('container'))).toEqual([])
  })
})
