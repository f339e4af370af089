// Hand-built scan reports covering what the reporters must render: a measured root Dockerfile with several
// findings (one suppressed) and probe values, a static-only result, a failed build, hostile names and text,
// and a large report for truncation.
import type { ProbeReport } from '../../src/docker/probe-report'
import type { DaemonFacts, ImageFacts, Measurement } from '../../src/docker/types'
import type { Finding } from '../../src/findings'
import type { RuntimeProfile } from '../../src/profile/types'
import type { FindingRef, PrincipleRow, ScanReport, ScanResult } from '../../src/scan/types'

export const ROOT_DOCKERFILE = [
  'FROM alpine:3.20 AS build',
  'RUN apk add --no-cache build-base',
  '',
  'FROM alpine:3.20',
  'RUN apk add --no-cache sudo',
  '# least-privilege ignore=LP401 ping needs it on this host',
  'RUN chmod u+s /bin/ping',
  'COPY --from=build /out/app /app',
  'USER root',
  'ENTRYPOINT ["/app"]',
  ''
].join('\n')

export const STATIC_DOCKERFILE = [
  'FROM scratch',
  'COPY app /app',
  'USER app',
  'ENTRYPOINT ["/app"]',
  ''
].join('\n')

export function profile(args: string[] = []): RuntimeProfile {
  return {
    declared: args.length > 0,
    args,
    groupAdd: [],
    privileged: false,
    capAdd: args.includes('--cap-add=SYS_ADMIN') ? ['SYS_ADMIN'] : [],
    capDrop: [],
    securityOpt: { labels: [], seccomp: args.includes('seccomp=unconfined') ? 'unconfined' : undefined },
    readOnly: false,
    devices: [],
    mounts: [],
    sysctls: {},
    init: false
  }
}

export const probe: ProbeReport = {
  schema_version: 1,
  source_sha256: 'a3f1c0ffee'.padEnd(64, '0'),
  target: { pid: 'self', mode: 'self' },
  kernel: { release: '6.1.0-18-amd64', machine: 'x86_64', cap_last_cap: 40 },
  identity: {
    uid: { real: 0, effective: 0, saved: 0, fs: 0 },
    gid: { real: 0, effective: 0, saved: 0, fs: 0 },
    groups: [0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27],
    user_name: 'root',
    group_name: 'root',
    raw: { uid: '0\t0\t0\t0', gid: '0\t0\t0\t0', groups: '0 1 2 3 4 6 10 11 20 26 27' }
  },
  capabilities: {
    sets: {
      inheritable: { raw: '0000000000000000', names: [] },
      permitted: { raw: '00000000a82425fb', names: ['CHOWN', 'DAC_OVERRIDE', 'SYS_ADMIN'] },
      effective: { raw: '00000000a82425fb', names: ['CHOWN', 'DAC_OVERRIDE', 'SYS_ADMIN'] },
      bounding: { raw: '00000000a82425fb', names: ['CHOWN', 'DAC_OVERRIDE', 'SYS_ADMIN'] },
      ambient: { raw: '0000000000000000', names: [] }
    },
    full_bounding: false
  },
  no_new_privs: { raw: '0', value: false },
  seccomp: { raw: '0', mode: 'disabled', filters: 0 },
  lsm: {
    active: ['capability', 'landlock', 'yama'],
    active_source: '/sys/kernel/security/lsm',
    apparmor_enabled: false,
    selinux_enabled: false,
    label: null,
    label_lsm: null,
    label_mode: null,
    confined: null
  },
  userns: {
    uid_map: '         0          0 4294967295',
    gid_map: '         0          0 4294967295',
    uid_map_entries: [{ inside: 0, outside: 0, length: 4294967295 }],
    identity: true,
    host_uid: 0,
    setgroups: 'allow'
  },
  rootfs: { read_only: false, fstype: 'overlay', options: 'rw,relatime' },
  bind: { port: 80, unprivileged_port_start: 0, result: 'ok', allowed: true },
  privileged_files: {
    scanned: true,
    count: 2,
    truncated: false,
    files: [
      { path: '/bin/ping', mode: '4755', uid: 0, gid: 0, setuid: true, setgid: false, file_caps: false },
      { path: '/usr/bin/sudo', mode: '4111', uid: 0, gid: 0, setuid: true, setgid: false, file_caps: false }
    ]
  },
  errors: [{ item: 'lsm.label', errno: 'EINVAL' }]
}

const image: ImageFacts = {
  ref: 'sha256:5be8e7a1',
  id: 'sha256:5be8e7a1c6a4b2f0',
  user: 'root',
  entrypoint: ['/app'],
  cmd: [],
  exposedPorts: [],
  architecture: 'amd64',
  os: 'linux'
}

const daemon: DaemonFacts = {
  serverVersion: '20.10.24',
  apiVersion: '1.41',
  kernelVersion: '6.1.0-18-amd64',
  operatingSystem: 'Debian GNU/Linux 12',
  architecture: 'x86_64',
  cgroupVersion: '2',
  securityOptions: ['name=seccomp,profile=default', 'name=cgroupns'],
  apparmor: false,
  selinux: false,
  userns: false,
  rootless: false,
  remote: false
}

export const measurement: Measurement = { image, daemon, probe, injection: 'bind-mount' }

function finding(
  partial: Partial<Finding> & Pick<Finding, 'ruleId' | 'principle' | 'level' | 'message' | 'line'>
): Finding {
  return { evidence: 'dockerfile', file: 'Dockerfile', ...partial }
}

export const rootFindings: Finding[] = [
  finding({
    ruleId: 'LP101',
    principle: 'least-privilege',
    level: 'error',
    message: 'The final stage runs as root: USER root on line 9. The probe measured uid 0.',
    line: 9,
    properties: { uid: 0, gid: 0, user: 'root' }
  }),
  finding({
    ruleId: 'LP402',
    principle: 'no-escalation',
    level: 'warning',
    message: 'sudo is installed in the final stage.',
    line: 5
  }),
  finding({
    ruleId: 'LP401',
    principle: 'no-escalation',
    level: 'warning',
    message: 'chmod u+s sets the setuid bit on /bin/ping.',
    line: 7,
    suppression: { kind: 'inline', justification: 'ping needs it on this host', line: 6 }
  }),
  finding({
    ruleId: 'LP202',
    principle: 'runtime-hardening',
    level: 'error',
    evidence: 'measured',
    message: 'The container holds SYS_ADMIN (measured in CapEff).',
    line: 4,
    properties: { capEff: '00000000a82425fb', dangerous: ['SYS_ADMIN'] }
  }),
  finding({
    ruleId: 'LP301',
    principle: 'kernel-isolation',
    level: 'error',
    evidence: 'deployment',
    message: 'Seccomp is disabled by --security-opt seccomp=unconfined.',
    line: 4,
    properties: { flag: '--security-opt seccomp=unconfined', seccompMode: 'disabled' }
  }),
  finding({
    ruleId: 'LP502',
    principle: 'host-protection',
    level: 'warning',
    evidence: 'measured',
    message: 'uid 0 in the container is uid 0 on the host (identity uid_map).',
    line: 4,
    properties: { uid_map: '0 0 4294967295', host_uid: 0 }
  })
]

/** The row reference of one of rootFindings. */
function decided(ruleId: string): FindingRef {
  const f = rootFindings.find(x => x.ruleId === ruleId)
  if (!f) throw new Error(`no fixture finding ${ruleId}`)
  return { ruleId: f.ruleId, level: f.level, file: f.file, line: f.line, message: f.message }
}

export const rootRows: PrincipleRow[] = [
  {
    principle: 'least-privilege',
    dockerfile: 'USER root (line 9)',
    deployment: 'no --user',
    measured: 'uid 0 (root)',
    verdict: 'fail',
    basis: 'measured',
    decidedBy: decided('LP101'),
    reason: `LP101: ${decided('LP101').message}`
  },
  {
    principle: 'runtime-hardening',
    dockerfile: 'no setcap',
    deployment: '--cap-add=SYS_ADMIN',
    measured: 'CapEff: CHOWN, DAC_OVERRIDE, SYS_ADMIN',
    verdict: 'fail',
    basis: 'measured',
    decidedBy: decided('LP202'),
    reason: `LP202: ${decided('LP202').message}`
  },
  {
    principle: 'kernel-isolation',
    dockerfile: '—',
    deployment: 'seccomp=unconfined',
    measured: 'Seccomp: disabled; no LSM',
    verdict: 'fail',
    basis: 'measured',
    decidedBy: decided('LP301'),
    reason: `LP301: ${decided('LP301').message}`
  },
  {
    principle: 'no-escalation',
    dockerfile: 'sudo installed',
    deployment: 'no no-new-privileges',
    measured: 'NoNewPrivs 0; 2 setuid files',
    verdict: 'warn',
    basis: 'measured',
    decidedBy: decided('LP402'),
    reason: `LP402: ${decided('LP402').message}`
  },
  {
    principle: 'host-protection',
    dockerfile: '—',
    deployment: 'no host namespaces',
    measured: 'uid_map identity',
    verdict: 'warn',
    basis: 'measured',
    decidedBy: decided('LP502'),
    reason: `LP502: ${decided('LP502').message}`
  }
]

export const measuredResult: ScanResult = {
  file: 'Dockerfile',
  profile: profile(['--cap-add=SYS_ADMIN', '--security-opt', 'seccomp=unconfined']),
  findings: rootFindings,
  measurement,
  rows: rootRows,
  notifications: []
}

export const staticResult: ScanResult = {
  file: 'services/api/Dockerfile',
  profile: profile(),
  findings: [
    {
      ruleId: 'LP103',
      principle: 'least-privilege',
      evidence: 'dockerfile',
      level: 'note',
      message: 'USER app is a name; Kubernetes runAsNonRoot cannot verify it.',
      file: 'services/api/Dockerfile',
      line: 3
    },
    {
      ruleId: 'LP201',
      principle: 'runtime-hardening',
      evidence: 'deployment',
      level: 'warning',
      message: 'No --cap-drop ALL: Docker default capabilities apply.',
      file: 'services/api/Dockerfile',
      line: 1
    }
  ],
  notMeasuredReason: 'static only (--no-build)',
  rows: [
    {
      principle: 'least-privilege',
      dockerfile: 'USER app',
      deployment: 'Docker defaults',
      measured: '',
      verdict: 'pass',
      basis: 'declared'
    },
    {
      principle: 'runtime-hardening',
      dockerfile: 'no setcap',
      deployment: 'no --cap-drop ALL',
      measured: '',
      verdict: 'warn',
      basis: 'declared',
      decidedBy: {
        ruleId: 'LP201',
        level: 'warning',
        file: 'services/api/Dockerfile',
        line: 1,
        message: 'No --cap-drop ALL: Docker default capabilities apply.'
      },
      reason: 'LP201: No --cap-drop ALL: Docker default capabilities apply.'
    },
    {
      principle: 'kernel-isolation',
      dockerfile: '—',
      deployment: 'Docker defaults',
      measured: '',
      verdict: 'not-measured',
      basis: 'none',
      reason: 'static only (--no-build)'
    },
    {
      principle: 'no-escalation',
      dockerfile: 'no setuid, no sudo',
      deployment: 'no no-new-privileges',
      measured: '',
      verdict: 'not-measured',
      basis: 'none',
      reason: 'static only (--no-build)'
    },
    {
      principle: 'host-protection',
      dockerfile: '—',
      deployment: 'Docker defaults',
      measured: '',
      verdict: 'not-measured',
      basis: 'none',
      reason: 'static only (--no-build)'
    }
  ],
  notifications: [
    {
      level: 'note',
      kind: 'static-only',
      message: 'Build and probe were skipped (--no-build).',
      file: 'services/api/Dockerfile'
    }
  ]
}

export const buildFailedResult: ScanResult = {
  file: 'worker/Dockerfile',
  profile: profile(),
  findings: [],
  notMeasuredReason: 'build failed',
  rows: [],
  notifications: [
    {
      level: 'error',
      kind: 'build-failed',
      message: 'Build failed at step 3/5: RUN make returned exit code 2.',
      file: 'worker/Dockerfile',
      line: 3
    }
  ]
}

const TIMES = { startedAt: '2025-01-02T03:04:05.000Z', finishedAt: '2025-01-02T03:04:09.500Z' }

export const measuredReport: ScanReport = { results: [measuredResult], notifications: [], ...TIMES }
export const staticReport: ScanReport = { results: [staticResult], notifications: [], ...TIMES }
export const buildFailedReport: ScanReport = {
  results: [measuredResult, buildFailedResult],
  notifications: [
    { level: 'warning', kind: 'cleanup-failed', message: 'Could not remove container 3f2a: already gone.' }
  ],
  ...TIMES
}
export const daemonDownReport: ScanReport = {
  results: [staticResult],
  notifications: [
    {
      level: 'error',
      kind: 'daemon-unreachable',
      message: 'Docker daemon unreachable at /var/run/docker.sock: ECONNREFUSED'
    }
  ],
  ...TIMES
}
export const cleanReport: ScanReport = {
  results: [{ ...staticResult, findings: [], notifications: [] }],
  notifications: [],
  ...TIMES
}

/** Untrusted text in every field a reporter prints. */
export const HOSTILE = {
  file: 'evil/</details><!-- lpp-report:v1 -->| pipe @org/team #123 `x`.Dockerfile',
  message:
    'USER [x](javascript:alert(1)) ![img](http://track.example/p.png) </details> <!-- marker --> | pipe @org/team #123\nsecond line \u001b[31mred\u001b[0m \u0007 ``` fence',
  cell: '<img src=x onerror=alert(1)> | a\nb @here #1 **bold**',
  justification: '</details><script>alert(1)</script> @admin'
}

export const hostileResult: ScanResult = {
  file: HOSTILE.file,
  profile: profile(['--user', '0`; rm -rf / | <b>']),
  findings: [
    {
      ruleId: 'LP101',
      principle: 'least-privilege',
      evidence: 'dockerfile',
      level: 'error',
      message: HOSTILE.message,
      file: HOSTILE.file,
      line: 2,
      properties: { user: '</details>`\u001b]0;pwned\u0007' }
    },
    {
      ruleId: 'LP402',
      principle: 'no-escalation',
      evidence: 'dockerfile',
      level: 'warning',
      message: 'sudo @org/team',
      file: HOSTILE.file,
      line: 3,
      suppression: { kind: 'file', justification: HOSTILE.justification, line: 1 }
    }
  ],
  measurement: {
    ...measurement,
    probe: {
      ...probe,
      identity: { ...probe.identity, user_name: '````</details>\n<!-- x -->', group_name: '@org/team' }
    }
  },
  rows: [
    {
      principle: 'least-privilege',
      dockerfile: HOSTILE.cell,
      deployment: HOSTILE.cell,
      measured: HOSTILE.cell,
      verdict: 'fail',
      basis: 'measured',
      reason: HOSTILE.cell
    }
  ],
  notifications: [
    { level: 'warning', kind: 'probe-failed', message: HOSTILE.message, file: HOSTILE.file, line: 0 }
  ]
}

export const hostileReport: ScanReport = { results: [hostileResult], notifications: [], ...TIMES }
export const HOSTILE_DOCKERFILE = 'FROM alpine\nUSER [x](javascript:alert(1)) </details>\nRUN apk add sudo\n'

/** Many findings over many files, for size limits. */
export function largeReport(files: number, findingsPerFile: number): ScanReport {
  const results: ScanResult[] = []
  for (let f = 0; f < files; f++) {
    const file = `apps/app-${f}/Dockerfile`
    const findings: Finding[] = []
    for (let i = 0; i < findingsPerFile; i++) {
      findings.push({
        ruleId: i % 3 === 0 ? 'LP101' : i % 3 === 1 ? 'LP402' : 'LP103',
        principle: i % 3 === 1 ? 'no-escalation' : 'least-privilege',
        evidence: 'dockerfile',
        level: i % 3 === 0 ? 'error' : i % 3 === 1 ? 'warning' : 'note',
        message: `Finding ${i} in ${file}: ${'ä'.repeat(40)} & <more> 😀 text to make it long enough to matter.`,
        file,
        line: i + 1,
        suppression: i % 10 === 9 ? { kind: 'inline', justification: `reason ${i}`, line: i } : undefined
      })
    }
    results.push({ ...measuredResult, file, findings, rows: rootRows, notifications: [] })
  }
  return { results, notifications: [], ...TIMES }
}
