// Every rule the tool knows, in id order. SARIF lists all of them in tool.driver.rules.
import { deploymentRules } from './deployment'
import { dockerfileRules } from './dockerfile'
import { measuredRules } from './measured'
import type { Rule, RuleMeta } from './types'

/** Ids are `LP` and three digits: code-unit order is id order, and needs no collator at start-up. */
const byId = (a: Rule, b: Rule): number => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0)

export const ALL_RULES: Rule[] = [...dockerfileRules, ...deploymentRules, ...measuredRules].sort(byId)

export function ruleMetas(): RuleMeta[] {
  return ALL_RULES.map(rule => rule.meta)
}

export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find(rule => rule.meta.id === id)
}
