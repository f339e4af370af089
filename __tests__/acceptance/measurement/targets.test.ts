// Acceptance (issue 12, deliverable 4): `least-privilege targets --json PATH` lists the targets (Dockerfile x
// deployment) in the shape strategy.matrix takes; each entry selects exactly that target in a scan; the
// listing and the scans agree; an unknown id is exit 2 with one line. Static (--no-build) where the
// agreement does not need a daemon, one measured scan of a listed entry on the real daemon.
import { afterAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { requireDocker } from '../../support/docker-available'
import { CASE_LABEL, Case, type Report, cli, docker, oneLine, parseReport } from './support'

const cases: Case[] = []
afterAll(async () => {
  for (const c of cases) await c.cleanup()
}, 120_000)

type Entry = Record<string, unknown>

/** The scan arguments that select ENTRY alone (the flag the docs name for a matrix leg). */
function select(entry: Entry): string[] {
  return ['--only-target', String(entry.id)]
}

/** A repository: two Dockerfiles, one of them run by two compose services, one in a folder with a space. */
function repo(name: string): Case {
  const c = new Case(name)
  cases.push(c)
  c.dockerfile('ENTRYPOINT ["/bin/sleep", "3600"]', 'api/Dockerfile')
  c.dockerfile('USER 1000\nENTRYPOINT ["/bin/sleep", "3600"]', 'worker/Dockerfile')
  c.dockerfile('ENTRYPOINT ["/bin/sleep", "3600"]', 'tools/my tool/Dockerfile')
  c.write(
    'compose.yaml',
    [
      'services:',
      '  api:',
      '    build: ./api',
      '    cap_drop: [ALL]',
      '  api-admin:',
      '    build: ./api',
      '    privileged: true',
      '  worker:',
      '    build:',
      '      context: ./worker',
      '    read_only: true',
      ''
    ].join('\n')
  )
  return c
}

async function listing(c: Case, extra: string[] = []): Promise<{ include: Entry[]; raw: string }> {
  const res = await cli(['targets', '--json', ...extra, c.dir], { cwd: c.dir })
  expect(res.code).toBe(0)
  const parsed = JSON.parse(res.stdout) as { include: Entry[] }
  expect(Object.keys(parsed)).toEqual(['include'])
  expect(Array.isArray(parsed.include)).toBe(true)
  return { include: parsed.include, raw: res.stdout }
}

async function staticScan(c: Case, extra: string[] = []): Promise<Report> {
  const res = await cli(['scan', '--no-build', '--format', 'json', '--repo-root', c.dir, ...extra, c.dir], {
    cwd: c.dir
  })
  expect([0, 1]).toContain(res.code)
  return parseReport(res)
}

const key = (r: { file: string; target: { name: string } }) => `${r.file} | ${r.target.name}`

describe('acceptance: targets --json (static)', () => {
  it('prints {"include": [...]} on one JSON document, one entry per target of a full scan', async () => {
    const c = repo('list')
    const { include, raw } = await listing(c)
    expect(raw.trim().split('\n').length).toBeGreaterThanOrEqual(1)
    const full = await staticScan(c)
    expect(include).toHaveLength(full.results.length)
    expect(full.results.length).toBe(4) // api x2 services, worker, "my tool" under Docker's defaults
    for (const e of include) {
      expect(typeof e).toBe('object')
      expect(e).not.toBeNull()
      // matrix values GitHub can put in a job name and a SARIF category: strings (or numbers), no nesting needed
      for (const v of Object.values(e))
        if (v !== null) expect(['string', 'number', 'boolean']).toContain(typeof v)
    }
    const ids = include.map(e => String(e.id))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('each listed entry, scanned alone, gives exactly one result: that Dockerfile under that deployment', async () => {
    const c = repo('each')
    const { include } = await listing(c)
    const full = await staticScan(c)
    const seen: string[] = []
    for (const e of include) {
      const one = await staticScan(c, select(e))
      expect(one.results).toHaveLength(1)
      seen.push(key(one.results[0]))
      // the entry names the same Dockerfile the result is for
      const file = Object.values(e).find(v => typeof v === 'string' && v.endsWith('Dockerfile'))
      if (file !== undefined) expect(one.results[0].file).toBe(file)
    }
    expect([...seen].sort()).toEqual(full.results.map(key).sort())
  })

  it('paths that slug alike (a-b/, a/b/, A-B/) get distinct ids, each selecting only its own Dockerfile', async () => {
    const c = new Case('slugs')
    cases.push(c)
    for (const rel of ['a-b/Dockerfile', 'a/b/Dockerfile', 'A-B/Dockerfile', 'a_b/Dockerfile'])
      c.dockerfile('ENTRYPOINT ["/bin/sleep", "3600"]', rel)
    const { include } = await listing(c)
    expect(include).toHaveLength(4)
    const ids = include.map(e => String(e.id))
    expect(new Set(ids).size).toBe(4)
    const files: string[] = []
    for (const e of include) {
      const one = await staticScan(c, select(e))
      expect(one.results).toHaveLength(1)
      files.push(one.results[0].file)
      expect(one.results[0].file).toBe(e.file)
    }
    expect(files.sort()).toEqual(['A-B/Dockerfile', 'a-b/Dockerfile', 'a/b/Dockerfile', 'a_b/Dockerfile'])
  })

  it('the SARIF category of a leg is the category of its entry (least-privilege/<id>/)', async () => {
    const c = repo('category')
    const { include } = await listing(c)
    const e = include[0]
    expect(e.category).toBe(`least-privilege/${String(e.id)}/`)
    const sarif = `${c.dir}/leg.sarif`
    const res = await cli(
      ['scan', '--no-build', '--repo-root', c.dir, '--sarif', sarif, ...select(e), c.dir],
      { cwd: c.dir }
    )
    expect([0, 1]).toContain(res.code)
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as {
      runs: Array<{ automationDetails?: { id?: string } }>
    }
    expect(log.runs.map(r => r.automationDetails?.id)).toEqual([e.category])
  })

  it('an unknown id holding a newline and an escape is still one line on stderr, exit 2', async () => {
    const c = repo('hostileid')
    const res = await cli([
      'scan',
      '--no-build',
      '--repo-root',
      c.dir,
      '--only-target=x\n::error::pwned\u001b[2J',
      c.dir
    ])
    expect(res.code).toBe(2)
    expect(oneLine(res.stderr)).toHaveLength(1)
    expect(res.stderr).not.toContain('\u001b')
    expect(res.stderr).not.toMatch(/^::error::/m)
  })

  it('the listing is stable: two runs print the same entries in the same order', async () => {
    const c = repo('stable')
    const a = await listing(c)
    const b = await listing(c)
    expect(b.raw).toBe(a.raw)
  })

  it('an unknown target id is exit 2 with one line (naming the id), nothing on stdout', async () => {
    const c = repo('unknown')
    const res = await cli([
      'scan',
      '--no-build',
      '--format',
      'json',
      '--repo-root',
      c.dir,
      ...select({ id: 'no-such-target' }),
      c.dir
    ])
    expect(res.code).toBe(2)
    expect(res.stdout).toBe('')
    const lines = oneLine(res.stderr)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('no-such-target')
  })

  it('an id of another repository (a well-formed id that is not listed here) is exit 2 too', async () => {
    const a = repo('other-a')
    const b = new Case('other-b')
    cases.push(b)
    b.dockerfile('ENTRYPOINT ["/bin/sleep", "3600"]', 'only/Dockerfile')
    const { include } = await listing(a)
    const foreign = include.find(e => String(e.id).includes('api')) ?? include[0]
    const res = await cli(['scan', '--no-build', '--repo-root', b.dir, ...select(foreign), b.dir])
    expect(res.code).toBe(2)
    expect(oneLine(res.stderr)).toHaveLength(1)
  })

  it('a folder without Dockerfiles: {"include": []}, or exit 2 with one line as scan gives', async () => {
    const c = new Case('empty')
    cases.push(c)
    c.write('README.md', 'nothing here\n')
    const res = await cli(['targets', '--json', c.dir], { cwd: c.dir })
    if (res.code === 0) expect(JSON.parse(res.stdout)).toEqual({ include: [] })
    else {
      expect(res.code).toBe(2)
      expect(oneLine(res.stderr)).toHaveLength(1)
      const scan = await cli(['scan', '--no-build', c.dir], { cwd: c.dir })
      expect(scan.code).toBe(2)
    }
  })

  it('targets honours --exclude like scan does', async () => {
    const c = repo('exclude')
    const { include } = await listing(c, ['--exclude', 'tools/**'])
    const full = await staticScan(c, ['--exclude', 'tools/**'])
    expect(include).toHaveLength(full.results.length)
    expect(JSON.stringify(include)).not.toContain('my tool')
  })

  it('targets --help documents --json and the scan flag a matrix leg uses', async () => {
    const res = await cli(['targets', '--help'])
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('--json')
  })
})

const enabled = requireDocker('acceptance: a listed target measured on the real daemon')
const describeDocker = enabled ? describe : describe.skip

describeDocker('acceptance: targets --json and a measured scan of one entry (real daemon)', () => {
  it('the measured scan of one listed entry builds and measures that target only', async () => {
    const c = repo('measured')
    const { include } = await listing(c)
    const worker = include.find(e => JSON.stringify(e).includes('worker'))
    expect(worker).toBeDefined()
    const res = await cli(['scan', '--format', 'json', '--repo-root', c.dir, ...select(worker!), c.dir], {
      cwd: c.dir,
      timeoutMs: 300_000
    })
    const rep = parseReport(res)
    expect(rep.results).toHaveLength(1)
    expect(rep.results[0].file).toBe('worker/Dockerfile')
    expect(rep.results[0].measurement).not.toBeNull()
    expect(await c.toolLeftovers()).toEqual([])
    const images = await docker(['images', '-q', '--filter', `label=${CASE_LABEL}=${c.nonce}`])
    expect(images.stdout.trim()).toBe('')
  }, 320_000)
})
