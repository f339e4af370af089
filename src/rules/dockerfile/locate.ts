// The physical line of a command inside a multi-line RUN: a finding about the `chmod u+s` written 40 lines
// into a RUN points at that line, not at the RUN's first one. Read from the file's own lines (the model
// keeps them), searched forward from where the previous command of the same RUN was found, so a RUN of
// 40,000 commands is read once in all; a command that cannot be found keeps the RUN's range.
import type { DockerfileModel, RunFact } from '../../dockerfile/types'
import type { SimpleCommand } from './shell'

/** Lines read for one command past the previous find (a bound on hostile RUNs). */
const MAX_LINES_PER_SEARCH = 2_000

export interface CommandLocation {
  line: number
  endLine: number
}

/** Where the previous command of a RUN was found: its commands are located in order. */
const cursors = new WeakMap<RunFact, number>()

export function commandLocation(
  model: DockerfileModel,
  run: RunFact,
  command: SimpleCommand
): CommandLocation {
  const whole = { line: run.line, endLine: run.endLine }
  const lines = model.sourceLines
  if (!lines || run.endLine <= run.line) return whole
  const name = command.name
  // The name and its first few operands, in order: `chmod u+s /a` and `chmod u+s /b` on two lines differ.
  const operands = command.args.filter(arg => !arg.startsWith('-')).slice(0, 3)
  const matches = (text: string): boolean => {
    let at = wordAt(text, name)
    if (at < 0) return false
    at += name.length
    for (const operand of operands) {
      at = text.indexOf(operand, at)
      if (at < 0) return false
      at += operand.length
    }
    return true
  }
  const from = cursors.get(run) ?? run.line
  const found =
    search(lines, from, run.endLine, matches) ??
    (from > run.line ? search(lines, run.line, from - 1, matches) : undefined)
  if (found === undefined) return whole
  cursors.set(run, found)
  return { line: found, endLine: found }
}

function search(
  lines: readonly string[],
  first: number,
  last: number,
  matches: (text: string) => boolean
): number | undefined {
  const end = Math.min(last, first + MAX_LINES_PER_SEARCH)
  for (let line = first; line <= end; line++) {
    const text = lines[line - 1]
    if (text !== undefined && matches(text)) return line
  }
  return undefined
}

/** Index of `word` in `text` as a whole word (a command name, `/usr/bin/chmod` included), or -1. */
function wordAt(text: string, word: string): number {
  let at = text.indexOf(word)
  while (at >= 0) {
    const before = at === 0 ? ' ' : text[at - 1]
    const after = text[at + word.length] ?? ' '
    if (/[\s;&|(`'"]/.test(before) && /[\s;&|)`'"]/.test(after)) return at
    at = text.indexOf(word, at + 1)
  }
  return -1
}
