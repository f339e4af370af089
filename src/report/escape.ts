// Escaping for untrusted text (Dockerfile text, file names, probe values) on its way into Markdown, HTML and
// terminals. See reference/github-platform.md §6: normalise, strip controls, HTML-escape, backslash-escape
// Markdown punctuation, break @mentions and #refs, truncate before escaping.

/** Default cap for one escaped value; long values are cut with an ellipsis before escaping. */
export const DEFAULT_MAX_LENGTH = 500

const ZWSP = '&#8203;'

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

// Every character CommonMark/GFM could read as syntax in inline text. `$` because GitHub renders `$...$` as
// math; `|` because GFM splits table cells on it even inside code spans.
const MARKDOWN_PUNCTUATION = new Set('\\`*_[](){}#+-!|~$:'.split(''))

// C0/C1 controls, DEL, and bidi overrides/isolates ("Trojan Source"): never shown as-is.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

// GFM's extended autolinks make links of `www.x`, `scheme://x` and `x@y.z` found in plain text, and GitHub
// also of `mailto:` and `xmpp:` addresses. A backslash before `:` is not enough where the matcher runs on
// the decoded text, so a zero-width space goes after `www`, inside `://` and after those scheme names: it
// reads the same and never matches. (`@` is followed by one already, which breaks emails.)
const ZW = '\u200b'
function breakAutolinks(text: string): string {
  return breakDomains(text, ZW)
    .replace(/(www)(?=\.)/gi, `$1${ZW}`)
    .replace(/:(?=\/\/)/g, `:${ZW}`)
    .replace(/(mailto|xmpp)(?=:)/gi, `$1${ZW}`)
}

// Bare domains (`evil-example.com/x`) are linked by some renderers and read as links by people, so the dot
// before a domain's top-level label is broken too. File names share that shape (`package.json`,
// `Dockerfile.dev`), so only a known TLD counts: one that is rarely a file extension breaks whenever a
// label with a letter comes before it; one that is also a common extension (`.dev`, `.app`, `.io`, `.sh`,
// `.py`, `.in`…) breaks only when the word is shaped like a host: three or more labels, or a `/` or
// `:port` right after it. `Dockerfile.dev` and `app.py` stay as they are.
const HOST_TLDS = new Set(
  (
    'com net org edu gov mil int info biz xyz top site online store shop club live cloud tech news blog page ' +
    'link click host website space fun icu vip win bid loan work email today world zone digital network ' +
    'us uk de fr ru cn jp kr eu nl br au ca ch es it se nz za tk tv ws ly be at dk fi ie pt gr cz hu ro ua ' +
    'ar mx cl tw hk sg my th vn id ir tr il ae sa ng ke'
  ).split(' ')
)
const EXTENSION_TLDS = new Set(
  'dev app io co me ai sh in py md rs pl so zip mov cc am ac ml ps sx to'.split(' ')
)
// Dot-separated labels ending in an alphabetic one; not part of a longer word of the same characters.
const HOST_LIKE = /(?<![A-Za-z0-9.-])(?:[A-Za-z0-9-]+\.)+([A-Za-z]{2,24})(?![A-Za-z0-9-])/g

/** Code-unit offsets of the dots that start a domain's top-level label in `text`. */
function domainDots(text: string): Set<number> {
  const dots = new Set<number>()
  for (const m of text.matchAll(HOST_LIKE)) {
    const word = m[0]
    const tld = m[1].toLowerCase()
    const dot = word.length - tld.length - 1
    if (!/[A-Za-z]/.test(word.slice(0, dot))) continue
    const after = text.slice((m.index ?? 0) + word.length, (m.index ?? 0) + word.length + 2)
    const hostShaped = word.split('.').length >= 3 || after.startsWith('/') || /^:\d/.test(after)
    if (HOST_TLDS.has(tld) || (EXTENSION_TLDS.has(tld) && hostShaped)) dots.add((m.index ?? 0) + dot)
  }
  return dots
}

/** `text` with `mark` put before each domain's top-level dot (`evil-example<mark>.com`). */
function breakDomains(text: string, mark: string): string {
  const dots = domainDots(text)
  if (dots.size === 0) return text
  let out = ''
  let copied = 0
  for (const at of [...dots].sort((a, b) => a - b)) {
    out += text.slice(copied, at) + mark
    copied = at
  }
  return out + text.slice(copied)
}

/** Cuts `text` to at most `max` code points (never inside a surrogate pair), ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  // Walks at most `max` code points, not the whole text: a value may be megabytes long.
  let count = 0
  let keep = 0
  for (const point of text) {
    if (count >= max) return text.slice(0, keep) + '…'
    if (count < max - 1) keep += point.length
    count++
  }
  return text
}

/** Newlines and tabs become one space; other control characters are removed. */
export function stripControl(text: string, newline = ' '): string {
  return text
    .replace(/\r\n|\r|\n/g, newline)
    .replace(/\t/g, ' ')
    .replace(CONTROL, '')
}

export interface EscapeOptions {
  /** Code points kept before escaping; default 500. */
  maxLength?: number
  /** How a newline is rendered: one space (default, safe in table cells) or `<br>`. */
  newline?: 'space' | 'br'
  /**
   * escapeInline only: the text may begin a line (default true), where `-`, `+`, `#`, `>`, `=` or `1.` would
   * start a block. Pass false where it always follows other text or sits in a table cell (inline only).
   */
  atLineStart?: boolean
}

/**
 * Untrusted text for Markdown paragraphs, list items and GFM table cells. The result is one line, renders as
 * the literal text, creates no links, images, HTML, mentions or issue references.
 */
export function escapeMarkdown(text: string, options: EscapeOptions = {}): string {
  const marker = '\n'
  const clean = breakAutolinks(
    stripControl(truncate(String(text), options.maxLength ?? DEFAULT_MAX_LENGTH), marker)
  )
  let out = ''
  for (const ch of clean) {
    if (ch === marker) out += options.newline === 'br' ? '<br>' : ' '
    else if (ch in HTML_ENTITIES) out += HTML_ENTITIES[ch]
    else if (ch === '@') out += '@' + ZWSP
    else if (ch === '#') out += '\\#' + ZWSP
    else if (MARKDOWN_PUNCTUATION.has(ch)) out += '\\' + ch
    else out += ch
  }
  // `1. x` at the start of a list item would open a nested ordered list.
  return out.replace(/^(\d+)\./, '$1\\.')
}

/**
 * Untrusted text inside HTML (e.g. `<summary>`, attribute values), where backslash escapes would show
 * literally. Mentions and refs are still broken because GitHub links them in HTML text too.
 */
export function escapeHtml(text: string, options: { maxLength?: number } = {}): string {
  const clean = breakAutolinks(stripControl(truncate(String(text), options.maxLength ?? DEFAULT_MAX_LENGTH)))
  let out = ''
  for (const ch of clean) {
    if (ch in HTML_ENTITIES) out += HTML_ENTITIES[ch]
    else if (ch === '@' || ch === '#') out += ch + ZWSP
    else out += ch
  }
  return out
}

// Characters that never change how a code element renders: kept as they are, so a secret that slipped
// through still reads the same to the runner's masker (`&#95;` in `GITHUB_TOKEN` defeated it).
const CODE_SAFE = new Set(' =-,/+%;?{}^'.split(''))

/**
 * Untrusted text shown as code, safe inside GFM table cells: an HTML `<code>` element. Content between inline
 * HTML tags is still parsed as Markdown, so a backtick span would not do (`|` splits cells, a backtick run
 * ends the span). Only what could change the rendering becomes a numeric entity: HTML and Markdown syntax,
 * `:` and `@` (autolinks), the `.` of `www.` and the dot before a domain's TLD, and `_` unless it sits inside a word (where it cannot emphasise).
 * GitHub does not link mentions inside `code`.
 */
export function codeSpan(text: string, options: { maxLength?: number } = {}): string {
  const clean = stripControl(truncate(String(text), options.maxLength ?? DEFAULT_MAX_LENGTH))
  const chars = Array.from(clean)
  const dots = domainDots(clean)
  let out = ''
  let offset = 0
  for (const [i, ch] of chars.entries()) {
    const code = ch.codePointAt(0) as number
    out += code < 128 && (dots.has(offset) || codeNeedsEntity(chars, i)) ? `&#${code};` : ch
    offset += ch.length
  }
  return `<code>${out}</code>`
}

function codeNeedsEntity(chars: string[], i: number): boolean {
  const ch = chars[i]
  if (/[A-Za-z0-9]/.test(ch) || CODE_SAFE.has(ch)) return false
  const alnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c)
  if (ch === '_') return !(alnum(chars[i - 1]) && alnum(chars[i + 1]))
  // `www.` starts a GFM autolink.
  const before = chars.slice(Math.max(0, i - 3), i).join('')
  if (ch === '.') return before.toLowerCase() === 'www'
  return true
}

/** A backtick fence longer than any backtick run in `content` (at least three). */
export function fenceFor(content: string): string {
  let longest = 0
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  return '`'.repeat(Math.max(3, longest + 1))
}

/** A fenced code block that `content` cannot close early. */
export function codeBlock(content: string, language = ''): string {
  const fence = fenceFor(content)
  return `${fence}${language}\n${content}\n${fence}`
}

/**
 * A URL for a Markdown link destination built from trusted parts and an untrusted path: each path segment
 * percent-encoded, so spaces, parentheses, `#`, `?` and quotes cannot end or redirect the link.
 */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map(segment =>
      encodeURIComponent(segment).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    )
    .join('/')
}

/**
 * Untrusted text for a terminal: escape sequences and other control characters are shown as visible `\xNN`
 * so they cannot move the cursor, recolour, retitle the window or hide text.
 */
export function terminalSafe(text: string, options: { maxLength?: number } = {}): string {
  const clean = truncate(String(text), options.maxLength ?? DEFAULT_MAX_LENGTH)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\t/g, ' ')
  return clean.replace(CONTROL, ch => {
    const code = ch.codePointAt(0) as number
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

// ---------------------------------------------------------------------------------------------------------
// Readable escaping: the Markdown source of a report is read raw too (API clients, e-mail, `--format
// markdown` in a terminal), so these escape only what would change the rendering, and keep the text's own
// backtick spans as code. Their safety is tested by rendering (marked, GFM), not by character classes.

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/
const WORD = /[A-Za-z0-9]/

/**
 * True when `content` may be shown raw inside a backtick code span, in any context we render: no `|` (GFM
 * splits table cells on it even in code), no `<` (a raw `<!--` could forge a comment marker in the source),
 * no line break, nothing a reader would take for a link (`www.`, `scheme://`, `mailto:`, a bare domain).
 */
function rawCodeSafe(content: string): boolean {
  if (content.trim() === '' || /[|<\n]/.test(content)) return false
  if (/www\.|:\/\/|(mailto|xmpp):/i.test(content)) return false
  return domainDots(content).size === 0
}

/** Plain text (no code) with the minimal escapes; `atStart`: it begins a line or a block. */
function escapePlain(text: string, atStart: boolean, newline: 'space' | 'br', next: string): string {
  const chars = Array.from(breakAutolinks(text))
  let out = ''
  for (const [i, ch] of chars.entries()) {
    const before = i > 0 ? chars[i - 1] : undefined
    const after = i + 1 < chars.length ? chars[i + 1] : next
    if (ch === '\n') out += newline === 'br' ? '<br>' : ' '
    // A backslash escapes the punctuation after it (and before a line end breaks the line).
    else if (ch === '\\') out += after === '' || ASCII_PUNCTUATION.test(after) ? '\\\\' : '\\'
    // `&copy;` and `&#60;` would be decoded; a lone `&` renders as itself.
    else if (ch === '&') out += /[#A-Za-z]/.test(after) ? '&amp;' : '&'
    else if (ch === '<') out += '&lt;'
    else if (ch === '>') out += i === 0 && atStart ? '&gt;' : '>'
    else if (ch === '|') out += '\\|'
    else if (ch === '*' || ch === '~' || ch === '$') out += `\\${ch}`
    // `_` inside a word never emphasises (CommonMark's flanking rules); at a word's edge it may.
    else if (ch === '_') out += before && WORD.test(before) && WORD.test(after) ? '_' : '\\_'
    // No link forms without `](`: the only other kinds need a definition, which must start a line.
    else if (ch === ']') out += after === '(' ? '\\]' : ']'
    else if (ch === '[') out += i === 0 && atStart ? '\\[' : '['
    // Mentions, e-mail autolinks and issue references are linked on the rendered text, where a backslash is
    // gone: a zero-width space between the sign and the name stops them.
    else if (ch === '@') out += /[A-Za-z0-9_-]/.test(after) ? '@' + ZWSP : '@'
    else if (ch === '#') out += /\d/.test(after) ? '#' + ZWSP : i === 0 && atStart ? '\\#' : '#'
    else if (ch === '`') out += '\\`'
    else if (i === 0 && atStart && /[-+=]/.test(ch)) out += `\\${ch}`
    else out += ch
  }
  // `1. x` at the start of a block would open an ordered list.
  return atStart ? out.replace(/^(\d+)([.)])/, '$1\\$2') : out
}

/**
 * Untrusted text for Markdown inline content (paragraphs, list items, GFM table cells, headings), one line,
 * readable raw: it renders as the literal text, with the text's own backtick spans shown as code, and makes
 * no HTML, links, images, mentions, issue references, emphasis or extra table cells. A span that could not
 * stay inert raw (see rawCodeSafe) is shown as text with its backticks.
 */
export function escapeInline(text: string, options: EscapeOptions = {}): string {
  const clean = stripControl(truncate(String(text), options.maxLength ?? DEFAULT_MAX_LENGTH), '\n')
  const newline = options.newline ?? 'space'
  const lineStart = options.atLineStart ?? true
  let out = ''
  let plainFrom = 0
  let i = 0
  while (i < clean.length) {
    if (clean[i] !== '`') {
      i++
      continue
    }
    let run = 1
    while (clean[i + run] === '`') run++
    // CommonMark: the span closes at the next backtick run of exactly the same length.
    let close = -1
    for (let j = i + run; j < clean.length;) {
      if (clean[j] !== '`') {
        j++
        continue
      }
      let length = 1
      while (clean[j + length] === '`') length++
      if (length === run) {
        close = j
        break
      }
      j += length
    }
    const content = close >= 0 ? clean.slice(i + run, close) : ''
    if (close >= 0 && rawCodeSafe(content)) {
      if (i > plainFrom)
        out += escapePlain(clean.slice(plainFrom, i), lineStart && plainFrom === 0, newline, '`')
      out += clean.slice(i, close + run)
      i = close + run
      plainFrom = i
    } else {
      // Shown as text with literal backticks (escapePlain escapes them all, the closing run too, so it cannot
      // pair with a later one).
      i = close >= 0 ? close + run : i + run
    }
  }
  if (plainFrom < clean.length)
    out += escapePlain(clean.slice(plainFrom), lineStart && plainFrom === 0, newline, '')
  return out
}

/**
 * Untrusted text as code, readable raw: a backtick span when the text can stay inert inside one, else the
 * `<code>` element of codeSpan (which encodes what could render).
 */
export function inlineCode(text: string, options: { maxLength?: number } = {}): string {
  const clean = stripControl(truncate(String(text), options.maxLength ?? DEFAULT_MAX_LENGTH))
  if (!clean.includes('`') && !/^\s|\s$/.test(clean) && rawCodeSafe(clean)) return `\`${clean}\``
  return codeSpan(clean, { maxLength: Number.POSITIVE_INFINITY })
}
