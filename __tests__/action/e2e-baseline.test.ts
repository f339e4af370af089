// `fail-on-new: true` end to end (issue 11, "Done when"): the bundled action run as the runner runs it, in a
// shallow clone of a pull request's head (as actions/checkout leaves it), against the GitHub API stand-in.
// The repository has ten existing problems; the pull request adds one. The action fetches the base commit
// the clone lacks, scans it statically from git, and fails only on the one; the summary and the comment say
// new / fixed / unchanged. Static (build: false): no Docker daemon needed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startGitHubApi, type GitHubApi } from '../../__fixtures__/github-api/server'
import { BUNDLE, bundleExists, newTemp, runMainStep, type RunnerJob } from './helpers/runner'

const IN_CI = process.env.CI === 'true'
const TOKEN = 'ghs_workflowtoken0000000000000000000000'
const SERVICE = 'FROM debian:12\nRUN apt-get update\nCMD ["app"]\n'
const SERVICES = ['api', 'worker', 'web', 'cron', 'mail']

const haveBundle = bundleExists()
if (!haveBundle && !IN_CI)
  console.warn(`SKIPPING the fail-on-new e2e tests: ${BUNDLE} is missing (npm run package)`)

describe('prerequisites', () => {
  it('has the bundle under CI=true', () => {
    if (IN_CI) expect(haveBundle).toBe(true)
  })
})

const suite = haveBundle ? describe : describe.skip

function git(cwd: string, ...args: string[]): string {
  const run = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd,
    encoding: 'utf8'
  })
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`)
  return run.stdout.trim()
}

interface Upload {
  sarif: { runs: { results: { ruleId: string; baselineState?: string }[] }[] }
}

suite('fail-on-new: a pull request that adds one problem to a repository with ten', () => {
  let api: GitHubApi
  let temp: string
  let origin: string
  let baseSha: string
  const branches: Record<string, string> = {}

  /** A branch off main with `change` applied, pushed to origin. */
  function pushBranch(name: string, change: (dir: string) => void): void {
    const work = join(temp, `work-${name}`)
    git(temp, 'clone', '-q', origin, work)
    change(work)
    git(work, 'checkout', '-q', '-b', name)
    git(work, 'add', '-A')
    git(work, 'commit', '-q', '-m', name)
    git(work, 'push', '-q', 'origin', name)
    branches[name] = git(work, 'rev-parse', 'HEAD')
  }

  /** What actions/checkout leaves for a pull request: a depth-1 clone of its head, without the base. */
  let checkouts = 0
  function checkout(name: string): string {
    const workspace = join(temp, `ws-${name}-${++checkouts}`)
    git(temp, 'clone', '-q', '--depth', '1', '--branch', name, pathToFileURL(origin).href, workspace)
    return workspace
  }

  function job(workspace: string, name: string, overrides: Partial<RunnerJob> = {}): RunnerJob {
    const eventFile = join(temp, `event-${name}.json`)
    writeFileSync(
      eventFile,
      JSON.stringify({
        number: 7,
        pull_request: {
          number: 7,
          head: { ref: name, sha: branches[name], repo: { full_name: 'octo/app' } },
          base: { ref: 'main', sha: baseSha, repo: { full_name: 'octo/app' } }
        },
        repository: { full_name: 'octo/app' }
      })
    )
    return {
      workspace,
      temp: join(temp, `runner-${name}`),
      eventName: 'pull_request',
      eventFile,
      apiUrl: api.url,
      token: TOKEN,
      sha: branches[name],
      ref: 'refs/pull/7/merge',
      inputs: { dockerfile: '.', build: 'false', 'fail-on-new': 'true', 'upload-sarif': 'true' },
      ...overrides
    }
  }

  beforeAll(async () => {
    api = await startGitHubApi({
      owner: 'octo',
      repo: 'app',
      tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: true } }
    })
    temp = newTemp('lp-e2e-baseline-')
    origin = join(temp, 'origin.git')
    git(temp, 'init', '-q', '--bare', '-b', 'main', origin)
    const seed = join(temp, 'seed')
    git(temp, 'init', '-q', '-b', 'main', seed)
    for (const name of SERVICES) {
      mkdirSync(join(seed, 'services', name), { recursive: true })
      writeFileSync(join(seed, 'services', name, 'Dockerfile'), SERVICE)
    }
    git(seed, 'add', '-A')
    git(seed, 'commit', '-q', '-m', 'ten problems')
    git(seed, 'push', '-q', origin, 'main')
    baseSha = git(seed, 'rev-parse', 'HEAD')
    pushBranch('adds-one', dir =>
      writeFileSync(join(dir, 'services/api/Dockerfile'), `${SERVICE}RUN chmod u+s /usr/bin/find\n`)
    )
    pushBranch('moves-lines', dir =>
      writeFileSync(join(dir, 'services/web/Dockerfile'), `# syntax=docker/dockerfile:1\n\n${SERVICE}`)
    )
  })

  afterAll(async () => {
    await api?.close()
    rmSync(temp, { recursive: true, force: true })
  })

  it('fetches the missing base, fails on the one new finding only, and says 1 new, 0 fixed, 10 unchanged', async () => {
    const workspace = checkout('adds-one')
    expect(spawnSync('git', ['cat-file', '-e', `${baseSha}^{commit}`], { cwd: workspace }).status).not.toBe(0)
    const main = await runMainStep(job(workspace, 'adds-one'))
    expect(main.stderr).not.toMatch(/^\s+at /m)
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(
      /^::error::1 new finding at or above error in 1 Dockerfile since main; 1 new, 0 fixed, 10 unchanged$/m
    )
    // One annotation, for the new finding; the ten that were there are not announced on the diff again.
    const annotations = main.stdout.split('\n').filter(l => /^::(error|warning|notice) title=LP/.test(l))
    expect(annotations).toHaveLength(1)
    expect(annotations[0]).toMatch(/^::error title=LP401 [^,]*,file=services\/api\/Dockerfile,line=4::/)

    expect(main.summary).toContain(
      `**Baseline \`main\` (\`${baseSha.slice(0, 12)}\`):** 1 new, 0 fixed, 10 unchanged.`
    )
    expect(main.summary).toMatch(/🆕 \*\*new\*\* \[`?LP401/)
    const comment = api.comments(7).find(c => c.user.login === 'github-actions[bot]')
    expect(comment?.body).toContain('1 new, 0 fixed, 10 unchanged')
    // The new finding leads the comment's top findings.
    const top = comment?.body.split('**Top findings**')[1] ?? ''
    expect(top.split('\n').find(l => l.startsWith('- '))).toContain('LP401')

    const report = JSON.parse(readFileSync(main.outputs.report, 'utf8'))
    expect(report.baseline).toMatchObject({ ref: 'main', commit: baseSha, new: 1, fixed: 0, unchanged: 10 })
    const upload = api.uploads.at(-1) as unknown as Upload
    const states = upload.sarif.runs[0].results.map(r => `${r.ruleId}:${r.baselineState}`)
    expect(states.filter(s => s.endsWith(':new'))).toEqual(['LP401:new'])
    expect(states).toHaveLength(11)
  })

  it('a pull request that only moves lines passes, with every finding unchanged', async () => {
    const workspace = checkout('moves-lines')
    const main = await runMainStep(job(workspace, 'moves-lines'))
    expect(main.code).toBe(0)
    expect(main.outputs.verdict).toBe('pass')
    expect(main.summary).toContain('0 new, 0 fixed, 10 unchanged')
    expect(main.summary.split('\n')[0]).toMatch(/^### ✅ .*no new findings at or above error/)
  })

  it('without fail-on-new the same pull request fails on all eleven', async () => {
    const workspace = checkout('adds-one')
    const main = await runMainStep(
      job(workspace, 'adds-one', { inputs: { dockerfile: '.', build: 'false', comment: 'false' } })
    )
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/^::error::6 findings at or above error/m)
    expect(main.summary).not.toContain('unchanged')
  })

  it('an event without a base commit warns and judges every finding', async () => {
    const workspace = checkout('adds-one')
    const eventFile = join(temp, 'dispatch.json')
    writeFileSync(eventFile, '{}')
    const main = await runMainStep(
      job(workspace, 'adds-one', {
        eventName: 'workflow_dispatch',
        eventFile,
        inputs: { dockerfile: '.', build: 'false', 'fail-on-new': 'true', comment: 'false' }
      })
    )
    expect(main.stdout).toMatch(/^::warning::fail-on-new: a workflow_dispatch event has no base commit/m)
    expect(main.code).toBe(1)
    expect(main.summary).not.toContain('unchanged')
  })

  it('the baseline input names the ref; one that is not in the checkout is one error line naming the input', async () => {
    const workspace = checkout('adds-one')
    const main = await runMainStep(
      job(workspace, 'adds-one', {
        inputs: { dockerfile: '.', build: 'false', baseline: 'origin/nowhere', comment: 'false' }
      })
    )
    expect(main.code).toBe(1)
    expect(main.stderr).not.toMatch(/^\s+at /m)
    expect(main.stdout).toMatch(
      /^::error::Input baseline: "origin\/nowhere" is not a commit in this repository/m
    )
  })
})
