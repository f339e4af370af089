// Linux capabilities: the kernel's numbering, Docker's default set, and the set this tool calls dangerous.
// Used by the run-options parser (validation), the deployment and measured rules, and the reports.

/** Kernel uapi `linux/capability.h`, index = capability number (CAP_LAST_CAP = 40, CHECKPOINT_RESTORE). */
export const CAPABILITIES: readonly string[] = [
  'CHOWN', // 0
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL', // 5
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', // 10
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER', // 15
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT', // 20
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME', // 25
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL', // 30
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM', // 35
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE' // 40
]

/** The highest capability this table knows. */
export const LAST_KNOWN_CAP = CAPABILITIES.length - 1

/**
 * The highest capability Docker 20.10's "ALL" (and --privileged) hands out: its capability list stops at
 * AUDIT_READ (37). Newer engines go up to the kernel's cap_last_cap.
 */
export const DOCKER_2010_LAST_CAP = 37

/** moby `oci/caps/defaults.go`: what every container gets unless flags say otherwise (0xa80425fb). */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE'
]

/**
 * Capabilities that let a process reach past its container: load kernel code, read or write raw devices and
 * other processes' memory, reconfigure host-wide kernel state, or defeat the LSM. DAC_OVERRIDE and SETFCAP
 * are deliberately not here: both are in Docker's default set (so flagging them would flag every container;
 * `capabilities-not-dropped` covers the defaults), DAC_OVERRIDE only bypasses permissions on files the
 * container can already reach, and file capabilities set with SETFCAP stay capped by the bounding set.
 */
export const DANGEROUS_CAPS: Readonly<Record<string, string>> = {
  SYS_ADMIN: 'mount, namespaces, BPF and dozens of admin operations; the classic escape capability',
  SYS_MODULE: 'loads kernel modules: arbitrary code in the host kernel',
  SYS_PTRACE: 'traces and injects into other processes (host processes with --pid=host)',
  SYS_RAWIO: 'raw I/O ports and /dev/mem access',
  DAC_READ_SEARCH: 'open_by_handle_at() reads host files outside the container (the "shocker" escape)',
  NET_ADMIN: 'reconfigures interfaces, routes and firewall rules (the host network with --network=host)',
  BPF: 'loads BPF programs into the kernel',
  PERFMON: 'kernel performance monitoring, a side channel into other processes',
  SYS_BOOT: 'reboots the host or loads a new kernel (kexec)',
  MAC_ADMIN: 'changes the LSM (AppArmor/SELinux/Smack) policy',
  MAC_OVERRIDE: 'overrides the LSM policy',
  SYS_TIME: 'sets the host clock (the clock is not namespaced)',
  SYSLOG: 'reads and clears the kernel log, which leaks kernel addresses',
  LINUX_IMMUTABLE: 'clears immutable and append-only flags, e.g. on audit logs'
}

export function isDangerousCap(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(DANGEROUS_CAPS, name)
}

/** Capability number for a normalised name (`NET_ADMIN`), or undefined. */
export function capabilityNumber(name: string): number | undefined {
  const index = CAPABILITIES.indexOf(name)
  return index < 0 ? undefined : index
}

/**
 * `cap_net_admin`, `CAP_NET_ADMIN`, `net_admin` -> `NET_ADMIN`; `all` -> `ALL` (but not `CAP_ALL`, which
 * Docker rejects); anything else -> undefined.
 */
export function normaliseCapability(input: string): string | undefined {
  const upper = input.trim().toUpperCase()
  if (upper === 'ALL') return 'ALL'
  const bare = upper.startsWith('CAP_') ? upper.slice(4) : upper
  return CAPABILITIES.includes(bare) ? bare : undefined
}

/** Every capability up to and including `lastCap`. */
export function allCapabilities(lastCap: number = LAST_KNOWN_CAP): string[] {
  const names: string[] = []
  for (let n = 0; n <= lastCap; n++) names.push(capabilityName(n))
  return names
}

/** Name for a bit; bits the table does not know are `cap_N` as the kernel tools print them. */
export function capabilityName(bit: number): string {
  return CAPABILITIES[bit] ?? `cap_${bit}`
}

/** Decode a /proc status hex mask (`00000000a80425fb`) into names, lowest bit first. */
export function decodeCapMask(hex: string): string[] {
  let mask = BigInt(`0x${hex.trim() || '0'}`)
  const names: string[] = []
  for (let bit = 0; mask > 0n; bit++, mask >>= 1n) {
    if (mask & 1n) names.push(capabilityName(bit))
  }
  return names
}

/** Encode names (normalised, or `cap_N`) as a 16-digit hex mask like /proc shows. */
export function encodeCapMask(names: readonly string[]): string {
  let mask = 0n
  for (const name of names) {
    const unknown = /^cap_(\d+)$/.exec(name)
    const bit = capabilityNumber(name) ?? (unknown ? Number(unknown[1]) : undefined)
    if (bit !== undefined) mask |= 1n << BigInt(bit)
  }
  return mask.toString(16).padStart(16, '0')
}

export interface CapabilityFlags {
  privileged: boolean
  capAdd: readonly string[]
  capDrop: readonly string[]
}

/**
 * The bounding set Docker gives a container for these flags (moby `oci/caps.TweakCapabilities`):
 * privileged -> all; `--cap-add ALL` -> all minus drops; `--cap-drop ALL` -> only the adds; otherwise
 * defaults minus drops plus adds. `lastCap` is what "all" means (the engine's list cut at cap_last_cap).
 */
export function dockerCapabilitySet(flags: CapabilityFlags, lastCap: number = LAST_KNOWN_CAP): string[] {
  const all = allCapabilities(lastCap)
  if (flags.privileged) return all
  const adds = flags.capAdd
  const drops = flags.capDrop
  let caps: string[]
  if (adds.includes('ALL')) caps = all.filter(c => !drops.includes(c))
  else if (drops.includes('ALL')) caps = [...adds]
  else caps = [...DOCKER_DEFAULT_CAPS.filter(c => !drops.includes(c)), ...adds]
  return sortCaps([...new Set(caps)])
}

/** Sort by capability number (unknown `cap_N` by N). */
export function sortCaps(names: string[]): string[] {
  const rank = (n: string): number => {
    const known = capabilityNumber(n)
    if (known !== undefined) return known
    const unknown = /^cap_(\d+)$/.exec(n)
    return unknown ? Number(unknown[1]) : Number.MAX_SAFE_INTEGER
  }
  return [...names].sort((a, b) => rank(a) - rank(b))
}
