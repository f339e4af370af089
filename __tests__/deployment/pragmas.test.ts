// Suppressions written in deployment files: a `# least-privilege ignore=` comment above a key (or after it)
// covers that key and its block; `ignore-file=` covers every finding located in the file.
import { afterAll, describe, expect, it } from '@jest/globals'
import { readKubernetesManifest } from '../../src/deployment/kubernetes'
import { yamlPragmas } from '../../src/deployment/pragmas'
import type { Deployment } from '../../src/deployment/types'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES, ruleMetas } from '../../src/rules/registry'
import { applySuppressions } from '../../src/rules/suppress'
import { NON_ROOT_USER, modelWithUser } from '../../__fixtures__/probe-reports/context'
import { lines, project } from './compose-helpers'

function judged(deployment: Deployment) {
  const model = modelWithUser(NON_ROOT_USER)
  const raw = evaluateRules(ALL_RULES, { model, profile: deployment.profile, deployment })
  return applySuppressions(raw, model, ruleMetas(), deployment.pragmas)
}

describe('yamlPragmas', () => {
  it('applies an own-line pragma to the next key and its block, a trailing one to its own line', () => {
    const pragmas = yamlPragmas(
      lines(
        'services:',
        '  worker:',
        '    # least-privilege ignore=LP222 needs SYS_ADMIN for FUSE',
        '',
        '    cap_add:',
        '    - SYS_ADMIN',
        '    - NET_ADMIN',
        '    privileged: true  # least-privilege ignore=LP220 vendor agent',
        '    user: "0"',
        '# least-privilege ignore-file=LP221 capabilities are reviewed elsewhere'
      )
    )
    expect(pragmas).toEqual([
      expect.objectContaining({ rules: ['LP222'], line: 3, appliesToLine: 5, appliesToEndLine: 7 }),
      expect.objectContaining({ rules: ['LP220'], line: 8, appliesToLine: 8, appliesToEndLine: 8 }),
      expect.objectContaining({
        rules: ['LP221'],
        scope: 'file',
        reason: 'capabilities are reviewed elsewhere'
      })
    ])
  })

  it('ignores a # inside quotes and comments that are not pragmas', () => {
    expect(
      yamlPragmas(lines('command: "echo # least-privilege ignore=LP220 x"', '# just a comment'))
    ).toEqual([])
  })
})

describe('suppressing deployment findings where they are written', () => {
  const compose = project()
  afterAll(() => compose.remove())

  it('compose: the pragma above cap_add suppresses LP222 at the item, with its reason; others stay', () => {
    compose.write(
      'compose.yaml',
      lines(
        'services:',
        '  worker:',
        '    image: example/worker',
        '    # least-privilege ignore=LP222 needs SYS_ADMIN for FUSE',
        '    cap_add: [SYS_ADMIN]',
        '    privileged: true'
      )
    )
    const [deployment] = compose.read().deployments
    const findings = judged(deployment)
    const lp222 = findings.find(f => f.ruleId === 'LP222')
    expect(lp222).toMatchObject({ file: 'compose.yaml', line: 5 })
    expect(lp222?.suppression).toEqual({ kind: 'inline', justification: 'needs SYS_ADMIN for FUSE', line: 4 })
    expect(findings.find(f => f.ruleId === 'LP220')?.suppression).toBeUndefined()
  })

  it('Kubernetes: ignore-file suppresses that rule for every container of the manifest, and nothing else', () => {
    const text = lines(
      '# least-privilege ignore-file=LP320 seccomp is enforced by the cluster admission policy',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: api}',
      'spec:',
      '  containers:',
      '    - name: app',
      '      image: api:1',
      '    - name: sidecar',
      '      image: proxy:1'
    )
    const deployments = readKubernetesManifest(text, 'k8s/api.yaml').deployments
    expect(deployments).toHaveLength(2)
    for (const deployment of deployments) {
      const findings = judged(deployment)
      expect(findings.find(f => f.ruleId === 'LP320')?.suppression?.kind).toBe('file')
      expect(findings.find(f => f.ruleId === 'LP420')?.suppression).toBeUndefined()
    }
  })
})
