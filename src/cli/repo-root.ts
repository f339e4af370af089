// The default repository root for the CLI: SARIF URIs and report paths are relative to it, so it must
// contain what is scanned (`least-privilege scan ../other-repo` used to write a SARIF file with no results).
// Found by looking for `.git` on the way up, never by running git: paths never reach a process.

import { statSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { gitTopLevel, pathExists } from '../walk/git-top'

export { gitTopLevel }

/**
 * Per scanned path: its git top-level; outside git, `cwd` when the path lies inside it (paths stay as they
 * were shown before), otherwise the path's own folder. When the paths disagree, `cwd`: files outside it
 * then get absolute `file://` URIs in SARIF, which GitHub code scanning cannot place (pass --repo-root).
 */
export function defaultRepoRoot(
  paths: string[],
  cwd: string,
  exists: (path: string) => boolean = pathExists
): string {
  const roots = new Set(paths.map(p => rootFor(resolve(cwd, p), cwd, exists)))
  return roots.size === 1 ? [...roots][0] : cwd
}

function rootFor(abs: string, cwd: string, exists: (path: string) => boolean): string {
  const folder = isDirectory(abs) ? abs : dirname(abs)
  const top = gitTopLevel(folder, exists)
  if (top) return top
  return isInside(cwd, abs) ? cwd : folder
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
