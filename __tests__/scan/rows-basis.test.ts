// The five rows say what each verdict rests on (declared or measured) and which finding decided it, as
// data: no reporter reads a reason text. Inputs are real Dockerfile models, real rule findings, real
// compose and Kubernetes readers; LP200's `assumed_principles` is also given by hand, as a structured fact.
import { describe, expect, it } from '@jest/globals'
import { stringify } from 'yaml'
import { measurement } from '../../__fixtures__/scan-reports/reports'
import { readCompose } from '../../src/deployment/compose/index'
import { readKubernetesManifest } from '../../src/deployment/kubernetes'
import type { Deployment } from '../../src/deployment/types'
import { buildModel } from '../../src/dockerfile/model'
import type { Finding } from '../../src/findings'
import type { Principle } from '../../src/principles'
import { defaultProfile, parseRunOptions } from '../../src/profile/parse'
import type { RuntimeProfile } from '../../src/profile/types'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES } from '../../src/rules/registry'
import { DOCKER_DEFAULTS_ASSUMED, principleRows, type RowInputs } from '../../src/scan/rows'
import type { PrincipleRow, TargetInfo } from '../../src/scan/types'

const NONE: TargetInfo = { name: "Docker's defaults", source: 'none' }

function byPrinciple(rows: PrincipleRow[]): Record<Principle, PrincipleRow> {
  return Object.fromEntries(rows.map(r => [r.principle, r])) as Record<Principle, PrincipleRow>
}

/** Rows of a static scan, with the real rules' findings (plus any given by hand). */
function staticRows(
  dockerfile: string,
  options: { profile?: RuntimeProfile; deployment?: Deployment; target?: TargetInfo; extra?: Finding[] } = {}
): Record<Principle, PrincipleRow> {
  const model = buildModel(dockerfile, 'Dockerfile')
  const profile = options.deployment?.profile ?? options.profile ?? defaultProfile()
  const findings = [
    ...evaluateRules(ALL_RULES, { model, profile, deployment: options.deployment }),
    ...(options.extra ?? [])
  ]
  const inputs: RowInputs = {
    model,
    profile,
    findings,
    notMeasuredReason: 'static only (--no-build)',
    target: options.target ?? NONE,
    ...(options.deployment ? { deployment: options.deployment } : {})
  }
  return byPrinciple(principleRows(inputs))
}

function finding(partial: Partial<Finding> & Pick<Finding, 'ruleId' | 'principle' | 'level'>): Finding {
  return {
    message: `${partial.ruleId} message`,
    evidence: 'dockerfile',
    file: 'Dockerfile',
    line: 1,
    ...partial
  }
}

/** LP200 as the lead's rule writes it: a note, with the principles that rest on Docker's defaults. */
const lp200 = (suppressed = false): Finding =>
  finding({
    ruleId: 'LP200',
    principle: 'runtime-hardening',
    level: 'note',
    evidence: 'deployment',
    message: 'No deployment declared: judged under Docker defaults.',
    properties: { assumed_principles: ['runtime-hardening', 'no-escalation'] },
    ...(suppressed ? { suppression: { kind: 'inline', justification: 'known', line: 1 } } : {})
  })

function composeService(body: string[]): Deployment {
  const text = ['services:', '  app:', '    image: app:1', ...body.map(l => `    ${l}`)].join('\n') + '\n'
  const file = readCompose(['compose.yaml'], {
    readFile: path => {
      if (path === '/repo/compose.yaml') return text
      throw new Error(`unexpected read of ${path}`)
    },
    exists: () => false,
    env: {},
    repoRoot: '/repo'
  })
  return file.deployments[0]
}

function kubernetesPod(container: Record<string, unknown>, spec: Record<string, unknown> = {}): Deployment {
  const text = stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { ...spec, containers: [{ name: 'app', image: 'app:1', ...container }] }
  })
  return readKubernetesManifest(text, 'pod.yaml').deployments[0]
}

const target = (d: Deployment): TargetInfo => ({ name: d.name, source: d.source, file: d.file })

describe('least privilege in a static scan', () => {
  it('passes an explicit numeric non-root USER, declared, not "not measured"', () => {
    const rows = staticRows('FROM scratch\nUSER 1001:1001\n')
    expect(rows['least-privilege']).toMatchObject({ verdict: 'pass', basis: 'declared' })
    expect(rows['least-privilege'].decidedBy).toBeUndefined()
  })

  it('fails no USER at all on the root finding, and names that finding as data', () => {
    // With a process: FROM scratch and nothing to run is only a note (issue 9, images without a process).
    const row = staticRows('FROM scratch\nCMD ["/app"]\n')['least-privilege']
    expect(row).toMatchObject({
      verdict: 'fail',
      basis: 'declared',
      decidedBy: { ruleId: 'LP101', level: 'error', file: 'Dockerfile', line: 1 }
    })
    expect(row.reason).toBe(`LP101: ${row.decidedBy?.message}`)
  })

  it('passes a root image that the deployment runs as a numeric non-root user', () => {
    expect(staticRows('FROM scratch\nUSER 0\n', { profile: parseRunOptions('--user 1001') })).toMatchObject({
      'least-privilege': { verdict: 'pass', basis: 'declared' }
    })
  })

  it('does not pass a deployment user given by name: only a number says the uid', () => {
    const model = buildModel('FROM scratch\nUSER 0\n', 'Dockerfile')
    const row = byPrinciple(
      principleRows({ model, profile: parseRunOptions('--user app'), findings: [], target: NONE })
    )['least-privilege']
    expect(row).toMatchObject({ verdict: 'not-measured', basis: 'none' })
  })

  it('passes a Kubernetes runAsUser over a root image, and says so in Kubernetes words', () => {
    const pod = kubernetesPod({ securityContext: { runAsUser: 1001 } })
    const row = staticRows('FROM scratch\nUSER 0\n', { deployment: pod, target: target(pod) })[
      'least-privilege'
    ]
    expect(row).toMatchObject({ verdict: 'pass', basis: 'declared', deployment: 'runAsUser: 1001' })
  })
})

describe('principles nothing declares', () => {
  it('are not measured with no deployment, with basis none and the reason', () => {
    const rows = staticRows('FROM scratch\nUSER 1001\n')
    for (const p of ['kernel-isolation', 'host-protection'] as const) {
      expect(rows[p]).toMatchObject({
        verdict: 'not-measured',
        basis: 'none',
        reason: 'static only (--no-build)'
      })
    }
  })

  it('pass, declared, under a declared deployment with no finding against them', () => {
    const service = composeService([
      'user: "1001"',
      'cap_drop: [ALL]',
      'security_opt: ["no-new-privileges:true"]'
    ])
    const rows = staticRows('FROM scratch\nUSER 1001\n', { deployment: service, target: target(service) })
    for (const p of Object.keys(rows) as Principle[]) {
      expect({ p, verdict: rows[p].verdict, basis: rows[p].basis }).toEqual({
        p,
        verdict: 'pass',
        basis: 'declared'
      })
    }
  })

  it('pass, declared, under run-options with no finding against them', () => {
    const profile = parseRunOptions('--cap-drop ALL --security-opt no-new-privileges')
    const rows = staticRows('FROM scratch\nUSER 1001\n', {
      profile,
      target: { name: 'run-options', source: 'run-options' }
    })
    expect(rows['kernel-isolation']).toMatchObject({ verdict: 'pass', basis: 'declared' })
    expect(rows['no-escalation']).toMatchObject({ verdict: 'pass', basis: 'declared' })
  })
})

describe('Docker defaults assumed (LP200 assumed_principles)', () => {
  it('warns the principles LP200 lists, declared, with LP200 as the deciding finding', () => {
    const model = buildModel('FROM scratch\nUSER 1001\n', 'Dockerfile')
    const rows = byPrinciple(
      principleRows({ model, profile: defaultProfile(), findings: [lp200()], target: NONE })
    )
    for (const p of ['runtime-hardening', 'no-escalation'] as const) {
      expect(rows[p]).toMatchObject({
        verdict: 'warn',
        basis: 'declared',
        assumed: 'docker-defaults',
        reason: DOCKER_DEFAULTS_ASSUMED,
        decidedBy: { ruleId: 'LP200', level: 'note' }
      })
    }
    // Principles LP200 does not list keep their own verdict.
    expect(rows['kernel-isolation']).toMatchObject({ verdict: 'not-measured', basis: 'none' })
    expect(rows['least-privilege']).toMatchObject({ verdict: 'pass', basis: 'declared' })
  })

  it('comes from the real LP200 on a Dockerfile with no deployment', () => {
    const rows = staticRows('FROM scratch\nUSER 1001\n')
    expect(rows['runtime-hardening']).toMatchObject({ verdict: 'warn', assumed: 'docker-defaults' })
    expect(rows['no-escalation']).toMatchObject({ verdict: 'warn', assumed: 'docker-defaults' })
  })

  it('rests on the measurement when there is one', () => {
    const model = buildModel('FROM scratch\nUSER 1001\n', 'Dockerfile')
    const rows = byPrinciple(
      principleRows({ model, profile: defaultProfile(), measurement, findings: [lp200()], target: NONE })
    )
    expect(rows['runtime-hardening']).toMatchObject({
      verdict: 'warn',
      basis: 'measured',
      assumed: 'docker-defaults'
    })
    expect(rows['kernel-isolation']).toMatchObject({ verdict: 'pass', basis: 'measured' })
  })

  it('gives way to a worse finding of the same principle', () => {
    const model = buildModel('FROM scratch\nUSER 1001\n', 'Dockerfile')
    const setcap = finding({ ruleId: 'LP201', principle: 'runtime-hardening', level: 'error', line: 3 })
    const rows = byPrinciple(
      principleRows({ model, profile: defaultProfile(), findings: [lp200(), setcap], target: NONE })
    )
    expect(rows['runtime-hardening']).toMatchObject({
      verdict: 'fail',
      decidedBy: { ruleId: 'LP201', line: 3 }
    })
    expect(rows['runtime-hardening'].assumed).toBeUndefined()
    expect(rows['no-escalation']).toMatchObject({ verdict: 'warn', assumed: 'docker-defaults' })
  })

  it('is not assumed when LP200 is suppressed, nor from a message that only says so', () => {
    const model = buildModel('FROM scratch\nUSER 1001\n', 'Dockerfile')
    const wording = finding({
      ruleId: 'LP999',
      principle: 'no-escalation',
      level: 'note',
      message: 'Docker defaults assumed for runtime-hardening and no-escalation'
    })
    const rows = byPrinciple(
      principleRows({ model, profile: defaultProfile(), findings: [lp200(true), wording], target: NONE })
    )
    expect(rows['runtime-hardening']).toMatchObject({ verdict: 'not-measured', basis: 'none' })
    expect(rows['no-escalation']).toMatchObject({ verdict: 'not-measured', basis: 'none' })
  })
})

describe('with a measurement', () => {
  it('every row rests on it; active findings decide, suppressed ones do not', () => {
    const model = buildModel('FROM scratch\nUSER 1001\n', 'Dockerfile')
    const caps = finding({
      ruleId: 'LP241',
      principle: 'runtime-hardening',
      level: 'warning',
      evidence: 'measured'
    })
    const hidden = finding({
      ruleId: 'LP401',
      principle: 'no-escalation',
      level: 'error',
      suppression: { kind: 'inline', justification: 'ok', line: 1 }
    })
    const rows = principleRows({
      model,
      profile: parseRunOptions('--cap-drop ALL'),
      measurement,
      findings: [caps, hidden],
      target: { name: 'run-options', source: 'run-options' }
    })
    expect(rows.map(r => r.basis)).toEqual(Array(5).fill('measured'))
    expect(byPrinciple(rows)['runtime-hardening']).toMatchObject({
      verdict: 'warn',
      decidedBy: { ruleId: 'LP241', level: 'warning' }
    })
    expect(byPrinciple(rows)['no-escalation']).toMatchObject({ verdict: 'pass' })
  })

  it('prefers the measured finding among findings of the worst level', () => {
    const model = buildModel('FROM scratch\n', 'Dockerfile')
    const declared = finding({ ruleId: 'LP101', principle: 'least-privilege', level: 'error' })
    const measuredRoot = finding({
      ruleId: 'LP140',
      principle: 'least-privilege',
      level: 'error',
      evidence: 'measured'
    })
    const row = byPrinciple(
      principleRows({ model, profile: defaultProfile(), measurement, findings: [declared, measuredRoot] })
    )['least-privilege']
    expect(row.decidedBy?.ruleId).toBe('LP140')
  })
})

describe('the deployment cell speaks the source language', () => {
  it('compose keys', () => {
    const service = composeService([
      'user: "1001"',
      'cap_drop: [ALL]',
      'cap_add: [NET_BIND_SERVICE]',
      'security_opt: ["no-new-privileges:true", "seccomp:unconfined"]',
      'pid: host',
      'volumes: ["/var/run/docker.sock:/var/run/docker.sock"]'
    ])
    const rows = staticRows('FROM scratch\nUSER 1001\n', { deployment: service, target: target(service) })
    expect(rows['least-privilege'].deployment).toBe('user: 1001')
    expect(rows['runtime-hardening'].deployment).toBe('cap_drop: [ALL]; cap_add: [NET_BIND_SERVICE]')
    expect(rows['kernel-isolation'].deployment).toBe('security_opt: seccomp:unconfined; LSM default')
    expect(rows['no-escalation'].deployment).toBe('security_opt: no-new-privileges')
    expect(rows['host-protection'].deployment).toBe('pid: host; volumes: 1 bind mount')
  })

  it('compose privileged and an empty service', () => {
    const privileged = composeService(['privileged: true'])
    const rows = staticRows('FROM scratch\n', { deployment: privileged, target: target(privileged) })
    expect(rows['runtime-hardening'].deployment).toBe('privileged: true')
    expect(rows['kernel-isolation'].deployment).toBe('seccomp off (privileged: true); LSM default')
    const bare = composeService([])
    const plain = staticRows('FROM scratch\n', { deployment: bare, target: target(bare) })
    expect(plain['least-privilege'].deployment).toBe('image user (no user:)')
    expect(plain['no-escalation'].deployment).toBe('no-new-privileges not set')
    expect(
      Object.values(plain)
        .map(r => r.deployment)
        .join(' ')
    ).not.toContain('Docker defaults')
  })

  it('Kubernetes fields, and "Kubernetes default" for what the platform supplies', () => {
    const pod = kubernetesPod({ name: 'app' })
    const rows = staticRows('FROM scratch\nUSER 1001\n', { deployment: pod, target: target(pod) })
    expect(rows['kernel-isolation'].deployment).toBe(
      'seccompProfile: Unconfined (Kubernetes default); LSM default'
    )
    expect(rows['no-escalation'].deployment).toBe('allowPrivilegeEscalation: true (Kubernetes default)')
    expect(rows['runtime-hardening'].deployment).toBe('default capabilities (Kubernetes default)')
    expect(rows['host-protection'].deployment).toBe(
      'no host namespaces or hostPath volumes; hostUsers: true (Kubernetes default)'
    )
    expect(rows['least-privilege'].deployment).toBe('image user (no runAsUser)')
    expect(
      Object.values(rows)
        .map(r => r.deployment)
        .join(' ')
    ).not.toContain('Docker defaults')
  })

  it('Kubernetes fields as written', () => {
    const pod = kubernetesPod(
      {
        securityContext: {
          runAsUser: 1001,
          privileged: false,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' }
        }
      },
      { hostNetwork: true }
    )
    const rows = staticRows('FROM scratch\nUSER 1001\n', { deployment: pod, target: target(pod) })
    expect(rows['least-privilege'].deployment).toBe('runAsUser: 1001')
    expect(rows['runtime-hardening'].deployment).toBe('capabilities.drop: [ALL]')
    expect(rows['kernel-isolation'].deployment).toBe('seccompProfile: RuntimeDefault; LSM default')
    expect(rows['no-escalation'].deployment).toBe('allowPrivilegeEscalation: false')
    expect(rows['host-protection'].deployment).toMatch(/^hostNetwork: true/)
    const privileged = kubernetesPod({
      securityContext: { privileged: true, seccompProfile: { type: 'Unconfined' } }
    })
    const p = staticRows('FROM scratch\n', { deployment: privileged, target: target(privileged) })
    expect(p['runtime-hardening'].deployment).toBe('privileged: true')
  })

  it('run-options and no deployment keep the docker run words', () => {
    const none = staticRows('FROM scratch\n')
    expect(none['runtime-hardening'].deployment).toBe('default capabilities (Docker defaults)')
    expect(none['no-escalation'].deployment).toBe('no-new-privileges not set (Docker defaults)')
    const flags = staticRows('FROM scratch\n', {
      profile: parseRunOptions('--user 1001 --cap-drop ALL'),
      target: { name: 'run-options', source: 'run-options' }
    })
    expect(flags['least-privilege'].deployment).toBe('--user 1001')
    expect(flags['runtime-hardening'].deployment).toBe('--cap-drop ALL')
  })
})
