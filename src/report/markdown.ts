// GitHub-flavoured Markdown for the job summary and the sticky PR comment: a verdict sentence, with more
// than one target an overview (a row per target, a verdict icon per principle), then per target the
// five-principle table, findings by principle, suppressed findings, notifications and the probe report.
// Every untrusted value goes through ./escape (readable raw, inert rendered); size limits are met by
// dropping whole items, details before the overview.

import { clip } from '../dockerfile/limits'
import { LEVEL_RANK, type FailOn, type Finding, type Level } from '../findings'
import { PRINCIPLES, PRINCIPLE_NAMES, type Principle } from '../principles'
import { expiredIgnoreOf, expiredIgnoreText, suppressionSource } from '../rules/policy'
import type { RuleMeta } from '../rules/types'
import { alertsOf, type Alert } from '../scan/alerts'
import { baselineCounts, outcome as judge, type Outcome } from '../scan/outcome'
import type {
  BaselineSummary,
  Basis,
  Notification,
  PrincipleRow,
  ScanReport,
  ScanResult,
  Verdict
} from '../scan/types'
import { BlockWriter, fitItems, utf16Units, utf8Bytes, type LazyItems, type Measure } from './budget'
import { codeBlock, encodePath, escapeHtml, escapeInline, inlineCode, stripControl } from './escape'
import { suggestionCommentLine, suggestionMarkdown } from './suggestion'
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
/** The basis as one letter in the overview, explained by its legend. */
const BASIS_LETTER: Record<Basis, string> = { measured: 'm', declared: 'd', none: '' }
/** Rule ids named in one verdict cell; the rest are counted (a principle has far fewer rules). */
const MAX_CELL_RULES = 20

/** Untrusted text; every use here follows other text on its line or fills a table cell. */
const text = (value: string, maxLength?: number): string =>
  escapeInline(value, { maxLength, atLineStart: false })

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
  return `### ${result.verdict === 'pass' ? '✅' : '❌'} ${text(sentence, 400)}`
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

function cell(value: string | undefined): string {
  return value && value.trim() ? text(value, CELL_MAX) : '—'
}

function ruleLink(ruleId: string, ctx: Context): string {
  let link = ctx.ruleLinks.get(ruleId)
  if (link === undefined) {
    link = ctx.rules.has(ruleId) ? `[${text(ruleId)}](${ruleDocsUrl(ruleId)})` : text(ruleId)
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

interface RuleTally {
  ruleId: string
  count: number
  rank: number
  line: number
}

/**
 * The rule ids of each principle's active findings, most severe first, with how often each occurs: what a
 * verdict cell names. One pass over the findings (a file may have 100,000).
 */
function rulesByPrinciple(result: ScanResult): Map<Principle, RuleTally[]> {
  const by = new Map<Principle, Map<string, RuleTally>>()
  for (const f of result.findings) {
    if (f.suppression) continue
    let rules = by.get(f.principle)
    if (!rules) by.set(f.principle, (rules = new Map()))
    const seen = rules.get(f.ruleId)
    if (!seen) rules.set(f.ruleId, { ruleId: f.ruleId, count: 1, rank: LEVEL_RANK[f.level], line: f.line })
    else {
      seen.count++
      seen.rank = Math.max(seen.rank, LEVEL_RANK[f.level])
      seen.line = Math.min(seen.line, f.line)
    }
  }
  const out = new Map<Principle, RuleTally[]>()
  for (const [principle, rules] of by) {
    out.set(
      principle,
      [...rules.values()].sort(
        (a, b) => b.rank - a.rank || a.line - b.line || a.ruleId.localeCompare(b.ruleId)
      )
    )
  }
  return out
}

/**
 * `❌ fail (measured): [LP101](docs), [LP105](docs) ×2`: icon, verdict, basis and every rule with an active
 * finding of this principle, the deciding one first; the messages are listed below the table.
 */
function verdictCell(row: PrincipleRow, tallies: RuleTally[], ctx: Context): string {
  const basis = row.basis && row.basis !== 'none' ? ` (${row.basis})` : ''
  const head = `${VERDICT_ICON[row.verdict]} ${VERDICT_WORD[row.verdict]}${basis}`
  const decided = row.decidedBy?.ruleId
  const rules = decided
    ? [
        tallies.find(t => t.ruleId === decided) ?? { ruleId: decided, count: 1, rank: 0, line: 0 },
        ...tallies.filter(t => t.ruleId !== decided)
      ]
    : tallies
  const parts = row.assumed === 'docker-defaults' ? ['Docker defaults assumed'] : []
  for (const rule of rules.slice(0, MAX_CELL_RULES))
    parts.push(`${ruleLink(rule.ruleId, ctx)}${rule.count > 1 ? ` ×${rule.count}` : ''}`)
  if (rules.length > MAX_CELL_RULES) parts.push(`${rules.length - MAX_CELL_RULES} more rules`)
  return parts.length > 0 ? `${head}: ${parts.join(', ')}` : head
}

function table(result: ScanResult, ctx: Context): string {
  const lines = [
    '| Principle | Dockerfile | Deployment flags | Measured | Verdict |',
    '| --- | --- | --- | --- | --- |'
  ]
  const tallies = rulesByPrinciple(result)
  // Why nothing was measured is said once, in the profile line under the table, not in every row.
  const probed = result.measurement?.probe !== undefined
  for (const row of principleRows(result)) {
    const measured = !probed ? 'not measured' : row.measured?.trim() ? cell(row.measured) : '—'
    const verdict = verdictCell(row, tallies.get(row.principle) ?? [], ctx)
    lines.push(
      `| ${PRINCIPLE_NAMES[row.principle]} | ${cell(row.dockerfile)} | ${cell(row.deployment)} | ${measured} | ${verdict} |`
    )
  }
  return lines.join('\n')
}

function profileLine(result: ScanResult): string {
  const flags =
    result.profile.declared && result.profile.args.length > 0
      ? inlineCode(flagsText(result.profile.args))
      : 'Docker defaults (no run options given)'
  if (result.measurement) {
    const image = result.measurement.image.id
      ? ` · image ${inlineCode(result.measurement.image.id, { maxLength: 80 })}`
      : ''
    return `**Measured under:** ${flags}${image}`
  }
  const why = result.notMeasuredReason ? ` · not measured: ${text(result.notMeasuredReason)}` : ''
  return `**Deployment profile:** ${flags}${why}`
}

/** A declared deployment's name beside its Dockerfile (compose service, Kubernetes container), else ''. */
function deploymentName(result: ScanResult): string {
  const target = result.target
  return target && (target.source === 'compose' || target.source === 'kubernetes')
    ? ` — ${text(target.name, CELL_MAX * 2)}`
    : ''
}

/** `#### 3. [`file`](link) — compose.yaml service api`: numbered like its overview row when there is one. */
function fileHeading(result: ScanResult, ctx: Context, number?: number): string {
  const file = result.file
  const link = fileLink(file, ctx)
  const name = link ? `[${inlineCode(file)}](${link})` : inlineCode(file)
  return `#### ${number !== undefined ? `${number}. ` : ''}${name}${deploymentName(result)}`
}

/** Header, table and profile: the part of a target's section dropped last for size. */
function essentials(result: ScanResult, ctx: Context, number?: number): string {
  return [fileHeading(result, ctx, number), table(result, ctx), profileLine(result)].join('\n\n')
}

const OVERVIEW_HEADER = [
  `| # | Target | ${PRINCIPLES.map(p => PRINCIPLE_NAMES[p]).join(' | ')} |`,
  `| ---: | --- |${' :---: |'.repeat(PRINCIPLES.length)}`
].join('\n')
const OVERVIEW_LEGEND =
  '✅ pass · ⚠️ warn · ❌ fail · ➖ not measured — **m** measured in the running container, ' +
  '**d** declared (the Dockerfile or deployment as written). Details per target below.'

function overviewCell(row: PrincipleRow): string {
  const basis = BASIS_LETTER[row.basis ?? 'none']
  return basis ? `${VERDICT_ICON[row.verdict]} ${basis}` : VERDICT_ICON[row.verdict]
}

/**
 * With more than one target: a row per target, the five verdicts as icons with their basis, numbered like
 * the detail sections. Rows past `budget` are counted (a report of thousands of targets), never cut.
 */
function overviewBlock(report: ScanReport, ctx: Context, budget: number, measure: Measure): string {
  const results = report.results
  if (results.length < 2) return ''
  const title = `**Overview:** ${plural(results.length, 'target')} (Dockerfile × deployment)`
  const frame = measure(title) + measure(OVERVIEW_HEADER) + measure(OVERVIEW_LEGEND) + 6
  const rows = lazy(results, (r, i) => {
    const cells = principleRows(r).map(overviewCell)
    return `| ${i + 1} | ${inlineCode(r.file, { maxLength: CELL_MAX })}${deploymentName(r)} | ${cells.join(' | ')} |`
  })
  // A line right under a table would be read as one more row: the note gets a blank line before it.
  const fitted = fitItems(rows, budget - frame, measure, n => `\n… ${plural(n, 'more target')}, ${ctx.see}.`)
  if (fitted.shown === 0) return ''
  return `${title}\n\n${OVERVIEW_HEADER}\n${fitted.text}\n\n${OVERVIEW_LEGEND}`
}

function where(finding: Finding, ctx: Context, withFile: boolean): string {
  const file = withFile ? `${inlineCode(finding.file, { maxLength: CELL_MAX })} ` : ''
  const link = fileLink(finding.file, ctx, finding.line)
  return `${file}${link ? `[line ${finding.line}](${link})` : `line ${finding.line}`}`
}

/** One finding as a list item, with its fix (and suppression, when suppressed) as a nested item. */
function findingItem(finding: Finding, ctx: Context, withFile = false): string {
  // With a baseline, what the change brings is marked: it is what the gate judges.
  const fresh = finding.baselineState === 'new' && !finding.suppression ? ' 🆕 **new**' : ''
  const lines = [
    `- ${LEVEL_ICON[finding.level]} **${finding.level}**${fresh} ${ruleLink(finding.ruleId, ctx)} at ${where(finding, ctx, withFile)}: ${text(finding.message)}`
  ]
  // The fix keeps its code spans: it is the rule's Markdown, not input.
  const fix = fixLine(finding.ruleId, ctx)
  if (fix) lines.push(fix)
  if (finding.suppression) {
    const s = finding.suppression
    lines.push(
      `  - Suppressed by ${text(suppressionSource(s))}: ${text(s.justification || 'no reason given')}`
    )
  }
  const expired = expiredIgnoreOf(finding)
  if (expired) lines.push(`  - Not suppressed: ${text(expiredIgnoreText(expired))}`)
  return lines.join('\n')
}

/** An alert as a list item: its finding, and the targets it applies to when there are several. */
function alertItem(alert: Alert, ctx: Context): string {
  const item = findingItem(alert.finding, ctx, true)
  if (alert.targets.length < 2) return item
  const names = alert.targets.slice(0, MAX_LISTED_TARGETS).map(t => text(t, CELL_MAX))
  const more =
    alert.targets.length > MAX_LISTED_TARGETS ? `, and ${alert.targets.length - MAX_LISTED_TARGETS} more` : ''
  return `${item}\n  - Applies to: ${names.join(', ')}${more}`
}

/** Fixed findings listed in the summary and the comment; the rest are counted. */
const MAX_LISTED_FIXED = 20

/** `**Baseline `main` (`1a2b3c4d5e6f`):** 1 new, 2 fixed, 10 unchanged.` and the fixed ones, collapsed. */
function baselineBlock(baseline: BaselineSummary, ctx: Context): string {
  const head = `**Baseline ${inlineCode(baseline.ref, { maxLength: 100 })} (${inlineCode(baseline.commit.slice(0, 12))}):** ${baselineCounts(baseline)}.`
  if (baseline.fixedFindings.length === 0) return head
  const listed = baseline.fixedFindings.slice(0, MAX_LISTED_FIXED).map(f => {
    // No link: the line is the base's, and the file may be gone at the head.
    const file = inlineCode(f.file, { maxLength: CELL_MAX })
    return `- ✔️ ${ruleLink(f.ruleId, ctx)} in ${file} (line ${f.line} at the base): ${text(f.message, 300)}`
  })
  const more = baseline.fixed > listed.length ? `\n- … and ${baseline.fixed - listed.length} more` : ''
  return `${head}\n\n<details><summary>Fixed (${baseline.fixed})</summary>\n\n${listed.join('\n')}${more}\n\n</details>`
}

function notificationItem(n: Notification): string {
  const icon = n.level === 'error' ? '⛔' : LEVEL_ICON[n.level]
  const place = n.file
    ? ` in ${inlineCode(n.file, { maxLength: CELL_MAX })}${n.line && n.line >= 1 ? ` line ${n.line}` : ''}`
    : ''
  const item = `- ${icon} **${n.level}** (${text(n.kind)})${place}: ${text(n.message)}`
  if (n.detail === undefined || n.detail === n.message) return item
  // The heading stays one line; the daemon's full text is one click away, inert in a code block.
  const detail = codeBlock(clip(n.detail, MAX_DETAIL_CHARS), 'text')
    .split('\n')
    .map(line => `  ${line}`)
    .join('\n')
  return `${item}\n  <details><summary>Details</summary>\n\n${detail}\n\n  </details>`
}

/** Longest notification detail shown in Markdown (a build log can be long; the JSON report keeps 8,000). */
const MAX_DETAIL_CHARS = 2_000

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

/**
 * How to accept a finding of `ruleId`: the pragma as a code span of plain ASCII, so the line copied from the
 * rendered page (or the source) is the comment to paste, with no escapes or zero-width characters in it.
 */
export function suppressionHint(ruleId: string): string | undefined {
  if (!/^[A-Z]{2,8}\d{1,5}$/.test(ruleId)) return undefined
  return (
    `To accept a finding, put \`# least-privilege ignore=${ruleId} <reason>\` on the line above the one it ` +
    'points at (`ignore-file=` for the whole file).'
  )
}

/** Findings grouped by principle, as many as fit, and how to accept one. */
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
  const hint = suppressionHint(order[0].ruleId)
  const room = hint ? budget - measure(hint) - 2 : budget
  const list = fitItems(items, room, measure, n => `\n… ${plural(n, 'more finding')}, ${ctx.see}.`).text
  return list && hint ? `${list}\n\n${hint}` : list
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
  // The verified profile, collapsed: before the probe reports, which are the first to go when room is short.
  if (!out.tryAdd(suggestionMarkdown(result)))
    out.tryAdd(`Suggested profile left out to stay within the size limit, ${ctx.see}.`)
  if (withProbe) {
    for (const block of probeBlocks(result)) {
      if (!out.tryAdd(block)) out.tryAdd(`Probe report left out to stay within the size limit, ${ctx.see}.`)
    }
  }
  return out
}

/**
 * The full Markdown report (job summary, `--format markdown`). The first line is the verdict and says why;
 * with several targets the overview comes next; every target gets its five-principle table before any
 * details are spent from `maxBytes`.
 */
export function renderMarkdown(report: ScanReport, rules: RuleMeta[], options: MarkdownOptions = {}): string {
  const failOn = options.failOn ?? 'error'
  const ctx = context(rules, options)
  const measure = utf8Bytes
  const doc = new BlockWriter(options.maxBytes ?? Number.POSITIVE_INFINITY, measure)
  doc.tryAdd(verdictLine(report, failOn, options.heading, options.outcome))
  if (report.baseline) doc.tryAdd(baselineBlock(report.baseline, ctx))
  const several = report.results.length > 1
  const tables = report.results.map((r, i) => essentials(r, ctx, several ? i + 1 : undefined))
  // laterTables[i]: room the tables after file i need (suffix sums, not a sum per file).
  const laterTables = new Array<number>(tables.length + 1).fill(0)
  for (let i = tables.length - 1; i > 0; i--) laterTables[i - 1] = laterTables[i] + measure(tables[i]) + 2
  const moreTargets = (n: number): string => `… ${plural(n, 'more target')}, ${ctx.see}.`
  const notes = notificationsBlock(report.notifications, ctx, Math.floor(doc.remaining / 4), measure)
  doc.tryAdd(notes)
  doc.tryAdd(overviewBlock(report, ctx, Math.floor(doc.remaining / 2), measure))

  let shown = 0
  for (const [i, result] of report.results.entries()) {
    // Room still needed for the tables of the files after this one, so details never crowd them out.
    const later = laterTables[i]
    const reserve = measure(moreTargets(report.results.length - i)) + 2
    if (!doc.tryAdd(tables[i], reserve)) break
    shown++
    // Share what is left evenly among this file and the ones after it; unused room rolls over.
    const budget = Math.floor((doc.remaining - later - reserve - 2) / (report.results.length - i))
    doc.tryAdd(details(result, ctx, budget, measure, options.detailsProbe !== false).toString())
  }
  if (shown < report.results.length) doc.tryAdd(moreTargets(report.results.length - shown))
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

/** Which targets a short comment details first: failing, then warning, then the rest. */
function detailRank(result: ScanResult): number {
  let rank = 0
  for (const row of principleRows(result))
    rank = Math.max(
      rank,
      row.verdict === 'fail' ? 3 : row.verdict === 'warn' ? 2 : row.verdict === 'pass' ? 0 : 1
    )
  return rank
}

/**
 * The sticky PR comment: the verdict, the overview of every target (kept whole), each target's table and
 * profile as room allows (failing targets first, shown in scan order), the most severe findings, and the
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
  if (report.baseline) doc.tryAdd(baselineBlock(report.baseline, ctx))
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
  // With a baseline the new findings come first: they are what the pull request is judged on.
  const freshFirst = (a: Alert, b: Alert): number =>
    Number(b.finding.baselineState === 'new') - Number(a.finding.baselineState === 'new')
  const findings = mostSevere(
    active(),
    options.maxFindings ?? 10,
    (a, b) => freshFirst(a, b) || bySeverity(a.finding, b.finding, ctx.rules)
  )
  const findingsTitle = `**Top findings** (most severe first)`
  const firstFinding =
    findings.length > 0 ? measure(findingsTitle) + measure(alertItem(findings[0], ctx)) + 4 : 0
  const count = report.results.length
  const moreTargets = (n: number): string =>
    count > 1
      ? `… ${plural(n, 'more target')} without details here, ${ctx.see}.`
      : `… ${plural(n, 'more target')}, ${ctx.see}.`

  // The overview first and whole; only a report too big for any comment loses rows of it.
  doc.tryAdd(
    overviewBlock(report, ctx, doc.remaining - firstFinding - measure(moreTargets(count)) - 4, measure)
  )

  // Details: chosen most-failing first while they fit, shown in scan order.
  const order = report.results.map((result, i) => ({ result, i, rank: detailRank(result) }))
  if (count > 1) order.sort((a, b) => b.rank - a.rank || a.i - b.i)
  const chosen = new Map<number, string>()
  let room = doc.remaining - firstFinding
  for (const { result, i } of order) {
    const note = chosen.size + 1 < count ? measure(moreTargets(count - chosen.size - 1)) + 2 : 0
    const notes = notificationsBlock(result.notifications, ctx, Math.floor(room / 8), measure)
    const suggested = suggestionCommentLine(result, ctx.see)
    const block = [essentials(result, ctx, count > 1 ? i + 1 : undefined), notes, suggested]
      .filter(Boolean)
      .join('\n\n')
    const cost = measure(block) + 2
    if (cost + note > room) break
    chosen.set(i, block)
    room -= cost
  }
  for (const i of [...chosen.keys()].sort((a, b) => a - b)) doc.tryAdd(chosen.get(i) as string)
  if (chosen.size < count) doc.tryAdd(moreTargets(count - chosen.size))

  if (findings.length > 0) {
    const items = findings.map(a => alertItem(a, ctx))
    const omitted = total - findings.length
    const tail = omitted > 0 ? `\n… ${plural(omitted, 'more finding')}, ${ctx.see}.` : ''
    const hint = suppressionHint(findings[0].finding.ruleId)
    const fitted = fitItems(
      items,
      doc.remaining - measure(findingsTitle) - 4 - measure(tail),
      measure,
      n => `\n… ${plural(n + omitted, 'more finding')}, ${ctx.see}.`
    )
    if (fitted.text) {
      doc.tryAdd(`${findingsTitle}\n\n${fitted.text}${fitted.shown === items.length ? tail : ''}`)
      if (hint) doc.tryAdd(hint)
    }
  }
  const body = link ? `${doc.toString()}\n\n${link}` : doc.toString()
  return `${body}\n\n${marker}\n`
}
