// One ignore file's patterns with git's semantics (gitignore(5)): `#` comments, trailing spaces dropped
// unless escaped, `!` re-includes, a trailing `/` matches folders only, a pattern with a `/` at its start or
// middle is relative to the file's folder (else it matches a name at any depth), `**` as in ./wildmatch.ts,
// wildcards match a leading dot, and nothing below an ignored folder can be re-included. Matching is
// ./wildmatch.ts (no RegExp): a pull request's `.gitignore` cannot make the walk take exponential time.
import { compileWildmatch, type Wildmatch } from './wildmatch'

/** Patterns read from one file: far more than real files hold; the rest of a larger file is not read. */
export const MAX_GITIGNORE_RULES = 10_000

interface Rule {
  negate: boolean
  folderOnly: boolean
  /** Has a `/` at its start or middle: matched against the whole relative path, else against the name. */
  anchored: boolean
  /** A name without wildcards, compared as a string (most patterns: `node_modules`, `dist`). */
  literal?: string
  matcher?: Wildmatch
}

export interface GitignoreVerdict {
  ignored: boolean
  /** A `!` pattern matched last. */
  unignored: boolean
}

export interface GitignoreRules {
  /** `path` relative to the file's folder, forward slashes; a trailing `/` marks a folder. */
  test(path: string): GitignoreVerdict
}

export function parseGitignore(text: string, ignoreCase = false): GitignoreRules {
  const rules: Rule[] = []
  for (const raw of text.split('\n')) {
    if (rules.length >= MAX_GITIGNORE_RULES) break
    const rule = parseLine(raw.replace(/\r$/, ''), ignoreCase)
    if (rule) rules.push(rule)
  }
  const fold = (s: string): string => (ignoreCase ? s.toLowerCase() : s)
  const verdictOf = (rel: string, isDir: boolean): 'ignored' | 'unignored' | undefined => {
    const name = rel.slice(rel.lastIndexOf('/') + 1)
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]
      if (rule.folderOnly && !isDir) continue
      const subject = rule.anchored ? rel : name
      const hit = rule.literal !== undefined ? fold(subject) === rule.literal : rule.matcher?.test(subject)
      if (hit) return rule.negate ? 'unignored' : 'ignored'
    }
    return undefined
  }
  return {
    test(path: string): GitignoreVerdict {
      const isDir = path.endsWith('/')
      const rel = path.replace(/\/+$/, '')
      if (rules.length === 0 || rel === '') return { ignored: false, unignored: false }
      // Git does not descend into an ignored folder, so nothing below one comes back.
      for (let slash = rel.indexOf('/'); slash > 0; slash = rel.indexOf('/', slash + 1)) {
        if (verdictOf(rel.slice(0, slash), true) === 'ignored') return { ignored: true, unignored: false }
      }
      const verdict = verdictOf(rel, isDir)
      return { ignored: verdict === 'ignored', unignored: verdict === 'unignored' }
    }
  }
}

function parseLine(line: string, ignoreCase: boolean): Rule | undefined {
  if (line === '' || line.startsWith('#')) return undefined
  let text = trimTrailingSpaces(line)
  const negate = text.startsWith('!')
  if (negate) text = text.slice(1)
  const folderOnly = text.endsWith('/')
  text = text.replace(/\/+$/, '')
  if (text === '') return undefined
  const anchored = text.slice(0, -1).includes('/') || text.startsWith('/')
  text = text.replace(/^\/+/, '')
  if (text === '') return undefined
  if (!anchored && !/[*?[\\]/.test(text)) {
    return { negate, folderOnly, anchored, literal: ignoreCase ? text.toLowerCase() : text }
  }
  try {
    return {
      negate,
      folderOnly,
      anchored,
      matcher: compileWildmatch(text, { dotRule: false, escapes: true, ignoreCase })
    }
  } catch {
    return undefined // a pattern git could not use either (too many alternatives): skipped, as git skips it
  }
}

/** Trailing spaces are dropped unless quoted with a backslash (`foo\ ` keeps one). */
function trimTrailingSpaces(line: string): string {
  let end = line.length
  while (end > 0 && line[end - 1] === ' ') {
    let slashes = 0
    for (let i = end - 2; i >= 0 && line[i] === '\\'; i--) slashes++
    if (slashes % 2 === 1) break
    end--
  }
  return line.slice(0, end)
}
