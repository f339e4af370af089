// Variable expansion as the Dockerfile builder does it for FROM, ARG, ENV, USER, EXPOSE and flags:
// `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:+a}`, `${V+a}`, `${V:?m}`, quotes and the escape character.
// What cannot be known statically is reported as unresolved and left in the value as written.

/**
 * What the builder knows about a variable at a point of the file.
 * - `set`: declared with a value (or given as a build arg).
 * - `unset`: certainly not defined (expands to the empty string).
 * - `unknown`: an ARG declared without a value (to be passed with --build-arg), or a name that may come
 *   from the base image's environment.
 */
export type VarState = { state: 'set'; value: string } | { state: 'unset' } | { state: 'unknown' }

export type VarLookup = (name: string) => VarState

export interface Expansion {
  value: string
  /** Variable names whose value could not be known; empty when fully resolved. */
  unresolved: string[]
}

const NAME_START = /[A-Za-z_]/
const NAME_CHAR = /[A-Za-z0-9_]/

/**
 * Expands one instruction argument. `quotes` removes shell quotes as the builder does for ENV/ARG/USER;
 * single-quoted text is never expanded.
 */
export function expandWord(text: string, lookup: VarLookup, escapeChar = '\\', quotes = true): Expansion {
  const unresolved: string[] = []
  const value = expandInto(text, lookup, escapeChar, quotes, unresolved)
  return { value, unresolved: [...new Set(unresolved)] }
}

function expandInto(
  text: string,
  lookup: VarLookup,
  escapeChar: string,
  quotes: boolean,
  unresolved: string[]
): string {
  // Fast path: nothing to expand, unquote or unescape.
  if (!text.includes('$') && !text.includes(escapeChar) && (!quotes || !/["']/.test(text))) return text
  let out = ''
  let inDouble = false
  let i = 0
  while (i < text.length) {
    const ch = text[i]
    if (ch === escapeChar && i + 1 < text.length) {
      const next = text[i + 1]
      // Inside double quotes the escape only protects `$`, `"` and itself, like a POSIX shell.
      if (!inDouble || next === '$' || next === '"' || next === escapeChar) {
        out += next
        i += 2
        continue
      }
      out += ch
      i++
      continue
    }
    if (quotes && ch === "'" && !inDouble) {
      const end = text.indexOf("'", i + 1)
      if (end < 0) {
        out += text.slice(i + 1)
        break
      }
      out += text.slice(i + 1, end)
      i = end + 1
      continue
    }
    if (quotes && ch === '"') {
      inDouble = !inDouble
      i++
      continue
    }
    if (ch === '$') {
      const consumed = expandVariable(text, i, lookup, escapeChar, unresolved)
      if (consumed) {
        out += consumed.text
        i = consumed.end
        continue
      }
    }
    out += ch
    i++
  }
  return out
}

/** Expands the variable reference starting at `text[start] === '$'`; null when it is a literal `$`. */
function expandVariable(
  text: string,
  start: number,
  lookup: VarLookup,
  escapeChar: string,
  unresolved: string[]
): { text: string; end: number } | null {
  const next = text[start + 1]
  if (next === undefined) return null
  if (NAME_START.test(next)) {
    let end = start + 2
    while (end < text.length && NAME_CHAR.test(text[end])) end++
    const name = text.slice(start + 1, end)
    return { text: plain(name, text.slice(start, end), lookup, unresolved), end }
  }
  if (next !== '{') return null
  const close = matchingBrace(text, start + 1, escapeChar)
  if (close < 0) return null
  const original = text.slice(start, close + 1)
  const body = text.slice(start + 2, close)
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-+?])([\s\S]*))?$/.exec(body)
  if (!match) return { text: original, end: close + 1 }
  const [, name, colon, operator, word = ''] = match
  if (!operator) return { text: plain(name, original, lookup, unresolved), end: close + 1 }
  const state = lookup(name)
  const set = state.state === 'set' && (colon === '' || state.value !== '')
  const expandWordPart = () => expandInto(word, lookup, escapeChar, false, unresolved)
  let result: string
  if (operator === '-') {
    // The builder uses the default when the ARG was not supplied; that is also our best static guess.
    result = set && state.state === 'set' ? state.value : expandWordPart()
  } else if (operator === '+') {
    if (state.state === 'unknown') {
      unresolved.push(name)
      result = original
    } else {
      result = set ? expandWordPart() : ''
    }
  } else if (set && state.state === 'set') {
    result = state.value
  } else {
    unresolved.push(name)
    result = original
  }
  return { text: result, end: close + 1 }
}

function plain(name: string, original: string, lookup: VarLookup, unresolved: string[]): string {
  const state = lookup(name)
  if (state.state === 'set') return state.value
  if (state.state === 'unset') return ''
  unresolved.push(name)
  return original
}

function matchingBrace(text: string, open: number, escapeChar: string): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    const ch = text[i]
    if (ch === escapeChar) {
      i++
      continue
    }
    if (ch === '{') depth++
    else if (ch === '}' && --depth === 0) return i
  }
  return -1
}
