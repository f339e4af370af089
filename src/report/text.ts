// Terminal output: per Dockerfile the five-principle table, the profile, findings by line with their fix,
// then one summary line. Every line fits the given width: table cells and long lines wrap (never cut), widths
// measured as the terminal shows them (string-width, wrap-ansi). Colour only when asked (the caller honours
// TTY, NO_COLOR and FORCE_COLOR); all untrusted text passes through terminalSafe so a Dockerfile cannot send
// escape sequences to the terminal.
import stringWidth from 'string-width'
import wrapAnsi from 'wrap-ansi'

import type { FailOn, Finding, Level } from '../findings'
import { PRINCIPLE_NAMES } from '../principles'
import { expiredIgnoreOf, expiredIgnoreText, suppressionSource } from '../rules/policy'
import type { RuleMeta } from '../rules/types'
import { baselineCounts, outcome as judge, type Outcome } from '../scan/outcome'
import type {
  BaselineSummary,
  Notification,
  PrincipleRow,
  ScanReport,
  ScanResult,
  Verdict
} from '../scan/types'
import { terminalSafe } from './escape'
import { suggestionTextRows } from './suggestion'
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
  /** No line is wider than this many columns (src/cli/terminal.ts picks it); default 100. */
  width?: number
  failOn: FailOn
  /** The scan's outcome (src/scan/outcome.ts); computed from failOn when not given. */
  outcome?: Outcome
}

/** Longest text kept in one table cell: wrapped, it is still only a few lines. */
const CELL_MAX = 1000
const DEFAULT_WIDTH = 100

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

/**
 * Printable ASCII and the few other characters our own output uses, each one column as string-width
 * measures it (__tests__/report/text-width.test.ts checks that): text made only of these is measured by its
 * length, so a table of plain words never starts ICU's grapheme segmenter (about 50 ms on first use).
 */
export const ONE_COLUMN_TEXT = /^[\x20-\x7e…—–·×§’∪✔✘ℹ⚠→•✖]*$/u

/** Word widths seen, as string-width measures them (graphemes, wide CJK and emoji): words repeat a lot. */
const wordWidths = new Map<string, number>()
const WORD_CACHE_MAX = 50_000

function wordWidth(word: string): number {
  if (ONE_COLUMN_TEXT.test(word)) return word.length
  let w = wordWidths.get(word)
  if (w === undefined) {
    w = stringWidth(word)
    if (wordWidths.size >= WORD_CACHE_MAX) wordWidths.clear()
    wordWidths.set(word, w)
  }
  return w
}

/** Columns as a terminal shows them: the words' widths plus the spaces (no cluster spans a space). */
function width(text: string): number {
  if (ONE_COLUMN_TEXT.test(text)) return text.length
  let total = 0
  for (const word of text.split(' ')) total += wordWidth(word)
  return total + (text.split(' ').length - 1)
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)))
}

/**
 * `text` broken into lines of at most `columns`, between words; a word wider than that is split by
 * wrap-ansi (at grapheme boundaries), never cut off. Runs of spaces fold into one where a line breaks.
 */
function wrapTo(text: string, columns: number): string[] {
  const room = Math.max(1, columns)
  if (width(text) <= room) return [text]
  const lines: string[] = []
  let line = ''
  let lineWidth = 0
  for (const word of text.split(' ')) {
    if (word === '') continue
    const w = wordWidth(word)
    if (w > room) {
      if (line) lines.push(line)
      const parts = wrapAnsi(word, room, { hard: true, trim: false }).split('\n')
      for (let i = 0; i < parts.length - 1; i++) lines.push(parts[i])
      line = parts[parts.length - 1]
      lineWidth = wordWidth(line)
    } else if (line === '') {
      line = word
      lineWidth = w
    } else if (lineWidth + 1 + w <= room) {
      line += ` ${word}`
      lineWidth += 1 + w
    } else {
      lines.push(line)
      line = word
      lineWidth = w
    }
  }
  if (line || lines.length === 0) lines.push(line)
  return lines
}

/**
 * One logical line as printed lines: `first` then `text`, continuation lines indented under the text's start.
 * When `first` leaves too little room (a narrow terminal), the text starts on the next line instead.
 */
function hanging(first: string, text: string, columns: number): string[] {
  const lead = width(first)
  if (lead + width(text) <= columns) return [first + text]
  if (columns - lead < Math.min(20, Math.floor(columns / 2))) {
    const indent = Math.min(4, Math.max(0, columns - 10))
    return [
      ...wrapTo(first.trimEnd(), columns),
      ...wrapTo(text, columns - indent).map(l => ' '.repeat(indent) + l)
    ]
  }
  const hang = ' '.repeat(lead)
  return wrapTo(text, columns - lead).map((line, i) => (i === 0 ? first : hang) + line)
}

function safe(text: string | undefined, max: number): string {
  return text && text.trim() ? terminalSafe(text, { maxLength: max }) : '-'
}

/**
 * ` (measured; LP101, LP441)`: the basis, then the rule of every finding of this principle (its messages are
 * listed below the table), or the reason when no finding decides it. Never parsed from text.
 */
function verdictDetail(row: PrincipleRow, ruleIds: Map<string, Set<string>>): string {
  const parts: string[] = []
  if (row.basis && row.basis !== 'none') parts.push(row.basis)
  const ids = new Set<string>()
  if (row.decidedBy) ids.add(row.decidedBy.ruleId)
  for (const id of ruleIds.get(row.principle) ?? []) ids.add(id)
  if (row.verdict !== 'pass' && (ids.size === 0 || row.assumed === 'docker-defaults') && row.reason?.trim())
    parts.push(terminalSafe(row.reason.trim(), { maxLength: CELL_MAX }))
  if (ids.size > 0) parts.push(terminalSafe([...ids].join(', '), { maxLength: CELL_MAX }))
  return parts.length ? ` (${parts.join('; ')})` : ''
}

const TABLE_HEADER = ['Principle', 'Dockerfile', 'Deployment flags', 'Measured', 'Verdict']
/** Narrowest a column is squeezed to; "not measured" stays on one line of the verdict column. */
const MIN_COLUMN = [8, 6, 6, 6, 12]
const GAP = 2
const TABLE_INDENT = 2

/** Column widths that fit `columns`: natural widths, the widest shrunk one step at a time; undefined: too narrow. */
function columnWidths(rows: string[][], columns: number): number[] | undefined {
  const natural = TABLE_HEADER.map((h, i) => rows.reduce((w, r) => Math.max(w, width(r[i])), width(h)))
  const room = columns - TABLE_INDENT - GAP * (TABLE_HEADER.length - 1)
  const widths = [...natural]
  let total = widths.reduce((a, b) => a + b, 0)
  // Down to each column's longest word, so cells wrap between words; when even that is too wide the caller
  // stacks the rows instead of splitting words. Bounded: every step takes one column off.
  const floor = TABLE_HEADER.map((h, i) =>
    [h, ...rows.map(r => r[i])].reduce(
      (w, cell) => cell.split(' ').reduce((m, word) => Math.max(m, width(word)), w),
      MIN_COLUMN[i]
    )
  )
  while (total > room) {
    let widest = -1
    for (let i = 0; i < widths.length; i++) {
      if (widths[i] > floor[i] && (widest < 0 || widths[i] > widths[widest])) widest = i
    }
    if (widest < 0) return undefined
    widths[widest]--
    total--
  }
  return widths
}

function principleTable(result: ScanResult, paint: Paint, columns: number): string[] {
  // Every active finding's rule under its principle, in line order: the table names them all.
  const ruleIds = new Map<string, Set<string>>()
  for (const f of activeFindings(result).sort(byLine)) {
    const ids = ruleIds.get(f.principle) ?? new Set<string>()
    ids.add(f.ruleId)
    ruleIds.set(f.principle, ids)
  }
  const rows = principleRows(result).map(row => ({
    cells: [
      PRINCIPLE_NAMES[row.principle],
      safe(row.dockerfile, CELL_MAX),
      safe(row.deployment, CELL_MAX),
      row.measured?.trim() ? safe(row.measured, CELL_MAX) : result.measurement ? '-' : 'not measured',
      `${VERDICT_WORD[row.verdict]}${verdictDetail(row, ruleIds)}`
    ],
    verdict: VERDICT_WORD[row.verdict],
    style: VERDICT_STYLE[row.verdict]
  }))
  const widths = columnWidths(
    rows.map(r => r.cells),
    columns
  )
  // The verdict word leads the last cell; colour it alone, after wrapping, so colour never moves a break.
  const paintVerdict = (line: string, verdict: string, style: Style): string =>
    line.startsWith(verdict) ? paint(style, verdict) + line.slice(verdict.length) : line
  if (!widths) {
    // Too narrow for five columns without splitting words: one block per principle, its verdict first.
    const out: string[] = []
    for (const r of rows) {
      let painted = false
      for (const line of hanging(`  ${r.cells[0]}: `, r.cells[4], columns)) {
        // The verdict word starts the cell's text, on the first line or, when narrow, the next one.
        const at = line.indexOf(r.verdict)
        const starts = at >= 0 && (line.slice(0, at).trim() === '' || line.slice(0, at).endsWith(': '))
        out.push(
          !painted && starts
            ? line.slice(0, at) + paint(r.style, r.verdict) + line.slice(at + r.verdict.length)
            : line
        )
        painted ||= starts
      }
      for (let i = 1; i < 4; i++) out.push(...hanging(`    ${TABLE_HEADER[i]}: `, r.cells[i], columns))
    }
    return out
  }
  const block = (
    cells: string[],
    paintCell: (text: string, column: number, k: number) => string
  ): string[] => {
    const wrapped = cells.map((c, i) => wrapTo(c, widths[i]))
    const height = wrapped.reduce((h, w) => Math.max(h, w.length), 1)
    const lines: string[] = []
    for (let k = 0; k < height; k++) {
      // Padded as plain text, coloured after: colour never moves a column.
      const parts = wrapped.map((w, i) =>
        paintCell(i < wrapped.length - 1 ? pad(w[k] ?? '', widths[i]) : (w[k] ?? ''), i, k)
      )
      lines.push(`${' '.repeat(TABLE_INDENT)}${parts.join(' '.repeat(GAP))}`.trimEnd())
    }
    return lines
  }
  const out = block(TABLE_HEADER, text => text).map(l => `  ${paint('dim', l.slice(TABLE_INDENT))}`)
  for (const r of rows) {
    for (const line of block(r.cells, (text, i, k) =>
      i === 4 && k === 0 ? paintVerdict(text, r.verdict, r.style) : text
    ))
      out.push(line)
  }
  return out
}

function profileLine(result: ScanResult, columns: number): string[] {
  const flags =
    result.profile.declared && result.profile.args.length > 0
      ? terminalSafe(flagsText(result.profile.args))
      : 'Docker defaults (no run options given)'
  if (result.measurement) {
    const image = result.measurement.image.id
      ? `, image ${terminalSafe(result.measurement.image.id, { maxLength: 80 })}`
      : ''
    return hanging('  Measured under: ', `${flags}${image}`, columns)
  }
  const why = result.notMeasuredReason ? `; not measured: ${terminalSafe(result.notMeasuredReason)}` : ''
  return hanging('  Deployment profile: ', `${flags}${why}`, columns)
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

/** The fix and docs lines of one rule, escaped and wrapped once per rule rather than once per finding. */
type RuleLines = Map<string, string[] | null>

function findingLines(
  out: string[],
  finding: Finding,
  result: ScanResult,
  rules: Map<string, RuleMeta>,
  cache: RuleLines,
  paint: Paint,
  lineWidth: number,
  columns: number
): void {
  const level = paint(LEVEL_STYLE[finding.level], pad(finding.level, 7))
  const rule = pad(terminalSafe(finding.ruleId, { maxLength: 12 }), 5)
  const place = placeOf(finding, result)
  const lead = `    ${place.padStart(lineWidth)}  ${level}  ${paint('bold', rule)}  `
  // With a baseline, what the change brings is marked: it is what the gate judges.
  const fresh = finding.baselineState === 'new' && !finding.suppression ? 'new: ' : ''
  for (const line of hanging(lead, fresh + terminalSafe(finding.message), columns)) out.push(line)
  const expired = expiredIgnoreOf(finding)
  if (expired) {
    const indent = ' '.repeat(4 + lineWidth + 2 + 7 + 2 + width(rule) + 2)
    const note = `not suppressed: ${terminalSafe(expiredIgnoreText(expired), { maxLength: 300 })}`
    for (const line of hanging(indent, note, columns)) out.push(paint('yellow', line))
  }
  // lineWidth is the widest place in the section, so the indent is one per rule.
  let extra = cache.get(finding.ruleId)
  if (extra === undefined) {
    const meta = rules.get(finding.ruleId)
    const indent = ' '.repeat(4 + lineWidth + 2 + 7 + 2 + width(rule) + 2)
    if (meta) {
      const fix = hanging(`${indent}fix: `, terminalSafe(meta.fix), columns)
      fix[0] = fix[0].replace('fix:', paint('dim', 'fix:'))
      // A link is only useful whole: less indent rather than a break, where that is enough.
      const url = ruleDocsUrl(meta.id)
      const urlIndent = indent.length + width(url) <= columns ? indent : '    '
      extra = [...fix, ...wrapTo(url, columns - urlIndent.length).map(l => urlIndent + paint('dim', l))]
    } else extra = null
    cache.set(finding.ruleId, extra)
  }
  if (extra) for (const line of extra) out.push(line)
}

function notificationLines(n: Notification, paint: Paint, columns: number): string[] {
  const style: Style = n.level === 'error' ? 'red' : n.level === 'warning' ? 'yellow' : 'cyan'
  const place = n.file
    ? ` ${terminalSafe(n.file, { maxLength: 200 })}${n.line && n.line >= 1 ? `:${n.line}` : ''}`
    : ''
  const lines = hanging(
    `    ${paint(style, n.level)}  `,
    `${terminalSafe(n.kind, { maxLength: 40 })}${place}: ${terminalSafe(n.message)}`,
    columns
  )
  // The full text behind a one-line heading (the daemon's whole error), indented under it, a few lines.
  if (n.detail !== undefined && n.detail !== n.message) {
    for (const line of n.detail.split(/\r\n|\r|\n/).slice(0, MAX_DETAIL_LINES)) {
      if (line.trim() !== '')
        lines.push(...hanging('          ', terminalSafe(line, { maxLength: 400 }), columns))
    }
  }
  return lines
}

/** Lines of a notification's detail shown in the terminal (the JSON report keeps more). */
const MAX_DETAIL_LINES = 12

/** Appends one file's section to `lines`: loops, never a spread, as one file may have 100,000 findings. */
function fileSection(
  lines: string[],
  result: ScanResult,
  rules: Map<string, RuleMeta>,
  paint: Paint,
  columns: number
): void {
  for (const line of wrapTo(terminalSafe(sectionTitle(result), { maxLength: 300 }), columns))
    lines.push(paint('bold', line))
  for (const row of principleTable(result, paint, columns)) lines.push(row)
  for (const line of profileLine(result, columns)) lines.push(line)
  const active = activeFindings(result).sort(byLine)
  const suppressed = result.findings.filter(f => f.suppression).sort(byLine)
  if (active.length > 0) {
    const lineWidth = active.reduce((w, f) => Math.max(w, width(placeOf(f, result))), 1)
    lines.push('', `  Findings (${active.length})`)
    const cache: RuleLines = new Map()
    for (const f of active) findingLines(lines, f, result, rules, cache, paint, lineWidth, columns)
  } else {
    lines.push('', `  ${paint('green', 'No findings.')}`)
  }
  if (suppressed.length > 0) {
    lines.push('', paint('dim', `  Suppressed (${suppressed.length})`))
    for (const f of suppressed) {
      const why = f.suppression?.justification
        ? `: ${terminalSafe(f.suppression.justification, { maxLength: 120 })}`
        : ''
      // The line is already in the margin for a pragma; a config ignore names where it is written.
      const s = f.suppression
      const source = !s
        ? ''
        : s.file === undefined
          ? `${s.kind} pragma`
          : terminalSafe(suppressionSource(s), { maxLength: 300 })
      const text = `${terminalSafe(f.ruleId, { maxLength: 12 })}  ${source}${why}`
      for (const line of hanging(`    ${f.line}  `, text, columns)) lines.push(paint('dim', line))
    }
  }
  if (result.notifications.length > 0) {
    lines.push('', '  Notifications')
    for (const n of result.notifications)
      for (const line of notificationLines(n, paint, columns)) lines.push(line)
  }
  const suggested = suggestionTextRows(result)
  if (suggested) {
    lines.push('')
    for (const line of wrapTo(`  ${terminalSafe(suggested.title, { maxLength: 300 })}`, columns))
      lines.push(line)
    for (const [lead, text] of suggested.rows)
      for (const line of hanging(`    ${lead}`, terminalSafe(text, { maxLength: 500 }), columns))
        lines.push(line)
  }
}

/** Fixed findings listed under the baseline line; the rest are counted. */
const MAX_FIXED_LINES = 20

/** `Baseline main (1a2b3c4d5e6f): 1 new, 2 fixed, 10 unchanged`, and the fixed ones. */
function baselineLines(baseline: BaselineSummary, paint: Paint, columns: number): string[] {
  const ref = terminalSafe(baseline.ref, { maxLength: 100 })
  const lines = hanging(
    '',
    `Baseline ${ref} (${baseline.commit.slice(0, 12)}): ${baselineCounts(baseline)}`,
    columns
  )
  const listed = baseline.fixedFindings.slice(0, MAX_FIXED_LINES)
  for (const f of listed) {
    const text = `${terminalSafe(f.ruleId, { maxLength: 12 })}  ${terminalSafe(f.file, { maxLength: 200 })}:${f.line}  ${terminalSafe(f.message, { maxLength: 200 })}`
    hanging('  fixed  ', text, columns).forEach((line, i) =>
      lines.push(i === 0 ? line.replace('fixed', paint('green', 'fixed')) : line)
    )
  }
  if (baseline.fixed > listed.length) lines.push(`  and ${baseline.fixed - listed.length} more fixed`)
  return lines
}

/** The whole report for a terminal, ending with a newline. */
export function renderText(report: ScanReport, rules: RuleMeta[], options: TextOptions): string {
  const paint = painter(options.color)
  const columns = Math.max(20, options.width ?? DEFAULT_WIDTH)
  const byId = ruleIndex(rules)
  const out: string[] = []
  if (report.notifications.length > 0) {
    out.push('Notifications')
    for (const n of report.notifications) out.push(...notificationLines(n, paint, columns))
    out.push('')
  }
  for (const result of report.results) {
    fileSection(out, result, byId, paint, columns)
    out.push('')
  }
  if (report.baseline) out.push(...baselineLines(report.baseline, paint, columns), '')
  const result = options.outcome ?? judge(report, options.failOn)
  const counts = `${levelSummary(result.byLevel)}${result.suppressed > 0 ? `, ${result.suppressed} suppressed` : ''}`
  const mark = result.verdict === 'pass' ? paint('green', '✔') : paint('red', '✘')
  // A passing sentence already carries its counts; a failing one says only what failed.
  const tail = result.verdict === 'fail' ? ` (${counts})` : ''
  // Wrapped as plain text, then the mark and each line's text coloured.
  hanging('✔ ', `${terminalSafe(result.sentence, { maxLength: 400 })}${tail}`, columns).forEach((line, i) =>
    out.push(`${i === 0 ? `${mark} ` : '  '}${paint('bold', line.slice(2))}`)
  )
  return out.join('\n') + '\n'
}
