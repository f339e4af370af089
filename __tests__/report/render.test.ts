// The job summary and the sticky comment as people see them: rendered by a GFM renderer (marked, which
// follows the GFM spec GitHub implements) and checked for structure, not for strings: tables keep their
// cells, the overview is whole and first, each principle's row names its findings, nothing of our own HTML
// shows as text, untrusted text stays inert, and the sizes stay within GitHub's limits.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { marked, type Tokens } from 'marked'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  HOSTILE,
  hostileReport,
  largeReport,
  measuredReport,
  measurement,
  probe,
  profile
} from '../../__fixtures__/scan-reports/reports'
import { composeSummary, SUMMARY_LIMIT_BYTES } from '../../src/action/summary'
import { loadDeployments } from '../../src/deployment/load'
import { parsePragma } from '../../src/dockerfile/pragmas'
import { silentLogger } from '../../src/logger'
import { PRINCIPLE_NAMES, PRINCIPLES, type Principle } from '../../src/principles'
import { escapeInline, stripControl } from '../../src/report/escape'
import { COMMENT_BODY_LIMIT, renderCommentBody, renderMarkdown } from '../../src/report/markdown'
import { ruleMetas } from '../../src/rules/registry'
import { gateOf } from '../../src/scan/gate'
import { outcome } from '../../src/scan/outcome'
import { principleRows } from '../../src/scan/rows'
import { runScan } from '../../src/scan/scan'
import type { ScanReport, ScanResult } from '../../src/scan/types'
import { DEFAULT_SETTINGS } from '../../src/settings'

const html = (md: string): string => marked.parse(md, { gfm: true, async: false })
const decode = (s: string): string =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
/** What a reader sees: the rendered HTML without its tags, entities decoded. */
const visible = (rendered: string): string => decode(rendered.replace(/<[^>]*>/g, ''))
/** A table cell's rendered text. */
const cellText = (cell: Tokens.TableCell): string => visible(marked.parseInline(cell.text) as string).trim()
const tables = (md: string): Tokens.Table[] =>
  marked.lexer(md, { gfm: true }).filter((t): t is Tokens.Table => t.type === 'table')
/** Elements our Markdown may produce; anything else came from untrusted text. */
const OWN_TAGS = new Set(
  'h3 h4 p strong em table thead tbody tr th td a code ul li details summary pre br'.split(' ')
)
const tagsOf = (rendered: string): string[] => [
  ...new Set([...rendered.matchAll(/<\/?([a-z][a-z0-9]*)\b/gi)].map(m => m[1].toLowerCase()))
]
const ICON = { pass: '✅', warn: '⚠️', fail: '❌', 'not-measured': '➖' } as const
const LETTER = { measured: 'm', declared: 'd', none: '' } as const

/**
 * Every GFM table in the source has the same number of cell separators on each of its lines: marked (like
 * GitHub) pads or drops cells silently, so a row that lost or gained a cell is only visible here.
 */
function expectTablesIntact(md: string): void {
  const separators = (line: string): number => (line.match(/(?<!\\)\|/g) ?? []).length
  let header: number | undefined
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) header = undefined
    else if (header === undefined) header = separators(line)
    else expect({ line, cells: separators(line) }).toEqual({ line, cells: header })
  }
}

/** No markup of ours shown as text: no tag or entity survives into what a reader sees. */
function expectNoMarkupAsText(md: string): void {
  const text = visible(html(md))
  expect(text).not.toMatch(/<\/?(code|details|summary|br|a|b)\b/i)
  expect(text).not.toMatch(/&(amp|lt|gt|quot|#\d+);/)
  expect(tagsOf(html(md)).filter(t => !OWN_TAGS.has(t))).toEqual([])
}

/** The active rule ids of each principle of a result: what its row must name. */
function rulesOf(result: ScanResult): Map<Principle, Set<string>> {
  const out = new Map<Principle, Set<string>>(PRINCIPLES.map(p => [p, new Set<string>()]))
  for (const f of result.findings) if (!f.suppression) out.get(f.principle)?.add(f.ruleId)
  for (const row of result.rows) if (row.decidedBy) out.get(row.principle)?.add(row.decidedBy.ruleId)
  return out
}

/** Checks a target's five-principle table against its result: every row names every rule of its principle. */
function expectRowsNameTheirRules(table: Tokens.Table, result: ScanResult): void {
  const expected = rulesOf(result)
  expect(table.rows.map(r => cellText(r[0]))).toEqual(PRINCIPLES.map(p => PRINCIPLE_NAMES[p]))
  for (const [i, principle] of PRINCIPLES.entries()) {
    const verdict = table.rows[i][4]
    const linked = [...(marked.parseInline(verdict.text) as string).matchAll(/<a href="[^"]+">([^<]+)<\/a>/g)]
    expect({ principle, rules: new Set(linked.map(m => m[1])) }).toEqual({
      principle,
      rules: expected.get(principle)
    })
  }
}

// A repository with 60 targets: 12 Dockerfiles, each built by five compose services run five ways.
const repo = mkdtempSync(join(tmpdir(), 'lp-render-'))
afterAll(() => rmSync(repo, { recursive: true, force: true }))
const SERVICE_FLAGS = [
  "    user: '1001'\n    cap_drop: [ALL]\n    security_opt: ['no-new-privileges:true']\n",
  '    privileged: true\n',
  "    cap_add: [SYS_ADMIN]\n    security_opt: ['seccomp:unconfined']\n",
  "    user: '0'\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
  '    pid: host\n    network_mode: host\n'
]
let report: ScanReport

beforeAll(async () => {
  const services: string[] = []
  for (let d = 0; d < 12; d++) {
    const dir = join(repo, 'services', `svc-${d}`)
    mkdirSync(dir, { recursive: true })
    const user = d % 3 === 0 ? 'USER root' : `USER ${1000 + d}:${1000 + d}`
    const sudo = d % 4 === 1 ? 'RUN apk add --no-cache sudo && chmod u+s /bin/ping\n' : ''
    writeFileSync(join(dir, 'Dockerfile'), `FROM alpine:3.20\n${sudo}COPY app /app\n${user}\nCMD ["/app"]\n`)
    for (const [s, flags] of SERVICE_FLAGS.entries())
      services.push(`  svc-${d}-${s}:\n    build: ./services/svc-${d}\n${flags}`)
  }
  writeFileSync(join(repo, 'compose.yaml'), `services:\n${services.join('')}`)
  const loaded = loadDeployments([], ['.'], { cwd: repo, repoRoot: repo, env: {} })
  report = await runScan(
    {
      ...DEFAULT_SETTINGS,
      paths: ['.'],
      cwd: repo,
      repoRoot: repo,
      build: false,
      deployments: loaded.deployments
    },
    { logger: silentLogger, runId: 'render-60' }
  )
}, 60_000)

const LINK_BASE = 'https://github.com/o/r/blob/0123abc/'
const SUMMARY_URL = 'https://github.com/o/r/actions/runs/7'

function comment(r: ScanReport): string {
  return renderCommentBody(r, ruleMetas(), {
    marker: '<!-- least-privilege:v2:ci/scan -->',
    summaryUrl: SUMMARY_URL,
    maxChars: COMMENT_BODY_LIMIT,
    linkBase: LINK_BASE,
    outcome: outcome(r, 'error')
  })
}

function summary(r: ScanReport): string {
  const judged = outcome(r, 'error')
  const body = renderMarkdown(r, ruleMetas(), {
    linkBase: LINK_BASE,
    maxBytes: SUMMARY_LIMIT_BYTES - 16 * 1024,
    outcome: judged
  })
  return composeSummary(gateOf(judged), r, body)
}

/** The overview table of a body: its position among the blocks and its rows, checked against the results. */
function expectWholeOverview(md: string, r: ScanReport): void {
  const tokens = marked.lexer(md, { gfm: true })
  const first = tokens.findIndex(t => t.type === 'table')
  const firstDetail = tokens.findIndex(t => t.type === 'heading' && t.depth === 4)
  expect(first).toBeGreaterThan(0)
  expect(first).toBeLessThan(firstDetail)
  const overview = tokens[first] as Tokens.Table
  expect(overview.header.map(cellText)).toEqual(['#', 'Target', ...PRINCIPLES.map(p => PRINCIPLE_NAMES[p])])
  expect(overview.rows).toHaveLength(r.results.length)
  for (const [i, row] of overview.rows.entries()) {
    const result = r.results[i]
    expect(cellText(row[0])).toBe(String(i + 1))
    expect(cellText(row[1])).toBe(`${result.file}${result.target ? ` — ${result.target.name}` : ''}`)
    const shown = row.slice(2).map(cellText)
    const want = principleRows(result).map(p => `${ICON[p.verdict]} ${LETTER[p.basis]}`.trim())
    expect(shown).toEqual(want)
  }
}

describe('a 60-target scan as GitHub renders it', () => {
  it('the comment starts with the whole overview, names every principle’s findings in its row, and fits', () => {
    expect(report.results).toHaveLength(60)
    const body = comment(report)
    expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT)
    expectTablesIntact(body)
    expectNoMarkupAsText(body)
    expectWholeOverview(body, report)
    // The overview's verdicts are not all alike: the five deployments give different rows.
    expect(new Set(tables(body)[0].rows.map(r => r.slice(2).map(cellText).join()))).not.toHaveProperty(
      'size',
      1
    )

    // Details: the targets shown, by their number, each with a complete table.
    const tokens = marked.lexer(body, { gfm: true })
    const shown: number[] = []
    for (const [i, token] of tokens.entries()) {
      if (token.type !== 'heading' || token.depth !== 4) continue
      const n = Number(/^(\d+)\. /.exec(token.text)?.[1])
      shown.push(n)
      const table = tokens.slice(i + 1).find(t => t.type === 'table') as Tokens.Table
      expectRowsNameTheirRules(table, report.results[n - 1])
    }
    expect(shown.length).toBeGreaterThan(0)
    expect(shown).toEqual([...shown].sort((a, b) => a - b))
    if (shown.length < 60) {
      expect(visible(html(body))).toContain(
        `… ${60 - shown.length} more targets without details here, see the full report.`
      )
    }
    // Failing targets are detailed first: none left out fails while a shown one does not.
    const fails = (n: number): boolean => report.results[n - 1].rows.some(r => r.verdict === 'fail')
    const left = report.results.map((_, i) => i + 1).filter(n => !shown.includes(n))
    if (left.some(fails)) expect(shown.every(fails)).toBe(true)
    expect(body.trimEnd().endsWith('<!-- least-privilege:v2:ci/scan -->')).toBe(true)
  })

  it('the job summary: overview first, then every target’s table naming its findings, under 1 MiB', () => {
    const md = summary(report)
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expectTablesIntact(md)
    expectNoMarkupAsText(md)
    expectWholeOverview(md, report)
    const all = tables(md)
    expect(all).toHaveLength(61)
    for (const [i, table] of all.slice(1).entries()) expectRowsNameTheirRules(table, report.results[i])
  })

  it('reads as it renders: the raw Markdown has no escapes that change nothing', () => {
    const body = comment(report)
    for (const noise of ['\\:', '\\-', '\\(', '\\)', '\\.', '&#39;', '&quot;', '&#58;', '&#95;', '<code>'])
      expect({ noise, found: body.includes(noise) }).toEqual({ noise, found: false })
    expect(body).toContain('`services/svc-0/Dockerfile`')
  })

  it('a comment too small for all details keeps the overview whole and drops details', () => {
    const body = renderCommentBody(report, ruleMetas(), {
      marker: 'm',
      maxChars: 20_000,
      outcome: outcome(report, 'error')
    })
    expect(body.length).toBeLessThanOrEqual(20_000)
    expectWholeOverview(body, report)
    expectTablesIntact(body)
  })
})

describe('a report too big for any comment', () => {
  it('1,000 targets: the overview keeps as many rows as fit and counts the rest; the comment fits', () => {
    const big = largeReport(1000, 1)
    const body = renderCommentBody(big, ruleMetas(), { marker: 'm', summaryUrl: SUMMARY_URL })
    expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT)
    expectTablesIntact(body)
    const overview = tables(body)[0]
    expect(overview.header.map(cellText)[1]).toBe('Target')
    expect(overview.rows.length).toBeGreaterThan(100)
    expect(overview.rows.map(r => cellText(r[0]))).toEqual(overview.rows.map((_, i) => String(i + 1)))
    expect(visible(html(body))).toContain(
      `… ${1000 - overview.rows.length} more targets, see the full report.`
    )
  })
})

describe('untrusted text as GitHub renders it', () => {
  const CASES = [
    '</details>',
    '<!-- lpp-report:v1 -->',
    '| pipe | cell',
    '@org/team',
    '#123',
    '[x](javascript:alert(1))',
    '![img](http://track.example/p.png)',
    'line one\nline two\r\nline three',
    '<img src=x onerror=alert(1)>',
    '*bold* _em_ ~~strike~~ $x$ __init__',
    '\u001b[31mred\u001b[0m\u0007\u202etxt.exe',
    '1. not a list',
    '- not an item',
    '# not a heading',
    '> not a quote',
    'a\\*b\\ and C:\\path\\',
    '&copy; &#60; &amp; a & b',
    'www.evil.example and mallory@evil.example',
    '`a | b` and `<b>` and `www.evil.example`'
  ]
  /** Without zero-width spaces (they break mentions and links, and are invisible). */
  const seen = (rendered: string): string =>
    visible(rendered)
      .replace(/\u200b/g, '')
      .trim()

  it.each(CASES)('%j renders as its literal text, and makes no element, link or cell', input => {
    const escaped = escapeInline(input)
    const literal = stripControl(input).trim()
    for (const md of [`x ${escaped}`, escaped, `- ${escaped}`, `### ${escaped}`]) {
      const out = html(md)
      expect(tagsOf(out).filter(t => !['p', 'ul', 'li', 'h3'].includes(t))).toEqual([])
      expect(seen(out)).toBe(md.startsWith('x ') ? `x ${literal}` : literal)
    }
    const table = tables(`| a | b |\n| - | - |\n| ${escaped} | z |`)[0]
    expect(table.rows[0].map(c => cellText(c).replace(/\u200b/g, ''))).toEqual([literal, 'z'])
  })

  it('backtick spans in a message render as code; one that could not stay inert raw stays text', () => {
    const md = escapeInline('Set `USER 1001:1001` after `RUN adduser -D app`, not `a|b`.')
    expect(md).toBe('Set `USER 1001:1001` after `RUN adduser -D app`, not \\`a\\|b\\`.')
    expect(html(md)).toBe(
      '<p>Set <code>USER 1001:1001</code> after <code>RUN adduser -D app</code>, not `a|b`.</p>\n'
    )
  })

  it('the hostile fixture: only our own elements and links, the names shown as text', () => {
    for (const md of [
      renderMarkdown(hostileReport, ruleMetas(), { linkBase: LINK_BASE }),
      renderCommentBody(hostileReport, ruleMetas(), { marker: 'm', summaryUrl: SUMMARY_URL })
    ]) {
      expectTablesIntact(md)
      const out = html(md)
      expect(tagsOf(out).filter(t => !OWN_TAGS.has(t))).toEqual([])
      const hrefs = [...out.matchAll(/href="([^"]*)"/g)].map(m => decode(m[1]))
      const own = ['https://github.com/least-privilege/', LINK_BASE, SUMMARY_URL]
      expect(hrefs.filter(h => !own.some(prefix => h.startsWith(prefix)))).toEqual([])
      // One HTML comment: the marker (the summary has none).
      expect((md.match(/<!--/g) ?? []).length).toBeLessThanOrEqual(1)
      const text = visible(out).replace(/\u200b/g, '')
      expect(text).toContain(HOSTILE.file)
      expect(text).toContain('USER [x](javascript:alert(1)) ![img](http://track.example/p.png) </details>')
    }
  })
})

describe('polish', () => {
  it('the suppression hint is a pragma to copy as it is: plain ASCII, read back by the pragma parser', () => {
    for (const md of [
      renderMarkdown(measuredReport, ruleMetas()),
      renderCommentBody(measuredReport, ruleMetas(), { marker: 'm' })
    ]) {
      const codes = [...html(md).matchAll(/<code>([^<]*)<\/code>/g)].map(m => decode(m[1]))
      const hint = codes.find(c => c.startsWith('# least-privilege ignore='))
      expect(hint).toBeDefined()
      expect(hint).toMatch(/^[\x20-\x7e]+$/)
      // The raw Markdown holds the same line: copying from the source works too.
      expect(md).toContain(`\`${hint}\``)
      const pragma = parsePragma(String(hint).slice(1), 6)
      expect(pragma?.rules).toHaveLength(1)
      expect(ruleMetas().map(r => r.id)).toContain(pragma?.rules[0])
    }
  })

  it('measured cells: plurals and the seccomp filter count', () => {
    const one = {
      ...probe,
      privileged_files: {
        ...probe.privileged_files,
        count: 1,
        files: probe.privileged_files.files.slice(0, 1)
      },
      seccomp: { ...probe.seccomp, filters: 1, mode: 'filter' as const }
    }
    const rowsOf = (p: typeof probe) =>
      principleRows({ profile: profile(), measurement: { ...measurement, probe: p }, findings: [] })
    const render = (p: typeof probe): string =>
      visible(
        html(
          renderMarkdown(
            { ...measuredReport, results: [{ ...measuredReport.results[0], findings: [], rows: rowsOf(p) }] },
            ruleMetas()
          )
        )
      )
    expect(render(probe)).toContain('seccomp disabled (0 filters)')
    expect(render(probe)).toContain('2 setuid/setgid/file-cap files')
    expect(render(one)).toContain('seccomp filter (1 filter)')
    expect(render(one)).toContain('1 setuid/setgid/file-cap file')
    expect(render(one)).not.toContain('1 setuid/setgid/file-cap files')
  })
})
