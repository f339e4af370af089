// Suppression pragmas in deployment files, in YAML comments, as in Dockerfiles:
//   # least-privilege ignore=LP220 reason        the next key and the block under it
//   privileged: true  # least-privilege ignore=LP220 reason     that key and its block
//   # least-privilege ignore-file=LP221 reason   every finding located in this file
// Read when the file is read (settings time), so suppressing needs no I/O. Pure.
import { parsePragma } from '../dockerfile/pragmas'
import type { Pragma } from '../dockerfile/types'

/** Pragmas kept per file: a file with more is suspicious, and the rest are ignored. */
export const MAX_PRAGMAS_PER_FILE = 10_000

export function yamlPragmas(text: string): Pragma[] {
  const lines = text.split(/\r\n|\r|\n/)
  const pragmas: Pragma[] = []
  /** Own-line pragmas waiting for the next content line. */
  let pending: Pragma[] = []
  for (let index = 0; index < lines.length && pragmas.length < MAX_PRAGMAS_PER_FILE; index++) {
    const line = lines[index]
    const comment = commentOf(line)
    const content = (comment === undefined ? line : line.slice(0, comment.start)).trim()
    const pragma =
      comment && /least-privilege/i.test(comment.text) ? parsePragma(comment.text, index + 1) : undefined
    if (pragma?.source !== 'least-privilege') {
      if (content !== '' && pending.length > 0) {
        const end = blockEnd(lines, index)
        for (const p of pending) pragmas.push({ ...p, appliesToLine: index + 1, appliesToEndLine: end })
        pending = []
      }
      continue
    }
    if (pragma.scope === 'file') pragmas.push(pragma)
    else if (content === '') pending.push(pragma)
    else pragmas.push({ ...pragma, appliesToLine: index + 1, appliesToEndLine: blockEnd(lines, index) })
  }
  return pragmas
}

/** The `#` that starts a YAML comment (outside quotes, at the start or after a space), and its text. */
function commentOf(line: string): { start: number; text: string } | undefined {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = undefined
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t'))
      return { start: i, text: line.slice(i + 1) }
  }
  return undefined
}

const indentOf = (line: string): number => line.length - line.trimStart().length

/**
 * The last line of the block that starts at `index`: following lines indented deeper (or blank, or
 * comments), plus a compact sequence (`- item` at the key's own indent) under a `key:` line.
 */
function blockEnd(lines: string[], index: number): number {
  const start = lines[index]
  const indent = indentOf(start)
  const opensBlock = /:\s*(#.*)?$/.test(start.trimEnd())
  let end = index
  for (let i = index + 1; i < lines.length; i++) {
    const line = lines[i]
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const deeper = indentOf(line) > indent
    const compactItem = opensBlock && indentOf(line) === indent && trimmed.startsWith('-')
    if (!deeper && !compactItem) break
    end = i
  }
  return end + 1
}
