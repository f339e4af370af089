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
  /** The base's alerts, their files already renamed to the names they have at the head. */
  base: readonly Alert[]
  /** Lines of a file at the base, by its name at the head. */
  baseLines: (file: string) => string[] | undefined
  /** True when the file (by its head name) differs from the base, or did not exist there. */
  changed: (file: string) => boolean
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
  const atBase = new Set(baseIds)
  const atHead = new Set(headIds)
  const states = input.head.map((alert, i): BaselineState => {
    if (atBase.has(headIds[i])) return 'unchanged'
    if (alert.finding.evidence !== 'measured') return 'new'
    const defining = [alert.file, ...alert.dockerfiles]
    return defining.some(file => input.changed(file)) ? 'new' : 'unchanged'
  })
  const fixed = input.base.filter((alert, i) => !alert.finding.suppression && !atHead.has(baseIds[i]))
  return { states, fixed }
}
