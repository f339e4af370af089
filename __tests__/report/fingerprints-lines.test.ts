// SARIF text work is done once per file and instruction range, with the same fingerprints as before.
import { describe, expect, it } from '@jest/globals'
import {
  STABLE_FINGERPRINT_KEY,
  instructionText,
  instructionTextOf,
  splitLines,
  stableFingerprint
} from '../../src/fingerprints'
import { buildSarif } from '../../src/report/sarif'
import { ruleMetas } from '../../src/rules/registry'
import type { Finding } from '../../src/findings'
import type { ScanReport } from '../../src/scan/types'

describe('instruction text over lines split once', () => {
  it('equals instructionText() on every range', () => {
    const text = 'FROM scratch\r\nrun  echo a \\\n   b\rUSER 1\n\n'
    const lines = splitLines(text)
    for (let start = 0; start <= 7; start++) {
      for (let end = start; end <= 7; end++) {
        expect(instructionTextOf(lines, start, end)).toBe(instructionText(text, start, end))
      }
    }
  })
})

describe('SARIF for many findings on one long instruction', () => {
  it('numbers the occurrences of one instruction text with the fingerprint of that text', () => {
    const count = 3000
    const body = Array.from({ length: count }, (_, i) => `  && chmod 4755 /c${i} \\`).join('\n')
    const text = `FROM scratch\nRUN true \\\n${body}\n  && true\n`
    const findings: Finding[] = Array.from({ length: count }, () => ({
      ruleId: 'LP401',
      principle: 'no-escalation',
      level: 'error',
      message: 'm',
      evidence: 'dockerfile',
      file: 'Dockerfile',
      line: 2,
      endLine: count + 3
    }))
    const report: ScanReport = {
      results: [{ file: 'Dockerfile', profile: {} as never, findings, rows: [], notifications: [] }],
      notifications: [],
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:01Z'
    }
    const log = buildSarif(report, ruleMetas(), { repoRoot: '/', readFile: () => text })
    const normalized = instructionText(text, 2, count + 3)
    const prints = (log.runs[0].results ?? []).map(r => r.partialFingerprints?.[STABLE_FINGERPRINT_KEY])
    expect(prints).toHaveLength(count)
    expect(prints[0]).toBe(stableFingerprint('LP401', 'Dockerfile', normalized, 1))
    expect(prints[count - 1]).toBe(stableFingerprint('LP401', 'Dockerfile', normalized, count))
  })
})
