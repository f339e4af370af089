// Suppressions are matched through an index of pragmas by instruction, with the same outcome as trying
// every pragma in file order: the first applying pragma wins.
import { describe, expect, it } from '@jest/globals'
import { buildModel } from '../../src/dockerfile/model'
import { defaultProfile } from '../../src/profile/parse'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES, ruleMetas } from '../../src/rules/registry'
import { applySuppressions } from '../../src/rules/suppress'

const scan = (text: string) => {
  const model = buildModel(text, 'Dockerfile')
  return applySuppressions(evaluateRules(ALL_RULES, { model, profile: defaultProfile() }), model, ruleMetas())
}

describe('suppression index', () => {
  it('suppresses each of thousands of findings by the pragma above its own instruction only', () => {
    const lines = ['FROM scratch']
    for (let i = 0; i < 5000; i++) {
      if (i % 2 === 0) lines.push(`# least-privilege ignore=LP401 reason ${i}`)
      lines.push(`RUN chmod 4755 /b${i}`)
    }
    const setuid = scan(lines.join('\n')).filter(f => f.ruleId === 'LP401')
    expect(setuid).toHaveLength(5000)
    expect(setuid.filter(f => f.suppression)).toHaveLength(2500)
    const first = setuid.find(f => f.message.includes('/b0 '))
    expect(first?.suppression?.justification).toBe('reason 0')
    expect(setuid.find(f => f.message.includes('/b1 '))?.suppression).toBeUndefined()
  })

  it('lets the earlier of a file pragma and an instruction pragma decide, as in file order', () => {
    const findings = scan(
      [
        'FROM scratch',
        '# least-privilege ignore=LP402 inline first',
        'RUN sudo true',
        '# least-privilege ignore-file=LP402 file later'
      ].join('\n')
    )
    expect(findings.find(f => f.ruleId === 'LP402')?.suppression?.justification).toBe('inline first')
  })

  it('covers a finding on any line of a multi-line instruction', () => {
    const findings = scan(
      ['FROM scratch', '# least-privilege ignore=LP402 why', 'RUN true \\', '  && sudo true'].join('\n')
    )
    expect(findings.find(f => f.ruleId === 'LP402')?.suppression?.kind).toBe('inline')
  })
})
