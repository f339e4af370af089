import { describe, expect, it } from '@jest/globals'
import {
  instructionText,
  lineHashes,
  primaryLocationLineHash,
  stableFingerprint
} from '../../src/fingerprints'

// Expected values are codeql-action's own test vectors (github/codeql-action src/fingerprints.test.ts),
// so this port produces exactly what upload-sarif would compute.
const HELLO = [
  'e9496ae3ebfced30:1',
  'fb7c023a8b9ccb3f:1',
  'ce8ba1a563dcdaca:1',
  'e20e36e16fcb0cc8:1',
  'b3edc88f2938467e:1',
  'c8e28b0b4002a3a0:1',
  'c129715d7a2bc9a3:1'
]

describe('lineHashes (port of codeql-action fingerprints)', () => {
  it('hashes an empty file as one line', () => {
    expect(lineHashes('')).toEqual(['c129715d7a2bc9a3:1'])
  })

  it('ignores spaces and tabs', () => {
    expect(lineHashes(' a\nb\n  \t\tc\n d')).toEqual([
      '271789c17abda88f:1',
      '54703d4cd895b18:1',
      '180aee12dab6264:1',
      'a23a3dc5e078b07b:1'
    ])
    expect(lineHashes(' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End')).toEqual([
      '8b7cf3e952e7aeb2:1',
      'b1ae1287ec4718d9:1',
      'bff680108adb0fcc:1',
      'c6805c5e1288b612:1',
      'b86d3392aea1be30:1',
      'e6ceba753e1a442:1'
    ])
  })

  it.each([
    [' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n'],
    [' hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r'],
    [' hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n'],
    [' hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n']
  ])('treats CR, LF and CRLF alike (%j)', input => {
    expect(lineHashes(input)).toEqual(HELLO)
  })

  it('counts repeated hashes', () => {
    expect(lineHashes('Lorem ipsum dolor sit amet.\n'.repeat(10))).toEqual([
      'a7f2ff13bc495cf2:1',
      'a7f2ff13bc495cf2:2',
      'a7f2ff13bc495cf2:3',
      'a7f2ff13bc495cf2:4',
      'a7f2ff13bc495cf2:5',
      'a7f2ff13bc495cf2:6',
      'a7f2ff1481e87703:1',
      'a9cf91f7bbf1862b:1',
      '55ec222b86bcae53:1',
      'cc97dc7b1d7d8f7b:1',
      'c129715d7a2bc9a3:1'
    ])
  })

  it('picks the hash of the requested line and clamps line 0 to 1', () => {
    const text = ' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n'
    expect(primaryLocationLineHash(text, 2)).toBe(HELLO[1])
    expect(primaryLocationLineHash(text, 0)).toBe(HELLO[0])
    expect(primaryLocationLineHash(text, 99)).toBeUndefined()
  })
})

describe('stableFingerprint', () => {
  const before = 'FROM alpine:3.20\nRUN apk add sudo\nUSER root\n'
  const after = 'FROM alpine:3.20\n# a comment\nENV A=b\nRUN apk add sudo\n  user   root \n'

  it('normalises spacing, keyword case and continuations', () => {
    expect(instructionText(before, 3)).toBe('USER root')
    expect(instructionText(after, 5)).toBe('USER root')
    expect(instructionText('RUN a \\\n    && b\n', 1, 2)).toBe('RUN a && b')
  })

  it('survives an unrelated line inserted above', () => {
    const a = stableFingerprint('LP101', 'Dockerfile', instructionText(before, 3))
    const b = stableFingerprint('LP101', 'Dockerfile', instructionText(after, 5))
    expect(a).toBe(b)
    expect(a).toMatch(/^[0-9a-f]{32}:1$/)
  })

  it('differs by rule, file, text and occurrence', () => {
    const base = stableFingerprint('LP101', 'Dockerfile', 'USER root')
    expect(stableFingerprint('LP102', 'Dockerfile', 'USER root')).not.toBe(base)
    expect(stableFingerprint('LP101', 'app/Dockerfile', 'USER root')).not.toBe(base)
    expect(stableFingerprint('LP101', 'Dockerfile', 'USER 0')).not.toBe(base)
    expect(stableFingerprint('LP101', 'Dockerfile', 'USER root', 2)).not.toBe(base)
  })
})
