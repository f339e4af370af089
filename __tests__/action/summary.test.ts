import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
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
    const off = {
      ...report,
      results: [{ ...report.results[0], notMeasuredReason: 'static only (build: false)' }]
    }
    expect(composeSummary(failed, off as ScanReport, 'x')).toContain(
      'Static-only scan: nothing was measured in a running container (build: false).'
    )
  })

  it('renders a reason that names files or quotes an error as text: no HTML, link or mention', () => {
    const hostile: GateResult = {
      ...failed,
      reason:
        'the scan failed: evil/<img src=x>[x](https://evil.example) @org #12/Dockerfile: `docker` said no'
    }
    const line = verdictLine(hostile)
    const html = marked.parse(line, { gfm: true, async: false })
    expect(html).not.toMatch(/<(img|a)\b/)
    expect(html).not.toMatch(/@org|#12/)
    // Code in the message stays code; the rest reads as written.
    expect(html).toContain('<code>docker</code>')
    expect(line).toContain('the scan failed: evil/&lt;img src=x>[x\\](https:\u200b//')
    const report = {
      ...empty,
      results: [
        { file: 'D', findings: [], rows: [], notifications: [], notMeasuredReason: '<b>no</b> daemon' }
      ]
    } as unknown as ScanReport
    expect(composeSummary(failed, report, 'x')).toContain('(&lt;b>no&lt;/b> daemon).')
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
