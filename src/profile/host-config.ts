// RuntimeProfile -> Docker Engine API container-create fields, as the docker CLI would send them for the
// same flags. The probe container is created from this, so what the deployment rules judge is what the
// probe measures.

import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { describeError, UsageError } from '../errors'
import { parseDevice } from './devices'
import type { MountSpec, RuntimeProfile } from './types'

export interface HostConfigOptions {
  /** Relative bind sources and seccomp profile paths are resolved against this (default: process.cwd()). */
  cwd?: string
  /** Reads a seccomp profile file (default: fs.readFileSync). The CLI sends the file's JSON, not its path. */
  readFile?: (path: string) => string
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
  const securityOpt = securityOptFor(profile, cwd, options.readFile ?? (p => readFileSync(p, 'utf8')))
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
  if (Object.keys(profile.sysctls).length) hostConfig.Sysctls = { ...profile.sysctls }
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

function securityOptFor(profile: RuntimeProfile, cwd: string, readFile: (path: string) => string): string[] {
  const opts = profile.securityOpt
  const out: string[] = []
  if (opts.noNewPrivileges !== undefined) out.push(`no-new-privileges=${opts.noNewPrivileges}`)
  if (opts.seccomp !== undefined) out.push(`seccomp=${seccompValue(opts.seccomp, cwd, readFile)}`)
  if (opts.apparmor !== undefined) out.push(`apparmor=${opts.apparmor}`)
  for (const label of opts.labels) out.push(`label=${label}`)
  return out
}

/** `unconfined`/`builtin` pass through; a path becomes the profile's compact JSON, as the CLI does. */
function seccompValue(value: string, cwd: string, readFile: (path: string) => string): string {
  if (value === 'unconfined' || value === 'builtin') return value
  const path = resolve(cwd, value)
  let text: string
  try {
    text = readFile(path)
  } catch (error) {
    throw new UsageError(`run-options: cannot read seccomp profile ${value}: ${describeError(error)}`)
  }
  try {
    return JSON.stringify(JSON.parse(text))
  } catch {
    throw new UsageError(`run-options: seccomp profile ${value} is not valid JSON`)
  }
}
