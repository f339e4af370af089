// Git's ignore rules for a walk: `.git/info/exclude` and every `.gitignore` from the repository's top level
// down, each pattern relative to its own file's folder, a deeper file overriding a higher one (git's order).
// Patterns are read by ./gitignore-rules.ts (gitignore(5)), case-sensitively unless the repository's
// core.ignorecase is true (as git on Linux); files are read bounded, never through a symlink.
import { closeSync, fstatSync, lstatSync, openSync, readSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { gitTopLevel } from './git-top'
import { parseGitignore, type GitignoreRules } from './gitignore-rules'

/** Bytes read from one ignore file; git itself has a limit of this order (100 MB is absurd, 1 MiB is plenty). */
export const MAX_GITIGNORE_BYTES = 1024 * 1024

/** One ignore file's rules, and the rules of the folders above it (lower precedence). */
export interface GitIgnoreLayer {
  /** The folder its patterns are relative to. */
  base: string
  rules: GitignoreRules
  parent?: GitIgnoreLayer
}

/** The layers at a walk's root and how the repository compares names (core.ignorecase). */
export interface GitIgnoreRoot {
  layer: GitIgnoreLayer | undefined
  ignoreCase: boolean
}

/**
 * The layers that apply inside `walkRoot`: `.git/info/exclude`, then the `.gitignore` of every folder from the
 * repository's top level down to `walkRoot` itself. Outside git (a checkout downloaded without `.git`), the
 * `.gitignore` files from `walkRoot` down still apply.
 */
export function rootLayers(
  walkRoot: string,
  read: (path: string) => string | undefined = readIgnoreFile
): GitIgnoreRoot {
  const top = gitTopLevel(walkRoot) ?? walkRoot
  const ignoreCase = ignoreCaseOf(read(join(top, '.git', 'config')))
  let layer = withFile(undefined, top, join(top, '.git', 'info', 'exclude'), ignoreCase, read)
  const rel = relative(top, walkRoot)
  const folders = [top]
  if (rel && !rel.startsWith('..')) {
    let dir = top
    for (const part of rel.split(sep)) folders.push((dir = join(dir, part)))
  }
  for (const folder of folders) layer = withFile(layer, folder, join(folder, '.gitignore'), ignoreCase, read)
  return { layer, ignoreCase }
}

/** git's core.ignorecase from a repository's config text: false unless set true (git on Linux, case-sensitive). */
export function ignoreCaseOf(config: string | undefined): boolean {
  if (!config) return false
  let inCore = false
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim()
    if (line.startsWith('[')) {
      inCore = /^\[\s*core\s*\]/i.test(line)
      continue
    }
    const setting = inCore ? /^ignorecase\s*=\s*([^\s;#]+)/i.exec(line) : null
    if (setting) return /^(true|yes|on|1)$/i.test(setting[1])
  }
  return false
}

/** The layers inside `folder`: its own `.gitignore` on top of `parent`'s. */
export function enterFolder(
  parent: GitIgnoreLayer | undefined,
  folder: string,
  ignoreCase: boolean,
  read: (path: string) => string | undefined = readIgnoreFile
): GitIgnoreLayer | undefined {
  return withFile(parent, folder, join(folder, '.gitignore'), ignoreCase, read)
}

/** True when git ignores `path` (absolute, below every layer's base); `isDir` gives folder patterns (`x/`) their due. */
export function gitIgnores(layer: GitIgnoreLayer | undefined, path: string, isDir: boolean): boolean {
  for (let at = layer; at; at = at.parent) {
    const rel = relative(at.base, path).split(sep).join('/')
    if (!rel || rel.startsWith('..')) continue
    const verdict = at.rules.test(isDir ? `${rel}/` : rel)
    // The deepest file with a matching pattern decides; `!pattern` there re-includes.
    if (verdict.ignored) return true
    if (verdict.unignored) return false
  }
  return false
}

function withFile(
  parent: GitIgnoreLayer | undefined,
  base: string,
  file: string,
  ignoreCase: boolean,
  read: (path: string) => string | undefined
): GitIgnoreLayer | undefined {
  const text = read(file)
  if (text === undefined || text.trim() === '') return parent
  return { base, rules: parseGitignore(text, ignoreCase), parent }
}

/** The file's text (at most MAX_GITIGNORE_BYTES), or undefined when it is absent, not a regular file, or unreadable. */
export function readIgnoreFile(path: string): string | undefined {
  let fd: number | undefined
  try {
    // lstat: git does not follow a symlinked .gitignore either.
    if (!lstatSync(path).isFile()) return undefined
    fd = openSync(path, 'r')
    const buffer = Buffer.alloc(Math.min(fstatSync(fd).size, MAX_GITIGNORE_BYTES))
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    return buffer.subarray(0, length).toString('utf8')
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
