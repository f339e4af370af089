// The `dockerfile` input's globs. fs.globSync is Node 22+, and no shell may see the patterns, so the folder a
// pattern starts from is walked with the scan's one walker (src/walk/walk.ts: the same files a folder PATH
// search sees) and each workspace-relative path is tested against the compiled glob (src/walk/wildmatch.ts).
import { realpathSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { compileGlob, isGlob } from '../walk/glob'
import { walkFiles, type WalkRules } from '../walk/walk'

export { compileGlob, isGlob }

const NO_RULES = { gitignore: true, exclude: [] } as const

/** Every file below `root` the walker keeps, as forward-slash paths relative to it. */
export function listFiles(root: string, rules: Omit<WalkRules, 'repoRoot'> = NO_RULES): string[] {
  return walkFiles(root, { ...rules, repoRoot: root }).map(f => toPosix(relative(root, f)))
}

/** Files below `root` matching `pattern` (relative, forward slashes, sorted). */
export function matchFiles(root: string, pattern: string, files: string[] = listFiles(root)): string[] {
  const re = compileGlob(pattern.replace(/^\.\//, ''))
  return files.filter(file => re.test(file))
}

/**
 * Files below `workspace` matching `pattern`, walked from the pattern's literal folder (`services/` for
 * `services/**\/Dockerfile`) with the walker's rules, as a folder PATH is searched. `cache` shares walks
 * between patterns.
 */
export function globFiles(
  workspace: string,
  pattern: string,
  rules: Omit<WalkRules, 'repoRoot'>,
  cache: Map<string, string[]> = new Map()
): string[] {
  const clean = pattern.replace(/^\.\//, '')
  const re = compileGlob(clean)
  const segments = clean.split('/')
  const literal: string[] = []
  while (literal.length < segments.length - 1 && !isGlob(segments[literal.length]))
    literal.push(segments[literal.length])
  const start = join(workspace, ...literal)
  if (!isPlainFolder(workspace, start)) return []
  let files = cache.get(start)
  if (!files) {
    files = walkFiles(start, { ...rules, repoRoot: workspace }, { shownAs: literal.join('/') || '.' })
    cache.set(start, files)
  }
  return files.map(f => toPosix(relative(workspace, f))).filter(file => re.test(file))
}

/** `start` is a folder reached from `workspace` without a symlink (the walker never follows one either). */
function isPlainFolder(workspace: string, start: string): boolean {
  try {
    return (
      statSync(start).isDirectory() &&
      realpathSync(start) === join(realpathSync(workspace), relative(workspace, start))
    )
  } catch {
    return false
  }
}

function toPosix(path: string): string {
  return path.split(sep).join('/')
}
