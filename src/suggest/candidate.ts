// One candidate profile of the search, and the docker run flags it stands for. The flags are the single
// source of truth: the trial parses them (src/profile/parse.ts), so what is suggested is what was run.
import type { RuntimeProfile } from '../profile/types'
import { sortCaps } from '../profile/capabilities'

export type HostNamespace = 'pid' | 'ipc' | 'uts' | 'network'
export const HOST_NAMESPACES: readonly HostNamespace[] = ['pid', 'ipc', 'uts', 'network']

/** The user a root image is moved to: `nobody`, numeric so it needs no /etc/passwd. */
export const NON_ROOT_USER = '65534:65534'

export interface Candidate {
  /** Capabilities added back after `--cap-drop ALL` (names without CAP_). */
  caps: string[]
  /** tmpfs mounts on the read-only root filesystem. */
  writable: string[]
  /** false only when nothing short of a writable root keeps the workload alive. */
  readOnly: boolean
  /** `--user` value; undefined keeps the image's (or the declared) user. */
  user?: string
  /** Declared host namespaces kept. */
  hostNamespaces: HostNamespace[]
  /** Whether the image's own user (kept when `user` is undefined) is root. */
  imageUserRoot: boolean
  /** The image's own `USER`, for the owner of tmpfs mounts when `user` is undefined. */
  imageUser?: string
}

/** Root when the user is unset, `root` or uid 0 (with or without a group). */
export function isRootUser(user: string | undefined): boolean {
  if (user === undefined || user === '') return true
  const name = user.split(':')[0]
  return name === 'root' || name === '0'
}

/**
 * The tmpfs mounts as `--tmpfs` values. Docker gives a tmpfs the owner and mode of the folder it covers
 * (root's 0755 in most images, whatever `mode=` says), so a numeric non-root user is made its owner
 * (`uid=`, `gid=`), or it could not write there.
 */
export function tmpfsValues(candidate: Candidate): string[] {
  const user = candidate.user ?? candidate.imageUser
  const root = candidate.user !== undefined ? isRootUser(candidate.user) : candidate.imageUserRoot
  const m = user === undefined ? null : /^(\d+)(?::(\d+))?$/.exec(user)
  const owner = !root && m ? `:uid=${m[1]}${m[2] !== undefined ? `,gid=${m[2]}` : ''}` : ''
  return [...candidate.writable].sort().map(p => `${p}${owner}`)
}

/**
 * The declared flags the suggestion keeps as they are: mounts, a non-host network, --init, and resource
 * limits (memory, pids, CPU, ulimits): a suggestion tightens the deployment, it never loosens it.
 */
export function carriedArgs(declared: RuntimeProfile): string[] {
  const out: string[] = []
  for (const mount of declared.mounts) out.push(...splitFlag(mount.flag))
  if (declared.network && declared.network !== 'host') out.push('--network', declared.network)
  if (declared.init) out.push('--init')
  out.push(...declaredLimits(declared.args))
  return out
}

/** Limits on what the container may use; none of them can stop a workload from proving it works. */
const LIMIT_FLAGS = new Set([
  'memory',
  'memory-swap',
  'memory-reservation',
  'kernel-memory',
  'pids-limit',
  'cpus',
  'cpu-shares',
  'cpu-period',
  'cpu-quota',
  'cpuset-cpus',
  'cpuset-mems',
  'blkio-weight',
  'shm-size',
  'ulimit',
  'storage-opt'
])
const SHORT_LIMITS: Readonly<Record<string, string>> = { m: 'memory', c: 'cpu-shares' }

/** `--memory 64m`, `--memory=64m`, `-m 64m` in the declared (split) flags, as `--name value` pairs. */
export function declaredLimits(args: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const long = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    const short = /^-([mc])(.*)$/.exec(arg)
    const name = long ? long[1] : short ? SHORT_LIMITS[short[1]] : undefined
    if (name === undefined || !LIMIT_FLAGS.has(name)) continue
    const inline = long ? long[2] : short && short[2] !== '' ? short[2] : undefined
    const value = inline ?? args[i + 1]
    if (inline === undefined) i++
    if (value !== undefined && value !== '') out.push(`--${name}`, value)
  }
  return out
}

/** `--volume data:/data` -> [`--volume`, `data:/data`]; the flag text is what parse.ts recorded. */
function splitFlag(flag: string): string[] {
  const space = flag.indexOf(' ')
  return space < 0 ? [flag] : [flag.slice(0, space), flag.slice(space + 1)]
}

export function candidateArgs(candidate: Candidate, carried: string[] = []): string[] {
  const args = ['--cap-drop', 'ALL']
  for (const cap of sortCaps([...candidate.caps])) args.push('--cap-add', cap)
  args.push('--security-opt', 'no-new-privileges')
  if (candidate.readOnly) {
    args.push('--read-only')
    for (const value of tmpfsValues(candidate)) args.push('--tmpfs', value)
  }
  if (candidate.user !== undefined) args.push('--user', candidate.user)
  for (const ns of HOST_NAMESPACES) if (candidate.hostNamespaces.includes(ns)) args.push(`--${ns}`, 'host')
  return [...args, ...carried]
}

/** Words -> one string that src/profile/split.ts splits back into the same words. */
export function joinArgs(args: string[]): string {
  return args.map(quoteWord).join(' ')
}

function quoteWord(word: string): string {
  if (/^[\w.,:/=+@%-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** The host namespaces the declared profile shares. */
export function declaredHostNamespaces(profile: RuntimeProfile): HostNamespace[] {
  return HOST_NAMESPACES.filter(ns => profile[ns] === 'host')
}
