// Renders the verified least-privilege profile (src/suggest/, ScanResult.suggestion) for the reports: a
// collapsible Markdown section, one comment line, a short text block and, where the target's deployment came
// from a compose file or a Kubernetes manifest, the SARIF fix that writes it there. Renders only: whether
// the profile holds, and what it needs, was decided by the engine.
import type * as sarif from 'sarif'
import type { ScanResult } from '../scan/types'
import type { Suggestion, SuggestionNeed } from '../suggest/types'
import { codeBlock, escapeHtml, escapeInline, stripControl, truncate } from './escape'

/** Needs listed in one report; the engine's are few (one per capability, path, user, namespace). */
const MAX_NEEDS = 50
/** One snippet as shown or inserted: the engine's are a few hundred characters. */
const MAX_SNIPPET = 8_000

const NEED_WORD: Record<SuggestionNeed['kind'], string> = {
  capability: 'capability',
  'writable-path': 'writable path',
  user: 'user',
  'host-namespace': 'host namespace'
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}

/** `verified: running for 2 s, ports tcp/8080, healthcheck passed` or `unverified: why`. Plain text. */
export function suggestionStatus(s: Suggestion): string {
  if (s.status !== 'verified') return `unverified${s.reason ? `: ${s.reason}` : ''}`
  const v = s.verified
  const outcome =
    v.outcome === 'running'
      ? `still running after ${seconds(v.windowMs)}`
      : 'exited as under the declared profile'
  const ports = v.ports.length ? `, listening on ${v.ports.slice(0, 20).join(', ')}` : ''
  const health = v.healthcheck === 'passed' ? ', HEALTHCHECK passed' : ''
  return `verified: ${outcome}${ports}${health}`
}

/** A snippet for a code block: no control characters but newlines and tabs, bounded. */
function snippet(text: string): string {
  return truncate(stripControl(String(text), '\n').replace(/\n+$/, ''), MAX_SNIPPET)
}

function needsOf(s: Suggestion): SuggestionNeed[] {
  return s.needs.slice(0, MAX_NEEDS)
}

/** The job summary's collapsible section for one measured target; '' without a suggestion. */
export function suggestionMarkdown(result: ScanResult): string {
  const s = result.suggestion
  if (!s) return ''
  const parts = [
    `<details><summary>Suggested least-privilege profile (${escapeHtml(suggestionStatus(s), { maxLength: 400 })})</summary>`,
    '',
    '`docker run` flags:',
    '',
    codeBlock(snippet(s.docker), 'sh'),
    '',
    'Compose service keys:',
    '',
    codeBlock(snippet(s.compose), 'yaml'),
    '',
    'Kubernetes container:',
    '',
    codeBlock(snippet(s.kubernetes), 'yaml')
  ]
  const needs = needsOf(s)
  if (needs.length > 0) {
    parts.push('', 'What it needs, and why:', '')
    for (const need of needs)
      parts.push(
        `- ${NEED_WORD[need.kind] ?? 'need'} ${escapeInline(need.value, { maxLength: 200, atLineStart: false })}: ${escapeInline(need.evidence, { maxLength: 500, atLineStart: false })}`
      )
    if (s.needs.length > needs.length) parts.push(`- … ${s.needs.length - needs.length} more`)
  } else {
    parts.push('', 'It needs nothing beyond the tightest profile.')
  }
  parts.push(
    '',
    `Checked: ${escapeInline(suggestionStatus(s), { maxLength: 600, atLineStart: false })} (${s.trials} ${s.trials === 1 ? 'run' : 'runs'}).`,
    '',
    `Not shown by a short run: ${escapeInline(s.limits, { maxLength: 600, atLineStart: false })}`,
    '',
    '</details>'
  )
  return parts.join('\n')
}

/** The sticky comment's line for one target: where the profile is, not the profile itself. */
export function suggestionCommentLine(result: ScanResult, see: string): string {
  const s = result.suggestion
  if (!s) return ''
  const needs = s.needs.length
  const what =
    s.status === 'verified'
      ? `verified, ${needs === 0 ? 'needs nothing more' : `${needs} ${needs === 1 ? 'need' : 'needs'}`}`
      : 'unverified'
  return `Suggested least-privilege profile (${what}): ${see}.`
}

/** The text report's block: a title line, then label/value rows the caller wraps (plain, unescaped). */
export function suggestionTextRows(
  result: ScanResult
): { title: string; rows: [string, string][] } | undefined {
  const s = result.suggestion
  if (!s) return undefined
  const rows: [string, string][] = [['docker run ', stripControl(s.docker)]]
  for (const need of needsOf(s))
    rows.push([`needs ${NEED_WORD[need.kind] ?? 'need'} `, `${need.value}: ${need.evidence}`])
  if (s.needs.length > MAX_NEEDS) rows.push(['', `… ${s.needs.length - MAX_NEEDS} more needs`])
  rows.push(['limits ', s.limits])
  return { title: `Suggested profile (${suggestionStatus(s)})`, rows }
}

// ---- SARIF fix: the snippet written into the compose service or Kubernetes container --------------------

const KEY = /^( *)(- +)?([A-Za-z_][\w.-]*)\s*:(?:\s|$)/

interface Line {
  text: string
  /** Offset of the line's first character in the file. */
  start: number
  /** Offset just past the line's newline (the next line's start). */
  next: number
}

function linesOf(text: string): Line[] {
  const out: Line[] = []
  let start = 0
  while (start < text.length) {
    const nl = text.indexOf('\n', start)
    const end = nl === -1 ? text.length : nl
    out.push({ text: text.slice(start, end).replace(/\r$/, ''), start, next: nl === -1 ? end : nl + 1 })
    start = end + 1
  }
  return out
}

function significant(line: Line): boolean {
  const t = line.text.trim()
  return t !== '' && !t.startsWith('#')
}

function indentOf(text: string): number {
  return text.length - text.trimStart().length
}

/** The keys a snippet sets at its top level. */
function snippetKeys(text: string): Set<string> {
  const keys = new Set<string>()
  for (const line of text.split('\n')) {
    const m = KEY.exec(line)
    if (m && m[1] === '' && !m[2]) keys.add(m[3])
  }
  return keys
}

/**
 * The replacements that put `snippet` (top-level YAML keys) into the mapping that starts at 1-based `line` of
 * `text` (a compose service key, or a Kubernetes container's `- name:` item): each key it sets that is
 * already there is replaced, the rest inserted after that line, at the mapping's indentation. Undefined when
 * that line is not a key.
 */
export function snippetReplacements(
  text: string,
  line: number,
  snippetText: string,
  dropped: (key: string, value: string) => boolean = () => false
): sarif.Replacement[] | undefined {
  const lines = linesOf(text)
  const head = lines[line - 1]
  const m = head ? KEY.exec(head.text) : null
  if (!head || !m) return undefined
  const headIndent = m[1].length
  // A `- name:` item's keys sit where `name` does; a mapping key's children are indented past it.
  let childIndent = m[2] ? headIndent + m[2].length : -1
  let end = line // index (0-based) of the first line after the mapping
  for (let i = line; i < lines.length; i++) {
    if (!significant(lines[i])) continue
    const indent = indentOf(lines[i].text)
    if (childIndent === -1) {
      if (indent <= headIndent) break
      childIndent = indent
    }
    if (indent < childIndent) break
    end = i + 1
  }
  if (childIndent === -1) childIndent = headIndent + 2
  const wanted = snippetKeys(snippetText)
  const deletions: { from: number; to: number }[] = []
  for (let i = line; i < end; i++) {
    const k = KEY.exec(lines[i].text)
    if (!k || k[2] || k[1].length !== childIndent) continue
    const value = lines[i].text.slice(k[0].length).trim()
    if (!wanted.has(k[3]) && !dropped(k[3], value.replace(/^["']|["']$/g, ''))) continue
    let j = i + 1
    // The key's value: deeper lines, and a sequence YAML lets sit at the key's own indentation.
    const inside = (l: Line): boolean =>
      !significant(l) || indentOf(l.text) > childIndent || l.text.trimStart().startsWith('- ')
    while (j < end && inside(lines[j])) j++
    // Trailing blank or comment lines stay where they are.
    while (j - 1 > i && !significant(lines[j - 1])) j--
    deletions.push({ from: lines[i].start, to: lines[j - 1].next })
  }
  const newline = /\r\n/.test(text) ? '\r\n' : '\n'
  const pad = ' '.repeat(childIndent)
  const inserted = snippetText
    .replace(/\n+$/, '')
    .split('\n')
    .map(l => (l.trim() === '' ? '' : pad + l))
    .join(newline)
  // After the head line; a file without a final newline gets one first.
  const at = head.next
  const lead = at === text.length && !text.endsWith('\n') ? newline : ''
  const insertion = { from: at, to: at, text: `${lead}${inserted}${newline}` }
  const merged = deletions.find(d => d.from === at)
  const all = merged
    ? deletions.map(d => (d === merged ? { ...d, text: insertion.text } : d))
    : [insertion, ...deletions]
  return all
    .sort((a, b) => a.from - b.from)
    .map(r => ({
      deletedRegion: { charOffset: r.from, charLength: r.to - r.from },
      ...('text' in r && r.text !== undefined ? { insertedContent: { text: r.text } } : {})
    }))
}

/**
 * Compose keys the profile takes away when the snippet does not set them: its `cap_drop: [ALL]` plus `cap_add`
 * list is the whole capability set, and a declared host namespace the workload did not need is dropped.
 */
function droppedComposeKey(key: string, value: string): boolean {
  if (key === 'cap_add' || key === 'privileged') return true
  return ['pid', 'ipc', 'uts', 'network_mode'].includes(key) && value === 'host'
}

/**
 * The SARIF `fixes` for the findings of `result` located in its deployment file, when that file is a compose
 * file or Kubernetes manifest, a suggestion exists and the file's text is at hand. `uri` is the file's SARIF
 * artifact location, as its results use it.
 */
export function suggestionFix(
  result: ScanResult,
  text: string | undefined,
  location: sarif.ArtifactLocation
): sarif.Fix | undefined {
  const s = result.suggestion
  const target = result.target
  if (!s || s.status !== 'verified' || !target || text === undefined || target.line === undefined)
    return undefined
  if (target.source !== 'compose' && target.source !== 'kubernetes') return undefined
  const block = snippet(target.source === 'compose' ? s.compose : s.kubernetes)
  if (block.trim() === '') return undefined
  const replacements = snippetReplacements(
    text,
    target.line,
    block,
    target.source === 'compose' ? droppedComposeKey : undefined
  )
  if (!replacements) return undefined
  return {
    description: {
      text: `Apply the verified least-privilege profile to ${stripControl(target.name).slice(0, 300)} (${suggestionStatus(s).slice(0, 300)}).`
    },
    artifactChanges: [{ artifactLocation: location, replacements }]
  }
}

/** Each suggestion's fix, by target name and deployment file: what buildSarif attaches to those results. */
export function targetFixes(
  report: { results: ScanResult[] },
  textOf: (file: string) => string | undefined,
  locate: (file: string) => sarif.ArtifactLocation
): Map<string, sarif.Fix> {
  const fixes = new Map<string, sarif.Fix>()
  for (const result of report.results) {
    const file = result.target?.file
    if (!result.suggestion || !file) continue
    const fix = suggestionFix(result, textOf(file), locate(file))
    if (fix) fixes.set(JSON.stringify([result.target?.name, file]), fix)
  }
  return fixes
}

/** The fix for a result at `file` found under `targets`, when exactly one of those targets has one there. */
export function fixFor(
  fixes: Map<string, sarif.Fix>,
  file: string,
  targets: string[]
): sarif.Fix | undefined {
  if (fixes.size === 0) return undefined
  const found = targets.map(t => fixes.get(JSON.stringify([t, file]))).filter(f => f !== undefined)
  return found.length === 1 ? found[0] : undefined
}
