// The REST client for comments and uploads: Octokit (core + REST methods) pointed at GITHUB_API_URL.
// @actions/github is not used: its module-level `context` parses GITHUB_EVENT_PATH when the bundle
// loads, so a broken event file crashed the action and the CLI before any guard (run-context.ts reads
// the payload itself). Every request here is bounded: a timeout per attempt, an overall deadline, and a
// few retries for 5xx/429 that honour retry-after up to a cap.
import { HttpClient } from '@actions/http-client'
import { Octokit } from '@octokit/core'
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods'
import { fetch as undiciFetch } from 'undici'
import { capLength } from './runner-safe'

const RestClient = Octokit.plugin(restEndpointMethods)
export type GitHubClient = InstanceType<typeof RestClient>

type Fetch = typeof globalThis.fetch

export interface ClientLimits {
  /** One attempt (connect, headers and body). */
  requestTimeoutMs: number
  /** Everything this client does, retries and waits included. */
  deadlineMs: number
  /** Attempts per request for 5xx, 429 and network errors. */
  attempts: number
  /** Longest retry-after we wait; a longer one ends the retries. */
  maxRetryAfterMs: number
  /** Wait before a retry without retry-after. */
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
  limits: ClientLimits = limitsFromEnv()
): GitHubClient {
  const baseUrl = (apiUrl || 'https://api.github.com').replace(/\/+$/, '')
  return new RestClient({
    auth: token,
    baseUrl,
    userAgent: 'least-privilege',
    request: { fetch: boundedFetch(proxyFetch(baseUrl), limits) },
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

const RETRYABLE = new Set([429, 500, 502, 503, 504])

/** Server errors, 429, and a 403 that is a spent (secondary) rate limit rather than a permission. */
function retryable(response: Response): boolean {
  if (RETRYABLE.has(response.status)) return true
  const limited = response.headers.get('x-ratelimit-remaining') === '0' || response.headers.has('retry-after')
  return response.status === 403 && limited
}
const sleep = (ms: number): Promise<void> => new Promise(done => setTimeout(done, ms))

/**
 * A fetch with a timeout per attempt (it covers the body too: undici aborts the stream), an overall
 * deadline, and bounded retries. The request body is a string, so it can be sent again.
 */
export function boundedFetch(base: Fetch, limits: ClientLimits, now: () => number = Date.now): Fetch {
  const deadline = now() + limits.deadlineMs
  return (async (url: string, init: RequestInit = {}) => {
    const what = `${init.method ?? 'GET'} ${new URL(String(url)).pathname}`
    for (let attempt = 1; ; attempt++) {
      const budget = Math.min(limits.requestTimeoutMs, deadline - now())
      if (budget <= 0) throw new ApiTimeoutError(`GitHub did not answer ${what} in time`)
      const timeout = AbortSignal.timeout(budget)
      const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout
      let response: Response
      try {
        response = await buffered(await base(url, { ...init, signal }), limits.maxAnswerBytes, what)
      } catch (error) {
        if (error instanceof AnswerTooLargeError) throw error
        if (timeout.aborted) {
          throw new ApiTimeoutError(`GitHub did not answer ${what} within ${Math.ceil(budget / 1000)} s`)
        }
        // A lost answer to a POST may still have created the comment: only idempotent calls are re-sent.
        const idempotent = !['POST'].includes((init.method ?? 'GET').toUpperCase())
        if (init.signal?.aborted || attempt >= limits.attempts || !idempotent) throw error
        await sleep(Math.min(limits.retryDelayMs, Math.max(0, deadline - now())))
        continue
      }
      if (!retryable(response) || attempt >= limits.attempts) return response
      const wait = retryAfterMs(response.headers, limits.retryDelayMs * attempt)
      // Waiting longer than the cap or past the deadline helps nobody: hand back the answer we have.
      if (wait > limits.maxRetryAfterMs || now() + wait >= deadline) return response
      await sleep(wait)
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

/** `retry-after` in seconds or as a date; `x-ratelimit-reset` for a spent rate limit; else `fallback`. */
export function retryAfterMs(headers: Headers, fallback: number, now = Date.now()): number {
  const after = headers.get('retry-after')
  if (after !== null) {
    const seconds = Number(after)
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
    const date = Date.parse(after)
    if (Number.isFinite(date)) return Math.max(0, date - now)
  }
  const reset = Number(headers.get('x-ratelimit-reset'))
  if (headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(0, reset * 1000 - now)
  }
  return fallback
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
  if (status === 429) return true
  return status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined)
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
