// Variable interpolation as Compose does it (compose-go template): `$VAR`, `${VAR}`, `${VAR:-default}`,
// `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, `$$` for a literal `$`.
// Defaults nest (`${A:-${B}}`), bounded. Only values are interpolated, never keys. Values at boolean
// fields are then cast as compose-go casts them (`"true"`, `yes`, `on` ...).
import type { LocatedNode, SourceLocation } from '../yaml'
import { failAt, keyText } from './tree'

/** How deep `${A:-${B:-${C}}}` may nest. */
export const MAX_INTERPOLATION_NESTING = 16
/** Longest value after substitution: a variable repeated in a long value cannot exhaust memory. */
export const MAX_VALUE_CHARS = 1024 * 1024

export type Lookup = (name: string) => string | undefined

export class InterpolationError extends Error {}

const NAME = /[_a-zA-Z][_a-zA-Z0-9]*/y

/** Substitutes variables in one value; `unset` collects names used but not set (compose warns about them). */
export function substitute(text: string, lookup: Lookup, unset?: Set<string>, depth = 0): string {
  if (depth > MAX_INTERPOLATION_NESTING)
    throw new InterpolationError(`variables nested deeper than ${MAX_INTERPOLATION_NESTING} levels`)
  let out = ''
  let i = 0
  const value = (name: string): string | undefined => {
    const v = lookup(name)
    if (v === undefined) unset?.add(name)
    return v
  }
  while (i < text.length) {
    const dollar = text.indexOf('$', i)
    if (dollar < 0) {
      out += text.slice(i)
      break
    }
    out += text.slice(i, dollar)
    const next = text[dollar + 1]
    if (next === '$') {
      out += '$'
      i = dollar + 2
    } else if (next === '{') {
      const close = closingBrace(text, dollar + 1)
      if (close < 0) throw invalid(text)
      out += braced(text.slice(dollar + 2, close), text, lookup, value, unset, depth)
      i = close + 1
    } else {
      NAME.lastIndex = dollar + 1
      const name = NAME.exec(text)?.[0]
      if (name) {
        out += value(name) ?? ''
        i = dollar + 1 + name.length
      } else {
        out += '$' // `$1`, `$ `, a trailing `$`: literal, as compose leaves them
        i = dollar + 1
      }
    }
    if (out.length > MAX_VALUE_CHARS)
      throw new InterpolationError(`value longer than ${MAX_VALUE_CHARS} characters after interpolation`)
  }
  return out
}

/** compose-go getFirstBraceClosingIndex: `{` opens (the character after it is skipped), `}` closes. */
function closingBrace(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '}') {
      depth--
      if (depth === 0) return i
    }
    if (text[i] === '{') {
      depth++
      i++
    }
  }
  return -1
}

function braced(
  body: string,
  whole: string,
  lookup: Lookup,
  value: (name: string) => string | undefined,
  unset: Set<string> | undefined,
  depth: number
): string {
  NAME.lastIndex = 0
  const name = NAME.exec(body)?.[0]
  if (!name) throw invalid(whole)
  const rest = body.slice(name.length)
  if (!rest) return value(name) ?? ''
  const colon = rest.startsWith(':')
  const op = rest[colon ? 1 : 0]
  const arg = rest.slice(colon ? 2 : 1)
  if (op !== '-' && op !== '?' && op !== '+') throw invalid(whole)
  const current = lookup(name)
  const present = current !== undefined && (!colon || current !== '')
  const nested = () => substitute(arg, lookup, unset, depth + 1)
  if (op === '-') return present ? current : nested()
  if (op === '+') return present ? nested() : (current ?? '')
  if (present) return current
  const reason = nested()
  throw new InterpolationError(`required variable ${name} is missing a value${reason ? `: ${reason}` : ''}`)
}

function invalid(text: string): InterpolationError {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text
  return new InterpolationError(
    `invalid interpolation format in ${JSON.stringify(shown)} (write a literal $ as $$)`
  )
}

/** compose-go toBoolean. */
export function composeBoolean(text: string): boolean | undefined {
  const word = text.toLowerCase()
  if (word === 'true' || word === 'y' || word === 'yes' || word === 'on') return true
  if (word === 'false' || word === 'n' || word === 'no' || word === 'off') return false
  return undefined
}

const BOOLEAN_SERVICE_KEYS = new Set([
  'privileged',
  'read_only',
  'init',
  'tty',
  'stdin_open',
  'oom_kill_disable'
])

function booleanPath(path: readonly string[]): boolean {
  if (path[0] !== 'services' || path.length < 3) return false
  if (path.length === 3) return BOOLEAN_SERVICE_KEYS.has(path[2])
  return path.length === 5 && path[2] === 'volumes' && path[4] === 'read_only'
}

/** Interpolates every value of a compose file in place; errors name the file, line and key. */
export function interpolateTree(root: LocatedNode, lookup: Lookup, unset: Map<string, SourceLocation>): void {
  const walk = (node: LocatedNode, path: string[]): void => {
    if (node.kind === 'map') {
      for (const [key, child] of Object.entries(node.entries)) walk(child, [...path, key])
    } else if (node.kind === 'seq') {
      node.items.forEach((item, index) => walk(item, [...path, String(index)]))
    } else if (typeof node.value === 'string') {
      try {
        const names = new Set<string>()
        node.value = substitute(node.value, lookup, names)
        for (const name of names) if (!unset.has(name)) unset.set(name, node.at)
      } catch (error) {
        if (!(error instanceof InterpolationError)) throw error
        // An environment value is never shown, not even in an error.
        const secret = path[2] === 'environment' || path[3] === 'args'
        throw failAt(
          node.at,
          pathText(path),
          secret ? error.message.replace(/ in ".*" /, ' ') : error.message
        )
      }
      if (booleanPath(path)) {
        const cast = composeBoolean(node.value)
        if (cast === undefined)
          throw failAt(node.at, pathText(path), `invalid boolean ${JSON.stringify(node.value)}`)
        node.value = cast
      }
    }
  }
  walk(root, [])
}

export function pathText(path: readonly string[]): string {
  return path.map(keyText).join('.')
}
