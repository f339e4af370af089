// The bundled action against a GitHub API that misbehaves: never answers, 502 then 200, a Link cycle,
// malformed JSON, an HTML body, a spent rate limit. Each run must end in bounded time with one short
// warning and no stack trace, and the SARIF, outputs and summary must be written regardless.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { startGitHubApi, type Fault, type GitHubApi } from '../../__fixtures__/github-api/server'
import {
  expectNoStackTrace,
  IN_CI,
  missingPrerequisite,
  SHA,
  warningsOf,
  WORKFLOW_TOKEN
} from './helpers/e2e-env'
import { newTemp, ROOT, runMainStep, type RunnerJob, type StepResult } from './helpers/runner'

const missing = await missingPrerequisite(false)
if (missing && !IN_CI) console.warn(`SKIPPING the action API-fault e2e tests: ${missing}`)

describe('prerequisites', () => {
  it('has the bundle under CI=true', () => {
    if (IN_CI) expect(missing).toBe('')
  })
})

const PASSING = 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n'
// A stalled request gives up after this; the action's default is 30 s per attempt.
const FAST_API = {
  LEAST_PRIVILEGE_API_TIMEOUT_MS: '1500',
  LEAST_PRIVILEGE_API_RETRY_DELAY_MS: '50',
  DOCKER_HOST: 'unix:///nonexistent/least-privilege/docker.sock'
}
// Generous: only a hang fails this.
const BOUND_MS = 30_000

const suite = missing ? describe.skip : describe

suite('the bundled action with a faulty GitHub API', () => {
  let api: GitHubApi
  let temp: string
  let workspace: string

  let nextPull = 20
  let pull = 7
  /** A pull request of its own for the next run, so no earlier run's comment is found first. */
  const freshPullRequest = (): number => {
    pull = ++nextPull
    for (let i = 0; i < 30; i++) api.seedComment(pull, `reviewer${i % 3}`, 'User', `LGTM ${i}`)
    return pull
  }
  const eventFile = (): string => {
    if (pull === 7) return join(ROOT, '__fixtures__', 'events', 'pull_request.json')
    const file = join(temp, `event-${pull}.json`)
    const payload = JSON.parse(
      readFileSync(join(ROOT, '__fixtures__', 'events', 'pull_request.json'), 'utf8')
    )
    writeFileSync(
      file,
      JSON.stringify({ ...payload, number: pull, pull_request: { ...payload.pull_request, number: pull } })
    )
    return file
  }

  const job = (inputs: Record<string, string> = {}): RunnerJob => ({
    workspace,
    temp,
    eventName: 'pull_request',
    eventFile: eventFile(),
    apiUrl: api.url,
    token: WORKFLOW_TOKEN,
    sha: SHA,
    inputs: { build: 'false', ...inputs },
    env: FAST_API
  })

  /** Runs main with `faults`; checks the step finished its own work and returns it with the elapsed time. */
  async function runWith(faults: Fault[], inputs: Record<string, string> = {}): Promise<StepResult> {
    api.faults.push(...faults)
    rmSync(join(workspace, 'least-privilege.sarif'), { force: true })
    const started = Date.now()
    const main = await runMainStep(job(inputs))
    expect(Date.now() - started).toBeLessThan(BOUND_MS)
    expectNoStackTrace(main)
    expect(main.code).toBe(0)
    expect(main.outputs.verdict).toBe('pass')
    expect(existsSync(main.outputs['sarif-file'])).toBe(true)
    expect(main.summary.split('\n')[0]).toMatch(/^### ✅ least-privilege passed/)
    for (const warning of warningsOf(main)) {
      expect(warning).not.toMatch(/[\r\n]/)
      expect(warning.length).toBeLessThanOrEqual(600)
      expect(warning).not.toMatch(/Cannot use|undefined|TypeError|<html|Unicorn|not json\]\]/)
    }
    return main
  }
  const apiWarnings = (main: StepResult): string[] =>
    warningsOf(main).filter(w => /pull request comment|SARIF/.test(w))

  beforeAll(async () => {
    api = await startGitHubApi({
      owner: 'octo',
      repo: 'app',
      pendingPolls: 1,
      tokens: { [WORKFLOW_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: true } }
    })
    temp = newTemp('lp-e2e-faults-runner-')
    workspace = newTemp('lp-e2e-faults-ws-')
    writeFileSync(join(workspace, 'Dockerfile'), PASSING)
    for (let i = 0; i < 30; i++) api.seedComment(7, `reviewer${i % 3}`, 'User', `LGTM ${i}`)
  })
  beforeEach(() => {
    api.faults.length = 0
    api.linkCycle = false
    pull = 7
  })
  afterAll(async () => {
    await api?.close()
    rmSync(temp, { recursive: true, force: true })
    rmSync(workspace, { recursive: true, force: true })
  })

  it('an API that never answers: one warning after the timeout', async () => {
    const main = await runWith([{ match: /^GET .*\/comments$/, kind: 'stall' }])
    expect(apiWarnings(main)).toEqual([
      expect.stringMatching(
        /^Could not write the pull request comment: GitHub did not answer GET \S+ within 2 s/
      )
    ])
  })

  it('an upload status check that never answers: bounded, one warning', async () => {
    const main = await runWith([{ match: /^GET .*\/code-scanning\/sarifs\/.+$/, kind: 'stall' }], {
      comment: 'false',
      'upload-sarif': 'true'
    })
    expect(apiWarnings(main)).toEqual([
      expect.stringMatching(/^Could not read the SARIF processing status \(GitHub did not answer/)
    ])
  })

  it('a 502 then 200 is retried and the comment is written', async () => {
    const before = api.comments(7).length
    const sent = api.requests.length
    const main = await runWith([{ match: /^POST .*\/comments$/, kind: 'status', status: 502, times: 1 }])
    expect(apiWarnings(main)).toEqual([])
    expect(api.comments(7)).toHaveLength(before + 1)
    expect(main.stdout).toMatch(/Created the pull request comment \d+/)
    expect(
      api.requests.slice(sent).filter(r => r.method === 'POST' && r.path.endsWith('/comments'))
    ).toHaveLength(2)
  })

  it('an upload answered 502 every time: a few tries, then one warning', async () => {
    const before = api.requests.length
    const main = await runWith([{ match: /^POST .*\/code-scanning\/sarifs$/, kind: 'status', status: 502 }], {
      comment: 'false',
      'upload-sarif': 'true'
    })
    expect(apiWarnings(main)).toEqual([
      expect.stringMatching(/^SARIF upload failed \(HTTP 502: injected 502\)/)
    ])
    expect(
      api.requests.slice(before).filter(r => r.method === 'POST' && r.path.endsWith('/sarifs')).length
    ).toBe(3)
  })

  it('a Link header that loops: the comment search stops with one warning', async () => {
    api.linkCycle = true
    freshPullRequest()
    const before = api.requests.length
    const main = await runWith([])
    expect(apiWarnings(main)).toEqual([expect.stringMatching(/pages of comments loop/)])
    expect(api.requests.slice(before).filter(r => r.path.includes('/comments')).length).toBeLessThanOrEqual(3)
  })

  it('malformed JSON: a plain warning, no internals', async () => {
    const main = await runWith([{ match: /^GET .*\/comments$/, kind: 'malformed-json' }])
    expect(apiWarnings(main)).toEqual([expect.stringMatching(/not the JSON GitHub sends/)])
  })

  it('a 201 with an HTML body is not reported as created', async () => {
    freshPullRequest()
    const main = await runWith([{ match: /^POST .*\/comments$/, kind: 'html', status: 201 }])
    expect(main.stdout).not.toMatch(/Created the pull request comment/)
    expect(apiWarnings(main)).toEqual([
      expect.stringMatching(/creating the pull request comment: the answer was not/)
    ])
  })

  it('a spent rate limit is reported as such, not as missing permissions, and not waited for an hour', async () => {
    const before = api.requests.length
    const main = await runWith([{ match: /^GET .*\/comments$/, kind: 'rate-limited' }])
    const [warning] = apiWarnings(main)
    expect(warning).toMatch(/rate limit is spent/)
    expect(warning).not.toMatch(/permissions/)
    // It resets in an hour, past the cap on any wait: asked once, not again.
    expect(api.requests.slice(before).filter(r => r.path.includes('/comments')).length).toBe(1)
  })

  it('a spent rate limit (403, x-ratelimit-remaining: 0) that resets in a moment is waited out', async () => {
    freshPullRequest()
    const resetSoon = String(Math.floor(Date.now() / 1000) + 1)
    const main = await runWith([
      {
        match: /^GET .*\/comments$/,
        kind: 'rate-limited',
        times: 1,
        headers: { 'x-ratelimit-reset': resetSoon }
      }
    ])
    expect(apiWarnings(main)).toEqual([])
    expect(main.stdout).toMatch(/Created the pull request comment \d+/)
  })

  it('a secondary rate limit with retry-after is waited out and the comment is written', async () => {
    freshPullRequest()
    const main = await runWith([
      {
        match: /^POST .*\/comments$/,
        kind: 'status',
        status: 403,
        times: 1,
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        headers: { 'retry-after': '1' }
      }
    ])
    expect(apiWarnings(main)).toEqual([])
    expect(api.comments(pull)).toHaveLength(31)
  })
})
