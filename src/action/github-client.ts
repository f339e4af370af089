// The REST client for comments and uploads: Octokit (core + REST methods) pointed at GITHUB_API_URL.
// @actions/github is not used: its module-level `context` parses GITHUB_EVENT_PATH when the bundle
// loads, so a broken event file crashed the action and the CLI before any guard (run-context.ts reads
// the payload itself). Every request is bounded: a timeout per attempt and an overall deadline (in the
// fetch below), and at most `attempts` tries in all. @octokit/plugin-retry re-sends after 5xx and
// network errors; @octokit/plugin-throttling waits out spent and secondary rate limits (retry-after,
// x-ratelimit-reset) up to a cap; the hooks here keep both inside the limits and never re-send a
// request whose answer was lost unless sending it twice is harmless.
import { HttpClient } from '@actions/http-client'
import { Octokit, type OctokitOptions } from '@octokit/core'
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck'
import { fetch as undiciFetch } from 'undici'
import { capLength } from './runner-safe'

/** What the hooks below need: the limits, and the deadline shared by every request of one client. */
interface Bounds {
  limits: ClientLimits
  deadline: number
  now: () => number
}

/** The per-request state the hooks and plugin-retry keep in Octokit's `request` options. */
interface AttemptState {
  /** Failed attempts so far (ours). */
  failures?: number
  /** Retries plugin-retry may still make; 0 stops it. */
  retries?: number
  /** plugin-retry's (and plugin-throttling's) count of retries made. */
  retryCount?: number
}

/**
 * Outermost hook: every request gets its own `request` options object. Octokit hands each call the
 * client's default object, and plugin-retry writes its retry count into it, so without a copy one
 * request's retries would shorten (or stop) the next one's.
 */
function ownRequestOptions(octokit: Octokit): void {
  octokit.hook.before('request', options => {
    options.request = { ...options.request }
  })
}

/** Methods that may be sent twice: a lost answer to a POST may still have created the comment. */
const RESENDABLE = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'])

/**
 * Innermost hook: it sees every failed attempt before plugin-retry does and stops it (request.retries = 0)
 * after `attempts` tries in all, when its next wait would end past the deadline, after a timeout or an
 * answer above the size cap, and when a POST got no answer at all.
 */
function boundRetries(octokit: Octokit, options: OctokitOptions): void {
  const { limits, deadline, now } = (options as { bounds: Bounds }).bounds
  octokit.hook.error('request', (error, request) => {
    const state = request.request as AttemptState
    state.failures = (state.failures ?? 0) + 1
    // plugin-retry waits retryAfterBaseValue * (retryCount + 1)^2 before the next attempt.
    const nextWait = limits.retryDelayMs * ((state.retryCount ?? 0) + 1) ** 2
    const shape = error as ErrorShape
    const resendable = shape.response
      ? true
      : !isTimeout(error) && !(shape.cause instanceof AnswerTooLargeError) && RESENDABLE.has(request.method)
    if (state.failures >= limits.attempts || !resendable || now() + nextWait >= deadline) state.retries = 0
    throw error
  })
}

// Plugins run in this order, so boundRetries is the innermost hook and ownRequestOptions the outermost.
const RestClient = Octokit.plugin(restEndpointMethods, boundRetries, retry, throttling, ownRequestOptions)
export type GitHubClient = InstanceType<typeof RestClient>

type Fetch = typeof globalThis.fetch

export interface ClientLimits {
  /** One attempt (connect, headers and body). */
  requestTimeoutMs: number
  /** Everything this client does, retries and waits included. */
  deadlineMs: number
  /** Tries per request in all (5xx, network errors and rate limits together). */
  attempts: number
  /** Longest rate-limit wait (retry-after, x-ratelimit-reset); a longer one ends the retries. */
  maxRetryAfterMs: number
  /** Backoff base after a 5xx or a network error: this, then 4x, 9x (plugin-retry). */
  retryDelayMs: number
  /** The largest answer read: 100 comments of 65,536 characters with JSON escaping fit well inside. */
  maxAnswerBytes: number
}

export const DEFAULT_LIMITS: ClientLimits = {
  // Long enough to send a 10 MB SARIF upload; a stalled request costs one of these, never a retry.
  requestTimeoutMs: 60_000,
  deadlineMs: 5 * 60_000,
  attempts: 3,
  maxRetryAfterMs: 20_000,
  retryDelayMs: 1_000,
  maxAnswerBytes: 64 * 1024 * 1024
}

/** Thrown (as the cause of Octokit's RequestError) when GitHub did not answer in time. */
export class ApiTimeoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ApiTimeoutError'
  }
}

/** Thrown (as the cause of Octokit's RequestError) for an answer above ClientLimits.maxAnswerBytes. */
export class AnswerTooLargeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AnswerTooLargeError'
  }
}

/** Limits from the environment, for tests (LEAST_PRIVILEGE_API_TIMEOUT_MS etc.); defaults otherwise. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): ClientLimits {
  const num = (name: string, fallback: number): number => {
    const value = Number(env[name])
    return Number.isFinite(value) && value > 0 ? value : fallback
  }
  return {
    requestTimeoutMs: num('LEAST_PRIVILEGE_API_TIMEOUT_MS', DEFAULT_LIMITS.requestTimeoutMs),
    deadlineMs: num('LEAST_PRIVILEGE_API_DEADLINE_MS', DEFAULT_LIMITS.deadlineMs),
    attempts: DEFAULT_LIMITS.attempts,
    maxRetryAfterMs: num('LEAST_PRIVILEGE_API_MAX_RETRY_AFTER_MS', DEFAULT_LIMITS.maxRetryAfterMs),
    retryDelayMs: num('LEAST_PRIVILEGE_API_RETRY_DELAY_MS', DEFAULT_LIMITS.retryDelayMs),
    maxAnswerBytes: DEFAULT_LIMITS.maxAnswerBytes
  }
}

export function createGitHubClient(
  token: string,
  apiUrl = process.env.GITHUB_API_URL,
  limits: ClientLimits = limitsFromEnv(),
  now: () => number = Date.now
): GitHubClient {
  const baseUrl = (apiUrl || 'https://api.github.com').replace(/\/+$/, '')
  const bounds: Bounds = { limits, deadline: now() + limits.deadlineMs, now }
  // A rate-limit wait is taken only while tries are left, it is under the cap and it ends in time.
  const waitFor = (seconds: number, options: { request: object }): boolean =>
    ((options.request as AttemptState).failures ?? 0) < limits.attempts &&
    seconds * 1000 <= limits.maxRetryAfterMs &&
    now() + seconds * 1000 < bounds.deadline
  return new RestClient({
    auth: token,
    baseUrl,
    userAgent: 'least-privilege',
    request: { fetch: boundedFetch(proxyFetch(baseUrl), limits, bounds.deadline, now) },
    bounds,
    // 5xx and network errors; 403 and 429 are rate limits, which plugin-throttling waits out.
    retry: {
      retries: limits.attempts - 1,
      retryAfterBaseValue: limits.retryDelayMs,
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451]
    },
    throttle: {
      onRateLimit: waitFor,
      onSecondaryRateLimit: waitFor,
      // The plugin's shared queues space writes 1 s (3 s for comments) for bulk writers; a run writes a
      // comment and an upload, and the spacing would spend the deadline, so this client has its own.
      write: new Bottleneck.Group({ maxConcurrent: 1 }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1 })
    },
    // Octokit would print deprecation notices and request logs with console; nothing of it is needed.
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }
  })
}

/** undici's fetch through the runner's HTTPS_PROXY / NO_PROXY, as @actions/github does it. */
function proxyFetch(baseUrl: string): Fetch {
  const dispatcher = new HttpClient().getAgentDispatcher(baseUrl)
  return ((url: string, init: RequestInit) =>
    undiciFetch(url, { ...(init as object), ...(dispatcher ? { dispatcher } : {}) })) as unknown as Fetch
}

/**
 * One attempt with a timeout (it covers the body too: undici aborts the stream) that also ends at the
 * client's deadline, and a cap on the answer's size. Retries are the plugins' (see boundRetries).
 */
export function boundedFetch(
  base: Fetch,
  limits: ClientLimits,
  deadline: number,
  now: () => number = Date.now
): Fetch {
  return (async (url: string, init: RequestInit = {}) => {
    const what = `${init.method ?? 'GET'} ${new URL(String(url)).pathname}`
    const budget = Math.min(limits.requestTimeoutMs, deadline - now())
    if (budget <= 0) throw new ApiTimeoutError(`GitHub did not answer ${what} in time`)
    const timeout = AbortSignal.timeout(budget)
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    try {
      return await buffered(await base(url, { ...init, signal }), limits.maxAnswerBytes, what)
    } catch (error) {
      if (timeout.aborted && !(error instanceof AnswerTooLargeError)) {
        throw new ApiTimeoutError(`GitHub did not answer ${what} within ${Math.ceil(budget / 1000)} s`)
      }
      throw error
    }
  }) as Fetch
}

/** Reads the whole body inside the attempt's timeout (so Octokit's later read cannot stall), capped. */
async function buffered(response: Response, maxBytes: number, what: string): Promise<Response> {
  const empty = [101, 204, 205, 304].includes(response.status) || !response.body
  const chunks: Uint8Array[] = []
  let size = 0
  if (!empty) {
    const reader = response.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined)
        throw new AnswerTooLargeError(`GitHub's answer to ${what} is larger than ${maxBytes} bytes`)
      }
      chunks.push(value)
    }
  }
  const copy = new Response(empty ? null : Buffer.concat(chunks), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers
  })
  // Octokit reports the final URL; pagination compares it with the next page's.
  Object.defineProperty(copy, 'url', { value: response.url })
  return copy
}

interface ErrorShape {
  status?: unknown
  cause?: unknown
  response?: { data?: unknown; headers?: Record<string, string | undefined> }
}

/** The HTTP status of an Octokit RequestError, or undefined for anything else (a timeout too). */
export function httpStatus(error: unknown): number | undefined {
  const shape = error as ErrorShape | null
  if (isTimeout(error)) return undefined
  // Octokit reports network failures as status 500 without a response; that is no HTTP answer.
  if (!shape?.response) return undefined
  return typeof shape.status === 'number' ? shape.status : undefined
}

export function isTimeout(error: unknown): boolean {
  return error instanceof ApiTimeoutError || (error as ErrorShape | null)?.cause instanceof ApiTimeoutError
}

/** A 403 or 429 because the rate limit is spent, not because of permissions. */
export function isRateLimited(error: unknown): boolean {
  const status = httpStatus(error)
  const headers = (error as ErrorShape | null)?.response?.headers ?? {}
  const data = (error as ErrorShape | null)?.response?.data
  const message = data && typeof data === 'object' ? (data as { message?: unknown }).message : undefined
  if (status === 429) return true
  return (
    status === 403 &&
    (headers['x-ratelimit-remaining'] === '0' ||
      headers['retry-after'] !== undefined ||
      (typeof message === 'string' && /\bsecondary rate limit/i.test(message)))
  )
}

/**
 * The API's own one-line message (`Resource not accessible by integration`), without the docs URL.
 * A body that is not GitHub's JSON error shape is never echoed (it may be an HTML page or a proxy's
 * text), and internal exception text is replaced by what went wrong.
 */
export function apiMessage(error: unknown): string {
  // Our own limits (timeout, answer size) say what happened themselves.
  const own = [error, (error as ErrorShape | null)?.cause].find(
    e => e instanceof ApiTimeoutError || e instanceof AnswerTooLargeError
  )
  if (own) return tidy((own as Error).message)
  const shape = error as ErrorShape | null
  if (shape?.response) {
    const data = shape.response.data
    const message = data && typeof data === 'object' ? (data as { message?: unknown }).message : undefined
    if (typeof message !== 'string' || !message.trim()) return 'the answer was not the JSON GitHub sends'
    return tidy(message.replace(/ - https:\/\/docs\.github\.com\S*$/, ''))
  }
  if (typeof shape?.status === 'number') {
    // Octokit's RequestError without a response: no HTTP answer. fetch says only "fetch failed"; the
    // reason (ECONNREFUSED, a TLS error) is further down the cause chain.
    let reason = (error as Error).message
    let cause: unknown = shape.cause
    for (let depth = 0; depth < 4 && cause && typeof cause === 'object'; depth++) {
      const message = (cause as { message?: unknown }).message
      if (typeof message === 'string' && message.trim()) reason = message
      cause = (cause as { cause?: unknown }).cause
    }
    return tidy(`could not reach GitHub: ${reason}`)
  }
  return tidy(error instanceof Error ? error.message : String(error))
}

function tidy(text: string): string {
  return capLength(text.split(/\r\n|[\r\n]/)[0].trim(), 200)
}

/** A non-JSON or unexpected answer to a successful request. */
export class UnexpectedAnswerError extends Error {
  constructor(what: string) {
    super(`${what}: the answer was not the JSON GitHub sends`)
    this.name = 'UnexpectedAnswerError'
  }
}

/** A JSON object from a response, or an UnexpectedAnswerError naming the request. */
export function objectData(data: unknown, what: string): Record<string, unknown> {
  if (data && typeof data === 'object' && !Array.isArray(data)) return data as Record<string, unknown>
  throw new UnexpectedAnswerError(what)
}
