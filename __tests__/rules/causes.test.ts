// One cause, one finding: a declared setting and the measurement of the same thing are one result, at the
// declared location and the measured level, carrying both; disagreements stay findings of their own.
import { describe, expect, it } from '@jest/globals'
import { readKubernetesManifest } from '../../src/deployment/kubernetes'
import type { ProbeReport } from '../../src/docker/probe-report'
import type { Measurement } from '../../src/docker/types'
import type { Finding } from '../../src/findings'
import { parseRunOptions } from '../../src/profile/parse'
import { mergeCauses } from '../../src/rules/causes'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES } from '../../src/rules/registry'
import { reconcileWithMeasurement } from '../../src/scan/reconcile'
import {
  NON_ROOT_USER,
  ROOT_USER,
  modelWithUser,
  probeFixture
} from '../../__fixtures__/probe-reports/context'

function judged(fixture: string, flags: string, user = ROOT_USER): Finding[] {
  const probe = probeFixture(fixture)
  const ctx = { model: modelWithUser(user), profile: parseRunOptions(flags), probe }
  const measurement = { probe } as unknown as Measurement
  return reconcileWithMeasurement(evaluateRules(ALL_RULES, ctx), measurement)
}
const ids = (findings: Finding[]) => findings.map(f => f.ruleId).sort()

describe('declared and measured pairs become one finding', () => {
  it.each([
    ['privileged-1001', '--privileged --user 1001', 'LP220', 'LP241', NON_ROOT_USER],
    ['seccomp-unconfined-root', '--security-opt seccomp=unconfined', 'LP320', 'LP340', ROOT_USER],
    ['default-root', '--read-only', 'LP420', 'LP440', ROOT_USER],
    ['default-root', '--read-only', 'LP101', 'LP140', ROOT_USER],
    ['apparmor-unconfined-root', '--security-opt apparmor=unconfined', 'LP321', 'LP341', ROOT_USER]
  ])('%s under %s: %s carries %s', (fixture, flags, declaredId, measuredId, user) => {
    const findings = judged(fixture, flags, user)
    expect(ids(findings)).toContain(declaredId)
    expect(ids(findings)).not.toContain(measuredId)
    const [one] = findings.filter(f => f.ruleId === declaredId)
    expect(one.message).toMatch(/ Measured: /)
    expect(one.properties).toMatchObject({
      basis: 'measured',
      declared: { rule_id: declaredId },
      measured: { rule_id: measuredId }
    })
  })

  it('takes the level from the measurement and keeps the declared location', () => {
    const declared: Finding = {
      ruleId: 'LP420',
      principle: 'no-escalation',
      level: 'warning',
      message: 'declared.',
      evidence: 'deployment',
      file: 'compose.yaml',
      line: 7
    }
    const measured: Finding = {
      ...declared,
      ruleId: 'LP440',
      level: 'error',
      evidence: 'measured',
      file: 'Dockerfile',
      line: 1
    }
    const [one, ...rest] = mergeCauses([declared, measured], probeFixture('default-root'))
    expect(rest).toEqual([])
    expect(one).toMatchObject({ ruleId: 'LP420', level: 'error', file: 'compose.yaml', line: 7 })
  })

  it('a --user root and a root image are two causes; the measurement joins the deployment one', () => {
    const findings = judged('default-root', '--user 0', NON_ROOT_USER)
    expect(ids(findings).filter(id => id.startsWith('LP1'))).toEqual(['LP120'])
    expect(findings.find(f => f.ruleId === 'LP120')?.properties).toMatchObject({
      measured: { rule_id: 'LP140' }
    })
  })

  it('a measured safe state turns the declared finding into a note that says what was measured', () => {
    const probe = probeFixture('nnp-root') // NoNewPrivs 1, as a daemon-wide no-new-privileges gives
    const ctx = { model: modelWithUser(ROOT_USER), profile: parseRunOptions('--read-only'), probe }
    const findings = reconcileWithMeasurement(evaluateRules(ALL_RULES, ctx), {
      probe
    } as unknown as Measurement)
    const [lp420] = findings.filter(f => f.ruleId === 'LP420')
    expect(lp420.level).toBe('note')
    expect(lp420.message).toMatch(/Measured: no_new_privs is on/)
  })

  it('leaves disagreements as findings of their own (inert cap_add for a non-root user)', () => {
    const findings = judged('cap-add-nbs-1001', '--cap-add NET_BIND_SERVICE', NON_ROOT_USER)
    expect(ids(findings)).toContain('LP242')
  })

  it('never reports two results for one cause across the whole observed matrix', () => {
    const matrix: [string, string][] = [
      ['default-root', '--read-only'],
      ['privileged-1001', '--privileged --user 1001'],
      ['seccomp-unconfined-root', '--security-opt seccomp=unconfined'],
      ['apparmor-unconfined-root', '--security-opt apparmor=unconfined'],
      ['selinux-spc-root', '--security-opt label=disable'],
      ['userns-remap-root', '--userns host']
    ]
    for (const [fixture, flags] of matrix) {
      const found = new Set(ids(judged(fixture, flags)))
      for (const [a, b] of [
        ['LP220', 'LP241'],
        ['LP320', 'LP340'],
        ['LP321', 'LP341'],
        ['LP420', 'LP440'],
        ['LP101', 'LP140'],
        ['LP120', 'LP140'],
        ['LP523', 'LP540']
      ])
        expect([fixture, found.has(a) && found.has(b)]).toEqual([fixture, false])
    }
  })
})

describe('a container the kubelet refuses, and a pod with its own user namespace', () => {
  const manifest = (securityContext: string[], pod: string[] = []) =>
    readKubernetesManifest(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: reports}',
        'spec:',
        ...pod.map(l => `  ${l}`),
        '  containers:',
        '    - name: reports',
        '      image: reports:1',
        '      securityContext:',
        ...securityContext.map(l => `        ${l}`)
      ].join('\n'),
      'k8s/reports.yaml'
    ).deployments[0]

  function judge(deployment: ReturnType<typeof manifest>, probe?: ProbeReport): Finding[] {
    const ctx = { model: modelWithUser(ROOT_USER), profile: deployment.profile, deployment, probe }
    const measurement = probe ? ({ probe } as unknown as Measurement) : undefined
    return reconcileWithMeasurement(evaluateRules(ALL_RULES, ctx), measurement)
  }

  it('runAsNonRoot over a root image: the refusal is the one least-privilege error, statically and measured', () => {
    const refused = manifest(['runAsNonRoot: true'])
    for (const probe of [undefined, probeFixture('default-root')]) {
      const findings = judge(refused, probe)
      const errors = findings.filter(f => f.principle === 'least-privilege' && f.level === 'error')
      expect(errors.map(f => `${f.ruleId}@${f.file}:${f.line}`)).toEqual(['LP121@k8s/reports.yaml:9'])
      expect(findings.find(f => f.ruleId === 'LP101')?.message).toMatch(
        /kubelet refuses to start this container/
      )
      expect(ids(findings)).not.toContain('LP140')
      expect(ids(findings)).not.toContain('LP540')
    }
    const measured = judge(refused, probeFixture('default-root')).find(f => f.ruleId === 'LP121')
    expect(measured?.properties?.measured).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule_id: 'LP540' })])
    )
  })

  it('hostUsers: false: root measured without a user namespace is a note saying why, not host root', () => {
    const findings = judge(manifest(['runAsUser: 0'], ['hostUsers: false']), probeFixture('default-root'))
    const lp540 = findings.filter(f => f.ruleId === 'LP540')
    expect(lp540.map(f => f.level)).toEqual(['note'])
    expect(lp540[0].message).toMatch(/hostUsers: false/)
    const shared = judge(manifest(['runAsUser: 0']), probeFixture('default-root'))
    expect(shared.filter(f => f.ruleId === 'LP540').map(f => f.level)).toEqual(['warning'])
  })
})
