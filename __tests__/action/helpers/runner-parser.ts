// An emulation of the GitHub runner's workflow-command parser (actions/runner, ActionCommandManager and
// ActionCommand.cs), written from its behaviour, not from the action's code:
// - output is read with StreamReader.ReadLine, so CRLF, a lone CR and LF all end a line;
// - `::name props::data` is a command when the line starts with `::` after TrimStart (TryParseV2),
//   properties split on `,`, values and data %-decoded;
// - otherwise the legacy `##[name props]data` is a command ANYWHERE in the line (IndexOf("##[")),
//   properties split on `;`;
// - command names are case-insensitive; only registered commands count;
// - `stop-commands::TOKEN` ignores every command until `::TOKEN::` (or `##[TOKEN]`).
// The runner calls the culture-sensitive StartsWith/IndexOf(string). With ICU (the runner needs libicu
// and does not run in invariant mode) those skip "ignorable" characters such as U+200B, while the
// Substring offsets that follow still count the pattern's own length. `mode: 'icu'` emulates that.

export interface RunnerCommand {
  name: string
  properties: Record<string, string>
  data: string
  /** The raw line the runner read. */
  line: string
  form: 'v2' | 'legacy'
}

const REGISTERED = [
  'set-env',
  'set-output',
  'save-state',
  'add-path',
  'add-mask',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
  'internal-set-repo-path'
]

/** Lines as StreamReader.ReadLine returns them. */
export function readLines(text: string): string[] {
  const lines: string[] = []
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\r' || c === '\n') {
      lines.push(text.slice(start, i))
      if (c === '\r' && text[i + 1] === '\n') i++
      start = i + 1
    }
  }
  if (start < text.length) lines.push(text.slice(start))
  return lines
}

// .NET Char.IsWhiteSpace: Unicode Zs/Zl/Zp, U+0009..U+000D, U+0085, U+00A0. Not U+200B or U+FEFF.
const DOTNET_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/

function trimStart(text: string): string {
  return text.slice(DOTNET_SPACE.exec(text)?.[0].length ?? 0)
}

export type CompareMode = 'ordinal' | 'icu'

// Default-ignorable code points ICU's root collation gives no weight (a practical subset).
// eslint-disable-next-line no-control-regex -- NUL is one of them
const IGNORABLE = /[\u0000\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/

/** Where `pattern` matches `text` at `at`, skipping ignorables in `text` under ICU; else -1. */
function matchAt(text: string, pattern: string, at: number, mode: CompareMode): number {
  let i = at
  for (const ch of pattern) {
    while (mode === 'icu' && i < text.length && IGNORABLE.test(text[i])) i++
    if (text[i] !== ch) return -1
    i++
  }
  return i
}

function startsWith(text: string, pattern: string, mode: CompareMode): boolean {
  return matchAt(text, pattern, 0, mode) >= 0
}

function indexOf(text: string, pattern: string, from: number, mode: CompareMode): number {
  for (let i = from; i < text.length; i++) {
    if (mode === 'icu' && IGNORABLE.test(text[i])) continue
    if (matchAt(text, pattern, i, mode) >= 0) return i
  }
  return -1
}

const unescapeData = (s: string): string =>
  s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/gi, '%')
const unescapeProperty = (s: string): string => unescapeData(s.replace(/%3A/gi, ':').replace(/%2C/gi, ','))
const unescapeLegacy = (s: string): string =>
  s
    .replace(/%3B/gi, ';')
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%5D/gi, ']')
    .replace(/%25/gi, '%')

function parseV2(line: string, registered: Set<string>, mode: CompareMode): RunnerCommand | undefined {
  const message = trimStart(line)
  if (!startsWith(message, '::', mode)) return undefined
  const end = indexOf(message, '::', 2, mode)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter(Boolean)) {
      const eq = pair.indexOf('=')
      if (eq > 0 && eq < pair.length - 1) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1))
    }
  }
  return { name, properties, data: unescapeData(message.slice(end + 2)), line, form: 'v2' }
}

function parseLegacy(line: string, registered: Set<string>, mode: CompareMode): RunnerCommand | undefined {
  const prefix = indexOf(line, '##[', 0, mode)
  if (prefix < 0) return undefined
  const close = line.indexOf(']', prefix)
  if (close < 0) return undefined
  const info = line.slice(prefix + 3, close)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .split(';')
      .filter(Boolean)) {
      const eq = pair.indexOf('=')
      if (eq > 0 && eq < pair.length - 1) properties[pair.slice(0, eq)] = unescapeLegacy(pair.slice(eq + 1))
    }
  }
  return { name, properties, data: unescapeLegacy(line.slice(close + 1)), line, form: 'legacy' }
}

export interface ParsedOutput {
  /** Commands the runner would carry out, in order (stop-commands and its resume included). */
  commands: RunnerCommand[]
  /** Lines that were commands but ignored while commands were stopped. */
  ignored: RunnerCommand[]
  /** Values registered with add-mask. */
  masks: string[]
}

/** Runs output text through the runner's parser. */
export function parseRunnerOutput(text: string, mode: CompareMode = 'ordinal'): ParsedOutput {
  const registered = new Set(REGISTERED)
  const commands: RunnerCommand[] = []
  const ignored: RunnerCommand[] = []
  let stopToken: string | undefined
  for (const line of readLines(text)) {
    const command = parseV2(line, registered, mode) ?? parseLegacy(line, registered, mode)
    if (!command) continue
    if (stopToken !== undefined) {
      if (command.name === stopToken.toLowerCase()) {
        registered.delete(command.name)
        stopToken = undefined
        commands.push(command)
      } else ignored.push(command)
      continue
    }
    commands.push(command)
    if (command.name === 'stop-commands') {
      const token = command.data
      // The runner refuses an empty token or one that is a command name.
      if (token && !registered.has(token.toLowerCase())) {
        stopToken = token
        registered.add(token.toLowerCase())
      }
    }
  }
  return { commands, ignored, masks: commands.filter(c => c.name === 'add-mask').map(c => c.data) }
}
