// The probe container on the real daemon: images crossed with deployment profiles, asserting what the
// probe measured. The expected values follow from Docker's documented defaults and the flags, not from
// earlier runs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { runProbe } from '../../src/docker/probe-run'
import { ResourceTracker } from '../../src/docker/resources'
import { inspectImage } from '../../src/docker/inspect'
import type { ProbeReport } from '../../src/docker/probe-report'
import { OperationalError } from '../../src/errors'
import { silentLogger } from '../../src/logger'
import { RESOURCE_LABEL } from '../../src/meta'
import { parseRunOptions } from '../../src/profile/parse'
import { dockerOrSkip, leftovers, testRunId, type DockerSession } from './helpers'
import { TestImages } from './images'

const session: DockerSession | undefined = await dockerOrSkip('probe container tests')
const describeDocker = session ? describe : describe.skip

// Docker's default capability set (moby oci/caps/defaults.go).
const DOCKER_DEFAULT_CAPS = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT'
].sort()

describeDocker('runProbe on the real daemon', () => {
  const { docker, daemon } = session!
  const runId = testRunId()
  const tracker = new ResourceTracker()
  const images = new TestImages(docker, runId, tracker)

  const probe = async (
    image: string,
    flags: string,
    extra: Partial<Parameters<typeof runProbe>[1]> = {}
  ): Promise<ProbeReport> => {
    const { report } = await runProbe(docker, {
      image: await images.get(image),
      profile: parseRunOptions(flags),
      daemon,
      runId,
      timeoutMs: 30_000,
      logger: silentLogger,
      tracker,
      ...extra
    })
    return report
  }
  const effective = (r: ProbeReport): string[] => [...r.capabilities.sets.effective.names].sort()
  const bounding = (r: ProbeReport): string[] => [...r.capabilities.sets.bounding.names].sort()

  beforeAll(async () => {
    // Build in parallel-safe order once; each test then only runs containers.
    for (const name of ['root', 'nonroot', 'child-of-base', 'single-binary', 'setuid-archive'])
      await images.get(name)
  }, 300_000)

  afterAll(async () => {
    await tracker.cleanup(docker)
    images.removeContexts()
  })

  it('busybox as root with Docker defaults: uid 0, the 14 default capabilities, seccomp filter, no LSM label', async () => {
    const r = await probe('root', '')
    expect(r.identity.uid).toEqual({ real: 0, effective: 0, saved: 0, fs: 0 })
    expect(effective(r)).toEqual(DOCKER_DEFAULT_CAPS)
    expect(bounding(r)).toEqual(DOCKER_DEFAULT_CAPS)
    expect(r.capabilities.full_bounding).toBe(false)
    expect(r.seccomp.mode).toBe('filter')
    expect(r.no_new_privs.value).toBe(false)
    if (!daemon.apparmor && !daemon.selinux) expect(r.lsm.label).toBeNull()
    expect(r.userns.identity).toBe(!daemon.userns && !daemon.rootless)
    expect(r.rootfs.read_only).toBe(false)
  })

  it('--cap-drop=ALL leaves root with no capabilities at all', async () => {
    const r = await probe('root', '--cap-drop=ALL')
    expect(r.identity.uid.effective).toBe(0)
    expect(effective(r)).toEqual([])
    expect(bounding(r)).toEqual([])
  })

  it('--cap-add SYS_PTRACE is effective for root, but NET_BIND_SERVICE is inert for a non-root user', async () => {
    const root = await probe('root', '--cap-add SYS_PTRACE')
    expect(effective(root)).toContain('SYS_PTRACE')
    const user = await probe('nonroot', '--cap-drop ALL --cap-add NET_BIND_SERVICE')
    expect(user.identity.uid.effective).toBe(1001)
    expect(effective(user)).toEqual([])
    expect(bounding(user)).toEqual(['NET_BIND_SERVICE'])
  })

  it('a numeric non-root USER runs as 1001 with no effective capabilities and no name', async () => {
    const r = await probe('nonroot', '')
    expect(r.identity.uid).toEqual({ real: 1001, effective: 1001, saved: 1001, fs: 1001 })
    expect(r.identity.user_name).toBeNull()
    expect(effective(r)).toEqual([])
  })

  it('no-new-privileges sets NoNewPrivs', async () => {
    expect((await probe('nonroot', '--security-opt no-new-privileges')).no_new_privs.value).toBe(true)
    expect((await probe('nonroot', '')).no_new_privs.value).toBe(false)
  })

  it('seccomp=unconfined turns the filter off', async () => {
    const r = await probe('root', '--security-opt seccomp=unconfined')
    expect(r.seccomp.mode).toBe('disabled')
  })

  it('--privileged with a non-root user gets every capability the host and engine allow, and no seccomp', async () => {
    const r = await probe('nonroot', '--privileged')
    expect(r.identity.uid.effective).toBe(1001)
    // Privileged means every capability the engine knows (20.10 stops at 37) that the daemon itself holds
    // (these VMs' root lacks SYS_RESOURCE): so never more than the host's bounding set, and the full set
    // only when both cover everything the kernel has.
    const hostBounding = BigInt(
      `0x${/CapBnd:\s*([0-9a-f]+)/.exec(readFileSync('/proc/1/status', 'utf8'))?.[1]}`
    )
    const measured = BigInt(`0x${r.capabilities.sets.bounding.raw}`)
    expect(measured & ~hostBounding).toBe(0n)
    expect(bounding(r)).toEqual(
      expect.arrayContaining(['SYS_ADMIN', 'SYS_MODULE', 'NET_ADMIN', 'SYS_PTRACE'])
    )
    const full = 2n ** BigInt((r.kernel.cap_last_cap ?? 0) + 1) - 1n
    expect(r.capabilities.full_bounding).toBe(measured === full)
    expect(r.seccomp.mode).toBe('disabled')
  })

  it('--user from the profile overrides the image user', async () => {
    const r = await probe('root', '--user 4321:4321')
    expect(r.identity.uid.effective).toBe(4321)
    expect(r.identity.gid.effective).toBe(4321)
  })

  it('a child image without USER runs as the user its base image set', async () => {
    const facts = await inspectImage(docker, await images.get('child-of-base'))
    expect(facts.user).toBe('appuser')
    const r = await probe('child-of-base', '')
    expect(r.identity.uid.effective).toBe(1001)
    expect(r.identity.user_name).toBe('appuser')
  })

  it('probes a scratch image holding one static binary and no shell', async () => {
    const facts = await inspectImage(docker, await images.get('single-binary'))
    expect(facts.entrypoint).toEqual(['/app', 'sleep'])
    const r = await probe('single-binary', '')
    expect(r.identity.uid.effective).toBe(0)
    expect(r.privileged_files.count).toBe(0)
  })

  it('finds a setuid file that arrived inside an archive through ADD', async () => {
    const r = await probe('setuid-archive', '')
    const helper = r.privileged_files.files.find(f => f.path === '/opt/tools/helper')
    expect(helper).toMatchObject({ setuid: true, uid: 0 })
  })

  it('--read-only: the bind-mounted probe still runs and sees a read-only rootfs', async () => {
    const r = await probe('nonroot', '--read-only')
    expect(r.rootfs.read_only).toBe(true)
  })

  it('copies the probe in over the API (the remote-daemon path) and refuses that for --read-only with a clear line', async () => {
    const { report, injection } = await runProbe(docker, {
      image: await images.get('single-binary'),
      profile: parseRunOptions(''),
      daemon,
      runId,
      logger: silentLogger,
      tracker,
      injection: 'copy'
    })
    expect(injection).toBe('copy')
    expect(report.identity.uid.effective).toBe(0)
    const refused = runProbe(docker, {
      image: await images.get('single-binary'),
      profile: parseRunOptions('--read-only'),
      daemon,
      runId,
      logger: silentLogger,
      tracker,
      injection: 'copy'
    })
    await expect(refused).rejects.toThrow(/--read-only.*remote daemon/)
  })

  it('kills a probe that hangs at the deadline, reports probe-timeout, and removes its container', async () => {
    const started = Date.now()
    const hung = probe('root', '', { timeoutMs: 1000, command: { entrypoint: ['/bin/sleep'], cmd: ['60'] } })
    const error = (await hung.catch((e: unknown) => e)) as OperationalError
    expect(error).toBeInstanceOf(OperationalError)
    expect(error.kind).toBe('probe-timeout')
    expect(Date.now() - started).toBeLessThan(15_000)
    const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })
    expect(await docker.listContainers({ all: true, filters })).toEqual([])
    expect(tracker.snapshot().containers).toEqual([])
  })

  it('a probe that prints no report is probe-failed with its first stderr line', async () => {
    const failed = probe('root', '', {
      command: { entrypoint: ['/bin/sh'], cmd: ['-c', 'echo broken on purpose >&2; exit 4'] }
    })
    await expect(failed).rejects.toThrow(/printed no report \(exit code 4\): broken on purpose/)
  })

  it('leaves no container or image with the run label behind', async () => {
    await tracker.cleanup(docker)
    const mine = (await leftovers(docker)).filter(l => l.includes(runId))
    expect(mine).toEqual([])
    const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })
    expect(await docker.listContainers({ all: true, filters })).toEqual([])
    expect(await docker.listImages({ filters })).toEqual([])
  })
})
