// The glob matcher without RegExp (src/walk/wildmatch.ts): the same answers as the RegExp it replaced (kept
// here as the oracle) and as node-ignore for .gitignore patterns, on many patterns and paths; and bounded on
// the patterns that made a backtracking RegExp take minutes (issue 11 acceptance: a pull request's
// `.gitignore` with `*a` x8 + `*b` against a 70-character name).
import { describe, expect, it } from '@jest/globals'
import ignore from 'ignore'
import { compileGlob } from '../../src/walk/glob'
import { parseGitignore } from '../../src/walk/gitignore-rules'
import { compileWildmatch } from '../../src/walk/wildmatch'

// The RegExp-based globToRegExp this matcher replaced, verbatim: the oracle for ordinary patterns.
function oracleGlob(pattern: string): RegExp {
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

const PATTERNS = [
  '*',
  '**',
  '*.yml',
  '.env*',
  'svc/*/Dockerfile',
  '**/Dockerfile',
  'svc/**',
  'svc/**/x',
  '**/*.Dockerfile',
  'a?c',
  '?b',
  '[ab]*',
  '[!a]*',
  '[a-c]x',
  'Dockerfile.{dev,prod}',
  '{a,b}/{c,d}',
  'a/**/b/**/c',
  '*/*',
  '**/.github/**',
  'x*y*z',
  '*a*a*b',
  'a.b',
  'a**b',
  '**.yml',
  'svc/*',
  '.*',
  '*.'
]
const PATHS = [
  '',
  'a',
  'b',
  'x',
  'ab',
  'abc',
  'axc',
  '.env',
  '.env.yml',
  'a.yml',
  'svc',
  'svc/a',
  'svc/a/Dockerfile',
  'svc/a/b/Dockerfile',
  'svc/.hidden/Dockerfile',
  'Dockerfile',
  'Dockerfile.dev',
  'Dockerfile.test',
  'a/c',
  'b/d',
  'a/b/c',
  'a/x/b/y/c',
  'a/b',
  'x/y/z',
  'xyz',
  'xaybz',
  'aab',
  'aaab',
  'ba',
  '.github/workflows/Dockerfile',
  'api.Dockerfile',
  'deep/api.Dockerfile',
  'a.b',
  'axb',
  'aXXb',
  'c.yml',
  'svc/x',
  'svc/q/x',
  'bx',
  '.',
  'z.'
]

describe('compileGlob answers as the RegExp it replaced', () => {
  for (const pattern of PATTERNS) {
    it(pattern, () => {
      const oracle = oracleGlob(pattern)
      const matcher = compileGlob(pattern)
      const differ = PATHS.filter(path => matcher.test(path) !== oracle.test(path))
      expect(differ).toEqual([])
    })
  }

  it('refuses an unbalanced brace and a reversed range with one-line reasons', () => {
    expect(() => compileGlob('svc/{a,b')).toThrow(/^unbalanced "\{" in pattern "svc\/\{a,b"$/)
    expect(() => compileGlob('[z-a]')).toThrow(/out of order/)
  })
})

describe('parseGitignore answers as node-ignore (the gitignore spec)', () => {
  const FILES = [
    'node_modules\n',
    '*.log\n!keep.log\n',
    '/build\n',
    'build/\n',
    'docs/*.md\n',
    '**/tmp\n',
    'a/**/b\n',
    'vendor/**\n!vendor/keep/\n',
    '# comment\n\n*.tmp   \n',
    '\\#hash\n',
    '*.[oa]\n',
    'Dockerfile.*\n!Dockerfile.prod\n',
    'sub/\n!sub/Dockerfile\n',
    '.*\n',
    'a?c\n',
    'logs/\n',
    '/*.yml\n'
  ]
  const CANDIDATES = [
    'node_modules',
    'node_modules/',
    'x/node_modules/',
    'app.log',
    'keep.log',
    'deep/app.log',
    'build',
    'build/',
    'x/build/',
    'x/build',
    'docs/a.md',
    'docs/x/a.md',
    'tmp/',
    'a/tmp/',
    'a/b',
    'a/x/y/b',
    'vendor/x',
    'vendor/keep/',
    'vendor/keep/f',
    'x.tmp',
    '#hash',
    'm.o',
    'm.c',
    'Dockerfile.dev',
    'Dockerfile.prod',
    'sub/',
    'sub/Dockerfile',
    '.env',
    '.github/',
    'abc',
    'logs',
    'logs/',
    'x/logs/',
    'c.yml',
    'k/c.yml'
  ]
  for (const text of FILES) {
    it(JSON.stringify(text), () => {
      const oracle = ignore().add(text)
      const rules = parseGitignore(text)
      const differ = CANDIDATES.filter(path => {
        const a = oracle.test(path)
        const b = rules.test(path)
        return a.ignored !== b.ignored || a.unignored !== b.unignored
      })
      expect(differ).toEqual([])
    })
  }

  it('core.ignorecase folds case; by default matching is case-sensitive, as git on Linux', () => {
    expect(parseGitignore('Build/\n').test('build/').ignored).toBe(false)
    expect(parseGitignore('Build/\n', true).test('build/').ignored).toBe(true)
    expect(parseGitignore('*.LOG\n', true).test('a.log').ignored).toBe(true)
  })
})

describe('bounded on patterns that make a backtracking RegExp explode', () => {
  const STARS = '*a'.repeat(12) + '*b'
  const LONG = 'a'.repeat(250)

  it('a glob with many stars against a long name answers at once', () => {
    expect(compileGlob(STARS).test(LONG)).toBe(false)
    expect(compileGlob(`**/${STARS}/**`).test(`${LONG}/${LONG}/${LONG}/x`)).toBe(false)
  })

  it('a .gitignore pattern with many stars, and many **, against a deep long path', () => {
    const rules = parseGitignore(`${STARS}\n${'**/'.repeat(40)}q\n`)
    const deep = Array.from({ length: 200 }, () => LONG.slice(0, 20)).join('/')
    expect(rules.test(LONG).ignored).toBe(false)
    expect(rules.test(`${deep}/x`).ignored).toBe(false)
  })

  it('brace expansion is bounded', () => {
    expect(() => compileWildmatch('{a,b}'.repeat(11), { dotRule: true, escapes: false })).toThrow(
      /more than 1024 alternatives/
    )
  })
})
