// Counts and the one-sentence verdict every report format shares, so the terminal, the job summary, the PR
// comment and the JSON report never disagree. This reads findings; it does not decide them.

import { LEVEL_RANK, meetsThreshold, type FailOn, type Finding, type Level } from '../findings'
import type { RuleMeta } from '../rules/types'
import type { Notification, PrincipleRow, ScanReport, ScanResult } from '../scan/types'
import { PRINCIPLES } from '../principles'
import { TOOL_NAME, RULE_DOCS_BASE } from '../meta'
import { encodePath } from './escape'

export interface LevelCounts {
  error: number
  warning: number
  note: number
}

export interface ReportCounts {
  /** Unsuppressed findings by level. */
  byLevel: LevelCounts
  /** Unsuppressed findings in total. */
  findings: number
  suppressed: number
  /** Unsuppressed findings at or above the threshold. */
  failing: number
  files: number
  /** Files with at least one failing finding. */
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
}

export function activeFindings(result: ScanResult): Finding[] {
  return result.findings.filter(f => !f.suppression)
}

export function allNotifications(report: ScanReport): Notification[] {
  return [...report.notifications, ...report.results.flatMap(r => r.notifications)]
}

export function countLevels(findings: Finding[]): LevelCounts {
  const counts: LevelCounts = { error: 0, warning: 0, note: 0 }
  for (const f of findings) counts[f.level]++
  return counts
}

/** One pass over the findings (every renderer calls this, on reports of up to 100,000s of findings). */
export function countReport(report: ScanReport, failOn: FailOn): ReportCounts {
  const byLevel: LevelCounts = { error: 0, warning: 0, note: 0 }
  let findings = 0
  let suppressed = 0
  let failing = 0
  // A Dockerfile judged under several deployments (targets) is still one Dockerfile.
  const files = new Set<string>()
  const failingFiles = new Set<string>()
  for (const r of report.results) {
    files.add(r.file)
    let fileFails = false
    for (const f of r.findings) {
      if (f.suppression) {
        suppressed++
        continue
      }
      findings++
      byLevel[f.level]++
      if (meetsThreshold(f.level, failOn)) {
        failing++
        fileFails = true
      }
    }
    if (fileFails) failingFiles.add(r.file)
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** `2 errors, 1 warning, 0 notes` */
export function levelSummary(counts: LevelCounts): string {
  return `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}`
}

/**
 * The verdict: fail when a finding is at or above `failOn`, or when the scan itself failed (an error-level
 * notification); the sentence says which. Plain text: callers escape or decorate it.
 */
export function outcome(report: ScanReport, failOn: FailOn): Outcome {
  const counts = countReport(report, failOn)
  const files = plural(counts.files, 'Dockerfile')
  const parts: string[] = []
  if (counts.failing > 0) {
    parts.push(
      `${plural(counts.failing, 'finding')} at or above ${failOn} in ${plural(counts.failingFiles, 'Dockerfile')}`
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
    reason: sentence
  }
}

/** Most severe first, then by file and line: the order for "top findings". */
export function bySeverity(a: Finding, b: Finding, rules?: Map<string, RuleMeta>): number {
  const level = LEVEL_RANK[b.level] - LEVEL_RANK[a.level]
  if (level !== 0) return level
  const severity =
    (rules?.get(b.ruleId)?.securitySeverity ?? 0) - (rules?.get(a.ruleId)?.securitySeverity ?? 0)
  if (severity !== 0) return severity
  return compareText(a.file, b.file) || a.line - b.line || compareText(a.ruleId, b.ruleId)
}

export function byLine(a: Finding, b: Finding): number {
  return a.line - b.line || LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || compareText(a.ruleId, b.ruleId)
}

/** localeCompare, skipped for equal strings: sorting 100,000 findings of one file and rule compares many. */
function compareText(a: string, b: string): number {
  return a === b ? 0 : a.localeCompare(b)
}

export function ruleIndex(rules: RuleMeta[]): Map<string, RuleMeta> {
  return new Map(rules.map(r => [r.id, r]))
}

/** The docs page of a rule. */
export function ruleDocsUrl(ruleId: string): string {
  return `${RULE_DOCS_BASE}/${encodePath(ruleId)}.md`
}

export const LEVELS: Level[] = ['error', 'warning', 'note']

/** The five rows in principle order; a missing row is shown as not measured rather than left out. */
export function principleRows(result: ScanResult): PrincipleRow[] {
  return PRINCIPLES.map(
    principle =>
      result.rows.find(r => r.principle === principle) ?? {
        principle,
        dockerfile: '',
        deployment: '',
        measured: '',
        verdict: 'not-measured',
        reason: result.notMeasuredReason ?? 'no result'
      }
  )
}

/** Flags as one shell-like line; arguments with spaces are quoted so the split stays visible. */
export function flagsText(args: string[]): string {
  return args.map(a => (/\s|^$/.test(a) ? JSON.stringify(a) : a)).join(' ')
}
