import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { measuredReport } from '../../__fixtures__/scan-reports/reports'
import { fixtureRules } from '../../__fixtures__/scan-reports/rules'
import { lineHashes } from '../../src/fingerprints'
import { artifactLocation, buildSarif, repoRelativeUri } from '../../src/report/sarif'
import type { ScanReport } from '../../src/scan/types'
import { githubProblems, schemaErrors } from './sarif-schema'

// Folder names that are legal on disk but special in a URI reference.
const NAMES = [
  'c::error::PWNED-3',
  'c:x',
  'http:y',
  'C:',
  'a b',
  'a#b',
  'a?b',
  '100%',
  '%41',
  'ünïcødé-😀',
  'a@b+c=d;e,f&g$h',
  "q'(x)*!~"
]

describe('repo-relative SARIF URIs for unusual folder names', () => {
  it.each(NAMES)('%s: a relative URI under %%SRCROOT%% that decodes back to the path', name => {
    const file = `${name}/Dockerfile`
    const location = artifactLocation(`/repo/${file}`, '/repo')
    expect(location.uriBaseId).toBe('%SRCROOT%')
    const uri = location.uri as string
    // No scheme: a colon never survives (it would make the first segment a scheme).
    expect(uri).not.toMatch(/^[A-Za-z][A-Za-z0-9+.-]*:/)
    expect(uri).not.toMatch(/[:#?%\s](?![0-9A-F]{2})/)
    // Only RFC 3986 path characters and percent escapes.
    expect(uri).toMatch(/^(?:[A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})+$/)
    expect(decodeURIComponent(uri)).toBe(file)
    // A base URI resolves it inside the repository, not elsewhere.
    expect(new URL(uri, 'file:///repo/').pathname).toBe(`/repo/${uri}`)
  })

  it('encodes the colons of a folder named like a workflow command', () => {
    expect(repoRelativeUri('c::error::PWNED-3/Dockerfile', '/repo')).toBe(
      'c%3A%3Aerror%3A%3APWNED-3/Dockerfile'
    )
    expect(repoRelativeUri('http:y/Dockerfile', '/repo')).toBe('http%3Ay/Dockerfile')
  })

  it('shows a lone surrogate as U+FFFD instead of throwing', () => {
    expect(repoRelativeUri('a\ud800b/Dockerfile', '/repo')).toBe('a%EF%BF%BDb/Dockerfile')
  })

  it('reads the file by its decoded path, so its results get line-hash fingerprints', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lp-sarif-uri-'))
    const text = 'FROM scratch\nUSER root\n'
    const report: ScanReport = { ...measuredReport, results: [] }
    for (const name of NAMES) {
      mkdirSync(path.join(root, name), { recursive: true })
      writeFileSync(path.join(root, name, 'Dockerfile'), text)
      const base = measuredReport.results[0]
      const file = `${name}/Dockerfile`
      report.results.push({ ...base, file, findings: [{ ...base.findings[0], file, line: 2, endLine: 2 }] })
    }
    // No readFile given: the default reader resolves the decoded path against the repository root.
    const log = buildSarif(report, fixtureRules, { repoRoot: root })
    expect(schemaErrors(log)).toEqual([])
    expect(githubProblems(log)).toEqual([])
    const results = log.runs[0].results ?? []
    expect(results).toHaveLength(NAMES.length)
    const hash = lineHashes(text)[1]
    for (const result of results) {
      const location = result.locations?.[0].physicalLocation?.artifactLocation
      expect(location?.uriBaseId).toBe('%SRCROOT%')
      expect(result.partialFingerprints?.primaryLocationLineHash).toBe(hash)
    }
    const notes = log.runs[0].invocations?.[0].toolExecutionNotifications ?? []
    expect(notes.filter(n => n.descriptor?.id === 'outside-repository')).toEqual([])
  })
})
