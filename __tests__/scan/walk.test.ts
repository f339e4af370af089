// The one walker (src/walk/): git's ignore semantics, exclusion patterns, hidden and skipped folders, symlinks,
// the bound, and the contract that a folder PATH and the action's `DIR/**` glob see the same Dockerfiles.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative } from 'node:path'
import { globFiles } from '../../src/action/glob'
import { selectDockerfiles } from '../../src/action/inputs'
import { loadDeployments } from '../../src/deployment/load'
import { UsageError } from '../../src/errors'
import { discoverDockerfiles, looksLikeDockerfile } from '../../src/scan/discover'
import { compileExcludes, excludeProblem } from '../../src/walk/exclude'
import { ignoreCaseOf } from '../../src/walk/gitignore'
import { walkFiles } from '../../src/walk/walk'

let repo: string
const FROM = 'FROM scratch\n'
const MANIFEST =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: x\n'
const COMPOSE = 'services:\n  web:\n    image: x\n'

function put(path: string, text = FROM): void {
  mkdirSync(join(repo, path, '..'), { recursive: true })
  writeFileSync(join(repo, path), text)
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-walk-'))
  mkdirSync(join(repo, '.git', 'info'), { recursive: true })
  writeFileSync(join(repo, '.git', 'info', 'exclude'), 'local-only/\n')
  put(
    '.gitignore',
    [
      '# build output',
      'build/',
      '*.generated.Dockerfile',
      '!keep.generated.Dockerfile',
      '/anchored.Dockerfile',
      'docs/**/draft',
      'gen/',
      '.cache/',
      'cache.d/'
    ].join('\n')
  )
  put('svc/.gitignore', '/only-here.Dockerfile\n!svc.generated.Dockerfile\n')
  for (const file of [
    'Dockerfile',
    'anchored.Dockerfile', // ignored: anchored at the root
    'app/anchored.Dockerfile', // kept: the anchored pattern is the root's only
    'app/Dockerfile',
    'app/build', // a file named like an ignored folder: `build/` is for folders only
    'app/x.generated.Dockerfile', // ignored at any depth
    'app/keep.generated.Dockerfile', // re-included by `!`
    'build/Dockerfile', // ignored folder
    'app/build.d/Dockerfile',
    'docs/Dockerfile',
    'docs/a/b/draft/Dockerfile', // `**` in the middle
    'local-only/Dockerfile', // .git/info/exclude
    'svc/only-here.Dockerfile', // svc/.gitignore, relative to svc/
    'svc/sub/only-here.Dockerfile',
    'svc/svc.generated.Dockerfile', // the deeper file re-includes what the root ignores
    'svc/legacy/Dockerfile', // excluded by path
    'testdata/Dockerfile', // excluded by name, at any depth
    'app/testdata/Dockerfile',
    'app/testdata.Dockerfile', // a name pattern matches the whole name only
    '.devcontainer/Dockerfile', // hidden: searched
    '.github/.cache/Dockerfile', // hidden, and ignored by the root .gitignore's `.cache/`
    'app/CACHE.d/Dockerfile', // git compares names case-sensitively: `cache.d/` does not match
    'node_modules/pkg/Dockerfile', // skipped
    'app/Dockerfile.dockerignore' // never a Dockerfile
  ])
    put(file)
  put('gen/deploy/compose.yaml', COMPOSE) // ignored by git
  put('testdata/k8s/pod.yaml', MANIFEST) // excluded
  put('deploy/pod.yaml', MANIFEST)
  symlinkSync(join(repo, 'app'), join(repo, 'linked')) // a folder symlink: not followed
  symlinkSync(join(repo, 'app', 'Dockerfile'), join(repo, 'link.Dockerfile')) // a file symlink: not listed
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))

const RULES = { gitignore: true, exclude: ['testdata', 'svc/legacy'] }
const rel = (paths: string[]): string[] => paths.map(p => relative(repo, p).split('\\').join('/')).sort()

const EXPECTED = [
  '.devcontainer/Dockerfile',
  'Dockerfile',
  'app/CACHE.d/Dockerfile',
  'app/Dockerfile',
  'app/anchored.Dockerfile',
  'app/build.d/Dockerfile',
  'app/keep.generated.Dockerfile',
  'app/testdata.Dockerfile',
  'docs/Dockerfile',
  'svc/sub/only-here.Dockerfile',
  'svc/svc.generated.Dockerfile'
]

describe('the walker', () => {
  it("honours every .gitignore with git's semantics, .git/info/exclude, and exclusion patterns", () => {
    const files = rel(walkFiles(repo, { repoRoot: repo, ...RULES }))
    expect(files.filter(f => looksLikeDockerfile(basename(f)))).toEqual(EXPECTED)
    expect(files).toContain('app/build')
    expect(files).toContain('deploy/pod.yaml')
    expect(files).not.toContain('gen/deploy/compose.yaml')
    expect(files).not.toContain('testdata/k8s/pod.yaml')
    // Hidden folders are searched (their .gitignore rules still apply); never through a symlink.
    expect(files).toContain('.devcontainer/Dockerfile')
    expect(files).not.toContain('.github/.cache/Dockerfile')
    expect(files.some(f => f.startsWith('linked/') || f === 'link.Dockerfile')).toBe(false)
  })

  it('--no-gitignore brings the ignored files back, exclusions still apply', () => {
    const files = rel(walkFiles(repo, { repoRoot: repo, gitignore: false, exclude: ['testdata'] }))
    for (const back of [
      'anchored.Dockerfile',
      'build/Dockerfile',
      'local-only/Dockerfile',
      'gen/deploy/compose.yaml'
    ])
      expect(files).toContain(back)
    expect(files).toContain('svc/legacy/Dockerfile')
    expect(files).not.toContain('app/testdata/Dockerfile')
  })

  it('applies the .gitignore files above a walk root that is a subfolder, relative to their own folders', () => {
    const files = rel(walkFiles(join(repo, 'svc'), { repoRoot: repo, ...RULES }))
    expect(files).toEqual(['svc/.gitignore', 'svc/sub/only-here.Dockerfile', 'svc/svc.generated.Dockerfile'])
    const app = rel(walkFiles(join(repo, 'app'), { repoRoot: repo, ...RULES }))
    expect(app).not.toContain('app/x.generated.Dockerfile')
    expect(app).toContain('app/anchored.Dockerfile')
  })

  it('finds nothing below a folder that is itself excluded or ignored, even when it is the one named', () => {
    expect(walkFiles(join(repo, 'testdata'), { repoRoot: repo, ...RULES })).toEqual([])
    expect(walkFiles(join(repo, 'build'), { repoRoot: repo, ...RULES })).toEqual([])
    expect(walkFiles(join(repo, 'svc', 'legacy'), { repoRoot: repo, ...RULES })).toEqual([])
    expect(() => discoverDockerfiles(['build'], repo, repo, () => false, RULES)).toThrow(
      'build: not searched: the folder is ignored by git (.gitignore); name its Dockerfiles to scan them'
    )
    expect(() => discoverDockerfiles(['app/testdata'], repo, repo, () => false, RULES)).toThrow(
      'app/testdata: not searched: the folder is excluded by an exclude pattern; name its Dockerfiles to scan them'
    )
    // The rules, not the name, decide: without them the same folders are searched.
    const none = { repoRoot: repo, gitignore: false, exclude: [] }
    expect(rel(walkFiles(join(repo, 'build'), none))).toEqual(['build/Dockerfile'])
    expect(rel(walkFiles(join(repo, 'testdata'), none))).toEqual([
      'testdata/Dockerfile',
      'testdata/k8s/pod.yaml'
    ])
  })

  it('compares names case-sensitively unless the repository sets core.ignorecase', () => {
    const other = mkdtempSync(join(tmpdir(), 'lp-walk-case-'))
    try {
      mkdirSync(join(other, '.git'))
      mkdirSync(join(other, 'legacy'))
      writeFileSync(join(other, '.gitignore'), 'dockerfile.dev\nLEGACY/\n')
      for (const f of ['Dockerfile', 'Dockerfile.dev', 'legacy/Dockerfile'])
        writeFileSync(join(other, f), FROM)
      const found = (): string[] =>
        walkFiles(other, { repoRoot: other, gitignore: true, exclude: [] })
          .map(f => relative(other, f))
          .sort()
      expect(found()).toEqual(['.gitignore', 'Dockerfile', 'Dockerfile.dev', 'legacy/Dockerfile'])
      writeFileSync(join(other, '.git', 'config'), '[core]\n\tbare = false\n\tignorecase = true\n')
      expect(found()).toEqual(['.gitignore', 'Dockerfile'])
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  it('reads core.ignorecase as git does (booleans, only in [core])', () => {
    expect(ignoreCaseOf(undefined)).toBe(false)
    expect(ignoreCaseOf('[core]\n\tignorecase = yes\n')).toBe(true)
    expect(ignoreCaseOf('[core]\n\tIgnoreCase=false\n')).toBe(false)
    expect(ignoreCaseOf('[user]\n\tignorecase = true\n')).toBe(false)
  })

  it('stops at the bound with one line naming the folder and the limit', () => {
    let error: unknown
    try {
      walkFiles(repo, { repoRoot: repo, ...RULES }, { maxEntries: 10, shownAs: 'the-repo' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toBe(
      'the-repo: more than 10 files and folders to search; name smaller folders or add exclude patterns'
    )
  })

  it('skips a folder it cannot read', () => {
    if (process.getuid?.() === 0) return // root reads everything: nothing to show
    put('locked/Dockerfile')
    chmodSync(join(repo, 'locked'), 0)
    try {
      expect(rel(walkFiles(repo, { repoRoot: repo, ...RULES }))).not.toContain('locked/Dockerfile')
    } finally {
      chmodSync(join(repo, 'locked'), 0o755)
      rmSync(join(repo, 'locked'), { recursive: true })
    }
  })
})

describe('folder PATH and the action glob see the same files', () => {
  it.each([
    ['.', '**'],
    ['svc', 'svc/**'],
    ['app', 'app/**']
  ])('scan %s finds what dockerfile: %s finds', (folder, glob) => {
    const byFolder = discoverDockerfiles([folder], repo, repo, () => false, RULES).map(t => t.file)
    const byGlob = globFiles(repo, glob, RULES).filter(f => looksLikeDockerfile(basename(f)))
    expect(byGlob).toEqual([...byFolder].sort())
    const expected = EXPECTED.filter(f => folder === '.' || f.startsWith(`${folder}/`))
    expect(byGlob).toEqual(expected)
  })

  it('the action input selects through the same walk: ignored, excluded, hidden and skipped files are not matched', () => {
    const chosen = rel(selectDockerfiles(repo, '**/Dockerfile', RULES))
    expect(chosen).toEqual([
      '.devcontainer/Dockerfile',
      'Dockerfile',
      'app/CACHE.d/Dockerfile',
      'app/Dockerfile',
      'app/build.d/Dockerfile',
      'docs/Dockerfile'
    ])
  })

  it('a glob finds hidden folders through ** or by name, as a folder search does; an excluded one stays out', () => {
    expect(rel(selectDockerfiles(repo, '.devcontainer/*', RULES))).toEqual(['.devcontainer/Dockerfile'])
    expect(rel(selectDockerfiles(repo, '**/.devcontainer/Docker*', RULES))).toEqual([
      '.devcontainer/Dockerfile'
    ])
    expect(() => selectDockerfiles(repo, 'testdata/Docker*', RULES)).toThrow('matched no files')
    expect(
      rel(discoverDockerfiles(['.devcontainer'], repo, repo, () => false, RULES).map(t => t.path))
    ).toEqual(['.devcontainer/Dockerfile'])
  })

  it('a file named explicitly is scanned even when ignored or excluded', () => {
    const named = discoverDockerfiles(
      ['build/Dockerfile', 'testdata/Dockerfile'],
      repo,
      repo,
      () => false,
      RULES
    )
    expect(named.map(t => t.file)).toEqual(['build/Dockerfile', 'testdata/Dockerfile'])
    expect(rel(selectDockerfiles(repo, 'build/Dockerfile\nanchored.Dockerfile', RULES))).toEqual([
      'anchored.Dockerfile',
      'build/Dockerfile'
    ])
  })

  it('the deployment search of a folder leaves out ignored and excluded manifests', () => {
    const opts = { cwd: repo, repoRoot: repo, env: {}, ...RULES }
    const files = loadDeployments([], ['.'], opts).deployments.map(d => d.file)
    expect([...new Set(files)]).toEqual(['deploy/pod.yaml'])
    const all = loadDeployments([], ['.'], { ...opts, gitignore: false, exclude: [] }).deployments.map(
      d => d.file
    )
    expect([...new Set(all)].sort()).toEqual([
      'deploy/pod.yaml',
      'gen/deploy/compose.yaml',
      'testdata/k8s/pod.yaml'
    ])
  })
})

describe('exclusion patterns', () => {
  const excluded = (patterns: string[], path: string, isDir = false): boolean =>
    compileExcludes(patterns)(path, path.slice(path.lastIndexOf('/') + 1), isDir)

  it('match a name at any depth without /, the repo-relative path with /, folders only with a trailing /', () => {
    expect(excluded(['testdata'], 'a/b/testdata', true)).toBe(true)
    expect(excluded(['testdata'], 'a/testdata.go')).toBe(false)
    expect(excluded(['*.bak'], 'a/b/x.bak')).toBe(true)
    expect(excluded(['svc/*/fixtures'], 'svc/a/fixtures', true)).toBe(true)
    expect(excluded(['svc/*/fixtures'], 'other/svc/a/fixtures', true)).toBe(false)
    expect(excluded(['**/fixtures'], 'x/y/fixtures', true)).toBe(true)
    expect(excluded(['vendor/'], 'a/vendor', true)).toBe(true)
    expect(excluded(['vendor/'], 'a/vendor')).toBe(false)
    expect(excluded(['./legacy'], 'legacy', true)).toBe(true)
    // Outside the repository only name patterns can apply.
    expect(compileExcludes(['svc/x'])(undefined, 'x', true)).toBe(false)
    expect(compileExcludes(['x'])(undefined, 'x', true)).toBe(true)
  })

  it.each([
    ['', 'empty pattern'],
    ['/abs', 'must be relative to the repository root'],
    ['../up', 'must be relative to the repository root'],
    ['!keep', 'starts with "!"'],
    ['svc/{a,b', 'unbalanced "{"'],
    ['[z-a]', 'range "z-a" is out of order']
  ])('refuses %j with a reason', (pattern, reason) => {
    expect(excludeProblem(pattern)).toContain(reason)
  })
})
