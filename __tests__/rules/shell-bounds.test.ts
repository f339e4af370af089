// Reading RUN text is linear whatever it holds: each `-exec` clause is read once, nesting stops at
// MAX_SHELL_NESTING, and the reading says when it stopped.
import { describe, expect, it } from '@jest/globals'
import { MAX_SHELL_NESTING } from '../../src/dockerfile/limits'
import { newReading, simpleCommands } from '../../src/rules/dockerfile/shell'

describe('shell reading bounds', () => {
  it('reads thousands of unterminated -exec words a bounded number of times', () => {
    const reading = newReading()
    const commands = simpleCommands(`sudo${' -exec'.repeat(5000)}`, 0, reading)
    const words = commands.reduce((sum, command) => sum + command.args.length + 1, 0)
    expect(commands.length).toBeLessThanOrEqual(MAX_SHELL_NESTING + 2)
    expect(words).toBeLessThanOrEqual((MAX_SHELL_NESTING + 2) * 5001)
    expect(reading.nestingCut).toBe(true)
  })

  it('reads each -exec clause of find once', () => {
    const commands = simpleCommands('find / -exec chmod 4755 {} + -exec setcap cap_net_raw+ep {} +')
    expect(commands.map(c => c.base)).toEqual(['find', 'chmod', 'setcap'])
  })

  it('still finds a command nested within the limit and does not mark the reading as cut', () => {
    const reading = newReading()
    const commands = simpleCommands('sh -c "sudo find . -exec chmod u+s {} \\;"', 0, reading)
    expect(commands.map(c => c.base)).toContain('chmod')
    expect(reading.nestingCut).toBe(false)
  })

  it('treats prototype names as plain command words', () => {
    const commands = simpleCommands('toString x && constructor y && __proto__ -exec hasOwnProperty z')
    expect(commands.map(c => c.base)).toEqual(['toString', 'constructor', '__proto__', 'hasOwnProperty'])
  })
})
