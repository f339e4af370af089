// The Logger the engine uses, backed by @actions/core: groups fold in the log, warnings and errors
// become annotations. Engine messages quote untrusted text (build output, Dockerfile lines, file names),
// so every method goes through the runner-safe sink.
import type { Logger } from '../logger'
import { safeDebug, safeError, safeGroup, safeInfo, safeWarning } from './runner-safe'

export function createActionLogger(): Logger {
  return {
    debug: message => safeDebug(message),
    info: message => safeInfo(message),
    warning: message => safeWarning(message),
    error: message => safeError(message),
    group: (name, fn) => safeGroup(name, fn)
  }
}
