// The probe measuring itself by an exec in the workload container, in place of a container of its own: when
// that may be done at all (probeInWorkloadRefusal), and the exec whose report is kept only when the image's
// code beside it could not have changed it (untraceable-probe.ts, and the container's changes).
import type Docker from 'dockerode'
import { DOCKER_DEFAULT_CAPS, dockerCapabilitySet } from '../profile/capabilities'
import type { RuntimeProfile } from '../profile/types'
import { readCall, type CallContext } from './call'
import { runExec } from './exec-run'
import type { Injection } from './injection'
import { PROBE_TARGET } from './probe-binary'
import { parseProbeOutput } from './probe-output'
import type { ProbeReport } from './probe-report'
import { DEFAULT_PROBE_TIMEOUT_MS } from './probe-run'
import type { DaemonFacts } from './types'
import { daemonSuidDumpable, execReportDistrust } from './untraceable-probe'

/**
 * Why nothing exec'd beside the image's code can be trusted to read what it would read in a container of
 * its own, or undefined when it can. Beyond Docker's default capabilities the workload could bind-mount over
 * the probe or the files it walks (SYS_ADMIN), trace it (SYS_PTRACE) or reach the kernel; without the
 * default seccomp profile it could make a user namespace and with it its own mounts, which an exec joins
 * (it enters pid 1's namespaces as they are by then); with /proc and /sys unmasked it could reach the sysctls.
 */
export function besideImageCodeRefusal(profile: RuntimeProfile): string | undefined {
  if (profile.privileged) return '--privileged lets the workload change what an exec beside it sees'
  const beyond = dockerCapabilitySet(profile).filter(c => !DOCKER_DEFAULT_CAPS.includes(c))
  if (beyond.length > 0)
    return `the workload may hold ${beyond.join(', ')}, beyond Docker's defaults, and with it change what an exec beside it sees`
  if (profile.securityOpt.seccomp !== undefined)
    return "seccomp is not the daemon's default profile, which keeps user namespaces (and their mounts) from the workload"
  if (profile.securityOpt.systemPaths !== undefined) return 'systempaths=unconfined unmasks /proc and /sys'
  return undefined
}

/** Whether these flags keep a capability that reads any file, which would let a root exec read the probe. */
export function keepsReadAnyFile(profile: RuntimeProfile): boolean {
  return dockerCapabilitySet(profile).some(c => c === 'DAC_OVERRIDE' || c === 'DAC_READ_SEARCH')
}

/**
 * Why the probe cannot measure itself by an exec in the workload instead of in its own container, or
 * undefined when it can. An exec gets the container's process spec (user, groups, capabilities,
 * no_new_privs, seccomp, LSM label, namespaces: measured identical to the probe as entrypoint, flag for
 * flag), so the two differ only in what the workload is given in place of the host's (bind mounts and
 * devices), and in the image's code running beside the exec.
 */
export function probeInWorkloadRefusal(profile: RuntimeProfile, injection: Injection): string | undefined {
  if (injection !== 'bind-mount') return 'the daemon is remote: the probe is copied into its own container'
  if (profile.mounts.some(m => m.type === 'bind'))
    return 'the workload gets tmpfs in place of host bind mounts'
  if (profile.devices.length > 0 || (profile.deviceCgroupRules ?? []).length > 0)
    return 'the workload is not given host devices'
  return besideImageCodeRefusal(profile)
}

/**
 * The probe on itself, exec'd as the container's user from the execute-only copy: what a probe container
 * would report, kept only when the image's code beside it could neither trace it (untraceable-probe.ts) nor
 * have changed the files its walk read (the container's changes are empty once the walk is done).
 */
export async function probeItselfByExec(
  container: Docker.Container,
  opts: { probeTimeoutMs?: number; daemon: DaemonFacts; profile: RuntimeProfile },
  ctx: CallContext,
  executeOnly: boolean
): Promise<ProbeReport> {
  const out = await runExec(
    container,
    {
      cmd: [PROBE_TARGET],
      limitMs: opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      what: 'probe exec in the workload'
    },
    ctx
  )
  // A workload that exits while the probe runs takes the probe with it: only a whole run counts.
  if (out.exitCode !== 0)
    throw new Error(`the exec'd probe ended with exit code ${out.exitCode ?? 'unknown'}`)
  const report = parseProbeOutput(out.stdout, out.stderr, out.exitCode)
  const distrust = execReportDistrust(report, {
    executeOnly,
    suidDumpable: daemonSuidDumpable(opts.daemon)
  })
  if (distrust) throw new Error(distrust)
  const changes = (await readCall('changes of the workload container', ctx, s =>
    container.changes({ abortSignal: s } as Record<string, unknown>)
  )) as Array<{ Path?: string }> | null
  const changed = (changes ?? []).filter(c => !mountPointPath(c.Path ?? '', opts.profile))
  if (changed.length > 0)
    throw new Error(
      `the workload changed the image's files (${changed.length}) before the probe's walk was done`
    )
  return report
}

/** The daemon makes each mount's target (and the folders above it) in the container's own layer. */
function mountPointPath(path: string, profile: RuntimeProfile): boolean {
  const targets = [PROBE_TARGET, ...profile.mounts.map(m => m.target)]
  return targets.some(target => {
    const clean = target.replace(/\/+$/, '')
    return clean === path || clean.startsWith(`${path}/`)
  })
}
