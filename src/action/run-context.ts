// What the runner tells the action about this run: GITHUB_* variables and the event payload.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { capLength } from './runner-safe'

export interface RunContext {
  eventName: string
  owner: string
  repo: string
  sha: string
  ref: string
  serverUrl: string
  runId: string
  workflow: string
  job: string
  workspace: string
  /** The pull request number on pull_request / pull_request_target events. */
  pullNumber?: number
  /** True when the pull request's head lives in another repository (its token is read-only). */
  fromFork: boolean
  /**
   * The commit a change is judged against (input fail-on-new): the pull request's base, or on a push the
   * commit before it (`before`, unless the push created the branch). Unset on other events.
   */
  baseSha?: string
  /** The pull request's base branch (`main`), to name the base in reports; unset on a push. */
  baseRef?: string
  /** Why the event payload could not be read, naming GITHUB_EVENT_PATH: the scan runs, then the step fails. */
  payloadProblem?: string
}

export const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']

interface PullRequestPayload {
  number?: number
  pull_request?: {
    number?: number
    head?: { repo?: { full_name?: string } | null }
    base?: { sha?: string; ref?: string }
  }
  /** push events: the commit the branch pointed at before (all zeros when the push created it). */
  before?: string
}

const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/

function baseShaOf(eventName: string, payload: PullRequestPayload): string | undefined {
  const sha: unknown = PULL_REQUEST_EVENTS.includes(eventName)
    ? payload.pull_request?.base?.sha
    : eventName === 'push'
      ? payload.before
      : undefined
  return typeof sha === 'string' && COMMIT_ID.test(sha) && !/^0+$/.test(sha) ? sha : undefined
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const { payload, problem } = readPayload(env.GITHUB_EVENT_PATH)
  const pullNumber = PULL_REQUEST_EVENTS.includes(eventName)
    ? (payload.pull_request?.number ?? payload.number)
    : undefined
  const fullName: unknown = payload.pull_request?.head?.repo?.full_name
  const headRepo = typeof fullName === 'string' ? fullName : undefined
  return {
    eventName,
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    runId: env.GITHUB_RUN_ID ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    pullNumber: typeof pullNumber === 'number' ? pullNumber : undefined,
    fromFork: pullNumber !== undefined && headRepo !== undefined && headRepo !== env.GITHUB_REPOSITORY,
    payloadProblem: problem,
    ...(baseShaOf(eventName, payload) ? { baseSha: baseShaOf(eventName, payload) } : {}),
    ...(baseRefOf(eventName, payload) ? { baseRef: baseRefOf(eventName, payload) } : {})
  }
}

function baseRefOf(eventName: string, payload: PullRequestPayload): string | undefined {
  if (!PULL_REQUEST_EVENTS.includes(eventName)) return undefined
  const ref: unknown = payload.pull_request?.base?.ref
  // A branch name as reports show it: one short line (it is rendered escaped, like any input).
  // eslint-disable-next-line no-control-regex
  return typeof ref === 'string' && ref !== '' && ref.length <= 200 && !/[\u0000-\u001f\u007f]/.test(ref)
    ? ref
    : undefined
}

/** The runner writes the payload as a small JSON file; anything far larger is not one. */
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024

/**
 * The event payload. A missing variable or file is normal outside a workflow; a file that cannot be read
 * or is not a JSON object is treated as no payload, and the step fails at its end with one line naming it.
 */
function readPayload(path: string | undefined): { payload: PullRequestPayload; problem?: string } {
  if (!path || !existsSync(path)) return { payload: {} }
  const problem = (why: string): { payload: PullRequestPayload; problem: string } => ({
    payload: {},
    problem: `GITHUB_EVENT_PATH ${capLength(path, 200)} ${why}, so the pull request is unknown (no comment)`
  })
  let text: string
  try {
    const info = statSync(path)
    if (!info.isFile()) return problem('is not a file')
    if (info.size > MAX_PAYLOAD_BYTES) return problem(`is larger than ${MAX_PAYLOAD_BYTES} bytes`)
    text = readFileSync(path, 'utf8')
  } catch (error) {
    return problem(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return problem(text.trim() === '' ? 'is empty' : 'is not valid JSON')
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return problem('is not a JSON object')
  return { payload: value as PullRequestPayload }
}

/** Line links at the exact commit: `${server}/${owner}/${repo}/blob/${sha}/`. */
export function blobBase(ctx: RunContext): string | undefined {
  return ctx.owner && ctx.sha ? `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/blob/${ctx.sha}/` : undefined
}

/** The run page, where the job summary is. */
export function runUrl(ctx: RunContext): string {
  return ctx.owner && ctx.runId
    ? `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/actions/runs/${ctx.runId}`
    : ctx.serverUrl
}
