// A notification's heading is one line; the full text behind it (the daemon's whole error) is in `detail`,
// shown under the heading in the terminal, one click away in Markdown, and as a field of the JSON report.
import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { renderJson } from '../../src/report/json'
import { renderMarkdown } from '../../src/report/markdown'
import { renderText } from '../../src/report/text'
import { ruleMetas } from '../../src/rules/registry'
import type { ScanReport } from '../../src/scan/types'

const DETAIL =
  'Error response from daemon: pull access denied for base\nstep 3/7: <script>alert(1)</script> failed'
const report: ScanReport = {
  results: [],
  notifications: [
    {
      level: 'error',
      kind: 'build-failed',
      message: 'build of Dockerfile failed: pull access denied',
      file: 'Dockerfile',
      detail: DETAIL
    },
    { level: 'warning', kind: 'cleanup-failed', message: 'cleanup failed' }
  ],
  startedAt: '2026-12-02T00:00:00Z',
  finishedAt: '2026-12-02T00:00:01Z'
}

describe('notification detail', () => {
  it('JSON carries it as a field (null when there is none)', () => {
    const json = renderJson(report, ruleMetas(), { failOn: 'error' })
    expect(json.notifications.map(n => n.detail)).toEqual([DETAIL, null])
  })

  it('the terminal shows it indented under the one-line heading', () => {
    const lines = renderText(report, ruleMetas(), { color: false, width: 100, failOn: 'error' }).split('\n')
    const at = lines.findIndex(l => l.includes('build of Dockerfile failed'))
    expect(lines[at + 1]).toMatch(/^ {10}Error response from daemon: pull access denied for base$/)
    expect(lines[at + 2]).toMatch(/^ {10}step 3\/7:/)
    expect(lines.every(l => l.length <= 100)).toBe(true)
  })

  it('Markdown keeps the heading on one line and the detail inert inside a collapsed block', () => {
    const md = renderMarkdown(report, ruleMetas(), { failOn: 'error' })
    const html = marked.parse(md, { async: false })
    expect(html).toMatch(/<details><summary>Details<\/summary>/)
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })
})
