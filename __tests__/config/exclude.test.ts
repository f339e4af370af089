// `exclude:` in the config file, --exclude and --no-gitignore on the command line: read, checked with one
// line naming the file and line (or the flag), and combined (the flags add to the config file's list).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCli } from '../../src/cli/args'
import { loadConfig } from '../../src/config/load'
import { UsageError } from '../../src/errors'

let repo: string
const write = (file: string, text: string): void => {
  mkdirSync(join(repo, file, '..'), { recursive: true })
  writeFileSync(join(repo, file), text)
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-exclude-'))
  mkdirSync(join(repo, '.git'))
  write('Dockerfile', 'FROM scratch\nUSER 1001\n')
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))

function config(text: string) {
  write('.least-privilege.yml', text)
  return loadConfig({ repoRoot: repo })
}

function usageError(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    const message = (error as Error).message
    expect(message).not.toContain('\n')
    return message
  }
  throw new Error('expected a UsageError')
}

const scan = (...argv: string[]) => {
  const command = parseCli(['scan', ...argv], repo)
  if (command.kind !== 'scan') throw new Error(`expected scan, got ${command.kind}`)
  return command.settings
}

describe('config exclude:', () => {
  afterAll(() => rmSync(join(repo, '.least-privilege.yml'), { force: true }))

  it('is a list of globs, kept as written', () => {
    expect(config('exclude:\n  - testdata\n  - "services/*/fixtures/"\n')?.exclude).toEqual([
      'testdata',
      'services/*/fixtures/'
    ])
  })

  it('refuses a bad pattern naming the file, line and entry', () => {
    expect(usageError(() => config('fail-on: error\nexclude:\n  - ok\n  - "svc/{a,b"\n'))).toBe(
      '.least-privilege.yml: line 4: exclude[1]: unbalanced "{" in pattern "svc/{a,b"'
    )
    expect(usageError(() => config('exclude:\n  - ../outside\n'))).toMatch(
      /^\.least-privilege\.yml: line 2: exclude\[0\]: pattern "\.\.\/outside" must be relative to the repository root/
    )
  })

  it('refuses what is not a list of non-empty strings, through the schema', () => {
    expect(usageError(() => config('exclude: testdata\n'))).toBe(
      '.least-privilege.yml: line 1: exclude must be a list'
    )
    expect(usageError(() => config('exclude:\n  - ""\n'))).toBe(
      '.least-privilege.yml: line 2: exclude.0 must not be empty'
    )
  })
})

describe('--exclude and --no-gitignore', () => {
  afterAll(() => rmSync(join(repo, '.least-privilege.yml'), { force: true }))

  it('respects .gitignore by default; --no-gitignore turns it off', () => {
    expect(scan('--no-build', '.').gitignore).toBe(true)
    expect(scan('--no-build', '--no-gitignore', '.').gitignore).toBe(false)
  })

  it('--exclude is repeatable and adds to the config file list', () => {
    write('.least-privilege.yml', 'exclude: [vendor]\n')
    expect(scan('--no-build', '--exclude', 'testdata', '--exclude=**/fixtures', '.').exclude).toEqual([
      'vendor',
      'testdata',
      '**/fixtures'
    ])
  })

  it('refuses a bad pattern with one line naming the flag', () => {
    expect(usageError(() => scan('--exclude', '/abs', '.'))).toMatch(
      /^--exclude: pattern "\/abs" must be relative/
    )
    expect(usageError(() => scan('--exclude', '!keep', '.'))).toMatch(
      /^--exclude: pattern "!keep" starts with "!"/
    )
  })
})
