import type { DockerfileOptions, SeccompDefault } from './config/types'
import type { Deployment } from './deployment/types'
import type { DockerTimeouts } from './docker/timeouts'
import type { FailOn } from './findings'
import { defaultProfile } from './profile/parse'
import type { RuntimeProfile } from './profile/types'
import { EMPTY_POLICY, type Policy } from './rules/policy'

export type ProbeMode = 'auto' | 'true' | 'false'
/** What the CLI's stdout gets (--format); sarif: the SARIF log itself. */
export type OutputFormat = 'text' | 'json' | 'markdown' | 'sarif'

/** The one typed, validated settings object. Built from CLI flags (src/cli/) or action inputs (src/action/). */
export interface Settings {
  /** Dockerfiles or folders to search, absolute or relative to `cwd`. */
  paths: string[]
  /** Working directory paths are resolved against. */
  cwd: string
  /** Repository root: SARIF URIs and report links are relative to it. */
  repoRoot: string
  /** Build context; default is each Dockerfile's own folder. */
  context?: string
  /** Build target stage; default is the last stage. */
  target?: string
  buildArgs: Record<string, string>
  /** Probe this existing image instead of building (skips the build). */
  image?: string
  /** Build images (false = static only, the CLI's --no-build). */
  build: boolean
  /** Probe built images: auto = when a daemon answers. */
  probe: ProbeMode
  /**
   * `docker run` flags of the deployment, as given. Raw text that may hold secrets (`--env TOKEN=…`): never
   * print or report it; reports use `profile.args`, which is redacted.
   */
  runOptions: string
  /**
   * The deployment profile parsed from `runOptions` when the settings were read (profile/load.ts), with its
   * seccomp file already read: a bad flag or file fails then, before any build.
   */
  profile: RuntimeProfile
  /**
   * Declared deployments (compose services, Kubernetes containers), read and validated when the settings
   * were read: from `--deployment` files (input `deployments`) and from the folders given as paths.
   */
  deployments: Deployment[]
  /** What the deployment readers skipped (unknown kinds, `include`), with file and line. */
  deploymentNotes: { file: string; line: number; message: string }[]
  /** The config file read (`.least-privilege.yml`, --config, input `config`) as named in messages; unset: none. */
  configFile?: string
  /**
   * The config file's `images:`: image name as src/config/image-ref.ts imageName gives it (no tag, digest or
   * `docker.io/library/`) -> absolute path of the Dockerfile that builds it. A null-prototype map.
   */
  images: Record<string, string>
  /**
   * The config file's `dockerfiles:`, by absolute Dockerfile path: run-options (for the Dockerfile's targets
   * without a declared deployment), build args, target, context. Explicit flags and inputs were already
   * applied over them (src/config/apply.ts).
   */
  dockerfileOptions: Record<string, DockerfileOptions>
  /** The kubelet's seccompDefault: what a Kubernetes container without seccompProfile gets. */
  kubernetesSeccompDefault: SeccompDefault
  /**
   * Rule levels and ignores from the config file (`rules`, `overrides`, `ignore`) and the `.hadolint.yaml`
   * migration, read and validated when the settings were read (src/config/apply.ts).
   */
  policy: Policy
  /** Today (UTC, YYYY-MM-DD) for ignore expiry; unset: the real clock when the scan starts. */
  today?: string
  /**
   * Exclusion globs (--exclude, input `exclude`, config `exclude:`), repo-relative, validated: what folder
   * searches and globs find is left out when it or a folder above it matches (src/walk/exclude.ts).
   */
  exclude: string[]
  /** Folder searches and globs leave out what git ignores (`.gitignore`, `.git/info/exclude`); --no-gitignore: false. */
  gitignore: boolean
  /** Where to write SARIF ('' = do not write). */
  sarifFile: string
  /** Code-scanning category (`automationDetails.id`); unset: the surface's stable default (sarif.ts). */
  sarifCategory?: string
  /**
   * Scan only the target with this id (`--only-target`, input `target-id`), as src/scan/target-list.ts
   * targetId gives it; checked against the plan when the settings were read.
   */
  onlyTarget?: string
  failOn: FailOn
  format: OutputFormat
  /** Who is asking: messages name the action's inputs (`build: false`) or the CLI's flags (`--no-build`). Unset: cli. */
  surface?: 'cli' | 'action'
  /** Keep built images after the scan. */
  keepImage: boolean
  /** Upper bound for one probe container, in milliseconds. */
  probeTimeoutMs: number
  /** How long the image's own entrypoint runs before its processes are read, in milliseconds. */
  workloadWindowMs: number
  /** Search and verify a least-privilege profile per measured target (`--suggest`, input `suggest`): advice, never a verdict. */
  suggest?: boolean
  /**
   * The new-findings gate (`--baseline REF`, inputs `fail-on-new` / `baseline`): the ref as given and the commit
   * it named when the settings were read. Set: the gate fails only on findings new since that commit.
   */
  baseline?: { ref: string; commit: string }
  /** The deployment files named (`--deployment`, input `deployments`), absolute, `-` for stdin: the baseline rereads them. */
  deploymentFiles?: string[]
  /** Limits for Docker calls (build, requests, cleanup); unset ones use src/docker/timeouts.ts. */
  timeouts?: Partial<DockerTimeouts>
  /** Targets built and measured at once (`--jobs`, input `jobs`), 1..MAX_JOBS; unset: the CPUs available. */
  jobs?: number
}

/** Upper bound for `--jobs` / input `jobs`. */
export const MAX_JOBS = 64

/** A jobs value (`--jobs`, input `jobs`): undefined when it is a whole number 1..MAX_JOBS, else what is expected. */
export function jobsProblem(text: string): string | undefined {
  if (/^\d{1,3}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_JOBS) return undefined
  return `a whole number of targets at once between 1 and ${MAX_JOBS}`
}

export const DEFAULT_SETTINGS: Omit<Settings, 'paths' | 'cwd' | 'repoRoot'> = {
  buildArgs: {},
  build: true,
  probe: 'auto',
  runOptions: '',
  profile: defaultProfile(),
  deployments: [],
  deploymentNotes: [],
  images: Object.freeze(Object.create(null)) as Record<string, string>,
  dockerfileOptions: Object.freeze(Object.create(null)) as Record<string, DockerfileOptions>,
  kubernetesSeccompDefault: 'unconfined',
  policy: EMPTY_POLICY,
  exclude: [],
  gitignore: true,
  sarifFile: '',
  failOn: 'error',
  format: 'text',
  keepImage: false,
  probeTimeoutMs: 30_000,
  workloadWindowMs: 2_000
}
