// What the runner tells the action about this run: GITHUB_* variables and the event payload.
import { readFileSync } from 'node:fs'

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
}

export const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']

interface PullRequestPayload {
  number?: number
  pull_request?: { number?: number; head?: { repo?: { full_name?: string } | null } }
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const pullNumber = PULL_REQUEST_EVENTS.includes(eventName)
    ? (payload.pull_request?.number ?? payload.number)
    : undefined
  const headRepo = payload.pull_request?.head?.repo?.full_name
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
    fromFork: pullNumber !== undefined && headRepo !== undefined && headRepo !== env.GITHUB_REPOSITORY
  }
}

function readPayload(path: string | undefined): PullRequestPayload {
  if (!path) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PullRequestPayload
  } catch {
    return {}
  }
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
