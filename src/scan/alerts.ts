// One alert per cause: a Dockerfile judged under several targets (two compose services building one
// Dockerfile) holds its Dockerfile findings once per target, but each is one cause. Findings of different
// results with the same rule, file, line and end line are one alert, listing the targets it applies to.
// Within one result such findings stay apart (several setuid paths on one RUN line are several causes): the
// n-th of them in one result joins the n-th in another. SARIF, annotations and
// the counts render alerts; the per-target tables and sections keep showing per-target findings.
import { LEVEL_RANK, type Finding } from '../findings'
import type { ScanReport } from './types'

export interface Alert {
  /**
   * The worst occurrence: an unsuppressed one when there is any, then the highest level (the first of equals).
   * Its level, message and properties are the alert's; it carries `suppression` only when the finding is
   * suppressed under every target.
   */
  finding: Finding
  /** The file the alert points at: the finding's, or its result's Dockerfile when the finding names none. */
  file: string
  /** Names of the targets it was found under, in scan order, each once (results without a target add none). */
  targets: string[]
  /** The Dockerfiles (ScanResult.file) whose results hold it, each once. */
  dockerfiles: string[]
  /** How many findings it stands for. */
  occurrences: number
  /** The findings it stands for (one per result holding it), in scan order. */
  members: Finding[]
}

interface Building {
  alert: Alert
  targets: Set<string>
  dockerfiles: Set<string>
}

function rank(f: Finding): number {
  return (f.suppression ? 0 : 10) + LEVEL_RANK[f.level]
}

function byLine(findings: Finding[]): Finding[] {
  // Findings usually come in line order: check before paying for a sort.
  for (let i = 1; i < findings.length; i++) {
    if (findings[i].line < findings[i - 1].line) return [...findings].sort((a, b) => a.line - b.line)
  }
  return findings
}

/** The report's alerts, in scan order: results as scanned, each result's findings by line. */
export function alertsOf(report: ScanReport): Alert[] {
  const byKey = new Map<string, Building>()
  const order: Building[] = []
  for (const result of report.results) {
    const target = result.target?.name
    const seen = new Map<string, number>()
    for (const finding of byLine(result.findings)) {
      const file = finding.file || result.file
      const place = `${finding.ruleId}\0${file}\0${finding.line}\0${finding.endLine ?? ''}`
      const nth = seen.get(place) ?? 0
      seen.set(place, nth + 1)
      const key = `${place}\0${nth}`
      let entry = byKey.get(key)
      if (!entry) {
        entry = {
          alert: { finding, file, targets: [], dockerfiles: [], occurrences: 0, members: [] },
          targets: new Set(),
          dockerfiles: new Set()
        }
        byKey.set(key, entry)
        order.push(entry)
      } else if (rank(finding) > rank(entry.alert.finding)) {
        entry.alert.finding = finding
      }
      entry.alert.occurrences++
      entry.alert.members.push(finding)
      if (target !== undefined && !entry.targets.has(target)) {
        entry.targets.add(target)
        entry.alert.targets.push(target)
      }
      if (!entry.dockerfiles.has(result.file)) {
        entry.dockerfiles.add(result.file)
        entry.alert.dockerfiles.push(result.file)
      }
    }
  }
  // An unsuppressed occurrence ranks above every suppressed one, so the representative is suppressed
  // exactly when every occurrence is.
  return order.map(e => e.alert)
}
