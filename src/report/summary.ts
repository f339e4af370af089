// Helpers every renderer shares: ordering, rule links, the five rows in order. The counts and the verdict
// sentence are computed once, outside src/report/, in src/scan/outcome.ts; renderers only show them.

import { LEVEL_RANK, type Finding, type Level } from '../findings'
import type { RuleMeta } from '../rules/types'
import type { PrincipleRow, ScanResult } from '../scan/types'
import { PRINCIPLES } from '../principles'
import { RULE_DOCS_BASE } from '../meta'
import { encodePath } from './escape'

export type { LevelCounts, Outcome, ReportCounts } from '../scan/outcome'
export { allNotifications, countLevels, levelSummary } from '../scan/outcome'

export function activeFindings(result: ScanResult): Finding[] {
  return result.findings.filter(f => !f.suppression)
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
        basis: 'none',
        reason: result.notMeasuredReason ?? 'no result'
      }
  )
}

/** Flags as one shell-like line; arguments with spaces are quoted so the split stays visible. */
export function flagsText(args: string[]): string {
  return args.map(a => (/\s|^$/.test(a) ? JSON.stringify(a) : a)).join(' ')
}
