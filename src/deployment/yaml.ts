// YAML for deployment files (compose, Kubernetes): every document as plain data, plus the line of any
// key or item in it, so a finding can point at the line where its fix goes. Bounded: file size, number of
// documents and alias expansion are capped, and a parse error is one line naming the file and line.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
  type Tags
} from 'yaml'
import { UsageError } from '../errors'

/** A deployment file larger than this is refused (the same cap as a Dockerfile). */
export const MAX_DEPLOYMENT_BYTES = 4 * 1024 * 1024
/** Documents in one multi-document file (`helm template` output for a large chart is a few hundred). */
export const MAX_DOCUMENTS = 10_000
/** Aliases resolved per document: a "billion laughs" file ends here instead of exhausting memory. */
export const MAX_ALIASES = 1_000

export type YamlPath = readonly (string | number)[]

export interface SourceLocation {
  file: string
  /** 1-based. */
  line: number
  /** 1-based. */
  column: number
}

export interface YamlDocument {
  /** 0-based position of the document in its file. */
  index: number
  /** The document as plain data (maps are null-prototype objects, so any key is just a key). */
  value: unknown
  /** Where the key at `path` is written (for a map entry) or the item (for a sequence element); else undefined. */
  locate(path: YamlPath): SourceLocation | undefined
  /** The document as a tree whose every node knows its line (undefined for an empty document). */
  tree(): LocatedNode | undefined
}

/**
 * A value with the place it was written: for a map entry the key, for a sequence item the item, for the
 * root the document start. `tag` is an explicit YAML tag (`!reset`, `!override`). Map entries are
 * null-prototype, so any key is just a key.
 */
export type LocatedNode =
  | { kind: 'map'; at: SourceLocation; tag?: string; entries: Record<string, LocatedNode> }
  | { kind: 'seq'; at: SourceLocation; tag?: string; items: LocatedNode[] }
  | { kind: 'scalar'; at: SourceLocation; tag?: string; value: string | number | boolean | null }

export interface YamlOptions {
  /** YAML 1.1 merge keys (`<<: *base`), as Compose and Kubernetes (go-yaml) read them. */
  merge?: boolean
}

/** Nodes in one located tree, counting every alias expansion: ends a tree that would exhaust memory. */
export const MAX_TREE_NODES = 1_000_000

export interface YamlOptions {
  /**
   * How plain scalars resolve. '1.2' (the default) is YAML 1.2's core schema, as compose reads files.
   * '1.1' is how Kubernetes tooling reads them (kubectl, helm and kustomize decode with go-yaml v2):
   * `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0644` is octal and `<<` merges; timestamps and base-60
   * numbers stay strings, as go-yaml v2 leaves them when decoding to plain data.
   */
  version?: '1.1' | '1.2'
}

/** Parses every document of `text`, read from `file` (the name used in messages and locations). */
export function parseYamlDocuments(text: string, file: string, options: YamlOptions = {}): YamlDocument[] {
  if (Buffer.byteLength(text) > MAX_DEPLOYMENT_BYTES)
    throw new UsageError(`${file}: larger than ${MAX_DEPLOYMENT_BYTES / 1048576} MiB, not a deployment file`)
  const lines = new LineCounter()
  const documents = parseAllDocuments(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    ...(options.version === '1.1' ? { version: '1.1' as const, customTags: goYamlV2Tags } : {})
  })
  const list = Array.isArray(documents) ? documents : [documents]
  if (list.length > MAX_DOCUMENTS)
    throw new UsageError(`${file}: more than ${MAX_DOCUMENTS} YAML documents, over the limit`)
  const at = (offset: number): SourceLocation => {
    const { line, col } = lines.linePos(offset)
    return { file, line, column: col }
  }
  return list.map((doc, index) => {
    const error = doc.errors[0]
    if (error)
      throw new UsageError(
        `${file}: line ${at(error.pos[0]).line}: invalid YAML: ${firstLine(error.message)}`
      )
    let tree: LocatedNode | undefined | null = null
    return {
      index,
      value: toData(doc, file, at),
      locate: path => locateIn(doc, path, at),
      tree: () => {
        if (tree === null)
          tree = doc.contents ? locatedTree(doc, file, at, options.merge === true) : undefined
        return tree
      }
    }
  })
}

/** YAML 1.1 as go-yaml v2 resolves plain scalars: no timestamps, no base-60 (`1:20`) numbers. */
function goYamlV2Tags(tags: Tags): Tags {
  return tags.filter(
    tag =>
      typeof tag === 'string' ||
      (tag.tag !== 'tag:yaml.org,2002:timestamp' && !('format' in tag && tag.format === 'TIME'))
  )
}

function toData(doc: Document, file: string, at: (offset: number) => SourceLocation): unknown {
  try {
    return nullPrototype(doc.toJS({ maxAliasCount: MAX_ALIASES }))
  } catch (error) {
    const where = doc.contents?.range ? `line ${at(doc.contents.range[0]).line}: ` : ''
    throw new UsageError(`${file}: ${where}${firstLine((error as Error).message)}`)
  }
}

/** Copies plain objects into null-prototype ones, so `__proto__` or `constructor` keys are ordinary data. */
function nullPrototype(value: unknown, depth = 0): unknown {
  if (depth > 256) throw new UsageError('YAML nested deeper than 256 levels')
  if (Array.isArray(value)) return value.map(item => nullPrototype(item, depth + 1))
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = Object.create(null)
    for (const [key, item] of Object.entries(value)) out[key] = nullPrototype(item, depth + 1)
    return out
  }
  return value
}

function locateIn(
  doc: Document,
  path: YamlPath,
  at: (offset: number) => SourceLocation
): SourceLocation | undefined {
  let node: Node | null | undefined = doc.contents
  let here: number | undefined = node?.range?.[0]
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(item => isScalar(item.key) && String(item.key.value) === String(segment))
      if (!pair) return undefined
      here = (pair.key as Node).range?.[0]
      node = pair.value as Node | null
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined
      if (!item) return undefined
      here = item.range?.[0]
      node = item
    } else {
      return undefined
    }
  }
  return here === undefined ? undefined : at(here)
}

function locatedTree(
  doc: Document,
  file: string,
  at: (offset: number) => SourceLocation,
  merge: boolean
): LocatedNode {
  let budget = MAX_TREE_NODES
  const place = (node: Node | null | undefined, fallback: SourceLocation): SourceLocation =>
    node?.range ? at(node.range[0]) : fallback
  const walk = (node: Node | null | undefined, here: SourceLocation, depth: number): LocatedNode => {
    if (--budget < 0) throw new UsageError(`${file}: line ${here.line}: YAML too large to read (aliases)`)
    if (depth > 256) throw new UsageError(`${file}: line ${here.line}: YAML nested deeper than 256 levels`)
    const tag = node && !isAlias(node) && node.tag ? { tag: node.tag } : {}
    if (isAlias(node)) return walk(node.resolve(doc) as Node | undefined, here, depth + 1)
    if (isMap(node)) {
      const entries: Record<string, LocatedNode> = Object.create(null)
      const merged: LocatedNode[] = []
      for (const pair of node.items) {
        const key = pair.key as Node | null
        const name = isScalar(key) ? String(key.value) : String(key)
        const keyAt = place(key, here)
        if (merge && name === '<<' && !(isScalar(key) && key.type !== 'PLAIN')) {
          merged.push(walk(pair.value as Node | null, keyAt, depth + 1))
          continue
        }
        entries[name] = walk(pair.value as Node | null, keyAt, depth + 1)
      }
      // Merge keys: explicit keys win, then earlier sources over later ones (YAML 1.1 merge).
      for (const source of merged.flatMap(m => (m.kind === 'seq' ? m.items : [m]))) {
        if (source.kind !== 'map') continue
        for (const [name, value] of Object.entries(source.entries))
          if (!(name in entries)) entries[name] = value
      }
      return { kind: 'map', at: here, ...tag, entries }
    }
    if (isSeq(node)) {
      const items = node.items.map(item => walk(item as Node, place(item as Node, here), depth + 1))
      return { kind: 'seq', at: here, ...tag, items }
    }
    if (isScalar(node)) {
      const v = node.value
      const value =
        v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v)
      return { kind: 'scalar', at: here, ...tag, value }
    }
    return { kind: 'scalar', at: here, ...tag, value: null }
  }
  return walk(doc.contents as Node, place(doc.contents as Node, { file, line: 1, column: 1 }), 0)
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim()
}
