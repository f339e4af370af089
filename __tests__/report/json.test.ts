import { describe, expect, it } from '@jest/globals'
import {
  buildFailedReport,
  measuredReport,
  probe,
  staticReport
} from '../../__fixtures__/scan-reports/reports'
import { fixtureRules } from '../../__fixtures__/scan-reports/rules'
import { PRINCIPLES } from '../../src/principles'
import { renderJson } from '../../src/report/json'

describe('renderJson', () => {
  it('is versioned, with totals by level and suppressed counts', () => {
    const json = renderJson(measuredReport, fixtureRules)
    expect(json).toMatchObject({
      schema_version: 1,
      tool: { name: 'least-privilege', version: '0.1.0' },
      started_at: '2025-01-02T03:04:05.000Z',
      fail_on: 'error',
      verdict: 'fail',
      summary: 'least-privilege: 3 findings at or above error in 1 Dockerfile',
      totals: {
        findings: 5,
        error: 3,
        warning: 2,
        note: 0,
        suppressed: 1,
        failing: 3,
        files: 1,
        notifications: { error: 0, warning: 0, note: 0 }
      }
    })
    expect(renderJson(measuredReport, fixtureRules, { failOn: 'never' }).verdict).toBe('pass')
  })

  it('carries each result: rows for all five principles, findings by line, measurement', () => {
    const [result] = renderJson(measuredReport, fixtureRules).results
    expect(result.file).toBe('Dockerfile')
    expect(result.profile).toEqual({
      declared: true,
      args: ['--cap-add=SYS_ADMIN', '--security-opt', 'seccomp=unconfined']
    })
    expect(result.rows.map(r => r.principle)).toEqual([...PRINCIPLES])
    expect(result.rows[0]).toEqual({
      principle: 'least-privilege',
      name: 'Least Privilege',
      dockerfile: 'USER root (line 9)',
      deployment: 'no --user',
      measured: 'uid 0 (root)',
      verdict: 'fail',
      reason: 'LP101'
    })
    expect(result.findings.map(f => f.line)).toEqual([4, 4, 4, 5, 7, 9])
    expect(result.findings.find(f => f.rule_id === 'LP401')).toMatchObject({
      suppressed: true,
      suppression: { kind: 'inline', justification: 'ping needs it on this host', line: 6 }
    })
    expect(result.findings.find(f => f.rule_id === 'LP101')).toMatchObject({
      rule_name: 'final-stage-runs-as-root',
      fix: expect.stringContaining('USER 10001'),
      help_uri: 'https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP101.md',
      properties: { uid: 0 },
      end_line: null
    })
    expect(result.totals).toEqual({ error: 3, warning: 2, note: 0, suppressed: 1 })
    expect(result.measurement?.probe).toEqual(probe)
    expect(result.not_measured_reason).toBeNull()
  })

  it('reports not-measured results and notifications', () => {
    const json = renderJson(buildFailedReport, fixtureRules)
    const failed = json.results[1]
    expect(failed.measurement).toBeNull()
    expect(failed.not_measured_reason).toBe('build failed')
    expect(failed.rows.every(r => r.verdict === 'not-measured')).toBe(true)
    expect(failed.notifications).toEqual([
      {
        level: 'error',
        kind: 'build-failed',
        message: 'Build failed at step 3/5: RUN make returned exit code 2.',
        file: 'worker/Dockerfile',
        line: 3
      }
    ])
    expect(json.notifications).toEqual([
      {
        level: 'warning',
        kind: 'cleanup-failed',
        message: 'Could not remove container 3f2a: already gone.',
        file: null,
        line: null
      }
    ])
    expect(json.totals.notifications).toEqual({ error: 1, warning: 1, note: 0 })
    expect(json.verdict).toBe('fail')
    expect(renderJson(staticReport, fixtureRules).verdict).toBe('pass')
  })

  it('survives a JSON round trip unchanged', () => {
    const json = renderJson(buildFailedReport, fixtureRules)
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })
})
