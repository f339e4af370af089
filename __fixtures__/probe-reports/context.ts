// Test helpers for the deployment and measured rules: a probe report fixture by name, and a RuleContext over
// a minimal one-stage Dockerfile model.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ProbeReport } from '../../src/docker/probe-report'
import type { EffectiveUser, DockerfileModel, Stage } from '../../src/dockerfile/types'
import { defaultProfile, parseRunOptions } from '../../src/profile/parse'
import type { RuleContext } from '../../src/rules/types'

export function probeFixture(name: string): ProbeReport {
  const path = fileURLToPath(new URL(`./${name}.json`, import.meta.url))
  return JSON.parse(readFileSync(path, 'utf8')) as ProbeReport
}

export const NON_ROOT_USER: EffectiveUser = {
  kind: 'non-root',
  value: '1001',
  raw: '1001',
  uid: 1001,
  source: 'user-instruction',
  line: 3
}
export const ROOT_USER: EffectiveUser = { kind: 'root', source: 'scratch-default' }

export function modelWithUser(user: EffectiveUser): DockerfileModel {
  // An image with a process (`CMD ["/app"]`): without one LP101 would rightly say it runs nothing.
  const stage: Stage = {
    index: 0,
    fromLine: 1,
    baseImage: 'scratch',
    user,
    env: {},
    facts: {
      users: [],
      runs: [],
      copies: [],
      exposes: [],
      processes: [{ instruction: 'CMD', line: 2, endLine: 2, form: 'exec', text: '/app', argv: ['/app'] }]
    }
  }
  return { file: 'Dockerfile', stages: [stage], finalStage: stage, pragmas: [], problems: [] }
}

/** `flags` undefined = Docker's defaults (no run-options). */
export function ruleContext(
  flags?: string,
  extra: Partial<RuleContext> & { user?: EffectiveUser } = {}
): RuleContext {
  const { user, ...rest } = extra
  return {
    model: modelWithUser(user ?? NON_ROOT_USER),
    profile: flags === undefined ? defaultProfile() : parseRunOptions(flags),
    ...rest
  }
}
