// The CLI's Logger: progress goes to stderr so stdout stays the report (pipe-friendly for --format json).
// Every line is made terminal-safe: log lines quote what images and daemons say (a workload's last output
// line, a build error), and an image must not retitle, clear or rewrite the terminal of whoever scans it.
import type { Logger } from '../logger'
import { terminalSafe } from '../report/escape'

/** Long enough for any real log line; a longer one is cut with a mark rather than flooding the terminal. */
const MAX_LOG_LINE = 10_000

export function consoleLogger(verbose: boolean): Logger {
  let depth = 0
  const write = (text: string): void => {
    const indent = '  '.repeat(depth)
    for (const line of String(text).split(/\r\n|\r|\n/))
      process.stderr.write(`${indent}${terminalSafe(line, { maxLength: MAX_LOG_LINE })}\n`)
  }
  return {
    debug: message => {
      if (verbose) write(message)
    },
    info: message => write(message),
    warning: message => write(`warning: ${message}`),
    error: message => write(`error: ${message}`),
    group: async (name, fn) => {
      write(name)
      depth++
      try {
        return await fn()
      } finally {
        depth--
      }
    }
  }
}
