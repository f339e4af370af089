// The probe's JSON report (printed by probe/probe.c on stdout). One object per probed process.
// snake_case because it is the wire format of the C program; raw kernel strings sit next to decoded values.

export type CapSetName = 'inheritable' | 'permitted' | 'effective' | 'bounding' | 'ambient'

export interface ProbeCapSet {
  /** Hex as in /proc/<pid>/status, e.g. `00000000a80425fb`. */
  raw: string
  /** Decoded names without CAP_, e.g. `NET_BIND_SERVICE`; unknown bits as `cap_41`. */
  names: string[]
}

export interface ProbeIdTuple {
  real: number
  effective: number
  saved: number
  fs: number
}

export interface ProbeError {
  /** What could not be read, e.g. `lsm.label`, `userns.uid_map`. */
  item: string
  /** errno name, e.g. `EINVAL`, `ENOENT`, `EACCES`. */
  errno: string
  detail?: string
}

export interface ProbeReport {
  schema_version: 1
  /** sha256 of probe/probe.c the binary was built from. */
  source_sha256: string
  target: { pid: number | 'self'; mode: 'self' | 'pid' }
  kernel: { release: string; machine: string; cap_last_cap: number | null }
  identity: {
    uid: ProbeIdTuple
    gid: ProbeIdTuple
    groups: number[]
    /** From the container's own /etc/passwd and /etc/group, null when absent. */
    user_name: string | null
    group_name: string | null
    raw: { uid: string; gid: string; groups: string }
  }
  capabilities: {
    sets: Record<CapSetName, ProbeCapSet>
    /** Bounding set holds every capability up to cap_last_cap. */
    full_bounding: boolean
  }
  no_new_privs: { raw: string | null; value: boolean | null }
  seccomp: { raw: string | null; mode: 'disabled' | 'strict' | 'filter' | null; filters: number | null }
  lsm: {
    /** Active LSMs by name when readable (lsm_list_modules, securityfs), else null. */
    active: string[] | null
    active_source: string | null
    apparmor_enabled: boolean | null
    selinux_enabled: boolean | null
    /** Raw label text; null when no label-providing LSM answers (never "unconfined" by default). */
    label: string | null
    label_lsm: 'apparmor' | 'selinux' | 'smack' | null
    /** AppArmor mode in parentheses, or null. */
    label_mode: string | null
    /** true: confined by a profile; false: explicitly unconfined / spc_t; null: no LSM label at all. */
    confined: boolean | null
  }
  userns: {
    uid_map: string | null
    gid_map: string | null
    uid_map_entries: Array<{ inside: number; outside: number; length: number }>
    /** True for the identity map `0 0 4294967295` (no user namespace). */
    identity: boolean | null
    /** Effective uid translated to the host through uid_map, null when unknown. */
    host_uid: number | null
    setgroups: string | null
  }
  rootfs: { read_only: boolean | null; fstype: string | null; options: string | null }
  bind: {
    port: number
    unprivileged_port_start: number | null
    /** `ok`, `EADDRINUSE` (also proves permission), `EACCES`, ... */
    result: string
    allowed: boolean | null
  }
  privileged_files: {
    scanned: boolean
    count: number
    truncated: boolean
    files: Array<{
      path: string
      mode: string
      uid: number
      gid: number
      setuid: boolean
      setgid: boolean
      file_caps: boolean
    }>
  }
  /** Only with `--listening`: the target's listening sockets, `tcp/8080`, `udp/53` (tcp6/udp6 folded in). */
  listening?: string[]
  errors: ProbeError[]
}
