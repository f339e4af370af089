import { describe, expect, it } from '@jest/globals'
import { expandWord, type VarLookup, type VarState } from '../../src/dockerfile/expand'

function scope(values: Record<string, string | null>, unknownIfMissing = false): VarLookup {
  return name => {
    if (name in values) {
      const value = values[name]
      return value === null ? { state: 'unknown' } : { state: 'set', value }
    }
    return (unknownIfMissing ? { state: 'unknown' } : { state: 'unset' }) as VarState
  }
}

describe('expandWord', () => {
  const vars = scope({ UID: '1001', EMPTY: '', NAME: 'app', ASK: null })

  it.each([
    ['$UID', '1001'],
    ['${UID}', '1001'],
    ['${UID}:${UID}', '1001:1001'],
    ['${MISSING:-42}', '42'],
    ['${EMPTY:-42}', '42'],
    ['${EMPTY-42}', ''],
    ['${MISSING-42}', '42'],
    ['${UID:+set}', 'set'],
    ['${EMPTY:+set}', ''],
    ['${EMPTY+set}', 'set'],
    ['${MISSING+set}', ''],
    ['${MISSING:-${UID}}', '1001'],
    ['$MISSING', ''],
    ['"$NAME"', 'app'],
    ["'$NAME'", '$NAME'],
    ['\\$NAME', '$NAME'],
    ['a\\ b', 'a b'],
    ['price$', 'price$'],
    ['$1', '$1'],
    ['${ASK:-7}', '7']
  ])('%s -> %s', (input, expected) => {
    const result = expandWord(input, vars)
    expect(result.value).toBe(expected)
    expect(result.unresolved).toEqual([])
  })

  it('reports variables without a value and keeps them as written', () => {
    expect(expandWord('$ASK', vars)).toEqual({ value: '$ASK', unresolved: ['ASK'] })
    expect(expandWord('${ASK}:${UID}', vars)).toEqual({ value: '${ASK}:1001', unresolved: ['ASK'] })
    expect(expandWord('${MISSING:?need it}', vars).unresolved).toEqual(['MISSING'])
  })

  it('expands ${ASK:+x} of an ARG without a value to the empty string, as a build that does not supply it', () => {
    // corpus 1462 (moby/buildkit): FROM buildkit-$TARGETOS${BUILDKIT_DEBUG:+-debug} with ARG BUILDKIT_DEBUG.
    expect(expandWord('${ASK:+x}', vars)).toEqual({ value: '', unresolved: [] })
    expect(expandWord('${ASK+x}', vars)).toEqual({ value: '', unresolved: [] })
  })

  it('treats undeclared names as unknown when the base image may define them', () => {
    expect(expandWord('$APP_UID', scope({}, true)).unresolved).toEqual(['APP_UID'])
    expect(expandWord('${APP_UID:-1654}', scope({}, true))).toEqual({ value: '1654', unresolved: [] })
  })

  it('uses the escape directive character instead of backslash', () => {
    expect(expandWord('`$UID', vars, '`').value).toBe('$UID')
    expect(expandWord('C:\\app\\$UID', vars, '`').value).toBe('C:\\app\\1001')
  })

  it('does not unquote when asked not to', () => {
    expect(expandWord('"$UID"', vars, '\\', false).value).toBe('"1001"')
  })
})
