// Variable expansion as the Dockerfile builder does it for FROM, ARG, ENV, USER, EXPOSE and flags:
// `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:+a}`, `${V+a}`, `${V:?m}`, quotes and the escape character.
// What cannot be known statically is reported as unresolved and left in the value as written.
// One pass over the text (braces are paired once up front), with bounded nesting, value length and total
// output (./limits.ts): an expansion that hits a bound is marked `limited` and must count as unresolved.
import { MAX_EXPANDED_VALUE_LENGTH, MAX_EXPANSION_DEPTH, MAX_EXPANSION_OUTPUT_PER_FILE } from './limits'

/**
 * What the builder knows about a variable at a point of the file.
 * - `set`: declared with a value (or given as a build arg).
 * - `unset`: certainly not defined (expands to the empty string).
 * - `unknown`: an ARG declared without a value (to be passed with --build-arg), or a name that may come
 *   from the base image's environment. `${V:-d}` and `${V:+a}` take the value the builder gives when it
 *   is not supplied (`d`, and the empty string); `$V` and `${V:?m}` stay unresolved.
 */
export type VarState = { state: 'set'; value: string } | { state: 'unset' } | { state: 'unknown' }

export type VarLookup = (name: string) => VarState

/** The bound an expansion stopped at. */
export type ExpansionLimit =
  'MAX_EXPANSION_DEPTH' | 'MAX_EXPANDED_VALUE_LENGTH' | 'MAX_EXPANSION_OUTPUT_PER_FILE'

export interface Expansion {
  value: string
  /** Variable names whose value could not be known; empty when fully resolved. */
  unresolved: string[]
  /** Set when a bound stopped the expansion: the value is partial (cut or left as written). */
  limited?: ExpansionLimit
  /** The variable whose reference reached the bound, for the message. */
  limitedAt?: string
}

/** Characters substitution may still produce in one file; share one per file (see buildModel). */
export class ExpansionBudget {
  remaining: number
  constructor(total = MAX_EXPANSION_OUTPUT_PER_FILE) {
    this.remaining = total
  }
}

const NAME_START = /[A-Za-z_]/
const NAME_CHAR = /[A-Za-z0-9_]/

interface Context {
  text: string
  lookup: VarLookup
  escapeChar: string
  unresolved: string[]
  budget: ExpansionBudget
  /** closeOf[i] is the index of the `}` that closes the `{` at i, or -1; computed on the first `${`. */
  closeOf?: Int32Array
  limited?: ExpansionLimit
  limitedAt?: string
  /** The variable substituted last, which is the one that makes a value too long. */
  lastName?: string
}

/**
 * Expands one instruction argument. `quotes` removes shell quotes as the builder does for ENV/ARG/USER;
 * single-quoted text is never expanded.
 */
export function expandWord(
  text: string,
  lookup: VarLookup,
  escapeChar = '\\',
  quotes = true,
  budget: ExpansionBudget = new ExpansionBudget()
): Expansion {
  // Fast path: nothing to expand, unquote or unescape.
  if (!text.includes('$') && !text.includes(escapeChar) && (!quotes || !/["']/.test(text))) {
    return { value: text, unresolved: [] }
  }
  const ctx: Context = { text, lookup, escapeChar, unresolved: [], budget }
  const value = expandRange(ctx, 0, text.length, quotes, 0)
  const result: Expansion = { value, unresolved: [...new Set(ctx.unresolved)] }
  if (ctx.limited) result.limited = ctx.limited
  if (ctx.limitedAt !== undefined) result.limitedAt = ctx.limitedAt
  return result
}

/** Pairs every `{` with its `}` in one pass, skipping escaped characters, as a scan from each `{` would. */
function pairBraces(text: string, escapeChar: string): Int32Array {
  const closeOf = new Int32Array(text.length).fill(-1)
  const open: number[] = []
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === escapeChar) i++
    else if (ch === '{') open.push(i)
    else if (ch === '}' && open.length > 0) closeOf[open.pop()!] = i
  }
  return closeOf
}

function expandRange(ctx: Context, from: number, to: number, quotes: boolean, depth: number): string {
  const { text, escapeChar } = ctx
  let out = ''
  let inDouble = false
  let i = from
  while (i < to) {
    const ch = text[i]
    if (ch === escapeChar && i + 1 < to) {
      const next = text[i + 1]
      // Inside double quotes the escape only protects `$`, `"` and itself, like a POSIX shell.
      if (!inDouble || next === '$' || next === '"' || next === escapeChar) {
        out += next
        i += 2
      } else {
        out += ch
        i++
      }
    } else if (quotes && ch === "'" && !inDouble) {
      const end = text.indexOf("'", i + 1)
      if (end < 0 || end >= to) {
        out += text.slice(i + 1, to)
        i = to
      } else {
        out += text.slice(i + 1, end)
        i = end + 1
      }
    } else if (quotes && ch === '"') {
      inDouble = !inDouble
      i++
    } else {
      const consumed = ch === '$' ? expandVariable(ctx, i, to, depth) : null
      if (consumed) {
        out += consumed.text
        i = consumed.end
      } else {
        out += ch
        i++
      }
    }
    if (out.length > MAX_EXPANDED_VALUE_LENGTH) {
      if (ctx.limited !== 'MAX_EXPANDED_VALUE_LENGTH') {
        ctx.limited = 'MAX_EXPANDED_VALUE_LENGTH'
        ctx.limitedAt = ctx.lastName
      }
      return out.slice(0, MAX_EXPANDED_VALUE_LENGTH)
    }
    if (ctx.limited === 'MAX_EXPANDED_VALUE_LENGTH') return out
  }
  return out
}

/** Expands the variable reference starting at `text[start] === '$'`; null when it is a literal `$`. */
function expandVariable(
  ctx: Context,
  start: number,
  to: number,
  depth: number
): { text: string; end: number } | null {
  const { text } = ctx
  if (start + 1 >= to) return null
  const next = text[start + 1]
  if (NAME_START.test(next)) {
    let end = start + 2
    while (end < to && NAME_CHAR.test(text[end])) end++
    const name = text.slice(start + 1, end)
    return { text: plain(ctx, name, start, end), end }
  }
  if (next !== '{') return null
  ctx.closeOf ??= pairBraces(text, ctx.escapeChar)
  const close = ctx.closeOf[start + 1]
  if (close < 0 || close >= to) return null
  const end = close + 1
  // `${NAME}` or `${NAME[:][-+?]word}`; anything else stays as written.
  let nameEnd = start + 2
  if (nameEnd >= close || !NAME_START.test(text[nameEnd])) return { text: text.slice(start, end), end }
  while (nameEnd < close && NAME_CHAR.test(text[nameEnd])) nameEnd++
  const name = text.slice(start + 2, nameEnd)
  if (nameEnd === close) return { text: plain(ctx, name, start, end), end }
  const colon = text[nameEnd] === ':'
  const operator = text[colon ? nameEnd + 1 : nameEnd]
  if (operator !== '-' && operator !== '+' && operator !== '?') return { text: text.slice(start, end), end }
  const wordStart = colon ? nameEnd + 2 : nameEnd + 1
  const state = ctx.lookup(name)
  const set = state.state === 'set' && (!colon || state.value !== '')
  const original = (): string => text.slice(start, end)
  const wordPart = (): string => {
    if (depth + 1 > MAX_EXPANSION_DEPTH) {
      if (!ctx.limited) {
        ctx.limited = 'MAX_EXPANSION_DEPTH'
        ctx.limitedAt = name
      }
      return original()
    }
    return expandRange(ctx, wordStart, close, false, depth + 1)
  }
  let result: string
  if (operator === '-') {
    // The builder uses the default when the ARG was not supplied; that is also our best static guess.
    result = set && state.state === 'set' ? substitute(ctx, name, state.value, original) : wordPart()
  } else if (operator === '+') {
    // Like `-` above: an ARG that is not supplied has no value, so the alternative is not used.
    result = set ? wordPart() : ''
  } else if (set && state.state === 'set') {
    result = substitute(ctx, name, state.value, original)
  } else {
    ctx.unresolved.push(name)
    result = original()
  }
  return { text: result, end }
}

function plain(ctx: Context, name: string, start: number, end: number): string {
  const state = ctx.lookup(name)
  if (state.state === 'set') return substitute(ctx, name, state.value, () => ctx.text.slice(start, end))
  if (state.state === 'unset') return ''
  ctx.unresolved.push(name)
  return ctx.text.slice(start, end)
}

/** A variable's value, charged to the file's budget; once that is spent the reference stays as written. */
function substitute(ctx: Context, name: string, value: string, original: () => string): string {
  if (value.length > ctx.budget.remaining) {
    ctx.budget.remaining = 0
    if (!ctx.limited) {
      ctx.limited = 'MAX_EXPANSION_OUTPUT_PER_FILE'
      ctx.limitedAt = name
    }
    return original()
  }
  ctx.budget.remaining -= value.length
  ctx.lastName = name
  return value
}
