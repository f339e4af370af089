// RuntimeProfile -> Docker Engine API container-create fields, as the docker CLI would send them for the
// same flags. The probe container is created from this, so what the deployment rules judge is what the
// probe measures.

import { isAbsolute, resolve } from 'node:path'
import { parseDevice } from './devices'
import type { MountSpec, RuntimeProfile } from './types'

export interface HostConfigOptions {
  /** Relative bind sources are resolved against this (default: process.cwd()). */
  cwd?: string
}

export interface ContainerPrivilegeConfig {
  User?: string
  HostConfig: Record<string, unknown>
}

export function toHostConfig(
  profile: RuntimeProfile,
  options: HostConfigOptions = {}
): ContainerPrivilegeConfig {
  const cwd = options.cwd ?? process.cwd()
  const hostConfig: Record<string, unknown> = {
    Privileged: profile.privileged,
    ReadonlyRootfs: profile.readOnly,
    // The CLI sends names with the CAP_ prefix; ALL stays ALL.
    CapAdd: profile.capAdd.map(apiCapName),
    CapDrop: profile.capDrop.map(apiCapName)
  }
  const securityOpt = securityOptFor(profile)
  if (securityOpt.length) hostConfig.SecurityOpt = securityOpt
  if (profile.securityOpt.systemPaths === 'unconfined') {
    // The CLI turns `systempaths=unconfined` into empty masked/read-only path lists; the daemon rejects the option.
    hostConfig.MaskedPaths = []
    hostConfig.ReadonlyPaths = []
  }
  if (profile.userns !== undefined) hostConfig.UsernsMode = profile.userns
  if (profile.pid !== undefined) hostConfig.PidMode = profile.pid
  if (profile.ipc !== undefined) hostConfig.IpcMode = profile.ipc
  if (profile.uts !== undefined) hostConfig.UTSMode = profile.uts
  if (profile.network !== undefined) hostConfig.NetworkMode = profile.network
  if (profile.cgroupns !== undefined) hostConfig.CgroupnsMode = profile.cgroupns
  if (profile.devices.length) hostConfig.Devices = profile.devices.map(parseDevice)
  if (profile.deviceCgroupRules?.length) hostConfig.DeviceCgroupRules = [...profile.deviceCgroupRules]
  const mounts = profile.mounts.filter(m => !isTmpfsFlag(m)).map(m => apiMount(m, cwd))
  if (mounts.length) hostConfig.Mounts = mounts
  const tmpfs = profile.mounts.filter(isTmpfsFlag)
  if (tmpfs.length) hostConfig.Tmpfs = Object.fromEntries(tmpfs.map(m => [m.target, m.options ?? '']))
  // Object.fromEntries defines own keys, so a name like `__proto__` could not reach the prototype.
  const sysctls = Object.entries(profile.sysctls)
  if (sysctls.length) hostConfig.Sysctls = Object.fromEntries(sysctls)
  if (profile.groupAdd.length) hostConfig.GroupAdd = [...profile.groupAdd]
  if (profile.init) hostConfig.Init = true
  const config: ContainerPrivilegeConfig = { HostConfig: hostConfig }
  if (profile.user !== undefined) config.User = profile.user
  return config
}

function apiCapName(name: string): string {
  return name === 'ALL' ? 'ALL' : `CAP_${name}`
}

/** `--tmpfs` goes to HostConfig.Tmpfs as the CLI sends it; `--mount type=tmpfs` goes to Mounts. */
function isTmpfsFlag(mount: MountSpec): boolean {
  return mount.type === 'tmpfs' && mount.flag.startsWith('--tmpfs')
}

function apiMount(mount: MountSpec, cwd: string): Record<string, unknown> {
  // Propagation, SELinux relabel and volume driver options are left out: they do not change privilege.
  const source =
    mount.type === 'bind' && !isAbsolute(mount.source) ? resolve(cwd, mount.source) : mount.source
  const api: Record<string, unknown> = { Type: mount.type, Target: mount.target, ReadOnly: mount.readOnly }
  if (mount.type !== 'tmpfs') api.Source = source
  return api
}

function securityOptFor(profile: RuntimeProfile): string[] {
  const opts = profile.securityOpt
  const out: string[] = []
  if (opts.noNewPrivileges !== undefined) out.push(`no-new-privileges=${opts.noNewPrivileges}`)
  if (opts.seccomp !== undefined) out.push(`seccomp=${seccompValue(profile)}`)
  if (opts.apparmor !== undefined) out.push(`apparmor=${opts.apparmor}`)
  for (const label of opts.labels) out.push(`label=${label}`)
  return out
}

/**
 * `unconfined`/`builtin` pass through; a path becomes the profile's compact JSON, as the CLI does. The file
 * was read when the settings were read (./load.ts): reading it here, after a build, is what let a FIFO hang
 * the process and a bad file pass `--no-build`.
 */
function seccompValue(profile: RuntimeProfile): string {
  const { seccomp, seccompProfile } = profile.securityOpt
  if (seccomp === 'unconfined' || seccomp === 'builtin') return seccomp as string
  if (!seccompProfile) {
    // A profile built without loadRuntimeProfile: a bug, not bad input.
    throw new Error(
      `seccomp profile ${JSON.stringify(seccomp)} was not loaded before the container was created`
    )
  }
  return seccompProfile.json
}
