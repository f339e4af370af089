// Acceptance (issue 12, deliverable 2): targets built and measured concurrently with --jobs N (default: the
// number of CPUs); results, text sections and their order do not depend on N; a bad --jobs is exit 2 with
// one line naming --jobs.
import { afterAll, describe, expect, it } from '@jest/globals'
import { requireDocker } from '../../support/docker-available'
import { CASE_LABEL, Case, type Report, type Result, cli, docker, oneLine, parseReport } from './support'

const enabled = requireDocker('acceptance: --jobs on the real daemon')
const describeDocker = enabled ? describe : describe.skip
const T = 600_000

const cases: Case[] = []
afterAll(async () => {
  for (const c of cases) await c.cleanup()
}, 120_000)

/** A compose project of six services, each with its own busybox image and profile. */
function project(name: string): Case {
  const c = new Case(name)
  cases.push(c)
  const services: Array<[string, string, string]> = [
    ['alpha', 'ENTRYPOINT ["/bin/sleep", "3600"]', '    cap_drop: [ALL]\n'],
    ['bravo', 'USER 1000:1000\nENTRYPOINT ["/bin/sleep", "3600"]', '    read_only: true\n'],
    ['charlie', 'ENTRYPOINT ["/bin/sh", "-c", "echo bye; exit 3"]', ''],
    [
      'delta',
      'RUN mkdir -p /www\nENTRYPOINT ["/bin/httpd", "-f", "-p", "8080", "-h", "/www"]',
      '    user: "1000"\n'
    ],
    [
      'echo',
      'RUN chmod u+s /bin/busybox\nENTRYPOINT ["/bin/sleep", "3600"]',
      '    cap_add: [NET_ADMIN, SYS_ADMIN]\n'
    ],
    [
      'foxtrot',
      'ENTRYPOINT ["/bin/sh", "-c", "sleep 1; exec su app -s /bin/sh -c \'exec sleep 3600\'"]',
      '    security_opt: ["no-new-privileges:true"]\n'
    ]
  ]
  let compose = 'services:\n'
  for (const [svc, body, extra] of services) {
    c.dockerfile(body, `${svc}/Dockerfile`)
    compose += `  ${svc}:\n    build:\n      context: ./${svc}\n${extra}`
  }
  c.write('compose.yaml', compose)
  return c
}

function scanArgs(c: Case, extra: string[], format = 'json'): string[] {
  return ['scan', '--format', format, '--repo-root', c.dir, ...extra, c.dir]
}

/** The parts of a result that must not depend on scheduling. */
function stable(r: Result): unknown {
  const m = r.measurement as unknown as {
    probe?: { identity?: unknown; capabilities?: { sets?: { effective?: unknown } } }
    workload?: { status?: string; processes?: Array<{ uid: number; euid: number }> }
    image?: { user?: string }
  } | null
  return {
    file: r.file,
    target: r.target,
    profile: r.profile,
    rows: r.rows,
    findings: r.findings.map(f => [f.rule_id, f.level, f.message, f.suppressed]),
    not_measured_reason: r.not_measured_reason ?? null,
    user: m?.image?.user ?? null,
    identity: m?.probe?.identity ?? null,
    effective: m?.probe?.capabilities?.sets?.effective ?? null,
    workload: m?.workload?.status ?? null,
    uids: (m?.workload?.processes ?? []).map(p => [p.uid, p.euid]).sort()
  }
}

function order(rep: Report): string[] {
  return rep.results.map(r => `${r.file} ${r.target.name}`)
}

async function noneLeft(c: Case): Promise<void> {
  expect(await c.toolLeftovers()).toEqual([])
  const images = await docker(['images', '-q', '--filter', `label=${CASE_LABEL}=${c.nonce}`])
  expect(images.stdout.trim()).toBe('') // the tool removes the images it built
}

describeDocker('acceptance: parallel targets (real daemon, bundled CLI)', () => {
  let c: Case
  let one: { rep: Report; ms: number }
  let three: { rep: Report; ms: number }

  it(
    '--jobs 3 gives the same JSON results, in the same order, as --jobs 1 (six compose services)',
    async () => {
      c = project('jobs')
      const r1 = await cli(scanArgs(c, ['--jobs', '1']), { timeoutMs: 500_000 })
      one = { rep: parseReport(r1), ms: r1.ms }
      await noneLeft(c)
      const r3 = await cli(scanArgs(c, ['--jobs', '3']), { timeoutMs: 500_000 })
      three = { rep: parseReport(r3), ms: r3.ms }
      await noneLeft(c)
      expect(r3.code).toBe(r1.code)
      expect(one.rep.results).toHaveLength(6)
      expect(
        one.rep.results.filter(r => r.measurement === null).map(r => [r.target.name, r.not_measured_reason])
      ).toEqual([])
      expect(order(three.rep)).toEqual(order(one.rep))
      expect(three.rep.results.map(stable)).toEqual(one.rep.results.map(stable))
    },
    T
  )

  it(
    'the default (CPU count) gives the same results and order as --jobs 1',
    async () => {
      const rd = await cli(scanArgs(c, []), { timeoutMs: 500_000 })
      const rep = parseReport(rd)
      await noneLeft(c)
      expect(order(rep)).toEqual(order(one.rep))
      expect(rep.results.map(stable)).toEqual(one.rep.results.map(stable))
    },
    T
  )

  it('--jobs 3 is faster than --jobs 1 on six targets (at most 0.85x)', () => {
    expect(three.ms).toBeLessThanOrEqual(one.ms * 0.85)
  })

  it(
    'text output: each target is one contiguous section, in the order of --jobs 1',
    async () => {
      const r1 = await cli(scanArgs(c, ['--jobs', '1'], 'text'), { timeoutMs: 500_000 })
      const r3 = await cli(scanArgs(c, ['--jobs', '4'], 'text'), { timeoutMs: 500_000 })
      await noneLeft(c)
      const headers = (out: string) => out.split('\n').filter(l => /^\S.*\s—\s.*service\s/.test(l))
      const h1 = headers(r1.stdout)
      expect(h1).toHaveLength(6)
      expect(headers(r3.stdout)).toEqual(h1)
      // each service's lines sit between its header and the next: its profile line is inside its own section
      const sections = r3.stdout.split(/\n(?=\S.*\s—\s.*service\s)/)
      for (const svc of ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']) {
        const mine = sections.filter(s => new RegExp(`service ${svc}\\b`).test(s.split('\n')[0]))
        expect(mine).toHaveLength(1)
        for (const other of sections.filter(s => s !== mine[0]))
          expect(other).not.toMatch(new RegExp(`service ${svc}\\b`))
      }
      // the same sections, byte for byte, whatever N, but for the image ids (each scan builds afresh) and
      // the timings in notifications ("exited with code 3 after 0.07 s")
      const ids = (out: string) =>
        out.replace(/sha256:[0-9a-f]{64}/g, 'sha256:<id>').replace(/\b\d+\.\d+ s\b/g, '<t> s')
      expect(ids(r3.stdout)).toBe(ids(r1.stdout))
    },
    T
  )
})

describe('acceptance: --jobs values (no daemon needed)', () => {
  const c = new Case('jobsargs')
  cases.push(c)
  c.dockerfile('ENTRYPOINT ["/bin/sleep", "3600"]')

  const bad = ['0', 'x', '-1', '1.5', '', '2x', '-0']
  it.each(bad)('--jobs=%j is exit 2 with one line naming --jobs', async value => {
    const res = await cli([
      'scan',
      '--no-build',
      '--format',
      'json',
      '--repo-root',
      c.dir,
      `--jobs=${value}`,
      c.dir
    ])
    expect(res.code).toBe(2)
    expect(res.stdout).toBe('')
    const lines = oneLine(res.stderr)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('--jobs')
  })

  it.each(['0', 'x'])('--jobs %s (separate value) is exit 2 with one line naming --jobs', async value => {
    const res = await cli(['scan', '--no-build', '--repo-root', c.dir, '--jobs', value, c.dir])
    expect(res.code).toBe(2)
    const lines = oneLine(res.stderr)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('--jobs')
  })

  it('--jobs without a value (last argument) is exit 2 with one line naming --jobs', async () => {
    const res = await cli(['scan', '--no-build', '--repo-root', c.dir, c.dir, '--jobs'])
    expect(res.code).toBe(2)
    const lines = oneLine(res.stderr)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('--jobs')
  })

  it.each(['0x10', '1e2', ' 2', '+3'])(
    'non-decimal forms (%j) are not read as a number by JavaScript rules: exit 2 naming --jobs',
    async value => {
      const res = await cli(['scan', '--no-build', '--repo-root', c.dir, `--jobs=${value}`, c.dir])
      expect(res.code).toBe(2)
      expect(oneLine(res.stderr)).toHaveLength(1)
      expect(res.stderr).toContain('--jobs')
    }
  )

  it('--jobs 3 and --jobs=3 are accepted and give the static results of --jobs 1', async () => {
    const a = await cli([
      'scan',
      '--no-build',
      '--format',
      'json',
      '--repo-root',
      c.dir,
      '--jobs',
      '3',
      c.dir
    ])
    const b = await cli(['scan', '--no-build', '--format', 'json', '--repo-root', c.dir, '--jobs=3', c.dir])
    const base = await cli([
      'scan',
      '--no-build',
      '--format',
      'json',
      '--repo-root',
      c.dir,
      '--jobs',
      '1',
      c.dir
    ])
    for (const r of [a, b, base]) expect([0, 1]).toContain(r.code)
    const rows = (r: typeof a) =>
      parseReport(r).results.map(x => [x.file, x.rows, x.findings.map(f => f.rule_id)])
    expect(rows(a)).toEqual(rows(base))
    expect(rows(b)).toEqual(rows(base))
  })

  it('a huge --jobs is bounded: accepted (same results) or exit 2 with one line, never a crash', async () => {
    const res = await cli([
      'scan',
      '--no-build',
      '--format',
      'json',
      '--repo-root',
      c.dir,
      '--jobs',
      '99999999999',
      c.dir
    ])
    if (res.code === 2) expect(oneLine(res.stderr)).toHaveLength(1)
    else expect(parseReport(res).results).toHaveLength(1)
    expect(res.stderr).not.toMatch(/\n\s+at /)
  })

  it('--help names --jobs and its default', async () => {
    const res = await cli(['scan', '--help'])
    expect(res.stdout).toMatch(/--jobs/)
    expect(res.stdout).toMatch(/--jobs[^\n]*\n?[^\n]*(CPU|cpu)/)
  })
})
