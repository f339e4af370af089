// Parse and classify a USER value (`user[:group]`) the way the runtime resolves it.
import type { UserKind } from './types'

export interface UserClassification {
  kind: Exclude<UserKind, 'unknown'>
  /** The part before `:` (the user), trimmed. */
  user: string
  /** The part after `:`, when given. */
  group?: string
  /** Numeric uid when the user part is a number. */
  uid?: number
  /** Numeric gid when the group part is a number. */
  gid?: number
  /** True when the user part is numeric (what Kubernetes runAsNonRoot can verify). */
  numeric: boolean
}

/**
 * A decimal id as the runtime reads it. runc/moby parse ids with Go's strconv.Atoi, which accepts a sign and
 * leading zeros, so `0`, `00`, `+0` and `-0` are all uid 0.
 */
export function parseNumericId(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined
  const value = Number(text)
  if (!Number.isSafeInteger(value)) return undefined
  return value === 0 ? 0 : value // normalises -0
}

/** Splits `user[:group]` at the first colon. */
export function splitUserValue(value: string): { user: string; group?: string } {
  const trimmed = value.trim()
  const colon = trimmed.indexOf(':')
  if (colon < 0) return { user: trimmed }
  return { user: trimmed.slice(0, colon), group: trimmed.slice(colon + 1) }
}

/**
 * Root is the user `root` or uid 0, with any group (`root:grp`, `0:1000`). The group never makes a uid-0
 * process less privileged. An empty user part means the image default, which Docker treats as root.
 * On Windows images `ContainerAdministrator` plays the part of root.
 */
export function classifyUser(value: string): UserClassification {
  const { user, group } = splitUserValue(value)
  const uid = parseNumericId(user)
  const gid = group === undefined ? undefined : parseNumericId(group)
  // ContainerAdministrator is the administrator account of Windows images, the equivalent of root there.
  const isRoot =
    user === '' || user === 'root' || uid === 0 || user.toLowerCase() === 'containeradministrator'
  const result: UserClassification = { kind: isRoot ? 'root' : 'non-root', user, numeric: uid !== undefined }
  if (group !== undefined) result.group = group
  if (uid !== undefined) result.uid = uid
  if (gid !== undefined) result.gid = gid
  return result
}

/** True for every spelling of root: `root`, `0`, `00`, `+0`, `root:grp`, `0:0`, `0:1000`. */
export function isRootUser(value: string): boolean {
  return classifyUser(value).kind === 'root'
}
