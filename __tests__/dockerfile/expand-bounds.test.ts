// Expansion stays one pass over the text and stops at its named bounds instead of recursing or growing
// without end; a bound reached is reported through `limited`.
import { describe, expect, it } from '@jest/globals'
import { ExpansionBudget, expandWord, type VarLookup } from '../../src/dockerfile/expand'
import { MAX_EXPANDED_VALUE_LENGTH, MAX_EXPANSION_DEPTH } from '../../src/dockerfile/limits'

const vars =
  (values: Record<string, string>): VarLookup =>
  name =>
    Object.prototype.hasOwnProperty.call(values, name)
      ? { state: 'set', value: values[name] }
      : { state: 'unset' }

const nested = (depth: number): string => `${'${a:-'.repeat(depth)}x${'}'.repeat(depth)}`

describe('expandWord bounds', () => {
  it('keeps many unclosed ${ as written, in one pass', () => {
    const text = '${'.repeat(20_000)
    const result = expandWord(text, vars({}))
    expect(result.value).toBe(text)
    expect(result.limited).toBeUndefined()
  })

  it('expands defaults nested up to MAX_EXPANSION_DEPTH', () => {
    const result = expandWord(nested(MAX_EXPANSION_DEPTH), vars({}))
    expect(result.value).toBe('x')
    expect(result.limited).toBeUndefined()
  })

  it('leaves a reference nested deeper than MAX_EXPANSION_DEPTH as written and says so', () => {
    const result = expandWord(nested(10_000), vars({}))
    expect(result.limited).toBe('MAX_EXPANSION_DEPTH')
    expect(result.value.startsWith('${a:-')).toBe(true)
  })

  it('cuts a value longer than MAX_EXPANDED_VALUE_LENGTH and says so', () => {
    const result = expandWord('$A$A', vars({ A: 'y'.repeat(40_000) }))
    expect(result.limited).toBe('MAX_EXPANDED_VALUE_LENGTH')
    expect(result.limitedAt).toBe('A')
    expect(result.value.length).toBe(MAX_EXPANDED_VALUE_LENGTH)
  })

  it('stops substituting once the per-file budget is spent', () => {
    const budget = new ExpansionBudget(10)
    const lookup = vars({ A: 'abcdef' })
    expect(expandWord('$A', lookup, '\\', true, budget)).toEqual({ value: 'abcdef', unresolved: [] })
    const second = expandWord('$A', lookup, '\\', true, budget)
    expect(second).toEqual({
      value: '$A',
      unresolved: [],
      limited: 'MAX_EXPANSION_OUTPUT_PER_FILE',
      limitedAt: 'A'
    })
  })

  it('pairs braces as a scan from each ${ would, escapes and nesting included', () => {
    const lookup = vars({ B: 'b' })
    expect(expandWord('${A:-{x}}', lookup).value).toBe('{x}')
    expect(expandWord('${A:-\\}}', lookup).value).toBe('}')
    expect(expandWord('${A:-${B}}-${', lookup).value).toBe('b-${')
    expect(expandWord('${ ${B}', lookup).value).toBe('${ b')
    expect(expandWord('${A-${C:-${B}}}x', lookup).value).toBe('bx')
  })

  it('finds nothing on the prototype for variable names', () => {
    expect(expandWord('${toString}${constructor:-d}$__proto__', vars({})).value).toBe('d')
  })
})
