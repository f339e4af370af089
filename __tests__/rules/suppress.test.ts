import { describe, expect, it } from '@jest/globals'
import type { Finding } from '../../src/findings'
import { applySuppressions } from '../../src/rules/suppress'
import { df, lint, model } from '../dockerfile/lint-helper'

const byRule = (findings: Finding[], id: string) => findings.filter(f => f.ruleId === id)

describe('applySuppressions', () => {
  it('suppresses an instruction finding with `# least-privilege ignore=` on the line before, keeping it', () => {
    const findings = lint(
      df(
        'FROM debian AS base',
        'USER 1000',
        '# least-privilege ignore=LP402,LP401 the CI image needs sudo',
        'RUN apt-get install -y sudo',
        // One LP402 finding per stage: the second stage's sudo is a finding of its own.
        'FROM base',
        'RUN sudo id'
      )
    )
    const sudo = byRule(findings, 'LP402')
    expect(sudo).toHaveLength(2)
    expect(sudo[0].suppression).toEqual({ kind: 'inline', justification: 'the CI image needs sudo', line: 3 })
    expect(sudo[1].suppression).toBeUndefined()
  })

  it('covers every line of a multi-line instruction', () => {
    const findings = lint(
      df('FROM debian', '# least-privilege ignore=LP401', 'RUN true \\', '  && chmod u+s /bin/x')
    )
    expect(byRule(findings, 'LP401')[0].suppression).toMatchObject({ kind: 'inline', line: 2 })
  })

  it('suppresses absence findings with a pragma before the final FROM or the file-level form', () => {
    const beforeFrom = lint(
      df(
        'FROM golang AS b',
        '# least-privilege ignore=LP101 tool image, runs as root by design',
        'FROM alpine'
      )
    )
    expect(byRule(beforeFrom, 'LP101')[0].suppression?.justification).toBe(
      'tool image, runs as root by design'
    )
    const fileLevel = lint(
      df('FROM alpine', 'RUN true', '# least-privilege ignore-file=LP101 sandboxed', 'CMD ["sh"]')
    )
    expect(byRule(fileLevel, 'LP101')[0].suppression).toEqual({
      kind: 'file',
      justification: 'sandboxed',
      line: 3
    })
  })

  it('does not suppress other rules or other instructions', () => {
    const findings = lint(
      df('FROM alpine', '# least-privilege ignore=LP403', 'RUN chmod u+s /x', 'RUN chmod 777 /y')
    )
    expect(byRule(findings, 'LP401')[0].suppression).toBeUndefined()
    expect(byRule(findings, 'LP403')[0].suppression).toBeUndefined()
    expect(byRule(findings, 'LP101')[0].suppression).toBeUndefined()
  })

  it("honours hadolint's ignore and global ignore for equivalent rules only", () => {
    const findings = lint(
      df(
        '# hadolint global ignore=DL3002',
        'FROM debian',
        '# hadolint ignore=DL3004,DL3008',
        'RUN sudo id',
        '# hadolint ignore=DL3004',
        'RUN chmod u+s /x'
      )
    )
    expect(byRule(findings, 'LP101')[0].suppression).toMatchObject({ kind: 'file', line: 1 })
    expect(byRule(findings, 'LP402')[0].suppression).toEqual({
      kind: 'hadolint',
      justification: 'suppressed by `# hadolint ignore=DL3004,DL3008` on line 3',
      line: 3
    })
    expect(byRule(findings, 'LP401')[0].suppression).toBeUndefined()
  })

  it('does not apply hadolint ids to rules without that equivalent, nor LP ids via hadolint', () => {
    const findings = lint(df('FROM debian', '# hadolint ignore=LP401,DL3002', 'RUN chmod u+s /x'))
    expect(byRule(findings, 'LP401')[0].suppression).toBeUndefined()
  })

  it('never drops findings, keeps existing suppressions and leaves other files alone', () => {
    const built = model(df('# least-privilege ignore-file=LP101 x', 'FROM alpine'))
    const base: Finding = {
      ruleId: 'LP101',
      principle: 'least-privilege',
      level: 'error',
      message: 'm',
      evidence: 'dockerfile',
      file: 'Dockerfile',
      line: 2
    }
    const existing = { kind: 'inline' as const, justification: 'earlier', line: 9 }
    const result = applySuppressions(
      [base, { ...base, file: 'other/Dockerfile' }, { ...base, suppression: existing }],
      built,
      []
    )
    expect(result).toHaveLength(3)
    expect(result[0].suppression?.kind).toBe('file')
    expect(result[1].suppression).toBeUndefined()
    expect(result[2].suppression).toBe(existing)
    expect(base.suppression).toBeUndefined()
  })
})
