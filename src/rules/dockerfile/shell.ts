// A small, forgiving reading of RUN shell text: which simple commands run, with which words. It does not
// execute or fully parse shell; it is enough to find `sudo`, `chmod`, `setcap` and package installs in
// command position, after `&&`, `;`, `|`, inside `sh -c "..."` and `find -exec`.

import { MAX_SHELL_NESTING } from '../../dockerfile/limits'
import type { RunFact } from '../../dockerfile/types'

export interface SimpleCommand {
  /** Command name as written (path kept), e.g. `sudo`, `/usr/bin/chmod`. */
  name: string
  /** Basename of the command, e.g. `chmod`. */
  base: string
  /** Words after the name. */
  args: string[]
  /** The command that runs this one (`find ... -exec`, `sudo`, `gosu`), when it is nested in one. */
  via?: SimpleCommand
}

const SEPARATORS = new Set(['&&', '||', ';', '|', '&', '\n', '(', ')', '`', '$(', '{', '}', ';;', '|&'])
/** Words that are not the command but introduce one. */
const PREFIXES = new Set([
  'exec',
  'env',
  'nohup',
  'time',
  'command',
  'then',
  'do',
  'else',
  'elif',
  'if',
  'while',
  'until',
  '!',
  'xargs',
  'nice',
  'stdbuf'
])
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox'])

/** Splits shell text into words and separators; quotes are removed, a quoted string stays one word. */
export function tokenize(text: string): string[] {
  const tokens: string[] = []
  let word = ''
  let inWord = false
  const flush = () => {
    if (inWord) tokens.push(word)
    word = ''
    inWord = false
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\\') {
      if (text[i + 1] === '\n') {
        i++
        continue
      }
      if (i + 1 < text.length) {
        word += text[++i]
        inWord = true
      }
      continue
    }
    if (ch === "'") {
      const end = text.indexOf("'", i + 1)
      word += end < 0 ? text.slice(i + 1) : text.slice(i + 1, end)
      inWord = true
      i = end < 0 ? text.length : end
      continue
    }
    if (ch === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) {
          word += text[j + 1]
          j += 2
          continue
        }
        word += text[j++]
      }
      inWord = true
      i = j
      continue
    }
    if (ch === '#' && !inWord) {
      const end = text.indexOf('\n', i)
      i = end < 0 ? text.length : end - 1
      continue
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      flush()
      continue
    }
    if (ch === '\n' || ch === ';' || ch === '(' || ch === ')' || ch === '`') {
      flush()
      tokens.push(ch)
      continue
    }
    if (ch === '&' || ch === '|') {
      flush()
      const next = text[i + 1]
      if (next === ch || (ch === '|' && next === '&')) {
        tokens.push(ch + next)
        i++
      } else if (ch === '&' && next === '>') {
        word = '&'
        inWord = true
      } else tokens.push(ch)
      continue
    }
    if (ch === '$' && text[i + 1] === '(' && text[i + 2] !== '(') {
      flush()
      tokens.push('$(')
      i++
      continue
    }
    word += ch
    inWord = true
  }
  flush()
  return tokens
}

/** Simple commands in shell text, including those inside `sh -c "..."` and `find ... -exec ... ;`. */
export function simpleCommands(text: string, depth = 0, reading: Reading = newReading()): SimpleCommand[] {
  const commands: SimpleCommand[] = []
  let words: string[] = []
  const finish = () => {
    if (words.length > 0) collect(words, commands, depth, reading)
    words = []
  }
  for (const token of tokenize(text)) {
    if (SEPARATORS.has(token)) finish()
    else words.push(token)
  }
  finish()
  return commands
}

/** Commands of an exec-form RUN (argv), with the same unwrapping as shell text. */
export function execCommands(argv: string[], reading: Reading = newReading()): SimpleCommand[] {
  const commands: SimpleCommand[] = []
  if (argv.length > 0) collect(argv, commands, 0, reading)
  return commands
}

/** What one reading of a RUN ran into; `nestingCut` is set when MAX_SHELL_NESTING stopped it. */
export interface Reading {
  nestingCut: boolean
}

export function newReading(): Reading {
  return { nestingCut: false }
}

const TERMINATORS = new Set([';', '+', '\\;'])

/**
 * Reads one simple command and the commands it runs (`sudo X`, `sh -c "X"`, `-exec X ;`). Each nested
 * command is a slice of its parent's words and nesting stops at MAX_SHELL_NESTING, so a word is read at
 * most MAX_SHELL_NESTING + 1 times: linear in the text, whatever it holds.
 */
function collect(
  words: string[],
  commands: SimpleCommand[],
  depth: number,
  reading: Reading,
  via?: SimpleCommand
): void {
  let start = 0
  // Skip assignments (`A=1 cmd`), prefixes (`exec cmd`, `env -i cmd`) and redirections.
  while (start < words.length) {
    const word = words[start]
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || PREFIXES.has(word) || /^\d*[<>]/.test(word)) start++
    else if (start > 0 && PREFIXES.has(words[start - 1]) && word.startsWith('-')) start++
    else break
  }
  if (start >= words.length) return
  const name = words[start]
  const args = words.slice(start + 1)
  const base = name.slice(name.lastIndexOf('/') + 1)
  const command: SimpleCommand = via ? { name, base, args, via } : { name, base, args }
  commands.push(command)
  const nested: string[][] = []
  const nestedText: string[] = []
  if (SHELLS.has(base)) {
    const dashC = args.findIndex(arg => /^-[a-z]*c[a-z]*$/.test(arg))
    if (dashC >= 0 && args[dashC + 1] !== undefined) nestedText.push(args[dashC + 1])
  }
  if (base === 'sudo' || base === 'doas' || base === 'su-exec' || base === 'gosu' || base === 'chroot') {
    const inner = args.findIndex(arg => !arg.startsWith('-'))
    // gosu/su-exec take a user first; sudo's own options come first.
    const from = base === 'gosu' || base === 'su-exec' || base === 'chroot' ? inner + 1 : inner
    if (inner >= 0 && from < args.length) nested.push(args.slice(from))
  }
  // Each `-exec ... ;` clause once; the words inside it (a later `-exec` too) belong to the inner command.
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-exec' || args[i] === '-execdir' || args[i] === '-ok') {
      let end = i + 1
      while (end < args.length && !TERMINATORS.has(args[end])) end++
      if (end > i + 1) nested.push(args.slice(i + 1, end))
      i = end
    }
  }
  if (nested.length === 0 && nestedText.length === 0) return
  if (depth >= MAX_SHELL_NESTING) {
    // Fail closed: past the limit the rest is read flat, in one pass and without recursion, so a command
    // nested deeper is still seen (perhaps with a neighbour's words as arguments), never missed.
    reading.nestingCut = true
    for (const command of flatCommands(args)) commands.push(command)
    return
  }
  for (const text of nestedText) {
    for (const found of simpleCommands(text, depth + 1, reading)) commands.push(found)
  }
  for (const inner of nested) collect(inner, commands, depth + 1, reading, command)
}

/** Commands the rules read, recognised by name when nesting is read flat. */
const FLAT_COMMANDS = new Set([
  'chmod',
  'install',
  'mkdir',
  'setcap',
  'chown',
  'find',
  'sudo',
  'doas',
  'su',
  'su-exec',
  'gosu',
  'chroot',
  'runuser',
  'setpriv',
  'useradd',
  'adduser',
  'usermod',
  'groupadd',
  'addgroup',
  'apt-get',
  'apt',
  'aptitude',
  'apk',
  'yum',
  'dnf',
  'microdnf',
  'tdnf',
  'zypper',
  'pacman',
  'tee',
  'cp',
  'mv',
  'ln',
  'echo'
])

const basename = (word: string): string => word.slice(word.lastIndexOf('/') + 1)

/**
 * Every command of `words` found by name, each with the words up to the next one (or a terminator) as its
 * arguments. Quoted `sh -c` texts are split into words too. One pass: the slices are disjoint.
 */
function flatCommands(words: string[]): SimpleCommand[] {
  const tokens: string[] = []
  for (const word of words) for (const token of word.split(/[\s;&|()`]+/)) if (token) tokens.push(token)
  const out: SimpleCommand[] = []
  for (let j = 0; j < tokens.length; j++) {
    const base = basename(tokens[j])
    if (!FLAT_COMMANDS.has(base)) continue
    let end = j + 1
    while (
      end < tokens.length &&
      !TERMINATORS.has(tokens[end]) &&
      tokens[end] !== '-exec' &&
      !FLAT_COMMANDS.has(basename(tokens[end]))
    )
      end++
    out.push({ name: tokens[j], base, args: tokens.slice(j + 1, end) })
    j = end - 1
  }
  return out
}

/** Words of a command that are not options (`-x`, `--long`), e.g. the operands of chmod or setcap. */
export function operands(args: string[]): string[] {
  return args.filter(arg => !arg.startsWith('-'))
}

const cache = new WeakMap<RunFact, { commands: SimpleCommand[]; nestingCut: boolean }>()

function read(run: RunFact): { commands: SimpleCommand[]; nestingCut: boolean } {
  let entry = cache.get(run)
  if (!entry) {
    const reading = newReading()
    const commands =
      run.form === 'exec' && run.argv ? execCommands(run.argv, reading) : simpleCommands(run.text, 0, reading)
    entry = { commands, nestingCut: reading.nestingCut }
    cache.set(run, entry)
  }
  return entry
}

/** The simple commands of a RUN, read once and shared by the model's checks and the rules. */
export function commandsOf(run: RunFact): SimpleCommand[] {
  return read(run).commands
}

/** Text the rules read commands from: only such RUNs can reach MAX_SHELL_NESTING in a way that matters. */
export const READ_BY_RULES = /sudo|NOPASSWD|chmod|install|mkdir|setcap/

/** True when reading the RUN stopped at MAX_SHELL_NESTING (the model reports it as a problem). */
export function nestingCut(run: RunFact): boolean {
  return read(run).nestingCut
}
