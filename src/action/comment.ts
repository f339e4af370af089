// The sticky PR comment: one comment per pull request and scan (workflow, job, matrix entry, key; see
// identity.ts), found by a hidden marker AND by being written by the token's own account, so a marker
// planted in someone else's comment is ignored. A comment from the earlier marker scheme is taken over.
import type { Logger } from '../logger'
import {
  apiMessage,
  httpStatus,
  isRateLimited,
  isTimeout,
  objectData,
  UnexpectedAnswerError,
  type GitHubClient
} from './github-client'

/** GitHub rejects longer bodies with 422 "Body is too long (maximum is 65536 characters)". */
export const COMMENT_LIMIT = 65_536

/** The login that comments made with the workflow token (GITHUB_TOKEN) carry. */
export const WORKFLOW_TOKEN_LOGIN = 'github-actions[bot]'

/** How our comment is recognised: the marker this run writes, and the ones earlier releases wrote. */
export interface CommentIdentity {
  /** The marker written into the body (identity.ts stickyMarker). */
  marker: string
  /** An earlier release's marker for this very scan (recomputed): taken over when `marker` is not found. */
  legacyMarker?: string
  /**
   * Any earlier release's marker: when `marker` and `legacyMarker` are not found and exactly one of our
   * comments carries such a marker, it is taken over (its Dockerfile set, hashed in it, may have changed).
   * Two or more are ambiguous and left alone.
   */
  legacyPattern?: RegExp
}

export interface FoundComment {
  id: number
  body: string
  /** `legacy`: found by an earlier release's marker; updating it moves it to the current one. */
  via: 'marker' | 'legacy'
}

/**
 * The token's own login. GET /user answers for personal access tokens; for installation tokens
 * (the workflow token) it answers 403 "Resource not accessible by integration", and those comments
 * are written by github-actions[bot].
 */
export async function resolveAuthor(client: GitHubClient, logger: Logger): Promise<string> {
  try {
    const { data } = await client.rest.users.getAuthenticated()
    const login = (data as { login?: unknown } | null)?.login
    if (typeof login === 'string' && login) return login
    logger.debug('GET /user answered without a login; assuming the workflow token')
    return WORKFLOW_TOKEN_LOGIN
  } catch (error) {
    if (httpStatus(error) !== 403)
      logger.debug(`GET /user failed (${apiMessage(error)}); assuming the workflow token`)
    return WORKFLOW_TOKEN_LOGIN
  }
}

export interface IssueTarget {
  owner: string
  repo: string
  issueNumber: number
}

/** 200 pages of 100: 20,000 comments. A longer thread (or a Link cycle) is not searched to the end. */
export const MAX_COMMENT_PAGES = 200

interface ListedComment {
  id?: unknown
  body?: unknown
  user?: { login?: unknown } | null
}

/**
 * Searches the pages of comments for ours: the marker and our own authorship. Follows GitHub's
 * `Link: rel="next"`, only on the API's own origin (the token goes with every request), stops at a
 * URL seen before, and gives up after `maxPages` rather than post a duplicate. When the current marker is
 * on no page, an earlier release's comment for this scan is returned (see CommentIdentity).
 */
export async function findStickyComment(
  client: GitHubClient,
  target: IssueTarget,
  identity: CommentIdentity | string,
  author: string,
  maxPages = MAX_COMMENT_PAGES
): Promise<FoundComment | undefined> {
  const { marker, legacyMarker, legacyPattern } =
    typeof identity === 'string' ? { marker: identity } : identity
  let exactLegacy: FoundComment | undefined
  const anyLegacy: FoundComment[] = []
  const origin = new URL(String(client.request.endpoint.DEFAULTS.baseUrl)).origin
  const seen = new Set<string>()
  let response = await client.rest.issues.listComments({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100
  })
  for (let page = 1; ; page++) {
    if (response.url) seen.add(response.url)
    const data = response.data as unknown
    if (!Array.isArray(data)) throw new UnexpectedAnswerError('listing the pull request comments')
    for (const c of data as ListedComment[]) {
      if (typeof c?.id !== 'number' || typeof c.body !== 'string') continue
      if (typeof c.user?.login !== 'string' || c.user.login.toLowerCase() !== author.toLowerCase()) continue
      if (c.body.includes(marker)) return { id: c.id, body: c.body, via: 'marker' }
      if (legacyMarker && !exactLegacy && c.body.includes(legacyMarker))
        exactLegacy = { id: c.id, body: c.body, via: 'legacy' }
      else if (legacyPattern?.test(c.body) && anyLegacy.length < 2)
        anyLegacy.push({ id: c.id, body: c.body, via: 'legacy' })
    }
    const next = nextLink(response.headers.link)
    if (!next) return exactLegacy ?? (anyLegacy.length === 1 ? anyLegacy[0] : undefined)
    if (new URL(next).origin !== origin) {
      throw new Error('the next page of comments is on another host; not sending the token there')
    }
    if (seen.has(next)) throw new Error('the pages of comments loop (a next page was seen before)')
    if (page >= maxPages) {
      throw new Error(`more than ${maxPages} pages of comments; not searching further`)
    }
    seen.add(next)
    response = (await client.request({ method: 'GET', url: next })) as typeof response
  }
}

/** The `rel="next"` URL of a Link header, if any. */
export function nextLink(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(',').slice(0, 20)) {
    const m = /^\s*<([^>]*)>\s*;\s*rel="?next"?\s*$/.exec(part)
    if (m) {
      try {
        return new URL(m[1]).href
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/**
 * Fits a body into the limit: cuts at a line break, closes an open code fence and `<details>`, says
 * where the rest is, and keeps the marker (always last, exactly once).
 */
export function fitComment(body: string, marker: string, summaryUrl: string, limit = COMMENT_LIMIT): string {
  const text = body.split(marker).join('').trim()
  const whole = `${text}\n\n${marker}`
  if (whole.length <= limit) return whole
  const note = `\n\n---\n… the comment was cut to fit GitHub's limit; the full report is in the [job summary](${summaryUrl}).`
  // Room for the closers too; a margin keeps us clear of counting edge cases.
  const budget = limit - note.length - marker.length - 200
  let cut = text.slice(0, Math.max(0, budget))
  const lastBreak = cut.lastIndexOf('\n')
  if (lastBreak > 0) cut = cut.slice(0, lastBreak)
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  let closers = ''
  if ((cut.match(/^\s*```/gm) ?? []).length % 2 === 1) closers += '\n```'
  const open = (cut.match(/<details[\s>]/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length
  closers += '\n</details>'.repeat(Math.max(0, open))
  return `${cut}${closers}${note}\n\n${marker}`
}

export type CommentOutcome = 'created' | 'updated' | 'failed'

/** Updates our comment or creates one. API problems become warnings; this never throws. */
export async function upsertStickyComment(
  client: GitHubClient,
  target: IssueTarget,
  identity: CommentIdentity | string,
  body: string,
  logger: Logger
): Promise<CommentOutcome> {
  try {
    const author = await resolveAuthor(client, logger)
    const existing = await findStickyComment(client, target, identity, author)
    if (existing) {
      await client.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: existing.id,
        body
      })
      const how =
        existing.via === 'legacy' ? ' (written by an earlier release; it now carries the new marker)' : ''
      logger.info(`Updated the pull request comment ${existing.id}${how}`)
      return 'updated'
    }
    const { data } = await client.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      body
    })
    const id = objectData(data, 'creating the pull request comment').id
    if (typeof id !== 'number') throw new UnexpectedAnswerError('creating the pull request comment')
    logger.info(`Created the pull request comment ${id}`)
    return 'created'
  } catch (error) {
    logger.warning(commentHint(error))
    return 'failed'
  }
}

function commentHint(error: unknown): string {
  const status = httpStatus(error)
  const reason = apiMessage(error)
  if (isRateLimited(error)) {
    return `Could not write the pull request comment: the GitHub API rate limit is spent (HTTP ${status}: ${reason}); the job summary has the report.`
  }
  if (status === 403 || status === 404) {
    return (
      `Could not write the pull request comment (HTTP ${status}: ${reason}). The token needs ` +
      '`permissions: pull-requests: write`; pull requests from forks get a read-only token, so there ' +
      'the job summary is the report. The result of this step does not depend on it.'
    )
  }
  if (isTimeout(error)) {
    return `Could not write the pull request comment: ${reason}; the job summary has the report.`
  }
  return `Could not write the pull request comment (${status ? `HTTP ${status}: ` : ''}${reason}); the job summary has the report.`
}
