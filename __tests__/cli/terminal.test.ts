import { describe, expect, it } from '@jest/globals'
import { colorWanted, terminalWidth } from '../../src/cli/terminal'

describe('colorWanted', () => {
  const tty = { isTTY: true }
  const pipe = { isTTY: false }

  it('colours a TTY and not a pipe by default', () => {
    expect(colorWanted(undefined, tty, {})).toBe(true)
    expect(colorWanted(undefined, pipe, {})).toBe(false)
  })

  it('honours NO_COLOR (non-empty) and FORCE_COLOR, FORCE_COLOR over NO_COLOR as Node does', () => {
    expect(colorWanted(undefined, tty, { NO_COLOR: '1' })).toBe(false)
    expect(colorWanted(undefined, tty, { NO_COLOR: '' })).toBe(true)
    expect(colorWanted(undefined, pipe, { FORCE_COLOR: '1' })).toBe(true)
    expect(colorWanted(undefined, pipe, { FORCE_COLOR: '' })).toBe(true)
    expect(colorWanted(undefined, tty, { FORCE_COLOR: '0' })).toBe(false)
    expect(colorWanted(undefined, tty, { FORCE_COLOR: 'false' })).toBe(false)
    expect(colorWanted(undefined, pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true)
  })

  it('lets --color / --no-color win over everything', () => {
    expect(colorWanted(true, pipe, { NO_COLOR: '1' })).toBe(true)
    expect(colorWanted(false, tty, { FORCE_COLOR: '1' })).toBe(false)
  })
})

describe('terminalWidth', () => {
  it("is the TTY's columns, else COLUMNS, else 100", () => {
    expect(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '80' })).toBe(132)
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '80' })).toBe(80)
    expect(terminalWidth({ isTTY: false }, {})).toBe(100)
    expect(terminalWidth({ isTTY: true }, {})).toBe(100)
  })

  it('ignores a bogus COLUMNS and bounds extreme ones', () => {
    expect(terminalWidth({}, { COLUMNS: 'wide' })).toBe(100)
    expect(terminalWidth({}, { COLUMNS: '-5' })).toBe(100)
    expect(terminalWidth({}, { COLUMNS: '3' })).toBe(20)
    expect(terminalWidth({}, { COLUMNS: '100000' })).toBe(1000)
  })
})
