// The CLI as a user installs it: `npm pack`, then the tarball installed into an empty prefix and run
// through npx, with npm offline and an empty cache, so a runtime dependency the bundle does not carry
// would fail the install instead of being fetched.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const haveBundle = existsSync(join(root, 'dist/cli/index.js')) && existsSync(join(root, 'dist/index.js'))
if (!haveBundle && process.env.CI !== 'true')
  console.warn('SKIPPED npm pack test: dist/ missing (npm run package)')
const describeBundle = haveBundle || process.env.CI === 'true' ? describe : describe.skip

// npm next to this node, and an environment without the npm_* settings of an enclosing `npm test`.
const npm = join(dirname(process.execPath), 'npm')
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))
) as NodeJS.ProcessEnv
const quiet = ['--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error']

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...env, NO_COLOR: '1' },
    timeout: 120_000
  })
  return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' }
}

interface Packed {
  filename: string
  files: { path: string }[]
}

describeBundle('the packed package', () => {
  let temp: string
  let tarball: string
  let packed: Packed
  let prefix: string
  let work: string

  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'lp-npm-pack-'))
    const pack = run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', temp, ...quiet], root)
    expect(pack.stderr).toBe('')
    expect(pack.code).toBe(0)
    packed = (JSON.parse(pack.stdout) as Packed[])[0]
    tarball = join(temp, packed.filename)
    prefix = join(temp, 'prefix')
    work = join(temp, 'work')
    cpSync(join(root, 'examples'), join(work, 'examples'), { recursive: true })
  }, 120_000)
  afterAll(() => rmSync(temp, { recursive: true, force: true }))

  it('holds the bundle, the action and the docs, and no sources or tests', () => {
    const paths = packed.files.map(f => f.path)
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'action.yml',
      'dist/index.js',
      'dist/cli/index.js',
      'dist/probe/probe-linux-amd64',
      'dist/probe/probe-linux-arm64'
    ])
      expect(paths).toContain(needed)
    expect(paths.filter(p => /^(src|__tests__|__fixtures__|node_modules|bench|\.github)\//.test(p))).toEqual(
      []
    )
  })

  it('is publishable, runs on the Node it declares, and needs nothing at run time but its bundle', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>
    expect(manifest.private).toBeUndefined()
    expect(manifest.bin).toEqual({ 'least-privilege': 'dist/cli/index.js' })
    expect(manifest.dependencies ?? {}).toEqual({})
    const engines = (manifest.engines as { node: string }).node
    const [major, minor] = process.versions.node.split('.').map(Number)
    const [wantMajor, wantMinor] = /^>=(\d+)(?:\.(\d+))?/
      .exec(engines)!
      .slice(1)
      .map(n => Number(n ?? 0))
    expect(major > wantMajor || (major === wantMajor && minor >= wantMinor)).toBe(true)
    expect(readFileSync(join(root, 'dist/cli/index.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(
      true
    )
  })

  it('installs into an empty prefix with npm offline and an empty cache', () => {
    const install = run(
      npm,
      ['install', '--prefix', prefix, '--offline', '--cache', join(temp, 'cache'), ...quiet, tarball],
      temp
    )
    expect(install.stderr).toBe('')
    expect(install.code).toBe(0)
    // Nothing came with it: the bundle is the whole program.
    expect(readdirSync(join(prefix, 'node_modules')).filter(n => !n.startsWith('.'))).toEqual([
      'least-privilege'
    ])
  }, 120_000)

  it('scans the examples with the installed bin: the insecure one fails, the secure one passes', () => {
    const bin = join(prefix, 'node_modules', '.bin', 'least-privilege')
    const all = run(bin, ['scan', '--no-build', 'examples'], work)
    expect(all.code).toBe(1)
    expect(all.stdout).toMatch(/examples\/insecure\/Dockerfile/)
    expect(all.stdout).toMatch(/LP101/)
    const secure = run(bin, ['scan', '--no-build', 'examples/secure'], work)
    expect(secure.stderr).toBe('')
    expect(secure.code).toBe(0)
  })

  it('runs through npx from the tarball', () => {
    const npx = run(
      join(dirname(process.execPath), 'npx'),
      [
        '--yes',
        '--offline',
        '--cache',
        join(temp, 'npx-cache'),
        ...quiet,
        '--package',
        tarball,
        '--',
        'least-privilege',
        'scan',
        '--no-build',
        '--format',
        'json',
        '.'
      ],
      work
    )
    expect(npx.code).toBe(1)
    const report = JSON.parse(npx.stdout) as { tool: { name: string }; verdict: string }
    expect(report.tool.name).toBe('least-privilege')
    expect(report.verdict).toBe('fail')
  }, 120_000)
})
