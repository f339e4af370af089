// Reads a Dockerfile as text, refusing what is not one (binary, too large, unreadable) with one line.
import { readFileSync } from 'node:fs'
import { MAX_FILE_BYTES } from '../dockerfile/limits'

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string }

/** Reasons do not repeat the file name: notifications carry it and reporters show it. */
export function readDockerfileText(path: string): ReadResult {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error'
    return { ok: false, reason: `cannot read file (${code})` }
  }
  if (bytes.length > MAX_FILE_BYTES)
    return { ok: false, reason: 'file is larger than 4 MiB, not a Dockerfile' }
  if (bytes.includes(0)) return { ok: false, reason: 'binary file (contains NUL bytes), not a Dockerfile' }
  const text = bytes.toString('utf8')
  if (text.trim() === '') return { ok: false, reason: 'empty file, expected at least one FROM instruction' }
  return { ok: true, text: text.replace(/^\uFEFF/, '') }
}

/** Lines looked at for template markers before the first FROM (a template's header is short). */
const TEMPLATE_SCAN_LINES = 200

/**
 * Why the text is a template rather than a Dockerfile: `{{ }}` (Go, Helm, Jinja) or `{% %}` before or in
 * its first FROM, where no Dockerfile can have them. Undefined for an ordinary Dockerfile.
 */
export function templateReason(text: string): string | undefined {
  const lines = text.split(/\r\n|\r|\n/, TEMPLATE_SCAN_LINES)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/^\s*#/.test(line)) continue // a comment may show template syntax; it is not the file's
    const isFrom = /^\s*from\s/i.test(line)
    if (/\{\{|\{%/.test(line))
      return `a template, not a Dockerfile: line ${i + 1} has template markup (${line.includes('{%') ? '{% %}' : '{{ }}'})${isFrom ? ' in its FROM' : ' before the first FROM'}`
    if (isFrom) return undefined
  }
  return undefined
}
