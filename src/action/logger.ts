// The Logger the engine uses, backed by @actions/core: groups fold in the log, warnings and errors
// become annotations.
import { randomBytes } from 'node:crypto'
import * as core from '@actions/core'
import type { Logger } from '../logger'

/**
 * core.info writes raw to stdout, and the runner treats any line starting with `::` as a workflow
 * command. Engine messages can quote untrusted text (build output, Dockerfile lines), so such text is
 * wrapped in `::stop-commands::` with a random token, which the runner documents for exactly this.
 */
export function safeInfo(message: string, write: (line: string) => void = core.info): void {
  if (!/(^|\n)\s*::/.test(message)) {
    write(message)
    return
  }
  const token = randomBytes(16).toString('hex')
  write(`::stop-commands::${token}`)
  write(message)
  write(`::${token}::`)
}

export function createActionLogger(): Logger {
  return {
    debug: message => core.debug(message),
    info: message => safeInfo(message),
    warning: message => core.warning(message),
    error: message => core.error(message),
    group: (name, fn) => core.group(name, fn)
  }
}
