import { describe, expect, it } from '@jest/globals'
import {
  HOSTILE,
  buildFailedReport,
  cleanReport,
  daemonDownReport,
  hostileReport,
  largeReport,
  measuredReport,
  probe,
  staticReport
} from '../../__fixtures__/scan-reports/reports'
import { fixtureRules } from '../../__fixtures__/scan-reports/rules'
import { PRINCIPLE_NAMES } from '../../src/principles'
import { renderCommentBody, renderMarkdown, safeUrl } from '../../src/report/markdown'
import type { ScanReport } from '../../src/scan/types'

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8')
const count = (s: string, needle: string): number => s.split(needle).length - 1

/** Structural checks that hold for any body we produce, truncated or not. */
/** The body without fenced code blocks, whose content is literal whatever it says. */
const outsideCode = (md: string): string => md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')

function expectWellFormed(md: string): void {
  expect(count(outsideCode(md), '<details>')).toBe(count(outsideCode(md), '</details>'))
  // Every & starts one of the entities we emit: nothing was cut in half.
  expect(md.match(/&(?!(#\d+|amp|lt|gt|quot);)/g)).toBeNull()
  // Fences open and close in pairs.
  const fences = md.split('\n').filter(l => /^`{3,}/.test(l))
  expect(fences.length % 2).toBe(0)
  // Table rows have exactly the five cells' separators.
  for (const line of md.split('\n').filter(l => l.startsWith('| '))) {
    expect((line.match(/(?<!\\)\|/g) ?? []).length).toBe(6)
  }
  // No stray surrogate halves.
  expect(md).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
}

describe('renderMarkdown', () => {
  it('starts with the verdict and why', () => {
    expect(renderMarkdown(measuredReport, fixtureRules).split('\n')[0]).toBe(
      '### ❌ least\\-privilege\\: 3 findings at or above error in 1 Dockerfile'
    )
    expect(renderMarkdown(measuredReport, fixtureRules, { failOn: 'never' }).split('\n')[0]).toMatch(
      /^### ✅ .*fail\\-on is never/
    )
    expect(renderMarkdown(cleanReport, fixtureRules).split('\n')[0]).toBe(
      '### ✅ least\\-privilege\\: no findings in 1 Dockerfile'
    )
    expect(renderMarkdown(staticReport, fixtureRules).split('\n')[0]).toMatch(
      /^### ✅ .*no findings at or above error in 1 Dockerfile \\\(0 errors, 1 warning, 1 note\\\)/
    )
    expect(renderMarkdown(daemonDownReport, fixtureRules).split('\n')[0]).toMatch(
      /^### ❌ .*the scan failed\\: Docker daemon unreachable/
    )
    expect(renderMarkdown(measuredReport, fixtureRules, { heading: 'images/api' }).split('\n')[0]).toMatch(
      /^### ❌ images\/api\\: 3 findings/
    )
  })

  it.each([
    ['measured', measuredReport],
    ['static', staticReport],
    ['build failed', buildFailedReport],
    ['hostile', hostileReport]
  ] as Array<[string, ScanReport]>)('shows all five principles per Dockerfile (%s)', (_name, report) => {
    const md = renderMarkdown(report, fixtureRules)
    expectWellFormed(md)
    expect(count(md, '| Principle | Dockerfile | Deployment flags | Measured | Verdict |')).toBe(
      report.results.length
    )
    for (const name of Object.values(PRINCIPLE_NAMES)) {
      expect(count(md, `| ${name} |`)).toBe(report.results.length)
    }
  })

  it('shows verdicts with icons and reasons, linking rule ids', () => {
    const md = renderMarkdown(buildFailedReport, fixtureRules)
    expect(md).toContain(
      '| Least Privilege | USER root \\(line 9\\) | no \\-\\-user | uid 0 \\(root\\) | ❌ fail: [LP101](https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP101.md) |'
    )
    expect(md).toContain('⚠️ warn: [LP402]')
    // A result without rows (the build failed) still gets five rows, not measured, with the reason.
    expect(count(md, '➖ not measured: build failed')).toBe(5)
    expect(renderMarkdown(staticReport, fixtureRules)).toContain(
      '| Least Privilege | USER app | Docker defaults | not measured | ✅ pass |'
    )
  })

  it('names the measured profile or Docker defaults', () => {
    expect(renderMarkdown(measuredReport, fixtureRules)).toContain(
      '**Measured under:** <code>--cap-add=SYS_ADMIN --security-opt seccomp=unconfined</code>'
    )
    expect(renderMarkdown(staticReport, fixtureRules)).toContain(
      '**Deployment profile:** Docker defaults (no run options given) · not measured: static only \\(\\-\\-no\\-build\\)'
    )
  })

  it('groups findings by principle, with fix, docs and line links', () => {
    const md = renderMarkdown(measuredReport, fixtureRules, {
      linkBase: 'https://github.com/o/r/blob/0123abc'
    })
    const groups = [...md.matchAll(/^\*\*(.+?)\*\* \((\d+)\)$/gm)].map(m => `${m[1]}:${m[2]}`)
    expect(groups).toEqual([
      'Least Privilege:1',
      'Runtime Hardening:1',
      'Kernel Isolation:1',
      'No Escalation:1',
      'Host Protection:1'
    ])
    expect(md).toContain(
      '- ❌ **error** [LP101](https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP101.md) at [line 9](https://github.com/o/r/blob/0123abc/Dockerfile#L9): The final stage runs as root\\: USER root on line 9. The probe measured uid 0.\n  - Fix: Add `USER 10001:10001` (a numeric non-root user) at the end of the final stage.'
    )
  })

  it('lists suppressed findings separately, collapsed, with the justification', () => {
    const md = renderMarkdown(measuredReport, fixtureRules)
    const start = md.indexOf('<details><summary>1 suppressed finding</summary>')
    expect(start).toBeGreaterThan(0)
    const block = md.slice(start, md.indexOf('</details>', start))
    expect(block).toContain('[LP401]')
    expect(block).toContain('Suppressed by inline pragma on line 6: ping needs it on this host')
    // Not among the active findings.
    expect(md.slice(0, start)).not.toContain('[LP401]')
  })

  it('puts the probe report in a collapsible JSON block that parses back', () => {
    const md = renderMarkdown(measuredReport, fixtureRules)
    const m = md.match(
      /<details><summary>Probe report<\/summary>\n\n(`{3,})json\n([\s\S]*?)\n\1\n\n<\/details>/
    )
    expect(m).not.toBeNull()
    expect(JSON.parse(m![2])).toEqual(probe)
    expect(renderMarkdown(measuredReport, fixtureRules, { detailsProbe: false })).not.toContain(
      'Probe report'
    )
  })

  it('lists notifications, report-wide and per file', () => {
    const md = renderMarkdown(buildFailedReport, fixtureRules)
    expect(md).toContain(
      '- ⚠️ **warning** (cleanup\\-failed): Could not remove container 3f2a\\: already gone.'
    )
    expect(md).toContain(
      '- ⛔ **error** (build\\-failed) in <code>worker/Dockerfile</code> line 3: Build failed'
    )
  })

  it('escapes every untrusted value', () => {
    const full = renderMarkdown(hostileReport, fixtureRules, { linkBase: 'https://github.com/o/r/blob/abc/' })
    expectWellFormed(full)
    // The probe's JSON block keeps hostile text verbatim (it is code); everything else must be neutral.
    expect(full).toContain('"user_name": "````</details>\\n<!-- x -->"')
    const md = outsideCode(full)
    expect(md).not.toContain('<!--')
    expect(md).not.toMatch(/<(img|script|b)\b/)
    expect(count(md, '</details>')).toBe(count(md, '<details>'))
    expect(md).not.toMatch(/@[A-Za-z]/)
    expect(md).not.toMatch(/(?<![\\&])#\d/)
    expect(md).not.toContain('](javascript')
    expect(md).not.toContain('![img]')
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/)
    // The hostile name survives as text: link path percent-encoded, shown as entities.
    expect(md).toContain(
      'https://github.com/o/r/blob/abc/evil/%3C/details%3E%3C%21--%20lpp-report%3Av1%20--%3E%7C%20pipe%20%40org/team%20%23123%20%60x%60.Dockerfile#L2'
    )
    // The probe block's fence outlives the backtick run in user_name.
    expect(full).toMatch(/^`{5}json$/m)
    expect(HOSTILE.file).toContain('</details>')
  })

  it('refuses link targets that are not http(s) and encodes the rest', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined()
    expect(safeUrl('https://x/a (b)')).toBe('https://x/a%20%28b%29')
    const md = renderMarkdown(measuredReport, fixtureRules, { linkBase: 'javascript:alert(1)//' })
    expect(md).not.toContain('javascript')
  })

  it('stays within maxBytes by dropping whole findings, keeping every table', () => {
    const report = largeReport(5, 400)
    const full = renderMarkdown(report, fixtureRules, {
      summaryLink: 'https://github.com/o/r/actions/runs/1'
    })
    expect(bytes(full)).toBeGreaterThan(100_000)
    const md = renderMarkdown(report, fixtureRules, {
      maxBytes: 40_000,
      summaryLink: 'https://github.com/o/r/actions/runs/1'
    })
    expect(bytes(md)).toBeLessThanOrEqual(40_000)
    expectWellFormed(md)
    expect(count(md, '| Principle | Dockerfile |')).toBe(5)
    expect(md).toMatch(
      /… \d+ more findings, see \[the full report\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\)\./
    )
  })

  it('stays under 1 MiB for a huge report', () => {
    const md = renderMarkdown(largeReport(20, 2500), fixtureRules, { maxBytes: 1024 * 1024 })
    expect(bytes(md)).toBeLessThanOrEqual(1024 * 1024)
    expect(bytes(md)).toBeGreaterThan(900 * 1024)
    expectWellFormed(md)
  })

  it('drops whole Dockerfiles when even the tables do not fit', () => {
    const md = renderMarkdown(largeReport(30, 1), fixtureRules, { maxBytes: 12_000 })
    expect(bytes(md)).toBeLessThanOrEqual(12_000)
    const shown = count(md, '| Principle | Dockerfile |')
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThan(30)
    expect(md).toContain(`… ${30 - shown} more Dockerfiles, see the SARIF file.`)
    expectWellFormed(md)
  })
})

describe('renderCommentBody', () => {
  const marker = '<!-- lpp-report:v1:ci/scan -->'

  it('has the verdict, tables, top findings and the marker last', () => {
    const body = renderCommentBody(buildFailedReport, fixtureRules, {
      marker,
      summaryUrl: 'https://github.com/o/r/actions/runs/9'
    })
    expect(body.split('\n')[0]).toMatch(/^### ❌ /)
    expect(body.trimEnd().split('\n').pop()).toBe(marker)
    expect(count(body, marker)).toBe(1)
    expect(count(body, '| Principle |')).toBe(2)
    const top = body.slice(body.indexOf('**Top findings**'))
    const levels = [...top.matchAll(/^- \S+ \*\*(\w+)\*\*/gm)].map(m => m[1])
    expect(levels).toEqual(['error', 'error', 'error', 'warning', 'warning'])
    // Among equal levels, the higher security-severity first (LP202 is 9.1).
    expect(top.indexOf('[LP202]')).toBeLessThan(top.indexOf('[LP101]'))
    expect(body).toContain('[Full report in the job summary](https://github.com/o/r/actions/runs/9)')
    expectWellFormed(body)
  })

  it('wraps a bare marker in an HTML comment and cannot be forged by a file name', () => {
    const body = renderCommentBody(hostileReport, fixtureRules, { marker: 'lpp-report:v1' })
    expect(body.trimEnd().endsWith('<!-- lpp-report:v1 -->')).toBe(true)
    expect(count(body, '<!--')).toBe(1)
  })

  it('caps the findings and says how many more there are', () => {
    const body = renderCommentBody(largeReport(1, 50), fixtureRules, {
      marker,
      maxFindings: 5,
      summaryUrl: 'https://s/1'
    })
    const top = body.slice(body.indexOf('**Top findings**'))
    expect([...top.matchAll(/^- /gm)]).toHaveLength(5)
    expect(top).toContain('… 40 more findings, see [the full report](https://s/1).')
  })

  it('stays within 60,000 characters by default and within maxChars when given', () => {
    const report = largeReport(200, 50)
    const body = renderCommentBody(report, fixtureRules, {
      marker,
      summaryUrl: 'https://s/1',
      maxFindings: 1000
    })
    expect(body.length).toBeLessThanOrEqual(60_000)
    expect(body.length).toBeGreaterThan(55_000)
    expect(body).toMatch(/… \d+ more Dockerfiles, see \[the full report\]/)
    expect(body.trimEnd().endsWith(marker)).toBe(true)
    expectWellFormed(body)
    const small = renderCommentBody(report, fixtureRules, { marker, maxChars: 5_000 })
    expect(small.length).toBeLessThanOrEqual(5_000)
    expect(small.trimEnd().endsWith(marker)).toBe(true)
    const huge = renderCommentBody(report, fixtureRules, { marker, maxChars: 10_000_000 })
    expect(huge.length).toBeLessThanOrEqual(65_536)
  })
})
