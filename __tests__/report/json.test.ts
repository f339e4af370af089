import { describe, expect, it } from '@jest/globals'
import {
  buildFailedReport,
  largeReport,
  measuredReport,
  probe,
  staticReport
} from '../../__fixtures__/scan-reports/reports'
import { fixtureRules } from '../../__fixtures__/scan-reports/rules'
import { PRINCIPLES } from '../../src/principles'
import { buildModel } from '../../src/dockerfile/model'
import { MAX_REPORTED_VALUE_LENGTH } from '../../src/dockerfile/limits'
import { defaultProfile } from '../../src/profile/parse'
import { JSON_REPORT_SCHEMA_VERSION, renderJson } from '../../src/report/json'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES, ruleMetas } from '../../src/rules/registry'
import { applySuppressions } from '../../src/rules/suppress'
import { principleRows } from '../../src/scan/rows'
import type { ScanReport } from '../../src/scan/types'
import { reportSchemaErrors } from './report-schema'

/** The static pipeline on `text`, as src/scan/scan.ts runs it with --no-build. */
function scanText(text: string): ScanReport {
  const model = buildModel(text, 'Dockerfile')
  const profile = defaultProfile()
  const findings = applySuppressions(evaluateRules(ALL_RULES, { model, profile }), model, ruleMetas())
  const notMeasuredReason = 'static only (--no-build)'
  const rows = principleRows({ model, profile, notMeasuredReason, findings })
  const result = { file: 'Dockerfile', model, profile, findings, notMeasuredReason, rows, notifications: [] }
  return { results: [result], notifications: [], startedAt: 'now', finishedAt: 'now' }
}

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
      reason: 'LP101: The final stage runs as root: USER root on line 9. The probe measured uid 0.',
      basis: 'measured',
      decided_by: {
        rule_id: 'LP101',
        level: 'error',
        file: 'Dockerfile',
        line: 9,
        end_line: null,
        message: 'The final stage runs as root: USER root on line 9. The probe measured uid 0.'
      },
      assumed: null
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
        line: 3,
        detail: null
      }
    ])
    expect(json.notifications).toEqual([
      {
        level: 'warning',
        kind: 'cleanup-failed',
        message: 'Could not remove container 3f2a: already gone.',
        file: null,
        line: null,
        detail: null
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

  it('JSON report of a file with 100,000 findings lists every one with its rule fix and docs link', () => {
    const json = renderJson(largeReport(1, 100_000), fixtureRules)
    const [result] = json.results
    expect(result.findings).toHaveLength(100_000)
    expect(result.findings.map(f => f.line)).toEqual(Array.from({ length: 100_000 }, (_, i) => i + 1))
    expect(result.findings.filter(f => f.suppressed)).toHaveLength(10_000)
    const fixes = new Map(fixtureRules.map(r => [r.id, r.fix]))
    const wrong = result.findings.filter(
      f => f.fix !== fixes.get(f.rule_id) || !f.help_uri?.endsWith(`/docs/rules/${f.rule_id}.md`)
    )
    expect(wrong).toEqual([])
    expect(json.totals).toMatchObject({ findings: 90_000, suppressed: 10_000, failing: 30_000 })
  }, 60_000)

  it('JSON report stays proportional to the input when a file-wide pragma with a long reason covers many findings', () => {
    const reason = 'r'.repeat(200_000)
    const lines = Array.from({ length: 2000 }, (_, i) => `RUN chmod 4755 /b${i}`)
    const text = `# least-privilege ignore-file=LP401 ${reason}\nFROM scratch\n${lines.join('\n')}\n`
    const json = renderJson(scanText(text), ruleMetas())
    const suppressed = json.results[0].findings.filter(f => f.rule_id === 'LP401')
    expect(suppressed).toHaveLength(2000)
    for (const f of suppressed) {
      expect(f.suppression?.kind).toBe('file')
      expect(f.suppression?.justification.length).toBeLessThanOrEqual(MAX_REPORTED_VALUE_LENGTH)
      expect(f.suppression?.justification.startsWith('rrrr')).toBe(true)
      expect(f.suppression?.justification.endsWith('…')).toBe(true)
    }
    // Each finding once, with its bounded fields: not the 200,000-character reason 2,000 times over.
    expect(JSON.stringify(json, null, 2).length).toBeLessThan(20 * text.length)
  }, 60_000)
})

describe('schema/report.schema.json', () => {
  it.each([
    ['measured', measuredReport],
    ['static', staticReport],
    ['build failed', buildFailedReport],
    ['large', largeReport(2, 50)]
  ])('validates the %s report', (_name, report) => {
    expect(reportSchemaErrors(JSON.parse(JSON.stringify(renderJson(report, fixtureRules))))).toEqual([])
  })

  it('validates a measurement whose workload exited or settled, and rejects an unknown window end', () => {
    const withWorkload = (workload: object): unknown => {
      const json = JSON.parse(JSON.stringify(renderJson(measuredReport, fixtureRules)))
      json.results[0].measurement.workload = workload
      return json
    }
    const window = { observedMs: 120, ended: 'exited', capMs: 2000, quietMs: 400, samples: 1 }
    const exited = {
      status: 'exited',
      detail: 'exited with code 1 after 0.12 s: chown: /data: Operation not permitted',
      processes: [],
      window,
      exitCode: 1,
      outputTail: 'chown: /data: Operation not permitted'
    }
    expect(reportSchemaErrors(withWorkload(exited))).toEqual([])
    const settled = { status: 'measured', processes: [{ pid: 9, uid: 1, euid: 1, gid: 1, args: '/app' }] }
    expect(reportSchemaErrors(withWorkload({ ...settled, window: { ...window, ended: 'settled' } }))).toEqual(
      []
    )
    expect(
      reportSchemaErrors(withWorkload({ ...settled, window: { ...window, ended: 'later' } }))
    ).not.toEqual([])
  })

  it('validates a real static scan of a Dockerfile with findings and a suppression', () => {
    const report = scanText(
      'FROM debian:12\nRUN apt-get install -y sudo\n# least-privilege-ignore LP401: needed\nRUN chmod u+s /bin/ping\nEXPOSE 80\n'
    )
    const json = JSON.parse(JSON.stringify(renderJson(report, ruleMetas())))
    expect(json.results[0].findings.length).toBeGreaterThan(0)
    expect(reportSchemaErrors(json)).toEqual([])
  })

  it('rejects what breaks the contract: a wrong version, a missing row, an unknown verdict', () => {
    const good = JSON.parse(JSON.stringify(renderJson(measuredReport, fixtureRules)))
    expect(reportSchemaErrors({ ...good, schema_version: 2 })).not.toEqual([])
    const fourRows = structuredClone(good)
    fourRows.results[0].rows.pop()
    expect(reportSchemaErrors(fourRows)).not.toEqual([])
    const badVerdict = structuredClone(good)
    badVerdict.results[0].rows[0].verdict = 'maybe'
    expect(reportSchemaErrors(badVerdict).join('\n')).toContain('/results/0/rows/0/verdict')
  })

  it('is the version renderJson writes', () => {
    expect(renderJson(measuredReport, fixtureRules).schema_version).toBe(JSON_REPORT_SCHEMA_VERSION)
  })
})
