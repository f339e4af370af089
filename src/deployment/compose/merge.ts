// Override files merged as `docker compose -f a -f b` merges them (compose-go override.Merge and
// EnforceUnicity): mappings key by key, sequences appended, scalars replaced; `cap_add`, `cap_drop`,
// `tmpfs` and `group_add`-like lists keep one entry per value, `volumes` one per target, `devices` one per
// container path (the later definition wins, in the earlier one's place). `!reset` removes a value,
// `!override` replaces it whole. Each winning node keeps its own file and line.
import type { LocatedNode } from '../yaml'
import { entry, scalarText, type MapNode } from './tree'

type Indexer = (item: LocatedNode) => string | undefined

const byValue: Indexer = item => {
  const text = scalarText(item)
  return text === undefined ? undefined : text.split('=')[0]
}
const byTarget: Indexer = item =>
  item.kind === 'map' ? scalarText(entry(item, 'target')) : scalarText(item)?.split(':')[0]
const byDeviceTarget: Indexer = item => {
  if (item.kind === 'map') return scalarText(entry(item, 'target')) ?? scalarText(entry(item, 'source'))
  const parts = (scalarText(item) ?? '').split(':')
  return parts.length === 1 ? parts[0] : parts[1]
}

const UNIQUE: Record<string, Indexer> = {
  cap_add: byValue,
  cap_drop: byValue,
  tmpfs: byValue,
  dns: byValue,
  dns_opt: byValue,
  dns_search: byValue,
  profiles: byValue,
  links: byValue,
  expose: byValue,
  volumes: byTarget,
  devices: byDeviceTarget
}

/** Merges `over` into `base` (both whole compose files); returns the result (base is reused). */
export function mergeFiles(base: MapNode, over: MapNode): MapNode {
  return mergeNode(base, over, []) as MapNode
}

/** Merges one service definition over another (extends: the base is the extended service). */
export function mergeService(base: LocatedNode, over: LocatedNode): LocatedNode {
  return mergeNode(base, over, ['services', '*'])
}

function mergeNode(base: LocatedNode, over: LocatedNode, path: string[]): LocatedNode {
  if (over.tag === '!override') return over
  if (base.kind === 'map' && over.kind === 'map') {
    for (const [key, value] of Object.entries(over.entries)) {
      if (value.tag === '!reset') {
        delete base.entries[key]
        continue
      }
      const current = entry(base, key)
      base.entries[key] = current ? mergeNode(current, value, [...path, key]) : value
    }
    return base
  }
  if (base.kind === 'seq' && over.kind === 'seq') {
    const merged = { ...base, items: [...base.items, ...over.items] }
    const indexer = path.length === 3 && path[0] === 'services' ? UNIQUE[path[2]] : undefined
    return indexer ? unique(merged, indexer) : merged
  }
  return over
}

/** One item per key, the later one in the earlier one's place (compose-go enforceUnicity). */
export function unique(seq: Extract<LocatedNode, { kind: 'seq' }>, indexer: Indexer): LocatedNode {
  const items: LocatedNode[] = []
  const seen = new Map<string, number>()
  for (const item of seq.items) {
    const key = indexer(item)
    const at = key === undefined ? undefined : seen.get(key)
    if (at !== undefined) items[at] = item
    else {
      if (key !== undefined) seen.set(key, items.length)
      items.push(item)
    }
  }
  return { ...seq, items }
}

/** Unicity inside one file too (a file that lists `NET_ADMIN` twice, or two volumes on one target). */
export function uniqueService(service: LocatedNode): void {
  if (service.kind !== 'map') return
  for (const [key, indexer] of Object.entries(UNIQUE)) {
    const list = entry(service, key)
    if (list?.kind === 'seq') service.entries[key] = unique(list, indexer)
  }
}

/** Drops `!reset` values written in a file with nothing to reset (compose leaves the key out). */
export function dropResets(node: LocatedNode, depth = 0): void {
  if (depth > 256 || node.kind !== 'map') return
  for (const [key, value] of Object.entries(node.entries)) {
    if (value.tag === '!reset') delete node.entries[key]
    else dropResets(value, depth + 1)
  }
}
