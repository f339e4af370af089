// `least-privilege targets` through the bundled CLI: the listing of examples/monorepo and of a compose file
// whose two services build one Dockerfile, and for every listed id a scan of that target alone gives exactly
// the listed target (Dockerfile, name) under the listed category. The listing loads no Docker code.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { matrixOf, MAX_MATRIX_JOBS, type TargetEntry } from '../../src/scan/target-list'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const haveBundle = existsSync(cli)
if (!haveBundle && process.env.CI !== 'true')
  console.warn('SKIPPED CLI targets e2e: dist/cli/index.js missing (npm run package)')
const describeBundle = haveBundle || process.env.CI === 'true' ? describe : describe.skip

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lp-cli-targets-'))
  cpSync(join(root, 'examples'), join(work, 'examples'), { recursive: true })
  // Two compose services building one Dockerfile: two targets, one Dockerfile.
  mkdirSync(join(work, 'twice'))
  writeFileSync(join(work, 'twice', 'Dockerfile'), 'FROM scratch\nUSER 1000\n')
  writeFileSync(
    join(work, 'twice', 'compose.yaml'),
    'services:\n  web:\n    build: .\n    cap_drop: [ALL]\n  jobs:\n    build: .\n    privileged: true\n'
  )
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

function run(args: string[], entry = cli) {
  const result = spawnSync(process.execPath, [entry, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, COLUMNS: undefined },
    timeout: 120_000
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function listed(path: string): TargetEntry[] {
  const { code, stdout, stderr } = run(['targets', '--json', path])
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  // One line: `echo "targets=$(...)" >> "$GITHUB_OUTPUT"` takes it as is.
  expect(stdout.trimEnd()).not.toContain('\n')
  const matrix = JSON.parse(stdout) as { include: TargetEntry[] }
  expect(Object.keys(matrix)).toEqual(['include'])
  return matrix.include
}

describeBundle('least-privilege targets (bundled)', () => {
  it('lists examples/monorepo as matrix entries with stable ids and categories', () => {
    const entries = listed('examples/monorepo')
    expect(entries.map(e => [e.dockerfile, e.source, e.name])).toEqual([
      ['examples/monorepo/services/api/Dockerfile', 'compose', 'examples/monorepo/compose.yaml service api'],
      [
        'examples/monorepo/services/worker/Dockerfile',
        'compose',
        'examples/monorepo/compose.yaml service worker'
      ],
      [null, 'kubernetes', 'examples/monorepo/k8s/api.yaml Deployment/api container api'],
      [null, 'kubernetes', 'examples/monorepo/k8s/cleanup.yaml CronJob/cleanup container cleanup'],
      [null, 'kubernetes', 'examples/monorepo/k8s/cleanup.yaml CronJob/cleanup init container migrate']
    ])
    const ids = entries.map(e => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const e of entries) {
      expect(e.id).toMatch(/^[a-z0-9-]{1,80}$/)
      expect(e.category).toBe(`least-privilege/${e.id}/`)
      for (const value of Object.values(e)) expect(value === null || typeof value === 'string').toBe(true)
    }
    // Stable: the same listing again, and from the same folder written another way.
    expect(listed('examples/monorepo').map(e => e.id)).toEqual(ids)
    expect(listed('./examples/monorepo/').map(e => e.id)).toEqual(ids)
  })

  it('gives two services that build one Dockerfile two targets', () => {
    const entries = listed('twice')
    expect(entries.map(e => [e.dockerfile, e.name])).toEqual([
      ['twice/Dockerfile', 'twice/compose.yaml service web'],
      ['twice/Dockerfile', 'twice/compose.yaml service jobs']
    ])
    expect(entries[0].id).not.toBe(entries[1].id)
  })

  it.each(['examples/monorepo', 'twice'])(
    'scan --only-target ID of %s gives exactly the listed target, in its category',
    path => {
      for (const entry of listed(path)) {
        const scan = run(['scan', '--no-build', '--only-target', entry.id, '--format', 'json', path])
        expect([0, 1]).toContain(scan.code)
        const report = JSON.parse(scan.stdout) as {
          results: { file: string; target: { name: string } | null }[]
        }
        expect(report.results.map(r => [r.file, r.target?.name])).toEqual([[entry.file, entry.name]])
        const sarif = run(['scan', '--no-build', '--only-target', entry.id, '--format', 'sarif', path])
        const log = JSON.parse(sarif.stdout) as { runs: { automationDetails: { id: string } }[] }
        expect(log.runs.map(r => r.automationDetails.id)).toEqual([entry.category])
      }
    }
  )

  it('an unknown or malformed id is one line saying how to list the ids, exit 2', () => {
    const unknown = run(['scan', '--no-build', '--only-target', 'api-00000000', 'examples/monorepo'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toBe(
      'least-privilege: --only-target: no target has the id "api-00000000" among the 5 these paths give; run `least-privilege targets` with the same PATHs and options\n'
    )
    const odd = run(['scan', '--only-target', 'API/../x', 'examples/monorepo'])
    expect(odd.code).toBe(2)
    expect(odd.stderr.split('\n')).toHaveLength(2)
    expect(odd.stderr).toContain('--only-target: expected an id')
    expect(run(['scan', '--json', 'examples/monorepo']).stderr).toContain('--json is an option of')
  })

  it('prints one human-readable line per target', () => {
    const { code, stdout } = run(['targets', 'examples/monorepo'])
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(5)
    expect(lines[0]).toMatch(/^api-[0-9a-f]{8} +examples\/monorepo\/compose\.yaml service api$/)
  })

  it('lists without the scanner bundle (no Docker code)', () => {
    const alone = mkdtempSync(join(tmpdir(), 'lp-cli-alone-'))
    try {
      const entry = join(alone, 'cli', 'index.js')
      cpSync(join(root, 'dist', 'cli'), join(alone, 'cli'), { recursive: true })
      copyFileSync(cli, entry)
      const { code, stdout, stderr } = run(['targets', '--json', 'examples/monorepo'], entry)
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
      expect((JSON.parse(stdout) as { include: unknown[] }).include).toHaveLength(5)
    } finally {
      rmSync(alone, { recursive: true, force: true })
    }
  })
})

describe('matrixOf', () => {
  const entry = (i: number): TargetEntry => ({
    id: `t-${i}`,
    category: `least-privilege/t-${i}/`,
    file: 'Dockerfile',
    dockerfile: 'Dockerfile',
    image: null,
    source: 'none',
    deployment: null,
    name: "Docker's defaults"
  })
  it('takes up to 256 targets and refuses more in one line', () => {
    expect(
      matrixOf(
        Array.from({ length: MAX_MATRIX_JOBS }, (_, i) => entry(i)),
        'cli'
      ).include
    ).toHaveLength(256)
    expect(() =>
      matrixOf(
        Array.from({ length: 257 }, (_, i) => entry(i)),
        'cli'
      )
    ).toThrow(
      '257 targets, more than the 256 jobs GitHub runs from one matrix: narrow the PATHs (or exclude) and list each part in its own job'
    )
  })
})
