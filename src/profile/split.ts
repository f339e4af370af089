// Split `run-options` text into words the way a POSIX shell would, without running one: the text comes from
// action inputs and CLI flags, so it must never reach a shell. No expansion happens: `$VAR`, `~`, globs
// and `$(...)` stay literal.

import { UsageError } from '../errors'

const BLANKS = new Set([' ', '\t', '\n', '\r'])
/** Inside double quotes a backslash escapes only these (POSIX 2.2.3); otherwise it stays literal. */
const DQUOTE_ESCAPABLE = new Set(['$', '`', '"', '\\'])

/**
 * POSIX word splitting: blanks (space, tab, newline; also CR, so YAML inputs written on Windows work)
 * separate words; single quotes are literal; double quotes honour `\$ \` \" \\` and line continuations;
 * a backslash outside quotes escapes the next character; backslash-newline joins lines; `#` at the start
 * of a word comments out the rest of the line. Unbalanced quotes are a UsageError naming `run-options`.
 */
export function splitRunOptions(text: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let i = 0
  const end = () => {
    if (inWord) words.push(word)
    word = ''
    inWord = false
  }
  while (i < text.length) {
    const c = text[i]
    if (BLANKS.has(c)) {
      end()
      i++
    } else if (c === '#' && !inWord) {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '\\') {
      const next = text[i + 1]
      if (next === '\n') {
        i += 2 // line continuation: removed entirely
      } else if (next === '\r' && text[i + 2] === '\n') {
        i += 3
      } else if (next === undefined) {
        word += '\\' // a trailing backslash has nothing to escape; keep it as bash does
        inWord = true
        i++
      } else {
        word += next
        inWord = true
        i += 2
      }
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1)
      if (close < 0) throw unbalanced("'", i)
      word += text.slice(i + 1, close)
      inWord = true
      i = close + 1
    } else if (c === '"') {
      const open = i
      inWord = true
      i++
      let closed = false
      while (i < text.length) {
        const d = text[i]
        if (d === '"') {
          closed = true
          i++
          break
        }
        if (d === '\\' && text[i + 1] === '\n') {
          i += 2
        } else if (d === '\\' && i + 1 < text.length && DQUOTE_ESCAPABLE.has(text[i + 1])) {
          word += text[i + 1]
          i += 2
        } else {
          word += d
          i++
        }
      }
      if (!closed) throw unbalanced('"', open)
    } else {
      word += c
      inWord = true
      i++
    }
  }
  end()
  return words
}

function unbalanced(quote: string, index: number): UsageError {
  const kind = quote === "'" ? 'single' : 'double'
  return new UsageError(`run-options: unbalanced ${kind} quote (${quote}) opened at character ${index + 1}`)
}
