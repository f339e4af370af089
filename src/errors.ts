// Errors meant for people: one line, naming the file, line or input. Anything else is a bug.

/** Bad input from the user (flags, inputs, files). CLI exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Something outside the tool failed (daemon, build, probe). The part that completed is still reported. */
export class OperationalError extends Error {
  constructor(
    message: string,
    readonly kind:
      'daemon-unreachable' | 'build-failed' | 'probe-failed' | 'probe-timeout' | 'workload-failed'
  ) {
    super(message)
    this.name = 'OperationalError'
  }
}

/** Longest error line printed; a longer message (a 100 KB flag value, say) is cut with an ellipsis. */
export const MAX_ERROR_CHARS = 500

/** One line for any thrown value, never a stack trace, at most MAX_ERROR_CHARS long. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  const line = text.split(/\r\n|[\r\n]/)[0].trim() || 'unknown error'
  if (line.length <= MAX_ERROR_CHARS) return line
  let cut = line.slice(0, MAX_ERROR_CHARS - 1)
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  return `${cut}…`
}
