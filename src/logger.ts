// Pure modules log through this interface; the CLI and the action each provide an implementation.
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  /** Runs `fn` inside a collapsible group (action) or an indented section (CLI). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

/** A logger that drops everything: for tests and library use. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  group: (_name, fn) => fn()
}
