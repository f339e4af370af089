// The bundled CLI's discovery, as a user runs it: .gitignore respected (--no-gitignore turns it off),
// --exclude adding to the config file's exclude:, a named file still scanned, bad patterns one line.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const haveBundle = existsSync(cli)
if (!haveBundle && process.env.CI !== 'true')
  console.warn('SKIPPED discovery e2e: dist/cli/index.js missing (npm run package)')
const describeBundle = haveBundle || process.env.CI === 'true' ? describe : describe.skip

let repo: string
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-discovery-'))
  mkdirSync(join(repo, '.git'))
  for (const file of [
    'app/Dockerfile',
    'build/Dockerfile',
    'app/testdata/Dockerfile',
    'vendor/x/Dockerfile'
  ]) {
    mkdirSync(join(repo, file, '..'), { recursive: true })
    writeFileSync(join(repo, file), 'FROM scratch\nUSER 1001\n')
  }
  writeFileSync(join(repo, '.gitignore'), 'build/\n')
  writeFileSync(join(repo, '.least-privilege.yml'), 'exclude:\n  - vendor\n')
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))

function scan(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'scan', '--no-build', '--format', 'json', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000
  })
  const files =
    result.status === 0 || result.status === 1
      ? (JSON.parse(result.stdout) as { results: { file: string }[] }).results.map(r => r.file).sort()
      : []
  return { code: result.status, files, stderr: result.stderr }
}

describeBundle('discovery through the bundled CLI', () => {
  it('leaves out what .gitignore ignores and what the config file excludes', () => {
    expect(scan('.').files).toEqual(['app/Dockerfile', 'app/testdata/Dockerfile'])
  })

  it('--exclude adds to the config file list; --no-gitignore brings ignored files back', () => {
    expect(scan('--exclude', 'testdata', '.').files).toEqual(['app/Dockerfile'])
    expect(scan('--no-gitignore', '--exclude', 'testdata', '.').files).toEqual([
      'app/Dockerfile',
      'build/Dockerfile'
    ])
  })

  it('scans a file named on the command line even when it is ignored or excluded', () => {
    expect(scan('--exclude', 'testdata', 'app/testdata/Dockerfile', 'build/Dockerfile').files).toEqual([
      'app/testdata/Dockerfile',
      'build/Dockerfile'
    ])
  })

  it('says in one line why a named folder was not searched', () => {
    const { code, stderr } = scan('build')
    expect(code).toBe(2)
    expect(stderr.trim()).toBe(
      'least-privilege: build: not searched: the folder is ignored by git (.gitignore); name its Dockerfiles to scan them'
    )
  })

  it('refuses a bad --exclude pattern with one line naming the flag', () => {
    const { code, stderr } = scan('--exclude', 'svc/{a', '.')
    expect(code).toBe(2)
    expect(stderr.trim()).toBe('least-privilege: --exclude: unbalanced "{" in pattern "svc/{a"')
  })
})
