// Alerts (one per cause) as workflow-command annotations on the right file and line. GitHub shows at most 10
// annotations of each kind per step and drops the rest silently, so the most severe 10 of each kind
// are emitted and the summary and SARIF carry everything.
import type * as core from '@actions/core'
import type { Level } from '../findings'
import { bySeverity, ruleIndex } from '../report/summary'
import type { RuleMeta } from '../rules/types'
import { PRINCIPLE_NAMES } from '../principles'
import { alertsOf, type Alert } from '../scan/alerts'
import type { ScanReport } from '../scan/types'
import { safeError, safeNotice, safeWarning } from './runner-safe'

export type AnnotationKind = 'error' | 'warning' | 'notice'

export interface Annotation {
  kind: AnnotationKind
  message: string
  title: string
  file?: string
  startLine?: number
  endLine?: number
}

export const ANNOTATIONS_PER_KIND = 10

const KIND: Record<Level, AnnotationKind> = { error: 'error', warning: 'warning', note: 'notice' }
const ORDER: Record<AnnotationKind, number> = { error: 0, warning: 1, notice: 2 }

/** Targets named in one annotation; the rest are counted. */
const MAX_NAMED_TARGETS = 5

/**
 * Unsuppressed alerts (one per cause, src/scan/alerts.ts; with a baseline, the new ones) and operational
 * problems, most severe first
 * (level, then the rule's security severity, then file and line), at most `limit` per kind.
 */
export function selectAnnotations(
  report: ScanReport,
  rules: RuleMeta[] = [],
  limit = ANNOTATIONS_PER_KIND,
  alerts: Alert[] = alertsOf(report)
): Annotation[] {
  const byId = ruleIndex(rules)
  const all: Annotation[] = []
  // Operational problems first: they explain why a principle was not measured.
  for (const n of [...report.notifications, ...report.results.flatMap(r => r.notifications)]) {
    all.push({
      kind: KIND[n.level],
      title: `least-privilege: ${n.kind}`,
      message: n.message,
      file: n.file,
      startLine: n.file ? (n.line ?? 1) : undefined
    })
  }
  // With a baseline only what the change brings is annotated on the diff: the unchanged findings were there
  // before this pull request (they stay in the summary and in code scanning).
  const active = alerts
    .filter(a => !a.finding.suppression && a.finding.baselineState !== 'unchanged')
    .sort((a, b) => bySeverity(a.finding, b.finding, byId))
  for (const { finding: f, file, targets } of active) {
    all.push({
      kind: KIND[f.level],
      title: `${f.ruleId} (${PRINCIPLE_NAMES[f.principle]})`,
      message: targets.length > 1 ? `${f.message} (${targetList(targets)})` : f.message,
      file,
      startLine: f.line,
      endLine: f.endLine && f.endLine > f.line ? f.endLine : undefined
    })
  }
  // A stable sort keeps the order above within each kind.
  all.sort((a, b) => ORDER[a.kind] - ORDER[b.kind])
  const taken: Record<AnnotationKind, number> = { error: 0, warning: 0, notice: 0 }
  return all.filter(a => taken[a.kind]++ < limit)
}

function targetList(targets: string[]): string {
  const named = targets.slice(0, MAX_NAMED_TARGETS).join('; ')
  const more = targets.length > MAX_NAMED_TARGETS ? ` and ${targets.length - MAX_NAMED_TARGETS} more` : ''
  return `applies to ${named}${more}`
}

type Sink = Record<AnnotationKind, (message: string, properties?: core.AnnotationProperties) => void>

const SAFE_SINK: Sink = { error: safeError, warning: safeWarning, notice: safeNotice }

/**
 * Emits annotations; @actions/core escapes `%`, CR, LF, and in properties also `:` and `,`, and the safe
 * sink makes each message one capped line.
 */
export function emitAnnotations(annotations: Annotation[], sink: Sink = SAFE_SINK): void {
  for (const a of annotations) {
    sink[a.kind](a.message, { title: a.title, file: a.file, startLine: a.startLine, endLine: a.endLine })
  }
}
