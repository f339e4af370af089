// The probe deadline covers starting the container too: a daemon that never answers the start call
// (a wedged runc or user lookup) yields `timeout`, not a hang.
import { describe, expect, it } from '@jest/globals'
import { startWithin } from '../../src/docker/container-run'

/** Behaves like dockerode's start over a daemon that never answers: only the abort signal ends it. */
function wedgedContainer() {
  return {
    start: (opts?: { abortSignal?: AbortSignal }) =>
      new Promise((_resolve, reject) => {
        opts?.abortSignal?.addEventListener('abort', () => reject(opts.abortSignal?.reason))
      })
  }
}

describe('startWithin', () => {
  it('gives up on a start the daemon never answers, at the deadline', async () => {
    const started = Date.now()
    await expect(startWithin(wedgedContainer() as never, 200)).resolves.toBe('timeout')
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('passes real start errors through', async () => {
    const failing = {
      start: () => Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 }))
    }
    await expect(startWithin(failing as never, 1_000)).rejects.toThrow('no such image')
  })

  it('reports a start that succeeds', async () => {
    await expect(startWithin({ start: () => Promise.resolve() } as never, 1_000)).resolves.toBe('started')
  })
})
