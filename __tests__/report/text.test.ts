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
import { terminalSafe } from '../../src/report/escape'
import stringWidth from 'string-width'

// eslint-disable-next-line no-control-regex
const SGR = new RegExp('\u001b\\[\\d+m', 'g')
/** A terminal wide enough that no line of these fixtures wraps. */
const WIDE = { color: false, failOn: 'error', width: 250 } as const

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/

describe('renderText', () => {
  it('prints the five-principle table with aligned columns', () => {
    const out = renderText(measuredReport, fixtureRules, WIDE)
    const lines = out.split('\n')
    expect(lines[0]).toBe('Dockerfile')
    const header = lines[1]
    expect(header).toMatch(/^ {2}Principle +Dockerfile +Deployment flags +Measured +Verdict$/)
    const table = lines.slice(2, 7)
    expect(table.map(l => l.trim().split(/ {2,}/)[0])).toEqual(Object.values(PRINCIPLE_NAMES))
    // Every row's verdict starts in the header's Verdict column.
    const column = header.indexOf('Verdict')
    expect(table.map(l => l.slice(column).split(' ')[0])).toEqual(['FAIL', 'FAIL', 'FAIL', 'warn', 'warn'])
    // The basis, then the rule of every finding of the principle (the deciding one first); reasons go below.
    expect(table[0]).toMatch(/FAIL \(measured; LP101\)$/)
    expect(table[1]).toMatch(/FAIL \(measured; LP202\)$/)
    expect(lines[7]).toBe(
      '  Measured under: --cap-add=SYS_ADMIN --security-opt seccomp=unconfined, image sha256:5be8e7a1c6a4b2f0'
    )
  })

  it('lists findings by line with level, rule, fix and docs link', () => {
    const out = renderText(measuredReport, fixtureRules, WIDE)
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
    const out = renderText(measuredReport, fixtureRules, WIDE)
    expect(out).toContain('  Suppressed (1)\n    7  LP401  inline pragma: ping needs it on this host')
    expect(out.trimEnd().split('\n').pop()).toBe(
      '✘ least-privilege: 3 findings at or above error in 1 Dockerfile (3 errors, 2 warnings, 0 notes, 1 suppressed)'
    )
    expect(renderText(cleanReport, fixtureRules, WIDE).trimEnd().split('\n').pop()).toBe(
      '✔ least-privilege: no findings in 1 Dockerfile'
    )
  })

  it('says what was not measured and why, and the profile', () => {
    const out = renderText(staticReport, fixtureRules, WIDE)
    expect(out).toContain(
      '  Deployment profile: Docker defaults (no run options given); not measured: static only (--no-build)'
    )
    expect(out).toMatch(/Host Protection .* not measured \(static only \(--no-build\)\)/)
    expect(out).toMatch(
      /Least Privilege +USER app +Docker defaults +not measured +pass \(declared; LP103\)\n/
    )
    expect(out).toMatch(/Runtime Hardening .* warn \(declared; LP201\)\n/)
  })

  it('shows notifications, report-wide first', () => {
    const out = renderText(daemonDownReport, fixtureRules, WIDE)
    expect(out.split('\n').slice(0, 2)).toEqual([
      'Notifications',
      '    error  daemon-unreachable: Docker daemon unreachable at /var/run/docker.sock: ECONNREFUSED'
    ])
    const failed = renderText(buildFailedReport, fixtureRules, WIDE)
    expect(failed).toContain(
      '    error  build-failed worker/Dockerfile:3: Build failed at step 3/5: RUN make returned exit code 2.'
    )
    expect(failed.trimEnd().split('\n').pop()).toMatch(
      /^✘ .*the scan failed: worker\/Dockerfile: Build failed/
    )
  })

  it('uses no escape sequences without color, and colours verdicts with it', () => {
    const plain = renderText(measuredReport, fixtureRules, WIDE)
    expect(plain).not.toContain('\u001b')
    const colored = renderText(measuredReport, fixtureRules, { ...WIDE, color: true })
    expect(colored).toContain('\u001b[31mFAIL\u001b[0m')
    expect(colored).toContain('\u001b[33mwarn\u001b[0m')
    // Colour adds codes only: stripping them gives the plain output.
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(plain)
  })

  it('neutralises control characters and escape sequences from Dockerfile text and file names', () => {
    const plain = renderText(hostileReport, fixtureRules, WIDE)
    for (const line of plain.split('\n')) expect(line).not.toMatch(CONTROL)
    expect(plain).toContain('\\x1b[31mred\\x1b[0m \\x07')
    const colored = renderText(hostileReport, fixtureRules, { ...WIDE, color: true })
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
    const out = renderText(report, fixtureRules, WIDE)
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

  describe('in a terminal of a given width', () => {
    /** The words of the plain output, so a wrapped line and an unwrapped one compare equal. */
    const words = (text: string) => text.split(/\s+/).filter(Boolean)

    it.each([100, 80, 60, 40, 20])('no line is wider than %i columns and no text is lost', columns => {
      for (const report of [measuredReport, staticReport, buildFailedReport, hostileReport]) {
        const out = renderText(report, fixtureRules, { ...WIDE, width: columns })
        for (const line of out.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(columns)
        // Every word of each finding's message is printed, in order: wrapped, not cut.
        for (const result of report.results) {
          for (const f of result.findings.filter(x => !x.suppression)) {
            const flat = words(out).join(' ')
            const message = words(terminalSafe(f.message)).join(' ')
            if (columns >= 60) expect(flat).toContain(message)
            else
              for (const word of words(terminalSafe(f.message)))
                if (word.length < columns - 8) expect(out).toContain(word)
          }
        }
      }
    })

    it('wraps the table cells in their column at 100 columns, keeping every principle row and verdict', () => {
      const out = renderText(measuredReport, fixtureRules, { ...WIDE, width: 100 })
      const lines = out.split('\n')
      const header = lines[1]
      expect(header).toMatch(/^ {2}Principle +Dockerfile +Deployment flags +Measured +Verdict$/)
      const column = header.indexOf('Verdict')
      const table = lines.slice(
        2,
        lines.findIndex(l => l.startsWith('  Measured under:'))
      )
      const verdicts = table.filter(l => /^ {2}\S/.test(l))
      expect(verdicts.map(l => l.slice(column).split(' ')[0])).toEqual([
        'FAIL',
        'FAIL',
        'FAIL',
        'warn',
        'warn'
      ])
      // The measured capabilities wrap under their own column rather than being cut at a fixed width.
      const measuredColumn = header.indexOf('Measured')
      const cells = table.map(l => l.slice(measuredColumn, column).trim()).filter(Boolean)
      expect(cells.join(' ')).toContain('CapEff: CHOWN, DAC_OVERRIDE, SYS_ADMIN')
    })

    it('stacks the principles when five columns do not fit without splitting words', () => {
      const out = renderText(measuredReport, fixtureRules, { ...WIDE, width: 60 })
      expect(out).toContain('  Least Privilege: FAIL (measured; LP101)\n    Dockerfile: USER root (line 9)\n')
      expect(out).toContain('    Measured: CapEff: CHOWN, DAC_OVERRIDE, SYS_ADMIN\n')
    })

    it('measures wide characters as two columns', () => {
      const out = renderText(largeReport(1, 3), fixtureRules, { ...WIDE, width: 70 })
      expect(out).toContain('😀')
      for (const line of out.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(70)
    })

    it('colour moves no break: stripped of colour, a narrow coloured report is the plain one', () => {
      for (const columns of [100, 60, 30]) {
        const plain = renderText(measuredReport, fixtureRules, { ...WIDE, width: columns })
        const colored = renderText(measuredReport, fixtureRules, { ...WIDE, color: true, width: columns })
        expect(colored).toContain('\u001b[31mFAIL\u001b[0m')
        expect(colored.replace(SGR, '')).toBe(plain)
      }
    })

    it('defaults to 100 columns', () => {
      const out = renderText(measuredReport, fixtureRules, { color: false, failOn: 'error' })
      expect(out).toBe(renderText(measuredReport, fixtureRules, { ...WIDE, width: 100 }))
      expect(Math.max(...out.split('\n').map(l => stringWidth(l)))).toBeLessThanOrEqual(100)
    })
  })
})
