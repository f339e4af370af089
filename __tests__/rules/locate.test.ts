// Findings inside a multi-line RUN point at the physical line of the command that causes them.
import { describe, expect, it } from '@jest/globals'
import { buildModel } from '../../src/dockerfile/model'
import { defaultProfile } from '../../src/profile/parse'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES } from '../../src/rules/registry'

const lint = (text: string) =>
  evaluateRules(ALL_RULES, { model: buildModel(text, 'Dockerfile'), profile: defaultProfile() })
const at = (text: string, id: string) =>
  lint(text)
    .filter(f => f.ruleId === id)
    .map(f => [f.line, f.endLine])

describe('physical lines inside a multi-line RUN', () => {
  const RUN = [
    'FROM debian:12',
    'RUN apt-get update \\',
    '    && apt-get install -y curl \\',
    '    # a comment inside the continuation',
    '    && chmod u+s /usr/local/bin/a \\',
    '    && chmod 777 /srv/shared \\',
    '    && chmod u+s /usr/local/bin/b \\',
    '    && setcap cap_sys_admin+ep /usr/local/bin/c',
    'USER 1001',
    'CMD ["/app"]',
    ''
  ].join('\n')

  it('points each setuid chmod at its own line, in order, even with the same mode twice', () => {
    expect(at(RUN, 'LP401')).toEqual([
      [5, 5],
      [7, 7]
    ])
  })
  it('points world-writable modes and file capabilities at their lines', () => {
    expect(at(RUN, 'LP403')).toEqual([[6, 6]])
    expect(at(RUN, 'LP201')).toEqual([[8, 8]])
  })
  it('says the same line in the message', () => {
    expect(lint(RUN).find(f => f.ruleId === 'LP403')?.message).toMatch(/on line 6 /)
  })
  it('keeps the one-line RUN as it is', () => {
    expect(at('FROM debian:12\nRUN chmod u+s /a && chmod u+s /b\nCMD ["/a"]\n', 'LP401')).toEqual([
      [2, 2],
      [2, 2]
    ])
  })
  it('reads a RUN of 20,000 lines once (linear), still at each line', () => {
    const lines = ['FROM debian:12', 'RUN true \\']
    for (let i = 0; i < 20_000; i++) lines.push(`    && chmod u+s /b${i} \\`)
    lines.push('    && true', 'CMD ["/a"]', '')
    const found = at(lines.join('\n'), 'LP401')
    expect(found).toHaveLength(20_000)
    expect(found[0]).toEqual([3, 3])
    expect(found[19_999]).toEqual([20_002, 20_002])
  })
})
