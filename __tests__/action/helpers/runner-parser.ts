// An emulation of the GitHub runner's workflow-command parser (actions/runner, ActionCommandManager and
// ActionCommand.cs), written from its behaviour, not from the action's code:
// - output is read with StreamReader.ReadLine, so CRLF, a lone CR and LF all end a line;
// - `::name props::data` is a command when the line starts with `::` after TrimStart (TryParseV2),
//   properties split on `,`, values and data %-decoded;
// - otherwise the legacy `##[name props]data` is a command ANYWHERE in the line (IndexOf("##[")),
//   properties split on `;`;
// - command names are case-insensitive; only registered commands count;
// - `stop-commands::TOKEN` ignores every command until `::TOKEN::` (or `##[TOKEN]`).

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

function parseV2(line: string, registered: Set<string>): RunnerCommand | undefined {
  const message = trimStart(line)
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
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

function parseLegacy(line: string, registered: Set<string>): RunnerCommand | undefined {
  const prefix = line.indexOf('##[')
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
export function parseRunnerOutput(text: string): ParsedOutput {
  const registered = new Set(REGISTERED)
  const commands: RunnerCommand[] = []
  const ignored: RunnerCommand[] = []
  let stopToken: string | undefined
  for (const line of readLines(text)) {
    const command = parseV2(line, registered) ?? parseLegacy(line, registered)
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
