// Shared by the Dockerfile model and rule tests: model + static rules + suppressions over a text.
import { buildModel, type BuildModelOptions } from '../../src/dockerfile/model'
import type { DockerfileModel } from '../../src/dockerfile/types'
import type { Finding } from '../../src/findings'
import type { RuntimeProfile } from '../../src/profile/types'
import { dockerfileRules } from '../../src/rules/dockerfile'
import { evaluateRules } from '../../src/rules/engine'
import { applySuppressions } from '../../src/rules/suppress'

/** The static rules never read the profile; an empty one keeps them honest about that. */
const NO_PROFILE = {} as RuntimeProfile

/** Dockerfile text from lines, so tests read like the file. */
export function df(...lines: string[]): string {
  return `${lines.join('\n')}\n`
}

export function model(text: string, options?: BuildModelOptions): DockerfileModel {
  return buildModel(text, 'Dockerfile', options)
}

export function lint(text: string, options?: BuildModelOptions): Finding[] {
  const built = model(text, options)
  const findings = evaluateRules(dockerfileRules, { model: built, profile: NO_PROFILE })
  return applySuppressions(
    findings,
    built,
    dockerfileRules.map(rule => rule.meta)
  )
}

/** Unsuppressed findings of one rule. */
export function hits(text: string, ruleId: string, options?: BuildModelOptions): Finding[] {
  return lint(text, options).filter(finding => finding.ruleId === ruleId && !finding.suppression)
}
