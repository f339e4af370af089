import { describe, expect, it } from '@jest/globals'
import { composeSummary, fitBytes, SUMMARY_LIMIT_BYTES, verdictLine } from '../../src/action/summary'
import type { GateResult } from '../../src/scan/gate'
import type { ScanReport } from '../../src/scan/types'

const failed: GateResult = {
  failed: true,
  reason: '2 findings at or above error in 1 Dockerfile.',
  counts: { error: 2, warning: 0, note: 0 },
  suppressed: 0,
  operationalErrors: 0
}
const empty: ScanReport = { results: [], notifications: [], startedAt: '', finishedAt: '' }

describe('job summary', () => {
  it('starts with the verdict and the gate reason', () => {
    const text = composeSummary(failed, empty, '### ❌ least-privilege: 2 findings\n\n## Report\n')
    expect(text.split('\n')[0]).toBe(`### ❌ least-privilege failed: ${failed.reason}`)
    // the report's own verdict heading is replaced, not repeated
    expect(text).toBe(`### ❌ least-privilege failed: ${failed.reason}\n\n## Report\n`)
    expect(verdictLine({ ...failed, failed: false, reason: 'Passed.' })).toBe(
      '### ✅ least-privilege passed: Passed.'
    )
  })

  it('says static-only when nothing was measured', () => {
    const report = {
      ...empty,
      results: [
        {
          file: 'Dockerfile',
          findings: [],
          rows: [],
          notifications: [],
          notMeasuredReason: 'no Docker daemon'
        }
      ]
    } as unknown as ScanReport
    expect(composeSummary(failed, report, 'x')).toContain(
      'Static-only scan: nothing was measured in a running container (no Docker daemon).'
    )
  })

  it('stays under 1 MiB in bytes with multi-byte text, cutting whole lines and closing <details>', () => {
    const body = `<details><summary>probe</summary>\n\n${'ü€ row of the table |\n'.repeat(80_000)}</details>\n`
    expect(Buffer.byteLength(body)).toBeGreaterThan(SUMMARY_LIMIT_BYTES)
    const out = composeSummary(failed, empty, body)
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(out).not.toContain('\uFFFD')
    expect(out).toMatch(/<\/details>\n\n… the summary was cut/)
    expect(fitBytes('small')).toBe('small')
  })
})
