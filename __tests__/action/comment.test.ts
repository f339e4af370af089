import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../__fixtures__/github-api/server'
import {
  COMMENT_LIMIT,
  findStickyComment,
  fitComment,
  resolveAuthor,
  upsertStickyComment,
  type CommentIdentity
} from '../../src/action/comment'
import { createGitHubClient } from '../../src/action/github-client'
import { LEGACY_MARKER_PATTERN, legacyStickyMarker, stickyMarker } from '../../src/action/identity'
import type { Logger } from '../../src/logger'

const OWNER = 'octo'
const REPO = 'app'
const PR = 7
const target = { owner: OWNER, repo: REPO, issueNumber: PR }
const marker = stickyMarker({ workflow: 'CI', job: 'scan', matrix: '', commentKey: '' })
/** What main.ts passes: this scan's marker, and the earlier scheme's for the Dockerfiles scanned now. */
const identityFor = (dockerfiles: string[]): CommentIdentity => ({
  marker,
  legacyMarker: legacyStickyMarker('CI', 'scan', dockerfiles),
  legacyPattern: LEGACY_MARKER_PATTERN
})

let api: GitHubApi
let warnings: string[]
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: m => void warnings.push(m),
  error: m => void warnings.push(m),
  group: (_n, fn) => fn()
}

beforeEach(async () => {
  warnings = []
  api = await startGitHubApi({
    owner: OWNER,
    repo: REPO,
    tokens: {
      'workflow-token': { login: 'github-actions[bot]', type: 'Bot', canWrite: true },
      'read-only': { login: 'github-actions[bot]', type: 'Bot', canWrite: false },
      'pat-token': { login: 'alice', type: 'User', canWrite: true }
    }
  })
})
afterEach(() => api.close())

describe('resolveAuthor', () => {
  it('uses GET /user for a personal token and github-actions[bot] when GitHub answers 403', async () => {
    expect(await resolveAuthor(createGitHubClient('pat-token', api.url), logger)).toBe('alice')
    expect(await resolveAuthor(createGitHubClient('workflow-token', api.url), logger)).toBe(
      'github-actions[bot]'
    )
    expect(api.requests.filter(r => r.path === '/user').map(r => r.status)).toEqual([200, 403])
  })
})

describe('findStickyComment', () => {
  it('searches every page and finds ours on page 3', async () => {
    for (let i = 0; i < 230; i++) api.seedComment(PR, `user${i % 5}`, 'User', `comment ${i}`)
    const ours = api.seedComment(PR, 'github-actions[bot]', 'Bot', `report\n${marker}`)
    const found = await findStickyComment(
      createGitHubClient('workflow-token', api.url),
      target,
      marker,
      'github-actions[bot]'
    )
    expect(found?.id).toBe(ours.id)
    const pages = api.requests.filter(r => r.path.includes('/comments'))
    expect(pages.map(r => new URL(r.path, api.url).searchParams.get('page') ?? '1')).toEqual(['1', '2', '3'])
    expect(pages.every(r => r.path.includes('per_page=100'))).toBe(true)
  })

  it('ignores a comment with our marker written by someone else', async () => {
    api.seedComment(PR, 'mallory', 'User', `forged\n${marker}`)
    api.seedComment(PR, 'other-app[bot]', 'Bot', `also forged\n${marker}`)
    const client = createGitHubClient('workflow-token', api.url)
    expect(await findStickyComment(client, target, marker, 'github-actions[bot]')).toBeUndefined()
  })

  it('ignores our own comments without the marker (another scan on the same PR)', async () => {
    const otherJob = stickyMarker({ workflow: 'CI', job: 'lint', matrix: '', commentKey: '' })
    api.seedComment(PR, 'github-actions[bot]', 'Bot', `report\n${otherJob}`)
    const client = createGitHubClient('workflow-token', api.url)
    expect(await findStickyComment(client, target, marker, 'github-actions[bot]')).toBeUndefined()
  })
})

describe('comments of the earlier marker scheme (it hashed the Dockerfile set)', () => {
  const client = () => createGitHubClient('workflow-token', api.url)
  const find = (dockerfiles: string[]) =>
    findStickyComment(client(), target, identityFor(dockerfiles), 'github-actions[bot]')

  it('takes over our old comment for the same Dockerfiles, found on a later page', async () => {
    for (let i = 0; i < 150; i++) api.seedComment(PR, `user${i % 3}`, 'User', `comment ${i}`)
    const old = api.seedComment(
      PR,
      'github-actions[bot]',
      'Bot',
      `old\n${legacyStickyMarker('CI', 'scan', ['Dockerfile'])}`
    )
    expect(await find(['Dockerfile'])).toEqual({ id: old.id, body: old.body, via: 'legacy' })
  })

  it('takes over our only old comment after a Dockerfile was added (its hash cannot be recomputed)', async () => {
    const old = api.seedComment(
      PR,
      'github-actions[bot]',
      'Bot',
      `old\n${legacyStickyMarker('CI', 'scan', ['Dockerfile'])}`
    )
    expect((await find(['Dockerfile', 'worker/Dockerfile']))?.id).toBe(old.id)
  })

  it('prefers the current marker, then the exact old one, and leaves two unmatched old ones alone', async () => {
    api.seedComment(PR, 'github-actions[bot]', 'Bot', `a\n${legacyStickyMarker('CI', 'other', ['x'])}`)
    const b = api.seedComment(
      PR,
      'github-actions[bot]',
      'Bot',
      `b\n${legacyStickyMarker('CI', 'scan', ['Dockerfile'])}`
    )
    expect((await find(['Dockerfile']))?.id).toBe(b.id)
    // Two old comments, neither for these Dockerfiles: which one was this job's is unknown.
    expect(await find(['Dockerfile', 'new/Dockerfile'])).toBeUndefined()
    const current = api.seedComment(PR, 'github-actions[bot]', 'Bot', `now\n${marker}`)
    expect(await find(['Dockerfile'])).toMatchObject({ id: current.id, via: 'marker' })
  })

  it("ignores an old marker in someone else's comment", async () => {
    api.seedComment(PR, 'mallory', 'User', `forged\n${legacyStickyMarker('CI', 'scan', ['Dockerfile'])}`)
    expect(await find(['Dockerfile'])).toBeUndefined()
  })

  it('updates the old comment in place, which then carries only the new marker', async () => {
    const old = api.seedComment(
      PR,
      'github-actions[bot]',
      'Bot',
      `old\n${legacyStickyMarker('CI', 'scan', ['Dockerfile'])}`
    )
    const identity = identityFor(['Dockerfile', 'worker/Dockerfile'])
    expect(await upsertStickyComment(client(), target, identity, `new\n${marker}`, logger)).toBe('updated')
    expect(await upsertStickyComment(client(), target, identity, `newer\n${marker}`, logger)).toBe('updated')
    expect(api.comments(PR)).toEqual([expect.objectContaining({ id: old.id, body: `newer\n${marker}` })])
    expect(LEGACY_MARKER_PATTERN.test(api.comments(PR)[0].body)).toBe(false)
  })
})

describe('upsertStickyComment', () => {
  it('creates once, then updates the same comment, leaving a forged one alone', async () => {
    const forged = api.seedComment(PR, 'mallory', 'User', `forged\n${marker}`)
    const client = createGitHubClient('workflow-token', api.url)
    expect(await upsertStickyComment(client, target, marker, `first\n${marker}`, logger)).toBe('created')
    expect(await upsertStickyComment(client, target, marker, `second\n${marker}`, logger)).toBe('updated')
    const comments = api.comments(PR)
    expect(comments).toHaveLength(2)
    expect(comments[0]).toMatchObject({ id: forged.id, body: `forged\n${marker}` })
    expect(comments[1]).toMatchObject({ body: `second\n${marker}`, user: { login: 'github-actions[bot]' } })
    expect(warnings).toEqual([])
  })

  it('turns a read-only token into a warning with a hint', async () => {
    const client = createGitHubClient('read-only', api.url)
    expect(await upsertStickyComment(client, target, marker, `x\n${marker}`, logger)).toBe('failed')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /HTTP 403: Resource not accessible by integration.*pull-requests: write.*fork/
    )
    expect(api.comments(PR)).toHaveLength(0)
  })

  it('the stand-in rejects a body over the limit, and fitComment keeps us under it', async () => {
    const client = createGitHubClient('workflow-token', api.url)
    const huge = `${'| row | with text |\n'.repeat(5000)}${marker}`
    expect(huge.length).toBeGreaterThan(COMMENT_LIMIT)
    expect(await upsertStickyComment(client, target, marker, huge, logger)).toBe('failed')
    expect(warnings[0]).toMatch(/HTTP 422/)
    const fitted = fitComment(huge, marker, 'https://github.com/octo/app/actions/runs/1')
    expect(await upsertStickyComment(client, target, marker, fitted, logger)).toBe('created')
  })
})

describe('fitComment', () => {
  const url = 'https://github.com/o/r/actions/runs/9'
  it('leaves a short body whole and puts the marker last, once', () => {
    const out = fitComment(`${marker}\nhello`, marker, url)
    expect(out).toBe(`hello\n\n${marker}`)
  })

  it('cuts at a line break, closes an open <details> and code fence, links the summary', () => {
    const body = `intro\n<details><summary>probe</summary>\n\n\`\`\`json\n${'{"a": 1}\n'.repeat(20_000)}\`\`\`\n</details>\n`
    const out = fitComment(body, marker, url)
    expect(out.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(out.endsWith(marker)).toBe(true)
    expect(out).toContain(`[job summary](${url})`)
    expect((out.match(/```/g) ?? []).length % 2).toBe(0)
    expect((out.match(/<details>/g) ?? []).length).toBe((out.match(/<\/details>/g) ?? []).length)
    expect(out).not.toMatch(/\{"a": 1\n/) // no half lines
  })

  it('never splits a surrogate pair', () => {
    const out = fitComment('😀'.repeat(40_000), marker, url, 1000)
    expect(out.length).toBeLessThanOrEqual(1000)
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
  })
})
