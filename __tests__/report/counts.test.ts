// Report counts: a Dockerfile judged under several deployments (targets) is still one Dockerfile.
import { describe, expect, it } from '@jest/globals'
import { profile } from '../../__fixtures__/scan-reports/reports'
import type { Finding } from '../../src/findings'
import { countReport } from '../../src/scan/outcome'
import type { ScanReport, ScanResult } from '../../src/scan/types'

function finding(file: string, level: Finding['level'], ruleId: string, suppressed = false): Finding {
  return {
    ruleId,
    level,
    principle: 'runtime-hardening',
    message: `${ruleId} message`,
    file,
    line: 1,
    ...(suppressed ? { suppression: { kind: 'inSource', justification: 'tested' } } : {})
  } as Finding
}

function result(file: string, target: string, findings: Finding[]): ScanResult {
  return {
    file,
    profile: profile(),
    findings,
    rows: [],
    notifications: [],
    target: { name: target, source: 'compose', file: 'compose.yaml', line: 1 }
  } as ScanResult
}

describe('countReport', () => {
  const report: ScanReport = {
    startedAt: '2026-12-01T00:00:00Z',
    finishedAt: '2026-12-01T00:00:01Z',
    notifications: [],
    results: [
      result('api/Dockerfile', 'compose.yaml service api', [finding('compose.yaml', 'error', 'LP220')]),
      result('api/Dockerfile', 'compose.yaml service api-debug', [
        finding('compose.yaml', 'error', 'LP521'),
        finding('api/Dockerfile', 'warning', 'LP401', true)
      ]),
      result('web/Dockerfile', 'compose.yaml service web', [finding('compose.yaml', 'note', 'LP104')])
    ]
  }

  it('counts a Dockerfile judged under two targets once, and its findings per target', () => {
    expect(countReport(report, 'error')).toMatchObject({
      files: 2,
      failingFiles: 1,
      findings: 3,
      failing: 2,
      suppressed: 1,
      byLevel: { error: 2, warning: 0, note: 1 }
    })
  })

  it('moves files into failing as the threshold goes down', () => {
    expect(countReport(report, 'note')).toMatchObject({ files: 2, failingFiles: 2, failing: 3 })
    expect(countReport(report, 'never')).toMatchObject({ failingFiles: 0, failing: 0 })
  })
})
