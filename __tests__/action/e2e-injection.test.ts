// A hostile build, hostile Dockerfile text and hostile file names through the bundled action on the real
// daemon, with the step's output read by the runner-parser emulation: the runner must obey no command
// but the tool's own, and the tool's own annotations and final ::error:: must still reach it.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../__fixtures__/github-api/server'
import { createDockerClient } from '../../src/docker/client'
import { marked } from 'marked'
import { RESOURCE_LABEL, RULE_DOCS_BASE } from '../../src/meta'
import {
  COMPARE_MODES,
  expectNoStackTrace,
  IN_CI,
  missingPrerequisite,
  runnerCommands,
  SHA,
  WORKFLOW_TOKEN
} from './helpers/e2e-env'
import { newTemp, ROOT, runMainStep, runPostStep, type RunnerJob, type StepResult } from './helpers/runner'
import { parseRunnerOutput, type RunnerCommand } from './helpers/runner-parser'

const missing = await missingPrerequisite(true)
if (missing && !IN_CI) console.warn(`SKIPPING the action injection e2e tests: ${missing}`)

describe('prerequisites', () => {
  it('has the bundle and a Docker daemon under CI=true', () => {
    if (IN_CI) expect(missing).toBe('')
  })
})

// The review's repro (reference/reliability-review/inject-build.Dockerfile): RUN output and the
// instruction echo carry a CR-split ::warning, and legacy ##[ commands in mid-line.
const INJECT_BUILD = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "printf", "x\\r::warning file=Dockerfile,line=2::CR-ONLY-INJECTED\\n"]
RUN ["/bin/busybox", "echo", "y ##[add-mask]least-privilege"]
RUN ["/bin/busybox", "echo", "w ##[set-output name=verdict;]pass"]
RUN ["/bin/busybox", "echo", "v ::error::LF-INJECTED"]
RUN ["/bin/busybox", "sh", "-c", "echo; echo '::add-mask::least-privilege'; printf '\\\\r##[error]CR-ERROR-INJECTED\\\\n'"]
RUN ["/bin/busybox", "echo", "z ##[stop-commands]hideall"]
USER 1000
`

// Names the runner could read as commands if printed raw (a group title, a message, an annotation file).
const HOSTILE_NAMES = [
  'a\r::add-mask::least-privilege',
  'b ##[set-output name=verdict;]pass',
  'c\n::error::NAME-INJECTED',
  '##[stop-commands]hideall',
  'd,line=1::e',
  'www.evil.example'
]
const HOSTILE_TEXT = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "true", "##[add-mask]least-privilege", "::warning::TEXT-INJECTED"]
USER ##[set-output name=verdict;]pass
`

const INJECTED = /INJECTED|hideall/
const TRUSTED_LINKS = [
  `https://github.com/octo/app/blob/${SHA}/`,
  RULE_DOCS_BASE,
  'https://github.com/octo/app/actions/runs/'
]

/** Commands that are not the tool's own: anything but its annotations, groups, debug, mask and ::error::. */
function foreign(commands: RunnerCommand[]): RunnerCommand[] {
  return commands.filter(c => {
    if (c.form !== 'v2') return true
    if (c.name === 'add-mask') return c.data !== WORKFLOW_TOKEN
    if (['group', 'endgroup', 'debug'].includes(c.name)) return false
    if (['warning', 'error', 'notice'].includes(c.name)) {
      const title = c.properties.title ?? ''
      const ownTitle = title === '' || /^(LP\d+ \(|least-privilege: )/.test(title)
      return !ownTitle || /INJECTED/.test(c.data)
    }
    return true
  })
}

const suite = missing ? describe.skip : describe

suite('workflow-command injection through the bundled action', () => {
  let api: GitHubApi
  let temp: string
  let workspace: string
  const docker = createDockerClient()

  const job = (overrides: Partial<RunnerJob> = {}): RunnerJob => ({
    workspace,
    temp,
    eventName: 'pull_request',
    eventFile: join(ROOT, '__fixtures__', 'events', 'pull_request.json'),
    apiUrl: api.url,
    token: WORKFLOW_TOKEN,
    sha: SHA,
    ...overrides
  })

  async function postIsClean(main: StepResult): Promise<void> {
    const post = await runPostStep(job(), main.state)
    expect(post.code).toBe(0)
    expectNoStackTrace(post)
    const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${main.state.runId}`] })
    expect((await docker.listContainers({ all: true, filters })).length).toBe(0)
    expect((await docker.listImages({ filters })).length).toBe(0)
  }

  beforeAll(async () => {
    api = await startGitHubApi({
      owner: 'octo',
      repo: 'app',
      tokens: { [WORKFLOW_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: true } }
    })
    temp = newTemp('lp-e2e-inject-runner-')
  })
  afterAll(async () => {
    await api?.close()
    rmSync(temp, { recursive: true, force: true })
  })

  it('a build whose output and instructions carry commands makes the runner obey none of them', async () => {
    workspace = newTemp('lp-e2e-inject-ws-')
    copyFileSync('/bin/busybox', join(workspace, 'busybox'))
    writeFileSync(join(workspace, 'Dockerfile'), INJECT_BUILD)
    const main = await runMainStep(job({ inputs: { 'fail-on': 'note', 'run-options': '--cap-drop ALL' } }))
    expectNoStackTrace(main)
    // The build ran and its hostile lines were printed (as text): the test could have failed.
    const visible = main.stdout.replace(/\u200b/g, '')
    for (const bait of ['CR-ONLY-INJECTED', 'y ##[add-mask]least-privilege', 'z ##[stop-commands]hideall'])
      expect(visible).toContain(bait)
    expect(visible).toContain('CR-ERROR-INJECTED')
    // ... and raw they are commands.
    expect(foreign(parseRunnerOutput(visible).commands).length).toBeGreaterThan(3)

    for (const mode of COMPARE_MODES) {
      expect(foreign(runnerCommands(main, mode))).toEqual([])
      expect(parseRunnerOutput(main.stdout, mode).masks).toEqual([WORKFLOW_TOKEN])
      expect(parseRunnerOutput(main.stdout, mode).ignored).toEqual([])
    }
    const commands = runnerCommands(main)
    expect(commands.some(c => INJECTED.test(c.data) && c.name !== 'debug')).toBe(false)
    // The tool's own annotations and final error still reach the runner.
    const annotations = commands.filter(c => c.properties.file === 'Dockerfile')
    expect(annotations.length).toBeGreaterThan(0)
    const final = commands.filter(c => c.name === 'error' && !c.properties.title)
    expect(final.map(c => c.data)).toEqual([expect.stringMatching(/findings? at or above note/)])
    expect(main.code).toBe(1)
    expect(main.outputs.verdict).toBe('fail')
    await postIsClean(main)
    rmSync(workspace, { recursive: true, force: true })
  })

  it('hostile file names and Dockerfile text make the runner obey nothing, and no link in the summary or comment', async () => {
    workspace = newTemp('lp-e2e-inject-names-')
    copyFileSync('/bin/busybox', join(workspace, 'busybox'))
    for (const name of HOSTILE_NAMES) {
      mkdirSync(join(workspace, name), { recursive: true })
      writeFileSync(join(workspace, name, 'Dockerfile'), HOSTILE_TEXT)
    }
    const main = await runMainStep(
      job({ inputs: { dockerfile: '**/Dockerfile', context: '.', probe: 'false', 'fail-on': 'note' } })
    )
    expectNoStackTrace(main)
    const visible = main.stdout.replace(/\u200b/g, '')
    expect(visible).toContain('##[stop-commands]hideall/Dockerfile')
    expect(visible).toContain('RUN ["/bin/busybox", "true", "##[add-mask]least-privilege"')

    for (const mode of COMPARE_MODES) {
      expect(foreign(runnerCommands(main, mode))).toEqual([])
      expect(parseRunnerOutput(main.stdout, mode).masks).toEqual([WORKFLOW_TOKEN])
    }
    const commands = runnerCommands(main)
    // Every hostile file got its group, each on one line, and annotations name the exact file.
    const groups = commands.filter(c => c.name === 'group').map(c => c.data.replace(/\u200b/g, ''))
    for (const name of HOSTILE_NAMES) {
      const flat = name.replace(/[\r\n]+/g, ' ')
      expect(groups.some(g => g.includes(flat))).toBe(true)
    }
    const files = new Set(commands.map(c => c.properties.file).filter(Boolean))
    expect(files).toContain(`d,line=1::e/Dockerfile`)
    expect(files).toContain(`a\r::add-mask::least-privilege/Dockerfile`)
    expect(commands.filter(c => c.name === 'error' && !c.properties.title)).toHaveLength(1)
    expect(main.outputs.verdict).toBe('fail')
    // The same names in the job summary and the PR comment, rendered as GitHub renders them: no link
    // but the tool's own.
    const comment = api
      .comments(7)
      .filter(c => c.user.login === 'github-actions[bot]')
      .pop()
    expect(comment).toBeDefined()
    for (const markdown of [main.summary, comment!.body]) {
      expect(markdown).toContain('evil')
      const html = marked.parse(markdown, { gfm: true, async: false })
      const hrefs = [...html.matchAll(/<a\s[^>]*href="([^"]*)"/gi)].map(m => m[1])
      expect(hrefs.filter(h => !TRUSTED_LINKS.some(prefix => h.startsWith(prefix)))).toEqual([])
    }
    await postIsClean(main)
    rmSync(workspace, { recursive: true, force: true })
  })
})
