// A small glob matcher for the `dockerfile` input. fs.globSync is Node 22+, and no shell may see the
// patterns, so the workspace is walked and each relative path is tested against a RegExp.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/** True when the pattern uses glob syntax (`*`, `?`, `[...]`, `{a,b}`). */
export function isGlob(pattern: string): boolean {
  return /[*?[{]/.test(pattern)
}

/**
 * Turns a glob into an anchored RegExp over forward-slash paths. `**` matches any number of folders
 * (also none), `*` and `?` never cross `/`, `[...]` is a class, `{a,b}` an alternation. Like git and
 * most globbers, wildcards do not match a leading dot.
 */
export function globToRegExp(pattern: string): RegExp {
  let out = ''
  let i = 0
  let braceDepth = 0
  const atSegmentStart = (): boolean => i === 0 || pattern[i - 1] === '/'
  while (i < pattern.length) {
    const c = pattern[i]
    if (c === '*') {
      if (
        pattern[i + 1] === '*' &&
        atSegmentStart() &&
        (pattern[i + 2] === '/' || i + 2 === pattern.length)
      ) {
        // `**/` = zero or more folders; trailing `**` = anything below.
        out += i + 2 === pattern.length ? '(?:[^/.][^/]*(?:/[^/.][^/]*)*)?' : '(?:[^/.][^/]*/)*'
        i += pattern[i + 2] === '/' ? 3 : 2
        continue
      }
      out += atSegmentStart() ? '(?:[^/.][^/]*)?' : '[^/]*'
    } else if (c === '?') {
      out += atSegmentStart() ? '[^/.]' : '[^/]'
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end === -1) {
        out += '\\['
      } else {
        let body = pattern.slice(i + 1, end)
        const negate = body.startsWith('!') || body.startsWith('^')
        if (negate) body = body.slice(1)
        out += `[${negate ? '^/' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`
        i = end
      }
    } else if (c === '{') {
      braceDepth++
      out += '(?:'
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--
      out += ')'
    } else if (c === ',' && braceDepth > 0) {
      out += '|'
    } else {
      out += c.replace(/[.+^$()|\\\]}]/g, '\\$&')
    }
    i++
  }
  if (braceDepth > 0) throw new Error(`unbalanced "{" in pattern "${pattern}"`)
  return new RegExp(`^${out}$`)
}

// Folders never worth searching: huge, and never holding the project's own Dockerfiles.
const SKIPPED_DIRS = new Set(['.git', 'node_modules'])

/** Every file below `root`, as forward-slash paths relative to it. Symlinks are not followed. */
export function listFiles(root: string): string[] {
  const files: string[] = []
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(join(dir, entry.name), rel)
      } else if (entry.isFile()) {
        files.push(rel)
      }
    }
  }
  walk(root, '')
  return files.sort()
}

/** Files below `root` matching `pattern` (relative, forward slashes, sorted). */
export function matchFiles(root: string, pattern: string, files: string[] = listFiles(root)): string[] {
  const re = globToRegExp(pattern.replace(/^\.\//, ''))
  return files.filter(file => re.test(file))
}
