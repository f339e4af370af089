// Fingerprints that let GitHub code scanning recognise the same alert across commits.
//
// `primaryLocationLineHash` ports codeql-action's src/fingerprints.ts `hash()` (the value upload-sarif would
// compute itself): a rolling hash, base 37 modulo 2^64, over the next 100 characters that are not a space or
// tab, counted from the start of each line; CR, LF and CRLF all count as one LF; the end of the file adds
// the value 65535 and then zeros; each hash is suffixed with `:n`, how often that hash occurred so far.
// codeql-action uses signed 64-bit `Long` arithmetic; BigInt reduced modulo 2^64 gives the same bits.

import { createHash } from 'node:crypto'

const BLOCK_SIZE = 100
const BASE = 37n
const MASK = (1n << 64n) - 1n
const FIRST_MOD = (BASE ** BigInt(BLOCK_SIZE)) & MASK
const TAB = 9
const LF = 10
const CR = 13
const SPACE = 32
const EOF = 65535

/** `primaryLocationLineHash` for every line of `text`; index 0 is line 1. */
export function lineHashes(text: string): string[] {
  const hashes: string[] = []
  const window: number[] = new Array(BLOCK_SIZE).fill(0)
  // Line number starting at each window slot, or -1 when that character does not start a line.
  const lineAt: number[] = new Array(BLOCK_SIZE).fill(-1)
  const counts = new Map<string, number>()
  let hash = 0n
  let index = 0
  let line = 0
  let lineStart = true
  let prevCR = false

  const output = (): void => {
    const hex = hash.toString(16)
    const n = (counts.get(hex) ?? 0) + 1
    counts.set(hex, n)
    hashes[lineAt[index] - 1] = `${hex}:${n}`
    lineAt[index] = -1
  }

  const update = (current: number): void => {
    const leaving = window[index]
    window[index] = current
    hash = BigInt.asUintN(64, BASE * hash + BigInt(current) - FIRST_MOD * BigInt(leaving))
    index = (index + 1) % BLOCK_SIZE
  }

  const process = (code: number): void => {
    let current = code
    if (current === SPACE || current === TAB || (prevCR && current === LF)) {
      prevCR = false
      return
    }
    if (current === CR) {
      current = LF
      prevCR = true
    } else {
      prevCR = false
    }
    if (lineAt[index] !== -1) output()
    if (lineStart) {
      lineStart = false
      line++
      lineAt[index] = line
    }
    if (current === LF) lineStart = true
    update(current)
  }

  for (let i = 0; i < text.length; i++) process(text.charCodeAt(i))
  process(EOF)
  for (let i = 0; i < BLOCK_SIZE; i++) {
    if (lineAt[index] !== -1) output()
    update(0)
  }
  return hashes
}

/** The hash GitHub keys an alert on, for a 1-based line (clamped into the file as codeql-action would). */
export function primaryLocationLineHash(text: string, line: number): string | undefined {
  return lineHashes(text)[Math.max(1, line) - 1]
}

/** Name of this tool's own fingerprint in `partialFingerprints`; bump the version if the recipe changes. */
export const STABLE_FINGERPRINT_KEY = 'leastPrivilege/v1'

/** The lines of a file as instructionTextOf() counts them (CR, LF and CRLF end a line). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/)
}

/**
 * The instruction text at lines `start..end` (1-based), normalised so that indentation, spacing, line
 * continuations and letter case of the keyword do not matter: only what the instruction says.
 */
export function instructionText(text: string, start: number, end = start): string {
  return instructionTextOf(splitLines(text), start, end)
}

/** instructionText() over lines split once per file (a SARIF log asks for many ranges of one file). */
export function instructionTextOf(lines: string[], start: number, end = start): string {
  const first = Math.max(1, start)
  const last = Math.min(lines.length, Math.max(first, end))
  const joined = lines
    .slice(first - 1, last)
    .map(l => l.replace(/[\\`]\s*$/, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim()
  const space = joined.indexOf(' ')
  return space < 0 ? joined.toUpperCase() : joined.slice(0, space).toUpperCase() + joined.slice(space)
}

/**
 * This tool's own fingerprint: rule id + file + normalised instruction text (+ occurrence), so an alert keeps
 * its identity when unrelated lines are inserted or removed above it. `occurrence` (1-based) tells apart
 * several findings of one rule on identical instruction text in one file.
 */
export function stableFingerprint(
  ruleId: string,
  file: string,
  normalizedText: string,
  occurrence = 1
): string {
  const digest = createHash('sha256')
    .update(`${ruleId}\0${file}\0${normalizedText}`)
    .digest('hex')
    .slice(0, 32)
  return `${digest}:${occurrence}`
}

/** What an alert's identity is computed from: its rule, file (as read and named) and lines. */
export interface IdentityEntry {
  ruleId: string
  file: string
  line: number
  endLine?: number
  /** Stands in for the instruction text when the file cannot be read. */
  message: string
}

/** The 1-based line range a finding covers, clamped as SARIF regions are. */
export function lineRange(line: number, endLine?: number): { startLine: number; endLine: number } {
  const startLine = Math.max(1, Math.floor(line) || 1)
  return { startLine, endLine: Math.max(startLine, Math.floor(endLine ?? startLine) || startLine) }
}

/**
 * The stable fingerprint (STABLE_FINGERPRINT_KEY) of each entry, in order: occurrences are counted in that
 * order among entries of one rule, file and instruction text. SARIF and the baseline gate both call this, so
 * "new since the base commit" means exactly "an alert code scanning has not seen". Each file's lines are
 * asked for once (`linesOf` may read a file); each distinct text is hashed once: linear in entries + text.
 */
export function stableIdentities(
  entries: readonly IdentityEntry[],
  linesOf: (file: string) => string[] | undefined
): string[] {
  const lines = new Map<string, string[] | undefined>()
  // Per file and range: the normalised text and a small id standing for it (equal texts, equal ids), so a
  // long instruction is normalised and hashed once however many findings it holds (100,000 on one RUN).
  const ranges = new Map<string, { text: string; id: number }>()
  const textIds = new Map<string, number>()
  const digests = new Map<string, string>()
  const occurrences = new Map<string, number>()
  return entries.map(entry => {
    if (!lines.has(entry.file)) lines.set(entry.file, linesOf(entry.file))
    const fileLines = lines.get(entry.file)
    let key: string
    let text: () => string
    if (fileLines === undefined) {
      const message = `message:${entry.message}`
      key = `${entry.ruleId}\0${entry.file}\0${message}`
      text = () => message
    } else {
      const { startLine, endLine } = lineRange(entry.line, entry.endLine)
      const rangeKey = `${entry.file}\0${startLine}:${endLine}`
      let range = ranges.get(rangeKey)
      if (!range) {
        const normalized = instructionTextOf(fileLines, startLine, endLine)
        let id = textIds.get(normalized)
        if (id === undefined) {
          id = textIds.size
          textIds.set(normalized, id)
        }
        range = { text: normalized, id }
        ranges.set(rangeKey, range)
      }
      const found = range
      key = `${entry.ruleId}\0${entry.file}\0#${found.id}`
      text = () => found.text
    }
    const occurrence = (occurrences.get(key) ?? 0) + 1
    occurrences.set(key, occurrence)
    let digest = digests.get(key)
    if (digest === undefined) {
      digest = stableFingerprint(entry.ruleId, entry.file, text(), 1).replace(/:1$/, '')
      digests.set(key, digest)
    }
    return `${digest}:${occurrence}`
  })
}
