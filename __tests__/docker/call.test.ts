// daemonCall's contract without a daemon: a stall becomes one line naming the step, a stop is Interrupted
// and never retried, and only idempotent calls are retried (a few times) after a dropped connection.
import { describe, expect, it } from '@jest/globals'
import { Interrupted, bounded, daemonCall, isDeadline, stepError } from '../../src/docker/call'
import { OperationalError } from '../../src/errors'
import { DEFAULT_TIMEOUTS, resolveTimeouts, SAFE_RETRIES } from '../../src/docker/timeouts'

/** A call that never answers until its signal fires, like a stalled daemon. */
const never = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))

const hangUp = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })

describe('daemonCall', () => {
  it('turns a stall into one line naming the step and the limit', async () => {
    const error = await daemonCall(
      { step: 'container create for the probe of Dockerfile', timeoutMs: 50 },
      never
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OperationalError)
    expect((error as Error).message).toBe(
      'the daemon did not answer the container create for the probe of Dockerfile within 0.1 s'
    )
  })

  it('ends at once with Interrupted when the stop signal fires, whatever the limit', async () => {
    const stop = new AbortController()
    setTimeout(() => stop.abort('SIGINT'), 20)
    const started = Date.now()
    const error = await daemonCall(
      { step: 'x', timeoutMs: 60_000, stop: stop.signal, idempotent: true },
      never
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Interrupted)
    expect((error as Interrupted).signalName).toBe('SIGINT')
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('retries an idempotent call after a dropped connection, a bounded number of times', async () => {
    let calls = 0
    const error = await daemonCall({ step: 'logs', timeoutMs: 1_000, idempotent: true }, async () => {
      calls++
      throw hangUp()
    }).catch((e: unknown) => e)
    expect((error as Error).message).toBe('socket hang up')
    expect(calls).toBe(1 + SAFE_RETRIES)
    let second = 0
    const value = await daemonCall({ step: 'logs', timeoutMs: 1_000, idempotent: true }, async () => {
      if (++second === 1) throw hangUp()
      return 'ok'
    })
    expect(value).toBe('ok')
  })

  it('never retries a call that is not idempotent (a create may have happened)', async () => {
    let calls = 0
    await expect(
      daemonCall({ step: 'create', timeoutMs: 1_000 }, async () => {
        calls++
        throw hangUp()
      })
    ).rejects.toThrow('socket hang up')
    expect(calls).toBe(1)
  })

  it('does not retry a 404: the answer is final', async () => {
    let calls = 0
    const gone = Object.assign(new Error('(HTTP code 404) no such container - No such container: x'), {
      statusCode: 404
    })
    await expect(
      daemonCall({ step: 'inspect', timeoutMs: 1_000, idempotent: true }, async () => {
        calls++
        throw gone
      })
    ).rejects.toBe(gone)
    expect(calls).toBe(1)
  })
})

describe('bounded', () => {
  it('settles at the deadline even when the call ignores its signal and never settles', async () => {
    const deaf = (): Promise<never> => new Promise(() => undefined)
    const error = await bounded(30, undefined, deaf).catch((e: unknown) => e)
    expect(isDeadline(error)).toBe(true)
  })

  it('gives the stop reason as Interrupted for a call that ignores its signal', async () => {
    const stop = new AbortController()
    setTimeout(() => stop.abort('SIGTERM'), 10)
    const error = await bounded(60_000, stop.signal, () => new Promise(() => undefined)).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(Interrupted)
    expect((error as Interrupted).signalName).toBe('SIGTERM')
  })
})

describe('stepError', () => {
  it('names what failed for a daemon or connection error, and passes our own errors through', () => {
    expect(stepError(hangUp(), "reading the probe container's output", 'probe-failed').message).toBe(
      "reading the probe container's output: socket hang up"
    )
    const stall = new OperationalError('the daemon did not answer the x within 1 s', 'probe-failed')
    expect(stepError(stall, 'prefix', 'probe-failed')).toBe(stall)
  })
})

describe('resolveTimeouts', () => {
  it('takes positive overrides and keeps the defaults for the rest', () => {
    expect(resolveTimeouts({ requestMs: 2_000, buildMs: -1 })).toEqual({
      ...DEFAULT_TIMEOUTS,
      requestMs: 2_000
    })
  })
})
