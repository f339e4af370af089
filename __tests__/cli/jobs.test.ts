// --jobs and the action's `jobs` input: read when the settings are, 1..64, a bad value is one line naming it.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readSettings } from '../../src/action/inputs'
import { parseCli } from '../../src/cli/args'
import { commandOf } from '../../src/cli/tokens'
import { USAGE } from '../../src/cli/usage'
import { UsageError } from '../../src/errors'

const ws = mkdtempSync(join(tmpdir(), 'lp-jobs-'))
writeFileSync(join(ws, 'Dockerfile'), 'FROM scratch\n')
afterAll(() => rmSync(ws, { recursive: true, force: true }))

const jobsOf = (...argv: string[]): number | undefined => {
  const command = parseCli(['scan', ...argv, 'Dockerfile'], '/repo')
  if (command.kind !== 'scan') throw new Error(`expected scan, got ${command.kind}`)
  return command.settings.jobs
}

describe('--jobs', () => {
  it('is unset by default (the number of CPUs) and takes 1..64', () => {
    expect(jobsOf()).toBeUndefined()
    expect(jobsOf('--jobs', '1')).toBe(1)
    expect(jobsOf('--jobs=3')).toBe(3)
    expect(jobsOf('--jobs', '64')).toBe(64)
    expect(USAGE).toContain('--jobs N')
  })

  it.each(['0', '65', '-1', '2.5', 'two', '', ' 3', '1e1', '0x2', '007777'])(
    'refuses %p in one line naming --jobs',
    value => {
      const run = (): unknown => jobsOf(`--jobs=${value}`)
      expect(run).toThrow(UsageError)
      expect(run).toThrow(/^--jobs expects a whole number of targets at once between 1 and 64, got "/)
      try {
        run()
      } catch (error) {
        expect((error as Error).message).not.toContain('\n')
      }
    }
  )

  it('takes a value, so a missing one is a usage error naming --jobs', () => {
    expect(() => commandOf(['scan', '--jobs'])).toThrow(/--jobs/)
    expect(() => commandOf(['scan', '--jobs', '--format', 'json', 'x'])).toThrow(/--jobs/)
  })
})

describe('input jobs', () => {
  const env = (jobs: string): NodeJS.ProcessEnv => ({
    GITHUB_WORKSPACE: ws,
    INPUT_BUILD: 'false',
    INPUT_JOBS: jobs
  })

  it('is unset when empty and read when given', () => {
    expect(readSettings(env('')).jobs).toBeUndefined()
    expect(readSettings(env('4')).jobs).toBe(4)
  })

  it.each(['0', '65', 'many', '1.5'])('refuses %p naming the input', value => {
    expect(() => readSettings(env(value))).toThrow(UsageError)
    expect(() => readSettings(env(value))).toThrow(
      /^Input jobs: expected a whole number of targets at once between 1 and 64, got /
    )
  })
})
