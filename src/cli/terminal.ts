// What the terminal the report goes to can show: colour and width, decided from the stream and environment
// only (passed in, so tests need no TTY).

export interface TerminalFacts {
  isTTY?: boolean
  columns?: number
}

/** Used when stdout is not a terminal and COLUMNS is unset: a pipe or a CI log. */
export const DEFAULT_WIDTH = 100
const MIN_WIDTH = 20
const MAX_WIDTH = 1000

/** `--color`/`--no-color` first, then FORCE_COLOR (as Node reads it), then NO_COLOR, then whether stdout is a TTY. */
export function colorWanted(
  flag: boolean | undefined,
  out: TerminalFacts,
  env: Record<string, string | undefined>
): boolean {
  if (flag !== undefined) return flag
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false'
  if (env.NO_COLOR) return false
  return out.isTTY === true
}

/** The terminal's columns, else COLUMNS, else 100; bounded so a bogus value cannot make lines of one cell. */
export function terminalWidth(out: TerminalFacts, env: Record<string, string | undefined>): number {
  const fromTty = out.isTTY === true && Number.isInteger(out.columns) && (out.columns as number) > 0
  const fromEnv = Number(env.COLUMNS)
  const width = fromTty
    ? (out.columns as number)
    : Number.isInteger(fromEnv) && fromEnv > 0
      ? fromEnv
      : DEFAULT_WIDTH
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width))
}
