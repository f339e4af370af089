// Marks findings suppressed by pragmas in the Dockerfile (and in the YAML comments of deployment files, for the
// findings located there); suppressed findings are kept (SARIF `suppressions`), never dropped.
//   # least-privilege ignore=LP101,LP402 reason      the next instruction (findings within its lines)
//   # least-privilege ignore-file=LP101 reason       the whole file (for absence findings)
//   # hadolint ignore=DL3002,DL3004                  the next instruction, for rules with those equivalents
//   # hadolint global ignore=DL3002                  the whole file, likewise
import { clip } from '../dockerfile/limits'
import type { DockerfileModel, Pragma } from '../dockerfile/types'
import type { Finding, Suppression } from '../findings'
import type { RuleMeta } from './types'

/**
 * `deploymentPragmas`: pragmas in YAML comments of the deployment files, by repo-relative file
 * (src/deployment/pragmas.ts); they suppress the findings located in those files.
 */
export function applySuppressions(
  findings: Finding[],
  model: DockerfileModel,
  rules: RuleMeta[],
  deploymentPragmas?: Readonly<Record<string, Pragma[]>>
): Finding[] {
  const byFile = new Map<string, PragmaIndex>()
  if (model.pragmas.length > 0) byFile.set(model.file, indexPragmas(model.pragmas))
  for (const [file, pragmas] of Object.entries(deploymentPragmas ?? {})) {
    if (pragmas.length > 0 && file !== model.file) byFile.set(file, indexPragmas(pragmas))
  }
  if (byFile.size === 0) return findings
  const equivalents = new Map(rules.map(rule => [rule.id, rule.hadolintEquivalents ?? []]))
  // One Suppression per pragma, not per finding: a file-wide pragma may cover 100,000 findings.
  const built = new Map<Pragma, Suppression>()
  return findings.map(finding => {
    const index = finding.suppression ? undefined : byFile.get(finding.file)
    if (!index) return finding
    const pragma = firstApplying(index, finding, equivalents)
    if (!pragma) return finding
    let suppression = built.get(pragma)
    if (!suppression) {
      suppression = toSuppression(pragma)
      built.set(pragma, suppression)
    }
    return { ...finding, suppression: { ...suppression } }
  })
}

interface IndexedPragma {
  pragma: Pragma
  /** Position in model.pragmas: the first applying pragma wins, as before the index. */
  order: number
  rules: Set<string>
}

/**
 * Pragmas by the instruction they cover, so each finding looks at the few pragmas of its own instruction
 * (plus the file-level ones) instead of all of them: linear in findings + pragmas.
 */
interface PragmaIndex {
  file: IndexedPragma[]
  /** Instruction ranges with pragmas, sorted by first line; instructions do not overlap. */
  ranges: Array<{ start: number; end: number; pragmas: IndexedPragma[] }>
}

function indexPragmas(pragmas: Pragma[]): PragmaIndex {
  const file: IndexedPragma[] = []
  const byStart = new Map<number, { start: number; end: number; pragmas: IndexedPragma[] }>()
  pragmas.forEach((pragma, order) => {
    const entry: IndexedPragma = { pragma, order, rules: new Set(pragma.rules) }
    if (pragma.scope === 'file') file.push(entry)
    else if (pragma.appliesToLine !== undefined) {
      const start = pragma.appliesToLine
      const end = pragma.appliesToEndLine ?? start
      const range = byStart.get(start)
      if (range) {
        range.end = Math.max(range.end, end)
        range.pragmas.push(entry)
      } else byStart.set(start, { start, end, pragmas: [entry] })
    }
  })
  return { file, ranges: [...byStart.values()].sort((a, b) => a.start - b.start) }
}

function firstApplying(
  index: PragmaIndex,
  finding: Finding,
  equivalents: Map<string, string[]>
): Pragma | undefined {
  let best: IndexedPragma | undefined
  const consider = (entry: IndexedPragma): void => {
    if ((best === undefined || entry.order < best.order) && applies(entry, finding, equivalents)) best = entry
  }
  for (const entry of index.file) consider(entry)
  // The last range starting at or before the finding's line is the only one that can contain it.
  let lo = 0
  let hi = index.ranges.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (index.ranges[mid].start <= finding.line) lo = mid + 1
    else hi = mid
  }
  const range = index.ranges[lo - 1]
  if (range && finding.line <= range.end) {
    for (const entry of range.pragmas) consider(entry)
  }
  return best?.pragma
}

function applies(entry: IndexedPragma, finding: Finding, equivalents: Map<string, string[]>): boolean {
  const pragma = entry.pragma
  const names =
    pragma.source === 'least-privilege' ? [finding.ruleId] : (equivalents.get(finding.ruleId) ?? [])
  if (!names.some(name => entry.rules.has(name.toUpperCase()))) return false
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
  // Clipped: every finding the pragma covers carries it, so a long reason would multiply the reports.
  const justification = clip(
    pragma.reason !== '' ? pragma.reason : `suppressed by \`${written}\` on line ${pragma.line}`
  )
  return { kind, justification, line: pragma.line }
}
