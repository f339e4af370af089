// Every rule the tool knows, in id order. SARIF lists all of them in tool.driver.rules.
import { deploymentRules } from './deployment'
import { dockerfileRules } from './dockerfile'
import { measuredRules } from './measured'
import type { Rule, RuleMeta } from './types'

export const ALL_RULES: Rule[] = [...dockerfileRules, ...deploymentRules, ...measuredRules].sort((a, b) =>
  a.meta.id.localeCompare(b.meta.id)
)

export function ruleMetas(): RuleMeta[] {
  return ALL_RULES.map(rule => rule.meta)
}

export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find(rule => rule.meta.id === id)
}
