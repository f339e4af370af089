// The pass/fail of a scan, computed once as data: the counts, the verdict against the fail-on threshold and
// the one sentence that says why. The gate (exit status, step status) and every report format (text, JSON,
// Markdown, SARIF, annotations) take this object, so they can never disagree and none recomputes it.
// Counts are per alert (./alerts): a Dockerfile finding judged under two targets is one cause, counted once.
import { meetsThreshold, type FailOn, type Finding } from '../findings'
import { TOOL_NAME } from '../meta'
import { alertsOf, type Alert } from './alerts'
import type { BaselineSummary, Notification, ScanReport } from './types'

export interface LevelCounts {
  error: number
  warning: number
  note: number
}

export interface ReportCounts {
  /** Unsuppressed alerts by level. */
  byLevel: LevelCounts
  /** Unsuppressed alerts in total. */
  findings: number
  /** Alerts suppressed under every target they apply to. */
  suppressed: number
  /** Unsuppressed alerts at or above the threshold (with a baseline: only the new ones). */
  failing: number
  /** Dockerfiles scanned (one Dockerfile judged under several targets is one). */
  files: number
  /** Dockerfiles with at least one failing alert. */
  failingFiles: number
  /** Error-level notifications: the scan itself did not complete. */
  scanErrors: Notification[]
}

export interface Outcome extends ReportCounts {
  failOn: FailOn
  verdict: 'pass' | 'fail'
  /** One plain-text sentence saying why (no emoji, no markup), starting with the tool name. */
  sentence: string
  /** The same sentence without the tool name, for places that already name the tool. */
  reason: string
  /** One per cause, in scan order: what SARIF results and annotations render. */
  alerts: Alert[]
}

export function allNotifications(report: ScanReport): Notification[] {
  return [...report.notifications, ...report.results.flatMap(r => r.notifications)]
}

export function countLevels(findings: Finding[]): LevelCounts {
  const counts: LevelCounts = { error: 0, warning: 0, note: 0 }
  for (const f of findings) counts[f.level]++
  return counts
}

/** One pass over the alerts (reports may hold 100,000s of findings). */
export function countReport(
  report: ScanReport,
  failOn: FailOn,
  alerts: Alert[] = alertsOf(report)
): ReportCounts {
  const byLevel: LevelCounts = { error: 0, warning: 0, note: 0 }
  let findings = 0
  let suppressed = 0
  let failing = 0
  const files = new Set(report.results.map(r => r.file))
  const failingFiles = new Set<string>()
  for (const alert of alerts) {
    const f = alert.finding
    if (f.suppression) {
      suppressed++
      continue
    }
    findings++
    byLevel[f.level]++
    // With a baseline only what the change brings can fail it; what was already there is reported, not gated.
    if (meetsThreshold(f.level, failOn) && !(report.baseline && f.baselineState === 'unchanged')) {
      failing++
      for (const file of alert.dockerfiles) failingFiles.add(file)
    }
  }
  return {
    byLevel,
    findings,
    suppressed,
    failing,
    files: files.size,
    failingFiles: failingFiles.size,
    scanErrors: allNotifications(report).filter(n => n.level === 'error')
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** `1 new, 2 fixed, 10 unchanged` */
export function baselineCounts(baseline: BaselineSummary): string {
  return `${baseline.new} new, ${baseline.fixed} fixed, ${baseline.unchanged} unchanged`
}

/** `2 errors, 1 warning, 0 notes` */
export function levelSummary(counts: LevelCounts): string {
  return `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}`
}

/**
 * The verdict: fail when an alert is at or above `failOn`, or when the scan itself failed (an error-level
 * notification); the sentence says which. Plain text: callers escape or decorate it.
 */
export function outcome(report: ScanReport, failOn: FailOn, alerts: Alert[] = alertsOf(report)): Outcome {
  const counts = countReport(report, failOn, alerts)
  const files = plural(counts.files, 'Dockerfile')
  const parts: string[] = []
  const baseline = report.baseline
  const since = baseline ? ` since ${baseline.ref}; ${baselineCounts(baseline)}` : ''
  if (counts.failing > 0) {
    parts.push(
      `${plural(counts.failing, baseline ? 'new finding' : 'finding')} at or above ${failOn} in ${plural(counts.failingFiles, 'Dockerfile')}${since}`
    )
  }
  if (counts.scanErrors.length > 0) {
    const first = counts.scanErrors[0]
    const where = first.file ? `${first.file}: ` : ''
    const more = counts.scanErrors.length > 1 ? ` (and ${counts.scanErrors.length - 1} more)` : ''
    parts.push(`the scan failed: ${where}${first.message}${more}`)
  }
  let sentence: string
  if (parts.length > 0) {
    sentence = parts.join('; ')
  } else if (failOn === 'never') {
    sentence = `${plural(counts.findings, 'finding')} in ${files} (fail-on is never)`
  } else if (baseline) {
    sentence = `no new findings at or above ${failOn} in ${files}${since}`
  } else if (counts.findings > 0) {
    sentence = `no findings at or above ${failOn} in ${files} (${levelSummary(counts.byLevel)})`
  } else {
    sentence = `no findings in ${files}`
  }
  if (counts.suppressed > 0 && parts.length === 0) sentence += `, ${counts.suppressed} suppressed`
  return {
    ...counts,
    failOn,
    verdict: parts.length > 0 ? 'fail' : 'pass',
    sentence: `${TOOL_NAME}: ${sentence}`,
    reason: sentence,
    alerts
  }
}
