// SIGINT/SIGTERM ask the scan to stop instead of killing it: the in-flight Docker call is abandoned at
// once (the AbortSignal reaches it), completed targets are still reported and cleanup still runs (bounded).
// A second signal, or the limit running out, exits at once.
import type { Logger } from '../logger'
import { markInterrupted, SIGNAL_CLEANUP_LIMIT_MS } from './resources'

export interface StopHandle {
  /** Aborted with the signal's name (`SIGINT`) as its reason. */
  signal: AbortSignal
  /** The signal received, if any. */
  received(): NodeJS.Signals | undefined
  /** 130 / 143 once a signal came, else undefined. */
  exitCode(): number | undefined
  /** Removes the handlers and the exit timer (call when the process is about to finish normally). */
  dispose(): void
}

export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (signal === 'SIGINT' ? 2 : 15)
}

export function installStopOnSignal(
  logger: Logger,
  opts: { limitMs?: number; exit?: (code: number) => void } = {}
): StopHandle {
  const exit = opts.exit ?? ((code: number) => process.exit(code))
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  let timer: NodeJS.Timeout | undefined
  const handler = (signal: NodeJS.Signals): void => {
    if (received) {
      logger.warning(`${signal} received again: exiting now`)
      return exit(signalExitCode(received))
    }
    received = signal
    markInterrupted(signal)
    logger.warning(
      `${signal} received: stopping; reporting the finished Dockerfiles and removing what this run created`
    )
    controller.abort(signal)
    const limitMs = opts.limitMs ?? SIGNAL_CLEANUP_LIMIT_MS
    timer = setTimeout(() => {
      logger.warning('stopping is taking too long; exiting (a label sweep or the post step removes the rest)')
      exit(signalExitCode(signal))
    }, limitMs)
    timer.unref()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received ? signalExitCode(received) : undefined),
    dispose: () => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
      if (timer) clearTimeout(timer)
    }
  }
}
