// Marks findings suppressed by pragmas in the Dockerfile; suppressed findings are kept (SARIF
// `suppressions`), never dropped.
//   # least-privilege ignore=LP101,LP402 reason      the next instruction (findings within its lines)
//   # least-privilege ignore-file=LP101 reason       the whole file (for absence findings)
//   # hadolint ignore=DL3002,DL3004                  the next instruction, for rules with those equivalents
//   # hadolint global ignore=DL3002                  the whole file, likewise
import type { DockerfileModel, Pragma } from '../dockerfile/types'
import type { Finding, Suppression } from '../findings'
import type { RuleMeta } from './types'

export function applySuppressions(findings: Finding[], model: DockerfileModel, rules: RuleMeta[]): Finding[] {
  if (model.pragmas.length === 0) return findings
  const equivalents = new Map(rules.map(rule => [rule.id, rule.hadolintEquivalents ?? []]))
  return findings.map(finding => {
    if (finding.suppression || finding.file !== model.file) return finding
    const pragma = model.pragmas.find(candidate => applies(candidate, finding, equivalents))
    return pragma ? { ...finding, suppression: toSuppression(pragma) } : finding
  })
}

function applies(pragma: Pragma, finding: Finding, equivalents: Map<string, string[]>): boolean {
  const names =
    pragma.source === 'least-privilege' ? [finding.ruleId] : (equivalents.get(finding.ruleId) ?? [])
  if (!names.some(name => pragma.rules.includes(name.toUpperCase()))) return false
  if (pragma.scope === 'file') return true
  if (pragma.appliesToLine === undefined) return false
  const end = pragma.appliesToEndLine ?? pragma.appliesToLine
  return finding.line >= pragma.appliesToLine && finding.line <= end
}

function toSuppression(pragma: Pragma): Suppression {
  const kind: Suppression['kind'] =
    pragma.scope === 'file' ? 'file' : pragma.source === 'hadolint' ? 'hadolint' : 'inline'
  const written =
    pragma.source === 'hadolint'
      ? `# hadolint ${pragma.scope === 'file' ? 'global ' : ''}ignore=${pragma.rules.join(',')}`
      : `# least-privilege ${pragma.scope === 'file' ? 'ignore-file' : 'ignore'}=${pragma.rules.join(',')}`
  const justification =
    pragma.reason !== '' ? pragma.reason : `suppressed by \`${written}\` on line ${pragma.line}`
  return { kind, justification, line: pragma.line }
}
