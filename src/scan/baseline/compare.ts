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
  input.base.forEach((alert, i) => push(byFile, alert.file, { alert, i }))
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
  // One to one: each base finding is matched at most once, first by its own name, then under a name it was
  // renamed or copied to, so unchanged + fixed never exceeds what the base had.
  const own = new Map<string, number[]>()
  baseIds.forEach((id, i) => push(own, id, i))
  const moved = new Map<string, number[]>()
  for (const a of aliases) push(moved, a.id, a.of)
  const consumed = new Set<number>()
  const take = (pool: Map<string, number[]>, id: string): boolean => {
    const candidates = pool.get(id)
    // Consumed ones are dropped from the front, so each candidate is looked at once: linear overall.
    while (candidates && candidates.length > 0 && consumed.has(candidates[0])) candidates.shift()
    const free = candidates?.shift()
    if (free === undefined) return false
    consumed.add(free)
    return true
  }
  const matched = headIds.map(id => take(own, id))
  headIds.forEach((id, i) => {
    if (!matched[i]) matched[i] = take(moved, id)
  })
  const states = input.head.map((alert, i): BaselineState => {
    if (matched[i]) return 'unchanged'
    if (alert.finding.evidence !== 'measured') return 'new'
    const defining = [alert.file, ...alert.dockerfiles]
    return defining.some(file => input.changed(file)) ? 'new' : 'unchanged'
  })
  const fixed = input.base.filter((alert, i) => !alert.finding.suppression && !consumed.has(i))
  return { states, fixed }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}
