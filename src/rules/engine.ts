// Runs pure rules over one context and turns their hits into findings.
import type { Finding } from '../findings'
import type { Rule, RuleContext } from './types'

export function evaluateRules(rules: readonly Rule[], ctx: RuleContext): Finding[] {
  const findings: Finding[] = []
  for (const rule of rules) {
    for (const hit of rule.check(ctx)) {
      const finding: Finding = {
        ruleId: rule.meta.id,
        principle: rule.meta.principle,
        level: hit.level ?? rule.meta.level,
        message: hit.message,
        evidence: rule.meta.evidence,
        file: ctx.model.file,
        line: Math.max(1, hit.line ?? ctx.model.finalStage.fromLine)
      }
      if (hit.endLine !== undefined) finding.endLine = Math.max(finding.line, hit.endLine)
      if (hit.properties !== undefined) finding.properties = hit.properties
      findings.push(finding)
    }
  }
  return findings.sort((a, b) => a.line - b.line || a.ruleId.localeCompare(b.ruleId))
}
