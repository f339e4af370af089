// Turns the daemon's `GET /info` and `GET /version` answers into DaemonFacts. Pure: no I/O.
import type { DaemonFacts } from './types'

/** The parts of `/info` we read (the Engine returns many more). */
export interface InfoResponse {
  ServerVersion?: string
  KernelVersion?: string
  OperatingSystem?: string
  Architecture?: string
  CgroupVersion?: string
  SecurityOptions?: string[]
}

export interface VersionResponse {
  Version?: string
  ApiVersion?: string
  Arch?: string
  KernelVersion?: string
}

/** One `SecurityOptions` entry, e.g. `name=seccomp,profile=default`, as key/value pairs. */
export function parseSecurityOption(entry: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const part of entry.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) fields[part.trim()] = ''
    else fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  return fields
}

export function daemonFactsFrom(info: InfoResponse, version: VersionResponse, remote: boolean): DaemonFacts {
  const securityOptions = info.SecurityOptions ?? []
  const parsed = securityOptions.map(parseSecurityOption)
  const named = (name: string): Record<string, string> | undefined => parsed.find(o => o.name === name)
  const seccomp = named('seccomp')
  return {
    serverVersion: info.ServerVersion ?? version.Version ?? '',
    apiVersion: version.ApiVersion ?? '',
    kernelVersion: info.KernelVersion ?? version.KernelVersion ?? '',
    operatingSystem: info.OperatingSystem ?? '',
    architecture: info.Architecture ?? version.Arch ?? '',
    // Engines before 20.10 do not report it; they only ran cgroup v1.
    cgroupVersion: info.CgroupVersion ?? '1',
    securityOptions,
    ...(seccomp ? { seccompProfile: seccomp.profile ?? '' } : {}),
    apparmor: named('apparmor') !== undefined,
    selinux: named('selinux') !== undefined,
    userns: named('userns') !== undefined,
    rootless: named('rootless') !== undefined,
    remote
  }
}

/** Docker's names (x86_64, aarch64) and Go's (amd64, arm64) to the probe's binary suffix. */
export function probeArch(architecture: string): 'amd64' | 'arm64' | undefined {
  const arch = architecture.toLowerCase()
  if (arch === 'x86_64' || arch === 'amd64') return 'amd64'
  if (arch === 'aarch64' || arch === 'arm64' || arch === 'arm64/v8') return 'arm64'
  return undefined
}
