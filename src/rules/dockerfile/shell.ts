// A small, forgiving reading of RUN shell text: which simple commands run, with which words. It does not
// execute or fully parse shell; it is enough to find `sudo`, `chmod`, `setcap` and package installs in
// command position, after `&&`, `;`, `|`, inside `sh -c "..."` and `find -exec`.

export interface SimpleCommand {
  /** Command name as written (path kept), e.g. `sudo`, `/usr/bin/chmod`. */
  name: string
  /** Basename of the command, e.g. `chmod`. */
  base: string
  /** Words after the name. */
  args: string[]
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
export function simpleCommands(text: string, depth = 0): SimpleCommand[] {
  const commands: SimpleCommand[] = []
  let words: string[] = []
  const finish = () => {
    if (words.length > 0) collect(words, commands, depth)
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
export function execCommands(argv: string[]): SimpleCommand[] {
  const commands: SimpleCommand[] = []
  if (argv.length > 0) collect([...argv], commands, 0)
  return commands
}

function collect(words: string[], commands: SimpleCommand[], depth: number): void {
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
  commands.push({ name, base, args })
  if (depth > 3) return
  if (SHELLS.has(base)) {
    const dashC = args.findIndex(arg => /^-[a-z]*c[a-z]*$/.test(arg))
    if (dashC >= 0 && args[dashC + 1] !== undefined)
      commands.push(...simpleCommands(args[dashC + 1], depth + 1))
  }
  if (base === 'sudo' || base === 'doas' || base === 'su-exec' || base === 'gosu' || base === 'chroot') {
    const inner = args.findIndex(arg => !arg.startsWith('-'))
    // gosu/su-exec take a user first; sudo's own options come first.
    const from = base === 'gosu' || base === 'su-exec' || base === 'chroot' ? inner + 1 : inner
    if (inner >= 0 && from < args.length) collect(args.slice(from), commands, depth + 1)
  }
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-exec' || args[i] === '-execdir' || args[i] === '-ok') {
      const end = args.findIndex((arg, j) => j > i && (arg === ';' || arg === '+' || arg === '\\;'))
      const inner = args.slice(i + 1, end < 0 ? args.length : end)
      if (inner.length > 0) collect(inner, commands, depth + 1)
    }
  }
}

/** Words of a command that are not options (`-x`, `--long`), e.g. the operands of chmod or setcap. */
export function operands(args: string[]): string[] {
  return args.filter(arg => !arg.startsWith('-'))
}
