// The `.env` file beside the compose file, read as compose-go's dotenv parser reads it: `KEY=value`,
// `export KEY=value`, `KEY: value`, comments, single quotes literal, double quotes with escapes, inline
// ` #` comments on unquoted values, and interpolation in unquoted and double-quoted values. A bare `KEY`
// takes the value from the environment. Errors name the file and line.
import { UsageError } from '../../errors'
import { InterpolationError, substitute, type Lookup } from './interpolate'

export const MAX_DOTENV_BYTES = 1024 * 1024
export const MAX_DOTENV_ENTRIES = 10_000

const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  c: '',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  '\\': '\\',
  $: '$$'
}

/** Parses `.env` text; `environment` is consulted first when a value refers to a variable. */
export function parseDotenv(text: string, file: string, environment: Lookup): Record<string, string> {
  if (text.length > MAX_DOTENV_BYTES) throw new UsageError(`${file}: larger than 1 MiB, not a .env file`)
  const out: Record<string, string> = Object.create(null)
  const lookup: Lookup = name => environment(name) ?? (Object.hasOwn(out, name) ? out[name] : undefined)
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n')
  let i = 0
  let line = 1
  let count = 0
  const fail = (why: string) => new UsageError(`${file}: line ${line}: ${why}`)
  while (i < src.length) {
    // Blank space and comment lines.
    while (i < src.length && /\s/.test(src[i])) if (src[i++] === '\n') line++
    if (i >= src.length) break
    if (src[i] === '#') {
      while (i < src.length && src[i] !== '\n') i++
      continue
    }
    if (++count > MAX_DOTENV_ENTRIES) throw fail(`more than ${MAX_DOTENV_ENTRIES} variables`)
    const start = line
    const eol = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i)
    let head = src.slice(i, eol)
    const exported = /^export\s+/.exec(head)
    if (exported) {
      head = head.slice(exported[0].length)
      i += exported[0].length
    }
    const sep = /[=:]/.exec(head)
    const key = (sep ? head.slice(0, sep.index) : head).trim()
    if (!/^[\p{L}\p{N}_.\-[\]]+$/u.test(key)) {
      throw fail(`unexpected character in variable name ${JSON.stringify(key.slice(0, 80))}`)
    }
    if (!sep) {
      const inherited = environment(key)
      if (inherited !== undefined) out[key] = inherited
      i = eol
      continue
    }
    i += sep.index + 1
    while (i < src.length && (src[i] === ' ' || src[i] === '\t')) i++
    const quote = src[i]
    let value: string
    try {
      if (quote === "'" || quote === '"') {
        let j = i + 1
        let raw = ''
        for (; j < src.length && src[j] !== quote; j++) {
          if (src[j] === '\\' && j + 1 < src.length) {
            raw += src[j] + src[j + 1]
            if (src[j + 1] === '\n') line++
            j++
          } else {
            if (src[j] === '\n') line++
            raw += src[j]
          }
        }
        if (j >= src.length) {
          line = start
          throw fail('unterminated quoted value')
        }
        value =
          quote === "'"
            ? raw.replace(/\\(['\\])/g, '$1')
            : substitute(
                raw.replace(/\\(.)/gs, (m: string, c: string) => ESCAPES[c] ?? m),
                lookup
              )
        i = j + 1
        const end = src.indexOf('\n', i)
        i = end < 0 ? src.length : end
      } else {
        const end = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i)
        let raw = src.slice(i, end)
        const comment = raw.indexOf(' #')
        if (comment >= 0) raw = raw.slice(0, comment)
        value = substitute(raw.trimEnd(), lookup)
        i = end
      }
    } catch (error) {
      if (error instanceof InterpolationError)
        throw new UsageError(`${file}: line ${start}: ${error.message}`)
      throw error
    }
    out[key] = value
  }
  return out
}
