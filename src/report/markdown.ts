// GitHub-flavoured Markdown for the job summary and the sticky PR comment: a verdict sentence, the
// five-principle table per Dockerfile, findings by principle, suppressed findings, notifications and the
// probe report. Every untrusted value goes through ./escape; size limits are met by dropping whole items.

import type { FailOn, Finding, Level } from '../findings'
import { PRINCIPLES, PRINCIPLE_NAMES } from '../principles'
import type { RuleMeta } from '../rules/types'
import { alertsOf, type Alert } from '../scan/alerts'
import { outcome as judge, type Outcome } from '../scan/outcome'
import type { Notification, PrincipleRow, ScanReport, ScanResult, Verdict } from '../scan/types'
import { BlockWriter, fitItems, utf16Units, utf8Bytes, type LazyItems, type Measure } from './budget'
import { codeBlock, codeSpan, encodePath, escapeHtml, escapeMarkdown, stripControl } from './escape'
import {
  activeFindings,
  byLine,
  bySeverity,
  flagsText,
  principleRows,
  ruleDocsUrl,
  ruleIndex
} from './summary'

export interface MarkdownOptions {
  /** Threshold the verdict sentence is judged against when no `outcome` is given; default `error`. */
  failOn?: FailOn
  /** The scan's outcome (src/scan/outcome.ts): the verdict line renders it. */
  outcome?: Outcome
  /** Base for line links, e.g. `https://github.com/o/r/blob/<sha>/`; lines are plain text without it. */
  linkBase?: string
  /** Upper bound in UTF-8 bytes (the job summary allows 1 MiB per step). */
  maxBytes?: number
  /** Include the probe report as a collapsible JSON block; default true. */
  detailsProbe?: boolean
  /** Label that replaces the tool name at the start of the verdict line (e.g. a job or category). */
  heading?: string
  /** Where the full results can be read when this body is cut short (the job summary, a run page). */
  summaryLink?: string
}

export interface CommentOptions extends Omit<MarkdownOptions, 'maxBytes' | 'detailsProbe'> {
  /** Hidden marker that finds this comment again: `<!-- ... -->` or the text to put inside one. */
  marker: string
  /** Link to the job summary, offered when the comment leaves something out. */
  summaryUrl?: string
  /** Upper bound in UTF-16 units as GitHub counts them; default 60,000, never above 65,536. */
  maxChars?: number
  /** Findings listed in the comment, most severe first; default 10. */
  maxFindings?: number
}

export const COMMENT_BODY_LIMIT = 65_536
const DEFAULT_COMMENT_CHARS = 60_000
const CELL_MAX = 200
const REASON_MAX = 120
/** Targets named under one alert; the rest are counted. */
const MAX_LISTED_TARGETS = 10

const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', warn: '⚠️', 'not-measured': '➖' }
const VERDICT_WORD: Record<Verdict, string> = {
  pass: 'pass',
  fail: 'fail',
  warn: 'warn',
  'not-measured': 'not measured'
}
const LEVEL_ICON: Record<Level, string> = { error: '❌', warning: '⚠️', note: 'ℹ️' }

interface Context {
  rules: Map<string, RuleMeta>
  linkBase?: string
  see: string
  /** Per rule id and per file, what every finding of that rule or file repeats: built once, not per finding. */
  ruleLinks: Map<string, string>
  fixes: Map<string, string | null>
  paths: Map<string, string>
}

/**
 * Link targets come from the workflow environment, not from Dockerfiles, but a space or parenthesis would
 * still end a Markdown link early: percent-encode those, and refuse anything but http(s).
 */
export function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url.trim())) return undefined
  return url
    .trim()
    .replace(/[\s()<>"'`\\[\]]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

function context(rules: RuleMeta[], options: MarkdownOptions, see?: string): Context {
  let linkBase = options.linkBase ? safeUrl(options.linkBase) : undefined
  if (linkBase && !linkBase.endsWith('/')) linkBase += '/'
  const raw = see ?? options.summaryLink
  const target = raw ? safeUrl(raw) : undefined
  return {
    rules: ruleIndex(rules),
    linkBase,
    see: target ? `see [the full report](${target})` : 'see the SARIF file',
    ruleLinks: new Map(),
    fixes: new Map(),
    paths: new Map()
  }
}

/** First line: the verdict and why. */
export function verdictLine(report: ScanReport, failOn: FailOn, heading?: string, judged?: Outcome): string {
  const result = judged ?? judge(report, failOn)
  const sentence = heading ? result.sentence.replace(/^[^:]*:/, `${heading}:`) : result.sentence
  return `### ${result.verdict === 'pass' ? '✅' : '❌'} ${escapeMarkdown(sentence, { maxLength: 400 })}`
}

function fileLink(file: string, ctx: Context, line?: number): string | undefined {
  if (!ctx.linkBase) return undefined
  let path = ctx.paths.get(file)
  if (path === undefined) {
    path = encodePath(file)
    ctx.paths.set(file, path)
  }
  return `${ctx.linkBase}${path}${line ? `#L${line}` : ''}`
}

function cell(text: string | undefined): string {
  return text && text.trim() ? escapeMarkdown(text, { maxLength: CELL_MAX }) : '—'
}

function ruleLink(ruleId: string, ctx: Context): string {
  let link = ctx.ruleLinks.get(ruleId)
  if (link === undefined) {
    link = ctx.rules.has(ruleId)
      ? `[${escapeMarkdown(ruleId)}](${ruleDocsUrl(ruleId)})`
      : escapeMarkdown(ruleId)
    ctx.ruleLinks.set(ruleId, link)
  }
  return link
}

/** The rule's fix line; the fix is the rule's own static Markdown (like SARIF help.markdown), not input. */
function fixLine(ruleId: string, ctx: Context): string | null {
  let line = ctx.fixes.get(ruleId)
  if (line === undefined) {
    const fix = ctx.rules.get(ruleId)?.fix
    line = fix ? `  - Fix: ${stripControl(fix)}` : null
    ctx.fixes.set(ruleId, line)
  }
  return line
}

/** `❌ fail (measured): [LP101](docs): message`: the basis and the deciding finding, from the row's data. */
function verdictCell(row: PrincipleRow, ctx: Context): string {
  const basis = row.basis && row.basis !== 'none' ? ` (${row.basis})` : ''
  const head = `${VERDICT_ICON[row.verdict]} ${VERDICT_WORD[row.verdict]}${basis}`
  if (row.verdict === 'pass') return head
  const by = row.decidedBy
  const reason = row.reason?.trim()
  if (row.assumed === 'docker-defaults') {
    const text = escapeMarkdown(reason || 'Docker defaults assumed', { maxLength: REASON_MAX })
    return by ? `${head}: ${text} (${ruleLink(by.ruleId, ctx)})` : `${head}: ${text}`
  }
  if (by) {
    const message = by.message.trim() ? `: ${escapeMarkdown(by.message, { maxLength: REASON_MAX })}` : ''
    return `${head}: ${ruleLink(by.ruleId, ctx)}${message}`
  }
  return reason ? `${head}: ${escapeMarkdown(reason, { maxLength: REASON_MAX })}` : head
}

function table(result: ScanResult, ctx: Context): string {
  const lines = [
    '| Principle | Dockerfile | Deployment flags | Measured | Verdict |',
    '| --- | --- | --- | --- | --- |'
  ]
  for (const row of principleRows(result)) {
    const measured = row.measured?.trim() ? cell(row.measured) : result.measurement ? '—' : 'not measured'
    lines.push(
      `| ${PRINCIPLE_NAMES[row.principle]} | ${cell(row.dockerfile)} | ${cell(row.deployment)} | ${measured} | ${verdictCell(row, ctx)} |`
    )
  }
  return lines.join('\n')
}

function profileLine(result: ScanResult): string {
  const flags =
    result.profile.declared && result.profile.args.length > 0
      ? codeSpan(flagsText(result.profile.args))
      : 'Docker defaults (no run options given)'
  if (result.measurement) {
    const image = result.measurement.image.id
      ? ` · image ${codeSpan(result.measurement.image.id, { maxLength: 80 })}`
      : ''
    return `**Measured under:** ${flags}${image}`
  }
  const why = result.notMeasuredReason ? ` · not measured: ${escapeMarkdown(result.notMeasuredReason)}` : ''
  return `**Deployment profile:** ${flags}${why}`
}

function fileHeading(result: ScanResult, ctx: Context): string {
  const file = result.file
  const link = fileLink(file, ctx)
  const target = result.target
  // A declared deployment's target is named beside its Dockerfile (one section per target).
  const under =
    target && (target.source === 'compose' || target.source === 'kubernetes')
      ? ` — ${escapeMarkdown(target.name, { maxLength: CELL_MAX * 2 })}`
      : ''
  return `#### ${link ? `[${codeSpan(file)}](${link})` : codeSpan(file)}${under}`
}

/** Header, table and profile: the part of a file's section that is never dropped for size. */
function essentials(result: ScanResult, ctx: Context): string {
  return [fileHeading(result, ctx), table(result, ctx), profileLine(result)].join('\n\n')
}

function where(finding: Finding, ctx: Context, withFile: boolean): string {
  const file = withFile ? `${codeSpan(finding.file, { maxLength: CELL_MAX })} ` : ''
  const link = fileLink(finding.file, ctx, finding.line)
  return `${file}${link ? `[line ${finding.line}](${link})` : `line ${finding.line}`}`
}

/** One finding as a list item, with its fix (and suppression, when suppressed) as a nested item. */
function findingItem(finding: Finding, ctx: Context, withFile = false): string {
  const lines = [
    `- ${LEVEL_ICON[finding.level]} **${finding.level}** ${ruleLink(finding.ruleId, ctx)} at ${where(finding, ctx, withFile)}: ${escapeMarkdown(finding.message)}`
  ]
  // The fix keeps its code spans: it is the rule's Markdown, not input.
  const fix = fixLine(finding.ruleId, ctx)
  if (fix) lines.push(fix)
  if (finding.suppression) {
    const s = finding.suppression
    lines.push(
      `  - Suppressed by ${s.kind} pragma on line ${s.line}: ${escapeMarkdown(s.justification || 'no reason given')}`
    )
  }
  return lines.join('\n')
}

/** An alert as a list item: its finding, and the targets it applies to when there are several. */
function alertItem(alert: Alert, ctx: Context): string {
  const item = findingItem(alert.finding, ctx, true)
  if (alert.targets.length < 2) return item
  const names = alert.targets
    .slice(0, MAX_LISTED_TARGETS)
    .map(t => escapeMarkdown(t, { maxLength: CELL_MAX }))
  const more =
    alert.targets.length > MAX_LISTED_TARGETS ? `, and ${alert.targets.length - MAX_LISTED_TARGETS} more` : ''
  return `${item}\n  - Applies to: ${names.join(', ')}${more}`
}

function notificationItem(n: Notification): string {
  const icon = n.level === 'error' ? '⛔' : LEVEL_ICON[n.level]
  const place = n.file
    ? ` in ${codeSpan(n.file, { maxLength: CELL_MAX })}${n.line && n.line >= 1 ? ` line ${n.line}` : ''}`
    : ''
  return `- ${icon} **${n.level}** (${escapeMarkdown(n.kind)})${place}: ${escapeMarkdown(n.message)}`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

const BY_RANK: Level[] = ['error', 'warning', 'note']

/**
 * Findings grouped by principle, most severe first, then by line: one sort by line (cheap on findings that
 * come in line order) and a stable split by principle and level, instead of a sort per group.
 */
function byPrinciple(active: Finding[]): Finding[][] {
  const buckets = new Map(PRINCIPLES.map(p => [p, new Map(BY_RANK.map(l => [l, [] as Finding[]]))]))
  for (const f of [...active].sort(byLine)) buckets.get(f.principle)?.get(f.level)?.push(f)
  return PRINCIPLES.map(p => BY_RANK.flatMap(l => buckets.get(p)?.get(l) ?? []))
}

/** List items rendered on demand, so a size limit stops the rendering, not only the output. */
function lazy<T>(values: T[], render: (value: T, index: number) => string): LazyItems {
  return { length: values.length, at: i => render(values[i], i) }
}

/** Findings grouped by principle, as many as fit. */
function findingsBlock(result: ScanResult, ctx: Context, budget: number, measure: Measure): string {
  const active = activeFindings(result)
  if (active.length === 0) return ''
  // Each entry is a list item; the first of a principle carries the group's heading, and is separated from
  // the previous group by a blank line.
  const order: Finding[] = []
  const heading = new Map<number, string>()
  for (const [i, group] of byPrinciple(active).entries()) {
    if (group.length === 0) continue
    heading.set(order.length, `**${PRINCIPLE_NAMES[PRINCIPLES[i]]}** (${group.length})\n\n`)
    for (const f of group) order.push(f)
  }
  const items = lazy(order, (f, i) => {
    const head = heading.get(i)
    const item = findingItem(f, ctx, f.file !== result.file)
    return head === undefined ? item : `${i > 0 ? '\n' : ''}${head}${item}`
  })
  return fitItems(items, budget, measure, n => `\n… ${plural(n, 'more finding')}, ${ctx.see}.`).text
}

function suppressedBlock(result: ScanResult, ctx: Context, budget: number, measure: Measure): string {
  const suppressed = result.findings.filter(f => f.suppression).sort(byLine)
  if (suppressed.length === 0) return ''
  const open = `<details><summary>${escapeHtml(plural(suppressed.length, 'suppressed finding'))}</summary>\n\n`
  const close = '\n\n</details>'
  const inner = budget - measure(open) - measure(close)
  const list = fitItems(
    lazy(suppressed, f => findingItem(f, ctx, f.file !== result.file)),
    inner,
    measure,
    n => `\n… ${plural(n, 'more suppressed finding')}, ${ctx.see}.`
  )
  if (list.shown > 0) return `${open}${list.text}${close}`
  const note = `${plural(suppressed.length, 'suppressed finding')} not shown, ${ctx.see}.`
  return measure(note) <= budget ? note : ''
}

function notificationsBlock(
  notifications: Notification[],
  ctx: Context,
  budget: number,
  measure: Measure
): string {
  if (notifications.length === 0) return ''
  const head = '**Notifications**\n\n'
  const list = fitItems(
    lazy(notifications, n => notificationItem(n)),
    budget - measure(head),
    measure,
    n => `\n… ${plural(n, 'more notification')}, ${ctx.see}.`
  ).text
  return list ? head + list : ''
}

function probeBlocks(result: ScanResult): string[] {
  const m = result.measurement
  if (!m) return []
  const blocks: string[] = []
  if (m.probe) {
    blocks.push(
      `<details><summary>Probe report</summary>\n\n${codeBlock(JSON.stringify(m.probe, null, 2), 'json')}\n\n</details>`
    )
  }
  if (m.workload?.probe) {
    const json = JSON.stringify(m.workload.probe, null, 2)
    blocks.push(
      `<details><summary>Probe report of the running workload</summary>\n\n${codeBlock(json, 'json')}\n\n</details>`
    )
  }
  return blocks
}

/** The details of one file (findings, suppressed, notifications, probe) within `budget`. */
function details(
  result: ScanResult,
  ctx: Context,
  budget: number,
  measure: Measure,
  withProbe: boolean
): BlockWriter {
  const out = new BlockWriter(budget, measure)
  out.tryAdd(findingsBlock(result, ctx, out.remaining - 2, measure))
  out.tryAdd(suppressedBlock(result, ctx, out.remaining - 2, measure))
  out.tryAdd(notificationsBlock(result.notifications, ctx, out.remaining - 2, measure))
  if (withProbe) {
    for (const block of probeBlocks(result)) {
      if (!out.tryAdd(block)) out.tryAdd(`Probe report left out to stay within the size limit, ${ctx.see}.`)
    }
  }
  return out
}

/**
 * The full Markdown report (job summary, `--format markdown`). The first line is the verdict and says why;
 * every Dockerfile gets its five-principle table before any details are spent from `maxBytes`.
 */
export function renderMarkdown(report: ScanReport, rules: RuleMeta[], options: MarkdownOptions = {}): string {
  const failOn = options.failOn ?? 'error'
  const ctx = context(rules, options)
  const measure = utf8Bytes
  const doc = new BlockWriter(options.maxBytes ?? Number.POSITIVE_INFINITY, measure)
  doc.tryAdd(verdictLine(report, failOn, options.heading, options.outcome))
  const tables = report.results.map(r => essentials(r, ctx))
  // laterTables[i]: room the tables after file i need (suffix sums, not a sum per file).
  const laterTables = new Array<number>(tables.length + 1).fill(0)
  for (let i = tables.length - 1; i > 0; i--) laterTables[i - 1] = laterTables[i] + measure(tables[i]) + 2
  const moreFiles = (n: number): string => `… ${plural(n, 'more Dockerfile')}, ${ctx.see}.`
  const notes = notificationsBlock(report.notifications, ctx, Math.floor(doc.remaining / 4), measure)
  doc.tryAdd(notes)

  let shown = 0
  for (const [i, result] of report.results.entries()) {
    // Room still needed for the tables of the files after this one, so details never crowd them out.
    const later = laterTables[i]
    const reserve = measure(moreFiles(report.results.length - i)) + 2
    if (!doc.tryAdd(tables[i], reserve)) break
    shown++
    // Share what is left evenly among this file and the ones after it; unused room rolls over.
    const budget = Math.floor((doc.remaining - later - reserve - 2) / (report.results.length - i))
    doc.tryAdd(details(result, ctx, budget, measure, options.detailsProbe !== false).toString())
  }
  if (shown < report.results.length) doc.tryAdd(moreFiles(report.results.length - shown))
  return doc.toString() + '\n'
}

/**
 * The first `k` of `values` in `compare` order, as a stable sort then slice would give them, in time linear in
 * the values for a small k: a comment shows ten findings out of possibly a hundred thousand.
 */
export function mostSevere<T>(values: Iterable<T>, k: number, compare: (a: T, b: T) => number): T[] {
  if (k > 64) return [...values].sort(compare).slice(0, Math.max(0, k))
  const top: T[] = []
  for (const value of values) {
    if (top.length >= k && (k <= 0 || compare(value, top[k - 1]) >= 0)) continue
    // After the last equal one, as a stable sort keeps input order among equals.
    let lo = 0
    let hi = top.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compare(value, top[mid]) < 0) hi = mid
      else lo = mid + 1
    }
    top.splice(lo, 0, value)
    if (top.length > k) top.pop()
  }
  return top
}

function markerLine(marker: string): string {
  const trimmed = marker.trim()
  if (trimmed.startsWith('<!--') && trimmed.endsWith('-->')) return trimmed
  // Keep the comment well-formed whatever the caller passes.
  return `<!-- ${trimmed.replace(/--+>?/g, '-')} -->`
}

/**
 * The sticky PR comment: the verdict, each Dockerfile's table and profile, the most severe findings, and the
 * hidden marker as the last line; within `maxChars` (default 60,000, at most GitHub's 65,536).
 */
export function renderCommentBody(report: ScanReport, rules: RuleMeta[], options: CommentOptions): string {
  const failOn = options.failOn ?? 'error'
  const ctx = context(rules, options, options.summaryUrl ?? options.summaryLink)
  const measure = utf16Units
  const marker = markerLine(options.marker)
  const limit = Math.min(options.maxChars ?? DEFAULT_COMMENT_CHARS, COMMENT_BODY_LIMIT) - measure(marker) - 3
  const summaryUrl = options.summaryUrl ? safeUrl(options.summaryUrl) : undefined
  const link = summaryUrl ? `[Full report in the job summary](${summaryUrl})` : ''
  const doc = new BlockWriter(limit - (link ? measure(link) + 2 : 0), measure)
  doc.tryAdd(verdictLine(report, failOn, options.heading, options.outcome))
  doc.tryAdd(notificationsBlock(report.notifications, ctx, Math.floor(doc.remaining / 8), measure))

  // Across targets one cause is one alert (src/scan/alerts.ts): a Dockerfile finding under two services is listed once.
  const alerts = options.outcome?.alerts ?? alertsOf(report)
  let total = 0
  function* active(): Generator<Alert> {
    for (const alert of alerts) {
      if (alert.finding.suppression) continue
      total++
      yield alert
    }
  }
  const findings = mostSevere(active(), options.maxFindings ?? 10, (a, b) =>
    bySeverity(a.finding, b.finding, ctx.rules)
  )
  const findingsTitle = `**Top findings** (most severe first)`
  const firstFinding =
    findings.length > 0 ? measure(findingsTitle) + measure(alertItem(findings[0], ctx)) + 4 : 0

  const moreFiles = (n: number): string => `… ${plural(n, 'more Dockerfile')}, ${ctx.see}.`
  let shown = 0
  for (const result of report.results) {
    const left = report.results.length - shown
    if (!doc.tryAdd(essentials(result, ctx), measure(moreFiles(left)) + 2 + firstFinding)) break
    doc.tryAdd(notificationsBlock(result.notifications, ctx, Math.floor(doc.remaining / 8), measure))
    shown++
  }
  if (shown < report.results.length) doc.tryAdd(moreFiles(report.results.length - shown))

  if (findings.length > 0) {
    const items = findings.map(a => alertItem(a, ctx))
    const omitted = total - findings.length
    const tail = omitted > 0 ? `\n… ${plural(omitted, 'more finding')}, ${ctx.see}.` : ''
    const fitted = fitItems(
      items,
      doc.remaining - measure(findingsTitle) - 4 - measure(tail),
      measure,
      n => `\n… ${plural(n + omitted, 'more finding')}, ${ctx.see}.`
    )
    if (fitted.text)
      doc.tryAdd(`${findingsTitle}\n\n${fitted.text}${fitted.shown === items.length ? tail : ''}`)
  }
  const body = link ? `${doc.toString()}\n\n${link}` : doc.toString()
  return `${body}\n\n${marker}\n`
}
