// The bundled CLI scanning another repository or folder: SARIF keeps every result the terminal shows, with
// URIs relative to that repository, and a file outside --repo-root gets an absolute file:// URI.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type * as sarif from 'sarif'
import { schemaErrors } from '../report/sarif-schema'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const haveBundle = existsSync(cli)
if (!haveBundle && process.env.CI !== 'true') console.warn('SKIPPED repo-root e2e: dist/cli/index.js missing')
const suite = haveBundle || process.env.CI === 'true' ? describe : describe.skip

const ROOT_USER = 'FROM scratch\nUSER root\n'

let base: string
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'lp-reporoot-'))
  mkdirSync(join(base, 'here'))
  mkdirSync(join(base, 'other-repo/.git'), { recursive: true })
  mkdirSync(join(base, 'other-repo/services/api'), { recursive: true })
  writeFileSync(join(base, 'other-repo/services/api/Dockerfile'), ROOT_USER)
  writeFileSync(join(base, 'other-repo/Dockerfile'), ROOT_USER)
  mkdirSync(join(base, 'loose'))
  writeFileSync(join(base, 'loose/Dockerfile'), ROOT_USER)
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

function scan(args: string[]) {
  const out = join(base, `out-${Math.random().toString(36).slice(2)}.sarif`)
  const run = spawnSync(
    process.execPath,
    [cli, 'scan', '--no-build', '--format', 'json', '--sarif', out, ...args],
    {
      cwd: join(base, 'here'),
      encoding: 'utf8',
      timeout: 60_000
    }
  )
  expect(run.stderr).not.toMatch(/\n\s+at /)
  expect(run.status).toBe(1) // USER root is an error in every file
  const log = JSON.parse(readFileSync(out, 'utf8')) as sarif.Log
  expect(schemaErrors(log)).toEqual([])
  const report = JSON.parse(run.stdout) as { results: Array<{ file: string; findings: unknown[] }> }
  const shown = report.results.reduce((n, r) => n + r.findings.length, 0)
  return { log, report, shown }
}

const locations = (log: sarif.Log) =>
  (log.runs[0].results ?? []).map(r => r.locations?.[0].physicalLocation?.artifactLocation)

suite('repository root of the bundled CLI', () => {
  it("scanning ../other-repo: every finding is in SARIF, relative to that repository's top-level", () => {
    const { log, report, shown } = scan(['../other-repo'])
    expect(shown).toBeGreaterThanOrEqual(2)
    expect(log.runs[0].results).toHaveLength(shown)
    expect(report.results.map(r => r.file).sort()).toEqual(['Dockerfile', 'services/api/Dockerfile'])
    expect(new Set(locations(log).map(l => JSON.stringify(l)))).toEqual(
      new Set([
        JSON.stringify({ uri: 'Dockerfile', uriBaseId: '%SRCROOT%' }),
        JSON.stringify({ uri: 'services/api/Dockerfile', uriBaseId: '%SRCROOT%' })
      ])
    )
  })

  it('scanning a folder outside cwd and outside git: relative to that folder', () => {
    const { log, shown } = scan(['../loose'])
    expect(log.runs[0].results).toHaveLength(shown)
    expect(locations(log)).toEqual(Array(shown).fill({ uri: 'Dockerfile', uriBaseId: '%SRCROOT%' }))
  })

  it('a file outside --repo-root: kept, with an absolute file:// URI and a warning', () => {
    const { log, shown } = scan(['--repo-root', '../other-repo', '../loose/Dockerfile', '../other-repo'])
    expect(log.runs[0].results).toHaveLength(shown)
    const uris = locations(log).map(l => l?.uri)
    expect(uris).toContain(pathToFileURL(join(base, 'loose/Dockerfile')).href)
    expect(uris).toContain('services/api/Dockerfile')
    for (const l of locations(log)) {
      if (l?.uri?.startsWith('file:')) expect(l.uriBaseId).toBeUndefined()
      else expect(l?.uriBaseId).toBe('%SRCROOT%')
    }
    const ids = log.runs[0].invocations?.[0].toolExecutionNotifications?.map(n => n.descriptor?.id)
    expect(ids).toContain('outside-repository')
    // The file is still read by its absolute path, so its results keep code scanning's line hash.
    for (const result of log.runs[0].results ?? [])
      expect(result.partialFingerprints?.primaryLocationLineHash).toMatch(/^[0-9a-f]+:\d+$/)
  })
})
