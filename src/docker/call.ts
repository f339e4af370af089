// Every Engine API call goes through daemonCall: a deadline, the run's stop signal (SIGINT/SIGTERM), a step
// name in the error when the daemon stalls, and bounded retries for calls that are safe to repeat.
import type Docker from 'dockerode'
import { OperationalError } from '../errors'
import { RETRY_BACKOFF_MS, SAFE_RETRIES, seconds } from './timeouts'

/** The run was asked to stop (a signal): not a failure of the step, and never retried. */
export class Interrupted extends Error {
  constructor(readonly signalName: string) {
    super(`interrupted by ${signalName}`)
    this.name = 'Interrupted'
  }
}

/** Why `stop` was aborted (`SIGINT`), or undefined while it is not. */
export function stopReason(stop?: AbortSignal): string | undefined {
  if (!stop?.aborted) return undefined
  const reason: unknown = stop.reason
  if (typeof reason === 'string') return reason
  if (reason instanceof Interrupted) return reason.signalName
  return 'a stop request'
}

export function throwIfStopped(stop?: AbortSignal): void {
  const why = stopReason(stop)
  if (why) throw new Interrupted(why)
}

/** The daemon's own message from a dockerode error (`(HTTP code 500) server error - ...` stripped). */
export function daemonMessage(error: unknown): string {
  const e = error as { json?: { message?: string }; message?: string }
  const text = e?.json?.message ?? e?.message ?? String(error)
  return text
    .replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '')
    .split('\n')[0]
    .trim()
}

export interface CallOptions {
  /** What is being waited for, as a noun phrase: `container create for the probe of Dockerfile`. */
  step: string
  timeoutMs: number
  stop?: AbortSignal
  /** Only for idempotent calls (GET, inspect, DELETE): retried on a dropped connection or a 5xx. */
  idempotent?: boolean
  kind?: OperationalError['kind']
}

/** A dropped or refused connection, or a daemon-side 5xx: worth one more try for a call that is safe to repeat. */
function transient(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number; message?: string }
  if (e?.statusCode !== undefined) return e.statusCode >= 500
  return (
    ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ECONNABORTED'].includes(e?.code ?? '') ||
    /socket hang up/i.test(e?.message ?? '')
  )
}

function sleep(ms: number, stop?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      stop?.removeEventListener('abort', done)
      resolve()
    }
    stop?.addEventListener('abort', done, { once: true })
  })
}

/** What a bounded call rejects with at its deadline; named like AbortSignal.timeout's reason. */
class DeadlineError extends Error {
  constructor() {
    super('the operation timed out')
    this.name = 'TimeoutError'
  }
}

/** The error a bounded call rejects with at its deadline (what AbortSignal.timeout would give). */
export function isDeadline(error: unknown): boolean {
  return (error as { name?: string })?.name === 'TimeoutError'
}

/**
 * Runs `fn` with a signal that fires at the deadline or on stop, and settles when the signal fires even if
 * `fn` never does (a library that loses a half-answered request). The deadline timer is a real one, so a
 * pending call keeps the process alive until it is decided, instead of letting it exit silently.
 */
export async function bounded<T>(
  timeoutMs: number,
  stop: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>
): Promise<T> {
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(new DeadlineError()), Math.max(1, Math.round(timeoutMs)))
  const signal = stop ? AbortSignal.any([deadline.signal, stop]) : deadline.signal
  let onAbort: (() => void) | undefined
  const gaveUp = new Promise<never>((_, reject) => {
    // An object reason is an error (ours, or the caller's); a string one is a signal's name.
    onAbort = () =>
      reject(
        typeof signal.reason === 'object' && signal.reason !== null
          ? (signal.reason as Error)
          : new Interrupted(String(signal.reason))
      )
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  gaveUp.catch(() => undefined)
  try {
    const work = fn(signal)
    work.catch(() => undefined) // the race's loser must not become an unhandled rejection
    return await Promise.race([work, gaveUp])
  } finally {
    clearTimeout(timer)
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

/**
 * Runs `fn` with an AbortSignal that fires at the deadline or on stop. A stall becomes one line naming the
 * step; a stop becomes Interrupted; other errors are passed through (callers add their own context).
 */
export async function daemonCall<T>(opts: CallOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const attempts = 1 + (opts.idempotent ? SAFE_RETRIES : 0)
  for (let attempt = 1; ; attempt++) {
    throwIfStopped(opts.stop)
    try {
      return await bounded(opts.timeoutMs, opts.stop, fn)
    } catch (error) {
      throwIfStopped(opts.stop)
      if (isDeadline(error)) {
        throw new OperationalError(
          `the daemon did not answer the ${opts.step} within ${seconds(opts.timeoutMs)}`,
          opts.kind ?? 'probe-failed'
        )
      }
      if (attempt >= attempts || !transient(error)) throw error
      await sleep(RETRY_BACKOFF_MS * 2 ** (attempt - 1), opts.stop)
    }
  }
}

/**
 * Our own errors (a stall, a stop) go through as they are; a daemon or connection error gets `prefix`:
 * `reading the probe container's output: socket hang up`.
 */
export function stepError(error: unknown, prefix: string, kind: OperationalError['kind']): Error {
  if (error instanceof OperationalError || error instanceof Interrupted) return error
  return new OperationalError(`${prefix}: ${daemonMessage(error)}`, kind)
}

/**
 * `GET /images/{ref}/json` through the modem: dockerode's Image.inspect drops its options' abortSignal, so
 * it could never be bounded.
 */
export function inspectImageRequest(docker: Docker, ref: string, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/images/${ref}/json`,
        method: 'GET',
        options: {},
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such image', 500: 'server error' }
      } as unknown as Parameters<Docker['modem']['dial']>[0],
      (error: unknown, data: unknown) => (error ? reject(error) : resolve(data))
    )
  })
}

/** Per-call context every docker-layer function takes: limits, the stop signal, and what is being scanned. */
export interface CallContext {
  timeouts: import('./timeouts').DockerTimeouts
  stop?: AbortSignal
}

/** A call that only reads (inspect, top, changes, logs): retried like any idempotent call, one request's limit. */
export function readCall<T>(
  step: string,
  ctx: CallContext,
  fn: (signal: AbortSignal) => Promise<T>
): Promise<T> {
  return daemonCall({ step, timeoutMs: ctx.timeouts.requestMs, stop: ctx.stop, idempotent: true }, fn)
}
