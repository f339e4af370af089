// The verified least-privilege profile as the reporters render it, from hand-made suggestions: the summary's
// collapsible section (hostile evidence stays inert), the size budget, one comment line per target, the text
// block, and the SARIF fix that writes the snippet into the compose service or Kubernetes container.
import { describe, expect, it } from '@jest/globals'
import type * as sarif from 'sarif'
import { measuredResult, rootFindings } from '../../__fixtures__/scan-reports/reports'
import { fixtureRules } from '../../__fixtures__/scan-reports/rules'
import { renderCommentBody, renderMarkdown } from '../../src/report/markdown'
import { buildSarif } from '../../src/report/sarif'
import { snippetReplacements, suggestionMarkdown } from '../../src/report/suggestion'
import { renderText } from '../../src/report/text'
import type { ScanReport, ScanResult } from '../../src/scan/types'
import type { Suggestion } from '../../src/suggest/types'
import { githubProblems, schemaErrors } from './sarif-schema'

const HOSTILE_EVIDENCE =
  'without it the entrypoint exits 1 with `chown: /data: Operation not permitted` | pipe </details><details open><summary>x</summary> <img src=x onerror=alert(1)> @org #12 [link](https://evil.example) \u001b[31mred\u0007 ``` fence'

const suggestion: Suggestion = {
  status: 'verified',
  docker:
    '--cap-drop ALL --cap-add CHOWN --security-opt no-new-privileges --read-only --tmpfs /var/cache/app',
  compose:
    'cap_drop:\n  - ALL\ncap_add:\n  - CHOWN\nsecurity_opt:\n  - no-new-privileges:true\nread_only: true\ntmpfs:\n  - /var/cache/app\n',
  kubernetes:
    'securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop:\n      - ALL\n    add:\n      - CHOWN\n',
  needs: [
    { kind: 'capability', value: 'CHOWN', evidence: HOSTILE_EVIDENCE },
    { kind: 'writable-path', value: '/var/cache/app', evidence: "read-only: `mkdir: can't create directory`" }
  ],
  verified: { outcome: 'running', windowMs: 2000, ports: ['tcp/8080'], healthcheck: 'passed' },
  limits: 'Behaviour under real traffic and rarely used code paths cannot be shown by a 2 s run.',
  trials: 5
}

const COMPOSE = [
  'services:',
  '  api:',
  '    build: .',
  '    cap_drop:',
  '    - NET_RAW',
  '    # keep',
  '    user: "1001"',
  '  other:',
  '    image: x',
  ''
].join('\n')

const MANIFEST = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: p',
  'spec:',
  '  containers:',
  '    - name: api',
  '      image: example.com/api:1',
  '      securityContext:',
  '        privileged: true',
  '    - name: side',
  '      image: x',
  ''
].join('\n')

const composeResult: ScanResult = {
  ...measuredResult,
  target: { name: 'compose.yaml service api', source: 'compose', file: 'compose.yaml', line: 2 },
  findings: [
    ...rootFindings,
    { ...rootFindings[0], ruleId: 'LP202', file: 'compose.yaml', line: 4, endLine: 4, message: 'cap_drop' }
  ],
  suggestion
}
const k8sResult: ScanResult = {
  ...measuredResult,
  file: 'k8s/pod.yaml',
  target: { name: 'k8s/pod.yaml Pod/p container api', source: 'kubernetes', file: 'k8s/pod.yaml', line: 7 },
  findings: [{ ...rootFindings[0], ruleId: 'LP202', file: 'k8s/pod.yaml', line: 10, endLine: 10 }],
  suggestion
}
const TIMES = { startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' }
const report: ScanReport = { results: [composeResult, k8sResult], notifications: [], ...TIMES }
const FILES: Record<string, string> = {
  'compose.yaml': COMPOSE,
  'k8s/pod.yaml': MANIFEST,
  Dockerfile: 'FROM scratch\n'
}

/** What a viewer applying the fix would write: the replacements applied from the end. */
function apply(text: string, replacements: sarif.Replacement[]): string {
  let out = text
  for (const r of [...replacements].sort(
    (a, b) => (b.deletedRegion.charOffset ?? 0) - (a.deletedRegion.charOffset ?? 0)
  )) {
    const from = r.deletedRegion.charOffset as number
    out =
      out.slice(0, from) +
      (r.insertedContent?.text ?? '') +
      out.slice(from + (r.deletedRegion.charLength as number))
  }
  return out
}

describe('suggestion in the job summary', () => {
  const md = renderMarkdown(report, fixtureRules)

  it('is a collapsed section per target with the flags, compose keys and securityContext as code blocks', () => {
    const section = suggestionMarkdown(composeResult)
    expect(
      section.startsWith(
        '<details><summary>Suggested least-privilege profile (verified: still running after 2 s, listening on tcp/8080, HEALTHCHECK passed)</summary>'
      )
    ).toBe(true)
    expect(section.endsWith('</details>')).toBe(true)
    expect(section).toContain('```sh\n--cap-drop ALL --cap-add CHOWN')
    expect(section).toContain('```yaml\ncap_drop:\n  - ALL')
    expect(section).toContain('```yaml\nsecurityContext:')
    expect(section).toContain('Not shown by a short run: Behaviour under real traffic')
    expect(md.split('<summary>Suggested least-privilege profile').length - 1).toBe(2)
  })

  it('keeps hostile evidence inert: no HTML, no extra details, no links, no controls, one line', () => {
    const section = suggestionMarkdown(composeResult)
    const need = section.split('\n').find(l => l.startsWith('- capability CHOWN:')) as string
    expect(need).toBeDefined()
    expect(need).not.toMatch(/<(?!code>|\/code>)[a-z/]/i)
    // `[link](…)` stays text: its `]` escaped, the URL's `://` broken.
    expect(need).not.toMatch(/[^\\]\]\(/)
    // eslint-disable-next-line no-control-regex
    expect(need).not.toMatch(/[\u0000-\u001f\u007f]/)
    expect(need).toContain('`chown: /data: Operation not permitted`')
    expect(need).toContain('\\|')
    // Exactly one details block opened and closed per section.
    expect(section.match(/<details>/g)).toHaveLength(1)
    expect(section.match(/<\/details>/g)).toHaveLength(1)
  })

  it('fences snippets that hold backticks so they cannot close early', () => {
    const sneaky = { ...composeResult, suggestion: { ...suggestion, docker: '--user "```"\n</details>' } }
    const section = suggestionMarkdown(sneaky)
    expect(section).toContain('````sh\n--user "```"\n</details>\n````')
  })

  it('stays within the summary budget, saying what it left out', () => {
    const big: Suggestion = {
      ...suggestion,
      needs: Array.from({ length: 50 }, (_, i) => ({
        kind: 'capability' as const,
        value: `CAP_${i}`,
        evidence: 'x'.repeat(400)
      }))
    }
    const heavy: ScanReport = { ...report, results: [{ ...composeResult, suggestion: big }] }
    const options = { detailsProbe: false }
    const full = renderMarkdown(heavy, fixtureRules, options)
    expect(full).toContain('Suggested least-privilege profile (')
    const limit = Buffer.byteLength(full) - 5000
    const cut = renderMarkdown(heavy, fixtureRules, { ...options, maxBytes: limit })
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(limit)
    expect(cut).not.toContain('Suggested least-privilege profile (')
    expect(cut).toContain('Suggested profile left out to stay within the size limit')
  })
})

describe('suggestion in the sticky comment and the text report', () => {
  it('the comment has one line per target pointing to the summary', () => {
    const body = renderCommentBody(report, fixtureRules, {
      marker: 'm',
      summaryUrl: 'https://github.com/o/r/actions/runs/1'
    })
    const lines = body.split('\n').filter(l => l.startsWith('Suggested least-privilege profile'))
    expect(lines).toEqual([
      'Suggested least-privilege profile (verified, 2 needs): see [the full report](https://github.com/o/r/actions/runs/1).',
      'Suggested least-privilege profile (verified, 2 needs): see [the full report](https://github.com/o/r/actions/runs/1).'
    ])
    expect(body).not.toContain('```')
  })

  it('the text report has a short block, terminal-safe and within the width', () => {
    const text = renderText({ ...report, results: [composeResult] }, fixtureRules, {
      color: false,
      width: 80,
      failOn: 'error'
    })
    expect(text).toContain('Suggested profile (verified: still running after 2 s')
    expect(text).toContain('docker run --cap-drop ALL')
    expect(text).toContain('needs capability CHOWN:')
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/)
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80)
  })
})

describe('suggestion as a SARIF fix', () => {
  const log = buildSarif(report, fixtureRules, { repoRoot: '/repo', readFile: rel => FILES[rel] })

  it('stays valid SARIF that GitHub accepts', () => {
    expect(schemaErrors(log)).toEqual([])
    expect(githubProblems(log)).toEqual([])
  })

  it('puts a fix on the deployment findings only, editing the deployment file', () => {
    const results = log.runs[0].results ?? []
    const withFix = results.filter(r => r.fixes)
    expect(withFix.map(r => r.locations?.[0].physicalLocation?.artifactLocation?.uri).sort()).toEqual([
      'compose.yaml',
      'k8s/pod.yaml'
    ])
    for (const r of withFix) {
      const change = (r.fixes as sarif.Fix[])[0].artifactChanges[0]
      expect(change.artifactLocation).toEqual(r.locations?.[0].physicalLocation?.artifactLocation)
    }
  })

  it('the compose edit replaces the keys it sets and inserts the rest at the service indentation', () => {
    const edited = apply(COMPOSE, snippetReplacements(COMPOSE, 2, suggestion.compose) as sarif.Replacement[])
    expect(edited).toBe(
      [
        'services:',
        '  api:',
        '    cap_drop:',
        '      - ALL',
        '    cap_add:',
        '      - CHOWN',
        '    security_opt:',
        '      - no-new-privileges:true',
        '    read_only: true',
        '    tmpfs:',
        '      - /var/cache/app',
        '    build: .',
        '    # keep',
        '    user: "1001"',
        '  other:',
        '    image: x',
        ''
      ].join('\n')
    )
  })

  it('the Kubernetes edit replaces the container securityContext, leaving the next container alone', () => {
    const edited = apply(
      MANIFEST,
      snippetReplacements(MANIFEST, 7, suggestion.kubernetes) as sarif.Replacement[]
    )
    expect(edited).toBe(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: p',
        'spec:',
        '  containers:',
        '    - name: api',
        '      securityContext:',
        '        allowPrivilegeEscalation: false',
        '        readOnlyRootFilesystem: true',
        '        capabilities:',
        '          drop:',
        '            - ALL',
        '          add:',
        '            - CHOWN',
        '      image: example.com/api:1',
        '    - name: side',
        '      image: x',
        ''
      ].join('\n')
    )
  })

  it('takes away a declared cap_add, privileged and host namespace the verified profile does not keep', () => {
    const declared =
      'services:\n  app:\n    build: .\n    cap_add:\n      - NET_ADMIN\n    privileged: true\n    pid: host\n    network_mode: bridge\n'
    const result: ScanResult = {
      ...composeResult,
      target: { name: 'compose.yaml service app', source: 'compose', file: 'compose.yaml', line: 2 },
      suggestion: { ...suggestion, compose: 'cap_drop:\n  - ALL\nread_only: true\n' }
    }
    const fix = buildSarif({ ...report, results: [result] }, fixtureRules, {
      repoRoot: '/repo',
      readFile: rel => (rel === 'compose.yaml' ? declared : FILES[rel])
    }).runs[0].results?.find(r => r.fixes)?.fixes?.[0]
    expect(apply(declared, fix?.artifactChanges[0].replacements ?? [])).toBe(
      'services:\n  app:\n    cap_drop:\n      - ALL\n    read_only: true\n    build: .\n    network_mode: bridge\n'
    )
  })

  it('offers no fix for a line that is not a key, an unverified profile, or a target without a manifest', () => {
    expect(snippetReplacements(COMPOSE, 6, suggestion.compose)).toBeUndefined()
    const unverified: ScanReport = {
      ...report,
      results: [
        {
          ...composeResult,
          suggestion: { ...suggestion, status: 'unverified', reason: 'no profile kept it alive' }
        }
      ]
    }
    const none = buildSarif(unverified, fixtureRules, { repoRoot: '/repo', readFile: rel => FILES[rel] })
    expect((none.runs[0].results ?? []).some(r => r.fixes)).toBe(false)
  })
})
