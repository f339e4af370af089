// Runtime Hardening, from the Dockerfile: file capabilities hand privileges to whoever runs a file.
import { clip } from '../../dockerfile/limits'
import type { Level } from '../../findings'
import { commandLocation } from './locate'
import type { Rule, RuleHit } from '../types'
import { commandsOf, imageRuns, quote } from './commands'
import {
  DANGEROUS_FILE_CAPS,
  inDockerDefaults,
  isDangerousFileCap,
  setcapGrants,
  type FileCapGrant
} from './file-caps'

/** In Docker's default set and root-equivalent in a file's hands: as good as a setuid-root file. */
const ROOT_EQUIVALENT = new Set(['SETUID', 'DAC_OVERRIDE', 'CHOWN', 'FOWNER', 'SETFCAP'])

const capName = (name: string): string => `cap_${name.toLowerCase()}`

/** `a`, `a and b`, `a, b and c`. */
function andList(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/** Level and the sentences that say why, for one setcap grant. */
function judge(grant: FileCapGrant): { level: Level; why: string } {
  const dangerous = grant.raised.filter(isDangerousFileCap)
  const file = clip(grant.file)
  if (dangerous.length === 0) return { level: 'note', why: 'Anyone who runs it gains them.' }
  const shown = dangerous.slice(0, 6).map(capName)
  if (dangerous.length > 6) shown.push(`${dangerous.length - 6} more`)
  const what =
    dangerous.length === 1
      ? `${shown[0]} is dangerous: ${DANGEROUS_FILE_CAPS[dangerous[0]]}.`
      : `${andList(shown)} are dangerous.`
  const rootNow = dangerous.filter(name => ROOT_EQUIVALENT.has(name))
  if (rootNow.length > 0) {
    return {
      level: 'error',
      why: `${what} ${andList(rootNow.map(capName))} ${rootNow.length === 1 ? 'is' : 'are'} in Docker's default set, so under default flags anyone who runs ${file} can become root, as with a setuid-root file.`
    }
  }
  const outside = dangerous.filter(name => !inDockerDefaults(name))
  if (outside.length === 0) {
    return {
      level: 'warning',
      why: `${what} Docker's default set holds ${dangerous.length === 1 ? 'it' : 'them'}, so under default flags anyone who runs ${file} gains ${dangerous.length === 1 ? 'it' : 'them'}.`
    }
  }
  const it = outside.length === 1 ? 'it' : 'them'
  return {
    level: 'warning',
    why: `${what} ${andList(outside.map(capName))} ${outside.length === 1 ? 'is' : 'are'} outside Docker's default set, so the exec fails with EPERM unless the deployment adds ${it}; then anyone who runs ${file} gains ${it}.`
  }
}

export const fileCapabilitiesSet: Rule = {
  meta: {
    id: 'LP201',
    name: 'file-capabilities-set',
    principle: 'runtime-hardening',
    evidence: 'dockerfile',
    level: 'note',
    securitySeverity: 3.0,
    title: 'setcap gives a file capabilities in the final image',
    description:
      "File capabilities (setcap) give a process the listed capabilities when it executes the file, even as a non-root user, as long as they are in the container's bounding set. cap_net_bind_service alone is often the right tool (instead of root) and is a note. Dangerous capabilities (the dangerous cap-add list, plus cap_setuid, cap_setgid, cap_dac_override, cap_chown, cap_fowner, cap_setfcap and cap_setpcap) are a warning, and an error when Docker's default set already holds a root-equivalent one: then any user who runs the file can become root.",
    fix: 'Grant only what the program needs (e.g. only cap_net_bind_service=+ep to listen below 1024); never give a dangerous capability to an interpreter or general tool, and drop setcap when a port >= 1024 or a narrower helper does the job.'
  },
  check({ model }) {
    const hits: RuleHit[] = []
    for (const { run } of imageRuns(model)) {
      if (!run.text.includes('setcap')) continue
      for (const command of commandsOf(run)) {
        if (command.base !== 'setcap') continue
        for (const grant of setcapGrants(command.args)) {
          // Only the effective flag (`cap_x+e`) puts nothing in the permitted set: no grant.
          if (grant.raised.length === 0 && grant.unknown.length === 0) continue
          const { level, why } = judge(grant)
          const at = commandLocation(model, run, command)
          hits.push({
            message: `\`${quote(command)}\` on line ${at.line} gives ${clip(grant.file)} the file capabilities ${clip(grant.text)}. ${why}`,
            ...at,
            level,
            properties: {
              capabilities: clip(grant.text),
              file: clip(grant.file),
              ...(level !== 'note' ? { dangerous: grant.raised.filter(isDangerousFileCap).map(capName) } : {})
            }
          })
        }
      }
    }
    return hits
  }
}

export const runtimeHardeningRules: Rule[] = [fileCapabilitiesSet]
