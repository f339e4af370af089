// The job summary and the PR comment rendered as GitHub renders Markdown (GFM, with the extended
// autolinks: `www.`, bare URLs, emails): no link may come from untrusted text. The only links allowed are
// the ones the tool makes itself (line links at the commit, rule docs, the job summary).
import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { fixtureRules } from '../../__fixtures__/scan-reports/rules'
import { hostileResult, TIMES_FOR_TESTS } from './helpers/link-bait'
import { fitComment } from '../../src/action/comment'
import { stickyMarker } from '../../src/action/identity'
import { composeSummary } from '../../src/action/summary'
import { RULE_DOCS_BASE } from '../../src/meta'
import { renderCommentBody, renderMarkdown } from '../../src/report/markdown'
import type { ScanReport } from '../../src/scan/types'

const LINK_BASE = 'https://github.com/octo/app/blob/c0ffee0000000000000000000000000000000001/'
const SUMMARY_URL = 'https://github.com/octo/app/actions/runs/4242'
const TRUSTED = [LINK_BASE, RULE_DOCS_BASE, SUMMARY_URL]

const report: ScanReport = {
  results: [hostileResult],
  notifications: [
    {
      level: 'warning',
      kind: 'daemon-unreachable',
      message: 'see www.evil.example and https://evil.example/x'
    }
  ],
  ...TIMES_FOR_TESTS
}

/** Every href in the rendered HTML, and whether marked saw any `<a` at all. */
function links(markdown: string): string[] {
  const html = marked.parse(markdown, { gfm: true, async: false })
  return [...html.matchAll(/<a\s[^>]*href="([^"]*)"/gi)].map(m => m[1])
}

const untrusted = (hrefs: string[]): string[] =>
  hrefs.filter(href => !TRUSTED.some(prefix => href.startsWith(prefix)))

describe('links in what the action publishes', () => {
  it('the bait is live when printed raw (so this test can fail)', () => {
    expect(untrusted(links('see www.evil.example, https://evil.example/x and mallory@evil.example'))).toEqual(
      ['http://www.evil.example', 'https://evil.example/x', 'mailto:mallory@evil.example']
    )
  })

  it('the job summary has links only from the tool itself', () => {
    const body = renderMarkdown(report, fixtureRules, { linkBase: LINK_BASE })
    const summary = composeSummary(
      {
        failed: true,
        reason: 'x',
        counts: { error: 1, warning: 0, note: 0 },
        suppressed: 0,
        operationalErrors: 0
      },
      report,
      body
    )
    const hrefs = links(summary)
    expect(hrefs.some(h => h.startsWith(LINK_BASE))).toBe(true)
    expect(untrusted(hrefs)).toEqual([])
    // The bait text is still shown, only inert.
    expect(summary.replace(/\u200b|&#8203;|\\/g, '')).toContain('www.evil.example')
  })

  it('the PR comment has links only from the tool itself', () => {
    const marker = stickyMarker({ workflow: 'CI', job: 'scan', matrix: '', commentKey: '' })
    const body = renderCommentBody(report, fixtureRules, {
      marker,
      summaryUrl: SUMMARY_URL,
      linkBase: LINK_BASE
    })
    const comment = fitComment(body, marker, SUMMARY_URL)
    const hrefs = links(comment)
    expect(hrefs.length).toBeGreaterThan(0)
    expect(untrusted(hrefs)).toEqual([])
  })
})
