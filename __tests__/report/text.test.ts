import { describe, expect, it } from '@jest/globals'
import {
  buildFailedReport,
  cleanReport,
  daemonDownReport,
  hostileReport,
  largeReport,
  measuredReport,
  staticReport
} from '../../__fixtures__/scan-reports/reports'
import { fixtureRules } from '../../__fixtures__/scan-reports/rules'
import { PRINCIPLE_NAMES } from '../../src/principles'
import { renderText } from '../../src/report/text'

// eslint-disable-next-line no-control-regex
const SGR = new RegExp('\u001b\\[\\d+m', 'g')
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/

describe('renderText', () => {
  it('prints the five-principle table with aligned columns', () => {
    const out = renderText(measuredReport, fixtureRules, { color: false, failOn: 'error' })
    const lines = out.split('\n')
    expect(lines[0]).toBe('Dockerfile')
    const header = lines[1]
    expect(header).toMatch(/^ {2}Principle +Dockerfile +Deployment flags +Measured +Verdict$/)
    const table = lines.slice(2, 7)
    expect(table.map(l => l.trim().split(/ {2,}/)[0])).toEqual(Object.values(PRINCIPLE_NAMES))
    // Every row's verdict starts in the header's Verdict column.
    const column = header.indexOf('Verdict')
    expect(table.map(l => l.slice(column).split(' ')[0])).toEqual(['FAIL', 'FAIL', 'FAIL', 'warn', 'warn'])
    // The basis, then the finding that decided it (from the row's decidedBy, clipped).
    expect(table[0]).toMatch(/FAIL \(measured; LP101: The final stage runs as root: US…\)$/)
    expect(lines[7]).toBe(
      '  Measured under: --cap-add=SYS_ADMIN --security-opt seccomp=unconfined, image sha256:5be8e7a1c6a4b2f0'
    )
  })

  it('lists findings by line with level, rule, fix and docs link', () => {
    const out = renderText(measuredReport, fixtureRules, { color: false, failOn: 'error' })
    const findingLines = out.split('\n').filter(l => /^ {4} *\d+ {2}(error|warning|note) /.test(l))
    expect(findingLines.map(l => l.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual([
      '4 error LP202',
      '4 error LP301',
      '4 warning LP502',
      '5 warning LP402',
      '9 error LP101'
    ])
    expect(out).toContain(
      '    9  error    LP101  The final stage runs as root: USER root on line 9. The probe measured uid 0.\n'
    )
    expect(out).toMatch(/\n {23}fix: Add `USER 10001:10001`/)
    expect(out).toContain('https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP101.md')
  })

  it('counts suppressed findings apart and ends with the summary line', () => {
    const out = renderText(measuredReport, fixtureRules, { color: false, failOn: 'error' })
    expect(out).toContain('  Suppressed (1)\n    7  LP401  inline pragma: ping needs it on this host')
    expect(out.trimEnd().split('\n').pop()).toBe(
      '✘ least-privilege: 3 findings at or above error in 1 Dockerfile (3 errors, 2 warnings, 0 notes, 1 suppressed)'
    )
    expect(
      renderText(cleanReport, fixtureRules, { color: false, failOn: 'error' }).trimEnd().split('\n').pop()
    ).toBe('✔ least-privilege: no findings in 1 Dockerfile')
  })

  it('says what was not measured and why, and the profile', () => {
    const out = renderText(staticReport, fixtureRules, { color: false, failOn: 'error' })
    expect(out).toContain(
      '  Deployment profile: Docker defaults (no run options given); not measured: static only (--no-build)'
    )
    expect(out).toMatch(/Host Protection .* not measured \(static only \(--no-build\)\)/)
    expect(out).toMatch(/Least Privilege +USER app +Docker defaults +not measured +pass \(declared\)\n/)
    expect(out).toMatch(/Runtime Hardening .* warn \(declared; LP201: No --cap-drop ALL/)
  })

  it('shows notifications, report-wide first', () => {
    const out = renderText(daemonDownReport, fixtureRules, { color: false, failOn: 'error' })
    expect(out.split('\n').slice(0, 2)).toEqual([
      'Notifications',
      '    error  daemon-unreachable: Docker daemon unreachable at /var/run/docker.sock: ECONNREFUSED'
    ])
    const failed = renderText(buildFailedReport, fixtureRules, { color: false, failOn: 'error' })
    expect(failed).toContain(
      '    error  build-failed worker/Dockerfile:3: Build failed at step 3/5: RUN make returned exit code 2.'
    )
    expect(failed.trimEnd().split('\n').pop()).toMatch(
      /^✘ .*the scan failed: worker\/Dockerfile: Build failed/
    )
  })

  it('uses no escape sequences without color, and colours verdicts with it', () => {
    const plain = renderText(measuredReport, fixtureRules, { color: false, failOn: 'error' })
    expect(plain).not.toContain('\u001b')
    const colored = renderText(measuredReport, fixtureRules, { color: true, failOn: 'error' })
    expect(colored).toContain('\u001b[31mFAIL\u001b[0m')
    expect(colored).toContain('\u001b[33mwarn\u001b[0m')
    // Colour adds codes only: stripping them gives the plain output.
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(plain)
  })

  it('neutralises control characters and escape sequences from Dockerfile text and file names', () => {
    const plain = renderText(hostileReport, fixtureRules, { color: false, failOn: 'error' })
    for (const line of plain.split('\n')) expect(line).not.toMatch(CONTROL)
    expect(plain).toContain('\\x1b[31mred\\x1b[0m \\x07')
    const colored = renderText(hostileReport, fixtureRules, { color: true, failOn: 'error' })
    // The only escape sequences left are our own SGR colour codes.
    expect(
      colored
        .replace(SGR, '')
        .split('\n')
        .every(l => !CONTROL.test(l))
    ).toBe(true)
  })

  it('text output of a file with 100,000 findings is complete', () => {
    const report = largeReport(1, 100_000)
    const out = renderText(report, fixtureRules, { color: false, failOn: 'error' })
    const lines = out.split('\n')
    const findings = lines.filter(l => /^ {4} *\d+ {2}(error|warning|note) /.test(l))
    // Every tenth finding is suppressed and listed apart.
    expect(findings).toHaveLength(90_000)
    expect(lines.filter(l => /^ +fix: /.test(l))).toHaveLength(90_000)
    expect(out).toContain('  Findings (90000)')
    expect(out).toContain('  Suppressed (10000)')
    // Line numbers are aligned to the widest one (99999: line 100000 is suppressed).
    expect(findings[0]).toMatch(/^ {4} {4}1 {2}error /)
    expect(findings[findings.length - 1]).toMatch(/^ {4}99999 {2}note /)
    expect(lines.filter(l => /^ {4}\d+ {2}LP\d+ {2}inline pragma/.test(l))).toHaveLength(10_000)
    expect(out.trimEnd().split('\n').pop()).toMatch(
      /^✘ .*\(30000 errors, 30000 warnings, 30000 notes, 10000 suppressed\)$/
    )
  }, 60_000)
})
