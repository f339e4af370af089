// The probe on the real daemon, bind-mounted read-only as the entrypoint of FROM-scratch images, under
// the flag sets of reference/probe.md §2.3. Every image and container carries a label and is removed.
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { RESOURCE_LABEL } from '../../src/meta'
import type { ProbeReport } from '../../src/docker/probe-report'
import { fileCapsXattr, paxTar } from '../../__fixtures__/images/pax-tar'
import {
  buildScratchImage,
  docker,
  dockerAnswers,
  labelledCount,
  removeLabelled
} from '../../__fixtures__/images/scratch-images'
import { PROBE_AMD64, PROBE_ARM64, bitsOf, parseReport } from './probe-helpers'

const inCI = process.env.CI === 'true'
const daemon = await dockerAnswers()
if (!daemon && !inCI) {
  console.warn(
    'SKIPPING the probe Docker matrix: no Docker daemon answers (scripts/start-docker.sh starts one). CI=true makes this a failure.'
  )
}
const describeDocker = daemon || inCI ? describe : describe.skip

const RUN = `lp-probe-test-${process.pid}`
const LABEL = `${RESOURCE_LABEL}=${RUN}`
const ROOT_IMAGE = `${RUN}-root:1`
const USER_IMAGE = `${RUN}-user:1`
const PRIV_IMAGE = `${RUN}-priv:1`
const BARE_IMAGE = `${RUN}-bare:1`

const DOCKER_DEFAULT_CAPS = [
  'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'NET_BIND_SERVICE', 'NET_RAW', 'SYS_CHROOT', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP'
] // prettier-ignore
const NO_CAPS = { raw: '0000000000000000', names: [] }

/** A file name with every kind of byte the probe must escape: quote, backslash, newline, control, non-UTF-8. */
const WEIRD_NAME = Buffer.concat([
  Buffer.from('we"ird\\na\nme\x01', 'latin1'),
  Buffer.from([0xff]),
  Buffer.from('é')
])
const WEIRD_PATH = `/opt/we"ird\\na\nme\u0001\u00ffé` // what JSON.parse gives back; \xff comes back as U+00FF
const WEIRD_JSON = String.raw`"/opt/we\"ird\\na\nme\u0001\u00ffé"`

let probeBinary = PROBE_AMD64

async function probe(
  image: string,
  flags: string[] = [],
  args: string[] = ['--no-walk']
): Promise<ProbeReport> {
  return parseReport(await probeStdout(image, flags, args))
}

async function probeStdout(image: string, flags: string[], args: string[]): Promise<string> {
  const mount = `type=bind,src=${probeBinary},dst=/.lp-probe,readonly`
  const cmd = [
    'run',
    '--rm',
    '--label',
    LABEL,
    ...flags,
    '--mount',
    mount,
    '--entrypoint',
    '/.lp-probe',
    image,
    ...args
  ]
  return (await docker(cmd)).stdout
}

function hostAppArmor(): boolean {
  try {
    return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y'
  } catch {
    return false
  }
}

function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const [a, b] = release.split(/[.-]/).map(Number)
  return a > major || (a === major && b >= minor)
}

describeDocker('probe in containers on the real daemon', () => {
  beforeAll(async () => {
    expect(await dockerAnswers()).toBe(true)
    const arch = (await docker(['info', '--format', '{{.Architecture}}'])).stdout.trim()
    probeBinary = arch === 'aarch64' || arch === 'arm64' ? PROBE_ARM64 : PROBE_AMD64
    await removeLabelled(LABEL)
    const passwd = 'root:x:0:0:root:/root:/bin/sh\nappuser:x:1001:1001::/home/app:/bin/sh\n'
    const group = 'root:x:0:\nappgroup:x:1001:\n'
    await buildScratchImage(
      {
        tag: ROOT_IMAGE,
        withBusybox: true,
        files: { passwd: Buffer.from(passwd), group: Buffer.from(group) },
        dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY passwd group /etc/\n'
      },
      LABEL
    )
    await buildScratchImage({ tag: USER_IMAGE, dockerfile: `FROM ${ROOT_IMAGE}\nUSER 1001\n` }, LABEL)
    const archive = paxTar([
      { name: WEIRD_NAME, content: Buffer.from('x'), mode: 0o4755 },
      { name: Buffer.from('setgid-tool'), content: Buffer.from('x'), mode: 0o2755 },
      { name: Buffer.from('capped-tool'), content: Buffer.from('x'), mode: 0o755, xattrs: { 'security.capability': fileCapsXattr([10]) } }
    ]) // prettier-ignore
    await buildScratchImage(
      {
        tag: PRIV_IMAGE,
        files: { 'privileged.tar': archive },
        dockerfile: [
          `FROM ${ROOT_IMAGE}`,
          'ADD privileged.tar /opt/',
          'RUN ["/bin/busybox", "cp", "/bin/busybox", "/bin/suid-busybox"]',
          'RUN ["/bin/busybox", "chmod", "4755", "/bin/suid-busybox"]',
          ''
        ].join('\n')
      },
      LABEL
    )
    await buildScratchImage(
      {
        tag: BARE_IMAGE,
        files: { 'hello.txt': Buffer.from('no shell, no libc\n') },
        dockerfile: 'FROM scratch\nCOPY hello.txt /\n'
      },
      LABEL
    )
  }, 300_000)

  afterAll(async () => {
    if (!(await dockerAnswers())) return
    await removeLabelled(LABEL)
    expect(await labelledCount(LABEL)).toBe(0)
  }, 120_000)

  it('defaults as root: Docker default caps effective, seccomp filter, no_new_privs off', async () => {
    const r = await probe(ROOT_IMAGE)
    expect(r.identity.uid).toEqual({ real: 0, effective: 0, saved: 0, fs: 0 })
    expect([r.identity.user_name, r.identity.group_name]).toEqual(['root', 'root'])
    expect(r.capabilities.sets.effective).toEqual({ raw: '00000000a80425fb', names: DOCKER_DEFAULT_CAPS })
    expect(r.capabilities.sets.permitted.raw).toBe('00000000a80425fb')
    expect(r.capabilities.sets.bounding.raw).toBe('00000000a80425fb')
    expect(r.capabilities.sets.inheritable).toEqual(NO_CAPS)
    expect(r.capabilities.sets.ambient).toEqual(NO_CAPS)
    expect(r.capabilities.full_bounding).toBe(false)
    expect(r.seccomp).toMatchObject({ raw: '2', mode: 'filter' })
    if (kernelAtLeast(r.kernel.release, 5, 9)) expect(r.seccomp.filters).toBeGreaterThanOrEqual(1)
    expect(r.no_new_privs).toEqual({ raw: '0', value: false })
    expect(r.rootfs).toMatchObject({ read_only: false, fstype: 'overlay' })
    expect(r.bind).toEqual({ port: 80, unprivileged_port_start: 0, result: 'ok', allowed: true })
  })

  it('USER 1001: nothing effective or permitted, the default set stays in bounding', async () => {
    const r = await probe(USER_IMAGE)
    expect(r.identity.uid).toEqual({ real: 1001, effective: 1001, saved: 1001, fs: 1001 })
    expect(r.identity.gid.effective).toBe(1001)
    expect(r.identity.groups).toContain(1001)
    expect([r.identity.user_name, r.identity.group_name]).toEqual(['appuser', 'appgroup'])
    expect(r.capabilities.sets.effective).toEqual(NO_CAPS)
    expect(r.capabilities.sets.permitted).toEqual(NO_CAPS)
    expect(r.capabilities.sets.bounding).toEqual({ raw: '00000000a80425fb', names: DOCKER_DEFAULT_CAPS })
  })

  it('uid_map is the identity map without user namespace remapping', async () => {
    const r = await probe(USER_IMAGE)
    expect(r.userns).toEqual({
      uid_map: '0 0 4294967295',
      gid_map: '0 0 4294967295',
      uid_map_entries: [{ inside: 0, outside: 0, length: 4294967295 }],
      identity: true,
      host_uid: 1001,
      setgroups: 'allow'
    })
  })

  it('--cap-drop ALL empties every set; root still binds :80 because Docker sets the sysctl to 0', async () => {
    const r = await probe(ROOT_IMAGE, ['--cap-drop', 'ALL'])
    for (const set of Object.values(r.capabilities.sets)) expect(set).toEqual(NO_CAPS)
    expect(r.bind).toMatchObject({ unprivileged_port_start: 0, result: 'ok', allowed: true })
  })

  it('--security-opt no-new-privileges sets NoNewPrivs', async () => {
    const r = await probe(USER_IMAGE, ['--security-opt', 'no-new-privileges'])
    expect(r.no_new_privs).toEqual({ raw: '1', value: true })
    expect(r.seccomp.mode).toBe('filter')
  })

  it('--security-opt seccomp=unconfined disables seccomp (and lets lsm_list_modules through on Linux >= 6.8)', async () => {
    const r = await probe(ROOT_IMAGE, ['--security-opt', 'seccomp=unconfined'])
    expect(r.seccomp).toEqual({
      raw: '0',
      mode: 'disabled',
      filters: kernelAtLeast(r.kernel.release, 5, 9) ? 0 : null
    })
    if (kernelAtLeast(r.kernel.release, 6, 8)) {
      expect(r.lsm.active_source).toBe('lsm_list_modules')
      expect(r.lsm.active).toContain('capability')
    }
  })

  it("--user 1001 --privileged: the engine's whole capability list in bounding, none effective, seccomp off", async () => {
    const r = await probe(ROOT_IMAGE, ['--user', '1001', '--privileged'])
    const bounding = r.capabilities.sets.bounding
    // Docker 20.10 grants caps up to AUDIT_READ (37); this host's root lacks SYS_RESOURCE (probe.md §0).
    expect(bounding.names.length).toBeGreaterThanOrEqual(37)
    expect(bounding.names).toEqual(
      expect.arrayContaining(['SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'NET_ADMIN', 'DAC_READ_SEARCH'])
    )
    const lastCap = r.kernel.cap_last_cap ?? 40
    const covered = bitsOf(bounding.raw).filter(bit => bit <= lastCap).length
    expect(r.capabilities.full_bounding).toBe(covered === lastCap + 1)
    expect(r.capabilities.sets.effective).toEqual(NO_CAPS)
    expect(r.seccomp).toMatchObject({ raw: '0', mode: 'disabled' })
  })

  it('--read-only makes the root filesystem read-only', async () => {
    const r = await probe(USER_IMAGE, ['--read-only'])
    expect(r.rootfs.read_only).toBe(true)
    expect(r.rootfs.options).toMatch(/^ro(,|$)/)
  })

  it('ip_unprivileged_port_start=1024: uid 1001 gets EACCES on :80 but may bind :8080; root may bind :80', async () => {
    const sysctl = ['--sysctl', 'net.ipv4.ip_unprivileged_port_start=1024']
    const low = await probe(USER_IMAGE, sysctl)
    expect(low.bind).toEqual({ port: 80, unprivileged_port_start: 1024, result: 'EACCES', allowed: false })
    const high = await probe(USER_IMAGE, sysctl, ['--no-walk', '--port', '8080'])
    expect(high.bind).toEqual({ port: 8080, unprivileged_port_start: 1024, result: 'ok', allowed: true })
    const root = await probe(ROOT_IMAGE, sysctl)
    expect(root.bind).toMatchObject({ result: 'ok', allowed: true })
  })

  it('reports the label-providing LSM as the host has it, and "no LSM" as null, never "unconfined"', async () => {
    const r = await probe(ROOT_IMAGE)
    if (hostAppArmor()) {
      expect(r.lsm).toMatchObject({
        apparmor_enabled: true,
        label: 'docker-default (enforce)',
        label_lsm: 'apparmor'
      })
      expect(r.lsm).toMatchObject({ label_mode: 'enforce', confined: true })
    } else if (existsSync('/sys/fs/selinux/enforce')) {
      expect([null, 'selinux']).toContain(r.lsm.label_lsm)
    } else {
      expect(r.lsm).toMatchObject({ apparmor_enabled: false, selinux_enabled: false })
      expect(r.lsm).toMatchObject({ label: null, label_lsm: null, label_mode: null, confined: null })
    }
  })

  it('lists setuid, setgid and file-capability files of the image, escaping odd names', async () => {
    const stdout = await probeStdout(PRIV_IMAGE, [], [])
    expect(stdout).toContain(WEIRD_JSON)
    expect(stdout.trimEnd()).not.toMatch(/[\x00-\x1f]/u) // eslint-disable-line no-control-regex
    const r = parseReport(stdout)
    expect(r.privileged_files).toMatchObject({ scanned: true, count: 4, truncated: false })
    const byPath = new Map(r.privileged_files.files.map(f => [f.path, f]))
    expect([...byPath.keys()].sort()).toEqual(
      ['/bin/suid-busybox', '/opt/capped-tool', '/opt/setgid-tool', WEIRD_PATH].sort()
    )
    expect(byPath.get('/bin/suid-busybox')).toEqual({
      path: '/bin/suid-busybox', mode: '4755', uid: 0, gid: 0, setuid: true, setgid: false, file_caps: false
    }) // prettier-ignore
    expect(byPath.get('/opt/setgid-tool')).toMatchObject({
      mode: '2755',
      setuid: false,
      setgid: true,
      file_caps: false
    })
    expect(byPath.get('/opt/capped-tool')).toMatchObject({
      mode: '0755',
      setuid: false,
      setgid: false,
      file_caps: true
    })
    expect(byPath.get(WEIRD_PATH)).toMatchObject({ mode: '4755', setuid: true })
  })

  it('--max-files caps the list but not the count', async () => {
    const r = await probe(PRIV_IMAGE, ['--user', '1001'], ['--max-files', '1'])
    expect(r.privileged_files).toMatchObject({ scanned: true, count: 4, truncated: true })
    expect(r.privileged_files.files).toHaveLength(1)
  })

  it('runs in a scratch image with no shell and no libc, and says what it could not read', async () => {
    const r = await probe(BARE_IMAGE, ['--read-only', '--cap-drop', 'ALL', '--user', '4242:4242'], [])
    expect(r.identity.uid.effective).toBe(4242)
    expect([r.identity.user_name, r.identity.group_name]).toEqual([null, null])
    expect(r.errors).toContainEqual({ item: 'identity.passwd', errno: 'ENOENT', detail: '/etc/passwd' })
    expect(r.privileged_files).toEqual({ scanned: true, count: 0, truncated: false, files: [] })
    expect(r.rootfs.read_only).toBe(true)
  })

  it('as a sidecar with --pid 1 reads the workload of another container (shared PID namespace)', async () => {
    const target = (
      await docker([
        'run',
        '-d',
        '--label',
        LABEL,
        '--user',
        '1001',
        '--entrypoint',
        '/bin/busybox',
        PRIV_IMAGE,
        'sleep',
        '120'
      ])
    ).stdout.trim()
    try {
      // The sidecar image has no passwd and no setuid files: both come from the target's root via /proc/1/root,
      // which the kernel opens only for the same uid AND gid (or CAP_SYS_PTRACE), hence 1001:1001.
      const sidecar = ['--pid', `container:${target}`, '--user', '1001:1001']
      const r = await probe(BARE_IMAGE, sidecar, ['--pid', '1'])
      expect(r.target).toEqual({ pid: 1, mode: 'pid' })
      expect(r.identity.uid).toEqual({ real: 1001, effective: 1001, saved: 1001, fs: 1001 })
      expect(r.identity.user_name).toBe('appuser')
      expect(r.capabilities.sets.effective).toEqual(NO_CAPS)
      expect(r.capabilities.sets.bounding.raw).toBe('00000000a80425fb')
      expect(r.seccomp.mode).toBe('filter')
      expect(r.privileged_files.files.map(f => f.path)).toContain('/bin/suid-busybox')
      expect(r.privileged_files.count).toBe(4)
      // A gid that differs from the target's is refused /proc/1/root, and the probe says so.
      const other = await probe(
        BARE_IMAGE,
        ['--pid', `container:${target}`, '--user', '1001:0'],
        ['--pid', '1']
      )
      expect(other.identity.uid.effective).toBe(1001)
      expect(other.privileged_files.scanned).toBe(false)
      expect(other.errors).toContainEqual({
        item: 'privileged_files',
        errno: 'EACCES',
        detail: '/proc/1/root'
      })
    } finally {
      await docker(['rm', '-f', target])
    }
  })

  it('leaves no labelled container behind', async () => {
    const containers = (await docker(['ps', '-aq', '--filter', `label=${LABEL}`])).stdout.trim()
    expect(containers).toBe('')
  })
})
