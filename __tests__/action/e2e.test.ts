// The bundled action run as the runner runs it (node dist/index.js, INPUT_*/GITHUB_* variables, event
// payload, file commands, then the post step with STATE_*), against the GitHub API stand-in and the
// real Docker daemon.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type Docker from 'dockerode'
import { startGitHubApi, type GitHubApi } from '../../__fixtures__/github-api/server'
import { LEGACY_MARKER_PATTERN, legacyStickyMarker, stickyMarker } from '../../src/action/identity'
import { createDockerClient } from '../../src/docker/client'
import { RESOURCE_LABEL } from '../../src/meta'
import { PRINCIPLE_NAMES } from '../../src/principles'
import {
  BUNDLE,
  bundleExists,
  newTemp,
  ROOT,
  runMainStep,
  runPostStep,
  startMainStep,
  type RunnerJob,
  type StepResult
} from './helpers/runner'

const IN_CI = process.env.CI === 'true'
const EVENTS = join(ROOT, '__fixtures__', 'events')
const WORKFLOW_TOKEN = 'ghs_workflowtoken0000000000000000000000'
const READ_ONLY_TOKEN = 'ghs_readonlytoken0000000000000000000000'
const SHA = 'c0ffee0000000000000000000000000000000001'

const FAILING = `FROM scratch
COPY busybox /bin/busybox
ENTRYPOINT ["/bin/busybox", "sleep", "30"]
`
const FIXED = `FROM scratch
COPY busybox /bin/busybox
USER 65532:65532
ENTRYPOINT ["/bin/busybox", "sleep", "30"]
`
const HARDENED = '--cap-drop ALL --security-opt no-new-privileges --read-only'

interface SarifLike {
  runs: { automationDetails: { id: string } }[]
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await createDockerClient().ping()
    return true
  } catch {
    return false
  }
}

const haveBundle = bundleExists()
const haveDocker = haveBundle ? await dockerAnswers() : false
const missing = !haveBundle
  ? `${BUNDLE} is missing (run npm run package)`
  : !haveDocker
    ? 'no Docker daemon answers'
    : ''
if (missing && !IN_CI) console.warn(`SKIPPING the bundled-action e2e tests: ${missing}`)

describe('prerequisites', () => {
  it('has the bundle and a Docker daemon under CI=true', () => {
    if (IN_CI) expect(missing).toBe('')
  })
})

const suite = missing ? describe.skip : describe

suite('the bundled action, as the runner runs it', () => {
  let api: GitHubApi
  let docker: Docker
  let temp: string
  let workspace: string
  const marker = stickyMarker({ workflow: 'Least privilege', job: 'scan', matrix: '', commentKey: '' })
  let forgedId = 0
  let forgedUpdatedAt = ''

  const job = (overrides: Partial<RunnerJob> = {}): RunnerJob => ({
    workspace,
    temp,
    eventName: 'pull_request',
    eventFile: join(EVENTS, 'pull_request.json'),
    apiUrl: api.url,
    token: WORKFLOW_TOKEN,
    sha: SHA,
    ref: 'refs/pull/7/merge',
    ...overrides
  })
  const writeDockerfile = (text: string): void => writeFileSync(join(workspace, 'Dockerfile'), text)
  const ours = (issue: number) =>
    api.comments(issue).filter(c => c.body.includes(marker) && c.user.login === 'github-actions[bot]')

  async function labelled(runId: string): Promise<{ containers: number; images: number }> {
    const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })
    return {
      containers: (await docker.listContainers({ all: true, filters })).length,
      images: (await docker.listImages({ filters })).length
    }
  }

  async function postAndCheckClean(
    main: StepResult,
    overrides: Partial<RunnerJob> = {}
  ): Promise<StepResult> {
    expect(main.state.isPost).toBe('true')
    expect(main.state.runId).toMatch(/^gh-4242-/)
    const post = await runPostStep(job(overrides), main.state)
    expect(post.code).toBe(0)
    expect(post.stdout).not.toMatch(/^::error/m)
    expect(await labelled(main.state.runId)).toEqual({ containers: 0, images: 0 })
    return post
  }

  beforeAll(async () => {
    docker = createDockerClient()
    api = await startGitHubApi({
      owner: 'octo',
      repo: 'app',
      pendingPolls: 1,
      tokens: {
        [WORKFLOW_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: true },
        [READ_ONLY_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: false }
      }
    })
    temp = newTemp('lp-e2e-runner-')
    workspace = newTemp('lp-e2e-ws-')
    copyFileSync('/bin/busybox', join(workspace, 'busybox'))
    // More than a page of other people's comments, so ours lands on page 2, and a forged copy of our marker.
    for (let i = 0; i < 150; i++) api.seedComment(7, `reviewer${i % 4}`, 'User', `LGTM ${i}`)
    const forged = api.seedComment(7, 'mallory', 'User', `I am the report now\n${marker}`)
    forgedId = forged.id
    forgedUpdatedAt = forged.updated_at
  })

  afterAll(async () => {
    await api?.close()
    rmSync(temp, { recursive: true, force: true })
    rmSync(workspace, { recursive: true, force: true })
  })

  it('a failing PR: creates the comment, uploads decodable SARIF, writes the summary and fails the step', async () => {
    writeDockerfile(FAILING)
    const main = await runMainStep(job({ inputs: { 'upload-sarif': 'true' } }))
    expect(main.stderr).not.toMatch(/^\s+at /m) // never a stack trace
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/^::error::\d+ findings? at or above error/m)
    expect(main.stdout).toMatch(/^::error title=LP\d+ \([A-Za-z ]+\),file=Dockerfile,line=\d+::/m)
    // the token is only ever handed to the runner's masking command
    expect(main.stdout.split('\n').filter(l => l.includes(WORKFLOW_TOKEN))).toEqual([
      `::add-mask::${WORKFLOW_TOKEN}`
    ])

    // outputs, in the heredoc file-command format
    expect(main.outputs.verdict).toBe('fail')
    expect(Number(main.outputs.errors)).toBeGreaterThanOrEqual(1)
    expect(Number(main.outputs.findings)).toBeGreaterThanOrEqual(
      Number(main.outputs.errors) + Number(main.outputs.warnings)
    )
    expect(main.outputs['sarif-file']).toBe(join(workspace, 'least-privilege.sarif'))
    const report = JSON.parse(readFileSync(main.outputs.report, 'utf8'))
    expect(report).toMatchObject({
      verdict: 'fail',
      fail_on: 'error',
      totals: { error: Number(main.outputs.errors) }
    })

    // the summary: verdict and why first, then all five principles
    expect(main.summary.split('\n')[0]).toMatch(
      /^### ❌ least-privilege failed: \d+ findings? at or above error/
    )
    for (const name of Object.values(PRINCIPLE_NAMES)) expect(main.summary).toContain(name)
    expect(main.summary).toContain(`https://github.com/octo/app/blob/${SHA}/Dockerfile#L`)

    // the sticky comment: created once, by the workflow token's account, after 150 others (page 2)
    const mine = ours(7)
    expect(mine).toHaveLength(1)
    expect(api.comments(7).indexOf(mine[0])).toBeGreaterThanOrEqual(100)
    expect(mine[0].body).toContain('❌')
    expect(mine[0].body.length).toBeLessThanOrEqual(65_536)
    const forged = api.comments(7).find(c => c.id === forgedId)!
    expect(forged).toMatchObject({ body: `I am the report now\n${marker}`, updated_at: forgedUpdatedAt })

    // the upload: the same SARIF as on disk, for this commit and ref
    expect(api.uploads).toHaveLength(1)
    const upload = api.uploads[0]
    const onDisk = JSON.parse(readFileSync(main.outputs['sarif-file'], 'utf8'))
    expect(upload.sarif).toEqual(onDisk)
    expect(upload).toMatchObject({ commit_sha: SHA, ref: 'refs/pull/7/merge', tool_name: 'least-privilege' })
    expect(upload.checkout_uri).toBe(pathToFileURL(workspace).href)
    const run = onDisk.runs[0]
    // The workflow and job, not the Dockerfiles: editing the dockerfile input keeps the same analysis.
    expect(run.automationDetails.id).toBe('least-privilege/least-privilege/scan/')
    const errors = run.results.filter((r: { level?: string }) => r.level === 'error')
    expect(errors.length).toBe(Number(main.outputs.errors))
    expect(errors[0].locations[0].physicalLocation.artifactLocation.uri).toBe('Dockerfile')
    expect(upload.polls).toBe(2) // pending, then complete

    await postAndCheckClean(main)
  })

  it('the same PR fixed: updates that comment instead of adding one, and passes', async () => {
    writeDockerfile(FIXED)
    const before = { ...ours(7)[0] }
    const main = await runMainStep(job({ inputs: { 'upload-sarif': 'true', 'run-options': HARDENED } }))
    expect(main.stderr).not.toMatch(/^\s+at /m) // never a stack trace
    expect(main.code).toBe(0)
    expect(main.stdout).not.toMatch(/^::error/m)
    expect(main.outputs.verdict).toBe('pass')
    expect(main.outputs.errors).toBe('0')
    expect(main.summary.split('\n')[0]).toMatch(/^### ✅ least-privilege passed:/)

    const mine = ours(7)
    expect(mine).toHaveLength(1)
    expect(mine[0].id).toBe(before.id)
    expect(mine[0].body).not.toBe(before.body)
    expect(mine[0].body).toContain('✅')
    expect(api.comments(7)).toHaveLength(152)
    expect(api.comments(7).find(c => c.id === forgedId)).toMatchObject({ updated_at: forgedUpdatedAt })
    // found by paging: page 2 of per_page=100 was read
    expect(api.requests.some(r => r.path.includes('/issues/7/comments') && r.path.includes('page=2'))).toBe(
      true
    )
    expect(api.uploads).toHaveLength(2)

    await postAndCheckClean(main)
  })

  it('a Dockerfile added to the PR: updates the same comment, under the same code-scanning category', async () => {
    writeDockerfile(FIXED)
    mkdirSync(join(workspace, 'worker'), { recursive: true })
    writeFileSync(join(workspace, 'worker', 'Dockerfile'), FAILING)
    const before = { ...ours(7)[0] }
    const main = await runMainStep(
      job({ inputs: { dockerfile: 'Dockerfile\nworker/Dockerfile', build: 'false', 'upload-sarif': 'true' } })
    )
    expect(main.stderr).not.toMatch(/^\s+at /m)
    expect(main.code).toBe(1) // worker/Dockerfile runs as root
    const mine = ours(7)
    expect(mine).toHaveLength(1)
    expect(mine[0].id).toBe(before.id)
    expect(mine[0].body).toContain('worker/Dockerfile')
    expect(api.comments(7)).toHaveLength(152)
    const categories = api.uploads.map(u => (u.sarif as SarifLike).runs[0].automationDetails.id)
    expect(new Set(categories)).toEqual(new Set(['least-privilege/least-privilege/scan/']))
    rmSync(join(workspace, 'worker'), { recursive: true, force: true })
  })

  it('a matrix leg keeps its own comment and category; comment-key splits two scans in one job', async () => {
    writeDockerfile(FIXED)
    const leg = await runMainStep(
      job({ inputs: { matrix: '{\n  "leg": "b"\n}', build: 'false', 'fail-on': 'never' } })
    )
    expect(leg.code).toBe(0)
    const sarif = JSON.parse(readFileSync(leg.outputs['sarif-file'], 'utf8')) as SarifLike
    expect(sarif.runs[0].automationDetails.id).toBe('least-privilege/least-privilege/scan/leg=b/')
    const legMarker = stickyMarker({
      workflow: 'Least privilege',
      job: 'scan',
      matrix: '{"leg":"b"}',
      commentKey: ''
    })
    const keyed = await runMainStep(
      job({
        inputs: {
          'comment-key': 'second',
          category: 'least-privilege/second/',
          build: 'false',
          'fail-on': 'never'
        }
      })
    )
    expect(keyed.code).toBe(0)
    const keyedSarif = JSON.parse(readFileSync(keyed.outputs['sarif-file'], 'utf8')) as SarifLike
    expect(keyedSarif.runs[0].automationDetails.id).toBe('least-privilege/second/')
    const keyMarker = stickyMarker({
      workflow: 'Least privilege',
      job: 'scan',
      matrix: '',
      commentKey: 'second'
    })
    const bots = api.comments(7).filter(c => c.user.login === 'github-actions[bot]')
    expect(
      bots.map(c => [c.body.includes(marker), c.body.includes(legMarker), c.body.includes(keyMarker)])
    ).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, true]
    ])
    expect(keyed.outputs.report).not.toBe(leg.outputs.report)
  })

  it('a comment from the earlier marker scheme is taken over, not duplicated, when a Dockerfile is added', async () => {
    const event = join(temp, 'pull_request_11.json')
    const payload = JSON.parse(readFileSync(join(EVENTS, 'pull_request.json'), 'utf8'))
    payload.number = payload.pull_request.number = 11
    writeFileSync(event, JSON.stringify(payload))
    // What a release before v2 wrote for `Dockerfile` alone: its marker hashed the Dockerfile set.
    const old = api.seedComment(
      11,
      'github-actions[bot]',
      'Bot',
      `old report\n${legacyStickyMarker('Least privilege', 'scan', ['Dockerfile'])}`
    )
    api.seedComment(11, 'reviewer0', 'User', 'LGTM')
    writeDockerfile(FIXED)
    writeFileSync(join(workspace, 'Dockerfile.worker'), FIXED)
    const inputs = { dockerfile: 'Dockerfile\nDockerfile.worker', build: 'false', 'fail-on': 'never' }
    const first = await runMainStep(job({ eventFile: event, ref: 'refs/pull/11/merge', inputs }))
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/Updated the pull request comment \d+ \(written by an earlier release/)
    const comments = api.comments(11)
    expect(comments).toHaveLength(2)
    expect(comments[0]).toMatchObject({ id: old.id, user: { login: 'github-actions[bot]' } })
    expect(comments[0].body).toContain(marker)
    expect(LEGACY_MARKER_PATTERN.test(comments[0].body)).toBe(false)
    // The next push finds it by the new marker.
    const second = await runMainStep(job({ eventFile: event, ref: 'refs/pull/11/merge', inputs }))
    expect(second.code).toBe(0)
    expect(api.comments(11).map(c => c.id)).toEqual(comments.map(c => c.id))
    rmSync(join(workspace, 'Dockerfile.worker'), { force: true })
  })

  it('a fork PR with a read-only token: warns, still writes the summary, and the findings alone decide', async () => {
    const fork = {
      eventFile: join(EVENTS, 'pull_request_fork.json'),
      token: READ_ONLY_TOKEN,
      ref: 'refs/pull/8/merge'
    }
    const uploadsBefore = api.uploads.length

    writeDockerfile(FIXED)
    const passing = await runMainStep(
      job({ ...fork, inputs: { 'upload-sarif': 'true', 'run-options': HARDENED } })
    )
    expect(passing.code).toBe(0)
    expect(passing.stdout).toMatch(
      /^::warning::Could not write the pull request comment \(HTTP 403: Resource not accessible by integration\)/m
    )
    expect(passing.stdout).toMatch(/^::warning::SARIF upload skipped: this pull request comes from a fork/m)
    expect(passing.stdout).not.toMatch(/^::error/m)
    for (const name of Object.values(PRINCIPLE_NAMES)) expect(passing.summary).toContain(name)
    await postAndCheckClean(passing, fork)

    writeDockerfile(FAILING)
    const failing = await runMainStep(job({ ...fork, inputs: { build: 'false' } }))
    expect(failing.code).toBe(1)
    expect(failing.stdout).toMatch(/^::error::\d+ findings? at or above error/m)
    expect(failing.stdout).toMatch(/^::warning::Could not write the pull request comment \(HTTP 403/m)
    expect(failing.summary.split('\n')[0]).toMatch(/^### ❌ least-privilege failed:/)

    expect(api.comments(8)).toHaveLength(0)
    expect(api.uploads).toHaveLength(uploadsBefore)
  })

  it('without a daemon (probe auto, dead DOCKER_HOST) still writes SARIF and a summary that says static-only', async () => {
    writeDockerfile(FIXED)
    const dead = { env: { DOCKER_HOST: 'unix:///nonexistent/least-privilege/docker.sock' } }
    const main = await runMainStep(job({ ...dead, inputs: { comment: 'false', 'run-options': HARDENED } }))
    expect(main.stderr).not.toMatch(/^\s+at /m) // never a stack trace
    expect(main.summary).toMatch(/Static-only scan/)
    const sarif = JSON.parse(readFileSync(main.outputs['sarif-file'], 'utf8'))
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications ?? []
    expect(notes.some((n: { message: { text: string } }) => /not reachable/.test(n.message.text))).toBe(true)
    // an unreachable daemon is a warning under probe auto: the Dockerfile's own findings decide
    expect(main.outputs.verdict).toBe('pass')
    expect(main.code).toBe(0)
    const post = await runPostStep(job(dead), main.state)
    expect(post.code).toBe(0)
  })

  it('refuses to build under pull_request_target and says why', async () => {
    writeDockerfile(FAILING)
    rmSync(join(workspace, 'least-privilege.sarif'), { force: true })
    const main = await runMainStep(
      job({
        eventName: 'pull_request_target',
        eventFile: join(EVENTS, 'pull_request_target.json'),
        ref: 'refs/heads/main'
      })
    )
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(
      /^::error::Input build: refusing to build pull request code under pull_request_target \(it runs with a write token/m
    )
    expect(main.stdout.match(/^::error/gm)).toHaveLength(1)
    expect(api.comments(9)).toHaveLength(0)
    expect(existsSync(join(workspace, 'least-privilege.sarif'))).toBe(false)
  })

  it('the post step removes what a cancelled main step left behind', async () => {
    writeDockerfile(FAILING)
    const started = startMainStep(job({ inputs: { comment: 'false' } }))
    // Wait until main has saved a container to state (the probe or workload is running), then kill it.
    let saved: { containers: string[] } = { containers: [] }
    const deadline = Date.now() + 60_000
    while (saved.containers.length === 0 && Date.now() < deadline && started.child.exitCode === null) {
      await new Promise(r => setTimeout(r, 25))
      const text = readFileSync(started.files.state, 'utf8')
      const values = [...text.matchAll(/^resources<<(.+)\n(.*)\n\1$/gm)].map(m => m[2])
      if (values.length) saved = JSON.parse(values[values.length - 1])
    }
    started.child.kill('SIGKILL')
    const main = await started.done
    expect(saved.containers.length).toBeGreaterThan(0)
    const left = await labelled(main.state.runId)
    expect(left.containers + left.images).toBeGreaterThan(0)
    const post = await postAndCheckClean(main)
    expect(post.stdout).toMatch(/Removed \d+ container/)
  })
})
