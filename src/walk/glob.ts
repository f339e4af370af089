// Glob syntax shared by the action's `dockerfile` input, the exclusion patterns (--exclude, input `exclude`,
// config `exclude:`) and the config's `paths:` globs. Patterns are matched against forward-slash paths by
// ./wildmatch.ts (no RegExp, so no pattern can make matching take exponential time); no shell sees them.
import { compileWildmatch, type Wildmatch } from './wildmatch'

/** True when the pattern uses glob syntax (`*`, `?`, `[...]`, `{a,b}`). */
export function isGlob(pattern: string): boolean {
  return /[*?[{]/.test(pattern)
}

/**
 * Compiles a glob over forward-slash paths. `**` (a whole segment) matches any number of folders (also none),
 * hidden ones included, as a folder search enters them; `*` and `?` never cross `/` and, like bash and
 * minimatch, do not match a leading dot (`*.yml` is not `.env.yml`); `[...]` is a class, `{a,b}` an
 * alternation. Throws an Error with a one-line reason for an unbalanced `{`.
 */
export function compileGlob(pattern: string): Wildmatch {
  return compileWildmatch(pattern, { dotRule: true, escapes: false })
}
