// One result per cause: a Dockerfile judged under two compose services holds its Dockerfile findings once
// per service, but SARIF, annotations and the counts show each cause once, naming both services. The
// per-target sections of text and Markdown keep showing every target's own findings.
import { describe, expect, it } from '@jest/globals'
import { profile } from '../../__fixtures__/scan-reports/reports'
import { selectAnnotations } from '../../src/action/annotations'
import { readCompose } from '../../src/deployment/compose/index'
import type { Deployment } from '../../src/deployment/types'
import { buildModel } from '../../src/dockerfile/model'
import type { Finding } from '../../src/findings'
import { STABLE_FINGERPRINT_KEY } from '../../src/fingerprints'
import { renderJson } from '../../src/report/json'
import { renderCommentBody, renderMarkdown } from '../../src/report/markdown'
import { buildSarif } from '../../src/report/sarif'
import { renderText } from '../../src/report/text'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES, ruleMetas } from '../../src/rules/registry'
import { applySuppressions } from '../../src/rules/suppress'
import { alertsOf } from '../../src/scan/alerts'
import { gate } from '../../src/scan/gate'
import { outcome } from '../../src/scan/outcome'
import { principleRows } from '../../src/scan/rows'
import type { ScanReport, ScanResult } from '../../src/scan/types'
import { schemaErrors } from './sarif-schema'

const DOCKERFILE = 'FROM scratch\nCOPY busybox /bin/busybox\nRUN chmod u+s /bin/busybox\n'
const COMPOSE = [
  'services:',
  '  api:',
  '    image: shop/app:1',
  '    user: "1001"',
  '  worker:',
  '    image: shop/app:1',
  '    privileged: true',
  ''
].join('\n')

function services(): Deployment[] {
  return readCompose(['compose.yaml'], {
    readFile: path => {
      if (path === '/repo/compose.yaml') return COMPOSE
      throw new Error(`unexpected read of ${path}`)
    },
    exists: () => false,
    env: {},
    repoRoot: '/repo'
  }).deployments
}

/** One result per service, judged by the real rules as the scan judges them. */
function twoServiceReport(dockerfile = DOCKERFILE): ScanReport {
  const model = buildModel(dockerfile, 'app/Dockerfile')
  const results: ScanResult[] = services().map(deployment => {
    const findings = applySuppressions(
      evaluateRules(ALL_RULES, { model, profile: deployment.profile, deployment }),
      model,
      ruleMetas()
    )
    const target = { name: deployment.name, source: deployment.source, file: deployment.file }
    return {
      file: 'app/Dockerfile',
      target,
      model,
      profile: deployment.profile,
      findings,
      notMeasuredReason: 'static only',
      rows: principleRows({ model, profile: deployment.profile, findings, target, deployment }),
      notifications: []
    }
  })
  return { results, notifications: [], startedAt: '', finishedAt: '' }
}

const readFile = (rel: string): string | undefined =>
  rel === 'app/Dockerfile' ? DOCKERFILE : rel === 'compose.yaml' ? COMPOSE : undefined

describe('one SARIF result per cause across targets', () => {
  const report = twoServiceReport()
  const names = ['compose.yaml service api', 'compose.yaml service worker']

  it('gives each Dockerfile finding once, naming both services', () => {
    // The setuid chmod is found under both services: the same cause twice in the results.
    const perTarget = report.results.map(r => r.findings.filter(f => f.ruleId === 'LP401').length)
    expect(perTarget).toEqual([1, 1])

    const log = buildSarif(report, ruleMetas(), { repoRoot: '/repo', readFile })
    expect(schemaErrors(log)).toEqual([])
    const results = log.runs[0].results ?? []
    const inDockerfile = results.filter(
      r => r.locations?.[0].physicalLocation?.artifactLocation?.uri === 'app/Dockerfile'
    )
    const keys = inDockerfile.map(r => `${r.ruleId}:${r.locations?.[0].physicalLocation?.region?.startLine}`)
    expect(keys.length).toBeGreaterThan(0)
    expect(new Set(keys).size).toBe(keys.length)
    const setuid = inDockerfile.find(r => r.ruleId === 'LP401')
    expect(setuid?.properties?.targets).toEqual(names)
    expect(setuid?.properties?.target).toBeUndefined()
    // One occurrence of the cause, so its fingerprint is the first occurrence's.
    expect(setuid?.partialFingerprints?.[STABLE_FINGERPRINT_KEY]).toMatch(/:1$/)
    // A finding of one service alone (privileged: true, in compose.yaml) names only that service.
    const privileged = results.find(r => r.ruleId === 'LP220')
    expect(privileged?.locations?.[0].physicalLocation?.artifactLocation?.uri).toBe('compose.yaml')
    expect(privileged?.properties).toMatchObject({ target: names[1], targets: [names[1]] })
    // Every finding of the report is in exactly one result.
    const all = report.results.flatMap(r => r.findings)
    expect(results.length).toBe(alertsOf(report).length)
    expect(results.length).toBeLessThan(all.length)
  })

  it('annotates each cause once, naming the services it applies to', () => {
    const annotations = selectAnnotations(report, ruleMetas())
    const setuid = annotations.filter(a => a.title.startsWith('LP401'))
    expect(setuid).toHaveLength(1)
    expect(setuid[0].message).toContain(`applies to ${names.join('; ')}`)
    expect(setuid[0]).toMatchObject({ file: 'app/Dockerfile', startLine: 3 })
  })

  it('counts each cause once, and the gate agrees with every format', () => {
    const judged = outcome(report, 'warning')
    const causes = alertsOf(report).filter(a => !a.finding.suppression)
    expect(judged.findings).toBe(causes.length)
    expect(judged.files).toBe(1)
    expect(gate(report, 'warning', judged).reason).toBe(judged.reason)
    const json = renderJson(report, ruleMetas(), { outcome: judged })
    expect(json).toMatchObject({ verdict: judged.verdict, fail_on: 'warning', summary: judged.sentence })
    expect(json.totals.findings).toBe(causes.length)
    // The per-target totals stay per target.
    expect(json.results.map(r => r.totals.error + r.totals.warning + r.totals.note)).toEqual(
      report.results.map(r => r.findings.filter(f => !f.suppression).length)
    )
    expect(renderText(report, ruleMetas(), { color: false, failOn: 'warning', outcome: judged })).toContain(
      judged.sentence
    )
  })

  it('keeps per-target findings in the per-target sections', () => {
    const text = renderText(report, ruleMetas(), { color: false, failOn: 'error' })
    expect(text.match(/^ +3 {2}(error|warning) +LP401 /gm)).toHaveLength(2)
    const md = renderMarkdown(report, ruleMetas())
    expect(md.match(/\*\*warning\*\* \[LP401\]|\*\*error\*\* \[LP401\]/g)).toHaveLength(2)
    // The comment's top findings are across targets: one item per cause, with the services named.
    const comment = renderCommentBody(report, ruleMetas(), { marker: 'm', maxFindings: 50 })
    const top = comment.slice(comment.indexOf('**Top findings**'))
    expect(top.match(/\[LP401\]/g)).toHaveLength(1)
    expect(top).toContain('Applies to: compose.yaml service api, compose.yaml service worker')
  })
})

function finding(partial: Partial<Finding>): Finding {
  return {
    ruleId: 'LP401',
    principle: 'no-escalation',
    level: 'warning',
    message: 'setuid',
    evidence: 'dockerfile',
    file: 'Dockerfile',
    line: 3,
    ...partial
  }
}

function handReport(perTarget: Finding[][]): ScanReport {
  return {
    results: perTarget.map((findings, i) => ({
      file: 'Dockerfile',
      target: { name: `service ${i}`, source: 'compose', file: 'compose.yaml', line: i + 1 },
      profile: profile(),
      findings,
      rows: [],
      notifications: []
    })),
    notifications: [],
    startedAt: '',
    finishedAt: ''
  }
}

const suppressed = { suppression: { kind: 'inline' as const, justification: 'ok', line: 2 } }

describe('alertsOf', () => {
  it('keeps the worst level and its message', () => {
    const [alert] = alertsOf(
      handReport([
        [finding({ message: 'as a warning' })],
        [finding({ level: 'error', message: 'as an error' })]
      ])
    )
    expect(alert).toMatchObject({
      finding: { level: 'error', message: 'as an error' },
      targets: ['service 0', 'service 1'],
      dockerfiles: ['Dockerfile'],
      occurrences: 2
    })
  })

  it('is suppressed only when suppressed under every target', () => {
    const some = alertsOf(handReport([[finding(suppressed)], [finding({})]]))
    expect(some).toHaveLength(1)
    expect(some[0].finding.suppression).toBeUndefined()
    const all = alertsOf(handReport([[finding(suppressed)], [finding(suppressed)]]))
    expect(all[0].finding.suppression).toEqual(suppressed.suppression)
    expect(outcome(handReport([[finding(suppressed)], [finding(suppressed)]]), 'note')).toMatchObject({
      findings: 0,
      suppressed: 1,
      verdict: 'pass'
    })
    expect(outcome(handReport([[finding(suppressed)], [finding({})]]), 'warning')).toMatchObject({
      findings: 1,
      suppressed: 0,
      verdict: 'fail'
    })
  })

  it('an active occurrence decides over a worse suppressed one', () => {
    const [alert] = alertsOf(
      handReport([
        [finding({ level: 'error', message: 'hidden', ...suppressed })],
        [finding({ message: 'shown' })]
      ])
    )
    expect(alert.finding).toMatchObject({ level: 'warning', message: 'shown' })
  })

  it('keeps apart findings of one rule on one line within a target, and other lines or end lines', () => {
    const alerts = alertsOf(
      handReport([
        [finding({ message: '/a' }), finding({ message: '/b' }), finding({ line: 4 })],
        [finding({ message: '/a' }), finding({ message: '/b' }), finding({ line: 3, endLine: 5 })]
      ])
    )
    expect(alerts.map(a => [a.finding.line, a.finding.endLine, a.finding.message, a.targets.length])).toEqual(
      [
        [3, undefined, '/a', 2],
        [3, undefined, '/b', 2],
        [4, undefined, 'setuid', 1],
        [3, 5, 'setuid', 1]
      ]
    )
  })
})
