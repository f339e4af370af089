import { describe, expect, it } from '@jest/globals'
import { classifyUser, isRootUser, parseNumericId, splitUserValue } from '../../src/dockerfile/user'

describe('classifyUser', () => {
  it.each(['root', '0', '00', '000', '+0', '-0', 'root:root', 'root:grp', '0:0', '0:1000', '00:app', ''])(
    'treats %p as root',
    value => {
      expect(classifyUser(value).kind).toBe('root')
      expect(isRootUser(value)).toBe(true)
    }
  )

  it.each(['app', '1000', '1000:0', 'app:root', '01000', 'nobody', 'ROOT', 'root2', '65532:65532'])(
    'treats %p as non-root',
    value => {
      expect(classifyUser(value).kind).toBe('non-root')
    }
  )

  it('splits user and group and reads numeric ids', () => {
    expect(classifyUser('1001:1002')).toEqual({
      kind: 'non-root',
      user: '1001',
      group: '1002',
      uid: 1001,
      gid: 1002,
      numeric: true
    })
    expect(classifyUser('app:staff')).toEqual({
      kind: 'non-root',
      user: 'app',
      group: 'staff',
      numeric: false
    })
    expect(classifyUser(' 00 ').uid).toBe(0)
  })

  it('parses ids like the runtime (sign, leading zeros) and rejects the rest', () => {
    expect(parseNumericId('0010')).toBe(10)
    expect(parseNumericId('+7')).toBe(7)
    expect(Object.is(parseNumericId('-0'), 0)).toBe(true)
    expect(parseNumericId('1e3')).toBeUndefined()
    expect(parseNumericId('0x10')).toBeUndefined()
    expect(parseNumericId('')).toBeUndefined()
  })

  it('splits at the first colon only', () => {
    expect(splitUserValue('a:b:c')).toEqual({ user: 'a', group: 'b:c' })
    expect(splitUserValue('a')).toEqual({ user: 'a' })
  })
})
