// `run-options` (docker run flags) -> RuntimeProfile. Flag syntax follows the docker CLI (spf13/pflag):
// `--flag value`, `--flag=value`, `-u value`, `-u=value`, `-u1001`, clusters like `-it`, `--bool=false`.
// Values are validated as docker validates them, so a flag set docker would reject is rejected here, with
// one line naming run-options and the flag.

import { UsageError } from '../errors'
import { normaliseCapability } from './capabilities'
import { parseDevice } from './devices'
import { parseBoolWord, parseMount, parseTmpfs, parseVolume } from './mounts'
import { redactFlagValue, redactText } from './redact'
import { flagArity, shortFlagName } from './run-flags'
import { applySecurityOpt } from './security-opt'
import { splitRunOptions } from './split'
import type { RuntimeProfile } from './types'

/** Docker's defaults: what a container gets when no flags are given. */
export function defaultProfile(): RuntimeProfile {
  return {
    declared: false,
    args: [],
    groupAdd: [],
    privileged: false,
    capAdd: [],
    capDrop: [],
    securityOpt: { labels: [] },
    readOnly: false,
    devices: [],
    mounts: [],
    // Keys come from input (`--sysctl __proto__=1`): no prototype, so every name is an own key.
    sysctls: Object.create(null) as Record<string, string>,
    init: false
  }
}

/** Parse `docker run` flags (one string, split like a shell would, never by one). */
export function parseRunOptions(text: string): RuntimeProfile {
  return profileFromArgs(splitRunOptions(text))
}

/**
 * The same, for flags that are already words (e.g. from a config file list). The profile's `args` hold the
 * redacted display form (./redact.ts): the raw values of `--env` and of anything secret-shaped are not
 * kept anywhere, and error messages are redacted too. The tool never passes `--env` to a container (the
 * probe and the workload run without the deployment's environment), so nothing needs the real values.
 */
export function profileFromArgs(args: string[]): RuntimeProfile {
  try {
    return parseArgs(args)
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(redactText(error.message))
    throw error
  }
}

function parseArgs(args: string[]): RuntimeProfile {
  const profile = defaultProfile()
  const display = args.map(redactText)
  profile.declared = args.length > 0
  let i = 0
  const nextValue = (flag: string, name: string): string => {
    if (i >= args.length) throw new UsageError(`run-options: ${flag} needs a value`)
    display[i] = redactFlagValue(name, args[i])
    return args[i++]
  }
  while (i < args.length) {
    const at = i
    const word = args[i++]
    if (word === '--') {
      if (i < args.length) throw notAFlag(args[i])
      break
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=')
      const name = eq < 0 ? word.slice(2) : word.slice(2, eq)
      const inline = eq < 0 ? undefined : word.slice(eq + 1)
      const arity = flagArity(name)
      if (!arity) throw new UsageError(`run-options: unknown flag ${shown(`--${name}`)}`)
      if (arity === 'bool') applyBool(profile, name, inline)
      else {
        if (inline !== undefined) display[at] = `--${name}=${redactFlagValue(name, inline)}`
        applyValue(profile, name, inline ?? nextValue(`--${name}`, name))
      }
    } else if (word.startsWith('-') && word.length > 1) {
      // A cluster of one-letter flags; the first one that takes a value eats the rest of the word.
      for (let k = 1; k < word.length; k++) {
        const letter = word[k]
        const name = shortFlagName(letter)
        if (!name) throw new UsageError(`run-options: unknown flag -${letter}`)
        const rest = word.slice(k + 1)
        const inline = rest.startsWith('=') ? rest.slice(1) : undefined
        if (flagArity(name) === 'bool') {
          applyBool(profile, name, inline)
          if (inline !== undefined) break
        } else {
          const value = inline ?? rest
          if (inline !== undefined || rest) {
            display[at] =
              `${word.slice(0, k + 1)}${inline !== undefined ? '=' : ''}${redactFlagValue(name, value)}`
          }
          applyValue(profile, name, inline ?? (rest || nextValue(`-${letter}`, name)))
          break
        }
      }
    } else {
      throw notAFlag(word)
    }
  }
  profile.args = display
  // Mount flag text is quoted in findings; a volume option may carry a password.
  for (const mount of profile.mounts) {
    mount.flag = redactText(mount.flag)
    if (mount.options !== undefined) mount.options = redactText(mount.options)
  }
  return profile
}

/** Plain words as they are; anything with blanks, quotes or control characters quoted, so errors stay one line. */
function shown(word: string): string {
  return /^[\w.:/=+-]+$/.test(word) ? word : JSON.stringify(word)
}

function notAFlag(word: string): UsageError {
  return new UsageError(
    `run-options: unexpected ${JSON.stringify(word)}: run-options takes only docker run flags, not the image or command`
  )
}

function applyBool(profile: RuntimeProfile, name: string, inline: string | undefined): void {
  const on = inline === undefined ? true : parseBoolWord(inline)
  if (on === undefined)
    throw new UsageError(`run-options: --${name} takes true or false, not ${JSON.stringify(inline)}`)
  switch (name) {
    case 'privileged':
      profile.privileged = on
      break
    case 'read-only':
      profile.readOnly = on
      break
    case 'init':
      profile.init = on
      break
    case 'use-api-socket':
      // The CLI bind-mounts the daemon's socket into the container.
      profile.mounts = profile.mounts.filter(m => m.flag !== '--use-api-socket')
      if (on) {
        profile.mounts.push({
          type: 'bind',
          source: '/var/run/docker.sock',
          target: '/var/run/docker.sock',
          readOnly: false,
          flag: '--use-api-socket'
        })
      }
      break
    default:
    // accepted, no bearing on privilege
  }
}

const PID_MODES = /^(|host|container:.+)$/
const IPC_MODES = /^(|none|private|shareable|host|container:.+)$/
const UTS_MODES = /^(|host)$/
const USERNS_MODES = /^(|host)$/
const CGROUPNS_MODES = /^(|host|private)$/

function applyValue(profile: RuntimeProfile, name: string, value: string): void {
  const mode = (pattern: RegExp): string | undefined => {
    if (!pattern.test(value))
      throw new UsageError(`run-options: invalid --${name} value ${JSON.stringify(value)}`)
    return value || undefined
  }
  switch (name) {
    case 'user':
      profile.user = value || undefined
      break
    case 'group-add':
      profile.groupAdd.push(value)
      break
    case 'cap-add':
      addCapability(profile.capAdd, name, value)
      break
    case 'cap-drop':
      addCapability(profile.capDrop, name, value)
      break
    case 'security-opt':
      applySecurityOpt(profile.securityOpt, value)
      break
    case 'userns':
      profile.userns = mode(USERNS_MODES)
      break
    case 'pid':
      profile.pid = mode(PID_MODES)
      break
    case 'ipc':
      profile.ipc = mode(IPC_MODES)
      break
    case 'uts':
      profile.uts = mode(UTS_MODES)
      break
    case 'cgroupns':
      profile.cgroupns = mode(CGROUPNS_MODES)
      break
    case 'network':
    case 'net':
      profile.network = networkName(value)
      break
    case 'device':
      parseDevice(value) // validates; the profile keeps the flag text
      profile.devices.push(value)
      break
    case 'device-cgroup-rule':
      ;(profile.deviceCgroupRules ??= []).push(value)
      break
    case 'volume':
      profile.mounts.push(parseVolume(value))
      break
    case 'mount':
      profile.mounts.push(parseMount(value))
      break
    case 'tmpfs':
      profile.mounts.push(parseTmpfs(value))
      break
    case 'sysctl': {
      const eq = value.indexOf('=')
      if (eq <= 0)
        throw new UsageError(`run-options: invalid --sysctl ${JSON.stringify(value)}: expected name=value`)
      const key = value.slice(0, eq)
      if (!sysctlAllowed(key)) {
        throw new UsageError(
          `run-options: --sysctl ${JSON.stringify(key)} is not allowed (docker accepts net.*, fs.mqueue.* and the kernel IPC sysctls)`
        )
      }
      profile.sysctls[key] = value.slice(eq + 1)
      break
    }
    default:
    // accepted, no bearing on privilege
  }
}

// docker's opts.ValidateSysctl: only namespaced sysctls can be set for a container.
const KERNEL_SYSCTLS = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced'
])

function sysctlAllowed(name: string): boolean {
  return KERNEL_SYSCTLS.has(name) || name.startsWith('net.') || name.startsWith('fs.mqueue.')
}

/** `--network host`, or the newer `--network name=host,alias=x` form. */
function networkName(value: string): string {
  if (!value) throw new UsageError('run-options: --network needs a value')
  const named = /^name=([^,]+)/.exec(value)
  return named ? named[1] : value
}

function addCapability(list: string[], flag: string, value: string): void {
  if (value.includes(',')) {
    // Docker sends the whole word as one name and the daemon rejects it; say how to write it instead.
    throw new UsageError(
      `run-options: --${flag} takes one capability per flag (docker rejects ${JSON.stringify(value)}); repeat --${flag}`
    )
  }
  const name = normaliseCapability(value)
  if (!name)
    throw new UsageError(`run-options: unknown capability ${shown(value.trim().toUpperCase())} in --${flag}`)
  if (!list.includes(name)) list.push(name)
}
