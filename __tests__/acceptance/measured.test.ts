// Acceptance: images × docker-run flags built and probed on the real daemon through the bundled CLI.
// Expectations come from kernel/Docker semantics (shared/reference/probe.md §2.3-2.6, §3) and docs/rules/*.md,
// not from the product's code: every number below is what the kernel reports for that image and flag set.
//
// Not covered: a probe that hangs (--probe-timeout). Every way found to make the probe block also blocks Docker
// before the probe starts: a FIFO (or a symlink to /dev/ptmx) at /etc/passwd hangs dockerd's user lookup or
// `runc init`, wedging the daemon for every other suite. A hang inside the probe needs a product change.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import tar from 'tar-stream'
import { RESOURCE_LABEL } from '../../src/meta'
import { requireDocker } from '../support/docker-available'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const CLI = path.join(REPO, 'dist/cli/index.js')
const FIXTURES = path.join(REPO, '__fixtures__/acceptance/measured')
const BUSYBOX = '/bin/busybox'
/** Marks every image (and so every container made from it) of one case, to find this suite's leftovers. */
const NONCE_LABEL = 'io.least-privilege.acceptance'

/** Docker's default 14 capabilities (moby oci/caps/defaults.go), `0x00000000a80425fb`. */
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
]
const ZERO_CAPS = '0000000000000000'

const run = requireDocker('acceptance: measured verdicts on the real daemon')
const describeDocker = run ? describe : describe.skip

// ---------------------------------------------------------------------------------------------------------------
// JSON report shape (only the parts judged here)

interface Row {
  principle: string
  dockerfile: string
  deployment: string
  measured: string
  verdict: string
  reason?: string
  basis?: string
}
interface JsonFinding {
  rule_id: string
  principle: string
  level: string
  evidence: string
  message: string
  suppressed: boolean
  properties?: Record<string, unknown>
}
interface JsonNotification {
  level: string
  kind: string
  message: string
}
interface CapSet {
  raw: string
  names: string[]
}
interface Probe {
  identity: {
    uid: { real: number; effective: number; saved: number; fs: number }
    gid: { real: number; effective: number; saved: number; fs: number }
    groups: number[]
    user_name: string | null
    group_name: string | null
  }
  capabilities: { sets: Record<string, CapSet>; full_bounding: boolean }
  no_new_privs: { raw: string | null; value: boolean | null }
  seccomp: { raw: string | null; mode: string | null; filters: number | null }
  lsm: {
    label: string | null
    confined: boolean | null
    apparmor_enabled: boolean | null
    selinux_enabled: boolean | null
  }
  userns: { uid_map: string | null; identity: boolean | null }
  rootfs: { read_only: boolean | null }
  bind: { port: number; unprivileged_port_start: number | null; result: string; allowed: boolean | null }
  privileged_files: {
    scanned: boolean
    count: number
    files: Array<{ path: string; mode: string; uid: number; setuid: boolean; setgid: boolean }>
  }
}
interface Measurement {
  image: { user: string }
  daemon: { apparmor: boolean; selinux: boolean }
  probe?: Probe | null
  workload?: {
    status: string
    processes: Array<{ pid: number; uid: number; euid: number; args: string }>
  } | null
}
interface JsonResult {
  file: string
  rows: Row[]
  findings: JsonFinding[]
  measurement: Measurement | null
  not_measured_reason?: string | null
  notifications: JsonNotification[]
}
interface JsonReport {
  results: JsonResult[]
  notifications: JsonNotification[]
}

interface Scan {
  status: number | null
  stdout: string
  stderr: string
  report: JsonReport
  result: JsonResult
  dir: string
  nonce: string
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers: contexts in temp folders, the CLI as a user runs it, and the leftover checks.

const tempDirs: string[] = []
let caseCounter = 0

function nonceFor(name: string): string {
  caseCounter += 1
  return `${name}-${process.pid}-${Date.now().toString(36)}-${caseCounter}`
}

/** Copies a fixture into a fresh temp context, adds busybox (never committed) and the per-case label. */
function makeContext(
  fixture: string,
  nonce: string,
  opts: { busybox?: boolean; etc?: boolean } = {}
): string {
  const dir = mkdtempSync(path.join(tmpdir(), `lp-accept-${fixture}-`))
  tempDirs.push(dir)
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true })
  if (opts.busybox !== false) copyFileSync(BUSYBOX, path.join(dir, 'busybox'))
  if (opts.etc) cpSync(path.join(FIXTURES, 'shared/etc'), path.join(dir, 'etc'), { recursive: true })
  // Appended last so no line number of the fixture moves; containers inherit image labels.
  const dockerfile = path.join(dir, 'Dockerfile')
  writeFileSync(dockerfile, `${readFileSync(dockerfile, 'utf8')}LABEL ${NONCE_LABEL}="${nonce}"\n`)
  return dir
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 150_000,
    env: { ...process.env, NO_COLOR: '1', ...env }
  })
}

function scan(
  dir: string,
  nonce: string,
  opts: { runOptions?: string; extra?: string[]; env?: NodeJS.ProcessEnv } = {}
): Scan {
  const args = ['scan', '--format', 'json', '--repo-root', dir, '--sarif', path.join(dir, 'out.sarif')]
  if (opts.runOptions !== undefined) args.push('--run-options', opts.runOptions)
  args.push(...(opts.extra ?? []), dir)
  const res = cli(args, opts.env)
  let report: JsonReport
  try {
    report = JSON.parse(res.stdout) as JsonReport
  } catch {
    throw new Error(
      `no JSON report on stdout (exit ${res.status}).\nstdout: ${res.stdout}\nstderr: ${res.stderr}`
    )
  }
  expect(report.results).toHaveLength(1)
  return {
    status: res.status,
    stdout: res.stdout,
    stderr: res.stderr,
    report,
    result: report.results[0],
    dir,
    nonce
  }
}

function probeOf(s: Scan): Probe {
  const probe = s.result.measurement?.probe
  if (!probe) throw new Error(`no probe report; notifications: ${JSON.stringify(allNotifications(s))}`)
  return probe
}

function ruleIds(s: Scan): string[] {
  return [...new Set(s.result.findings.filter(f => !f.suppressed).map(f => f.rule_id))].sort()
}

/** One cause, one finding: the declared result carries the measured rule's observation. */
function carries(s: Scan, declared: string, measured: string): JsonFinding {
  const f = finding(s, declared)
  expect(ruleIds(s)).not.toContain(measured)
  expect((f.properties as { measured?: { rule_id?: string } } | undefined)?.measured?.rule_id).toBe(measured)
  return f
}

function finding(s: Scan, id: string): JsonFinding {
  const f = s.result.findings.find(x => x.rule_id === id && !x.suppressed)
  if (!f) throw new Error(`expected ${id}; got ${ruleIds(s).join(', ')}`)
  return f
}

function row(s: Scan, principle: string): Row {
  const r = s.result.rows.find(x => x.principle === principle)
  if (!r) throw new Error(`no row for ${principle}`)
  return r
}

function verdicts(s: Scan): Record<string, string> {
  return Object.fromEntries(s.result.rows.map(r => [r.principle, r.verdict]))
}

function allNotifications(s: Scan): JsonNotification[] {
  return [...s.report.notifications, ...s.result.notifications]
}

function workloadUids(s: Scan): Array<[number, number]> {
  const w = s.result.measurement?.workload
  if (!w) throw new Error('no workload measurement')
  expect(w.status).toBe('measured')
  expect(w.processes.length).toBeGreaterThan(0)
  return w.processes.map(p => [p.uid, p.euid])
}

function sorted(names: string[]): string[] {
  return [...names].sort()
}

/** True when this host has a label-providing LSM; the LSM expectations below are for hosts without one. */
function hostHasLsm(s: Scan): boolean {
  const d = s.result.measurement?.daemon
  return Boolean(d && (d.apparmor || d.selinux))
}

function docker(args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000
  })
}

function ids(kind: 'containers' | 'images', labels: string[]): string[] {
  const filters = labels.flatMap(l => ['--filter', `label=${l}`])
  const args = kind === 'containers' ? ['ps', '-aq', ...filters] : ['images', '-aq', ...filters]
  return [...new Set(docker(args).split('\n').filter(Boolean))]
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Nothing of this case may remain: containers or images carrying both the tool's label and this case's
 * nonce must be gone at once. Any other container/image with the tool's label (another suite may be running
 * against the same daemon) must disappear within a grace period; whatever outlives it is a leak.
 */
async function expectNothingLeft(nonce?: string): Promise<void> {
  if (nonce) {
    expect(ids('containers', [RESOURCE_LABEL, `${NONCE_LABEL}=${nonce}`])).toEqual([])
    expect(ids('images', [RESOURCE_LABEL, `${NONCE_LABEL}=${nonce}`])).toEqual([])
    expect(ids('containers', [`${NONCE_LABEL}=${nonce}`])).toEqual([])
  }
  let lingering = [...ids('containers', [RESOURCE_LABEL]), ...ids('images', [RESOURCE_LABEL])]
  const deadline = Date.now() + 20_000
  while (lingering.length > 0 && Date.now() < deadline) {
    await sleep(1000)
    const now = new Set([...ids('containers', [RESOURCE_LABEL]), ...ids('images', [RESOURCE_LABEL])])
    lingering = lingering.filter(id => now.has(id))
  }
  expect(lingering).toEqual([])
}

function tarWithSetuidFile(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const pack = tar.pack()
    const chunks: Buffer[] = []
    pack.on('data', c => chunks.push(c as Buffer))
    pack.on('error', reject)
    pack.on('end', () => {
      writeFileSync(file, Buffer.concat(chunks))
      resolve()
    })
    pack.entry({ name: 'bin/', type: 'directory', mode: 0o755, uid: 0, gid: 0 })
    pack.entry(
      { name: 'bin/suidtool', type: 'file', mode: 0o4755, uid: 0, gid: 0 },
      '#!/bin/sh\necho pretend helper\n'
    )
    pack.finalize()
  })
}

function haveMuslGcc(): boolean {
  return spawnSync('musl-gcc', ['--version'], { stdio: 'ignore' }).status === 0
}

// ---------------------------------------------------------------------------------------------------------------

describeDocker('acceptance: measured verdicts (real daemon, bundled CLI)', () => {
  beforeAll(() => {
    expect(existsSync(CLI)).toBe(true)
    expect(existsSync(BUSYBOX)).toBe(true)
  })

  afterAll(async () => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
    if (run) await expectNothingLeft()
  }, 60_000)

  const T = 180_000

  test(
    'busybox as root, Docker defaults: root with the 14 default caps, seccomp filter, no NNP, no userns',
    async () => {
      const nonce = nonceFor('root')
      const s = scan(makeContext('root-busybox', nonce), nonce)
      const p = probeOf(s)
      expect(s.status).toBe(1)
      expect(p.identity.uid).toEqual({ real: 0, effective: 0, saved: 0, fs: 0 })
      expect(p.identity.user_name).toBeNull() // no /etc/passwd in the image; never the host's names
      for (const set of ['permitted', 'effective', 'bounding'])
        expect(p.capabilities.sets[set]).toEqual({ raw: '00000000a80425fb', names: expect.any(Array) })
      expect(sorted(p.capabilities.sets.effective.names)).toEqual(DOCKER_DEFAULT_CAPS)
      expect(p.capabilities.sets.ambient.raw).toBe(ZERO_CAPS)
      expect(p.capabilities.sets.inheritable.raw).toBe(ZERO_CAPS)
      expect(p.capabilities.full_bounding).toBe(false)
      expect(p.no_new_privs).toEqual({ raw: '0', value: false })
      expect(p.seccomp).toEqual({ raw: '2', mode: 'filter', filters: 1 })
      expect(p.userns.identity).toBe(true)
      expect(p.userns.uid_map?.trim().split(/\s+/)).toEqual(['0', '0', '4294967295'])
      expect(p.rootfs.read_only).toBe(false)
      // Docker sets ip_unprivileged_port_start=0 in the container's netns: the bind is allowed.
      expect(p.bind.unprivileged_port_start).toBe(0)
      expect(p.bind.allowed).toBe(true)
      expect(p.privileged_files.scanned).toBe(true)
      expect(p.privileged_files.count).toBe(0)
      expect(workloadUids(s).every(([uid, euid]) => uid === 0 && euid === 0)).toBe(true)

      // Docker's defaults are one LP200 note (carrying the measured NoNewPrivs), not LP221/LP420/LP440.
      expect(ruleIds(s)).toEqual(expect.arrayContaining(['LP101', 'LP200', 'LP540']))
      for (const folded of ['LP221', 'LP420', 'LP440']) expect(ruleIds(s)).not.toContain(folded)
      expect(finding(s, 'LP200')).toMatchObject({
        level: 'note',
        properties: { measured: { no_new_privs: false } }
      })
      expect(carries(s, 'LP101', 'LP140').level).toBe('error')
      expect(finding(s, 'LP540').level).toBe('warning') // never an error by default (hosted runners)
      for (const absent of ['LP141', 'LP240', 'LP241', 'LP340', 'LP341', 'LP441'])
        expect(ruleIds(s)).not.toContain(absent)
      if (!hostHasLsm(s)) {
        expect(p.lsm.label).toBeNull()
        expect(p.lsm.confined).toBeNull()
        expect(finding(s, 'LP343').level).toBe('note')
      }
      expect(verdicts(s)).toEqual({
        'least-privilege': 'fail',
        'runtime-hardening': 'warn',
        'kernel-isolation': 'pass',
        'no-escalation': 'warn',
        'host-protection': 'warn'
      })
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    'numeric non-root USER 1001:1001: uid/gid 1001 with names from the image, no effective caps',
    async () => {
      const nonce = nonceFor('nonroot')
      const s = scan(makeContext('nonroot', nonce, { etc: true }), nonce)
      const p = probeOf(s)
      expect(s.status).toBe(0) // only warnings and notes
      expect(p.identity.uid).toEqual({ real: 1001, effective: 1001, saved: 1001, fs: 1001 })
      expect(p.identity.gid).toEqual({ real: 1001, effective: 1001, saved: 1001, fs: 1001 })
      expect(p.identity.groups).toEqual([1001])
      expect(p.identity.user_name).toBe('appuser')
      expect(p.identity.group_name).toBe('appgroup')
      expect(p.capabilities.sets.permitted).toEqual({ raw: ZERO_CAPS, names: [] })
      expect(p.capabilities.sets.effective).toEqual({ raw: ZERO_CAPS, names: [] })
      expect(p.capabilities.sets.bounding.raw).toBe('00000000a80425fb')
      expect(p.rootfs.read_only).toBe(false)
      expect(p.bind.allowed).toBe(true)
      expect(workloadUids(s)).toEqual(s.result.measurement!.workload!.processes.map(() => [1001, 1001]))

      for (const absent of ['LP101', 'LP120', 'LP140', 'LP141', 'LP540', 'LP441'])
        expect(ruleIds(s)).not.toContain(absent)
      expect(ruleIds(s)).toContain('LP200')
      for (const folded of ['LP221', 'LP420', 'LP440']) expect(ruleIds(s)).not.toContain(folded)
      expect(verdicts(s)).toMatchObject({
        'least-privilege': 'pass',
        'runtime-hardening': 'warn',
        'no-escalation': 'warn',
        'host-protection': 'pass'
      })
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    'base image sets USER 1001, child has no USER: measured non-root, no error for least-privilege; --image too',
    async () => {
      const nonce = nonceFor('inherited')
      const baseTag = `lp-acceptance-base:${nonce.toLowerCase()}`
      const baseDir = makeContext('inherited-base', nonce)
      let lp101: JsonFinding | undefined
      docker(['build', '-q', '--label', `${RESOURCE_LABEL}=acceptance`, '-t', baseTag, baseDir])
      try {
        const dir = makeContext('inherited-child', nonce, { busybox: false })
        const dockerfile = path.join(dir, 'Dockerfile')
        writeFileSync(
          dockerfile,
          readFileSync(dockerfile, 'utf8').replace('lp-acceptance-base:placeholder', baseTag)
        )
        const s = scan(dir, nonce)
        const p = probeOf(s)
        expect(s.result.measurement!.image.user).toBe('1001')
        expect(p.identity.uid.effective).toBe(1001)
        expect(p.identity.uid.real).toBe(1001)
        expect(workloadUids(s).every(([uid, euid]) => uid === 1001 && euid === 1001)).toBe(true)
        const lpErrors = s.result.findings.filter(
          f => f.principle === 'least-privilege' && f.level === 'error' && !f.suppressed
        )
        expect(lpErrors).toEqual([])
        // A static "root" guess may stay visible, but the measured image user settles it below error.
        lp101 = s.result.findings.find(f => f.rule_id === 'LP101' && !f.suppressed)
        if (lp101) expect(lp101.message).toMatch(/1001/)
        expect(ruleIds(s)).not.toContain('LP140')
        expect(row(s, 'least-privilege').verdict).toBe('pass')
        expect(s.status).toBe(0)

        // The same base probed as an existing image (build-push-action flow): measured, and not deleted by us.
        const viaImage = scan(dir, nonce, { extra: ['--image', baseTag] })
        expect(probeOf(viaImage).identity.uid.effective).toBe(1001)
        expect(row(viaImage, 'least-privilege').verdict).toBe('pass')
        expect(docker(['images', '-q', baseTag]).trim()).not.toBe('')
      } finally {
        docker(['rmi', '-f', baseTag])
      }
      await expectNothingLeft(nonce)
      // The kept static note must not contradict the measurement it reports ("The build and probe confirm it").
      if (lp101) expect(lp101.message).not.toMatch(/probe confirm/i)
    },
    T
  )

  test(
    'setuid-root file arriving in a tar archive through ADD: listed by the walk, LP441 error for non-root',
    async () => {
      const nonce = nonceFor('setuid')
      const dir = makeContext('setuid-add', nonce, { etc: false })
      await tarWithSetuidFile(path.join(dir, 'tools.tar'))
      const s = scan(dir, nonce)
      const p = probeOf(s)
      expect(p.identity.uid.effective).toBe(1001)
      expect(p.privileged_files.scanned).toBe(true)
      expect(p.privileged_files.count).toBeGreaterThanOrEqual(1)
      const suid = p.privileged_files.files.find(f => f.path.replace(/^\/?/, '/') === '/bin/suidtool')
      expect(suid).toMatchObject({ setuid: true, setgid: false, uid: 0 })
      expect(suid!.mode).toMatch(/4755|rwsr-xr-x/)
      // Static analysis cannot see inside the archive; the measurement does.
      expect(ruleIds(s)).not.toContain('LP401')
      const lp441 = finding(s, 'LP441')
      expect(lp441.level).toBe('error') // NNP off + non-root + setuid-root binary: the bounding set is reachable
      expect(lp441.message).toContain('suidtool')
      // Non-root but one exec away from root on an identity-mapped host.
      expect(finding(s, 'LP540').level).toBe('warning')
      expect(row(s, 'no-escalation').verdict).toBe('fail')
      expect(s.status).toBe(1)
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    'scratch with one static binary and no shell: probed anyway (uid 65532, no names), workload seen',
    async () => {
      const nonce = nonceFor('noshell')
      const dir = makeContext('no-shell', nonce, { busybox: false })
      if (haveMuslGcc()) {
        execFileSync('musl-gcc', [
          '-static',
          '-Os',
          '-s',
          '-o',
          path.join(dir, 'app'),
          path.join(dir, 'sleeper.c')
        ])
      } else {
        // Same shape without a compiler: busybox is one static binary too, run as its `sleep` applet.
        console.warn('musl-gcc missing: the no-shell image uses busybox as its single static binary')
        copyFileSync(BUSYBOX, path.join(dir, 'app'))
      }
      const s = scan(dir, nonce)
      const p = probeOf(s)
      expect(allNotifications(s).filter(n => n.kind === 'probe-failed')).toEqual([])
      expect(p.identity.uid).toEqual({ real: 65532, effective: 65532, saved: 65532, fs: 65532 })
      expect(p.identity.gid.effective).toBe(65532)
      expect(p.identity.user_name).toBeNull()
      expect(p.capabilities.sets.effective.raw).toBe(ZERO_CAPS)
      expect(p.privileged_files.scanned).toBe(true)
      expect(p.privileged_files.count).toBe(0)
      const procs = s.result.measurement!.workload!.processes
      expect(workloadUids(s).every(([uid, euid]) => uid === 65532 && euid === 65532)).toBe(true)
      expect(procs.some(x => x.args.includes('/sleep'))).toBe(true)
      expect(ruleIds(s)).not.toContain('LP101')
      expect(row(s, 'least-privilege').verdict).toBe('pass')
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    '--read-only: the rootfs is measured read-only',
    async () => {
      const nonce = nonceFor('readonly')
      const s = scan(makeContext('nonroot', nonce, { etc: true }), nonce, { runOptions: '--read-only' })
      const p = probeOf(s)
      expect(p.rootfs.read_only).toBe(true)
      expect(p.identity.uid.effective).toBe(1001)
      expect(workloadUids(s).every(([uid]) => uid === 1001)).toBe(true)
      expect(row(s, 'least-privilege').verdict).toBe('pass')
      expect(s.status).toBe(0)
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    '--security-opt seccomp=unconfined: seccomp measured disabled, kernel-isolation fails',
    async () => {
      const nonce = nonceFor('seccomp')
      const s = scan(makeContext('nonroot', nonce, { etc: true }), nonce, {
        runOptions: '--security-opt seccomp=unconfined'
      })
      const p = probeOf(s)
      expect(p.seccomp).toEqual({ raw: '0', mode: 'disabled', filters: 0 })
      expect(carries(s, 'LP320', 'LP340').level).toBe('error')
      expect(row(s, 'kernel-isolation').verdict).toBe('fail')
      expect(s.status).toBe(1)
      // Measured values travel into SARIF result properties.
      const sarif = JSON.parse(readFileSync(path.join(s.dir, 'out.sarif'), 'utf8')) as {
        runs: Array<{ results: Array<{ ruleId: string; properties?: Record<string, unknown> }> }>
      }
      expect(sarif.runs[0].results.find(r => r.ruleId === 'LP340')).toBeUndefined()
      const lp320 = sarif.runs[0].results.find(r => r.ruleId === 'LP320')
      expect(JSON.stringify(lp320?.properties)).toMatch(/"measured":\{[^}]*"seccomp_mode":"disabled"/)
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    '--privileged --user 1001: full bounding set (minus what the host lacks), no effective caps, seccomp off',
    async () => {
      const nonce = nonceFor('privileged')
      const s = scan(makeContext('nonroot', nonce, { etc: true }), nonce, {
        runOptions: '--privileged --user 1001'
      })
      const p = probeOf(s)
      expect(p.identity.uid.effective).toBe(1001)
      expect(p.capabilities.sets.effective).toEqual({ raw: ZERO_CAPS, names: [] })
      expect(p.capabilities.sets.permitted.raw).toBe(ZERO_CAPS)
      const bnd = p.capabilities.sets.bounding.names
      expect(bnd).toEqual(
        expect.arrayContaining(['SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'NET_ADMIN', 'AUDIT_READ'])
      )
      expect(bnd.length).toBeGreaterThanOrEqual(37) // Docker 20.10's ALL is 0-37; this VM's root lacks one
      expect(p.seccomp).toEqual({ raw: '0', mode: 'disabled', filters: 0 })
      expect(carries(s, 'LP220', 'LP241').level).toBe('error')
      // Privileged turns seccomp off too: Kernel Isolation's one result is at the same flag.
      expect(carries(s, 'LP320', 'LP340').level).toBe('error')
      expect(ruleIds(s)).not.toContain('LP140')
      expect(ruleIds(s)).not.toContain('LP240') // privileged declares every cap: nothing beyond declared
      expect(verdicts(s)).toMatchObject({
        'least-privilege': 'pass',
        'runtime-hardening': 'fail',
        'kernel-isolation': 'fail'
      })
      expect(s.status).toBe(1)
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    '--cap-drop ALL as root: every capability set empty, root still reported',
    async () => {
      const nonce = nonceFor('capdrop')
      const s = scan(makeContext('root-busybox', nonce), nonce, { runOptions: '--cap-drop ALL' })
      const p = probeOf(s)
      expect(p.identity.uid.effective).toBe(0)
      for (const set of ['inheritable', 'permitted', 'effective', 'bounding', 'ambient'])
        expect(p.capabilities.sets[set]).toEqual({ raw: ZERO_CAPS, names: [] })
      // The sysctl, not a capability, lets even a cap-less root bind :80 (probe.md §2.3).
      expect(p.bind.allowed).toBe(true)
      expect(carries(s, 'LP101', 'LP140').level).toBe('error')
      for (const absent of ['LP221', 'LP240', 'LP241', 'LP242']) expect(ruleIds(s)).not.toContain(absent)
      expect(verdicts(s)).toMatchObject({ 'least-privilege': 'fail', 'runtime-hardening': 'pass' })
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    '--cap-drop ALL --cap-add NET_BIND_SERVICE as non-root: bounding 0x400 only, cap-add inert (LP242 note)',
    async () => {
      const nonce = nonceFor('nbs')
      const s = scan(makeContext('nonroot', nonce, { etc: true }), nonce, {
        runOptions: '--cap-drop ALL --cap-add NET_BIND_SERVICE'
      })
      const p = probeOf(s)
      expect(p.identity.uid.effective).toBe(1001)
      expect(p.capabilities.sets.bounding).toEqual({ raw: '0000000000000400', names: ['NET_BIND_SERVICE'] })
      expect(p.capabilities.sets.effective).toEqual({ raw: ZERO_CAPS, names: [] })
      expect(p.capabilities.sets.permitted).toEqual({ raw: ZERO_CAPS, names: [] })
      expect(p.bind.allowed).toBe(true)
      const lp242 = finding(s, 'LP242')
      expect(lp242.level).toBe('note')
      expect(lp242.message).toContain('NET_BIND_SERVICE')
      for (const absent of ['LP221', 'LP240', 'LP241']) expect(ruleIds(s)).not.toContain(absent)
      expect(row(s, 'runtime-hardening').verdict).toBe('pass')
      expect(s.status).toBe(0)
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    '--security-opt no-new-privileges: NoNewPrivs measured 1, no-escalation passes',
    async () => {
      const nonce = nonceFor('nnp')
      const s = scan(makeContext('nonroot', nonce, { etc: true }), nonce, {
        runOptions: '--security-opt no-new-privileges'
      })
      const p = probeOf(s)
      expect(p.no_new_privs).toEqual({ raw: '1', value: true })
      expect(p.seccomp.mode).toBe('filter')
      expect(ruleIds(s)).not.toContain('LP420')
      expect(ruleIds(s)).not.toContain('LP440')
      expect(row(s, 'no-escalation').verdict).toBe('pass')
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    'entrypoint drops root -> 1001 (su, gosu-style): workload runs as 1001 and the measurement decides',
    async () => {
      const nonce = nonceFor('drop')
      const s = scan(makeContext('drop-entrypoint', nonce, { etc: true }), nonce)
      const p = probeOf(s)
      // The probe replaces the entrypoint, so it sees the image's starting user: root.
      expect(p.identity.uid.effective).toBe(0)
      expect(s.result.measurement!.image.user).toBe('')
      // The real workload after the drop.
      expect(workloadUids(s).every(([uid, euid]) => uid === 1001 && euid === 1001)).toBe(true)
      expect(finding(s, 'LP141').level).toBe('note')
      expect(ruleIds(s)).not.toContain('LP140')
      const lp = row(s, 'least-privilege')
      expect(lp.verdict).not.toBe('fail')
      expect(lp.measured).toMatch(/1001/)
      const lpErrors = s.result.findings.filter(
        f => f.principle === 'least-privilege' && f.level === 'error' && !f.suppressed
      )
      expect(lpErrors.map(f => f.rule_id)).toEqual([])
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    '--user 0 over a non-root image: root with the default caps effective, LP120 carrying LP140',
    async () => {
      const nonce = nonceFor('user0')
      const s = scan(makeContext('nonroot', nonce, { etc: true }), nonce, { runOptions: '--user 0' })
      const p = probeOf(s)
      expect(p.identity.uid).toEqual({ real: 0, effective: 0, saved: 0, fs: 0 })
      expect(p.identity.user_name).toBe('root')
      expect(p.capabilities.sets.effective.raw).toBe('00000000a80425fb')
      expect(sorted(p.capabilities.sets.effective.names)).toEqual(DOCKER_DEFAULT_CAPS)
      expect(workloadUids(s).every(([uid, euid]) => uid === 0 && euid === 0)).toBe(true)
      expect(carries(s, 'LP120', 'LP140').level).toBe('error')
      expect(ruleIds(s)).not.toContain('LP101') // the Dockerfile itself is non-root
      expect(row(s, 'least-privilege').verdict).toBe('fail')
      expect(s.status).toBe(1)
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    '--security-opt apparmor=docker-default on a kernel without AppArmor: "no LSM", never "unconfined"',
    async () => {
      const nonce = nonceFor('apparmor')
      const s = scan(makeContext('nonroot', nonce, { etc: true }), nonce, {
        runOptions: '--security-opt apparmor=docker-default'
      })
      const p = probeOf(s)
      if (hostHasLsm(s)) {
        console.warn('host has a label-providing LSM: the no-LSM expectations do not apply here')
        await expectNothingLeft(nonce)
        return
      }
      expect(p.lsm.label).toBeNull()
      expect(p.lsm.confined).toBeNull()
      expect(p.lsm.apparmor_enabled).not.toBe(true)
      expect(finding(s, 'LP342').level).toBe('warning')
      expect(ruleIds(s)).not.toContain('LP341')
      expect(ruleIds(s)).not.toContain('LP321') // docker-default is not an unconfined request
      const ki = row(s, 'kernel-isolation')
      expect(ki.measured).not.toMatch(/unconfined/i)
      expect(ki.measured).toMatch(/no (label-providing )?LSM|LSM[^.]*not active|no LSM label/i)
      expect(ki.verdict).toBe('warn')
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    'a failing build (RUN busybox false): exit 2, one-line reason naming the step, static results kept',
    async () => {
      const nonce = nonceFor('buildfail')
      const dir = makeContext('build-fails', nonce)
      const s = scan(dir, nonce)
      expect(s.status).toBe(2)
      expect(s.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/) // no stack trace
      const reasonLines = s.stderr
        .split('\n')
        .filter(l => /false/.test(l) && /(fail|error|exit code)/i.test(l))
      expect(reasonLines.length).toBeGreaterThanOrEqual(1)
      // Static findings still reported: scratch without USER is root.
      expect(finding(s, 'LP101').level).toBe('error')
      expect(s.result.measurement?.probe ?? null).toBeNull()
      const note = allNotifications(s).find(n => n.kind === 'build-failed')
      expect(note?.message).toMatch(/false|RUN/)
      expect(row(s, 'kernel-isolation').verdict).toBe('not-measured')
      expect(row(s, 'kernel-isolation').reason ?? '').toMatch(/build/i)
      const sarif = JSON.parse(readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as {
        runs: Array<{
          results: Array<{ ruleId: string }>
          invocations?: Array<{ toolExecutionNotifications?: Array<{ message: { text: string } }> }>
        }>
      }
      expect(sarif.runs[0].results.map(r => r.ruleId)).toContain('LP101')
      const texts = (sarif.runs[0].invocations ?? []).flatMap(i =>
        (i.toolExecutionNotifications ?? []).map(n => n.message.text)
      )
      expect(texts.some(t => /build/i.test(t))).toBe(true)
      // No build container of the failed step stays behind (classic builder without forcerm would leave one).
      const leftovers = docker(['ps', '-a', '--no-trunc', '--format', '{{.Command}}'])
        .split('\n')
        .filter(c => c.includes('lp-acceptance-build-fails'))
      expect(leftovers).toEqual([])
      await expectNothingLeft(nonce)
    },
    T
  )

  test(
    'no daemon answers (DOCKER_HOST points nowhere): static results with a notice; --probe true exits 2',
    async () => {
      const nonce = nonceFor('nodaemon')
      const dir = makeContext('nonroot', nonce, { etc: true })
      const env = { DOCKER_HOST: `unix://${path.join(dir, 'no-such-docker.sock')}` }
      const auto = scan(dir, nonce, { env })
      expect(auto.status).toBe(0)
      expect(auto.result.measurement ?? null).toBeNull()
      expect(allNotifications(auto).some(n => n.kind === 'daemon-unreachable')).toBe(true)
      // A numeric non-root USER is a declared pass without a measurement (issue 8 item 7); with no
      // deployment the defaults are one LP200 note (item 6).
      expect(row(auto, 'least-privilege')).toMatchObject({ verdict: 'pass', basis: 'declared' })
      expect(ruleIds(auto)).toEqual(expect.arrayContaining(['LP200']))

      const forced = cli(['scan', '--format', 'json', '--probe', 'true', '--repo-root', dir, dir], env)
      expect(forced.status).toBe(2)
      const lines = forced.stderr.split('\n').filter(l => l.trim() !== '')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/daemon|docker/i)
      await expectNothingLeft(nonce)
    },
    T
  )
})
