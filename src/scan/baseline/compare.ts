// Which alerts are new since the base commit, which are unchanged and which were fixed: by the same stable
// fingerprint code scanning keys alerts on (rule + file + normalised instruction text + occurrence), so a
// line inserted above a finding does not make it new, and "new" here is "new in code scanning". Pure.
import { stableIdentities } from '../../fingerprints'
import type { Finding } from '../../findings'
import type { Alert } from '../alerts'

export type BaselineState = 'new' | 'unchanged'

export interface BaselineComparison {
  /** One per head alert, in order. */
  states: BaselineState[]
  /** Base alerts (unsuppressed there) with no alert of their fingerprint at the head. */
  fixed: Alert[]
}

export interface CompareInput {
  head: readonly Alert[]
  /** Lines of a file on disk, by repo-relative path. */
  headLines: (file: string) => string[] | undefined
  /** The base's alerts, their files named as at the base. */
  base: readonly Alert[]
  /** Lines of a file at the base, by its name there. */
  baseLines: (file: string) => string[] | undefined
  /** True when the file (by its head name) differs from the base, or did not exist there. */
  changed: (file: string) => boolean
  /**
   * Head names a base file was renamed or copied to (git's detection): its findings count as present under
   * those names too, and one found under any of its names is not fixed.
   */
  copies?: ReadonlyMap<string, readonly string[]>
}

function entry(alert: Alert): Finding & { file: string } {
  return { ...alert.finding, file: alert.file }
}

/**
 * The base is read statically (no build, no probe), so a finding only a measurement makes (no declared
 * cause) has no twin there: it counts as new when a file that defines its target changed, else as unchanged
 * (the pull request did not touch what it measures).
 */
export function compareWithBase(input: CompareInput): BaselineComparison {
  const headIds = stableIdentities(input.head.map(entry), input.headLines)
  const baseIds = stableIdentities(input.base.map(entry), input.baseLines)
  // Each copy is fingerprinted as a file of its own, reading the base file's lines under the copy's name.
  const aliases: Array<{ of: number; id: string }> = []
  const byFile = new Map<string, Array<{ alert: Alert; i: number }>>()
  input.base.forEach((alert, i) => byFile.set(alert.file, [...(byFile.get(alert.file) ?? []), { alert, i }]))
  for (const [file, names] of input.copies ?? []) {
    const members = byFile.get(file) ?? []
    for (const name of names) {
      const ids = stableIdentities(
        members.map(m => ({ ...entry(m.alert), file: name })),
        copy => (copy === name ? input.baseLines(file) : undefined)
      )
      members.forEach((m, k) => aliases.push({ of: m.i, id: ids[k] }))
    }
  }
  const atBase = new Set([...baseIds, ...aliases.map(a => a.id)])
  const atHead = new Set(headIds)
  const foundUnderCopy = new Set(aliases.filter(a => atHead.has(a.id)).map(a => a.of))
  const states = input.head.map((alert, i): BaselineState => {
    if (atBase.has(headIds[i])) return 'unchanged'
    if (alert.finding.evidence !== 'measured') return 'new'
    const defining = [alert.file, ...alert.dockerfiles]
    return defining.some(file => input.changed(file)) ? 'new' : 'unchanged'
  })
  const fixed = input.base.filter(
    (alert, i) => !alert.finding.suppression && !atHead.has(baseIds[i]) && !foundUnderCopy.has(i)
  )
  return { states, fixed }
}
