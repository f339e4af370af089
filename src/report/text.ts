// Terminal output: per Dockerfile the five-principle table, the profile, findings by line with their fix,
// then one summary line. Colour only when asked (the caller honours NO_COLOR and TTY detection); all
// untrusted text passes through terminalSafe so a Dockerfile cannot send escape sequences to the terminal.

import type { FailOn, Finding, Level } from '../findings'
import { PRINCIPLE_NAMES } from '../principles'
import type { RuleMeta } from '../rules/types'
import { outcome as judge, type Outcome } from '../scan/outcome'
import type { Notification, PrincipleRow, ScanReport, ScanResult, Verdict } from '../scan/types'
import { terminalSafe } from './escape'
import {
  activeFindings,
  byLine,
  flagsText,
  levelSummary,
  principleRows,
  ruleDocsUrl,
  ruleIndex
} from './summary'

export interface TextOptions {
  color: boolean
  failOn: FailOn
  /** The scan's outcome (src/scan/outcome.ts); computed from failOn when not given. */
  outcome?: Outcome
}

const CELL_MAX = 30
const REASON_MAX = 40

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan'
const SGR: Record<Style, string> = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' }

type Paint = (style: Style, text: string) => string

function painter(color: boolean): Paint {
  return color ? (style, text) => `\u001b[${SGR[style]}m${text}\u001b[0m` : (_style, text) => text
}

const VERDICT_STYLE: Record<Verdict, Style> = {
  pass: 'green',
  fail: 'red',
  warn: 'yellow',
  'not-measured': 'dim'
}
const VERDICT_WORD: Record<Verdict, string> = {
  pass: 'pass',
  fail: 'FAIL',
  warn: 'warn',
  'not-measured': 'not measured'
}
const LEVEL_STYLE: Record<Level, Style> = { error: 'red', warning: 'yellow', note: 'cyan' }

/** Length as a terminal shows it, near enough: code points, not UTF-16 units. */
function width(text: string): number {
  return Array.from(text).length
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)))
}

function safe(text: string | undefined, max: number): string {
  return text && text.trim() ? terminalSafe(text, { maxLength: max }) : '-'
}

/** ` (measured; LP101: …)`: the basis, then the deciding finding or the reason, never parsed from text. */
function verdictDetail(row: PrincipleRow): string {
  const parts: string[] = []
  if (row.basis && row.basis !== 'none') parts.push(row.basis)
  if (row.verdict !== 'pass') {
    const by = row.decidedBy
    const text = row.assumed === 'docker-defaults' || !by ? row.reason?.trim() : `${by.ruleId}: ${by.message}`
    if (text) parts.push(terminalSafe(text, { maxLength: REASON_MAX }))
  }
  return parts.length ? ` (${parts.join('; ')})` : ''
}

function principleTable(result: ScanResult, paint: Paint): string[] {
  const rows = principleRows(result).map(row => {
    const reason = verdictDetail(row)
    return {
      cells: [
        PRINCIPLE_NAMES[row.principle],
        safe(row.dockerfile, CELL_MAX),
        safe(row.deployment, CELL_MAX),
        row.measured?.trim() ? safe(row.measured, CELL_MAX) : result.measurement ? '-' : 'not measured'
      ],
      verdict: VERDICT_WORD[row.verdict],
      reason,
      style: VERDICT_STYLE[row.verdict]
    }
  })
  const header = ['Principle', 'Dockerfile', 'Deployment flags', 'Measured']
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, width(r.cells[i])), width(h)))
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i])).join('  ')
  return [
    `  ${paint('dim', `${line(header)}  Verdict`)}`,
    ...rows.map(r => `  ${line(r.cells)}  ${paint(r.style, r.verdict)}${r.reason}`)
  ]
}

function profileLine(result: ScanResult): string {
  const flags =
    result.profile.declared && result.profile.args.length > 0
      ? terminalSafe(flagsText(result.profile.args))
      : 'Docker defaults (no run options given)'
  if (result.measurement) {
    const image = result.measurement.image.id
      ? `, image ${terminalSafe(result.measurement.image.id, { maxLength: 80 })}`
      : ''
    return `  Measured under: ${flags}${image}`
  }
  const why = result.notMeasuredReason ? `; not measured: ${terminalSafe(result.notMeasuredReason)}` : ''
  return `  Deployment profile: ${flags}${why}`
}

/** `12`, or `compose.yaml:12` for a finding in another file than the section's Dockerfile. */
function placeOf(finding: Finding, result: ScanResult): string {
  return finding.file && finding.file !== result.file
    ? `${terminalSafe(finding.file, { maxLength: 200 })}:${finding.line}`
    : String(finding.line)
}

/** `Dockerfile — compose.yaml service worker` for a declared deployment's target. */
export function sectionTitle(result: ScanResult): string {
  const target = result.target
  return target && (target.source === 'compose' || target.source === 'kubernetes')
    ? `${result.file} — ${target.name}`
    : result.file
}

/** The fix and docs lines of one rule, escaped once per rule rather than once per finding. */
type RuleLines = Map<string, [fix: string, docs: string] | null>

function findingLines(
  out: string[],
  finding: Finding,
  result: ScanResult,
  rules: Map<string, RuleMeta>,
  cache: RuleLines,
  paint: Paint,
  lineWidth: number
): void {
  const level = paint(LEVEL_STYLE[finding.level], pad(finding.level, 7))
  const rule = pad(terminalSafe(finding.ruleId, { maxLength: 12 }), 5)
  const place = placeOf(finding, result)
  out.push(
    `    ${place.padStart(lineWidth)}  ${level}  ${paint('bold', rule)}  ${terminalSafe(finding.message)}`
  )
  // lineWidth is the widest place in the section, so the indent is one per rule.
  let extra = cache.get(finding.ruleId)
  if (extra === undefined) {
    const meta = rules.get(finding.ruleId)
    const indent = ' '.repeat(4 + lineWidth + 2 + 7 + 2 + width(rule) + 2)
    extra = meta
      ? [
          `${indent}${paint('dim', 'fix:')} ${terminalSafe(meta.fix)}`,
          `${indent}${paint('dim', ruleDocsUrl(meta.id))}`
        ]
      : null
    cache.set(finding.ruleId, extra)
  }
  if (extra) out.push(extra[0], extra[1])
}

function notificationLine(n: Notification, paint: Paint): string {
  const style: Style = n.level === 'error' ? 'red' : n.level === 'warning' ? 'yellow' : 'cyan'
  const place = n.file
    ? ` ${terminalSafe(n.file, { maxLength: 200 })}${n.line && n.line >= 1 ? `:${n.line}` : ''}`
    : ''
  return `    ${paint(style, n.level)}  ${terminalSafe(n.kind, { maxLength: 40 })}${place}: ${terminalSafe(n.message)}`
}

/** Appends one file's section to `lines`: loops, never a spread, as one file may have 100,000 findings. */
function fileSection(lines: string[], result: ScanResult, rules: Map<string, RuleMeta>, paint: Paint): void {
  lines.push(paint('bold', terminalSafe(sectionTitle(result), { maxLength: 300 })))
  for (const row of principleTable(result, paint)) lines.push(row)
  lines.push(profileLine(result))
  const active = activeFindings(result).sort(byLine)
  const suppressed = result.findings.filter(f => f.suppression).sort(byLine)
  if (active.length > 0) {
    const lineWidth = active.reduce((w, f) => Math.max(w, width(placeOf(f, result))), 1)
    lines.push('', `  Findings (${active.length})`)
    const cache: RuleLines = new Map()
    for (const f of active) findingLines(lines, f, result, rules, cache, paint, lineWidth)
  } else {
    lines.push('', `  ${paint('green', 'No findings.')}`)
  }
  if (suppressed.length > 0) {
    lines.push('', paint('dim', `  Suppressed (${suppressed.length})`))
    for (const f of suppressed) {
      const why = f.suppression?.justification
        ? `: ${terminalSafe(f.suppression.justification, { maxLength: 120 })}`
        : ''
      lines.push(
        paint(
          'dim',
          `    ${f.line}  ${terminalSafe(f.ruleId, { maxLength: 12 })}  ${f.suppression?.kind} pragma${why}`
        )
      )
    }
  }
  if (result.notifications.length > 0) {
    lines.push('', '  Notifications')
    for (const n of result.notifications) lines.push(notificationLine(n, paint))
  }
}

/** The whole report for a terminal, ending with a newline. */
export function renderText(report: ScanReport, rules: RuleMeta[], options: TextOptions): string {
  const paint = painter(options.color)
  const byId = ruleIndex(rules)
  const out: string[] = []
  if (report.notifications.length > 0) {
    out.push('Notifications')
    for (const n of report.notifications) out.push(notificationLine(n, paint))
    out.push('')
  }
  for (const result of report.results) {
    fileSection(out, result, byId, paint)
    out.push('')
  }
  const result = options.outcome ?? judge(report, options.failOn)
  const counts = `${levelSummary(result.byLevel)}${result.suppressed > 0 ? `, ${result.suppressed} suppressed` : ''}`
  const mark = result.verdict === 'pass' ? paint('green', '✔') : paint('red', '✘')
  // A passing sentence already carries its counts; a failing one says only what failed.
  const tail = result.verdict === 'fail' ? ` (${counts})` : ''
  out.push(`${mark} ${paint('bold', terminalSafe(result.sentence, { maxLength: 400 }))}${tail}`)
  return out.join('\n') + '\n'
}
