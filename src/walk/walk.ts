// The one walker behind every search of the tree: folder PATHs (Dockerfiles), the action's `dockerfile`
// globs, and the compose/manifest search of scanned folders. Same rules everywhere, so `scan DIR` and
// `dockerfile: DIR/**` see the same files: symlinks are not followed, unreadable folders are skipped,
// VCS and dependency folders are not searched (hidden ones like .github and .devcontainer are), git's
// ignore rules and the exclusion patterns apply, and the number of entries visited is bounded.
import { readdirSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { UsageError } from '../errors'
import { compileExcludes } from './exclude'
import { gitTopLevel } from './git-top'
import { enterFolder, gitIgnores, rootLayers, type GitIgnoreLayer } from './gitignore'

/** Entries (files and folders) one walk visits at most; a monorepo has tens of thousands, not millions. */
export const MAX_WALK_ENTRIES = 200_000

/** Folders never searched: huge, and never holding the project's own Dockerfiles or manifests. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.hg', '.svn'])

/** What a search leaves out (Settings carries all three). */
export interface WalkRules {
  /** Exclusion patterns are relative to it. */
  repoRoot: string
  /** Honour `.gitignore` files and `.git/info/exclude` (CLI --no-gitignore turns it off). */
  gitignore: boolean
  /** Exclusion patterns, validated when the settings were read. */
  exclude: readonly string[]
}

export interface WalkOptions {
  /** Override MAX_WALK_ENTRIES (tests). */
  maxEntries?: number
  /** How the root is named in the error when the bound is hit (default: the path). */
  shownAs?: string
}

/**
 * Why a search of `folder` finds nothing at all: it, or a folder above it inside the repository, matches an
 * exclusion pattern or is ignored by git. The rules hold for everything a search finds, also below a folder
 * that was named (only a named file is exempt), as `git ls-files` would not list an ignored folder's files.
 */
export function leftOut(folder: string, rules: WalkRules): 'excluded' | 'git-ignored' | undefined {
  const top = resolve(folder)
  const repoRoot = resolve(rules.repoRoot)
  const rel = relative(repoRoot, top)
  if (rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) {
    const excluded = compileExcludes(rules.exclude)
    const parts = rel.split(sep)
    for (let i = 1; i <= parts.length; i++)
      if (excluded(parts.slice(0, i).join('/'), parts[i - 1], true)) return 'excluded'
  }
  // The repository's top level itself is never ignored (and its parent's .gitignore is another repository's).
  if (
    rules.gitignore &&
    top !== (gitTopLevel(top) ?? top) &&
    gitIgnores(rootLayers(dirname(top)).layer, top, true)
  )
    return 'git-ignored'
  return undefined
}

/**
 * Every file below `root` that the rules keep, as absolute paths, sorted; nothing when `root` itself is left
 * out (see leftOut). Each entry is tested as it is met, and a folder left out is never entered (git cannot
 * re-include a file below an ignored folder either).
 */
export function walkFiles(root: string, rules: WalkRules, options: WalkOptions = {}): string[] {
  const top = resolve(root)
  const repoRoot = resolve(rules.repoRoot)
  const excluded = compileExcludes(rules.exclude)
  const limit = options.maxEntries ?? MAX_WALK_ENTRIES
  const repoPath = (path: string): string | undefined => {
    const rel = relative(repoRoot, path)
    return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) ? undefined : rel.split(sep).join('/')
  }
  if (leftOut(top, rules)) return []
  const files: string[] = []
  const git = rules.gitignore ? rootLayers(top) : undefined
  const pending: { dir: string; layer: GitIgnoreLayer | undefined }[] = [{ dir: top, layer: git?.layer }]
  let visited = 0
  while (pending.length > 0) {
    const { dir, layer } = pending.pop() as (typeof pending)[number]
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      continue // unreadable: `docker build` could not read it either
    }
    for (const entry of entries) {
      if (++visited > limit)
        throw new UsageError(
          `${options.shownAs ?? top}: more than ${limit} files and folders to search; name smaller folders or add exclude patterns`
        )
      const isDir = entry.isDirectory()
      // Symlinks, sockets and devices are neither files nor folders here: never followed.
      if (!isDir && !entry.isFile()) continue
      if (isDir && SKIPPED_FOLDERS.has(entry.name)) continue
      const full = join(dir, entry.name)
      if (excluded(repoPath(full), entry.name, isDir)) continue
      if (layer && gitIgnores(layer, full, isDir)) continue
      if (isDir)
        pending.push({ dir: full, layer: git ? enterFolder(layer, full, git.ignoreCase) : undefined })
      else files.push(full)
    }
  }
  return files.sort()
}
