// Everything the action prints goes through here, so text from a Dockerfile, a build, a probe or a file
// name can never become a workflow command. The runner (actions/runner ActionCommand.cs) reads stdout
// with StreamReader.ReadLine, so a lone CR starts a new line too; it obeys `::cmd` after TrimStart and
// the legacy `##[cmd]` ANYWHERE in a line. So each line is split the same way and both forms are broken
// with a zero-width space, which the runner's TrimStart does not remove and the log shows as nothing.
// The runner compares with culture-sensitive StartsWith/IndexOf, which under ICU skip a zero-width space;
// the space is placed so that even then the command name would start with `:` or `[` (no such command),
// because the runner takes the name at the pattern's own length from where the match begins.
import * as core from '@actions/core'

const ZWSP = '\u200b'

/** Longest line we print for one message; longer text is cut with an ellipsis (a line, not a log). */
export const MAX_LINE_CHARS = 4_000

/** Longest warning, error or group title: one readable line. */
export const MAX_MESSAGE_CHARS = 500

// Line breaks as StreamReader.ReadLine sees them (CRLF, CR, LF), plus the Unicode ones a log viewer
// might break on; splitting on more than the runner does is harmless.
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/

// .NET's Char.IsWhiteSpace together with JavaScript's \s: whatever either trims before `::`.
const LEADING_SPACE = /^[\s\u0085\u180e]*/

/** Cuts `text` to `max` UTF-16 units (never inside a surrogate pair), with `…` when cut. */
export function capLength(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = text.slice(0, Math.max(0, max - 1))
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  return `${cut}…`
}

/** One line (no line breaks) made inert for the runner's command parser; visible text unchanged. */
export function neutraliseLine(line: string): string {
  let out = line.replace(/##\[/g, `#${ZWSP}#[`)
  const lead = LEADING_SPACE.exec(out)?.[0].length ?? 0
  if (out.startsWith('::', lead)) out = `${out.slice(0, lead + 1)}${ZWSP}${out.slice(lead + 1)}`
  return out
}

/** Text split into the lines the runner would read, each made inert and capped. */
export function runnerSafeLines(text: string, maxLine = MAX_LINE_CHARS): string[] {
  return String(text)
    .split(LINE_BREAK)
    .map(line => neutraliseLine(capLength(line, maxLine)))
}

/**
 * The text of a warning, error or notice: one line, capped. @actions/core escapes `%`, CR and LF in it
 * (and also `:` and `,` in properties such as `file=`), so the runner cannot be tricked by the data
 * itself; flattening keeps one problem on one log line and out of reach of any other parser.
 */
export function oneLine(text: string, max = MAX_MESSAGE_CHARS): string {
  const flat = String(text)
    .split(LINE_BREAK)
    .map(l => l.trim())
    .filter(Boolean)
    .join(' ')
  return neutraliseLine(capLength(flat, max))
}

type Writer = (line: string) => void

/** Plain log text (core.info), line by line through the neutraliser. */
export function safeInfo(message: string, write: Writer = core.info): void {
  for (const line of runnerSafeLines(message)) write(line)
}

export function safeDebug(message: string): void {
  // core.debug escapes CR/LF as %0D/%0A inside one `::debug::` command, so the text stays data.
  core.debug(capLength(String(message), MAX_LINE_CHARS))
}

export function safeWarning(message: string, properties?: core.AnnotationProperties): void {
  core.warning(oneLine(message), properties && safeProperties(properties))
}

export function safeError(message: string, properties?: core.AnnotationProperties): void {
  core.error(oneLine(message), properties && safeProperties(properties))
}

export function safeNotice(message: string, properties?: core.AnnotationProperties): void {
  core.notice(oneLine(message), properties && safeProperties(properties))
}

/** The step's final `::error::` (core.setFailed), one capped line. */
export function safeSetFailed(message: string): void {
  core.setFailed(oneLine(message))
}

/** A group title is a `::group::` line: one line, inert, capped. */
export function safeGroupTitle(name: string): string {
  return oneLine(name, 200)
}

export function safeGroup<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return core.group(safeGroupTitle(name), fn)
}

/** Titles and file names are properties: @actions/core escapes them; here they are one capped line. */
function safeProperties(properties: core.AnnotationProperties): core.AnnotationProperties {
  return {
    ...properties,
    title: properties.title === undefined ? undefined : oneLine(properties.title, 200),
    // A file name must stay exact (GitHub matches it to the diff); core escapes `:`, `,`, `%`, CR and LF.
    file: properties.file
  }
}
