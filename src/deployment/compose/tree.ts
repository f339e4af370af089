// Helpers over located YAML nodes (../yaml.ts): the compose reader keeps every value with the place it was
// written, through interpolation, extends and override merging, so a finding points at the winning line.
import { UsageError } from '../../errors'
import { redactText } from '../../profile/redact'
import type { LocatedNode, SourceLocation } from '../yaml'

export type { LocatedNode } from '../yaml'
export type MapNode = Extract<LocatedNode, { kind: 'map' }>
export type SeqNode = Extract<LocatedNode, { kind: 'seq' }>
export type ScalarNode = Extract<LocatedNode, { kind: 'scalar' }>

/**
 * `compose.yaml: line 7: services.web.cap_add: ...`: the one-line form of every compose error. The reason
 * may quote a value, so it is redacted like run-options (a token in a volume option never reaches a log).
 */
export function failAt(at: SourceLocation, path: string, why: string): UsageError {
  return new UsageError(`${at.file}: line ${at.line}: ${path ? `${path}: ` : ''}${redactText(why)}`)
}

export function isMapNode(node: LocatedNode | undefined): node is MapNode {
  return node?.kind === 'map'
}

export function mapNode(
  at: SourceLocation,
  entries: Record<string, LocatedNode> = Object.create(null)
): MapNode {
  return { kind: 'map', at, entries }
}

export function scalarNode(at: SourceLocation, value: ScalarNode['value']): ScalarNode {
  return { kind: 'scalar', at, value }
}

export function entry(node: LocatedNode | undefined, key: string): LocatedNode | undefined {
  return node?.kind === 'map' && Object.prototype.hasOwnProperty.call(node.entries, key)
    ? node.entries[key]
    : undefined
}

/** A scalar as compose reads it into a string field (numbers and booleans as written). */
export function scalarText(node: LocatedNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined
  return String(node.value)
}

/**
 * Plain data for the schema validator. Ordinary objects (ajv's deep-equal calls `valueOf`), with every
 * key defined as an own property, so a `__proto__` key is data and never a prototype.
 */
export function plain(node: LocatedNode, depth = 0): unknown {
  if (depth > 256) throw failAt(node.at, '', 'nested deeper than 256 levels')
  if (node.kind === 'scalar') return node.value
  if (node.kind === 'seq') return node.items.map(item => plain(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node.entries)) {
    Object.defineProperty(out, key, {
      value: plain(value, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

/** A deep copy (extends copies the base service, so two services never share nodes). */
export function clone<T extends LocatedNode>(node: T, depth = 0): T {
  if (depth > 256) throw failAt(node.at, '', 'nested deeper than 256 levels')
  if (node.kind === 'scalar') return { ...node }
  if (node.kind === 'seq') return { ...node, items: node.items.map(item => clone(item, depth + 1)) }
  const entries: Record<string, LocatedNode> = Object.create(null)
  for (const [key, value] of Object.entries(node.entries)) entries[key] = clone(value, depth + 1)
  return { ...node, entries }
}

/** The node at a schema error's instance path (`/services/web/cap_add/0`), or the deepest one found. */
export function nodeAt(root: LocatedNode, segments: readonly string[]): LocatedNode {
  let node = root
  for (const segment of segments) {
    const next =
      node.kind === 'map'
        ? entry(node, segment)
        : node.kind === 'seq' && /^\d+$/.test(segment)
          ? node.items[Number(segment)]
          : undefined
    if (!next) break
    node = next
  }
  return node
}

/** A key as shown in a path: plain words as they are, anything else quoted. */
export function keyText(key: string): string {
  return /^[\w.-]+$/.test(key) ? key : JSON.stringify(key)
}
