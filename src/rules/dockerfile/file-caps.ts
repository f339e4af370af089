// `setcap` arguments read as libcap's cap_from_text() does: clauses `cap_a,cap_b+ep`, `=ep` (all), `all=eip`,
// several in one word separated by spaces, and each setcap call may set several files (`caps file ...`).
import {
  CAPABILITIES,
  DANGEROUS_CAPS,
  DOCKER_DEFAULT_CAPS,
  normaliseCapability
} from '../../profile/capabilities'

export interface FileCapGrant {
  /** Capabilities text as written, e.g. `cap_net_raw,cap_net_admin+eip`. */
  text: string
  file: string
  /** Normalised names raised into the permitted or inheritable set (`NET_RAW`), in kernel order. */
  raised: string[]
  /** Names the text could not read (an unknown capability, `$CAPS`). */
  unknown: string[]
}

/** setcap options whose value is the next word. */
const VALUE_OPTIONS = new Set(['-n'])

/** The (capabilities, file) pairs of a setcap command; none for `-r`, `-v` (verify only) or `-` (stdin). */
export function setcapGrants(args: string[]): FileCapGrant[] {
  const words: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '-r' || arg === '-v' || arg === '--remove' || arg === '--verify') return []
    if (VALUE_OPTIONS.has(arg)) {
      i++
      continue
    }
    if (/^-[qh]$/.test(arg) || /^--/.test(arg)) continue
    words.push(arg)
  }
  const grants: FileCapGrant[] = []
  for (let i = 0; i + 1 < words.length; i += 2) {
    if (words[i] === '-') continue
    grants.push({ text: words[i], file: words[i + 1], ...readCapText(words[i]) })
  }
  return grants
}

/** Raised (permitted or inheritable) and unreadable names of a cap_from_text() string. */
export function readCapText(text: string): { raised: string[]; unknown: string[] } {
  const raised = new Set<string>()
  const unknown = new Set<string>()
  for (const clause of text.trim().split(/\s+/).slice(0, 64)) {
    const match = /^([^=+-]*)((?:[=+-][eipEIP]*)+)$/.exec(clause)
    if (!match) {
      if (clause !== '') unknown.add(clause)
      continue
    }
    const names = match[1] === '' ? ['all'] : match[1].split(',')
    const caps: string[] = []
    for (const name of names) {
      const normal = normaliseCapability(name)
      if (normal === 'ALL') caps.push(...CAPABILITIES)
      else if (normal !== undefined) caps.push(normal)
      else unknown.add(name)
    }
    for (const op of match[2].match(/[=+-][eipEIP]*/g) ?? []) {
      const flags = op.slice(1).toLowerCase()
      const grants = flags.includes('p') || flags.includes('i')
      if (op[0] === '-') {
        if (grants) for (const cap of caps) raised.delete(cap)
      } else if (op[0] === '=') {
        for (const cap of caps) {
          if (grants) raised.add(cap)
          else raised.delete(cap)
        }
      } else if (grants) for (const cap of caps) raised.add(cap)
    }
  }
  return { raised: CAPABILITIES.filter(cap => raised.has(cap)), unknown: [...unknown] }
}

/**
 * Capabilities that as file capabilities hand a non-root user a way to root or out of the container: the
 * deployment rule's dangerous list, plus those Docker grants by default and that are root-equivalent in a
 * file's hands (the deployment rule leaves them to capabilities-not-dropped, since every container has
 * them; on a file they are a grant to whoever runs it).
 */
export const DANGEROUS_FILE_CAPS: Readonly<Record<string, string>> = {
  ...DANGEROUS_CAPS,
  SETUID: 'setuid(0): becomes root',
  SETGID: 'joins any group (shadow, disk, root)',
  DAC_OVERRIDE: 'writes any file, /etc/passwd and /etc/shadow included',
  CHOWN: 'takes ownership of any file, /etc/shadow included',
  FOWNER: 'changes the mode of any file, /etc/passwd included',
  SETFCAP: 'gives any file any capability, cap_setuid included',
  SETPCAP: 'moves bounding-set capabilities into its inheritable set'
}

export function isDangerousFileCap(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(DANGEROUS_FILE_CAPS, name)
}

/** Whether Docker's default bounding set holds the capability, so the exec works under default flags. */
export function inDockerDefaults(name: string): boolean {
  return DOCKER_DEFAULT_CAPS.includes(name)
}
