// Action inputs -> one typed, validated settings object. Every error names the input it is about.
import { existsSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { UsageError } from '../errors'
import type { FailOn } from '../findings'
import { applyConfig } from '../config/apply'
import { loadConfig } from '../config/load'
import { loadDeployments } from '../deployment/load'
import { chooseBaseline } from './baseline'
import { readRunContext } from './run-context'
import { loadRuntimeProfile } from '../profile/load'
import { categoryProblem } from '../report/sarif'
import { DEFAULT_SETTINGS, jobsProblem, type ProbeMode, type Settings } from '../settings'
import type { WalkRules } from '../walk/walk'
import { excludeProblem } from '../walk/exclude'
import { categoryOf, planOf, selectTarget, targetIdProblem } from '../scan/target-list'
import { globFiles, isGlob, matchFiles } from './glob'

/** The scan settings plus what only the action needs. */
export interface ActionSettings extends Settings {
  /** Write the job summary. */
  summary: boolean
  /** Keep a sticky PR comment. */
  comment: boolean
  /** Upload SARIF through the REST API. */
  uploadSarif: boolean
  /** Token for the comment and the upload; '' when none was given. */
  githubToken: string
  /** The `dockerfile` input exactly as given (trimmed). */
  dockerfileInput: string
  /** The Dockerfiles selected, repo-relative with forward slashes, sorted (the earlier comment marker hashed them). */
  dockerfiles: string[]
  /** The `comment-key` input: tells two scans in one job apart (comment); '' when not given. */
  commentKey: string
  /** The `matrix` input: the runner's `toJSON(matrix)`, 'null' outside a matrix; part of the scan's identity. */
  matrix: string
  /** Why `fail-on-new` could not apply to this event (no base commit): main.ts warns, the full gate applies. */
  baselineSkipped?: string
  /** `list-targets: true`: list the targets (output `targets`, the strategy.matrix shape) instead of scanning. */
  listTargets: boolean
}

// GitHub token formats (classic, fine-grained, OAuth, app installation, refresh, user-to-server) and the
// 40-hex legacy form. A token pasted into the wrong input must not reach the log in an error line.
const TOKEN_LIKE = /\b(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{8,}|\b[0-9a-f]{40}\b/g

/** `text` with anything that looks like a GitHub token cut to its prefix. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_LIKE, match => `${match.slice(0, 4)}…(redacted)`)
}

/** An input value for an error line: quoted, one line, capped, anything token-like redacted. */
export function shown(value: string): string {
  const flat = redactTokens(value).replace(/[\r\n]+/g, ' ')
  return JSON.stringify(flat.length > 200 ? `${flat.slice(0, 199)}…` : flat)
}

/** Reads the raw value of an input the way the runner passes it (`INPUT_<NAME>`), trimmed. */
export function inputFromEnv(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'note', 'never']
const PROBE: readonly ProbeMode[] = ['auto', 'true', 'false']

/** Builds the settings from `INPUT_*` and `GITHUB_*` variables. Throws UsageError naming the input. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const input = (name: string): string => inputFromEnv(env, name)
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd())
  if (!existsSync(workspace)) throw new UsageError(`GITHUB_WORKSPACE ${workspace} does not exist`)

  // Empty means not given: the config file's value applies, then the default (action.yml leaves it empty).
  const failOn = oneOf('fail-on', input('fail-on') || 'error', FAIL_ON)
  const probe = oneOf('probe', input('probe') || 'auto', PROBE)
  const build = bool('build', input('build'), true)
  const image = input('image') || undefined
  const dockerfileInput = input('dockerfile') || 'Dockerfile'
  const context = input('context')
    ? insideWorkspace(workspace, 'context', input('context'), 'dir')
    : undefined

  refuseUntrustedExecution(env.GITHUB_EVENT_NAME ?? '', build, probe, image)
  const runOptions = input('run-options')
  const profile = loadRuntimeProfile(runOptions, workspace)
  const config = loadConfig({
    repoRoot: workspace,
    ...(input('config')
      ? {
          explicit: insideWorkspace(workspace, 'config', input('config'), 'any'),
          explicitName: input('config')
        }
      : {})
  })
  // The config file's `exclude:` first, then the input's patterns: both leave files out of globs and folder searches.
  const exclude = [...(config?.exclude ?? []), ...excludeInput(input('exclude'))]
  const paths = selectDockerfiles(workspace, dockerfileInput, { gitignore: true, exclude })
  const deploymentFiles = input('deployments')
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('#'))
    .map(l => insideWorkspace(workspace, 'deployments', l, 'any'))

  const settings: ActionSettings = {
    ...DEFAULT_SETTINGS,
    paths,
    cwd: workspace,
    repoRoot: workspace,
    context,
    target: input('target') || undefined,
    buildArgs: parseBuildArgs(input('build-args')),
    image,
    build,
    probe,
    runOptions,
    profile,
    sarifFile: sarifPath(workspace, env.RUNNER_TEMP, input('sarif-file') || 'least-privilege.sarif'),
    sarifCategory: category(input('category')),
    surface: 'action',
    failOn,
    summary: bool('summary', input('summary'), true),
    comment: bool('comment', input('comment'), true),
    uploadSarif: bool('upload-sarif', input('upload-sarif'), false),
    githubToken: input('github-token'),
    dockerfileInput,
    dockerfiles: paths.map(p => toRepoPath(workspace, p)).sort(),
    commentKey: oneLineInput('comment-key', input('comment-key')),
    matrix: input('matrix'),
    listTargets: bool('list-targets', input('list-targets'), false),
    suggest: bool('suggest', input('suggest'), true),
    exclude,
    ...jobsInput(input('jobs'))
  }
  // Inputs given (non-empty) win over the config file, which wins over the defaults.
  applyConfig(settings, config, {
    failOn: input('fail-on') !== '',
    runOptions: runOptions !== '',
    target: input('target') !== '',
    context: input('context') !== ''
  })
  const loaded = loadDeployments(deploymentFiles, paths, {
    cwd: workspace,
    repoRoot: workspace,
    env,
    kubeletSeccompDefault: settings.kubernetesSeccompDefault === 'runtime-default',
    gitignore: settings.gitignore,
    exclude: settings.exclude
  })
  settings.deployments = loaded.deployments
  settings.deploymentNotes = loaded.notes
  settings.deploymentFiles = deploymentFiles
  const choice = chooseBaseline(
    workspace,
    { baseline: input('baseline'), failOnNew: bool('fail-on-new', input('fail-on-new'), false) },
    readRunContext(env)
  )
  if (choice.baseline) settings.baseline = choice.baseline
  if (choice.skipped) settings.baselineSkipped = choice.skipped
  selectOneTarget(settings, input('target-id'))
  return settings
}

/** The `target-id` input: one target of the plan (a matrix leg), checked now; its category is the default. */
function selectOneTarget(settings: ActionSettings, id: string): void {
  if (id === '') return
  const problem = targetIdProblem(id)
  if (problem) throw new UsageError(`Input target-id: ${problem}, got ${shown(id)}`)
  if (settings.listTargets)
    throw new UsageError(
      'Input target-id: list-targets: true lists every target; leave target-id empty there'
    )
  settings.onlyTarget = id
  selectTarget(planOf(settings), id, 'action')
  settings.sarifCategory ??= categoryOf(id)
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  const list = `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`
  throw new UsageError(`Input ${name}: expected ${list}, got ${shown(value)}`)
}

/** The `jobs` input: unset when empty (the number of CPUs). */
function jobsInput(value: string): { jobs?: number } {
  if (value === '') return {}
  const problem = jobsProblem(value)
  if (problem) throw new UsageError(`Input jobs: expected ${problem}, got ${shown(value)}`)
  return { jobs: Number(value) }
}

/** The `category` input: unset when empty (main.ts derives the default from the workflow, job and matrix). */
function category(value: string): string | undefined {
  if (value === '') return undefined
  const problem = categoryProblem(value)
  if (problem) throw new UsageError(`Input category: ${problem}, got ${shown(value)}`)
  return value
}

/** A short one-line value (a key, a name). */
function oneLineInput(name: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value) || value.length > 200) {
    throw new UsageError(`Input ${name}: expected one line of at most 200 characters, got ${shown(value)}`)
  }
  return value
}

/** YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
function bool(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new UsageError(`Input ${name}: expected true or false, got ${shown(value)}`)
}

/** `KEY=VALUE` per line; the value may contain `=` and may be empty. */
export function parseBuildArgs(text: string): Record<string, string> {
  // No prototype: `__proto__=x` is a key like any other, not a write to Object.prototype's setter.
  const args = Object.create(null) as Record<string, string>
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    const key = eq === -1 ? '' : line.slice(0, eq).trim()
    if (!key || /\s/.test(key)) {
      throw new UsageError(`Input build-args: expected KEY=VALUE, got ${shown(line)}`)
    }
    args[key] = line.slice(eq + 1)
  }
  return args
}

/** The `exclude` input: one glob per line (`#` comments and blank lines skipped), each checked now. */
function excludeInput(text: string): string[] {
  const patterns = text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('#'))
  for (const pattern of patterns) {
    const problem = excludeProblem(pattern)
    if (problem) throw new UsageError(`Input exclude: ${redactTokens(problem)}`)
  }
  return patterns
}

/**
 * Paths, globs and `!exclusions`, one per line, relative to the workspace. Literal paths must exist;
 * a glob must match something. Returns absolute paths (files, or folders to search), in input order.
 */
export function selectDockerfiles(
  workspace: string,
  text: string,
  rules: Omit<WalkRules, 'repoRoot'> = { gitignore: true, exclude: [] }
): string[] {
  const lines = text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('#'))
  const include = lines.filter(l => !l.startsWith('!'))
  const exclude = lines.filter(l => l.startsWith('!')).map(l => l.slice(1).trim())
  if (include.length === 0) throw new UsageError('Input dockerfile: no path or pattern given')

  const walks = new Map<string, string[]>()
  const selected: string[] = []
  for (const entry of include) {
    if (isGlob(entry)) {
      rejectEscapingPattern(entry)
      const matches = safeGlob(workspace, entry, rules, walks)
      if (matches.length === 0)
        throw new UsageError(`Input dockerfile: pattern ${shown(entry)} matched no files`)
      // A loop, not push(...): a glob may match more paths than a call has room for arguments.
      for (const m of matches) selected.push(resolve(workspace, m))
    } else {
      selected.push(insideWorkspace(workspace, 'dockerfile', entry, 'any'))
    }
  }
  const excluded = new Set<string>()
  for (const pattern of exclude) {
    rejectEscapingPattern(pattern)
    const candidates = selected.map(p => toRepoPath(workspace, p))
    for (const match of safeMatch('dockerfile', workspace, pattern, candidates)) excluded.add(match)
  }
  const result = [...new Set(selected)].filter(p => !excluded.has(toRepoPath(workspace, p)))
  if (result.length === 0) throw new UsageError('Input dockerfile: every match was excluded by a "!" pattern')
  return result
}

function safeGlob(
  workspace: string,
  pattern: string,
  rules: Omit<WalkRules, 'repoRoot'>,
  walks: Map<string, string[]>
): string[] {
  try {
    return globFiles(workspace, pattern, rules, walks)
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`Input dockerfile: ${redactTokens((error as Error).message)}`)
  }
}

function safeMatch(name: string, workspace: string, pattern: string, files: string[]): string[] {
  try {
    return matchFiles(workspace, pattern, files)
  } catch (error) {
    throw new UsageError(`Input ${name}: ${redactTokens((error as Error).message)}`)
  }
}

function rejectEscapingPattern(pattern: string): void {
  if (isAbsolute(pattern) || pattern.split('/').includes('..')) {
    throw new UsageError(
      `Input dockerfile: pattern ${shown(pattern)} must be relative to the workspace, without ".."`
    )
  }
}

/** Resolves `value` against the workspace and insists it exists and stays inside, symlinks included. */
function insideWorkspace(workspace: string, name: string, value: string, kind: 'dir' | 'any'): string {
  const full = resolve(workspace, value)
  if (!isInside(workspace, full)) {
    throw new UsageError(`Input ${name}: ${shown(value)} is outside the workspace ${workspace}`)
  }
  if (!existsSync(full))
    throw new UsageError(`Input ${name}: ${shown(value)} does not exist in the workspace`)
  if (!isInside(realpathSync(workspace), realpathSync(full))) {
    throw new UsageError(`Input ${name}: ${shown(value)} leads outside the workspace through a symlink`)
  }
  if (kind === 'dir' && !statSync(full).isDirectory()) {
    throw new UsageError(`Input ${name}: ${shown(value)} is not a folder`)
  }
  return full
}

/** The SARIF file goes inside the workspace (or RUNNER_TEMP), so a later upload step can find it. */
function sarifPath(workspace: string, runnerTemp: string | undefined, value: string): string {
  const full = resolve(workspace, value)
  if (isInside(workspace, full) || (runnerTemp && isInside(resolve(runnerTemp), full))) return full
  throw new UsageError(`Input sarif-file: ${shown(value)} must be inside the workspace or RUNNER_TEMP`)
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

export function toRepoPath(workspace: string, path: string): string {
  return relative(workspace, path).split(sep).join('/') || '.'
}

/**
 * `pull_request_target` runs with a write token and secrets. Building a pull request's Dockerfile runs
 * its RUN instructions, and probing runs its image: both execute code from the PR author. So under
 * that event the action refuses to build or run anything; a static scan is still allowed.
 */
function refuseUntrustedExecution(event: string, build: boolean, probe: ProbeMode, image?: string): void {
  if (event !== 'pull_request_target') return
  const why = 'under pull_request_target (it runs with a write token and secrets that the code could steal)'
  if (build && !image) {
    throw new UsageError(
      `Input build: refusing to build pull request code ${why}; set build: false for a static scan, or use the pull_request event`
    )
  }
  if (probe === 'true' || (probe === 'auto' && (build || image))) {
    throw new UsageError(`Input probe: refusing to run a container ${why}; set build: false and probe: false`)
  }
}
