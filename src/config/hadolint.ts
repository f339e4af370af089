// Migration for hadolint users: `.hadolint.yaml` (or `.yml`) at the repository root lists `ignored:` rule
// ids; each one that a least-privilege rule declares as its equivalent (RuleMeta.hadolintEquivalents, as the
// inline `# hadolint ignore=` pragmas use) suppresses that rule everywhere. A note says which were mapped;
// a file that cannot be read or understood is a warning, never a failed scan.
import { realpathSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { describeError } from '../errors'
import { composeFileSystem } from '../deployment/compose/io'
import { entry, scalarText } from '../deployment/compose/tree'
import { parseYamlDocuments } from '../deployment/yaml'
import type { IgnoreEntry, PolicyNote } from '../rules/policy'
import type { RuleMeta } from '../rules/types'

export const HADOLINT_FILE_NAMES = ['.hadolint.yaml', '.hadolint.yml'] as const

/** hadolint configs are a few lines; a larger file is not read. */
export const MAX_HADOLINT_BYTES = 256 * 1024

/** Ids looked at in one `ignored:` list. */
const MAX_IGNORED = 1000

export interface HadolintMigration {
  ignores: IgnoreEntry[]
  notes: PolicyNote[]
}

/** Reads the repository's hadolint config, if any, into ignores of the equivalent rules. */
export function readHadolintIgnores(
  repoRoot: string,
  rules: readonly RuleMeta[],
  read: (path: string) => string = path => composeFileSystem(MAX_HADOLINT_BYTES).readFile(path)
): HadolintMigration {
  const name = HADOLINT_FILE_NAMES.find(n => exists(resolve(repoRoot, n)))
  if (!name) return { ignores: [], notes: [] }
  const path = resolve(repoRoot, name)
  const warn = (why: string): HadolintMigration => ({
    ignores: [],
    notes: [{ level: 'warning', message: `${name}: ${why}; its ignored: rules are not applied` }]
  })
  let text: string
  try {
    if (!inside(realpathSync(repoRoot), realpathSync(path))) return warn('leads outside the repository')
    text = read(path)
  } catch (error) {
    return warn(`cannot be read: ${describeError(error).replace(/^Error: /, '')}`)
  }
  let ids: { id: string; line: number }[]
  try {
    ids = ignoredIds(text, name)
  } catch (error) {
    return warn(
      describeError(error)
        .replace(/^Error: /, '')
        .replace(`${name}: `, '')
    )
  }
  return migrate(ids, name, rules)
}

function ignoredIds(text: string, file: string): { id: string; line: number }[] {
  const docs = parseYamlDocuments(text, file).filter(d => d.value !== null && d.value !== undefined)
  const root = docs[0]?.tree()
  if (!root) return []
  if (root.kind !== 'map') throw new Error('not a mapping')
  const ignored = entry(root, 'ignored')
  if (!ignored) return []
  if (ignored.kind !== 'seq') throw new Error(`line ${ignored.at.line}: ignored must be a list`)
  const ids: { id: string; line: number }[] = []
  for (const item of ignored.items.slice(0, MAX_IGNORED)) {
    const id = (scalarText(item) ?? '').trim().toUpperCase()
    if (!/^[A-Z]{2}\d{4}$/.test(id))
      throw new Error(`line ${item.at.line}: ${JSON.stringify(id.slice(0, 40))} is not a hadolint rule id`)
    if (!ids.some(known => known.id === id)) ids.push({ id, line: item.at.line })
  }
  return ids
}

function migrate(
  ids: { id: string; line: number }[],
  file: string,
  rules: readonly RuleMeta[]
): HadolintMigration {
  if (ids.length === 0) return { ignores: [], notes: [] }
  const ignores: IgnoreEntry[] = []
  const mapped: string[] = []
  const unmapped: string[] = []
  for (const { id, line } of ids) {
    const ours = rules.filter(rule => (rule.hadolintEquivalents ?? []).includes(id)).map(rule => rule.id)
    if (ours.length === 0) {
      unmapped.push(id)
      continue
    }
    mapped.push(`${id} -> ${ours.join(', ')}`)
    ignores.push({
      kind: 'hadolint',
      rules: ours,
      reason: `${id} is ignored in ${file} (hadolint migration)`,
      at: { file, line }
    })
  }
  const parts: string[] = []
  if (mapped.length > 0) parts.push(`ignored ${mapped.join(', ')}`)
  if (unmapped.length > 0)
    parts.push(
      `${unmapped.join(', ')} ${unmapped.length === 1 ? 'has' : 'have'} no least-privilege equivalent`
    )
  return { ignores, notes: [{ level: 'note', message: `${file}: ${parts.join('; ')}` }] }
}

function exists(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}
