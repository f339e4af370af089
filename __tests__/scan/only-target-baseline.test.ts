// --only-target with --baseline: the base commit is narrowed to the same target, so the other targets'
// findings are not "fixed", and a target the change adds is all new rather than a failed base scan.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parseCli } from '../../src/cli/args'
import { silentLogger } from '../../src/logger'
import { runScan } from '../../src/scan/scan'
import { entriesOf, planOf } from '../../src/scan/target-list'

let repo: string
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, stdio: 'pipe' })

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-only-target-'))
  git('init', '-q')
  mkdirSync(join(repo, 'app'))
  writeFileSync(join(repo, 'app', 'Dockerfile'), 'FROM scratch\nUSER root\n')
  writeFileSync(join(repo, 'compose.yaml'), 'services:\n  web:\n    build: ./app\n    privileged: true\n')
  git('add', '-A')
  git('commit', '-q', '-m', 'base')
  // The change adds a second service building the same Dockerfile.
  writeFileSync(
    join(repo, 'compose.yaml'),
    'services:\n  web:\n    build: ./app\n    privileged: true\n  jobs:\n    build: ./app\n    pid: host\n'
  )
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))

describe('--only-target with --baseline', () => {
  const scan = async (name: string) => {
    const listing = parseCli(['targets', '--no-build', '.'], repo)
    if (listing.kind !== 'targets') throw new Error('targets')
    const entry = entriesOf(planOf(listing.settings)).find(e => e.name.endsWith(`service ${name}`))
    const command = parseCli(
      ['scan', '--no-build', '--only-target', entry?.id ?? '', '--baseline', 'HEAD', '.'],
      repo
    )
    if (command.kind !== 'scan') throw new Error('scan')
    return runScan(command.settings, { logger: silentLogger, runId: 'test' })
  }

  it('an unchanged target compares with itself at the base: nothing fixed, nothing new', async () => {
    const report = await scan('web')
    expect(report.results.map(r => r.target?.name)).toEqual(['compose.yaml service web'])
    expect(report.notifications.filter(n => n.kind === 'baseline-failed')).toEqual([])
    expect(report.baseline).toMatchObject({ new: 0, fixed: 0 })
  })

  it('a target the change adds is all new, not a failed base scan', async () => {
    const report = await scan('jobs')
    expect(report.results.map(r => r.target?.name)).toEqual(['compose.yaml service jobs'])
    expect(report.notifications.filter(n => n.kind === 'baseline-failed')).toEqual([])
    expect(report.baseline?.fixed).toBe(0)
    expect(report.baseline?.new).toBeGreaterThan(0)
  })
})
