// Typed reads of one manifest object's fields. A value of the wrong type is refused as the API server
// refuses it, with one line naming the file, line, object and field; an absent or null field is undefined.
import { UsageError } from '../../errors'
import type { SourceLocation, YamlDocument, YamlPath } from '../yaml'

/** Plain data from the YAML loader: maps are null-prototype objects. */
export type Data = Record<string, unknown>

/** One Kubernetes object of a file, and where it sits in its document. */
export interface ObjectContext {
  file: string
  doc: YamlDocument
  /** Path of the object in its document: [] for a top-level object, ['items', 3] inside a List. */
  base: YamlPath
  /** `Deployment/api`, for messages. */
  label: string
}

/** Largest list read from one pod: containers, volumes, mounts, sysctls, groups, capabilities. */
export const MAX_LIST_ITEMS = 1000

/** Kubernetes' IsValidUserID / IsValidGroupID range. */
const MAX_ID = 2147483647

/** Where `path` (relative to the object) is written, or its nearest written ancestor. */
export function locate(ctx: ObjectContext, path: YamlPath): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const at = ctx.doc.locate([...ctx.base, ...path.slice(0, n)])
    if (at) return at
  }
  return { file: ctx.file, line: 1, column: 1 }
}

/** `spec.containers[0].securityContext`, as Kubernetes names fields in its own messages. */
export function fieldName(path: YamlPath): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment
    else out += `[${quoted(segment)}]`
  }
  return out || '(object)'
}

/** Longest piece of input quoted in a message or note. */
const MAX_QUOTED = 100

/** Input text quoted for a message: one line (JSON escapes), cut at MAX_QUOTED characters. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text)
}

/** A name from input as shown in a message: plain short names as they are, anything else quoted. */
export function shown(name: string): string {
  return name.length <= MAX_QUOTED && /^[\w.:@/*()-]+$/.test(name) ? name : quoted(name)
}

export function invalid(ctx: ObjectContext, path: YamlPath, why: string): UsageError {
  return new UsageError(
    `${ctx.file}: line ${locate(ctx, path).line}: ${ctx.label}: ${fieldName(path)} ${why}`
  )
}

export function isData(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

export function mapAt(ctx: ObjectContext, value: unknown, path: YamlPath): Data | undefined {
  if (value === undefined || value === null) return undefined
  if (!isData(value)) throw invalid(ctx, path, `must be a map, not ${typeName(value)}`)
  return value
}

export function listAt(
  ctx: ObjectContext,
  value: unknown,
  path: YamlPath,
  max = MAX_LIST_ITEMS
): unknown[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw invalid(ctx, path, `must be a list, not ${typeName(value)}`)
  if (value.length > max) throw invalid(ctx, path, `has more than ${max} entries, over the limit`)
  return value
}

export function boolAt(ctx: ObjectContext, value: unknown, path: YamlPath): boolean | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalid(ctx, path, `must be true or false, not ${typeName(value)}`)
  return value
}

export function stringAt(ctx: ObjectContext, value: unknown, path: YamlPath): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(ctx, path, `must be a string, not ${typeName(value)}`)
  return value
}

/** A user or group id: an integer from 0 to 2147483647, as the API server validates it. */
export function idAt(ctx: ObjectContext, value: unknown, path: YamlPath): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalid(ctx, path, `must be an integer, not ${typeName(value)}`)
  if (value < 0 || value > MAX_ID) throw invalid(ctx, path, `must be between 0 and ${MAX_ID}, inclusive`)
  return value
}

/** A short description of a value for messages: its type, and a short string as written. */
function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Date) return 'a date'
  if (typeof value === 'object' && value !== null) return 'a map'
  if (typeof value === 'string')
    return value.length <= 40 && /^[\x20-\x7e]*$/.test(value)
      ? `the string ${JSON.stringify(value)}`
      : 'a string'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number'
  return typeof value === 'boolean' ? 'a boolean' : String(value)
}
