// The config file (`.least-privilege.yml`), read and validated: what the settings take from it.
import type { SourceLocation } from '../deployment/yaml'
import type { FailOn } from '../findings'
import type { RuntimeProfile } from '../profile/types'
import type { ConfigPolicy } from './policy'

export type SeccompDefault = 'unconfined' | 'runtime-default'

/** `dockerfiles: {<path>: {...}}`: settings for one Dockerfile. */
export interface DockerfileOptions {
  /** Where the entry is written in the config file. */
  at: SourceLocation
  /** `run-options`, raw (may hold secrets: never print it), and the profile parsed from it. */
  runOptions?: string
  profile?: RuntimeProfile
  buildArgs?: Record<string, string>
  target?: string
  /** Absolute path of the build context. */
  context?: string
}

export interface Config {
  /** The file as named in messages (repo-relative, or as given with --config). */
  file: string
  /** Absolute path of the file. */
  path: string
  /** `images:`: image name (see ./image-ref.ts imageName) -> absolute Dockerfile path. */
  images: Record<string, string>
  /** `dockerfiles:` by absolute Dockerfile path. */
  dockerfiles: Record<string, DockerfileOptions>
  failOn?: FailOn
  /** Global `run-options` (raw; may hold secrets) and its parsed profile. */
  runOptions?: string
  profile?: RuntimeProfile
  seccompDefault?: SeccompDefault
  /** `exclude:`: globs relative to the repository root, checked (src/walk/exclude.ts). */
  exclude?: string[]
  /** `rules:`, `overrides:`, `ignore:`, `hadolint:` (./policy.ts). */
  policy?: ConfigPolicy
}
