// `--security-opt` values, parsed as the docker CLI and moby's `parseSecurityOpt` do: `key=value`, or the
// older `key:value` when there is no `=`, plus the bare `no-new-privileges`.

import { UsageError } from '../errors'
import { parseBoolWord } from './mounts'
import type { SecurityOpts } from './types'

const LABEL_KEYS = new Set(['user', 'role', 'type', 'level', 'filetype'])

export function applySecurityOpt(opts: SecurityOpts, raw: string): void {
  const value = raw.trim()
  if (value === 'no-new-privileges') {
    opts.noNewPrivileges = true
    return
  }
  const sep = value.includes('=') ? '=' : value.includes(':') ? ':' : undefined
  if (!sep) throw invalid(raw, 'expected key=value')
  const at = value.indexOf(sep)
  const key = value.slice(0, at)
  const arg = value.slice(at + 1)
  switch (key) {
    case 'no-new-privileges': {
      const parsed = parseBoolWord(arg)
      if (parsed === undefined) throw invalid(raw, 'no-new-privileges takes true or false')
      opts.noNewPrivileges = parsed
      return
    }
    case 'seccomp':
      if (!arg) throw invalid(raw, 'seccomp needs "unconfined" or a profile path')
      opts.seccomp = arg
      return
    case 'apparmor':
      if (!arg) throw invalid(raw, 'apparmor needs a profile name or "unconfined"')
      opts.apparmor = arg
      return
    case 'label':
      if (!validLabel(arg))
        throw invalid(raw, 'label takes disable, nested, or user:|role:|type:|level:|filetype:')
      opts.labels.push(arg)
      return
    case 'systempaths':
      if (arg !== 'unconfined') throw invalid(raw, 'systempaths only takes "unconfined"')
      opts.systemPaths = arg
      return
    default:
      throw invalid(raw, `unknown option "${key}"`)
  }
}

function validLabel(arg: string): boolean {
  if (arg === 'disable' || arg === 'nested') return true
  const colon = arg.indexOf(':')
  return colon > 0 && colon < arg.length - 1 && LABEL_KEYS.has(arg.slice(0, colon))
}

function invalid(raw: string, why: string): UsageError {
  return new UsageError(`run-options: invalid --security-opt ${JSON.stringify(raw)}: ${why}`)
}

/** True when a `label=` value turns SELinux confinement off (`disable`, or the unconfined `spc_t` type). */
export function labelDisablesSelinux(label: string): boolean {
  return label === 'disable' || label === 'type:spc_t' || label === 'type:unconfined_t'
}
