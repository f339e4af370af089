import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { emitAnnotations, selectAnnotations } from '../../src/action/annotations'
import type { Finding, Level } from '../../src/findings'
import type { RuleMeta } from '../../src/rules/types'
import type { ScanReport, ScanResult } from '../../src/scan/types'

function finding(level: Level, line: number, file = 'Dockerfile', extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'LP101',
    principle: 'least-privilege',
    level,
    message: `${level} at ${line}`,
    evidence: 'dockerfile',
    file,
    line,
    ...extra
  }
}
function report(findings: Finding[], notifications: ScanReport['notifications'] = []): ScanReport {
  const result = { file: 'Dockerfile', findings, rows: [], notifications: [] } as unknown as ScanResult
  return { results: [result], notifications, startedAt: '', finishedAt: '' }
}

describe('selectAnnotations', () => {
  it('keeps at most 10 per kind, most severe first, and skips suppressed findings', () => {
    const findings = [
      ...Array.from({ length: 15 }, (_, i) => finding('note', i + 1)),
      ...Array.from({ length: 12 }, (_, i) => finding('warning', i + 1)),
      ...Array.from({ length: 14 }, (_, i) => finding('error', 30 - i)),
      finding('error', 1, 'Dockerfile', { suppression: { kind: 'inline', justification: 'ok', line: 1 } })
    ]
    const out = selectAnnotations(report(findings))
    expect(out.map(a => a.kind)).toEqual([
      ...Array(10).fill('error'),
      ...Array(10).fill('warning'),
      ...Array(10).fill('notice')
    ])
    // within a kind: by file and line when rules carry no severity
    expect(out.slice(0, 10).map(a => a.startLine)).toEqual([17, 18, 19, 20, 21, 22, 23, 24, 25, 26])
    expect(out.some(a => a.startLine === 1 && a.kind === 'error')).toBe(false)
  })

  it('orders a kind by the rule security severity', () => {
    const meta = (id: string, securitySeverity: number) => ({ id, securitySeverity }) as unknown as RuleMeta
    const findings = [
      finding('error', 1, 'Dockerfile', { ruleId: 'LP1' }),
      finding('error', 2, 'Dockerfile', { ruleId: 'LP2' })
    ]
    const out = selectAnnotations(report(findings), [meta('LP1', 5), meta('LP2', 9)])
    expect(out.map(a => a.startLine)).toEqual([2, 1])
  })

  it('puts operational problems first in their kind', () => {
    const out = selectAnnotations(
      report(
        [finding('warning', 3)],
        [{ level: 'warning', kind: 'daemon-unreachable', message: 'no daemon' }]
      )
    )
    expect(out[0]).toMatchObject({ kind: 'warning', message: 'no daemon', file: undefined })
    expect(out[1]).toMatchObject({ kind: 'warning', file: 'Dockerfile', startLine: 3 })
  })
})

describe('emitAnnotations through @actions/core', () => {
  let lines: string[]
  let spy: ReturnType<typeof jest.spyOn>
  beforeEach(() => {
    lines = []
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      lines.push(String(chunk))
      return true
    })
  })
  afterEach(() => spy.mockRestore())

  it('escapes file names with , and : and puts a multi-line message on one line, so nothing can be injected', () => {
    const file = 'svc/a,title=pwned::x/Dockerfile'
    emitAnnotations(
      selectAnnotations(report([finding('error', 4, file, { message: 'line one\nline two 100%' })]))
    )
    expect(lines).toHaveLength(1)
    expect(lines[0]).toBe(
      '::error title=LP101 (Least Privilege),file=svc/a%2Ctitle=pwned%3A%3Ax/Dockerfile,line=4::line one line two 100%25\n'
    )
  })

  it('uses ::warning and ::notice for the other levels', () => {
    emitAnnotations(selectAnnotations(report([finding('warning', 2), finding('note', 3)])))
    expect(lines.map(l => l.split(' ')[0])).toEqual(['::warning', '::notice'])
  })
})
