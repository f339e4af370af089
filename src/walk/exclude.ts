// Exclusion patterns (--exclude, action input `exclude`, config `exclude:`): globs in the `dockerfile` input's
// syntax, relative to the repository root. A pattern without `/` matches a name at any depth (`testdata`),
// one with `/` the whole repo-relative path (`services/*/fixtures`); a trailing `/` matches folders only.
// Matching a folder excludes everything below it, because the walker never enters it.
import { compileGlob } from './glob'
import type { Wildmatch } from './wildmatch'

/** Patterns per scan: far more than anyone writes, few enough that testing every entry stays cheap. */
export const MAX_EXCLUDE_PATTERNS = 1000
const MAX_PATTERN_LENGTH = 4096

interface Rule {
  re: Wildmatch
  /** No `/`: tested against the entry's name, at any depth. */
  byName: boolean
  folderOnly: boolean
}

export type ExcludeTest = (repoPath: string | undefined, name: string, isDir: boolean) => boolean

/** Why `pattern` is not a usable exclusion pattern, or undefined when it is. */
export function excludeProblem(pattern: string): string | undefined {
  try {
    compileRule(pattern)
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}

/**
 * A test over walked entries: `repoPath` is the entry's repo-relative path (undefined outside the repository,
 * where only name patterns apply), `name` its last segment. Throws on a bad pattern (callers validated them).
 */
export function compileExcludes(patterns: readonly string[]): ExcludeTest {
  if (patterns.length > MAX_EXCLUDE_PATTERNS)
    throw new Error(`more than ${MAX_EXCLUDE_PATTERNS} exclude patterns`)
  const rules = patterns.map(compileRule)
  if (rules.length === 0) return () => false
  return (repoPath, name, isDir) =>
    rules.some(rule => {
      if (rule.folderOnly && !isDir) return false
      if (rule.byName) return rule.re.test(name)
      return repoPath !== undefined && rule.re.test(repoPath)
    })
}

function compileRule(raw: string): Rule {
  let pattern = raw.trim()
  if (pattern === '') throw new Error('empty pattern')
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new Error(`pattern longer than ${MAX_PATTERN_LENGTH} characters`)
  if (pattern.startsWith('!'))
    throw new Error(`pattern ${JSON.stringify(raw)} starts with "!": exclude patterns only remove files`)
  pattern = pattern.replace(/^(\.\/)+/, '')
  const folderOnly = pattern.endsWith('/')
  pattern = pattern.replace(/\/+$/, '')
  if (raw.trim().startsWith('/') || pattern.split('/').includes('..') || pattern === '' || pattern === '.')
    throw new Error(
      `pattern ${JSON.stringify(raw)} must be relative to the repository root, without ".." (write "dir", not "/dir")`
    )
  let re: Wildmatch
  try {
    re = compileGlob(pattern)
  } catch (error) {
    throw new Error((error as Error).message)
  }
  return { re, byName: !pattern.includes('/'), folderOnly }
}
