import { describe, expect, it } from '@jest/globals'
import { UsageError } from '../../src/errors'
import { splitRunOptions } from '../../src/profile/split'

describe('splitRunOptions', () => {
  it('splits on spaces, tabs and newlines and ignores runs of blanks', () => {
    expect(splitRunOptions('  --user 1001\t--read-only\n\n--rm  ')).toEqual([
      '--user',
      '1001',
      '--read-only',
      '--rm'
    ])
  })

  it('returns nothing for empty or blank text', () => {
    expect(splitRunOptions('')).toEqual([])
    expect(splitRunOptions(' \n\t ')).toEqual([])
  })

  it('keeps single-quoted text literal, backslashes and $ included', () => {
    expect(splitRunOptions(`--label 'a b \\n $HOME "x"'`)).toEqual(['--label', 'a b \\n $HOME "x"'])
  })

  it('honours only \\$ \\` \\" \\\\ inside double quotes', () => {
    expect(splitRunOptions('"a\\"b" "c\\$d" "e\\nf" "g\\\\h"')).toEqual(['a"b', 'c$d', 'e\\nf', 'g\\h'])
  })

  it('joins adjacent quoted and unquoted parts into one word', () => {
    expect(splitRunOptions(`--security-opt "seccomp=unconfined" --env=A='x y'"z"`)).toEqual([
      '--security-opt',
      'seccomp=unconfined',
      '--env=A=x yz'
    ])
  })

  it('treats a backslash outside quotes as escaping the next character', () => {
    expect(splitRunOptions('a\\ b c\\"d \\\\')).toEqual(['a b', 'c"d', '\\'])
  })

  it('removes line continuations, also inside double quotes and with CRLF', () => {
    expect(splitRunOptions('--user \\\n1001 --cap-drop=\\\r\nALL "x\\\ny"')).toEqual([
      '--user',
      '1001',
      '--cap-drop=ALL',
      'xy'
    ])
  })

  it('keeps $VAR, ~ and $(...) literal: nothing is expanded', () => {
    expect(splitRunOptions('-v $PWD:/src -v ~/.ssh:/k "${HOME}"')).toEqual([
      '-v',
      '$PWD:/src',
      '-v',
      '~/.ssh:/k',
      '${HOME}'
    ])
  })

  it('produces an empty word for empty quotes', () => {
    expect(splitRunOptions(`--user '' --name ""`)).toEqual(['--user', '', '--name', ''])
  })

  it('drops comments that start a word, but not # inside a word', () => {
    expect(splitRunOptions('--rm # a comment --privileged\n--label a#b')).toEqual(['--rm', '--label', 'a#b'])
  })

  it('keeps a trailing lone backslash literal', () => {
    expect(splitRunOptions('x \\')).toEqual(['x', '\\'])
  })

  it.each([
    [`--label 'abc`, /unbalanced single quote .* character 9/],
    ['--label "abc', /unbalanced double quote .* character 9/],
    [`"it's`, /unbalanced double quote/],
    [`'a' "b`, /unbalanced double quote .* character 5/]
  ])('rejects unbalanced quotes in %s with a UsageError naming run-options', (text, message) => {
    expect(() => splitRunOptions(text)).toThrow(UsageError)
    expect(() => splitRunOptions(text)).toThrow(message)
    expect(() => splitRunOptions(text)).toThrow(/^run-options: /)
  })
})
