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

/** One line for any thrown value, never a stack trace. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0].trim() || 'unknown error'
}
