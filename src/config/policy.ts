// The config file's `rules:`, `overrides:`, `ignore:` and `hadolint:` keys, read after the schema check
// (./validate.ts): rule ids must be known, globs must compile, reasons must say something, dates must be
// real days. Every mistake is one line naming the file, the line and the key.
import { compileGlob } from '../walk/glob'
import { UsageError } from '../errors'
import { entry, scalarText, type MapNode } from '../deployment/compose/tree'
import type { LocatedNode } from '../deployment/yaml'
import { redactText } from '../profile/redact'
import { ruleMetas } from '../rules/registry'
import type { IgnoreEntry, LevelEntry, RuleLevel } from '../rules/policy'

/** What the config file says about levels and ignores. */
export interface ConfigPolicy {
  levels: LevelEntry[]
  ignores: IgnoreEntry[]
  /** `hadolint: false` turns the `.hadolint.yaml` migration off. */
  hadolint: boolean
}

let knownIds: Set<string> | undefined

function known(): Set<string> {
  knownIds ??= new Set(ruleMetas().map(meta => meta.id))
  return knownIds
}

/** Reads the policy keys of a validated config file (`top` is its root map). */
export function parsePolicy(top: MapNode, file: string): ConfigPolicy {
  const policy: ConfigPolicy = { levels: [], ignores: [], hadolint: true }
  const rules = entry(top, 'rules')
  if (rules) policy.levels.push(...levelsOf(rules, file, 'rules', undefined))
  const overrides = entry(top, 'overrides')
  if (overrides?.kind === 'seq') {
    overrides.items.forEach((item, i) => {
      const where = `overrides.${i}`
      const paths = globsOf(entry(item, 'paths'), file, `${where}.paths`)
      const levels = entry(item, 'rules')
      if (levels) policy.levels.push(...levelsOf(levels, file, `${where}.rules`, paths))
    })
  }
  const ignore = entry(top, 'ignore')
  if (ignore?.kind === 'seq') {
    ignore.items.forEach((item, i) => policy.ignores.push(ignoreOf(item, file, `ignore.${i}`)))
  }
  if (entry(top, 'hadolint')?.kind === 'scalar' && scalarText(entry(top, 'hadolint')) === 'false')
    policy.hadolint = false
  return policy
}

function levelsOf(node: LocatedNode, file: string, where: string, paths: string[] | undefined): LevelEntry[] {
  if (node.kind !== 'map') return []
  return Object.entries(node.entries).map(([rule, value]) => {
    ruleId(rule, file, value.at.line, where)
    const level = scalarText(value) as RuleLevel
    return { rule, level, ...(paths ? { paths } : {}), at: { file, line: value.at.line } }
  })
}

function ignoreOf(item: LocatedNode, file: string, where: string): IgnoreEntry {
  const line = item.at.line
  const one = entry(item, 'rule')
  const many = entry(item, 'rules')
  if (one && many) throw fail(file, one.at.line, `${where}: give rule or rules, not both`)
  if (!one && !many) throw fail(file, line, `${where} needs a "rule" (or "rules") key`)
  const rules: string[] = []
  if (one) rules.push(ruleId(scalarText(one) ?? '', file, one.at.line, `${where}.rule`))
  if (many?.kind === 'seq')
    many.items.forEach((r, i) => {
      const id = ruleId(scalarText(r) ?? '', file, r.at.line, `${where}.rules.${i}`)
      if (!rules.includes(id)) rules.push(id)
    })
  const reasonNode = entry(item, 'reason')
  const reason = (scalarText(reasonNode) ?? '').trim()
  if (reason === '') throw fail(file, reasonNode?.at.line ?? line, `${where}.reason must say why (not empty)`)
  const pathsNode = entry(item, 'paths')
  const paths = pathsNode ? globsOf(pathsNode, file, `${where}.paths`) : undefined
  const expiresNode = entry(item, 'expires')
  let expires: string | undefined
  if (expiresNode) {
    expires = scalarText(expiresNode) ?? ''
    if (!isDay(expires))
      throw fail(
        file,
        expiresNode.at.line,
        `${where}.expires: ${JSON.stringify(expires)} is not a date: write YYYY-MM-DD, e.g. 2027-03-31`
      )
  }
  return {
    kind: 'config',
    rules,
    ...(paths ? { paths } : {}),
    reason,
    ...(expires !== undefined ? { expires } : {}),
    at: { file, line }
  }
}

function ruleId(id: string, file: string, line: number, where: string): string {
  if (known().has(id)) return id
  const upper = id.toUpperCase()
  const hint = known().has(upper) ? ` (did you mean ${upper}?)` : ''
  throw fail(file, line, `${where}: unknown rule ${JSON.stringify(clip(id))}${hint}`)
}

function globsOf(node: LocatedNode | undefined, file: string, where: string): string[] {
  if (node?.kind !== 'seq') return []
  return node.items.map((item, i) => {
    const glob = scalarText(item) ?? ''
    const at = `${where}.${i}`
    if (glob.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(glob))
      throw fail(
        file,
        item.at.line,
        `${at}: ${JSON.stringify(clip(glob))} must be relative to the repository root`
      )
    try {
      compileGlob(glob)
    } catch (error) {
      throw fail(file, item.at.line, `${at}: ${error instanceof Error ? error.message : String(error)}`)
    }
    return glob
  })
}

/** A real calendar day written YYYY-MM-DD (2027-02-30 is not one). */
export function isDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

function fail(file: string, line: number, why: string): UsageError {
  return new UsageError(`${file}: line ${line}: ${redactText(why)}`)
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}
