// The config file under the settings: a flag or action input given explicitly wins, then the config file,
// then the defaults. Shared by the CLI (src/cli/args.ts) and the action (src/action/inputs.ts).
import { ruleMetas } from '../rules/registry'
import type { Settings } from '../settings'
import { readHadolintIgnores } from './hadolint'
import type { Config, DockerfileOptions } from './types'

/** Which settings the user gave explicitly (a flag on the command line, a non-empty action input). */
export interface ExplicitSettings {
  failOn: boolean
  runOptions: boolean
  target: boolean
  context: boolean
}

/** Applies `config` to `settings` (built from flags or inputs) where nothing explicit says otherwise. */
export function applyConfig(settings: Settings, config: Config | undefined, given: ExplicitSettings): void {
  // The policy (levels, ignores, the .hadolint.yaml migration) applies with or without a config file.
  const migrated =
    config?.policy?.hadolint === false
      ? { ignores: [], notes: [] }
      : readHadolintIgnores(settings.repoRoot, ruleMetas())
  settings.policy = {
    levels: config?.policy?.levels ?? [],
    ignores: [...(config?.policy?.ignores ?? []), ...migrated.ignores],
    notes: migrated.notes
  }
  if (!config) return
  settings.configFile = config.file
  if (!given.failOn && config.failOn) settings.failOn = config.failOn
  if (!given.runOptions && config.runOptions !== undefined && config.profile) {
    settings.runOptions = config.runOptions
    settings.profile = config.profile
  }
  settings.images = config.images
  const options: Record<string, DockerfileOptions> = Object.create(null)
  for (const [path, entry] of Object.entries(config.dockerfiles)) {
    const kept: DockerfileOptions = { ...entry }
    // Explicit flags apply to every Dockerfile: they win over the per-Dockerfile values too.
    if (given.runOptions) {
      delete kept.runOptions
      delete kept.profile
    }
    if (given.target) delete kept.target
    if (given.context) delete kept.context
    options[path] = kept
  }
  settings.dockerfileOptions = options
  if (config.seccompDefault) settings.kubernetesSeccompDefault = config.seccompDefault
}
