// The CLI's Logger: progress goes to stderr so stdout stays the report (pipe-friendly for --format json).
import type { Logger } from '../logger'

export function consoleLogger(verbose: boolean): Logger {
  let depth = 0
  const write = (text: string): void => {
    process.stderr.write(`${'  '.repeat(depth)}${text}\n`)
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
