// Who this scan is, for the sticky comment and the code-scanning category: the workflow, the job, the
// matrix entry and an optional key, never the Dockerfiles, so adding or removing a Dockerfile keeps the
// same comment and the same alerts.
import { createHash } from 'node:crypto'
import { TOOL_NAME } from '../meta'
import type { RunContext } from './run-context'

/** What tells one scan from another in a workflow run. */
export interface ScanIdentity {
  workflow: string
  job: string
  /** The matrix entry, canonical (keys sorted): '' outside a matrix. */
  matrix: string
  /** The `comment-key` input: tells two scans in one job apart; '' when not given. */
  commentKey: string
}

/** Bounds on the matrix input: it is the runner's JSON of the matrix, a few keys of short values. */
const MAX_MATRIX_CHARS = 20_000
const MAX_MATRIX_KEYS = 50

/**
 * The `matrix` input (default `${{ toJSON(matrix) }}`) in one canonical form: an object's keys sorted, so
 * the runner's formatting does not matter; `null` or empty (no matrix) is ''. Any other text is taken as
 * given: a user may name the entry themselves.
 */
export function canonicalMatrix(text: string): string {
  const raw = text.trim().slice(0, MAX_MATRIX_CHARS)
  if (raw === '' || raw === 'null' || raw === '{}') return ''
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return raw.replace(/\s+/g, ' ')
  }
  if (value === null) return ''
  if (typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value)
  const entries = Object.entries(value as Record<string, unknown>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, MAX_MATRIX_KEYS)
  return entries.length === 0 ? '' : JSON.stringify(Object.fromEntries(entries))
}

export function identityOf(
  ctx: Pick<RunContext, 'workflow' | 'job'>,
  inputs: { matrix: string; commentKey: string }
): ScanIdentity {
  return {
    workflow: ctx.workflow,
    job: ctx.job,
    matrix: canonicalMatrix(inputs.matrix),
    commentKey: inputs.commentKey.trim()
  }
}

/** The sticky comment's hidden marker: one comment per pull request, workflow, job, matrix entry and key. */
export function stickyMarker(id: ScanIdentity): string {
  const key = ['v2', id.workflow, id.job, id.matrix, id.commentKey].join('\n')
  return `<!-- ${TOOL_NAME}:v2:${hash(key, 16)} -->`
}

/**
 * The marker of releases before v2, which hashed the Dockerfile set too: recomputed for the current set,
 * it finds the comment of a PR whose Dockerfiles did not change since.
 */
export function legacyStickyMarker(workflow: string, job: string, dockerfiles: string[]): string {
  const key = [workflow, job, ...[...dockerfiles].sort()].join('\n')
  return `<!-- ${TOOL_NAME}:v1:${hash(key, 16)} -->`
}

/** Any marker of the v1 scheme, whatever Dockerfile set it hashed. */
export const LEGACY_MARKER_PATTERN = new RegExp(`<!-- ${TOOL_NAME}:v1:[0-9a-f]{16} -->`)

/**
 * The default code-scanning category: `least-privilege/<workflow>/<job>/` plus the matrix entry, so jobs
 * and matrix legs keep separate analyses, and editing the `dockerfile` input keeps the same one (its
 * alerts are updated, not orphaned). Readable where it can be; a hash where the entry is long or unusual.
 */
export function defaultCategory(id: Pick<ScanIdentity, 'workflow' | 'job' | 'matrix'>): string {
  const parts = [slug(id.workflow) || 'workflow', slug(id.job) || 'job']
  if (id.matrix) parts.push(matrixLabel(id.matrix))
  return `${TOOL_NAME}/${parts.join('/')}/`
}

/** `os=ubuntu,node=20` for a small matrix of plain values; `matrix-<hash>` otherwise. */
function matrixLabel(matrix: string): string {
  let value: unknown
  try {
    value = JSON.parse(matrix)
  } catch {
    value = undefined
  }
  const fallback = `matrix-${hash(matrix, 12)}`
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    const text = matrix.replace(/[^A-Za-z0-9._=,+-]+/g, '-')
    return text === matrix && text.length <= 60 ? text : fallback
  }
  const pairs = Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? `${k}=${String(v)}` : undefined
  )
  const label = pairs.every(p => p !== undefined) ? pairs.join(',') : ''
  // Only when every character survives: a changed label could make two entries one.
  return label && label.length <= 80 && /^[A-Za-z0-9._=,+-]+$/.test(label) ? label : fallback
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
}

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}
