// The text report measures text made only of one-column characters by its length, skipping string-width
// (and ICU's segmenter). That is only right if string-width agrees, character by character.
import { describe, expect, it } from '@jest/globals'
import stringWidth from 'string-width'
import { ONE_COLUMN_TEXT } from '../../src/report/text'

const listed = [...ONE_COLUMN_TEXT.source.replace(/^\^\[\\x20-\\x7e/, '').replace(/\]\*\$$/, '')]

describe('ONE_COLUMN_TEXT', () => {
  it('lists only characters string-width measures as one column, alone and between letters', () => {
    expect(listed.length).toBeGreaterThan(5)
    for (const c of listed) {
      expect([c, stringWidth(c), stringWidth(`a${c}b`)]).toEqual([c, 1, 3])
    }
    for (let code = 0x20; code <= 0x7e; code++) expect(stringWidth(String.fromCharCode(code))).toBe(1)
  })

  it('matches a table cell of our own words, whose width is then its length', () => {
    const cell = 'uid 65532 — pass (measured; LP343) … ✔ no findings · 2 × ⚠'
    expect(ONE_COLUMN_TEXT.test(cell)).toBe(true)
    expect(stringWidth(cell)).toBe(cell.length)
  })

  it.each([
    ['an emoji presentation selector', '⚠\uFE0F'],
    ['a combining accent', 'e\u0301'],
    ['a wide emoji', '❌'],
    ['CJK', '中文'],
    ['a control character', 'a\u0007'],
    ['a zero-width joiner', 'a\u200db']
  ])('does not match %s, which goes to string-width', (_name, text) => {
    expect(ONE_COLUMN_TEXT.test(text)).toBe(false)
  })
})
