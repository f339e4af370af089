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
import type { Finding } from '../../src/findings'
import { fitItems, utf8Bytes } from '../../src/report/budget'
import { mostSevere, renderCommentBody, renderMarkdown, safeUrl } from '../../src/report/markdown'
import { bySeverity, ruleIndex } from '../../src/report/summary'
import type { ScanReport } from '../../src/scan/types'

/** `report` with every finding's message behind a getter that counts its reads: what was rendered. */
function countingReads(report: ScanReport): { report: ScanReport; reads: () => number } {
  let reads = 0
  const results = report.results.map(r => ({
    ...r,
    findings: r.findings.map(f => {
      const { message, ...rest } = f
      return Object.defineProperty({ ...rest }, 'message', {
        enumerable: true,
        get: () => {
          reads++
          return message
        }
      }) as Finding
    })
  }))
  return { report: { ...report, results }, reads: () => reads }
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8')
const count = (s: string, needle: string): number => s.split(needle).length - 1

/** Structural checks that hold for any body we produce, truncated or not. */
/** The body without fenced code blocks, whose content is literal whatever it says. */
const outsideCode = (md: string): string => md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')

function expectWellFormed(md: string): void {
  expect(count(outsideCode(md), '<details>')).toBe(count(outsideCode(md), '</details>'))
  // Every & that could start an entity is one of the entities we emit: nothing was cut in half.
  expect(md.match(/&(?=[#A-Za-z])(?!(#\d+|amp|lt|gt|quot);)/g)).toBeNull()
  // Fences open and close in pairs.
  const fences = md.split('\n').filter(l => /^`{3,}/.test(l))
  expect(fences.length % 2).toBe(0)
  // Every row of a table has its header's cell separators: the five-principle table 6, the overview 8.
  const cells = (line: string): number => (line.match(/(?<!\\)\|/g) ?? []).length
  let header: number | undefined
  for (const line of md.split('\n')) {
    if (!line.startsWith('| ')) header = undefined
    else if (header === undefined) {
      header = cells(line)
      expect([6, 8]).toContain(header)
    } else expect(cells(line)).toBe(header)
  }
  // No stray surrogate halves.
  expect(md).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
}

describe('renderMarkdown', () => {
  it('starts with the verdict and why', () => {
    expect(renderMarkdown(measuredReport, fixtureRules).split('\n')[0]).toBe(
      '### ❌ least-privilege: 3 findings at or above error in 1 Dockerfile'
    )
    expect(renderMarkdown(measuredReport, fixtureRules, { failOn: 'never' }).split('\n')[0]).toMatch(
      /^### ✅ .*fail-on is never/
    )
    expect(renderMarkdown(cleanReport, fixtureRules).split('\n')[0]).toBe(
      '### ✅ least-privilege: no findings in 1 Dockerfile'
    )
    expect(renderMarkdown(staticReport, fixtureRules).split('\n')[0]).toMatch(
      /^### ✅ .*no findings at or above error in 1 Dockerfile \(0 errors, 1 warning, 1 note\)/
    )
    expect(renderMarkdown(daemonDownReport, fixtureRules).split('\n')[0]).toMatch(
      /^### ❌ .*the scan failed: Docker daemon unreachable/
    )
    expect(renderMarkdown(measuredReport, fixtureRules, { heading: 'images/api' }).split('\n')[0]).toMatch(
      /^### ❌ images\/api: 3 findings/
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
      expect(count(md, `\n| ${name} |`)).toBe(report.results.length)
    }
  })

  it('shows short verdict cells: icon, verdict, basis and every rule of the principle, linked', () => {
    const md = renderMarkdown(buildFailedReport, fixtureRules)
    expect(md).toContain(
      '| Least Privilege | USER root (line 9) | no --user | uid 0 (root) | ❌ fail (measured): [LP101](https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP101.md) |'
    )
    // The suppressed LP401 is not named; the active LP402 is.
    expect(md).toContain(
      '| No Escalation | sudo installed | no no-new-privileges | NoNewPrivs 0; 2 setuid files | ⚠️ warn (measured): [LP402](https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP402.md) |'
    )
    // A result without rows (the build failed) still gets five rows, not measured; the reason is said once.
    expect(count(md, '| not measured | ➖ not measured |')).toBe(5)
    expect(count(md, 'not measured: build failed')).toBe(1)
    const plain = renderMarkdown(staticReport, fixtureRules)
    // A note of the principle is named too: nothing of a principle only in the list below.
    expect(plain).toContain(
      '| Least Privilege | USER app | Docker defaults | not measured | ✅ pass (declared): [LP103](https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP103.md) |'
    )
  })

  it('names every rule of a principle in its cell, the deciding one first, with counts', () => {
    const report = largeReport(1, 30)
    const md = renderMarkdown(report, fixtureRules)
    const row = md.split('\n').find(l => l.startsWith('| Least Privilege |')) ?? ''
    const verdict = row.split(' | ').pop() ?? ''
    // rootRows says LP101 decided; 10 LP101 and 10 LP103 findings, 3 of them suppressed.
    expect(verdict).toMatch(/^❌ fail \(measured\): \[LP101\]\([^)]+\) ×\d+, \[LP103\]\([^)]+\) ×\d+ \|$/)
    const escalation = md.split('\n').find(l => l.startsWith('| No Escalation |')) ?? ''
    expect(escalation).toMatch(/\[LP402\]\([^)]+\) ×\d+ \|$/)
  })

  it('names the measured profile or Docker defaults', () => {
    expect(renderMarkdown(measuredReport, fixtureRules)).toContain(
      '**Measured under:** `--cap-add=SYS_ADMIN --security-opt seccomp=unconfined`'
    )
    expect(renderMarkdown(staticReport, fixtureRules)).toContain(
      '**Deployment profile:** Docker defaults (no run options given) · not measured: static only (--no-build)'
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
      '- ❌ **error** [LP101](https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP101.md) at [line 9](https://github.com/o/r/blob/0123abc/Dockerfile#L9): The final stage runs as root: USER root on line 9. The probe measured uid 0.\n  - Fix: Add `USER 10001:10001` (a numeric non-root user) at the end of the final stage.'
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
    expect(md).toContain('- ⚠️ **warning** (cleanup-failed): Could not remove container 3f2a: already gone.')
    expect(md).toContain('- ⛔ **error** (build-failed) in `worker/Dockerfile` line 3: Build failed')
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
    expect(md).not.toMatch(/(?<!\\)\]\(javascript/)
    expect(md).not.toMatch(/(?<!\\)!\[img\]/)
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

  it('markdown of a file with 100,000 findings lists every finding, grouped and most severe first', () => {
    const md = renderMarkdown(largeReport(1, 100_000), fixtureRules)
    expectWellFormed(md)
    const items = [...md.matchAll(/^- \S+ \*\*(error|warning|note)\*\* /gm)].map(m => m[1])
    // 90,000 active findings and 10,000 suppressed ones, each once.
    expect(items).toHaveLength(100_000)
    expect(md).toContain('**Least Privilege** (60000)')
    expect(md).toContain('**No Escalation** (30000)')
    expect(md).not.toContain('more finding')
    // Within the Least Privilege group, the 30,000 errors come before the 30,000 notes.
    const group = items.slice(0, 60_000)
    expect(group.lastIndexOf('error')).toBe(29_999)
    expect(group.indexOf('note')).toBe(30_000)
  }, 60_000)

  it('the 1 MiB job summary of 100,000 findings renders only the findings it shows', () => {
    const { report, reads } = countingReads(largeReport(1, 100_000))
    const md = renderMarkdown(report, fixtureRules, { maxBytes: 1024 * 1024 })
    expect(bytes(md)).toBeLessThanOrEqual(1024 * 1024)
    expect(bytes(md)).toBeGreaterThan(900 * 1024)
    expectWellFormed(md)
    const shown = [...md.matchAll(/^- \S+ \*\*(error|warning|note)\*\* /gm)].length
    const left = Number(/… (\d+) more findings/.exec(md)?.[1])
    expect(shown + left).toBe(90_000)
    // One message read per finding shown, and one for the finding that no longer fit; the rows' reason
    // was decided before rendering.
    expect(reads()).toBeLessThanOrEqual(shown + 2)
  }, 60_000)

  it('drops whole Dockerfiles when even the tables do not fit', () => {
    const md = renderMarkdown(largeReport(30, 1), fixtureRules, { maxBytes: 12_000 })
    expect(bytes(md)).toBeLessThanOrEqual(12_000)
    const shown = count(md, '| Principle | Dockerfile |')
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThan(30)
    expect(md).toContain(`… ${30 - shown} more targets, see the SARIF file.`)
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

  it('the comment on 100,000 findings shows the ten most severe and renders no others', () => {
    const { report, reads } = countingReads(largeReport(1, 100_000))
    const body = renderCommentBody(report, fixtureRules, { marker, summaryUrl: 'https://s/1' })
    const top = body.slice(body.indexOf('**Top findings**'))
    const items = [...top.matchAll(/^- \S+ \*\*(\w+)\*\* .* at `[^`]*` line (\d+):/gm)]
    expect(items.map(m => m[1])).toEqual(Array(10).fill('error'))
    // Errors are LP101 on lines 1, 4, 7, ... (10 is suppressed): the first ten by line.
    expect(items.map(m => Number(m[2]))).toEqual([1, 4, 7, 13, 16, 19, 22, 25, 28, 31])
    expect(top).toContain('… 89990 more findings, see [the full report](https://s/1).')
    expect(reads()).toBeLessThanOrEqual(11)
  }, 60_000)

  it('stays within 60,000 characters by default and within maxChars when given', () => {
    const report = largeReport(200, 50)
    const body = renderCommentBody(report, fixtureRules, {
      marker,
      summaryUrl: 'https://s/1',
      maxFindings: 1000
    })
    expect(body.length).toBeLessThanOrEqual(60_000)
    expect(body.length).toBeGreaterThan(55_000)
    expect(body).toMatch(/… \d+ more targets without details here, see \[the full report\]/)
    expect(body.trimEnd().endsWith(marker)).toBe(true)
    expectWellFormed(body)
    const small = renderCommentBody(report, fixtureRules, { marker, maxChars: 5_000 })
    expect(small.length).toBeLessThanOrEqual(5_000)
    expect(small.trimEnd().endsWith(marker)).toBe(true)
    const huge = renderCommentBody(report, fixtureRules, { marker, maxChars: 10_000_000 })
    expect(huge.length).toBeLessThanOrEqual(65_536)
  })
})

describe('mostSevere', () => {
  it('picks the same findings in the same order as a stable sort and slice', () => {
    const report = largeReport(3, 700)
    const findings = report.results.flatMap(r => r.findings)
    // Ties on level, severity, file and line, so input order decides among equals.
    const tied = findings.map((f, i) => ({ ...f, line: i % 7, file: `f${i % 2}` }))
    const rules = ruleIndex(fixtureRules)
    const compare = (a: Finding, b: Finding): number => bySeverity(a, b, rules)
    for (const k of [0, 1, 5, 10, 64, 65, 5000]) {
      for (const list of [findings, tied, [...tied].reverse()]) {
        expect(mostSevere(list, k, compare)).toEqual([...list].sort(compare).slice(0, k))
      }
    }
  })
})

describe('fitItems', () => {
  it('renders no item after the first that does not fit', () => {
    const rendered: number[] = []
    const items = {
      length: 100_000,
      at: (i: number): string => {
        rendered.push(i)
        return `- item ${i}`
      }
    }
    const fitted = fitItems(items, 1000, utf8Bytes, n => `… ${n} more`)
    expect(bytes(fitted.text)).toBeLessThanOrEqual(1000)
    expect(fitted.text.endsWith(`… ${100_000 - fitted.shown} more`)).toBe(true)
    expect(rendered).toEqual([...Array(fitted.shown + 1).keys()])
  })

  it('gives the same text for lazy items as for the array, at every budget', () => {
    const list = Array.from({ length: 40 }, (_, i) => `- ${'é'.repeat(i % 13)} ${i}`)
    const lazy = { length: list.length, at: (i: number): string => list[i] }
    const more = (n: number): string => `\n… ${n} more item${n === 1 ? '' : 's'}`
    for (let budget = 0; budget < 900; budget += 7) {
      const a = fitItems(list, budget, utf8Bytes, more)
      expect(fitItems(lazy, budget, utf8Bytes, more)).toEqual(a)
      expect(bytes(a.text)).toBeLessThanOrEqual(budget)
    }
  })
})
