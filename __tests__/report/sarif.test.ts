import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import type * as sarif from 'sarif'
import {
  HOSTILE,
  HOSTILE_DOCKERFILE,
  ROOT_DOCKERFILE,
  STATIC_DOCKERFILE,
  buildFailedReport,
  cleanReport,
  daemonDownReport,
  hostileReport,
  largeReport,
  measuredReport,
  staticReport
} from '../../__fixtures__/scan-reports/reports'
import { fixtureRules } from '../../__fixtures__/scan-reports/rules'
import { lineHashes } from '../../src/fingerprints'
import {
  automationIdOf,
  buildSarif,
  categoryProblem,
  repoRelativeUri,
  securitySeverity,
  writeSarif
} from '../../src/report/sarif'
import type { ScanReport } from '../../src/scan/types'
import { githubProblems, schemaErrors } from './sarif-schema'

const FILES: Record<string, string> = {
  Dockerfile: ROOT_DOCKERFILE,
  'services/api/Dockerfile': STATIC_DOCKERFILE,
  [HOSTILE.file]: HOSTILE_DOCKERFILE
}
const readFile = (rel: string): string | undefined => FILES[rel]
const build = (report: ScanReport, extra: Partial<Parameters<typeof buildSarif>[2]> = {}): sarif.Log =>
  buildSarif(report, fixtureRules, { repoRoot: '/repo', readFile, ...extra })

const fixtures: Array<[string, ScanReport]> = [
  ['measured', measuredReport],
  ['static-only', staticReport],
  ['build failed', buildFailedReport],
  ['daemon down', daemonDownReport],
  ['clean', cleanReport],
  ['hostile', hostileReport],
  ['large', largeReport(3, 40)]
]

describe('buildSarif: schema and GitHub rules', () => {
  it.each(fixtures)('%s report is valid SARIF that GitHub accepts', (_name, report) => {
    const log = build(report)
    expect(schemaErrors(log)).toEqual([])
    expect(githubProblems(log)).toEqual([])
    // The written file is what gets uploaded: validate it too.
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lp-sarif-')), 'nested', 'out.sarif')
    writeSarif(out, log)
    expect(schemaErrors(JSON.parse(readFileSync(out, 'utf8')))).toEqual([])
  })

  it('detects an invalid log (the validator can fail)', () => {
    const log = build(measuredReport)
    const broken = JSON.parse(JSON.stringify(log)) as sarif.Log
    ;(broken.runs[0].results as sarif.Result[])[0].locations![0].physicalLocation!.region!.startLine = 0
    expect(schemaErrors(broken).join('\n')).toMatch(/startLine/)
    expect(githubProblems(broken).join('\n')).toMatch(/startLine 0/)
    const noTags = JSON.parse(JSON.stringify(log)) as sarif.Log
    noTags.runs[0].tool.driver.rules![0].properties!.tags = ['security']
    expect(githubProblems(noTags).join('\n')).toMatch(/tags/)
  })
})

describe('buildSarif: content', () => {
  const log = build(measuredReport)
  const run = log.runs[0]
  const results = run.results ?? []

  it('describes every rule, not only triggered ones, with tags, precision and severity', () => {
    const rules = run.tool.driver.rules ?? []
    expect(rules.map(r => r.id)).toEqual(fixtureRules.map(r => r.id))
    const lp501 = rules.find(r => r.id === 'LP501')
    expect(lp501?.properties).toEqual({
      tags: ['security', 'host-protection'],
      precision: 'high',
      'security-severity': '10.0'
    })
    expect(rules.find(r => r.id === 'LP101')?.properties?.['security-severity']).toBe('8.0')
    expect(rules.find(r => r.id === 'LP101')?.help?.markdown).toContain(
      'https://github.com/least-privilege/least-privilege/blob/main/docs/rules/LP101.md'
    )
    expect(run.tool.driver).toMatchObject({ name: 'least-privilege', semanticVersion: '0.1.0' })
  })

  it('clamps security-severity into (0, 10] as a numeric string', () => {
    expect(securitySeverity(0)).toBe('0.1')
    expect(securitySeverity(12)).toBe('10.0')
    expect(securitySeverity(7.25)).toBe('7.3')
  })

  it('maps each finding to a result with location, index, level and measured properties', () => {
    expect(results).toHaveLength(measuredReport.results[0].findings.length)
    const root = results.find(r => r.ruleId === 'LP101')
    expect(root).toMatchObject({
      ruleIndex: 0,
      level: 'error',
      message: { text: 'The final stage runs as root: USER root on line 9. The probe measured uid 0.' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' },
            region: { startLine: 9, endLine: 9 }
          }
        }
      ],
      properties: { uid: 0, gid: 0, user: 'root', evidence: 'dockerfile', principle: 'least-privilege' }
    })
    expect(results.find(r => r.ruleId === 'LP202')?.properties).toMatchObject({
      dangerous: ['SYS_ADMIN'],
      evidence: 'measured'
    })
  })

  it('keeps suppressed findings as results with an inSource suppression', () => {
    const suppressed = results.filter(r => r.suppressions)
    expect(suppressed.map(r => r.ruleId)).toEqual(['LP401'])
    expect(suppressed[0].suppressions).toEqual([
      {
        kind: 'inSource',
        justification: 'ping needs it on this host',
        properties: { pragma: 'inline', line: 6 }
      }
    ])
  })

  it('computes primaryLocationLineHash from the file text, as upload-sarif would', () => {
    const hashes = lineHashes(ROOT_DOCKERFILE)
    const root = results.find(r => r.ruleId === 'LP101')
    expect(root?.partialFingerprints?.primaryLocationLineHash).toBe(hashes[8])
    expect(root?.partialFingerprints?.['leastPrivilege/v1']).toMatch(/^[0-9a-f]{32}:1$/)
  })

  it('keeps its own fingerprint when an unrelated line is inserted above', () => {
    const shifted = '# a new comment\nARG UNUSED=1\n' + ROOT_DOCKERFILE
    const moved: ScanReport = {
      ...measuredReport,
      results: [
        {
          ...measuredReport.results[0],
          findings: measuredReport.results[0].findings.map(f => ({ ...f, line: f.line + 2 }))
        }
      ]
    }
    const after =
      buildSarif(moved, fixtureRules, { repoRoot: '/repo', readFile: () => shifted }).runs[0].results ?? []
    const key = (r: sarif.Result) => `${r.ruleId}`
    for (const before of results) {
      const match = after.find(r => key(r) === key(before))
      expect(match?.partialFingerprints?.['leastPrivilege/v1']).toBe(
        before.partialFingerprints?.['leastPrivilege/v1']
      )
      expect(match?.locations?.[0].physicalLocation?.region?.startLine).toBe(
        (before.locations?.[0].physicalLocation?.region?.startLine ?? 0) + 2
      )
    }
  })

  it('tells apart findings of one rule on identical lines by occurrence', () => {
    const text = 'FROM alpine\nRUN apk add sudo\nRUN apk add sudo\n'
    const base = measuredReport.results[0].findings[1]
    const report: ScanReport = {
      ...measuredReport,
      results: [
        {
          ...measuredReport.results[0],
          findings: [
            { ...base, line: 3 },
            { ...base, line: 2 }
          ]
        }
      ]
    }
    const fps = (
      buildSarif(report, fixtureRules, { repoRoot: '/r', readFile: () => text }).runs[0].results ?? []
    ).map(r => r.partialFingerprints?.['leastPrivilege/v1'])
    expect(fps[0]?.replace(/:\d+$/, '')).toBe(fps[1]?.replace(/:\d+$/, ''))
    expect(new Set(fps).size).toBe(2)
  })

  it('still fingerprints when the file cannot be read, leaving the line hash to upload-sarif', () => {
    const r = (buildSarif(measuredReport, fixtureRules, {
      repoRoot: '/nonexistent',
      readFile: () => undefined
    }).runs[0].results ?? [])[0]
    expect(r.partialFingerprints?.primaryLocationLineHash).toBeUndefined()
    expect(r.partialFingerprints?.['leastPrivilege/v1']).toBeDefined()
  })

  it('reads files under repoRoot by default', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lp-repo-'))
    writeFileSync(path.join(root, 'Dockerfile'), ROOT_DOCKERFILE)
    const r = (buildSarif(measuredReport, fixtureRules, { repoRoot: root }).runs[0].results ?? []).find(
      x => x.ruleId === 'LP101'
    )
    expect(r?.partialFingerprints?.primaryLocationLineHash).toBe(lineHashes(ROOT_DOCKERFILE)[8])
  })
})

describe('buildSarif: operational problems', () => {
  it('reports notifications as toolExecutionNotifications, never as results', () => {
    const log = build(buildFailedReport)
    const invocation = log.runs[0].invocations?.[0]
    expect(invocation?.executionSuccessful).toBe(false)
    const notes = invocation?.toolExecutionNotifications ?? []
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'error',
          message: { text: 'Build failed at step 3/5: RUN make returned exit code 2.' },
          descriptor: { id: 'build-failed' },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'worker/Dockerfile', uriBaseId: '%SRCROOT%' },
                region: { startLine: 3 }
              }
            }
          ]
        }),
        expect.objectContaining({ level: 'warning', descriptor: { id: 'cleanup-failed' } })
      ])
    )
    expect(
      (log.runs[0].results ?? []).every(
        r => r.locations?.[0].physicalLocation?.artifactLocation?.uri !== 'worker/Dockerfile'
      )
    ).toBe(true)
    expect(invocation?.startTimeUtc).toBe('2025-01-02T03:04:05.000Z')
  })

  it("gives a notification's heading and the daemon's full error behind it, saying the heading once", () => {
    const detail =
      'build of worker/Dockerfile failed: [3/5] RUN make: exit code: 2\nmake: *** [all] Error 2\nsee the log'
    const report = (n: Partial<ScanReport['notifications'][number]>): ScanReport => ({
      ...cleanReport,
      notifications: [{ level: 'error', kind: 'build-failed', message: 'x', ...n }]
    })
    const text = (r: ScanReport) =>
      build(r).runs[0].invocations?.[0].toolExecutionNotifications?.[0].message.text
    // A heading cut from the detail's first line: the detail alone says it all.
    expect(text(report({ message: 'build of worker/Dockerfile failed: [3/5] RUN…', detail }))).toBe(detail)
    // A heading of its own (the daemon case): heading, blank line, detail.
    expect(
      text(
        report({ kind: 'daemon-unreachable', message: 'no Docker daemon answered', detail: 'connect ENOENT' })
      )
    ).toBe('no Docker daemon answered\n\nconnect ENOENT')
    expect(text(report({ message: 'plain' }))).toBe('plain')
  })

  it('is successful when only notes and warnings were raised', () => {
    expect(build(staticReport).runs[0].invocations?.[0].executionSuccessful).toBe(true)
    expect(build(daemonDownReport).runs[0].invocations?.[0].executionSuccessful).toBe(false)
  })

  it('truncates to the result limit, keeping the most severe, with a notification', () => {
    const report = largeReport(2, 30)
    const log = build(report, { maxResults: 10 })
    const results = log.runs[0].results ?? []
    expect(results).toHaveLength(10)
    expect(results.every(r => r.level === 'error')).toBe(true)
    const notes = log.runs[0].invocations?.[0].toolExecutionNotifications ?? []
    expect(notes.find(n => n.descriptor?.id === 'results-truncated')?.message.text).toMatch(
      /^50 of 60 results/
    )
    expect(schemaErrors(log)).toEqual([])
  })
})

describe('buildSarif: paths and categories', () => {
  it('makes URIs repo-relative with forward slashes and refuses paths outside the repo', () => {
    expect(repoRelativeUri('./docker\\app/Dockerfile', '/repo')).toBe('docker/app/Dockerfile')
    expect(repoRelativeUri('/repo/a b/Dockerfile', '/repo')).toBe('a%20b/Dockerfile')
    expect(repoRelativeUri('file:///repo/x/Dockerfile', '/repo')).toBe('x/Dockerfile')
    expect(repoRelativeUri('a#1/Dockerfile?x', '/repo')).toBe('a%231/Dockerfile%3Fx')
    expect(repoRelativeUri('../other/Dockerfile', '/repo')).toBeUndefined()
    expect(repoRelativeUri('/elsewhere/Dockerfile', '/repo')).toBeUndefined()
    // A folder named `https:` (the path normalises to `https:/x/Dockerfile`): a relative URI, never a scheme.
    expect(repoRelativeUri('https://x/Dockerfile', '/repo')).toBe('https%3A/x/Dockerfile')
  })

  it('keeps findings of files outside the repository, with absolute file:// URIs and a warning', () => {
    const outside: ScanReport = {
      ...measuredReport,
      results: [
        {
          ...measuredReport.results[0],
          findings: measuredReport.results[0].findings.map(f => ({ ...f, file: '../x/Dockerfile' }))
        }
      ]
    }
    const log = build(outside)
    const results = log.runs[0].results ?? []
    expect(results).toHaveLength(measuredReport.results[0].findings.length)
    for (const result of results) {
      expect(result.locations?.[0].physicalLocation?.artifactLocation).toEqual({
        uri: 'file:///x/Dockerfile'
      })
    }
    expect(schemaErrors(log)).toEqual([])
    const warning = log.runs[0].invocations?.[0].toolExecutionNotifications?.find(
      n => n.descriptor?.id === 'outside-repository'
    )
    expect(warning?.message.text).toMatch(/file:\/\/ URIs, which GitHub code scanning cannot place/)
  })

  it('sets a category, ending in a slash', () => {
    expect(build(staticReport).runs[0].automationDetails?.id).toBe('least-privilege/')
    expect(
      build(staticReport, { automationId: 'least-privilege/services' }).runs[0].automationDetails?.id
    ).toBe('least-privilege/services/')
    expect(automationIdOf('  ')).toBe('least-privilege/')
    expect(automationIdOf('api/')).toBe('api/')
  })

  it('accepts a category of one printable line and says what is wrong with any other', () => {
    expect(categoryProblem('least-privilege/api')).toBeUndefined()
    expect(categoryProblem('my scans: api (nightly)')).toBeUndefined()
    expect(categoryProblem('//')).toMatch(/needs text besides "\/"/)
    expect(categoryProblem('a\nb')).toMatch(/one line/)
    expect(categoryProblem('x'.repeat(256))).toMatch(/at most 255/)
  })

  it('keeps hostile text plain and escapes embedded-link syntax in messages', () => {
    const log = build(hostileReport)
    const result = (log.runs[0].results ?? [])[0]
    const text = result.message.text ?? ''
    expect(text).not.toContain('\u001b')
    expect(text).not.toContain('\u0007')
    expect(result.locations?.[0].physicalLocation?.artifactLocation?.uri).not.toMatch(/[ <>|`#]/)
    const relatedLink = build({
      ...measuredReport,
      results: [
        {
          ...measuredReport.results[0],
          findings: [{ ...measuredReport.results[0].findings[0], message: 'see [here](1) now' }]
        }
      ]
    }).runs[0].results?.[0].message.text
    expect(relatedLink).toBe('see \\[here\\](1) now')
  })
})
