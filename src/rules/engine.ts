// Runs pure rules over one context and turns their hits into findings.
import type { Finding } from '../findings'
import type { Rule, RuleContext, RuleHit } from './types'

export function evaluateRules(rules: readonly Rule[], ctx: RuleContext): Finding[] {
  const findings: Finding[] = []
  for (const rule of rules) {
    for (const hit of rule.check(ctx)) {
      const declared = rule.meta.evidence === 'deployment' ? declaredAt(ctx, hit) : undefined
      const finding: Finding = {
        ruleId: rule.meta.id,
        principle: rule.meta.principle,
        level: hit.level ?? rule.meta.level,
        message: hit.message,
        evidence: rule.meta.evidence,
        file: declared?.file ?? ctx.model.file,
        line: Math.max(1, declared?.line ?? hit.line ?? ctx.model.finalStage.fromLine)
      }
      if (hit.endLine !== undefined && !declared) finding.endLine = Math.max(finding.line, hit.endLine)
      if (hit.properties !== undefined) finding.properties = hit.properties
      findings.push(finding)
    }
  }
  return findings.sort((a, b) => a.line - b.line || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))
}

/**
 * Where a deployment finding's fix goes in a declared deployment: the key that sets the field, else the
 * service or container entry (a missing key). Run-options deployments keep the Dockerfile's line.
 */
function declaredAt(ctx: RuleContext, hit: RuleHit): { file: string; line: number } | undefined {
  const deployment = ctx.deployment
  if (!deployment || deployment.source === 'run-options' || !deployment.file) return undefined
  const at = (hit.field !== undefined ? deployment.locations[hit.field] : undefined) ?? deployment.at
  return { file: at?.file ?? deployment.file, line: at?.line ?? 1 }
}
