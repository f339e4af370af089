import { describe, expect, it } from '@jest/globals'
import type { Logger } from '../../src/logger'
import { OrderedOutput } from '../../src/scan/ordered-log'

/** A logger writing flat lines, groups as `>name` ... `<name`, the way the action's ::group:: blocks nest. */
function recorder(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const logger: Logger = {
    debug: m => lines.push(`debug ${m}`),
    info: m => lines.push(m),
    warning: m => lines.push(`warning ${m}`),
    error: m => lines.push(`error ${m}`),
    group: async (name, fn) => {
      lines.push(`>${name}`)
      try {
        return await fn()
      } finally {
        lines.push(`<${name}`)
      }
    }
  }
  return { logger, lines }
}

const tick = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

describe('OrderedOutput', () => {
  it('writes each target whole, in plan order, with a line when one starts or finishes early', async () => {
    const { logger, lines } = recorder()
    const out = new OrderedOutput(logger, 3)
    const a = out.start(0, 'a/Dockerfile')
    const b = out.start(1, 'b/Dockerfile')
    const c = out.start(2, 'c/Dockerfile')
    const aBuild = a.group('Build a', async () => {
      a.info('a step 1')
      await tick()
      a.info('a step 2')
    })
    await b.group('Build b', async () => {
      b.info('b step 1')
      b.warning('b slow')
    })
    c.info('c only')
    out.finish(2)
    out.finish(1)
    await tick()
    await aBuild
    out.finish(0)
    await out.drained()
    expect(lines).toEqual([
      '[1/3] started a/Dockerfile',
      '[2/3] started b/Dockerfile',
      '[3/3] started c/Dockerfile',
      "[3/3] finished c/Dockerfile; its log follows [1/3]'s",
      "[2/3] finished b/Dockerfile; its log follows [1/3]'s",
      '>Build a',
      'a step 1',
      'a step 2',
      '<Build a',
      '>Build b',
      'b step 1',
      'warning b slow',
      '<Build b',
      'c only'
    ])
  })

  it('says nothing for a quiet start and writes a target that finishes in turn at once', async () => {
    const { logger, lines } = recorder()
    const out = new OrderedOutput(logger, 2)
    out.start(0, 'a', true).info('first')
    out.finish(0)
    await out.drained()
    expect(lines).toEqual(['first'])
    out.start(1, 'b', true)
    out.finish(1)
    await out.drained()
    expect(lines).toEqual(['first'])
  })

  it('keeps writing the others when the sink throws', async () => {
    const { logger, lines } = recorder()
    const broken: Logger = {
      ...logger,
      info: m => {
        if (m === 'bad') throw new Error('closed')
        logger.info(m)
      }
    }
    const out = new OrderedOutput(broken, 2)
    out.start(0, 'a', true).info('bad')
    out.start(1, 'b', true).info('good')
    out.finish(0)
    out.finish(1)
    await out.drained()
    expect(lines).toEqual(['good'])
  })
})
