// Runs the bundled action the way the GitHub runner does: `node dist/index.js` with INPUT_* (action.yml
// defaults filled in), GITHUB_* variables, an event payload and the file-command files; then the post
// step with STATE_* variables read back from the GITHUB_STATE file.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
// LP_ACTION_BUNDLE points at another build of the same entry (development only).
export const BUNDLE = process.env.LP_ACTION_BUNDLE || join(ROOT, 'dist', 'index.js')

/** Input defaults from action.yml, by name. A tiny reader for the file's own simple shape. */
export function actionDefaults(file = join(ROOT, 'action.yml')): Record<string, string> {
  const defaults: Record<string, string> = {}
  let section = ''
  let input = ''
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const top = /^(\S[^:]*):/.exec(line)
    if (top) {
      section = top[1]
      continue
    }
    if (section !== 'inputs') continue
    const name = /^ {2}([a-z0-9-]+):\s*$/.exec(line)
    if (name) {
      input = name[1]
      continue
    }
    const value = /^ {4}default:\s*(.*)$/.exec(line)
    if (value && input) {
      const raw = value[1].trim()
      defaults[input] = /^'.*'$/.test(raw)
        ? raw.slice(1, -1).replace(/''/g, "'")
        : raw.replace(/^"(.*)"$/, '$1')
    }
  }
  return defaults
}

/** The runner's INPUT_ naming: upper case, spaces to underscores, hyphens kept. */
export function inputVar(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** Parses the file-command format of GITHUB_OUTPUT / GITHUB_STATE: `k=v` lines and `k<<DELIM` heredocs. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!line) continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, key, delimiter] = heredoc
      const body: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i])
      if (i >= lines.length) throw new Error(`unterminated heredoc for ${key}`)
      values[key] = body.join('\n') // later values win, as on the runner
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0) throw new Error(`unparseable file-command line: ${line}`)
    values[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return values
}

export interface RunnerJob {
  workspace: string
  /** Holds the event file and the file-command files (RUNNER_TEMP). */
  temp: string
  eventName: string
  eventFile: string
  apiUrl: string
  token: string
  inputs?: Record<string, string>
  env?: Record<string, string>
  sha?: string
  ref?: string
}

export interface StepResult {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  files: { output: string; state: string; summary: string }
}

let stepCounter = 0

export function jobEnv(job: RunnerJob): { env: NodeJS.ProcessEnv; files: StepResult['files'] } {
  const step = ++stepCounter
  const dir = join(job.temp, `step-${step}`)
  mkdirSync(dir, { recursive: true })
  const files = { output: join(dir, 'output'), state: join(dir, 'state'), summary: join(dir, 'summary.md') }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const inputs: Record<string, string> = {}
  for (const [name, value] of Object.entries(actionDefaults())) {
    // The runner evaluates these expressions in defaults; outside a matrix toJSON(matrix) is `null`.
    inputs[inputVar(name)] = value
      .replace(/\$\{\{\s*github\.token\s*\}\}/g, job.token)
      .replace(/\$\{\{\s*toJSON\(matrix\)\s*\}\}/g, 'null')
  }
  for (const [name, value] of Object.entries(job.inputs ?? {})) inputs[inputVar(name)] = value
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: '__self',
    GITHUB_EVENT_NAME: job.eventName,
    GITHUB_EVENT_PATH: job.eventFile,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_REPOSITORY_OWNER: 'octo',
    GITHUB_SHA: job.sha ?? 'c0ffee0000000000000000000000000000000001',
    GITHUB_REF: job.ref ?? 'refs/pull/7/merge',
    GITHUB_WORKSPACE: job.workspace,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    RUNNER_TEMP: job.temp,
    RUNNER_OS: 'Linux',
    GITHUB_API_URL: job.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${job.apiUrl}/graphql`,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '17',
    GITHUB_WORKFLOW: 'Least privilege',
    GITHUB_JOB: 'scan',
    GITHUB_ACTOR: 'alice',
    // Keep the upload's status polling short; the schedule's shape is unit-tested.
    LEAST_PRIVILEGE_UPLOAD_POLL_MS: '20',
    ...inputs,
    ...job.env
  }
  if (process.env.DOCKER_HOST && !('DOCKER_HOST' in (job.env ?? {})))
    env.DOCKER_HOST = process.env.DOCKER_HOST
  return { env, files }
}

function collect(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise(done => child.on('close', code => done({ code, stdout, stderr })))
}

function result(
  run: { code: number | null; stdout: string; stderr: string },
  files: StepResult['files']
): StepResult {
  return {
    ...run,
    outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
    state: parseFileCommands(readFileSync(files.state, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    files
  }
}

/** The main step. Async, so an API stand-in in this process keeps answering. */
export async function runMainStep(job: RunnerJob): Promise<StepResult> {
  const { env, files } = jobEnv(job)
  const child = spawn(process.execPath, [BUNDLE], {
    cwd: job.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return result(await collect(child), files)
}

/** Starts the main step and returns the child, for tests that cancel it. */
export function startMainStep(job: RunnerJob): {
  child: ChildProcess
  files: StepResult['files']
  done: Promise<StepResult>
} {
  const { env, files } = jobEnv(job)
  const child = spawn(process.execPath, [BUNDLE], {
    cwd: job.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return { child, files, done: collect(child).then(r => result(r, files)) }
}

/** The post step: same inputs, plus STATE_<name> for everything main saved. */
export async function runPostStep(job: RunnerJob, state: Record<string, string>): Promise<StepResult> {
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]))
  const { env, files } = jobEnv({ ...job, env: { ...job.env, ...stateEnv } })
  const child = spawn(process.execPath, [BUNDLE], {
    cwd: job.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return result(await collect(child), files)
}

export function newTemp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function bundleExists(): boolean {
  return existsSync(BUNDLE)
}
