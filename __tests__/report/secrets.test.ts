// Secrets passed in run-options (`--env TOKEN=${{ secrets.X }}`, a token in a label or any other flag) never
// reach any output of the bundled CLI or action: terminal text, JSON, Markdown, SARIF, the job summary, the
// PR comment, the annotations and log on stdout, the JSON report in RUNNER_TEMP, the uploaded SARIF. Each is
// searched for every secret raw, HTML-entity encoded, backslash-escaped, URL-encoded and base64 encoded.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../__fixtures__/github-api/server'
import { createDockerClient } from '../../src/docker/client'
import { BUNDLE, ROOT, newTemp, runMainStep, runPostStep, type RunnerJob } from '../action/helpers/runner'

const CLI = join(ROOT, 'dist/cli/index.js')
const haveBundles = existsSync(CLI) && existsSync(BUNDLE)
if (!haveBundles && process.env.CI !== 'true') console.warn('SKIPPED secrets e2e: run npm run package')
const suite = haveBundles || process.env.CI === 'true' ? describe : describe.skip

const SECRETS = {
  env: 'ghs_EnvLongFlagSecret0123456789abcdefAB',
  envShort: 'PlainShortFlagSecretValue_4711',
  envInline: 'InlineEqualsSecret+/=value_0815',
  envCluster: 'ClusteredSecretValue_9999',
  label: 'ghp_LabelTokenSecret0123456789abcdefABCD',
  other: 'xoxb-1234567890-OtherFlagTokenSecret'
}
const RUN_OPTIONS = [
  `--env GITHUB_TOKEN=${SECRETS.env}`,
  `-e DB_PASSWORD=${SECRETS.envShort}`,
  `--env=API_KEY=${SECRETS.envInline}`,
  `-te CLUSTER=${SECRETS.envCluster}`,
  `--label com.example.token=${SECRETS.label}`,
  `--hostname ${SECRETS.other}`,
  '--user 1000 --cap-drop ALL'
].join(' ')

const WORKFLOW_TOKEN = 'ghs_workflowtoken0000000000000000000000'
const DOCKERFILE =
  'FROM scratch\nCOPY busybox /bin/busybox\nUSER root\nENTRYPOINT ["/bin/busybox", "sleep", "30"]\n'

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/** The text as a reader would see it after each decoding a renderer or a page applies. */
function decodings(text: string): string[] {
  const entities = (s: string) =>
    s
      .replace(/&#x([0-9a-f]+);?/gi, (_m, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
      .replace(/&#(\d+);?/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&([a-z]+);/g, (m, name: string) => ENTITIES[name] ?? m)
  const unescape = (s: string) => s.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\u200b/g, '')
  const percent = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '))
    } catch {
      return s.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    }
  }
  const decoded = unescape(entities(text))
  return [
    text,
    entities(text),
    unescape(text),
    decoded,
    percent(text),
    percent(decoded),
    unescape(entities(percent(text)))
  ]
}

/** Base64 of `secret` at each of the three byte alignments: the characters of whole 3-byte groups inside it. */
function base64Forms(secret: string): string[] {
  return [0, 1, 2].map(pad => {
    const encoded = Buffer.from('x'.repeat(pad) + secret).toString('base64')
    const first = pad > 0 ? 1 : 0
    const last = Math.floor((pad + Buffer.byteLength(secret)) / 3)
    return encoded.slice(first * 4, last * 4)
  })
}

function expectNoSecret(where: string, text: string): void {
  expect(text.length).toBeGreaterThan(0) // an empty output would pass trivially
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (const form of decodings(text)) {
      if (form.includes(secret)) throw new Error(`${where} contains the ${name} secret`)
    }
    for (const b64 of base64Forms(secret)) {
      if (text.includes(b64)) throw new Error(`${where} contains the ${name} secret in base64`)
    }
  }
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await createDockerClient().ping()
    return true
  } catch {
    return false
  }
}

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lp-secrets-'))
  writeFileSync(join(work, 'Dockerfile'), DOCKERFILE)
  copyFileSync('/bin/busybox', join(work, 'busybox'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [CLI, 'scan', '--run-options', RUN_OPTIONS, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 180_000
  })
  expect(result.stderr).not.toMatch(/\n\s+at /)
  return result
}

suite('secrets in run-options (bundled CLI)', () => {
  it('checks its own detector: the raw run-options would be caught', () => {
    expect(() => expectNoSecret('run-options', RUN_OPTIONS)).toThrow(/contains the env secret/)
    expect(() =>
      expectNoSecret('html', `GITHUB&#95;TOKEN&#61;${SECRETS.env.replace(/_/g, '&#x5f;')}`)
    ).toThrow()
    expect(() => expectNoSecret('b64', `x${Buffer.from(SECRETS.label).toString('base64')}`)).toThrow()
  })

  it.each(['text', 'json', 'markdown'])('static scan: %s output and SARIF hold no secret', format => {
    const sarif = join(work, `static-${format}.sarif`)
    const run = cli(['--no-build', '--format', format, '--sarif', sarif, 'Dockerfile'])
    expect([0, 1]).toContain(run.status)
    // The flags are shown, redacted.
    expect(decodings(run.stdout).some(t => t.includes('GITHUB_TOKEN=***'))).toBe(true)
    expectNoSecret(`${format} stdout`, run.stdout)
    expectNoSecret(`${format} stderr`, run.stderr + ' ')
    expectNoSecret('SARIF', readFileSync(sarif, 'utf8'))
  })

  it('a bad flag later in run-options: the one-line error holds no secret', () => {
    const run = spawnSync(
      process.execPath,
      [CLI, 'scan', '--no-build', '--run-options', `${RUN_OPTIONS} ${SECRETS.other}`, 'Dockerfile'],
      { cwd: work, encoding: 'utf8', timeout: 60_000 }
    )
    expect(run.status).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expectNoSecret('stderr', run.stderr)
  })

  it('build and probe, with debug logging: outputs and logs hold no secret', async () => {
    if (!(await dockerAnswers())) {
      if (process.env.CI === 'true') throw new Error('no Docker daemon answers')
      return
    }
    const sarif = join(work, 'measured.sarif')
    const run = cli(['--format', 'markdown', '--sarif', sarif, 'Dockerfile'], { LEAST_PRIVILEGE_DEBUG: '1' })
    expect([0, 1]).toContain(run.status)
    expect(run.stdout).toContain('Measured under')
    expectNoSecret('markdown stdout', run.stdout)
    expectNoSecret('stderr and logs', run.stderr + ' ')
    expectNoSecret('SARIF', readFileSync(sarif, 'utf8'))
  })
})

suite('secrets in run-options (bundled action)', () => {
  let api: GitHubApi
  let temp: string
  let workspace: string

  beforeAll(async () => {
    api = await startGitHubApi({
      owner: 'octo',
      repo: 'app',
      pendingPolls: 0,
      tokens: { [WORKFLOW_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', canWrite: true } }
    })
    temp = newTemp('lp-secrets-runner-')
    workspace = newTemp('lp-secrets-ws-')
    writeFileSync(join(workspace, 'Dockerfile'), DOCKERFILE)
  })
  afterAll(async () => {
    await api?.close()
    rmSync(temp, { recursive: true, force: true })
    rmSync(workspace, { recursive: true, force: true })
  })

  it('summary, comment, annotations, log, JSON report and uploaded SARIF hold no secret', async () => {
    const job: RunnerJob = {
      workspace,
      temp,
      eventName: 'pull_request',
      eventFile: join(ROOT, '__fixtures__', 'events', 'pull_request.json'),
      apiUrl: api.url,
      token: WORKFLOW_TOKEN,
      inputs: { build: 'false', 'upload-sarif': 'true', 'run-options': RUN_OPTIONS },
      env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true', LEAST_PRIVILEGE_DEBUG: '1' }
    }
    const main = await runMainStep(job)
    expect(main.stderr).not.toMatch(/^\s+at /m)
    expect([0, 1]).toContain(main.code)
    expect(main.stdout).toMatch(/^::(error|warning|notice) title=LP\d+/m) // annotations were written
    expectNoSecret('stdout (annotations and log)', main.stdout)
    expectNoSecret('stderr', main.stderr + ' ')
    expect(main.summary).toContain('least-privilege')
    expectNoSecret('job summary', main.summary)
    const comments = api.comments(7)
    expect(comments.length).toBeGreaterThan(0)
    for (const c of comments) expectNoSecret('PR comment', c.body)
    expectNoSecret('outputs', JSON.stringify(main.outputs))
    expectNoSecret('JSON report', readFileSync(main.outputs.report, 'utf8'))
    expectNoSecret('SARIF file', readFileSync(main.outputs['sarif-file'], 'utf8'))
    expect(api.uploads.length).toBe(1)
    expectNoSecret('uploaded SARIF', JSON.stringify(api.uploads[0].sarif))
    const post = await runPostStep(job, main.state)
    expectNoSecret('post step', post.stdout + post.stderr + ' ')
  })
})
