// The REST client against the API stand-in misbehaving: every wait is bounded, every problem is one
// short warning that neither echoes the answer's body nor leaks internal exception text.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../__fixtures__/github-api/server'
import { findStickyComment, nextLink, upsertStickyComment } from '../../src/action/comment'
import { apiMessage, createGitHubClient, type ClientLimits } from '../../src/action/github-client'
import { uploadSarif } from '../../src/action/upload'
import type { Logger } from '../../src/logger'

const TOKEN = 'workflow-token'
const target = { owner: 'octo', repo: 'app', issueNumber: 7 }
const marker = '<!-- least-privilege:v1:0123456789abcdef -->'
const FAST: ClientLimits = {
  requestTimeoutMs: 500,
  deadlineMs: 5_000,
  attempts: 3,
  maxRetryAfterMs: 2_000,
  retryDelayMs: 10,
  maxAnswerBytes: 1024 * 1024
}

let api: GitHubApi
let warnings: string[]
let infos: string[]
const logger: Logger = {
  debug: () => undefined,
  info: m => void infos.push(m),
  warning: m => void warnings.push(m),
  error: m => void warnings.push(m),
  group: (_n, fn) => fn()
}
const client = (limits: ClientLimits = FAST) => createGitHubClient(TOKEN, api.url, limits)
const sarif = JSON.stringify({ version: '2.1.0', runs: [] })
const uploadRequest = {
  owner: 'octo',
  repo: 'app',
  sarif,
  commitSha: 'a'.repeat(40),
  ref: 'refs/pull/7/merge',
  checkoutUri: 'file:///w',
  startedAt: '2026-01-01T00:00:00.000Z',
  toolName: 'least-privilege'
}

/** A warning fit for the log: one line, short, no stack, no body, no internals. */
function expectCleanWarning(text: string | undefined): void {
  expect(text).toBeDefined()
  expect(text).not.toMatch(/[\r\n]/)
  expect(text!.length).toBeLessThanOrEqual(600)
  expect(text).not.toMatch(/\bat .*:\d+:\d+|Cannot use|undefined|TypeError|<html|Unicorn|not json\]\]/)
}

beforeEach(async () => {
  warnings = []
  infos = []
  api = await startGitHubApi({
    owner: 'octo',
    repo: 'app',
    pendingPolls: 0,
    tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: true } }
  })
})
afterEach(() => api.close())

describe('a GitHub API that never answers', () => {
  it('gives up on the comment after the request timeout, with one warning', async () => {
    api.faults.push({ match: /^GET .*\/comments$/, kind: 'stall' })
    const started = Date.now()
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('failed')
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/did not answer GET \/repos\/octo\/app\/issues\/7\/comments within 1 s/)
    expectCleanWarning(warnings[0])
  })

  it('gives up on a stalled status check after the request timeout', async () => {
    api.faults.push({ match: /^GET .*\/code-scanning\/sarifs\/.+/, kind: 'stall' })
    const started = Date.now()
    const outcome = await uploadSarif(client(), uploadRequest, logger, { delaysMs: [5, 10, 20] })
    expect(outcome).toBe('pending')
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(warnings).toHaveLength(1)
    expectCleanWarning(warnings[0])
  })

  it('ends the whole wait at the client deadline even when each attempt is shorter', async () => {
    api.faults.push({ match: /^GET .*\/comments$/, kind: 'status', status: 503 })
    const started = Date.now()
    const slow = { ...FAST, attempts: 100, retryDelayMs: 200, deadlineMs: 1_000 }
    expect(await upsertStickyComment(client(slow), target, marker, 'body', logger)).toBe('failed')
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(warnings[0]).toMatch(/HTTP 503/)
  })
})

describe('the upload status poll', () => {
  it('has a total deadline: it stops before a check that would end past it', async () => {
    await api.close()
    api = await startGitHubApi({
      owner: 'octo',
      repo: 'app',
      pendingPolls: 100,
      tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: true } }
    })
    let clock = 0
    const sleeps: number[] = []
    const outcome = await uploadSarif(client(), uploadRequest, logger, {
      delaysMs: [1_000, 2_000, 4_000, 8_000],
      deadlineMs: 5_000,
      now: () => clock,
      sleep: async ms => {
        sleeps.push(ms)
        clock += ms
      }
    })
    expect(outcome).toBe('pending')
    expect(sleeps).toEqual([1_000, 2_000])
    expect(warnings).toEqual([expect.stringMatching(/has not finished yet/)])
  })
})

describe('retries', () => {
  const sent = (method: string, pattern: RegExp): number =>
    api.requests.filter(r => r.method === method && pattern.test(r.path)).length

  it('retries a 502 and succeeds', async () => {
    api.faults.push({ match: /^POST .*\/comments$/, kind: 'status', status: 502, times: 1 })
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('created')
    expect(warnings).toEqual([])
    expect(api.comments(7)).toHaveLength(1)
    expect(sent('POST', /\/issues\/7\/comments$/)).toBe(2)
  })

  it('tries a request that always gets 502 exactly `attempts` times, then reports the 502', async () => {
    api.faults.push({ match: /^GET .*\/comments$/, kind: 'status', status: 502 })
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('failed')
    expect(sent('GET', /\/issues\/7\/comments/)).toBe(FAST.attempts)
    expect(warnings).toEqual([expect.stringMatching(/HTTP 502: injected 502/)])
  })

  it('waits out a spent rate limit (403, x-ratelimit-remaining: 0) that resets soon, then succeeds', async () => {
    const resetSoon = String(Math.floor(Date.now() / 1000) + 1)
    api.faults.push({
      match: /^GET .*\/comments$/,
      kind: 'rate-limited',
      times: 1,
      headers: { 'x-ratelimit-reset': resetSoon }
    })
    const started = Date.now()
    const patient = { ...FAST, maxRetryAfterMs: 4_000 }
    expect(await upsertStickyComment(client(patient), target, marker, 'body', logger)).toBe('created')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(sent('GET', /\/issues\/7\/comments/)).toBe(2)
    expect(warnings).toEqual([])
  })

  it('does not wait for a rate limit that resets past the cap: one request, a rate-limit warning', async () => {
    api.faults.push({ match: /^GET .*\/comments$/, kind: 'rate-limited' })
    const started = Date.now()
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('failed')
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(sent('GET', /\/issues\/7\/comments/)).toBe(1)
    expect(warnings[0]).toMatch(/rate limit is spent/)
  })

  it('honours retry-after on a secondary rate limit up to the cap', async () => {
    const secondary =
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
    api.faults.push({
      match: /^POST .*\/comments$/,
      kind: 'status',
      status: 403,
      times: 1,
      message: secondary,
      headers: { 'retry-after': '1' }
    })
    const started = Date.now()
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('created')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(sent('POST', /\/issues\/7\/comments$/)).toBe(2)
    // A retry-after beyond the cap is not waited for.
    api.faults.length = 0
    api.faults.push({
      match: /^GET .*\/comments$/,
      kind: 'status',
      status: 429,
      message: secondary,
      headers: { 'retry-after': '60' }
    })
    const again = Date.now()
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('failed')
    expect(Date.now() - again).toBeLessThan(1_500)
    expect(warnings[0]).toMatch(/rate limit/)
  })

  it('counts rate-limit waits and 5xx retries together: never more than `attempts` tries', async () => {
    // A spent limit that has just reset, then 503 for ever.
    let seen = 0
    const server = createServer((req, res) => {
      seen++
      const limited = seen === 1
      res.writeHead(limited ? 403 : 503, {
        'content-type': 'application/json',
        ...(limited
          ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) }
          : {})
      })
      res.end(JSON.stringify({ message: limited ? 'API rate limit exceeded' : 'unavailable' }))
    })
    await new Promise<void>(ready => server.listen(0, '127.0.0.1', ready))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const patient = createGitHubClient(TOKEN, url, { ...FAST, maxRetryAfterMs: 4_000 })
      await expect(
        patient.request('GET /repos/{owner}/{repo}', { owner: 'octo', repo: 'app' })
      ).rejects.toThrow(/unavailable/)
      expect(seen).toBe(FAST.attempts)
    } finally {
      server.close()
    }
  })
})

describe('an answer that is lost', () => {
  /** A server that reads each request and then drops the connection without answering. */
  async function dropping(): Promise<{ url: string; seen: string[]; close: () => void }> {
    const seen: string[] = []
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        seen.push(`${req.method} ${req.url}`)
        res.socket?.destroy()
      })
    })
    await new Promise<void>(ready => server.listen(0, '127.0.0.1', ready))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return { url, seen, close: () => server.close() }
  }

  it('never re-sends a POST (it may have created the comment), but retries a GET', async () => {
    const server = await dropping()
    try {
      const octokit = createGitHubClient(TOKEN, server.url, FAST)
      await expect(
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: 'octo',
          repo: 'app',
          issue_number: 7,
          body: 'x'
        })
      ).rejects.toThrow()
      expect(server.seen.filter(r => r.startsWith('POST'))).toHaveLength(1)
      // The same client still retries the next request: retry state is per request.
      await expect(
        octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: 'octo',
          repo: 'app',
          issue_number: 7
        })
      ).rejects.toThrow()
      expect(server.seen.filter(r => r.startsWith('GET'))).toHaveLength(FAST.attempts)
    } finally {
      server.close()
    }
  })

  it('keeps retrying on a client whose earlier request used up its tries', async () => {
    api.faults.push({ match: /^GET .*\/comments$/, kind: 'status', status: 502, times: FAST.attempts })
    const shared = client()
    expect(await upsertStickyComment(shared, target, marker, 'body', logger)).toBe('failed')
    api.faults.length = 0
    api.faults.push({ match: /^GET .*\/comments$/, kind: 'status', status: 502, times: 1 })
    warnings = []
    expect(await upsertStickyComment(shared, target, marker, 'body', logger)).toBe('created')
    expect(warnings).toEqual([])
  })
})

describe('answers that are not what GitHub sends', () => {
  it('says rate limit, not permissions, for a 403 with x-ratelimit-remaining: 0', async () => {
    api.faults.push({ match: /^GET .*\/comments$/, kind: 'rate-limited' })
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('failed')
    expect(warnings[0]).toMatch(/rate limit is spent \(HTTP 403: API rate limit exceeded/)
    expect(warnings[0]).not.toMatch(/permissions/)
    expectCleanWarning(warnings[0])
  })

  it('does not leak internals for malformed JSON', async () => {
    api.faults.push({ match: /^GET .*\/comments$/, kind: 'malformed-json' })
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('failed')
    expect(warnings[0]).toMatch(/not the JSON GitHub sends/)
    expectCleanWarning(warnings[0])
  })

  it('does not claim success or echo the page for a 201 with an HTML body', async () => {
    api.faults.push({ match: /^POST .*\/comments$/, kind: 'html', status: 201 })
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('failed')
    expect(infos.join('\n')).not.toMatch(/Created/)
    expectCleanWarning(warnings[0])
  })

  it('never echoes an HTML error page', async () => {
    api.faults.push({ match: /^POST .*\/code-scanning\/sarifs$/, kind: 'html', status: 500 })
    expect(await uploadSarif(client(), uploadRequest, logger, { delaysMs: [5] })).toBe('rejected')
    expect(warnings[0]).toMatch(/SARIF upload failed \(HTTP 500/)
    expectCleanWarning(warnings[0])
  })

  it('stops reading an answer above the size cap, once, with one warning', async () => {
    for (let i = 0; i < 40; i++) api.seedComment(7, 'someone', 'User', 'x'.repeat(1_000))
    const small = { ...FAST, maxAnswerBytes: 10_000 }
    expect(await upsertStickyComment(client(small), target, marker, 'body', logger)).toBe('failed')
    expect(warnings).toEqual([
      expect.stringMatching(
        /answer to GET \/repos\/octo\/app\/issues\/7\/comments is larger than 10000 bytes/
      )
    ])
    expect(api.requests.filter(r => r.path.includes('/issues/7/comments'))).toHaveLength(1)
    expectCleanWarning(warnings[0])
  })

  it('caps a long API message', () => {
    const error = Object.assign(new Error('x'), {
      status: 422,
      response: { data: { message: `${'m'.repeat(5000)}\nsecond line` }, headers: {} }
    })
    expect(apiMessage(error).length).toBeLessThanOrEqual(200)
    expect(apiMessage(error)).not.toContain('second line')
  })
})

describe('pagination', () => {
  it('stops at a Link next page seen before', async () => {
    for (let i = 0; i < 120; i++) api.seedComment(7, 'someone', 'User', `comment ${i}`)
    api.linkCycle = true
    expect(await upsertStickyComment(client(), target, marker, 'body', logger)).toBe('failed')
    expect(warnings[0]).toMatch(/loop/)
    expect(api.requests.filter(r => r.path.includes('/issues/7/comments')).length).toBeLessThanOrEqual(3)
  })

  it('stops after the page cap', async () => {
    for (let i = 0; i < 350; i++) api.seedComment(7, 'someone', 'User', `comment ${i}`)
    await expect(findStickyComment(client(), target, marker, 'github-actions[bot]', 2)).rejects.toThrow(
      /more than 2 pages/
    )
    expect(api.requests.filter(r => r.path.includes('/issues/7/comments'))).toHaveLength(2)
  })

  it('never follows a next page on another host (the token would go with it)', async () => {
    const requests: string[] = []
    const server = createServer((req, res) => {
      requests.push(req.url ?? '')
      res.writeHead(200, {
        'content-type': 'application/json',
        link: '<http://198.51.100.7/steal?page=2>; rel="next"'
      })
      res.end('[]')
    })
    await new Promise<void>(ready => server.listen(0, '127.0.0.1', ready))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await expect(
        findStickyComment(createGitHubClient(TOKEN, url, FAST), target, marker, 'github-actions[bot]')
      ).rejects.toThrow(/another host/)
      expect(requests).toHaveLength(1)
    } finally {
      server.close()
    }
  })

  it('reads the rel=next link from a Link header', () => {
    expect(
      nextLink('<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=9>; rel="last"')
    ).toBe('https://api.github.com/x?page=2')
    expect(nextLink('<https://api.github.com/x?page=9>; rel="last"')).toBeUndefined()
    expect(nextLink(undefined)).toBeUndefined()
  })
})

describe('an API that cannot be reached', () => {
  it('retries a refused connection a few times, then says so in one line', async () => {
    const url = api.url
    await api.close()
    const dead = createGitHubClient(TOKEN, url, FAST)
    expect(await upsertStickyComment(dead, target, marker, 'body', logger)).toBe('failed')
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Could not write the pull request comment \(could not reach GitHub: .*ECONNREFUSED/
      )
    ])
    expectCleanWarning(warnings[0])
    api = await startGitHubApi({ owner: 'octo', repo: 'app', tokens: {} })
  })
})
