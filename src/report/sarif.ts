// SARIF 2.1.0 for GitHub code scanning (DESIGN.md "SARIF 2.1.0", reference/github-platform.md §1).
// One run; every rule described; findings as results (suppressed ones kept, with `suppressions`);
// operational problems as toolExecutionNotifications, never as fake results.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type * as sarif from 'sarif'
import type { Finding, Suppression } from '../findings'
import { expiredIgnoreOf, expiredIgnoreText } from '../rules/policy'
import { REPO_URL, TOOL_NAME, TOOL_VERSION } from '../meta'
import type { RuleMeta } from '../rules/types'
import type { Notification, ScanReport } from '../scan/types'
import { stripControl } from './escape'
import { STABLE_FINGERPRINT_KEY, lineHashes, lineRange, splitLines, stableIdentities } from '../fingerprints'
import { LEVEL_RANK } from '../findings'
import { alertsOf, type Alert } from '../scan/alerts'
import { allNotifications, ruleDocsUrl } from './summary'
import { fixFor, targetFixes } from './suggestion'

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json'
/** GitHub rejects runs with more results than this. */
export const MAX_RESULTS_PER_RUN = 25_000
/** GitHub's limit on `shortDescription`/`fullDescription` text. */
const MAX_DESCRIPTION = 1024
/**
 * The category when none is given (the CLI's default). Code scanning keeps one analysis per tool and
 * category, so two runs with the same category replace each other's alerts: give each its own.
 */
export const DEFAULT_CATEGORY = `${TOOL_NAME}/`
/** Longest category accepted; GitHub shows it in the tool status page, and no real one comes near. */
export const MAX_CATEGORY_CHARS = 255

/**
 * What is wrong with a user's category (`--sarif-category`, input `category`), for an error line that names
 * the option; undefined when it is fine. One line of printable text, not only slashes.
 */
export function categoryProblem(category: string): string | undefined {
  const text = category.trim()
  if (text === '' || /^\/+$/.test(text))
    return 'a category needs text besides "/" (e.g. least-privilege/api/)'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return 'a category is one line of text without control characters'
  if (text.length > MAX_CATEGORY_CHARS) return `a category is at most ${MAX_CATEGORY_CHARS} characters`
  return undefined
}

/** `runs[].automationDetails.id` for a category: GitHub takes everything before the last `/` as the category. */
export function automationIdOf(category: string | undefined): string {
  const id = category?.trim() || DEFAULT_CATEGORY
  return id.endsWith('/') ? id : `${id}/`
}

export interface SarifOptions {
  /** Absolute path of the repository root: results are reported relative to it. */
  repoRoot: string
  /** Returns a file's text by repo-relative path, for line-hash fingerprints; default reads under repoRoot. */
  readFile?: (repoRelativePath: string) => string | undefined
  /**
   * `runs[0].automationDetails.id`, i.e. the code-scanning category (settings.sarifCategory; the action
   * defaults it to its workflow, job and matrix entry). Two uploads with one category replace each other's
   * alerts. A trailing `/` is added when missing (automationIdOf). Default: DEFAULT_CATEGORY.
   */
  automationId?: string
  /** Cap on results (GitHub's 25,000 per run by default); the most severe are kept. */
  maxResults?: number
  /** The scan's alerts (src/scan/alerts.ts, also in its outcome): one result each; computed when not given. */
  alerts?: Alert[]
}

type Precision = 'very-high' | 'high' | 'medium' | 'low'

// Measured facts are the most certain; static reading of a Dockerfile or flags comes next.
const PRECISION: Record<RuleMeta['evidence'], Precision> = {
  measured: 'very-high',
  deployment: 'high',
  dockerfile: 'high'
}

/** `"8.0"`: GitHub wants a numeric string in (0, 10]. */
export function securitySeverity(score: number): string {
  const clamped = Number.isFinite(score) ? Math.min(10, Math.max(0.1, score)) : 5
  return clamped.toFixed(1)
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…'
}

export function ruleDescriptor(rule: RuleMeta): sarif.ReportingDescriptor {
  const helpUri = ruleDocsUrl(rule.id)
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: cap(rule.title, MAX_DESCRIPTION) },
    fullDescription: { text: cap(rule.description, MAX_DESCRIPTION) },
    // GitHub shows help.markdown instead of help.text and ignores helpUri, so the link goes inside too.
    help: {
      text: `${rule.description}\n\nFix: ${rule.fix}\n\nDocumentation: ${helpUri}`,
      markdown: `${rule.description}\n\n**Fix:** ${rule.fix}\n\n[Rule ${rule.id} documentation](${helpUri})`
    },
    helpUri,
    defaultConfiguration: { level: rule.level },
    properties: {
      tags: ['security', rule.principle],
      precision: PRECISION[rule.evidence],
      'security-severity': securitySeverity(rule.securitySeverity)
    }
  }
}

/**
 * A repo-relative URI with forward slashes, or undefined when the file lies outside the repository (GitHub
 * could not show it, and `..` would be rejected or resolved elsewhere). Each segment is percent-encoded, so
 * `decodeURIComponent` gives the path back and no segment can act as a scheme, query or fragment.
 */
export function repoRelativeUri(file: string, repoRoot: string): string | undefined {
  let p = file.replace(/\\/g, '/')
  if (p.startsWith('file://')) p = decodeURIComponent(p.slice('file://'.length))
  // `C:/x` is a drive only on Windows; elsewhere it is a folder named `C:` inside the repository.
  if (path.posix.isAbsolute(p) || (process.platform === 'win32' && /^[A-Za-z]:\//.test(p))) {
    p = path.posix.relative(path.resolve(repoRoot).replace(/\\/g, '/'), p)
  }
  p = path.posix.normalize(p).replace(/^(\.\/)+/, '')
  if (p === '' || p === '.' || p === '..' || p.startsWith('../') || path.posix.isAbsolute(p)) return undefined
  return p.split('/').map(encodeSegment).join('/')
}

// RFC 3986 `pchar` minus `:`: unreserved, sub-delims and `@` stay as they are; everything else is
// percent-encoded as UTF-8. `:` is encoded in every segment because in a relative reference a first segment
// holding one (`c::error::x/`, `http:y/`) would be read as a scheme and make the URI absolute.
const KEPT_IN_SEGMENT = /%(24|26|2B|2C|3B|3D|40)/g
// A lone surrogate cannot be encoded as UTF-8 (encodeURIComponent throws); it is shown as U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment.replace(LONE_SURROGATE, '\uFFFD')).replace(
    KEPT_IN_SEGMENT,
    (_, hex: string) => String.fromCharCode(parseInt(hex, 16))
  )
}

/**
 * Where a result points: repo-relative under `%SRCROOT%`, or, for a file outside the repository root, an
 * absolute `file://` URI. That is valid SARIF and keeps the result; GitHub code scanning needs repo-relative
 * URIs to place it, so the caller warns (pass the right --repo-root).
 */
export function artifactLocation(file: string, repoRoot: string): sarif.ArtifactLocation {
  const uri = repoRelativeUri(file, repoRoot)
  if (uri) return { uri, uriBaseId: '%SRCROOT%' }
  const plain = file.startsWith('file://') ? fileURLToPath(file) : file
  return { uri: pathToFileURL(path.resolve(repoRoot, plain)).href }
}

/** The artifact location for a URI made by artifactLocation (`file:` ones are absolute). */
function locationOf(uri: string): sarif.ArtifactLocation {
  return uri.startsWith('file:') ? { uri } : { uri, uriBaseId: '%SRCROOT%' }
}

/** `message.text` is plain text, except that `[text](n)` links to related locations: escape those. */
function plainMessage(text: string): string {
  const clean = stripControl(text, '\n').trim()
  return clean.replace(/\[([^\]]*)\]\((\d+)\)/g, '\\[$1\\]($2)')
}

function region(finding: Finding): { startLine: number; endLine: number } {
  return lineRange(finding.line, finding.endLine)
}

/** The heading and the full text behind it (the daemon's whole error): SARIF has no collapsed part. */
function notificationText(n: Notification): string {
  if (!n.detail) return n.message
  // A heading cut from the detail's first line is not said twice.
  return n.detail.startsWith(n.message.replace(/…$/, '')) ? n.detail : `${n.message}\n\n${n.detail}`
}

function notificationToSarif(n: Notification, repoRoot: string): sarif.Notification {
  const out: sarif.Notification = {
    level: n.level,
    message: { text: plainMessage(notificationText(n)) || n.kind },
    descriptor: { id: n.kind }
  }
  if (n.file) {
    const loc: sarif.PhysicalLocation = { artifactLocation: artifactLocation(n.file, repoRoot) }
    if (n.line && n.line >= 1) loc.region = { startLine: Math.floor(n.line) }
    out.locations = [{ physicalLocation: loc }]
  }
  return out
}

function defaultReader(repoRoot: string): (rel: string) => string | undefined {
  return rel => {
    try {
      return readFileSync(path.resolve(repoRoot, rel), 'utf8')
    } catch {
      return undefined
    }
  }
}

function isoTime(value: string): string | undefined {
  const t = Date.parse(value)
  return Number.isNaN(t) ? undefined : new Date(t).toISOString()
}

interface Pending {
  finding: Finding
  /** The deployments the finding was judged under (`compose.yaml service worker`), each once. */
  targets: string[]
  uri: string
  /** Path as used for reading and fingerprinting (decoded). */
  file: string
}

export function buildSarif(report: ScanReport, rules: RuleMeta[], options: SarifOptions): sarif.Log {
  const read = options.readFile ?? defaultReader(options.repoRoot)
  const maxResults = options.maxResults ?? MAX_RESULTS_PER_RUN
  const ruleIndexById = new Map(rules.map((r, i) => [r.id, i]))
  const extra: sarif.Notification[] = []

  const pending: Pending[] = []
  const outside = new Set<string>()
  const unknownRules = new Set<string>()
  // One result per cause: a Dockerfile finding judged under two targets is one alert naming both.
  for (const alert of options.alerts ?? alertsOf(report)) {
    const { finding } = alert
    const location = artifactLocation(alert.file, options.repoRoot)
    const uri = location.uri as string
    // Outside the root: kept with its file:// URI (never dropped), read by its absolute path.
    if (!location.uriBaseId) outside.add(alert.file)
    if (!ruleIndexById.has(finding.ruleId)) unknownRules.add(finding.ruleId)
    pending.push({
      finding,
      uri,
      file: location.uriBaseId ? decodeURIComponent(uri) : fileURLToPath(uri),
      targets: alert.targets
    })
  }
  for (const file of outside) {
    extra.push({
      level: 'warning',
      message: {
        text: `${file} is outside the repository root ${options.repoRoot}: its results have absolute file:// URIs, which GitHub code scanning cannot place (set --repo-root to a folder that contains it).`
      },
      descriptor: { id: 'outside-repository' }
    })
  }
  for (const id of unknownRules) {
    extra.push({
      level: 'warning',
      message: { text: `Findings of rule ${id} have no rule metadata.` },
      descriptor: { id: 'unknown-rule' }
    })
  }

  let kept = pending
  if (pending.length > maxResults) {
    // Keep the most severe; GitHub would show at most its top results by severity anyway.
    kept = [...pending]
      .map((p, order) => ({ p, order }))
      .sort((a, b) => LEVEL_RANK[b.p.finding.level] - LEVEL_RANK[a.p.finding.level] || a.order - b.order)
      .slice(0, maxResults)
      .sort((a, b) => a.order - b.order)
      .map(x => x.p)
    extra.push({
      level: 'warning',
      message: {
        text: `${pending.length - maxResults} of ${pending.length} results were left out to stay within GitHub's limit of ${maxResults} results per run.`
      },
      descriptor: { id: 'results-truncated' }
    })
  }

  // Everything derived from a file's text is computed once per file (lines, line hashes), never per
  // finding: linear in findings + file size. Identities are counted over every alert, before any is left
  // out, so an alert keeps its fingerprint whatever the cap (and the baseline gate computes the same ones).
  const texts = new Map<string, string | undefined>()
  const hashes = new Map<string, string[] | undefined>()
  const textOf = (file: string): string | undefined => {
    if (!texts.has(file)) texts.set(file, read(file))
    return texts.get(file)
  }
  const hashesOf = (file: string): string[] | undefined => {
    if (!hashes.has(file)) {
      const text = textOf(file)
      hashes.set(file, text === undefined ? undefined : lineHashes(text))
    }
    return hashes.get(file)
  }
  const identities = new Map<Pending, string>()
  const computed = stableIdentities(
    pending.map(p => ({ ...p.finding, file: p.file })),
    file => {
      const text = textOf(file)
      return text === undefined ? undefined : splitLines(text)
    }
  )
  pending.forEach((p, i) => identities.set(p, computed[i]))
  // The verified profile written into the target's compose service or container (src/report/suggestion.ts).
  const fixes = targetFixes(report, textOf, file =>
    locationOf(artifactLocation(file, options.repoRoot).uri as string)
  )

  const results: sarif.Result[] = kept.map(pendingResult => {
    const { finding, uri, file, targets } = pendingResult
    const where = region(finding)
    const partialFingerprints: Record<string, string> = {
      [STABLE_FINGERPRINT_KEY]: identities.get(pendingResult) as string
    }
    const lineHash = hashesOf(file)?.[where.startLine - 1]
    if (lineHash) partialFingerprints.primaryLocationLineHash = lineHash

    const out: sarif.Result = {
      ruleId: finding.ruleId,
      level: finding.level,
      message: { text: withExpiredIgnore(plainMessage(finding.message) || finding.ruleId, finding) },
      locations: [{ physicalLocation: { artifactLocation: locationOf(uri), region: where } }],
      partialFingerprints,
      properties: {
        ...(finding.properties ?? {}),
        evidence: finding.evidence,
        principle: finding.principle,
        // `target` when there is one (kept for readers of the single-target shape), `targets` always with any.
        ...(targets.length === 1 ? { target: targets[0] } : {}),
        ...(targets.length > 0 ? { targets: [...targets] } : {})
      }
    }
    const index = ruleIndexById.get(finding.ruleId)
    if (index !== undefined) out.ruleIndex = index
    // Against the base commit (--baseline): SARIF's own field, which code scanning and viewers understand.
    if (finding.baselineState) out.baselineState = finding.baselineState
    if (finding.suppression) out.suppressions = [suppressionOf(finding.suppression)]
    const fix = fixFor(fixes, file, targets)
    if (fix) out.fixes = [fix]
    return out
  })

  const notifications = [
    ...allNotifications(report).map(n => notificationToSarif(n, options.repoRoot)),
    ...extra
  ]
  const invocation: sarif.Invocation = {
    executionSuccessful: !notifications.some(n => n.level === 'error'),
    toolExecutionNotifications: notifications
  }
  const start = isoTime(report.startedAt)
  const end = isoTime(report.finishedAt)
  if (start) invocation.startTimeUtc = start
  if (end) invocation.endTimeUtc = end

  const automationId = automationIdOf(options.automationId)

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: REPO_URL,
            rules: rules.map(ruleDescriptor)
          }
        },
        automationDetails: { id: automationId },
        invocations: [invocation],
        results
      }
    ]
  }
}

/** A pragma is `inSource`; a config or .hadolint.yaml ignore is `external`, naming its file, line and expiry. */
function suppressionOf(s: Suppression): sarif.Suppression {
  if (s.file === undefined)
    return {
      kind: 'inSource',
      justification: s.justification || `${s.kind} pragma`,
      properties: { pragma: s.kind, line: s.line }
    }
  return {
    kind: 'external',
    justification: s.justification,
    properties: {
      source: s.kind,
      file: s.file,
      line: s.line,
      ...(s.expires !== undefined ? { expires: s.expires } : {})
    }
  }
}

/** A finding whose config ignore expired says so in its message too (the alert's text on GitHub). */
function withExpiredIgnore(text: string, finding: Finding): string {
  const expired = expiredIgnoreOf(finding)
  return expired ? `${text} Not suppressed: ${plainMessage(expiredIgnoreText(expired))}.` : text
}

/** Writes the log as pretty JSON, creating the folder when needed. */
export function writeSarif(file: string, log: sarif.Log): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  writeFileSync(file, JSON.stringify(log, null, 2) + '\n', 'utf8')
}
