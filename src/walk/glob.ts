// Glob syntax shared by the action's `dockerfile` input and the exclusion patterns (--exclude, input
// `exclude`, config `exclude:`). Patterns are matched against forward-slash paths; no shell ever sees them.

/** True when the pattern uses glob syntax (`*`, `?`, `[...]`, `{a,b}`). */
export function isGlob(pattern: string): boolean {
  return /[*?[{]/.test(pattern)
}

/**
 * Turns a glob into an anchored RegExp over forward-slash paths. `**` matches any number of folders
 * (also none), hidden ones included, as a folder search enters them; `*` and `?` never cross `/` and, like
 * bash and minimatch, do not match a leading dot (`*.yml` is not `.env.yml`); `[...]` is a class, `{a,b}` an
 * alternation.
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
        out += i + 2 === pattern.length ? '(?:[^/]+(?:/[^/]+)*)?' : '(?:[^/]+/)*'
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
