// Every format renders a row's verdict from its data: the basis, the deciding finding (linked to its rule
// in Markdown) and "Docker defaults assumed", never by reading the reason text.
import { describe, expect, it } from '@jest/globals'
import { profile } from '../../__fixtures__/scan-reports/reports'
import { buildModel } from '../../src/dockerfile/model'
import type { Finding } from '../../src/findings'
import { renderJson } from '../../src/report/json'
import { renderMarkdown } from '../../src/report/markdown'
import { renderText } from '../../src/report/text'
import { ruleMetas } from '../../src/rules/registry'
import { principleRows } from '../../src/scan/rows'
import type { PrincipleRow, ScanReport } from '../../src/scan/types'

const LP200: Finding = {
  ruleId: 'LP200',
  principle: 'runtime-hardening',
  level: 'note',
  evidence: 'deployment',
  message: 'No deployment declared.',
  file: 'Dockerfile',
  line: 1,
  properties: { assumed_principles: ['runtime-hardening', 'no-escalation'] }
}

function report(rows: PrincipleRow[], findings: Finding[] = []): ScanReport {
  return {
    results: [{ file: 'Dockerfile', profile: profile(), findings, rows, notifications: [] }],
    notifications: [],
    startedAt: '',
    finishedAt: ''
  }
}

const model = buildModel('FROM scratch\nUSER 1001\n', 'Dockerfile')
const assumed = report(
  principleRows({
    model,
    profile: profile(),
    findings: [LP200],
    notMeasuredReason: 'static only',
    target: { name: "Docker's defaults", source: 'none' }
  }),
  [LP200]
)

describe('verdict cells', () => {
  it('Markdown: basis, and Docker defaults assumed linked to LP200', () => {
    const md = renderMarkdown(assumed, ruleMetas())
    expect(md).toContain(
      '| Runtime Hardening | — | default capabilities (Docker defaults) | not measured | ⚠️ warn (declared): Docker defaults assumed, [LP200](https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP200.md) |'
    )
    expect(md).toContain('| Least Privilege | USER 1001 (line 2) |')
    expect(md).toMatch(/\| Least Privilege .*\| ✅ pass \(declared\) \|/)
    // Why nothing was measured is said once, in the profile line, not in every verdict.
    expect(md).toMatch(/\| Kernel Isolation .*\| ➖ not measured \|/)
  })

  it('text: basis and Docker defaults assumed', () => {
    // Wide enough that no cell wraps; the verdict cell names the rule (LP200) after the reason.
    const text = renderText(assumed, ruleMetas(), { color: false, failOn: 'error', width: 250 })
    expect(text).toMatch(/Runtime Hardening .* warn \(declared; Docker defaults assumed; LP200\)\n/)
    expect(text).toMatch(/Least Privilege .* pass \(declared\)\n/)
    expect(text).toMatch(/Kernel Isolation .* not measured \(static only\)\n/)
  })

  it('JSON: basis, decided_by and assumed', () => {
    const rows = renderJson(assumed, ruleMetas()).results[0].rows
    expect(rows.find(r => r.principle === 'no-escalation')).toMatchObject({
      verdict: 'warn',
      basis: 'declared',
      assumed: 'docker-defaults',
      reason: 'Docker defaults assumed',
      decided_by: { rule_id: 'LP200', level: 'note', file: 'Dockerfile', line: 1, end_line: null }
    })
    expect(rows.find(r => r.principle === 'kernel-isolation')).toMatchObject({
      verdict: 'not-measured',
      basis: 'none',
      decided_by: null,
      assumed: null
    })
  })

  it('a reason that looks like a rule id is shown as text, not turned into a link', () => {
    const row: PrincipleRow = {
      principle: 'least-privilege',
      dockerfile: 'USER 0',
      deployment: '—',
      measured: '',
      verdict: 'fail',
      basis: 'declared',
      reason: 'LP101 made up'
    }
    const md = renderMarkdown(report([row]), ruleMetas())
    // The cell names rules from the findings and decidedBy, never from the reason text.
    expect(md).toContain('| ❌ fail (declared) |')
    expect(md).not.toContain('[LP101](')
  })
})
