// Deployment findings speak the language of the file the fix goes in, and point at its line; with nothing
// declared, Docker's defaults are one note (LP200); a non-root deployment user turns the image's root into a note.
import { afterAll, describe, expect, it } from '@jest/globals'
import { readKubernetesManifest } from '../../src/deployment/kubernetes'
import type { Deployment } from '../../src/deployment/types'
import type { Finding } from '../../src/findings'
import { defaultProfile, parseRunOptions } from '../../src/profile/parse'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES } from '../../src/rules/registry'
import { ROOT_USER, modelWithUser, probeFixture } from '../../__fixtures__/probe-reports/context'
import { lines, project } from '../deployment/compose-helpers'

const model = modelWithUser(ROOT_USER)

function judge(deployment: Deployment | undefined, flags?: string): Finding[] {
  const profile = deployment?.profile ?? (flags === undefined ? defaultProfile() : parseRunOptions(flags))
  return evaluateRules(ALL_RULES, { model, profile, ...(deployment ? { deployment } : {}) })
}
const byRule = (findings: Finding[], id: string) => findings.filter(f => f.ruleId === id)

function kubernetes(container: string[], pod: string[] = []): Deployment {
  const text = lines(
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: api',
    'spec:',
    ...pod.map(l => `  ${l}`),
    '  containers:',
    '    - name: app',
    '      image: registry.example.com/team/api:1.2',
    ...container.map(l => `      ${l}`)
  )
  const [deployment] = readKubernetesManifest(text, 'k8s/api.yaml').deployments
  return deployment
}

const compose = project()
afterAll(() => compose.remove())
function composeService(service: string[]): Deployment {
  compose.write(
    'compose.yaml',
    lines('services:', '  worker:', '    image: example/worker', ...service.map(l => `    ${l}`))
  )
  const [deployment] = compose.read().deployments
  return deployment
}

describe('Kubernetes wording, at the manifest line', () => {
  it('names allowPrivilegeEscalation and capabilities.drop, at the container entry when the key is missing', () => {
    const findings = judge(kubernetes([]))
    const [nnp] = byRule(findings, 'LP420')
    expect(nnp.message).toMatch(/^No allowPrivilegeEscalation: false: Kubernetes leaves no_new_privs off/)
    expect(nnp.file).toBe('k8s/api.yaml')
    expect(nnp.line).toBe(7) // `- name: app`
    const [caps] = byRule(findings, 'LP221')
    expect(caps.message).toMatch(
      /^The Kubernetes container keeps 14 capabilities .*no capabilities\.drop: \[ALL\]/
    )
    expect(byRule(findings, 'LP200')).toEqual([])
  })

  it('names securityContext.privileged, capabilities.add, hostPID and runAsUser at their own lines', () => {
    const findings = judge(
      kubernetes(
        [
          'securityContext:',
          '  privileged: true',
          '  runAsUser: 0',
          '  capabilities:',
          '    add: [SYS_ADMIN]'
        ],
        ['hostPID: true']
      )
    )
    expect(byRule(findings, 'LP220')[0]).toMatchObject({ line: 11 })
    expect(byRule(findings, 'LP220')[0].message).toMatch(/^securityContext\.privileged: true gives/)
    expect(byRule(findings, 'LP222')[0].message).toMatch(/^capabilities\.add: \[SYS_ADMIN\] grants/)
    expect(byRule(findings, 'LP222')[0].line).toBe(14)
    expect(byRule(findings, 'LP520')[0].message).toMatch(
      /^hostPID: true: the container sees every host process/
    )
    expect(byRule(findings, 'LP520')[0].line).toBe(6)
    expect(byRule(findings, 'LP120')[0].message).toMatch(/^runAsUser: 0 runs the container as root/)
    expect(byRule(findings, 'LP120')[0].line).toBe(12)
  })
})

describe('privileged fails Kernel Isolation too, whatever seccomp profile is named', () => {
  it('a privileged Kubernetes container with seccompProfile RuntimeDefault', () => {
    const findings = judge(
      kubernetes(['securityContext:', '  privileged: true', '  seccompProfile:', '    type: RuntimeDefault'])
    )
    const [lp320] = byRule(findings, 'LP320')
    expect(lp320).toMatchObject({ level: 'error', principle: 'kernel-isolation', line: 10 })
    expect(lp320.message).toMatch(/^securityContext\.privileged: true turns seccomp/)
  })
})

describe('compose wording, at the compose line', () => {
  it('names the compose keys', () => {
    const findings = judge(
      composeService([
        'privileged: true',
        'user: "0"',
        'pid: host',
        'network_mode: host',
        'security_opt: ["seccomp:unconfined", "apparmor:unconfined"]'
      ])
    )
    expect(byRule(findings, 'LP220')[0]).toMatchObject({ file: 'compose.yaml', line: 4 })
    expect(byRule(findings, 'LP220')[0].message).toMatch(/^privileged: true gives/)
    expect(byRule(findings, 'LP120')[0].message).toMatch(/^user: "0" runs the container as root/)
    expect(byRule(findings, 'LP520').map(f => f.message.split(':')[0])).toEqual(['pid', 'network_mode'])
    // Two causes, two fixes: privileged turns seccomp off, and so does seccomp:unconfined without it.
    expect(byRule(findings, 'LP320').map(f => f.line)).toEqual([4, 8])
    expect(byRule(findings, 'LP320')[1].message).toMatch(/^security_opt: \[seccomp:unconfined\] turns/)
    expect(byRule(findings, 'LP320')[0].message).toMatch(
      /^privileged: true turns seccomp and AppArmor\/SELinux/
    )
    const unconfined = judge(composeService(['security_opt: ["seccomp:unconfined"]']))
    expect(byRule(unconfined, 'LP320')[0].message).toMatch(/^security_opt: \[seccomp:unconfined\] turns/)
    expect(byRule(findings, 'LP321')[0].message).toMatch(/^security_opt: \[apparmor:unconfined\] turns/)
    expect(byRule(findings, 'LP420')[0].message).toMatch(
      /^The compose service does not set security_opt: \[no-new-privileges:true\]/
    )
  })
})

describe('LP200 docker-defaults-assumed', () => {
  it('is the one default-profile finding, a note, when nothing is declared', () => {
    const findings = judge(undefined)
    const defaults = findings.filter(f => ['LP200', 'LP221', 'LP420', 'LP440'].includes(f.ruleId))
    expect(defaults.map(f => [f.ruleId, f.level])).toEqual([['LP200', 'note']])
    expect(defaults[0].properties).toMatchObject({
      assumed_principles: ['runtime-hardening', 'no-escalation'],
      assumed: { no_new_privileges: false, user: 'image' }
    })
    expect(defaults[0].message).toMatch(/^No deployment declared: judged under Docker's defaults/)
  })

  it('carries the measurement when probed, and gives way to the per-default rules once any flag is declared', () => {
    const probe = probeFixture('default-root')
    const measured = evaluateRules(ALL_RULES, { model, profile: defaultProfile(), probe })
    expect(byRule(measured, 'LP200')[0].properties).toMatchObject({ measured: { no_new_privs: false } })
    expect(byRule(measured, 'LP440')).toEqual([])
    const declared = judge(undefined, '--read-only')
    expect(declared.map(f => f.ruleId)).toEqual(expect.arrayContaining(['LP221', 'LP420']))
    expect(byRule(declared, 'LP200')).toEqual([])
  })
})

describe('a root image run as non-root by its deployment', () => {
  it.each([
    ['run-options', undefined, '--user 1001', '--user 1001'],
    ['compose', composeService.bind(null, ['user: "1001:1001"']), undefined, 'user: "1001:1001"'],
    ['Kubernetes', () => kubernetes(['securityContext:', '  runAsUser: 1001']), undefined, 'runAsUser: 1001']
  ])('%s: LP101 is a note about the image naming the setting', (_, make, flags, setting) => {
    const findings = judge(make?.(), flags)
    const [lp101] = byRule(findings, 'LP101')
    expect(lp101.level).toBe('note')
    expect(lp101.message).toContain(`The deployment runs it as ${setting}`)
    expect(lp101.properties).toMatchObject({ overridden_by_deployment: true })
    expect(findings.filter(f => f.principle === 'least-privilege' && f.level !== 'note')).toEqual([])
  })

  it('keeps LP101 an error when the deployment names root, or no user', () => {
    expect(byRule(judge(undefined, '--user 0'), 'LP101')[0].level).toBe('error')
    expect(byRule(judge(undefined, '--read-only'), 'LP101')[0].level).toBe('error')
  })
})
