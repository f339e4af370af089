// When a workload's identity counts as settled: pure, over synthetic `top` samples.
import { describe, expect, it } from '@jest/globals'
import { isShell, observe, settlesAtMs, type SettleState } from '../../src/docker/settle'
import { outputTail } from '../../src/docker/workload'
import type { WorkloadProcess } from '../../src/docker/types'

const proc = (pid: number, euid: number, args: string): WorkloadProcess => ({
  pid,
  uid: euid,
  euid,
  gid: euid,
  args
})

function feed(samples: Array<[number, WorkloadProcess[]]>): SettleState {
  let state: SettleState | undefined
  for (const [at, ps] of samples) state = observe(state, ps, at)
  return state as SettleState
}

describe('settle detection', () => {
  it('settles a quiet period after the first sample when nothing changes', () => {
    const state = feed([
      [0, [proc(10, 1001, '/app')]],
      [100, [proc(10, 1001, '/app')]]
    ])
    expect(state.samples).toBe(2)
    expect(settlesAtMs(state, 400)).toBe(400)
  })

  it('restarts the quiet period on a new process, an exec (new args) or an identity change of the same pid', () => {
    const base = [proc(10, 0, 'nginx: master process')]
    expect(
      settlesAtMs(
        feed([
          [0, base],
          [200, [...base, proc(11, 101, 'nginx: worker process')]]
        ]),
        400
      )
    ).toBe(600)
    expect(
      settlesAtMs(
        feed([
          [0, [proc(10, 0, 'gosu app server')]],
          [300, [proc(10, 1001, 'server')]]
        ]),
        400
      )
    ).toBe(700)
    expect(
      settlesAtMs(
        feed([
          [0, [proc(10, 0, 'server')]],
          [300, [proc(10, 1001, 'server')]]
        ]),
        400
      )
    ).toBe(700)
    // The order top lists them in is not a change.
    const two = [proc(10, 0, 'a'), proc(11, 0, 'b')]
    expect(
      settlesAtMs(
        feed([
          [0, two],
          [300, [...two].reverse()]
        ]),
        400
      )
    ).toBe(400)
  })

  it('never settles while a shell is in the list: its script may still drop privileges', () => {
    const waiting = feed([
      [0, [proc(10, 0, 'sh -c sleep 1; exec gosu app server'), proc(11, 0, 'sleep 1')]],
      [500, [proc(10, 0, 'sh -c sleep 1; exec gosu app server'), proc(11, 0, 'sleep 1')]]
    ])
    expect(settlesAtMs(waiting, 400)).toBe(Number.POSITIVE_INFINITY)
    const dropped = observe(waiting, [proc(10, 1001, 'server')], 1100)
    expect(settlesAtMs(dropped, 400)).toBe(1500)
  })

  it('knows a shell by its name, through a path, busybox or a login dash', () => {
    for (const args of ['sh', '/bin/sh /entrypoint.sh', 'bash -c x', '/busybox sh -c x', '-ash', 'dash']) {
      expect(isShell(args)).toBe(true)
    }
    for (const args of ['/app', '/busybox sleep 30', 'shellcheck x', 'nginx: master process', '']) {
      expect(isShell(args)).toBe(false)
    }
  })
})

describe('the output tail of an exited workload', () => {
  it('keeps the last three lines of stderr, else of stdout, bounded', () => {
    expect(outputTail('started\n', 'a\nb\n\nc\nchown: /data: Operation not permitted\n')).toBe(
      'b\nc\nchown: /data: Operation not permitted'
    )
    expect(outputTail('one\r\ntwo\n', '')).toBe('one\ntwo')
    expect(outputTail('', '')).toBe('')
    const long = outputTail('x'.repeat(5000), '')
    expect(long.length).toBeLessThanOrEqual(401)
    expect(long.startsWith('…')).toBe(true)
  })
})
