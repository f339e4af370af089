import { describe, expect, it } from '@jest/globals'
import { MAX_REPORTED_VALUE_LENGTH } from '../../src/dockerfile/limits'
import { buildModel } from '../../src/dockerfile/model'
import { defaultProfile } from '../../src/profile/parse'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES } from '../../src/rules/registry'
import { MAX_CELL_FINDINGS, MAX_CELL_VALUE, principleRows } from '../../src/scan/rows'

function rows(text: string): ReturnType<typeof principleRows> {
  const model = buildModel(text, 'Dockerfile')
  const profile = defaultProfile()
  const findings = evaluateRules(ALL_RULES, { model, profile })
  return principleRows({ model, profile, findings, notMeasuredReason: 'static only' })
}

const row = (all: ReturnType<typeof principleRows>, principle: string) =>
  all.find(r => r.principle === principle)

describe('principleRows', () => {
  it('shows a 64 KiB USER value clipped to 200 characters with an ellipsis', () => {
    const user = 'u'.repeat(64 * 1024)
    const cell = row(rows(`FROM scratch\nUSER ${user}\n`), 'least-privilege')?.dockerfile ?? ''
    expect(cell).toMatch(/^USER u+… \(line 2\)$/)
    expect(cell.length).toBeLessThanOrEqual(MAX_CELL_VALUE + 20)
  })

  it('shows an unresolved USER clipped to 200 characters with an ellipsis', () => {
    const raw = `\${X}${'v'.repeat(100_000)}`
    const cell = row(rows(`FROM scratch\nARG X\nUSER ${raw}\n`), 'least-privilege')?.dockerfile ?? ''
    expect(cell.startsWith('USER unresolved: ${X}vvv')).toBe(true)
    expect(cell).toMatch(/… \(line 3\)$/)
    expect(cell.length).toBeLessThanOrEqual(MAX_CELL_VALUE + 40)
  })

  it('lists the first ten findings of a principle by line and counts the rest', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `RUN chmod 4755 /b${i}`)
    const all = rows(`FROM scratch\n${lines.join('\n')}\nUSER 1000\n`)
    const cell = row(all, 'no-escalation')?.dockerfile ?? ''
    const listed = cell.split(', ')
    expect(listed).toHaveLength(MAX_CELL_FINDINGS + 1)
    expect(listed[0]).toBe('LP401 line 2')
    expect(listed[MAX_CELL_FINDINGS]).toBe(`and ${5000 - MAX_CELL_FINDINGS} more`)
  })

  it('keeps the verdict reason within the reported-value limit', () => {
    const long = 'w'.repeat(100_000)
    const all = rows(`FROM scratch\nUSER ${long}\nRUN chmod 4755 /${long}\n`)
    for (const r of all) expect((r.reason ?? '').length).toBeLessThanOrEqual(MAX_REPORTED_VALUE_LENGTH)
    expect(row(all, 'no-escalation')?.reason).toMatch(/^LP401: /)
  })
})
