import { describe, expect, it } from '@jest/globals'
import type { Finding, Level } from '../../src/findings'
import { gate } from '../../src/scan/gate'
import type { Notification, ScanReport } from '../../src/scan/types'

function finding(level: Level, suppressed = false): Finding {
  return {
    ruleId: 'LP101',
    principle: 'least-privilege',
    level,
    message: 'm',
    evidence: 'dockerfile',
    file: 'Dockerfile',
    line: 1,
    ...(suppressed ? { suppression: { kind: 'inline', justification: 'ok', line: 1 } } : {})
  }
}

function report(findings: Finding[], notifications: Notification[] = []): ScanReport {
  return {
    results: [{ file: 'Dockerfile', profile: {} as never, findings, rows: [], notifications: [] }],
    notifications,
    startedAt: '',
    finishedAt: ''
  }
}

describe('gate', () => {
  it('fails exactly when a finding is at or above the threshold', () => {
    const warnings = report([finding('warning'), finding('note')])
    expect(gate(warnings, 'error').failed).toBe(false)
    expect(gate(warnings, 'warning')).toMatchObject({
      failed: true,
      counts: { error: 0, warning: 1, note: 1 }
    })
    expect(gate(warnings, 'note').reason).toBe('2 findings at or above note in 1 Dockerfile')
    expect(gate(report([finding('error')]), 'never').failed).toBe(false)
  })

  it('does not count suppressed findings', () => {
    const result = gate(report([finding('error', true)]), 'error')
    expect(result).toMatchObject({ failed: false, suppressed: 1 })
    expect(result.reason).toBe('no findings in 1 Dockerfile, 1 suppressed')
  })

  it('fails when the scan itself failed, even with fail-on never, and says so', () => {
    const broken = report([], [{ level: 'error', kind: 'build-failed', message: 'boom' }])
    expect(gate(broken, 'never')).toMatchObject({ failed: true, operationalErrors: 1 })
    expect(gate(broken, 'never').reason).toBe('the scan failed: boom')
    const notice = report([], [{ level: 'warning', kind: 'daemon-unreachable', message: 'static only' }])
    expect(gate(notice, 'error').failed).toBe(false)
  })
})
