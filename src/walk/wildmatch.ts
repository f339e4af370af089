// Glob matching without regular expressions: a pattern from a pull request (a `.gitignore`, an exclude, a
// config `paths:` glob) meets names from the same pull request, and a backtracking RegExp built from
// `*a*a*a*a*a*a*a*a*b` takes minutes on a 70-character name. Here each segment is matched by the classic
// two-pointer wildcard algorithm (time: segment length x pattern length) and `**` by memoised dynamic
// programming over segments (time: pattern segments x path segments x segment cost): polynomial, always.

/** A pattern element within one path segment. */
type Token =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'class'; negate: boolean; items: Array<[string, string]> }

type Segment = { kind: 'globstar' } | { kind: 'tokens'; tokens: Token[] }

export interface WildmatchOptions {
  /**
   * Wildcards at the start of a segment do not match a leading dot (`*.yml` is not `.env.yml`), as bash and
   * minimatch do; git's own matching has no such rule (false for .gitignore patterns).
   */
  dotRule: boolean
  /** Backslash escapes the next character (gitignore); otherwise a backslash is an ordinary character. */
  escapes: boolean
  ignoreCase?: boolean
}

/** A compiled glob: `test` a forward-slash path (no leading `/`). */
export interface Wildmatch {
  test(path: string): boolean
}

/** Brace alternatives one pattern may expand to: far more than anyone writes. */
export const MAX_ALTERNATIVES = 1024

/**
 * Compiles `pattern` (`*`, `?`, `[abc]`, `[!a-z]`, `{a,b}`, `**` as a whole segment). Throws an Error with a
 * one-line reason for an unbalanced `{` or too many alternatives.
 */
export function compileWildmatch(pattern: string, options: WildmatchOptions): Wildmatch {
  const text = options.ignoreCase ? pattern.toLowerCase() : pattern
  const alternatives = expandBraces(text, options.escapes).map(alt => parseSegments(alt, options.escapes))
  return {
    test(path: string): boolean {
      const subject = options.ignoreCase ? path.toLowerCase() : path
      const parts = subject.split('/')
      return alternatives.some(segments => matchPath(segments, parts, options.dotRule))
    }
  }
}

/** `{a,b}` alternatives, nested, bounded; `}` or `,` outside braces are ordinary characters. */
function expandBraces(pattern: string, escapes: boolean): string[] {
  // Find the first top-level `{` with its matching `}`; expand it; recurse on each result.
  let depth = 0
  let open = -1
  const commas: number[] = []
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (escapes && c === '\\') {
      i++
      continue
    }
    if (c === '[') {
      const end = classEnd(pattern, i, escapes)
      if (end > i) {
        i = end
        continue
      }
    }
    if (c === '{') {
      if (depth === 0) open = i
      depth++
    } else if (c === '}' && depth > 0) {
      depth--
      if (depth === 0) {
        const before = pattern.slice(0, open)
        const after = pattern.slice(i + 1)
        const bounds = [open, ...commas, i]
        const out: string[] = []
        for (let k = 0; k + 1 < bounds.length; k++) {
          const middle = pattern.slice(bounds[k] + 1, bounds[k + 1])
          for (const rest of expandBraces(`${before}${middle}${after}`, escapes)) {
            out.push(rest)
            if (out.length > MAX_ALTERNATIVES)
              throw new Error(
                `pattern "${clipped(pattern)}" expands to more than ${MAX_ALTERNATIVES} alternatives`
              )
          }
        }
        return out
      }
    } else if (c === ',' && depth === 1) {
      commas.push(i)
    }
  }
  if (depth > 0) throw new Error(`unbalanced "{" in pattern "${clipped(pattern)}"`)
  return [pattern]
}

function clipped(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text
}

/** Index of the `]` closing a class opened at `start`, or -1 when `[` is an ordinary character. */
function classEnd(pattern: string, start: number, escapes: boolean): number {
  let i = start + 1
  if (pattern[i] === '!' || pattern[i] === '^') i++
  if (pattern[i] === ']') i++ // a leading `]` is a member
  for (; i < pattern.length; i++) {
    if (escapes && pattern[i] === '\\') i++
    else if (pattern[i] === '/') return -1
    else if (pattern[i] === ']') return i
  }
  return -1
}

function parseSegments(pattern: string, escapes: boolean): Segment[] {
  const segments: Segment[] = []
  let tokens: Token[] = []
  const flush = (): void => {
    const only = tokens.length === 2 && tokens[0].kind === 'star' && tokens[1].kind === 'star'
    segments.push(only ? { kind: 'globstar' } : { kind: 'tokens', tokens: collapseStars(tokens) })
    tokens = []
  }
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '/') {
      flush()
    } else if (escapes && c === '\\') {
      if (i + 1 < pattern.length) tokens.push({ kind: 'char', char: pattern[++i] })
    } else if (c === '*') {
      tokens.push({ kind: 'star' })
    } else if (c === '?') {
      tokens.push({ kind: 'any' })
    } else if (c === '[' && classEnd(pattern, i, escapes) > i) {
      const end = classEnd(pattern, i, escapes)
      tokens.push(parseClass(pattern.slice(i + 1, end), escapes))
      i = end
    } else {
      tokens.push({ kind: 'char', char: c })
    }
  }
  flush()
  return segments
}

/**
 * `**` inside a segment (`a**b`) is one star; runs of stars match what one does. A run that opens the
 * segment keeps a second star: only the first is held back from a leading dot (`**.yml` matches `.env.yml`).
 */
function collapseStars(tokens: Token[]): Token[] {
  return tokens.filter((t, i) => !(t.kind === 'star' && tokens[i - 1]?.kind === 'star' && i > 1))
}

function parseClass(body: string, escapes: boolean): Token {
  let i = 0
  const negate = body[0] === '!' || body[0] === '^'
  if (negate) i++
  const items: Array<[string, string]> = []
  while (i < body.length) {
    let from = body[i++]
    if (escapes && from === '\\' && i < body.length) from = body[i++]
    if (body[i] === '-' && i + 1 < body.length) {
      let to = body[i + 1]
      i += 2
      if (escapes && to === '\\' && i < body.length) to = body[i++]
      if (to < from) throw new Error(`range "${from}-${to}" is out of order in [${body}]`)
      items.push([from, to])
    } else {
      items.push([from, from])
    }
  }
  return { kind: 'class', negate, items }
}

function matchesOne(token: Token, c: string): boolean {
  if (token.kind === 'char') return token.char === c
  if (token.kind === 'any') return true
  if (token.kind === 'class') {
    const inside = token.items.some(([from, to]) => c >= from && c <= to)
    return inside !== token.negate
  }
  return false
}

/** One segment against one name: greedy with backtracking to the last star only (linear per star position). */
function matchSegment(tokens: Token[], name: string, dotRule: boolean): boolean {
  let list = tokens
  if (dotRule && name.startsWith('.') && list.length > 0) {
    // A leading wildcard never takes the dot: a star there matches nothing, `?` fails (a class may).
    if (list[0].kind === 'star') list = list.slice(1)
    else if (list[0].kind === 'any') return false
  }
  let p = 0
  let i = 0
  let starP = -1
  let starI = 0
  while (i < name.length) {
    const token = list[p]
    if (token !== undefined && token.kind !== 'star' && matchesOne(token, name[i])) {
      p++
      i++
    } else if (token !== undefined && token.kind === 'star') {
      starP = p++
      starI = i
    } else if (starP >= 0) {
      p = starP + 1
      i = ++starI
    } else {
      return false
    }
  }
  while (list[p]?.kind === 'star') p++
  return p === list.length
}

/** Segments against path parts; `**` is zero or more parts (one or more when it ends the pattern). */
function matchPath(segments: Segment[], parts: string[], dotRule: boolean): boolean {
  if (segments.length === 1 && segments[0].kind === 'globstar') return true
  const width = parts.length + 1
  // 0 unknown, 1 false, 2 true; memoised so `**/**/**` over a deep path stays polynomial.
  const memo = new Uint8Array((segments.length + 1) * width)
  const at = (pi: number, si: number): boolean => {
    const key = pi * width + si
    if (memo[key] !== 0) return memo[key] === 2
    let result: boolean
    if (pi === segments.length) result = si === parts.length
    else {
      const segment = segments[pi]
      if (segment.kind === 'globstar') {
        if (pi === segments.length - 1) result = si < parts.length
        else result = at(pi + 1, si) || (si < parts.length && at(pi, si + 1))
      } else {
        result = si < parts.length && matchSegment(segment.tokens, parts[si], dotRule) && at(pi + 1, si + 1)
      }
    }
    memo[key] = result ? 2 : 1
    return result
  }
  return at(0, 0)
}
