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
import { DEFAULT_SETTINGS, type OutputFormat, type ProbeMode, type Settings } from '../settings'
import { defaultRepoRoot } from './repo-root'

export type CliCommand =
  { kind: 'help' } | { kind: 'version' } | { kind: 'scan'; settings: Settings; color: boolean | undefined }

export const USAGE = `Usage: least-privilege scan [options] PATH...

Judges Dockerfiles and their deployment flags against five least-privilege principles, builds the image and
measures a probe container on the local Docker daemon. PATH is a Dockerfile or a folder to search.

Options:
  --no-build               static checks only (no daemon needed)
  --image REF              probe an existing image instead of building (one Dockerfile)
  --run-options "FLAGS"    the deployment's docker run flags, e.g. "--cap-drop ALL --read-only"
  --deployment FILE        a compose file or Kubernetes manifest (repeatable; - reads a manifest from stdin)
  --config FILE            the config file  [.least-privilege.yml or .yaml at the repository root]
  --probe auto|true|false  probe after building (auto: when a daemon answers)   [auto]
  --sarif FILE             write SARIF 2.1.0 to FILE
  --format text|json|markdown                                                     [text]
  --fail-on error|warning|note|never  exit 1 when a finding is at or above this   [error]
  --target STAGE            build and judge this stage instead of the last
  --context DIR             build context (default: the Dockerfile's folder)
  --build-arg KEY=VALUE     build argument (repeatable)
  --keep-image              keep built images after the scan
  --probe-timeout SECONDS   upper bound for one probe container                   [30]
  --build-timeout SECONDS   upper bound for one image build                       [900]
  --repo-root DIR           paths in reports and SARIF are relative to DIR  [the scanned path's git top-level]
  --color, --no-color       force or disable colour (NO_COLOR is honoured)
  -h, --help               show this help
  --version                print the version

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or operational error.`

const FORMATS: OutputFormat[] = ['text', 'json', 'markdown']
const FAIL_ON: FailOn[] = ['error', 'warning', 'note', 'never']
const PROBE: ProbeMode[] = ['auto', 'true', 'false']

/** Options that take a value, with how to store it. */
const VALUE_OPTIONS = new Set([
  '--image',
  '--run-options',
  '--deployment',
  '--config',
  '--probe',
  '--sarif',
  '--format',
  '--fail-on',
  '--target',
  '--context',
  '--build-arg',
  '--probe-timeout',
  '--build-timeout',
  '--repo-root'
])

/** What parseCli may read besides files: standard input (`--deployment -`) and the environment (compose). */
export interface CliIo {
  readStdin?: () => string
  env?: Record<string, string | undefined>
}

export function parseCli(argv: string[], cwd: string, io: CliIo = {}): CliCommand {
  if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help' || argv[0] === 'help')
    return { kind: 'help' }
  if (argv[0] === '--version' || argv[0] === 'version') return { kind: 'version' }
  if (argv[0] !== 'scan') throw new UsageError(`unknown command "${argv[0]}": expected "scan" (see --help)`)

  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    // No prototype: `--build-arg __proto__=x` is a key like any other.
    buildArgs: Object.create(null) as Record<string, string>,
    paths: [],
    cwd,
    repoRoot: cwd
  }
  let repoRoot: string | undefined
  let configFile: string | undefined
  const given = { failOn: false, runOptions: false, target: false, context: false }
  const deploymentFiles: string[] = []
  let color: boolean | undefined
  const args = argv.slice(1)
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') {
      // A loop, not push(...): xargs can pass more paths than a call has room for arguments.
      for (const path of args.slice(i + 1)) settings.paths.push(path)
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      settings.paths.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    let value: string | undefined
    if (VALUE_OPTIONS.has(name)) {
      if (eq > 0 && arg.startsWith('--')) value = arg.slice(eq + 1)
      else {
        value = args[++i]
        if (value === undefined) throw new UsageError(`${name} needs a value (see --help)`)
      }
    } else if (eq > 0) {
      throw new UsageError(`${name} takes no value`)
    }
    switch (name) {
      case '--no-build':
        settings.build = false
        break
      case '--keep-image':
        settings.keepImage = true
        break
      case '--color':
        color = true
        break
      case '--no-color':
        color = false
        break
      case '-h':
      case '--help':
        return { kind: 'help' }
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
      case '--config':
        configFile = nonEmpty(name, value)
        break
      case '--probe':
        settings.probe = oneOf(name, value, PROBE)
        break
      case '--sarif':
        settings.sarifFile = nonEmpty(name, value)
        break
      case '--format':
        settings.format = oneOf(name, value, FORMATS)
        break
      case '--fail-on':
        settings.failOn = oneOf(name, value, FAIL_ON)
        given.failOn = true
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
      default:
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
  // Read (and validated) now too: a bad compose file or manifest fails before any build.
  const loaded = loadDeployments(deploymentFiles, settings.paths, {
    cwd,
    repoRoot: settings.repoRoot,
    env: io.env ?? process.env,
    readStdin: io.readStdin,
    kubeletSeccompDefault: settings.kubernetesSeccompDefault === 'runtime-default'
  })
  settings.deployments = loaded.deployments
  settings.deploymentNotes = loaded.notes
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
