// The CLI loads the scanner bundle through a V8 code cache (src/cli/code-cache.ts). These tests run real
// CommonJS files through it: the first load writes the cache, the next one uses it, and a cache that is
// not safely ours (other owner, writable by others, a symlink, a folder shared with others) is never read.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cacheFolder, NO_CACHE_ENV } from '../../src/cli/code-cache'

const root = fileURLToPath(new URL('../..', import.meta.url))
let work: string

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lp-code-cache-'))
})
afterEach(() => rmSync(work, { recursive: true, force: true }))

/**
 * Runs requireWithCodeCache (transpiled from src/ as it is) in a fresh Node process, since the cache is
 * written at exit, on a bundle that records what its `require`, `module` and `__dirname` are.
 */
function load(bundle: string, env: NodeJS.ProcessEnv): { state: string; saw: Record<string, unknown> } {
  const script = `
    const ts = require('typescript');
    const fs = require('fs');
    const src = fs.readFileSync(${JSON.stringify(join(root, 'src', 'cli', 'code-cache.ts'))}, 'utf8');
    const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const m = { exports: {} };
    new Function('exports', 'require', 'module', js)(m.exports, require, m);
    const state = m.exports.requireWithCodeCache(${JSON.stringify(bundle)});
    process.stdout.write(JSON.stringify({ state, saw: globalThis.__saw }));
  `
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: join(work, 'home'), ...env }
  })
  if (run.status !== 0) throw new Error(`runner exited ${run.status}: ${run.stderr}`)
  return JSON.parse(run.stdout) as { state: string; saw: Record<string, unknown> }
}

function bundleFile(name = 'index.js', body = ''): string {
  const dir = join(work, 'dist')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, name)
  writeFileSync(
    file,
    `${body}\nglobalThis.__saw = { dirname: __dirname, filename: __filename, path: typeof require('node:path').join, exportsIsModuleExports: exports === module.exports, fns: [1, 2, 3].map(x => x * 2) }\n`
  )
  return file
}

const cacheFiles = (folder: string): string[] => readdirSync(folder).filter(f => f.endsWith('.v8'))
/** The environment every load below runs in, and the cache folder it gives. */
const xdgEnv = (): NodeJS.ProcessEnv => ({ XDG_CACHE_HOME: join(work, 'xdg') })
const cacheDir = (): string => join(work, 'xdg', 'least-privilege')

describe('the code cache of the scanner bundle', () => {
  it('writes the cache on the first load, uses it on the next, and the bundle runs the same both times', () => {
    const file = bundleFile()
    const env = xdgEnv()
    const first = load(file, env)
    expect(first.state).toBe('written')
    expect(first.saw).toEqual({
      dirname: join(work, 'dist'),
      filename: file,
      path: 'function',
      exportsIsModuleExports: true,
      fns: [2, 4, 6]
    })
    const folder = cacheDir()
    expect(cacheFiles(folder)).toHaveLength(1)
    const second = load(file, env)
    expect(second.state).toBe('hit')
    expect(second.saw).toEqual(first.saw)
  })

  it('a changed bundle gets a cache of its own and the stale one is removed', () => {
    const env = xdgEnv()
    const folder = cacheDir()
    load(bundleFile('index.js', '// v1'), env)
    const before = cacheFiles(folder)
    // Same length, other content: V8 alone would accept the old cache (it checks the length only).
    expect(load(bundleFile('index.js', '// v2'), env).state).toBe('written')
    const after = cacheFiles(folder)
    expect(after).toHaveLength(1)
    expect(after).not.toEqual(before)
    expect(load(bundleFile('index.js', '// v2'), env).state).toBe('hit')
  })

  it('a corrupt cache is rejected by V8 and rewritten; the bundle still runs', () => {
    const env = xdgEnv()
    const folder = cacheDir()
    const file = bundleFile()
    load(file, env)
    const [name] = cacheFiles(folder)
    writeFileSync(join(folder, name), Buffer.alloc(4096, 7), { mode: 0o600 })
    const corrupt = load(file, env)
    expect(corrupt.state).toBe('rejected')
    expect(corrupt.saw.fns).toEqual([2, 4, 6])
    expect(load(file, env).state).toBe('hit')
  })

  it('a cache file writable by others, or a symlink in its place, is never read', () => {
    const env = xdgEnv()
    const folder = cacheDir()
    const file = bundleFile()
    load(file, env)
    const [name] = cacheFiles(folder)
    chmodSync(join(folder, name), 0o666)
    expect(load(file, env).state).toBe('written')
    // The rewrite replaced it with a 0600 file of ours.
    expect(load(file, env).state).toBe('hit')
    const target = join(work, 'planted.v8')
    writeFileSync(target, Buffer.alloc(16))
    rmSync(join(folder, name))
    symlinkSync(target, join(folder, name))
    expect(load(file, env).state).toBe('written')
  })

  it('a cache folder writable by others is not used at all', () => {
    const folder = cacheDir()
    mkdirSync(folder, { recursive: true })
    chmodSync(folder, 0o777)
    const file = bundleFile()
    expect(load(file, xdgEnv()).state).toBe('off')
    expect(cacheFiles(folder)).toHaveLength(0)
  })

  it(`${NO_CACHE_ENV}=1 turns it off; the folder follows XDG_CACHE_HOME, else ~/.cache`, () => {
    const file = bundleFile()
    expect(load(file, { ...xdgEnv(), [NO_CACHE_ENV]: '1' }).state).toBe('off')
    expect(cacheFolder({ env: { [NO_CACHE_ENV]: '1' }, home: '/home/u' })).toBeUndefined()
    expect(cacheFolder({ env: { [NO_CACHE_ENV]: '0' }, home: '/home/u' })).toBe(
      '/home/u/.cache/least-privilege'
    )
    expect(cacheFolder({ env: { XDG_CACHE_HOME: '/x' }, home: '/home/u' })).toBe('/x/least-privilege')
    // A relative XDG_CACHE_HOME is invalid by the spec: ignored.
    expect(cacheFolder({ env: { XDG_CACHE_HOME: 'rel' }, home: '/home/u' })).toBe(
      '/home/u/.cache/least-privilege'
    )
    expect(cacheFolder({ env: {}, home: '' })).toBeUndefined()
    expect(cacheFolder({ env: {}, home: '/home/u', platform: 'win32' })).toBeUndefined()
  })
})
