// Reads an instruction's arguments straight from the source lines using dockerfile-ast's ranges.
// dockerfile-ast recomputes every argument (with positions) on each getArguments()/getFlags() call, which
// costs more than the parse itself on a large corpus; this does the same job in one string pass.

export interface Range0 {
  start: { line: number; character: number }
  end: { line: number; character: number }
}

/** Lines as the parser counts them (LF, CRLF and lone CR all end a line). */
export function sourceLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/)
}

/**
 * The text after the keyword, with line continuations (escape char at the end of a line) joined and the
 * comment and blank lines inside a continuation dropped, as the builder does. Heredoc bodies keep their
 * newlines.
 */
export function argumentText(lines: string[], range: Range0, escapeChar: string): string {
  let out = ''
  let continued = false
  for (let index = range.start.line; index <= range.end.line; index++) {
    let line = lines[index] ?? ''
    if (index === range.end.line) line = line.slice(0, range.end.character)
    if (index === range.start.line) line = line.slice(range.start.character)
    if (continued) {
      const trimmed = line.trimStart()
      if (trimmed === '' || trimmed.startsWith('#')) continue
    }
    const body = line.trimEnd()
    if (body.endsWith(escapeChar)) {
      out += body.slice(0, -1)
      continued = true
    } else {
      out += index < range.end.line ? `${line}\n` : line
      continued = false
    }
  }
  return out.replace(/^\s*\S+[ \t]*/, '')
}

export interface Flag {
  name: string
  value: string | null
}

/** Leading `--name[=value]` flags (RUN, COPY, ADD, FROM) and the text after them. */
export function splitFlags(args: string): { flags: Flag[]; rest: string } {
  const flags: Flag[] = []
  let position = 0
  for (;;) {
    while (position < args.length && (args[position] === ' ' || args[position] === '\t')) position++
    if (!args.startsWith('--', position)) break
    let end = position
    while (end < args.length && !/\s/.test(args[end])) end++
    const word = args.slice(position + 2, end)
    const equals = word.indexOf('=')
    flags.push(
      equals < 0
        ? { name: word, value: null }
        : { name: word.slice(0, equals), value: word.slice(equals + 1) }
    )
    position = end
  }
  return { flags, rest: args.slice(position) }
}

/** Splits on whitespace outside quotes; words keep their quotes and escapes (expandWord removes them). */
export function splitWords(text: string, escapeChar: string): string[] {
  const words: string[] = []
  let word = ''
  let quote = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === escapeChar && i + 1 < text.length && quote !== "'") {
      word += ch + text[++i]
      continue
    }
    if (quote !== '') {
      if (ch === quote) quote = ''
      word += ch
      continue
    }
    if (ch === '"' || ch === "'") {
      quote = ch
      word += ch
      continue
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (word !== '') words.push(word)
      word = ''
      continue
    }
    word += ch
  }
  if (word !== '') words.push(word)
  return words
}

export interface RawProperty {
  name: string
  /** Value as written (quotes kept); null for `ARG NAME` without a default. */
  raw: string | null
}

/** `ENV A=1 B="x y"`, legacy `ENV A some value`, `ARG A`, `ARG A=1 B=2`. */
export function parseProperties(args: string, escapeChar: string, legacyForm: boolean): RawProperty[] {
  const words = splitWords(args, escapeChar)
  if (words.length === 0) return []
  if (!words[0].includes('=')) {
    if (legacyForm) {
      const value = args.trim().slice(words[0].length).trim()
      return [{ name: words[0], raw: words.length > 1 ? value : null }]
    }
  }
  return words.map(word => {
    const equals = word.indexOf('=')
    return equals < 0
      ? { name: word, raw: null }
      : { name: word.slice(0, equals), raw: word.slice(equals + 1) }
  })
}
