// Parses `least-privilege scan [options] PATH...` into Settings; errors are UsageError. The I/O: the seccomp
// file named in --run-options is read (profile/load.ts), `.git` is looked for to find the default repository
// root (./repo-root.ts), the config file is read (src/config/), and so are the deployment files.
import { resolve } from 'node:path'
import { UsageError } from '../errors'
import type { FailOn } from '../findings'
import { applyConfig } from '../config/apply'
import { loadConfig } from '../config/load'
import { loadDeployments } from '../deployment/load'
import { loadRuntimeProfile } from '../profile/load'
import { categoryProblem } from '../report/sarif'
import { DEFAULT_SETTINGS, jobsProblem, type OutputFormat, type ProbeMode, type Settings } from '../settings'
import { excludeProblem } from '../walk/exclude'
import { resolveCommit } from '../scan/baseline/git'
import { categoryOf, planOf, selectTarget, targetIdProblem } from '../scan/target-list'
import { defaultRepoRoot } from './repo-root'
import { commandOf } from './tokens'
import { USAGE } from './usage'

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'scan'; settings: Settings; color: boolean | undefined }
  /** `targets`: the same settings, listed rather than scanned; json: `--json` (the strategy.matrix shape). */
  | { kind: 'targets'; settings: Settings; json: boolean }

export { USAGE }

const FORMATS: OutputFormat[] = ['text', 'json', 'markdown', 'sarif']
const FAIL_ON: FailOn[] = ['error', 'warning', 'note', 'never']
const PROBE: ProbeMode[] = ['auto', 'true', 'false']

/** What parseCli may read besides files: standard input (`--deployment -`) and the environment (compose). */
export interface CliIo {
  readStdin?: () => string
  env?: Record<string, string | undefined>
}

export function parseCli(argv: string[], cwd: string, io: CliIo = {}): CliCommand {
  const command = commandOf(argv)
  if (command.kind !== 'scan' && command.kind !== 'targets') return command
  let json = false

  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    // No prototype: `--build-arg __proto__=x` is a key like any other.
    buildArgs: Object.create(null) as Record<string, string>,
    paths: [],
    cwd,
    repoRoot: cwd,
    // Messages name our flags (--no-build), not the action's inputs.
    surface: 'cli'
  }
  let repoRoot: string | undefined
  let configFile: string | undefined
  let baselineRef: string | undefined
  const given = { failOn: false, runOptions: false, target: false, context: false }
  const deploymentFiles: string[] = []
  const excludeFlags: string[] = []
  let color: boolean | undefined
  for (const token of command.tokens) {
    if (token.kind === 'path') {
      settings.paths.push(token.value)
      continue
    }
    const { name, value } = token
    switch (name) {
      case '--json':
        if (command.kind !== 'targets')
          throw new UsageError(
            '--json is an option of `least-privilege targets`; scan writes JSON with --format json'
          )
        json = true
        break
      case '--only-target': {
        if (command.kind !== 'scan')
          throw new UsageError(
            '--only-target is an option of `least-privilege scan`; targets lists every target'
          )
        const id = nonEmpty(name, value)
        const problem = targetIdProblem(id)
        if (problem) throw new UsageError(`--only-target: ${problem}, got "${id.slice(0, 80)}"`)
        settings.onlyTarget = id
        break
      }
      case '--no-build':
        settings.build = false
        break
      case '--keep-image':
        settings.keepImage = true
        break
      case '--suggest':
        settings.suggest = true
        break
      case '--color':
        color = true
        break
      case '--no-color':
        color = false
        break
      case '--image':
        settings.image = nonEmpty(name, value)
        break
      case '--run-options':
        settings.runOptions = value as string
        given.runOptions = true
        break
      case '--deployment':
        deploymentFiles.push(nonEmpty(name, value))
        break
      case '--exclude': {
        const problem = excludeProblem(value ?? '')
        if (problem) throw new UsageError(`--exclude: ${problem}`)
        excludeFlags.push(value as string)
        break
      }
      case '--no-gitignore':
        settings.gitignore = false
        break
      case '--config':
        configFile = nonEmpty(name, value)
        break
      case '--probe':
        settings.probe = oneOf(name, value, PROBE)
        break
      case '--sarif':
        settings.sarifFile = nonEmpty(name, value)
        break
      case '--sarif-category':
        settings.sarifCategory = category(nonEmpty(name, value))
        break
      case '--format':
        settings.format = oneOf(name, value, FORMATS)
        break
      case '--fail-on':
        settings.failOn = oneOf(name, value, FAIL_ON)
        given.failOn = true
        break
      case '--baseline':
        baselineRef = nonEmpty(name, value)
        break
      case '--target':
        settings.target = nonEmpty(name, value)
        given.target = true
        break
      case '--context':
        settings.context = nonEmpty(name, value)
        given.context = true
        break
      case '--repo-root':
        repoRoot = resolve(cwd, nonEmpty(name, value))
        break
      case '--build-arg': {
        const text = value as string
        const split = text.indexOf('=')
        if (split <= 0) throw new UsageError(`--build-arg expects KEY=VALUE, got "${text}"`)
        settings.buildArgs[text.slice(0, split)] = text.slice(split + 1)
        break
      }
      case '--probe-timeout': {
        const seconds = Number(value)
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
          throw new UsageError(`--probe-timeout expects seconds between 1 and 3600, got "${value}"`)
        }
        settings.probeTimeoutMs = Math.round(seconds * 1000)
        break
      }
      case '--build-timeout': {
        const seconds = Number(value)
        if (!Number.isFinite(seconds) || seconds < 1 || seconds > 86_400) {
          throw new UsageError(`--build-timeout expects seconds between 1 and 86400, got "${value}"`)
        }
        settings.timeouts = { ...settings.timeouts, buildMs: Math.round(seconds * 1000) }
        break
      }
      case '--jobs': {
        const text = value as string
        const problem = jobsProblem(text)
        if (problem) throw new UsageError(`--jobs expects ${problem}, got "${text.slice(0, 80)}"`)
        settings.jobs = Number(value)
        break
      }
      default:
        // tokens.ts knows every option; one it lets through and this switch does not is a bug here.
        throw new UsageError(`unknown option ${name} (see --help)`)
    }
  }
  if (settings.paths.length === 0)
    throw new UsageError('no PATH given: name a Dockerfile or a folder to search')
  if (settings.image && !settings.build) {
    // --no-build means static only; --image asks for a probe. Say which wins instead of guessing.
    throw new UsageError(
      '--image and --no-build conflict: --image probes an image, --no-build runs static checks only'
    )
  }
  settings.repoRoot = repoRoot ?? defaultRepoRoot(settings.paths, cwd)
  // Parsed (and its seccomp file read) now, so a bad flag or file fails before any build, --no-build too.
  settings.profile = loadRuntimeProfile(settings.runOptions, cwd)
  // The config file: flags given explicitly win over it, it wins over the defaults.
  const config = loadConfig({
    repoRoot: settings.repoRoot,
    ...(configFile !== undefined ? { explicit: resolve(cwd, configFile), explicitName: configFile } : {})
  })
  applyConfig(settings, config, given)
  // --exclude adds to the config file's `exclude:` list.
  settings.exclude = [...(config?.exclude ?? []), ...excludeFlags]
  // Read (and validated) now too: a bad compose file or manifest fails before any build.
  const loaded = loadDeployments(deploymentFiles, settings.paths, {
    cwd,
    repoRoot: settings.repoRoot,
    env: io.env ?? process.env,
    readStdin: io.readStdin,
    kubeletSeccompDefault: settings.kubernetesSeccompDefault === 'runtime-default',
    gitignore: settings.gitignore,
    exclude: settings.exclude
  })
  settings.deployments = loaded.deployments
  settings.deploymentNotes = loaded.notes
  settings.deploymentFiles = deploymentFiles.map(f => (f === '-' ? f : resolve(cwd, f)))
  // Resolved now: an unknown ref or a folder outside git is a usage error before any build.
  if (baselineRef !== undefined)
    settings.baseline = {
      ref: baselineRef,
      commit: resolveCommit(settings.repoRoot, baselineRef, '--baseline')
    }
  if (settings.onlyTarget !== undefined) {
    // Checked now, against the plan the scan will make: an unknown id fails before any build.
    selectTarget(planOf(settings), settings.onlyTarget, settings.surface)
    settings.sarifCategory ??= categoryOf(settings.onlyTarget)
  }
  if (command.kind === 'targets') return { kind: 'targets', settings, json }
  return { kind: 'scan', settings, color }
}

function nonEmpty(name: string, value: string | undefined): string {
  if (!value) throw new UsageError(`${name} needs a non-empty value`)
  return value
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T
  throw new UsageError(`${name} expects ${allowed.join(', ')}; got "${value}"`)
}

/** A code-scanning category, checked as the action checks its `category` input (report/sarif.ts). */
function category(value: string): string {
  const problem = categoryProblem(value)
  if (problem) throw new UsageError(`--sarif-category: ${problem}`)
  return value
}
