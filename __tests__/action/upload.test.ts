import { randomBytes } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../__fixtures__/github-api/server'
import { createGitHubClient } from '../../src/action/github-client'
import { encodeSarif, uploadSarif, type UploadRequest } from '../../src/action/upload'
import type { Logger } from '../../src/logger'

let api: GitHubApi
let warnings: string[]
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: m => void warnings.push(m),
  error: m => void warnings.push(m),
  group: (_n, fn) => fn()
}
const sarif = JSON.stringify({
  version: '2.1.0',
  runs: [{ tool: { driver: { name: 'least-privilege', rules: [] } }, results: [] }]
})
const request: UploadRequest = {
  owner: 'octo',
  repo: 'app',
  sarif,
  commitSha: 'a'.repeat(40),
  ref: 'refs/pull/7/merge',
  checkoutUri: 'file:///home/runner/work/app/app',
  startedAt: '2026-01-01T00:00:00.000Z',
  toolName: 'least-privilege'
}
const sleeps: number[] = []
const fast = { delaysMs: [5, 10, 20, 40, 80], sleep: async (ms: number) => void sleeps.push(ms) }

beforeEach(async () => {
  warnings = []
  sleeps.length = 0
  api = await startGitHubApi({
    owner: 'octo',
    repo: 'app',
    pendingPolls: 2,
    maxSarifGzipBytes: 4096,
    tokens: {
      writer: { login: 'github-actions[bot]', type: 'Bot', canWrite: true },
      reader: { login: 'github-actions[bot]', type: 'Bot', canWrite: false }
    }
  })
})
afterEach(() => api.close())

describe('encodeSarif', () => {
  it('gzips then base64-encodes, and the round trip gives the same JSON', () => {
    const encoded = encodeSarif(sarif)
    expect(JSON.parse(gunzipSync(Buffer.from(encoded.base64, 'base64')).toString('utf8'))).toEqual(
      JSON.parse(sarif)
    )
    expect(encoded.rawBytes).toBe(Buffer.byteLength(sarif))
    expect(encoded.gzippedBytes).toBe(Buffer.from(encoded.base64, 'base64').length)
  })
})

describe('uploadSarif', () => {
  it('uploads the fields code scanning needs and polls with backoff until complete', async () => {
    const outcome = await uploadSarif(createGitHubClient('writer', api.url), request, logger, fast)
    expect(outcome).toBe('complete')
    expect(api.uploads).toHaveLength(1)
    expect(api.uploads[0]).toMatchObject({
      commit_sha: request.commitSha,
      ref: request.ref,
      checkout_uri: request.checkoutUri,
      started_at: request.startedAt,
      tool_name: 'least-privilege',
      sarif: JSON.parse(sarif)
    })
    // two pending answers, then complete: three checks, waiting longer each time
    expect(sleeps).toEqual([5, 10, 20])
    expect(warnings).toEqual([])
  })

  it('warns and goes on when processing has not finished in time', async () => {
    const outcome = await uploadSarif(createGitHubClient('writer', api.url), request, logger, {
      ...fast,
      delaysMs: [1, 2]
    })
    expect(outcome).toBe('pending')
    expect(warnings[0]).toMatch(/has not finished/)
  })

  it('explains a 403 (permission, fork, Advanced Security) as a warning', async () => {
    const outcome = await uploadSarif(createGitHubClient('reader', api.url), request, logger, fast)
    expect(outcome).toBe('rejected')
    expect(warnings[0]).toMatch(
      /HTTP 403: Resource not accessible by integration.*security-events: write.*fork.*Advanced Security/
    )
    expect(api.uploads).toHaveLength(0)
  })

  it('explains a 404 for an unknown repository', async () => {
    const outcome = await uploadSarif(
      createGitHubClient('writer', api.url),
      { ...request, repo: 'gone' },
      logger,
      fast
    )
    expect(outcome).toBe('rejected')
    expect(warnings[0]).toMatch(/HTTP 404.*not found/i)
  })

  it('checks the gzipped size before sending, and reports the 413 from GitHub', async () => {
    // random hex does not compress well, so the gzipped size really is large (about 20 KB)
    const big = JSON.stringify({ version: '2.1.0', runs: [], pad: randomBytes(20_000).toString('hex') })
    const client = createGitHubClient('writer', api.url)
    expect(
      await uploadSarif(client, { ...request, sarif: big }, logger, { ...fast, maxGzipBytes: 8192 })
    ).toBe('too-large')
    expect(warnings[0]).toMatch(/above GitHub's limit of 8192 bytes/)
    expect(api.requests).toHaveLength(0)
    // our default cap is 10 MB; the stand-in's is 4 KiB, so its 413 is what the action sees and reports
    expect(await uploadSarif(client, { ...request, sarif: big }, logger, fast)).toBe('rejected')
    expect(warnings[1]).toMatch(/HTTP 413.*too large/)
  })
})
