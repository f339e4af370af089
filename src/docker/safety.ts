// The tool's own limits, put on top of the deployment profile's HostConfig for every container it starts:
// no network unless the profile names one, memory and pids limits, the run label, and no auto-remove (the
// logs are read after exit; removal is ours, in finally).
import type { RuntimeProfile } from '../profile/types'
import { toHostConfig } from '../profile/host-config'
import { resourceLabels } from './resources'

export const PROBE_MEMORY_BYTES = 64 * 1024 * 1024
export const PROBE_PIDS_LIMIT = 64
/** The image's own entrypoint gets more room: a real service (a JVM, say) must not be OOM-killed in its window. */
export const WORKLOAD_MEMORY_BYTES = 512 * 1024 * 1024
export const WORKLOAD_PIDS_LIMIT = 256

export interface ContainerSpec {
  image: string
  entrypoint?: string[]
  cmd?: string[]
  runId: string
  /** Extra mounts (the probe binary). */
  mounts?: Array<Record<string, unknown>>
  /** Defaults: the probe's limits. */
  memoryBytes?: number
  pidsLimit?: number
}

/**
 * The profile the image's own entrypoint runs under in the workload window: the declared one, less the host.
 * Host bind mounts become empty tmpfs mounts at the same targets, and host devices and device cgroup rules
 * are not passed through, so code under review never reaches the runner's Docker socket, files or devices.
 * What the window reads
 * (uids, capabilities, seccomp, no_new_privs) does not depend on them; the rules still judge them as declared.
 */
export function workloadProfile(profile: RuntimeProfile): RuntimeProfile {
  return {
    ...profile,
    devices: [],
    // A cgroup rule plus the default CAP_MKNOD would let the workload make a host device node itself.
    deviceCgroupRules: [],
    mounts: profile.mounts.map(mount =>
      mount.type === 'bind'
        ? {
            type: 'tmpfs',
            source: '',
            target: mount.target,
            readOnly: mount.readOnly,
            flag: 'host mount withheld'
          }
        : mount
    )
  }
}

/** Create options for `POST /containers/create`: the profile's flags plus the tool's safety settings. */
export function containerCreateOptions(
  profile: RuntimeProfile,
  spec: ContainerSpec
): Record<string, unknown> {
  const { User, HostConfig } = toHostConfig(profile)
  const mounts = [...((HostConfig.Mounts as unknown[] | undefined) ?? []), ...(spec.mounts ?? [])]
  return {
    Image: spec.image,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ...(User !== undefined ? { User } : {}),
    Labels: resourceLabels(spec.runId),
    Tty: false,
    AttachStdin: false,
    OpenStdin: false,
    HostConfig: {
      ...HostConfig,
      NetworkMode: profile.network ? (HostConfig.NetworkMode ?? profile.network) : 'none',
      Memory: spec.memoryBytes ?? PROBE_MEMORY_BYTES,
      PidsLimit: spec.pidsLimit ?? PROBE_PIDS_LIMIT,
      AutoRemove: false,
      ...(mounts.length > 0 ? { Mounts: mounts } : {})
    }
  }
}
