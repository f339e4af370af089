// Finds the Dockerfiles to scan: each PATH is a Dockerfile or a folder searched recursively (src/walk/walk.ts:
// the same walker as the action's globs and the deployment search).
import { statSync } from 'node:fs'
import { basename, isAbsolute, relative, resolve, sep } from 'node:path'
import { UsageError } from '../errors'
import { leftOut, walkFiles, type WalkRules } from '../walk/walk'

/** One Dockerfile to scan. */
export interface ScanTarget {
  /** Absolute path on disk. */
  path: string
  /** Repo-relative path with forward slashes (what reports show). */
  file: string
  /**
   * False for a file a folder search found (a template or a parser fixture there is skipped with a warning);
   * true or absent for a file named on the command line or by a compose `build` (it must be a Dockerfile).
   */
  discovered?: boolean
}

/**
 * Dockerfile, Dockerfile.prod, app.Dockerfile, api-Dockerfile, Containerfile ...; never an ignore file
 * (`Dockerfile.dockerignore` is the build context's, BuildKit's per-Dockerfile ignore file).
 */
export function looksLikeDockerfile(name: string): boolean {
  const lower = name.toLowerCase()
  if (lower.endsWith('.dockerignore') || lower.endsWith('.containerignore')) return false
  return (
    lower.endsWith('dockerfile') ||
    lower.startsWith('dockerfile.') ||
    lower === 'containerfile' ||
    lower.endsWith('.containerfile') ||
    lower.startsWith('containerfile.')
  )
}

export function repoRelative(absPath: string, repoRoot: string): string {
  const rel = relative(repoRoot, absPath)
  // Outside the repository there is no stable relative path; fall back to the absolute one.
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return absPath.split(sep).join('/')
  return rel.split(sep).join('/')
}

/**
 * `holdsDeployments(folder)`: true when a declared deployment was read from under that folder; such a folder
 * (a `k8s/` of manifests) needs no Dockerfile, its images are judged from the deployments.
 */
export function discoverDockerfiles(
  paths: string[],
  cwd: string,
  repoRoot: string,
  holdsDeployments: (folder: string) => boolean = () => false,
  rules: Omit<WalkRules, 'repoRoot'> = { gitignore: true, exclude: [] }
): ScanTarget[] {
  if (paths.length === 0) throw new UsageError('no PATH given: name a Dockerfile or a folder to search')
  const found = new Map<string, ScanTarget>()
  for (const given of paths) {
    const abs = resolve(cwd, given)
    let stats
    try {
      stats = statSync(abs)
    } catch {
      throw new UsageError(`${given}: no such file or directory`)
    }
    const hits = stats.isDirectory()
      ? walkFiles(abs, { ...rules, repoRoot }, { shownAs: given }).filter(f =>
          looksLikeDockerfile(basename(f))
        )
      : [abs]
    if (hits.length === 0) {
      if (stats.isDirectory() && holdsDeployments(abs)) continue
      const why = stats.isDirectory() ? leftOut(abs, { ...rules, repoRoot }) : undefined
      if (why)
        throw new UsageError(
          `${given}: not searched: the folder is ${why === 'excluded' ? 'excluded by an exclude pattern' : 'ignored by git (.gitignore)'}; name its Dockerfiles to scan them`
        )
      throw new UsageError(
        `${given}: no Dockerfile found (looked for Dockerfile, Dockerfile.*, *Dockerfile, Containerfile, *.Containerfile)`
      )
    }
    const discovered = stats.isDirectory()
    for (const hit of hits) {
      const known = found.get(hit)
      // A file both named and found by a search counts as named.
      if (known && (discovered || !known.discovered)) continue
      found.set(hit, { path: hit, file: repoRelative(hit, repoRoot), discovered })
    }
  }
  return [...found.values()]
}
