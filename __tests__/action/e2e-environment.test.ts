// A broken runner environment through the bundles: GITHUB_EVENT_PATH pointing at a folder, bad JSON or
// /dev/null, and the token pasted into another input. The action scans anyway with one warning, the post
// step still runs, the CLI never reads the event, and the token never reaches the log.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../__fixtures__/github-api/server'
import { createDockerClient } from '../../src/docker/client'
import { RESOURCE_LABEL } from '../../src/meta'
import {
  expectNoStackTrace,
  IN_CI,
  linesOf,
  missingPrerequisite,
  runnerCommands,
  SHA,
  warningsOf,
  WORKFLOW_TOKEN
} from './helpers/e2e-env'
import { BUNDLE, newTemp, ROOT, runMainStep, runPostStep, type RunnerJob } from './helpers/runner'

const missing = await missingPrerequisite(false)
const haveDocker = !missing && (await missingPrerequisite(true)) === ''
if (missing && !IN_CI) console.warn(`SKIPPING the action environment e2e tests: ${missing}`)

describe('prerequisites', () => {
  it('has the bundle under CI=true', () => {
    if (IN_CI) expect(missing).toBe('')
  })
})

// The CLI shim next to the bundle under test.
const CLI = join(dirname(BUNDLE), 'cli', 'index.js')
const DOCKERFILE = 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n'
const NO_DAEMON = { DOCKER_HOST: 'unix:///nonexistent/least-privilege/docker.sock' }

const suite = missing ? describe.skip : describe

suite('a broken runner environment', () => {
  let api: GitHubApi
  let temp: string
  let workspace: string
  const events: Record<string, () => string> = {
    'a directory': () => {
      const dir = join(temp, 'event-dir')
      mkdirSync(dir, { recursive: true })
      return dir
    },
    'bad JSON': () => {
      writeFileSync(join(temp, 'bad.json'), '{"number": ')
      return join(temp, 'bad.json')
    },
    '/dev/null': () => '/dev/null'
  }

  const job = (eventFile: string, overrides: Partial<RunnerJob> = {}): RunnerJob => ({
    workspace,
    temp,
    eventName: 'pull_request',
    eventFile,
    apiUrl: api.url,
    token: WORKFLOW_TOKEN,
    sha: SHA,
    inputs: { build: 'false' },
    env: NO_DAEMON,
    ...overrides
  })

  beforeAll(async () => {
    api = await startGitHubApi({
      owner: 'octo',
      repo: 'app',
      tokens: { [WORKFLOW_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: true } }
    })
    temp = newTemp('lp-e2e-env-runner-')
    workspace = newTemp('lp-e2e-env-ws-')
    writeFileSync(join(workspace, 'Dockerfile'), DOCKERFILE)
  })
  afterAll(async () => {
    await api?.close()
    rmSync(temp, { recursive: true, force: true })
    rmSync(workspace, { recursive: true, force: true })
  })

  it.each(Object.keys(events))(
    'GITHUB_EVENT_PATH = %s: the action scans and reports, then fails with one line naming it; post still runs',
    async what => {
      const eventFile = events[what]()
      const main = await runMainStep(job(eventFile))
      expectNoStackTrace(main)
      // The scan's own verdict and reports are intact; the broken runner environment fails the step.
      expect(main.code).toBe(1)
      expect(main.outputs.verdict).toBe('pass')
      expect(existsSync(main.outputs['sarif-file'])).toBe(true)
      expect(main.summary).toMatch(/^### ✅ least-privilege passed/)
      const errors = runnerCommands(main).filter(c => c.name === 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0].data).toMatch(
        new RegExp(
          `^GITHUB_EVENT_PATH ${eventFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} .*, so the pull request is unknown \\(no comment\\)$`
        )
      )
      // Without a payload there is no pull request number, so no comment (and no API call for it).
      expect(warningsOf(main)).toContain('No pull request number in the event payload; skipping the comment')

      const post = await runPostStep(job(eventFile), main.state)
      expectNoStackTrace(post)
      expect(post.code).toBe(0)
      expect(runnerCommands(post).filter(c => c.name === 'error')).toEqual([])
    }
  )

  it.each(Object.keys(events))('GITHUB_EVENT_PATH = %s: the CLI does not read it at all', what => {
    const run = spawnSync(process.execPath, [CLI, 'scan', '--no-build', 'Dockerfile'], {
      cwd: workspace,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GITHUB_EVENT_PATH: events[what](),
        ...NO_DAEMON
      },
      encoding: 'utf8',
      timeout: 60_000
    })
    expectNoStackTrace(run)
    expect(run.status).toBe(0)
    expect(run.stdout + run.stderr).not.toMatch(/GITHUB_EVENT_PATH|JSON|EISDIR/)
  })

  it('a token pasted into another input is masked before the error, and redacted in it', async () => {
    const main = await runMainStep(
      job(join(ROOT, '__fixtures__', 'events', 'pull_request.json'), {
        inputs: { 'fail-on': WORKFLOW_TOKEN }
      })
    )
    expectNoStackTrace(main)
    expect(main.code).toBe(1)
    const lines = linesOf(main.stdout)
    expect(lines.filter(l => l.includes(WORKFLOW_TOKEN))).toEqual([`::add-mask::${WORKFLOW_TOKEN}`])
    expect(lines.findIndex(l => l.includes(WORKFLOW_TOKEN))).toBeLessThan(
      lines.findIndex(l => l.startsWith('::error::'))
    )
    const errors = runnerCommands(main).filter(c => c.name === 'error')
    expect(errors.map(e => e.data)).toEqual([
      expect.stringMatching(
        /^Input fail-on: expected error, warning, note or never, got "ghs_…\(redacted\)"$/
      )
    ])
  })

  it('a huge input value gives one error line of bounded length', async () => {
    const main = await runMainStep(
      job(join(ROOT, '__fixtures__', 'events', 'pull_request.json'), {
        inputs: { build: 'false', 'run-options': `--cap-add ${'A'.repeat(100_000)}` }
      })
    )
    expectNoStackTrace(main)
    expect(main.code).not.toBe(0)
    const errors = runnerCommands(main).filter(c => c.name === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].data).toMatch(/run-options/)
    expect(errors[0].data.length).toBeLessThanOrEqual(500)
    expect(Math.max(...linesOf(main.stdout + main.stderr).map(l => l.length))).toBeLessThan(1_000)
  })

  it('with a bad GITHUB_EVENT_PATH, a real build and probe still run and nothing is left after the post step', async () => {
    if (!haveDocker) {
      if (IN_CI) throw new Error('no Docker daemon answers under CI=true')
      return
    }
    const built = newTemp('lp-e2e-env-build-')
    copyFileSync('/bin/busybox', join(built, 'busybox'))
    writeFileSync(
      join(built, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nUSER 65532:65532\nENTRYPOINT ["/bin/busybox", "sleep", "30"]\n'
    )
    const bad = events['bad JSON']()
    const buildJob = job(bad, { workspace: built, inputs: { comment: 'false' }, env: {} })
    try {
      const main = await runMainStep(buildJob)
      expectNoStackTrace(main)
      expect(
        runnerCommands(main).filter(c => c.name === 'error' && c.data.includes('GITHUB_EVENT_PATH'))
      ).toHaveLength(1)
      expect(main.state.resources).toBeDefined()
      expect(main.summary).not.toMatch(/Static-only scan/)
      const post = await runPostStep(buildJob, main.state)
      expectNoStackTrace(post)
      expect(post.code).toBe(0)
      const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${main.state.runId}`] })
      const docker = createDockerClient()
      expect((await docker.listContainers({ all: true, filters })).length).toBe(0)
      expect((await docker.listImages({ filters })).length).toBe(0)
    } finally {
      rmSync(built, { recursive: true, force: true })
    }
  })
})
