// Judges output that carries untrusted text (file names, Dockerfile text, build output, deployment secrets)
// the way its readers do, written from their documented behaviour, not from the product's code:
// - the GitHub runner's command parser (actions/runner ActionCommand: `::cmd k=v,..::data` after leading
//   whitespace, the legacy `##[cmd k=v;..]data` anywhere in a line, lines split on CRLF, LF and lone CR,
//   `::stop-commands::TOKEN` ... `::TOKEN::`);
// - secrets in any encoding a reporter might produce (raw, HTML entities, URL-encoding, JSON escapes);
// - GitHub-flavoured Markdown's autolinks (`www.`, `http(s)://`) outside code spans and HTML blocks.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Commands the runner registers (actions/runner ActionCommandManager and its extensions). */
export const REGISTERED_COMMANDS = new Set([
  'add-mask',
  'add-path',
  'set-env',
  'set-output',
  'save-state',
  'stop-commands',
  'echo',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'add-matcher',
  'remove-matcher',
  'internal-set-repo-path'
])

/** The kinds of command the tool itself has a reason to print. */
export const OWN_KINDS = new Set([
  'group',
  'endgroup',
  'debug',
  'warning',
  'error',
  'notice',
  'add-mask',
  'stop-commands'
])
const ANNOTATION_PROPERTIES = new Set(['file', 'line', 'endLine', 'col', 'endColumn', 'title'])

export interface RunnerCommand {
  /** The physical line (after the runner's line split). */
  line: string
  name: string
  legacy: boolean
  /** Raw property text (`k=v,k=v`, or `k=v;k=v` for the legacy form). */
  rawProperties: string
  /** Properties as the runner decodes them; duplicates are kept so they can be reported. */
  properties: [string, string][]
  /** Data as the runner decodes it. */
  data: string
}

export function runnerLines(stdout: string): string[] {
  return stdout.split(/\r\n|\n|\r/)
}

function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}
function unescapeProperty(s: string): string {
  return s
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%')
}

/**
 * Characters ICU's culture-sensitive comparison ignores. The runner's `StartsWith("::")` and
 * `IndexOf("::")`/`IndexOf("##[")` take the current culture, so on an ICU runner they match across these
 * characters while the offsets the runner then slices with stay ordinal; lines are judged in both modes.
 */
const IGNORABLE_RANGES: [number, number][] = [
  [0x0000, 0x0000],
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xe0000, 0xe0fff]
]

/** Every line the runner would obey as a command, in order (invariant and ICU culture). */
export function runnerCommands(stdout: string): RunnerCommand[] {
  const commands: RunnerCommand[] = []
  for (const icu of [false, true]) {
    for (const c of parseCommands(stdout, icu)) if (!commands.some(d => d.line === c.line)) commands.push(c)
  }
  return commands
}

const isIgnorable = (ch: string): boolean => {
  const cp = ch.codePointAt(0)!
  return IGNORABLE_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi)
}

/**
 * `s.IndexOf(needle, from)` as .NET computes it: ordinal, or (ICU) skipping ignorable characters inside the
 * match while the index stays an offset into the raw string, as the runner then uses it.
 */
function indexOfIn(s: string, needle: string, from: number, icu: boolean): number {
  if (!icu) return s.indexOf(needle, from)
  for (let i = from; i < s.length; i++) {
    if (isIgnorable(s[i])) continue
    let j = i
    let k = 0
    while (k < needle.length && j < s.length) {
      if (isIgnorable(s[j])) {
        j++
        continue
      }
      if (s[j] !== needle[k]) break
      j++
      k++
    }
    if (k === needle.length) return i
  }
  return -1
}
function startsWithIn(s: string, prefix: string, icu: boolean): boolean {
  if (!icu) return s.startsWith(prefix)
  let i = 0
  while (i < s.length && isIgnorable(s[i])) i++
  return indexOfIn(s, prefix, i, true) === i
}

/** actions/runner ActionCommand.TryParseV2 and TryParse, with .NET's offsets. */
function parseCommands(stdout: string, icu: boolean): RunnerCommand[] {
  const commands: RunnerCommand[] = []
  let stopToken: string | undefined
  for (const line of runnerLines(stdout)) {
    if (stopToken !== undefined) {
      if (line.trim().toLowerCase() === `::${stopToken}::`.toLowerCase()) stopToken = undefined
      continue
    }
    const trimmed = line.trimStart()
    if (startsWithIn(trimmed, '::', icu)) {
      const end = indexOfIn(trimmed, '::', 2, icu)
      if (end >= 2) {
        const info = trimmed.slice(2, end)
        const space = info.indexOf(' ')
        const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
        const rawProperties = space < 0 ? '' : info.slice(space + 1)
        if (REGISTERED_COMMANDS.has(name)) {
          const properties = rawProperties
            .split(',')
            .filter(p => p.length > 0)
            .map(p => {
              const eq = p.indexOf('=')
              return (eq < 0 ? [p, ''] : [p.slice(0, eq), unescapeProperty(p.slice(eq + 1))]) as [
                string,
                string
              ]
            })
          const data = unescapeData(trimmed.slice(end + 2))
          commands.push({ line, name, legacy: false, rawProperties, properties, data })
          if (name === 'stop-commands' && data) stopToken = data
          continue
        }
      }
    }
    // Legacy `##[name props]data`: the first `##[` anywhere in the line.
    const at = indexOfIn(line, '##[', 0, icu)
    if (at < 0) continue
    const close = line.indexOf(']', at)
    if (close < 0) continue
    const info = line.slice(at + 3, close)
    const space = info.indexOf(' ')
    const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
    if (!REGISTERED_COMMANDS.has(name)) continue
    const rawProperties = space < 0 ? '' : info.slice(space + 1)
    const properties = rawProperties
      .split(';')
      .filter(p => p.length > 0)
      .map(p => {
        const eq = p.indexOf('=')
        return (eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)]) as [string, string]
      })
    commands.push({ line, name, legacy: true, rawProperties, properties, data: line.slice(close + 1) })
  }
  return commands
}

export interface CommandPolicy {
  /** Text that only an attacker wrote (every payload carries it). */
  marker: string
  /** Values the tool may legitimately hand to add-mask (the token, the deployment's secrets). */
  masks: string[]
  /** Repository-relative paths that exist: an annotation's `file=` must be one of them. */
  files?: string[]
}

/** What the runner would do on the attacker's behalf; empty when nothing. */
export function commandProblems(stdout: string, policy: CommandPolicy): string[] {
  const problems: string[] = []
  const show = (c: RunnerCommand): string => JSON.stringify(c.line.slice(0, 300))
  for (const c of runnerCommands(stdout)) {
    if (c.legacy) {
      problems.push(`legacy command ##[${c.name}] obeyed: ${show(c)}`)
      continue
    }
    if (!OWN_KINDS.has(c.name)) problems.push(`command ${c.name} obeyed: ${show(c)}`)
    if (c.name === 'add-mask' && !policy.masks.includes(c.data)) problems.push(`add-mask of ${show(c)}`)
    if (c.name === 'stop-commands' && (c.data.includes(policy.marker) || c.data.length < 16))
      problems.push(`stop-commands with a guessable or attacker token: ${show(c)}`)
    const keys = c.properties.map(([k]) => k)
    if (new Set(keys).size !== keys.length) problems.push(`duplicate properties: ${show(c)}`)
    for (const [key, value] of c.properties) {
      if (!ANNOTATION_PROPERTIES.has(key))
        problems.push(`unknown property ${JSON.stringify(key)}: ${show(c)}`)
      if (key === 'title' && value.trimStart().startsWith(policy.marker))
        problems.push(`forged title: ${show(c)}`)
      if (key === 'file' && policy.files && !policy.files.includes(value))
        problems.push(`file=${JSON.stringify(value)} is not a file of the repository: ${show(c)}`)
      if (
        (key === 'line' || key === 'endLine' || key === 'col' || key === 'endColumn') &&
        !/^\d+$/.test(value)
      )
        problems.push(`non-numeric ${key}: ${show(c)}`)
    }
    if (c.data.trimStart().startsWith(policy.marker)) problems.push(`forged ${c.name}: ${show(c)}`)
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------
// Secrets

/** Undoes the encodings a reporter might apply: HTML entities, %XX, JSON/JS escapes, Markdown backslashes. */
export function decodeEverything(text: string): string {
  let s = text
  for (let round = 0; round < 3; round++) {
    s = s
      .replace(/&#x([0-9a-f]{1,6});?/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d{1,7});?/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(
        /&(lt|gt|amp|quot|apos);/g,
        (_m, n: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[n] ?? ''
      )
      .replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\u([0-9a-f]{4})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\x([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
  }
  return s.replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '').replace(/\\/g, '')
}

/** Where `core` (the distinctive part of a secret) shows, raw or in any encoding; empty when nowhere. */
export function secretSightings(
  outputs: Record<string, string>,
  core: string,
  allowed: (line: string) => boolean = () => false
): string[] {
  const seen: string[] = []
  for (const [where, text] of Object.entries(outputs)) {
    const lines = text.split(/\r\n|\n|\r/).filter(l => !allowed(l))
    const kept = lines.join('\n')
    if (kept.includes(core)) {
      const line = lines.find(l => l.includes(core)) ?? ''
      seen.push(`${where} (raw): ${JSON.stringify(line.slice(0, 200))}`)
    } else if (decodeEverything(kept).includes(core)) {
      const line = lines.find(l => decodeEverything(l).includes(core)) ?? ''
      seen.push(`${where} (encoded): ${JSON.stringify(line.slice(0, 200))}`)
    }
  }
  return seen
}

/** Every regular file under `dir` (bounded), by path, as text. */
export function filesUnder(dir: string, limit = 2000): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string, depth: number): void => {
    if (depth > 20 || Object.keys(out).length >= limit || !existsSync(d)) return
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      let st
      try {
        st = statSync(p)
      } catch {
        continue
      }
      if (st.isDirectory()) walk(p, depth + 1)
      else if (st.isFile() && st.size < 64 * 1024 * 1024) out[p] = readFileSync(p, 'latin1')
    }
  }
  walk(dir, 0)
  return out
}

// ---------------------------------------------------------------------------------------------------------
// Markdown autolinks

const HTML_BLOCK_TAGS =
  'address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul'
const HTML_BLOCK_START = new RegExp(`^ {0,3}</?(${HTML_BLOCK_TAGS})(\\s|/?>|$)`, 'i')

/** The Markdown text GitHub would run its autolinker over: no code, no HTML blocks, no comments. */
export function markdownText(markdown: string): string {
  const kept: string[] = []
  let inFence: string | undefined
  let inHtml = false
  let inComment = false
  for (const line of markdown.split(/\r\n|\n|\r/)) {
    if (inComment) {
      if (line.includes('-->')) inComment = false
      continue
    }
    if (inFence) {
      if (line.trim().startsWith(inFence)) inFence = undefined
      continue
    }
    if (inHtml) {
      if (line.trim() === '') inHtml = false
      continue
    }
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)
    if (fence) {
      inFence = fence[1]
      continue
    }
    if (/^ {0,3}<!--/.test(line)) {
      if (!line.includes('-->')) inComment = true
      continue
    }
    if (HTML_BLOCK_START.test(line)) {
      inHtml = true
      continue
    }
    // Inline code spans: a run of backticks up to the same run.
    kept.push(line.replace(/(`+)([\s\S]*?)\1/g, ' '))
  }
  return kept.join('\n')
}

/** Live links to `domain` that GitHub would render from the Markdown; empty when every mention is inert. */
export function liveLinks(markdown: string, domain: string): string[] {
  const found: string[] = []
  const text = markdownText(markdown)
  const escaped = domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  for (const re of [
    new RegExp(`(?:https?://|www\\.)[^\\s<]*${escaped}`, 'gi'),
    new RegExp(`\\b${escaped}`, 'gi') // bare domain
  ]) {
    for (const m of text.matchAll(re))
      found.push(
        `${m[0]} in ${JSON.stringify(text.slice(Math.max(0, m.index - 60), m.index + m[0].length + 20))}`
      )
  }
  // Anchors and Markdown links anywhere (HTML blocks included).
  for (const m of markdown.matchAll(
    new RegExp(
      `<a\\s[^>]*${escaped}[^>]*>|\\]\\([^)]*${escaped}[^)]*\\)|<[a-z]+://[^>]*${escaped}[^>]*>`,
      'gi'
    )
  ))
    found.push(m[0])
  return found
}
