// The deployment profile: the runtime flags a container is (or will be) started with.
// The same object drives the probe container's HostConfig and is what the deployment rules judge.

export interface MountSpec {
  type: 'bind' | 'volume' | 'tmpfs'
  /** Host path for binds, volume name for volumes, empty for tmpfs. */
  source: string
  target: string
  readOnly: boolean
  /** The flag text this came from, for messages. */
  flag: string
  /** Extra options as given: `--tmpfs` options (`rw,size=64m`), `-v` modes other than ro/rw (`z`, `rshared`). */
  options?: string
}

export interface SecurityOpts {
  /** true for `no-new-privileges`, `no-new-privileges=true`, `:true`; false when explicitly false. */
  noNewPrivileges?: boolean
  /** `unconfined`, a profile path, or undefined for the daemon default. */
  seccomp?: string
  /**
   * The seccomp profile file named by `seccomp`, read and validated when the settings are read
   * (./load.ts), so a bad file fails before any build. `json` is the compact JSON sent to the daemon.
   */
  seccompProfile?: { path: string; json: string }
  /** `unconfined`, a profile name, or undefined for the default. */
  apparmor?: string
  /** `label=` values as given (`disable`, `type:container_t` ...). */
  labels: string[]
  /** `systempaths=unconfined`: /proc and /sys paths are no longer masked or read-only. */
  systemPaths?: string
}

export interface RuntimeProfile {
  /** True when any flags were given; false means Docker's defaults. */
  declared: boolean
  /** The flags as split, for reports, with secrets redacted (./redact.ts): never the raw values. */
  args: string[]
  /** `--user` value as given. */
  user?: string
  groupAdd: string[]
  privileged: boolean
  /** Normalised capability names without `CAP_`, upper case; `ALL` kept as `ALL`. */
  capAdd: string[]
  capDrop: string[]
  securityOpt: SecurityOpts
  /** `--userns` value (`host` or empty). */
  userns?: string
  pid?: string
  ipc?: string
  uts?: string
  network?: string
  /** `--cgroupns` (`host`, `private`). */
  cgroupns?: string
  readOnly: boolean
  devices: string[]
  /** `--device-cgroup-rule` values as given (`c 1:3 mr`, `a *:* rwm`). */
  deviceCgroupRules?: string[]
  mounts: MountSpec[]
  /** A null-prototype object: names come from input. */
  sysctls: Record<string, string>
  /** `--init`. */
  init: boolean
}
