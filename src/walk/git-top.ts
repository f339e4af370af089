// The closest folder holding `.git` on the way up: where git's ignore files start, and the CLI's default
// repository root. Found by looking, never by running git: paths never reach a process.
import { statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** Deeper than any real path; bounds the walk up. */
const MAX_DEPTH = 4096

/** The closest folder at or above `start` holding `.git` (a folder, or a file in worktrees and submodules). */
export function gitTopLevel(
  start: string,
  exists: (path: string) => boolean = pathExists
): string | undefined {
  let dir = resolve(start)
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (exists(resolve(dir, '.git'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
  return undefined
}

/** True when something is at `path` (a folder, a file, a `.git` file of a worktree). */
export function pathExists(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}
