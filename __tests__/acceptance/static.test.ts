// Independent acceptance tests for issue 2: verdicts on Dockerfiles and `docker run` flag sets written from
// Docker's documented semantics, DESIGN.md, reference/peers.md §3 and docs/rules/*.md, not from the rule code.
// Each case runs the bundled CLI (`dist/cli/index.js scan --no-build --format json --sarif ...`) in its own
// process over a Dockerfile written to a fresh temporary folder, and every SARIF written is schema-checked.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from '@jest/globals'
import type * as sarif from 'sarif'
import { githubProblems, schemaErrors } from '../report/sarif-schema'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(repoRoot, 'dist/cli/index.js')

type Level = 'error' | 'warning' | 'note'
type Verdict = 'pass' | 'fail' | 'warn' | 'not-measured'
type Principle =
  'least-privilege' | 'runtime-hardening' | 'kernel-isolation' | 'no-escalation' | 'host-protection'

interface JsonFinding {
  rule_id: string
  level: Level
  line: number
  message: string
  suppressed: boolean
  properties?: Record<string, unknown>
}
interface JsonReport {
  results: {
    file: string
    profile: { declared: boolean }
    rows: { principle: Principle; verdict: Verdict }[]
    findings: JsonFinding[]
  }[]
}

/** A finding that must be present. `line` may be a [from, to] range where the docs allow either line. */
interface Expected {
  id: string
  line?: number | [number, number]
  level?: Level
  suppressed?: boolean
  message?: RegExp
  properties?: Record<string, unknown>
}

interface Case {
  name: string
  /** Dockerfile lines; line N of the file is lines[N - 1]. */
  lines: string[]
  runOptions?: string
  target?: string
  buildArgs?: string[]
  fire?: Expected[]
  absent?: string[]
  rows?: Partial<Record<Principle, Verdict | Verdict[]>>
}

interface Outcome {
  code: number
  stdout: string
  stderr: string
  sarif?: unknown
}

const tempDirs: string[] = []
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

function scan(
  lines: string[],
  options: Pick<Case, 'runOptions' | 'target' | 'buildArgs'> & { extra?: string[] }
): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'lp-acceptance-'))
  tempDirs.push(dir)
  writeFileSync(join(dir, 'Dockerfile'), lines.join('\n') + '\n')
  const args = [cli, 'scan', '--no-build', '--format', 'json', '--no-color', '--sarif', 'out.sarif']
  if (options.runOptions !== undefined) args.push('--run-options', options.runOptions)
  if (options.target) args.push('--target', options.target)
  for (const arg of options.buildArgs ?? []) args.push('--build-arg', arg)
  args.push(...(options.extra ?? []))
  args.push('Dockerfile')
  return new Promise(resolve => {
    execFile(
      process.execPath,
      args,
      { cwd: dir, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        const sarifFile = join(dir, 'out.sarif')
        const log = existsSync(sarifFile)
          ? (JSON.parse(readFileSync(sarifFile, 'utf8')) as unknown)
          : undefined
        resolve({ code, stdout, stderr, sarif: log })
      }
    )
  })
}

function describeFindings(findings: JsonFinding[]): string {
  return findings.map(f => `${f.rule_id}@${f.line}/${f.level}${f.suppressed ? '/suppressed' : ''}`).join(', ')
}

function lineMatches(actual: number, expected: Expected['line']): boolean {
  if (expected === undefined) return true
  if (typeof expected === 'number') return actual === expected
  return actual >= expected[0] && actual <= expected[1]
}

function checkSarif(outcome: Outcome, json: JsonReport): void {
  expect(outcome.sarif).toBeDefined()
  expect(schemaErrors(outcome.sarif)).toEqual([])
  const log = outcome.sarif as sarif.Log
  expect(githubProblems(log)).toEqual([])
  const results = log.runs[0].results ?? []
  const findings = json.results.flatMap(r => r.findings)
  expect(results).toHaveLength(findings.length)
  for (const finding of findings) {
    const match = results.find(
      r =>
        r.ruleId === finding.rule_id &&
        r.locations?.[0]?.physicalLocation?.region?.startLine === finding.line &&
        (r.suppressions?.length ?? 0) > 0 === finding.suppressed
    )
    expect({ finding: `${finding.rule_id}@${finding.line}`, inSarif: match !== undefined }).toEqual({
      finding: `${finding.rule_id}@${finding.line}`,
      inSarif: true
    })
  }
}

async function runCase(c: Case): Promise<void> {
  const outcome = await scan(c.lines, c)
  // No stack traces, whatever happened.
  expect(outcome.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  expect({ code: outcome.code, stderr: outcome.stderr }).toEqual({
    code: expect.any(Number),
    stderr: expect.any(String)
  })
  expect([0, 1]).toContain(outcome.code)
  const json = JSON.parse(outcome.stdout) as JsonReport
  expect(json.results).toHaveLength(1)
  const result = json.results[0]
  const findings = result.findings
  const seen = describeFindings(findings)

  for (const want of c.fire ?? []) {
    const candidates = findings.filter(f => f.rule_id === want.id)
    const match = candidates.find(
      f =>
        lineMatches(f.line, want.line) &&
        (want.level === undefined || f.level === want.level) &&
        (want.suppressed === undefined || f.suppressed === want.suppressed) &&
        (want.message === undefined || want.message.test(f.message)) &&
        (want.properties === undefined ||
          Object.entries(want.properties).every(
            ([k, v]) => JSON.stringify(f.properties?.[k]) === JSON.stringify(v)
          ))
    )
    expect({
      want: JSON.stringify(want, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v)),
      seen,
      ok: !!match
    }).toEqual({
      want: expect.any(String),
      seen,
      ok: true
    })
  }
  for (const id of c.absent ?? []) {
    expect({ absent: id, seen }).toEqual({ absent: id, seen: expect.not.stringContaining(`${id}@`) })
  }
  for (const [principle, verdict] of Object.entries(c.rows ?? {})) {
    const row = result.rows.find(r => r.principle === principle)
    const allowed = Array.isArray(verdict) ? verdict : [verdict]
    const got = row?.verdict
    expect({ principle, seen, verdict: got !== undefined && allowed.includes(got) ? allowed : got }).toEqual({
      principle,
      seen,
      verdict: allowed
    })
  }
  // Exit status follows --fail-on error: 1 exactly when an unsuppressed error finding exists.
  const failing = findings.some(f => f.level === 'error' && !f.suppressed)
  expect({ code: outcome.code, seen }).toEqual({ code: failing ? 1 : 0, seen })
  checkSarif(outcome, json)
}

const df = (...lines: string[]): string[] => lines

// ---------------------------------------------------------------------------------------------------------
// Dockerfile cases (no run-options: the profile is Docker's defaults)
// ---------------------------------------------------------------------------------------------------------

const multiStage: Case[] = [
  {
    name: 'root builder + non-root final stage: nothing about the user',
    lines: df(
      'FROM alpine:3.20 AS build',
      'USER root',
      'RUN echo build > /out',
      'FROM alpine:3.20',
      'COPY --from=build /out /out',
      'USER 10001',
      'CMD ["cat", "/out"]'
    ),
    absent: ['LP101', 'LP102', 'LP105', 'LP103'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'non-root builder + final stage without USER: LP101 and LP102 on the final FROM',
    lines: df(
      'FROM node:20 AS deps',
      'USER node',
      'RUN npm ci',
      'FROM node:20-slim',
      'COPY --from=deps /home/node/app/node_modules ./node_modules',
      'CMD ["node", "server.js"]'
    ),
    fire: [
      { id: 'LP101', line: 4, level: 'error' },
      { id: 'LP102', line: 4, level: 'warning' }
    ],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'FROM base AS final inherits the non-root USER of base',
    lines: df(
      'FROM alpine:3.20 AS base',
      'RUN adduser -D -u 10001 app',
      'USER 10001',
      'FROM base AS final',
      'COPY app /app',
      'CMD ["/app"]'
    ),
    absent: ['LP101', 'LP102', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'final stage FROM a stage that switched back to root inherits root',
    lines: df('FROM alpine:3.20 AS base', 'USER 10001', 'RUN id', 'USER root', 'FROM base', 'CMD ["sh"]'),
    fire: [{ id: 'LP101', line: [4, 5], level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'stage names are case-insensitive: FROM MID finds `AS mid`, which inherits USER from `AS Base`',
    lines: df(
      'FROM alpine:3.20 AS Base',
      'USER 10001',
      'FROM base AS mid',
      'RUN true',
      'FROM MID',
      'CMD ["sh"]'
    ),
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'ENV set in the parent stage is visible to USER in the child',
    lines: df('FROM alpine:3.20 AS base', 'ENV APP_UID=10001', 'FROM base', 'USER $APP_UID'),
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  }
]

const argEnv: Case[] = [
  {
    name: 'global ARG used in a stage without re-declaration is not 10001 (unknown)',
    lines: df('ARG APP_UID=10001', 'FROM alpine:3.20', 'USER $APP_UID'),
    fire: [{ id: 'LP105', line: 3, level: 'warning' }],
    absent: ['LP103'],
    rows: { 'least-privilege': 'warn' }
  },
  {
    name: 'global ARG re-declared without a value inside the stage takes the global default',
    lines: df('ARG APP_UID=10001', 'FROM alpine:3.20', 'ARG APP_UID', 'USER $APP_UID'),
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'ARG UID=1001 + USER $UID is non-root',
    lines: df('FROM alpine:3.20', 'ARG UID=1001', 'USER $UID'),
    absent: ['LP101', 'LP105', 'LP103'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: '--build-arg UID=0 overrides the ARG default: root',
    lines: df('FROM alpine:3.20', 'ARG UID=1001', 'USER $UID'),
    buildArgs: ['UID=0'],
    fire: [{ id: 'LP101', line: 3, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: '--build-arg for an ARG the Dockerfile does not declare changes nothing',
    lines: df('FROM alpine:3.20', 'USER 10001'),
    buildArgs: ['UID=0'],
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'ENV APP_USER=app + USER ${APP_USER} is the named user app (note only)',
    lines: df('FROM alpine:3.20', 'RUN adduser -D app', 'ENV APP_USER=app', 'USER ${APP_USER}'),
    fire: [{ id: 'LP103', line: 4, level: 'note' }],
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'legacy `ENV NAME value` form: ENV APP_USER root + USER $APP_USER is root',
    lines: df('FROM alpine:3.20', 'ENV APP_USER root', 'USER $APP_USER'),
    fire: [{ id: 'LP101', line: 3, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'one ENV instruction substitutes the values from before it: V=$U is 0, not 10001',
    lines: df('FROM alpine:3.20', 'ENV U=0', 'ENV U=10001 V=$U', 'USER $V'),
    fire: [{ id: 'LP101', line: 4, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: '${U:-1000} with ARG U unset is not root',
    lines: df('FROM alpine:3.20', 'ARG U', 'USER ${U:-1000}'),
    absent: ['LP101'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: '${U:-1000} with --build-arg U=0 is root',
    lines: df('FROM alpine:3.20', 'ARG U', 'USER ${U:-1000}'),
    buildArgs: ['U=0'],
    fire: [{ id: 'LP101', line: 3, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: '${DEBUG:+root} with DEBUG set expands to root',
    lines: df('FROM alpine:3.20', 'ARG DEBUG=1', 'USER ${DEBUG:+root}'),
    fire: [{ id: 'LP101', line: 3, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'FROM ${BASE} with a distroless :nonroot default is not root',
    lines: df('ARG BASE=gcr.io/distroless/static-debian12:nonroot', 'FROM ${BASE}', 'COPY app /app'),
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'FROM $BASE with no default: the base and its user are unknown',
    lines: df('ARG BASE', 'FROM $BASE', 'COPY app /app'),
    fire: [{ id: 'LP105', level: 'warning' }],
    absent: ['LP101'],
    rows: { 'least-privilege': 'warn' }
  }
]

const rootForms = ['0', '00', '0:0', 'root:root', '0:1000', 'root:staff', 'root']
const numericRoot: Case[] = rootForms.map(form => ({
  name: `USER ${form} is root`,
  lines: df('FROM alpine:3.20', `USER ${form}`, 'CMD ["sh"]'),
  fire: [{ id: 'LP101', line: 2, level: 'error' as const }],
  rows: { 'least-privilege': 'fail' as const }
}))

const lookalikes: Case[] = [
  {
    name: 'USER 1000:0 is non-root (gid 0 is not uid 0)',
    lines: df('FROM alpine:3.20', 'USER 1000:0'),
    absent: ['LP101', 'LP105', 'LP103'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'USER rootless is a named non-root user',
    lines: df('FROM alpine:3.20', 'RUN adduser -D rootless', 'USER rootless'),
    fire: [{ id: 'LP103', line: 3, level: 'note' }],
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'USER 10 is non-root',
    lines: df('FROM alpine:3.20', 'USER 10'),
    absent: ['LP101', 'LP103'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'no USER at all on a registry base: root by Docker default, on the FROM line',
    lines: df('# app image', 'FROM alpine:3.20', 'COPY app /app', 'CMD ["/app"]'),
    fire: [{ id: 'LP101', line: 2, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'FROM scratch without USER is root',
    lines: df('FROM scratch', 'COPY app /app', 'ENTRYPOINT ["/app"]'),
    fire: [{ id: 'LP101', line: 1, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'root first, then a non-root USER last: fine',
    lines: df('FROM alpine:3.20', 'USER root', 'RUN apk add --no-cache curl', 'USER 10001'),
    absent: ['LP101'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'switched back to root in the final stage',
    lines: df('FROM alpine:3.20', 'USER 10001', 'RUN id', 'USER root', 'CMD ["sh"]'),
    fire: [{ id: 'LP101', line: 4, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  }
]

const syntax: Case[] = [
  {
    name: 'heredoc body lines (USER root, FROM scratch) are not instructions',
    lines: df(
      '# syntax=docker/dockerfile:1',
      'FROM alpine:3.20',
      'USER 10001',
      'RUN <<EOF',
      'echo building',
      'USER root',
      'FROM scratch',
      'EOF',
      'CMD ["sh"]'
    ),
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'sudo inside a RUN heredoc body is executed',
    lines: df(
      '# syntax=docker/dockerfile:1',
      'FROM alpine:3.20',
      'RUN <<EOF',
      'apk add --no-cache build-base',
      'sudo make install',
      'EOF',
      'USER 10001'
    ),
    fire: [{ id: 'LP402', line: [3, 5], level: 'error' }],
    rows: { 'no-escalation': 'fail' }
  },
  {
    name: 'chmod 4755 inside a RUN heredoc body sets setuid',
    lines: df(
      '# syntax=docker/dockerfile:1',
      'FROM alpine:3.20',
      'RUN <<EOF',
      'set -e',
      'chmod 4755 /usr/local/bin/tool',
      'EOF',
      'USER 10001'
    ),
    fire: [{ id: 'LP401', line: [3, 5], level: 'error' }],
    rows: { 'no-escalation': 'fail' }
  },
  {
    name: 'a sudoers file written with a COPY heredoc configures sudo',
    lines: df(
      '# syntax=docker/dockerfile:1',
      'FROM alpine:3.20',
      'COPY <<EOF /etc/sudoers.d/app',
      'app ALL=(ALL) NOPASSWD:ALL',
      'EOF',
      'USER 10001'
    ),
    fire: [{ id: 'LP402', line: [3, 4], level: 'error' }]
  },
  {
    name: '# escape=` : a trailing backslash is not a continuation, so USER root is an instruction',
    lines: df('# escape=`', 'FROM alpine:3.20', 'USER 10001', 'RUN echo C:\\temp\\', 'USER root'),
    fire: [{ id: 'LP101', line: 5, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: '# escape=` : backtick continuation splits USER ` / 0',
    lines: df('# escape=`', 'FROM alpine:3.20', 'USER `', '    0'),
    fire: [{ id: 'LP101', line: 3, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: '# escape=` : backtick continuation inside RUN chmod ` / u+s',
    lines: df('# escape=`', 'FROM alpine:3.20', 'RUN chmod `', '    u+s /usr/local/bin/tool', 'USER 10001'),
    fire: [{ id: 'LP401', line: 3, level: 'error' }]
  },
  {
    name: 'without the directive a backslash continuation swallows the next line (USER root is RUN text)',
    lines: df('FROM alpine:3.20', 'USER 10001', 'RUN echo hello \\', 'USER root'),
    absent: ['LP101'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'lowercase instructions: from/as/user',
    lines: df('from alpine:3.20 as build', 'user 10001', 'from build', 'user root'),
    fire: [{ id: 'LP101', line: 4, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'line continuation splitting USER \\ / root',
    lines: df('FROM alpine:3.20', 'USER \\', '  root'),
    fire: [{ id: 'LP101', line: 2, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  }
]

const knownBases: Case[] = [
  {
    name: 'distroless :nonroot without USER is not root',
    lines: df('FROM gcr.io/distroless/static-debian12:nonroot', 'COPY app /app', 'ENTRYPOINT ["/app"]'),
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'distroless :debug-nonroot without USER is not root',
    lines: df('FROM gcr.io/distroless/base-debian12:debug-nonroot', 'COPY app /app', 'ENTRYPOINT ["/app"]'),
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'distroless without the nonroot tag runs as root',
    lines: df('FROM gcr.io/distroless/static-debian12', 'COPY app /app', 'ENTRYPOINT ["/app"]'),
    fire: [{ id: 'LP101', line: 1, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'distroless :nonroot followed by USER root is root',
    lines: df('FROM gcr.io/distroless/static-debian12:nonroot', 'USER root', 'ENTRYPOINT ["/app"]'),
    fire: [{ id: 'LP101', line: 2, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'Chainguard static without USER is not root',
    lines: df('FROM cgr.dev/chainguard/static:latest', 'COPY app /app', 'ENTRYPOINT ["/app"]'),
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'nginx-unprivileged without USER is not root',
    lines: df(
      'FROM nginxinc/nginx-unprivileged:1.27-alpine',
      'COPY site /usr/share/nginx/html',
      'EXPOSE 8080'
    ),
    absent: ['LP101', 'LP105', 'LP104'],
    rows: { 'least-privilege': 'pass' }
  }
]

const setuid: Case[] = [
  {
    name: 'chmod u+s',
    lines: df('FROM alpine:3.20', 'RUN chmod u+s /usr/local/bin/tool', 'USER 10001'),
    fire: [{ id: 'LP401', line: 2, level: 'error' }],
    rows: { 'no-escalation': 'fail' }
  },
  {
    name: 'chmod 4755',
    lines: df('FROM alpine:3.20', 'RUN chmod 4755 /usr/local/bin/tool', 'USER 10001'),
    fire: [{ id: 'LP401', line: 2, level: 'error' }],
    rows: { 'no-escalation': 'fail' }
  },
  {
    name: 'chmod +s',
    lines: df('FROM alpine:3.20', 'RUN chmod +s /usr/local/bin/tool', 'USER 10001'),
    fire: [{ id: 'LP401', line: 2, level: 'error' }],
    rows: { 'no-escalation': 'fail' }
  },
  {
    name: 'chmod g+s on a file is setgid: a warning',
    lines: df('FROM alpine:3.20', 'RUN chmod g+s /usr/local/bin/tool', 'USER 10001'),
    fire: [{ id: 'LP401', line: 2, level: 'warning' }]
  },
  {
    name: 'COPY --chmod=4755',
    lines: df('FROM alpine:3.20', 'COPY --chmod=4755 tool /usr/local/bin/tool', 'USER 10001'),
    fire: [{ id: 'LP401', line: 2, level: 'error' }],
    rows: { 'no-escalation': 'fail' }
  },
  {
    name: 'setuid, sudo and chmod 777 only in a builder stage that is not copied: nothing',
    lines: df(
      'FROM alpine:3.20 AS build',
      'RUN chmod u+s /usr/local/bin/tool && sudo true',
      'RUN chmod 777 /tmp/x',
      'FROM alpine:3.20',
      'COPY --from=build /etc/os-release /os-release',
      'USER 10001'
    ),
    absent: ['LP401', 'LP402', 'LP403']
  },
  {
    name: 'a setuid file copied from the builder keeps its bit: a note on the COPY line',
    lines: df(
      'FROM alpine:3.20 AS build',
      'RUN cp /bin/busybox /usr/local/bin/tool && chmod 4755 /usr/local/bin/tool',
      'FROM alpine:3.20',
      'COPY --from=build /usr/local/bin/tool /usr/local/bin/tool',
      'USER 10001'
    ),
    fire: [{ id: 'LP401', line: 4, level: 'note' }]
  },
  {
    name: 'removing bits (u-s, a-s) and plain 0755 are not setuid',
    lines: df(
      'FROM alpine:3.20',
      'RUN chmod u-s /bin/su && chmod -R a-s /usr/bin && chmod 0755 /app',
      'USER 10001'
    ),
    absent: ['LP401', 'LP403']
  },
  {
    name: 'chmod 777 is world-writable',
    lines: df('FROM alpine:3.20', 'RUN mkdir /data && chmod 777 /data', 'USER 10001'),
    fire: [{ id: 'LP403', line: 2, level: 'warning' }],
    absent: ['LP401']
  },
  {
    name: 'chmod o+w is world-writable',
    lines: df('FROM alpine:3.20', 'RUN chmod o+w /app/config', 'USER 10001'),
    fire: [{ id: 'LP403', line: 2, level: 'warning' }]
  },
  {
    name: 'chmod 1777 /tmp (sticky) is neither world-writable nor setuid',
    lines: df('FROM alpine:3.20', 'RUN chmod 1777 /tmp', 'USER 10001'),
    absent: ['LP403', 'LP401']
  },
  {
    name: 'setcap gives file capabilities (note); setcap -r does not',
    lines: df(
      'FROM alpine:3.20',
      'RUN setcap cap_net_bind_service=+ep /usr/local/bin/server',
      'RUN setcap -r /usr/local/bin/other',
      'USER 10001'
    ),
    fire: [{ id: 'LP201', line: 2, level: 'note' }]
  }
]

const sudo: Case[] = [
  {
    name: 'apt-get install -y sudo',
    lines: df(
      'FROM debian:12',
      'RUN apt-get update && apt-get install -y --no-install-recommends sudo',
      'USER 10001'
    ),
    fire: [{ id: 'LP402', line: 2, level: 'error' }],
    rows: { 'no-escalation': 'fail' }
  },
  {
    name: '... && sudo make install',
    lines: df('FROM debian:12', 'RUN ./configure && make && sudo make install', 'USER 10001'),
    fire: [{ id: 'LP402', line: 2, level: 'error' }]
  },
  {
    name: 'exec form ["sudo", ...]',
    lines: df('FROM debian:12', 'RUN ["sudo", "apt-get", "install", "-y", "curl"]', 'USER 10001'),
    fire: [{ id: 'LP402', line: 2, level: 'error' }]
  },
  {
    name: 'NOPASSWD appended to /etc/sudoers',
    lines: df('FROM debian:12', "RUN echo 'app ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers", 'USER 10001'),
    fire: [{ id: 'LP402', line: 2, level: 'error' }]
  },
  {
    name: 'packages whose names contain "sudo" are not sudo',
    lines: df('FROM debian:12', 'RUN apt-get install -y pseudo && mkdir -p /opt/sudoku', 'USER 10001'),
    absent: ['LP402']
  }
]

const exposeAndTarget: Case[] = [
  {
    name: 'EXPOSE 80 while non-root: one note for port 80, none for 8080',
    lines: df('FROM alpine:3.20', 'USER 10001', 'EXPOSE 80 8080'),
    fire: [{ id: 'LP104', line: 3, level: 'note', message: /\b80\b/ }],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'EXPOSE 80 while root: LP101, not LP104',
    lines: df('FROM alpine:3.20', 'EXPOSE 80'),
    fire: [{ id: 'LP101', line: 1 }],
    absent: ['LP104']
  },
  {
    name: '--target selects a non-last stage that is root',
    lines: df('FROM alpine:3.20 AS app', 'USER root', 'FROM alpine:3.20 AS hardened', 'USER 10001'),
    target: 'app',
    fire: [{ id: 'LP101', line: 2, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'without --target the last (non-root) stage is judged',
    lines: df('FROM alpine:3.20 AS app', 'USER root', 'FROM alpine:3.20 AS hardened', 'USER 10001'),
    absent: ['LP101', 'LP102'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: '--target app ignores setuid and USER root in the later debug stage',
    lines: df(
      'FROM alpine:3.20 AS app',
      'USER 10001',
      'FROM app AS debug',
      'RUN chmod u+s /bin/busybox',
      'USER root'
    ),
    target: 'app',
    absent: ['LP101', 'LP401'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'the same file without --target judges the debug stage',
    lines: df(
      'FROM alpine:3.20 AS app',
      'USER 10001',
      'FROM app AS debug',
      'RUN chmod u+s /bin/busybox',
      'USER root'
    ),
    fire: [
      { id: 'LP101', line: 5, level: 'error' },
      { id: 'LP401', line: 4, level: 'error' }
    ]
  }
]

const clean = '--cap-drop ALL --security-opt no-new-privileges'
const suppressions: Case[] = [
  {
    name: '# least-privilege ignore=LP401 on the line before RUN chmod u+s',
    lines: df(
      'FROM alpine:3.20',
      '# least-privilege ignore=LP401 the helper binds raw sockets (tracked in #123)',
      'RUN chmod u+s /usr/local/bin/helper',
      'USER 10001'
    ),
    runOptions: clean,
    fire: [{ id: 'LP401', line: 3, suppressed: true }],
    rows: { 'no-escalation': ['not-measured', 'pass'] }
  },
  {
    name: '# hadolint ignore=DL3002 before the final USER root',
    lines: df('FROM alpine:3.20', 'RUN id', '# hadolint ignore=DL3002', 'USER root'),
    runOptions: clean,
    fire: [{ id: 'LP101', line: 4, suppressed: true }],
    rows: { 'least-privilege': ['not-measured', 'pass'] }
  },
  {
    name: 'file-level # least-privilege ignore-file=LP101 suppresses the absence finding',
    lines: df(
      '# least-privilege ignore-file=LP101 build tool image, never deployed',
      'FROM alpine:3.20',
      'RUN apk add --no-cache make'
    ),
    runOptions: clean,
    fire: [{ id: 'LP101', line: 2, suppressed: true }],
    rows: { 'least-privilege': ['not-measured', 'pass'] }
  },
  {
    name: '# least-privilege ignore=LP101 before the final FROM suppresses the absence finding',
    lines: df(
      'FROM alpine:3.20 AS build',
      'RUN true',
      '# least-privilege ignore=LP101 one-shot migration job',
      'FROM alpine:3.20',
      'RUN true'
    ),
    runOptions: clean,
    fire: [{ id: 'LP101', line: 4, suppressed: true }]
  },
  {
    name: 'a pragma separated from the finding by another instruction does not suppress it',
    lines: df(
      'FROM alpine:3.20',
      '# least-privilege ignore=LP401 reason',
      'RUN echo unrelated',
      'RUN chmod u+s /usr/local/bin/helper',
      'USER 10001'
    ),
    runOptions: clean,
    fire: [{ id: 'LP401', line: 4, suppressed: false }],
    rows: { 'no-escalation': 'fail' }
  },
  {
    name: 'ignore=LP402 suppresses sudo but not the setuid in the same RUN',
    lines: df(
      'FROM alpine:3.20',
      '# least-privilege ignore=LP402 the vendor installer needs it',
      'RUN chmod u+s /usr/local/bin/helper && sudo true',
      'USER 10001'
    ),
    runOptions: clean,
    fire: [
      { id: 'LP402', line: 3, suppressed: true },
      { id: 'LP401', line: 3, suppressed: false }
    ]
  },
  {
    name: '# hadolint ignore=DL3004 suppresses sudo',
    lines: df('FROM debian:12', '# hadolint ignore=DL3004', 'RUN sudo apt-get update', 'USER 10001'),
    runOptions: clean,
    fire: [{ id: 'LP402', line: 3, suppressed: true }],
    rows: { 'no-escalation': ['not-measured', 'pass'] }
  }
]

// ---------------------------------------------------------------------------------------------------------
// Deployment flag sets over a non-root image: the final FROM is line 2, USER is line 4.
// ---------------------------------------------------------------------------------------------------------
const nonRoot = df(
  '# deployment flags under test',
  'FROM alpine:3.20',
  'RUN adduser -D -u 10001 app',
  'USER 10001:10001',
  'CMD ["sleep", "1"]'
)
const rootImage = df('FROM alpine:3.20', 'CMD ["sleep", "1"]')
const flag = (name: string, runOptions: string, rest: Omit<Case, 'name' | 'lines' | 'runOptions'>): Case => ({
  name: `${name}: ${runOptions}`,
  lines: nonRoot,
  runOptions,
  ...rest
})

const flags: Case[] = [
  {
    name: 'no flags: Docker defaults, capabilities not dropped and no-new-privileges unset (flagged as defaults)',
    lines: nonRoot,
    // Issue 8 item 6: the defaults are one note per image (LP200), and the table still warns on them.
    fire: [
      {
        id: 'LP200',
        line: 2,
        level: 'note',
        properties: { assumed_principles: ['runtime-hardening', 'no-escalation'] }
      }
    ],
    absent: [
      'LP220',
      'LP221',
      'LP222',
      'LP320',
      'LP321',
      'LP420',
      'LP520',
      'LP521',
      'LP522',
      'LP523',
      'LP120'
    ],
    rows: { 'runtime-hardening': 'warn', 'no-escalation': 'warn', 'least-privilege': 'pass' }
  },
  flag('privileged', '--privileged --security-opt no-new-privileges', {
    fire: [{ id: 'LP220', line: 2, level: 'error' }],
    rows: { 'runtime-hardening': 'fail' }
  }),
  flag(
    'privileged=false is not privileged',
    '--privileged=false --cap-drop ALL --security-opt no-new-privileges',
    {
      absent: ['LP220', 'LP221']
    }
  ),
  flag('cap-drop all in lower case drops everything', '--cap-drop=all', {
    absent: ['LP221', 'LP222'],
    fire: [{ id: 'LP420', level: 'warning' }]
  }),
  flag('dangerous cap-add, lower case with cap_ prefix', '--cap-add cap_sys_admin --cap-drop ALL', {
    fire: [{ id: 'LP222', line: 2, level: 'error', message: /SYS_ADMIN/ }],
    rows: { 'runtime-hardening': 'fail' }
  }),
  flag('dangerous cap-add, lower case without prefix', '--cap-drop ALL --cap-add net_admin', {
    fire: [{ id: 'LP222', level: 'error', message: /NET_ADMIN/ }]
  }),
  flag('cap-add ALL', '--cap-add ALL', {
    fire: [{ id: 'LP222', level: 'error' }],
    rows: { 'runtime-hardening': 'fail' }
  }),
  flag('harmless cap-add with drop ALL', '--cap-add=NET_BIND_SERVICE --cap-drop ALL', {
    absent: ['LP221', 'LP222'],
    rows: { 'runtime-hardening': 'pass' }
  }),
  flag('seccomp unconfined', '--security-opt seccomp=unconfined', {
    fire: [{ id: 'LP320', line: 2, level: 'error' }],
    absent: ['LP321'],
    rows: { 'kernel-isolation': 'fail' }
  }),
  flag('seccomp unconfined in shell quotes', "--security-opt 'seccomp=unconfined'", {
    fire: [{ id: 'LP320', level: 'error' }]
  }),
  flag('apparmor unconfined', '--security-opt=apparmor=unconfined', {
    fire: [{ id: 'LP321', line: 2, level: 'error' }],
    absent: ['LP320'],
    rows: { 'kernel-isolation': 'fail' }
  }),
  flag('SELinux labels disabled', '--security-opt label=disable', {
    fire: [{ id: 'LP321', line: 2, level: 'error' }],
    rows: { 'kernel-isolation': 'fail' }
  }),
  flag('no-new-privileges', '--security-opt no-new-privileges --cap-drop ALL', {
    absent: ['LP420'],
    rows: { 'no-escalation': 'pass' }
  }),
  flag('no-new-privileges:true', '--security-opt=no-new-privileges:true', { absent: ['LP420'] }),
  flag('no-new-privileges=false', '--security-opt no-new-privileges=false', {
    fire: [{ id: 'LP420', line: 2, level: 'warning' }],
    rows: { 'no-escalation': 'warn' }
  }),
  flag('--user 0 over a non-root image', '--user 0 --cap-drop ALL --security-opt no-new-privileges', {
    fire: [{ id: 'LP120', line: 4, level: 'error' }],
    absent: ['LP101'],
    rows: { 'least-privilege': 'fail' }
  }),
  flag('-u root:root over a non-root image', '-u root:root', {
    fire: [{ id: 'LP120', level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  }),
  flag('--user with a non-root uid', '--user 10001:10001 --cap-drop ALL --security-opt no-new-privileges', {
    absent: ['LP120', 'LP101'],
    rows: { 'least-privilege': 'pass' }
  }),
  flag('pid host', '--pid=host', {
    fire: [{ id: 'LP520', line: 2, level: 'error' }],
    rows: { 'host-protection': 'fail' }
  }),
  flag('network host', '--network host', {
    fire: [{ id: 'LP520', line: 2, level: 'error' }],
    rows: { 'host-protection': 'fail' }
  }),
  flag('ipc host', '--ipc host', {
    fire: [{ id: 'LP520', line: 2, level: 'error' }],
    rows: { 'host-protection': 'fail' }
  }),
  flag('uts host is a warning', '--uts=host', {
    fire: [{ id: 'LP520', line: 2, level: 'warning' }],
    rows: { 'host-protection': 'warn' }
  }),
  flag('joining another container is not the host', '--pid container:web', { absent: ['LP520'] }),
  flag('userns host', '--userns=host', {
    fire: [{ id: 'LP523', line: 2, level: 'error' }],
    rows: { 'host-protection': 'fail' }
  }),
  flag('docker socket', '-v /var/run/docker.sock:/var/run/docker.sock', {
    fire: [{ id: 'LP521', line: 2, level: 'error' }],
    rows: { 'host-protection': 'fail' }
  }),
  flag('docker socket read-only is still an error', '--volume=/var/run/docker.sock:/var/run/docker.sock:ro', {
    fire: [{ id: 'LP521', level: 'error' }]
  }),
  flag('host root bind mount', '--mount type=bind,source=/,target=/host', {
    fire: [{ id: 'LP522', line: 2, level: 'error' }],
    rows: { 'host-protection': 'fail' }
  }),
  flag('read-only /etc is a warning', '-v /etc:/host-etc:ro', {
    fire: [{ id: 'LP522', line: 2, level: 'warning' }],
    rows: { 'host-protection': 'warn' }
  }),
  flag(
    'time zone file and named volume do not fire',
    '-v /etc/localtime:/etc/localtime:ro -v appdata:/data',
    {
      absent: ['LP522', 'LP521']
    }
  ),
  flag('host device', '--device /dev/fuse', {
    fire: [{ id: 'LP223', line: 2, level: 'warning', message: /\/dev\/fuse/ }]
  }),
  flag(
    'a hardened flag set',
    '--cap-drop ALL --security-opt no-new-privileges --read-only --user 10001:10001',
    {
      absent: [
        'LP120',
        'LP220',
        'LP221',
        'LP222',
        'LP223',
        'LP320',
        'LP321',
        'LP420',
        'LP520',
        'LP521',
        'LP522',
        'LP523'
      ],
      rows: {
        'least-privilege': 'pass',
        'runtime-hardening': 'pass',
        'kernel-isolation': 'pass',
        'no-escalation': 'pass',
        'host-protection': 'pass'
      }
    }
  ),
  {
    name: '--user 0 over an image that is root anyway is still LP120',
    lines: rootImage,
    runOptions: '--user 0',
    fire: [{ id: 'LP120', level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  }
]

const moreTraps: Case[] = [
  {
    name: 'USER 0:root and root:0 are root',
    lines: df('FROM alpine:3.20 AS a', 'USER 0:root', 'FROM alpine:3.20', 'USER root:0'),
    fire: [{ id: 'LP101', line: 4, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'ONBUILD USER root does not apply to this image',
    lines: df('FROM alpine:3.20', 'USER 10001', 'ONBUILD USER root'),
    absent: ['LP101'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'an ARG declared after USER is not visible to it',
    lines: df('FROM alpine:3.20', 'USER $LATER', 'ARG LATER=10001'),
    fire: [{ id: 'LP105', line: 2 }],
    rows: { 'least-privilege': 'warn' }
  },
  {
    name: 'FROM --platform=$BUILDPLATFORM with a distroless :nonroot image is not root',
    lines: df(
      'FROM --platform=$BUILDPLATFORM gcr.io/distroless/static-debian12:nonroot AS run',
      'COPY app /app'
    ),
    absent: ['LP101', 'LP105']
  },
  {
    name: 'distroless :nonroot pinned by digest is not root',
    lines: df('FROM gcr.io/distroless/static-debian12:nonroot@sha256:' + 'a'.repeat(64), 'COPY app /app'),
    absent: ['LP101', 'LP105']
  },
  {
    name: 'a comment line inside a continuation does not end the RUN: sudo is still installed',
    lines: df(
      'FROM debian:12',
      'RUN apt-get update && apt-get install -y \\',
      '# the admin tools',
      '    sudo',
      'USER 10001'
    ),
    fire: [{ id: 'LP402', line: 2, level: 'error' }]
  },
  {
    name: 'sudo after RUN --mount flags and inside sh -c',
    lines: df(
      'FROM debian:12',
      'RUN --mount=type=cache,target=/var/cache/apt sudo apt-get update',
      'RUN sh -c "sudo id"',
      'USER 10001'
    ),
    // One LP402 finding per stage, at its first sudo line, listing the others.
    fire: [
      { id: 'LP402', line: 2, level: 'error', message: /invokes sudo \(line 2\); invokes sudo \(line 3\)/ }
    ]
  },
  {
    name: 'apk add sudo with a version, and a sudoers file COPY',
    lines: df(
      'FROM alpine:3.20',
      'RUN apk add --no-cache sudo=1.9.15-r0',
      'COPY app.sudoers /etc/sudoers.d/app',
      'USER 10001'
    ),
    // One LP402 finding per stage, at its first sudo line, listing the others.
    fire: [
      {
        id: 'LP402',
        line: 2,
        level: 'error',
        message: /installs sudo \(line 2\); COPY copies a sudoers file \(line 3\)/
      }
    ]
  },
  {
    name: 'setuid through find -exec and install -m, ADD --chmod=u+s, COPY --chown --chmod=6755',
    lines: df(
      'FROM alpine:3.20',
      'RUN find /opt/tools -type f -exec chmod u+s {} \\;',
      'RUN install -m 4755 build/tool /usr/local/bin/tool',
      'ADD --chmod=u+s helper /usr/local/bin/helper',
      'COPY --chown=0:0 --chmod=6755 other /usr/local/bin/other',
      'USER 10001'
    ),
    fire: [
      { id: 'LP401', line: 2, level: 'error' },
      { id: 'LP401', line: 3, level: 'error' },
      { id: 'LP401', line: 4, level: 'error' },
      { id: 'LP401', line: 5, level: 'error' }
    ]
  },
  {
    name: 'stripping setuid bits with find -perm /6000 -exec chmod a-s is not setuid',
    lines: df('FROM debian:12', 'RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +', 'USER 10001'),
    absent: ['LP401']
  },
  {
    name: 'world-writable: a+w, -R 0777, mkdir -m 777, COPY --chmod=777; chmod +w alone is not',
    lines: df(
      'FROM alpine:3.20',
      'RUN chmod a+w /srv/a',
      'RUN chmod -R 0777 /srv/b',
      'RUN mkdir -m 777 /srv/c',
      'COPY --chmod=777 d /srv/d',
      'RUN chmod +w /srv/e',
      'USER 10001'
    ),
    fire: [
      { id: 'LP403', line: 2 },
      { id: 'LP403', line: 3 },
      { id: 'LP403', line: 4 },
      { id: 'LP403', line: 5 }
    ]
  },
  {
    name: 'EXPOSE from the parent stage counts; EXPOSE in a builder does not',
    lines: df(
      'FROM alpine:3.20 AS build',
      'EXPOSE 21',
      'FROM alpine:3.20 AS base',
      'EXPOSE 443/tcp',
      'FROM base',
      'COPY --from=build /x /x',
      'USER 10001'
    ),
    fire: [{ id: 'LP104', line: 4, level: 'note' }]
  },
  {
    name: 'EXPOSE $PORT with ARG PORT=80 is port 80',
    lines: df('FROM alpine:3.20', 'ARG PORT=80', 'USER 10001', 'EXPOSE $PORT'),
    fire: [{ id: 'LP104', line: 4, level: 'note' }]
  },
  {
    name: 'one pragma naming two rules suppresses both',
    lines: df(
      'FROM alpine:3.20',
      '# least-privilege ignore=LP401,LP403 legacy layout, tracked in #9',
      'RUN chmod 4777 /usr/local/bin/tool',
      'USER 10001'
    ),
    runOptions: clean,
    fire: [
      { id: 'LP401', line: 3, suppressed: true },
      { id: 'LP403', line: 3, suppressed: true }
    ]
  },
  {
    name: 'ignore-file for a deployment finding',
    lines: df(
      '# least-privilege ignore-file=LP221 the sidecar needs the defaults',
      'FROM alpine:3.20',
      'USER 10001'
    ),
    runOptions: '--security-opt no-new-privileges',
    fire: [{ id: 'LP221', line: 2, suppressed: true }],
    rows: { 'runtime-hardening': ['not-measured', 'pass'] }
  }
]

const moreFlags: Case[] = [
  flag(
    'common harmless docker run flags are accepted',
    '-it --rm -d --name web -p 8080:8080 -e FOO=bar --restart unless-stopped --init --cap-drop ALL --security-opt no-new-privileges',
    {
      absent: ['LP220', 'LP221', 'LP222', 'LP420', 'LP520', 'LP521', 'LP522']
    }
  ),
  flag('short flag with attached value', '-u0', { fire: [{ id: 'LP120', level: 'error' }] }),
  flag('--user=root', '--user=root', { fire: [{ id: 'LP120', level: 'error' }] }),
  flag('seccomp with a colon', '--security-opt seccomp:unconfined', {
    fire: [{ id: 'LP320', level: 'error' }]
  }),
  flag('quotes in the middle of a word', '--security-opt="seccomp=unconfined"', {
    fire: [{ id: 'LP320', level: 'error' }]
  }),
  flag('--net=host', '--net=host', { fire: [{ id: 'LP520', level: 'error' }] }),
  flag('--cgroupns=host is a warning', '--cgroupns=host', { fire: [{ id: 'LP520', level: 'warning' }] }),
  flag('--privileged=true', '--privileged=true', { fire: [{ id: 'LP220', level: 'error' }] }),
  flag('SYS_PTRACE is dangerous', '--cap-drop ALL --cap-add SYS_PTRACE', {
    fire: [{ id: 'LP222', level: 'error', message: /SYS_PTRACE/ }]
  }),
  flag('no-new-privileges:TRUE (any Go boolean)', '--security-opt no-new-privileges:TRUE', {
    absent: ['LP420']
  }),
  flag('host / read-only is still an error', '-v /:/host:ro', { fire: [{ id: 'LP522', level: 'error' }] }),
  flag(
    'docker.sock through --mount src/dst aliases',
    '--mount type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock',
    {
      fire: [{ id: 'LP521', level: 'error' }]
    }
  ),
  flag('--mount readonly /etc is a warning', '--mount type=bind,source=/etc,target=/e,readonly', {
    fire: [{ id: 'LP522', level: 'warning' }]
  }),
  flag('a path that normalises to /etc', '-v /tmp/../etc:/x', { fire: [{ id: 'LP522', level: 'error' }] }),
  flag('an .ssh folder', '-v /home/runner/.ssh:/root/.ssh', { fire: [{ id: 'LP522', level: 'error' }] }),
  flag('a project folder is fine', '-v /home/runner/work/repo:/src', { absent: ['LP522'] }),
  flag('binding /var/run exposes the socket', '-v /var/run:/var/run', {
    fire: [{ id: 'LP521', level: 'error' }]
  })
]

const dockerSemantics: Case[] = [
  {
    name: 'ENV overrides an ARG of the same name: ARG UID=1001 then ENV UID=0 is root',
    lines: df('FROM alpine:3.20', 'ARG UID=1001', 'ENV UID=0', 'USER $UID'),
    fire: [{ id: 'LP101', line: 4, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: 'quotes around an ARG default are removed: ARG UID="0" is root',
    lines: df('FROM alpine:3.20', 'ARG UID="0"', 'USER $UID'),
    fire: [{ id: 'LP101', line: 3, level: 'error' }],
    rows: { 'least-privilege': 'fail' }
  },
  {
    name: "quotes around an ENV value are removed: ENV U='10001' is non-root",
    lines: df('FROM alpine:3.20', "ENV U='10001'", 'USER $U'),
    absent: ['LP101', 'LP105', 'LP103'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'an ARG default may use an earlier ARG: ARG A=0, ARG B=$A, USER $B is root',
    lines: df('FROM alpine:3.20', 'ARG A=0', 'ARG B=$A', 'USER $B'),
    fire: [{ id: 'LP101', line: 4, level: 'error' }]
  },
  {
    name: 'USER ${UID}:${GID} from stage ARGs',
    lines: df('FROM alpine:3.20', 'ARG UID=10001', 'ARG GID=10001', 'USER ${UID}:${GID}'),
    absent: ['LP101', 'LP105', 'LP103']
  },
  {
    name: 'a stage name shadows an image of the same name: FROM alpine means the distroless :nonroot stage',
    lines: df(
      'FROM gcr.io/distroless/static-debian12:nonroot AS alpine',
      'COPY app /app',
      'FROM alpine',
      'CMD ["/app"]'
    ),
    absent: ['LP101', 'LP105'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'a final stage FROM a stage FROM distroless :nonroot inherits non-root',
    lines: df('FROM gcr.io/distroless/static-debian12:nonroot AS base', 'FROM base', 'COPY app /app'),
    absent: ['LP101', 'LP105']
  },
  {
    name: '# escape after a comment is not a directive: the backslash continues and USER root is RUN text',
    lines: df('# a comment', '# escape=`', 'FROM alpine:3.20', 'USER 10001', 'RUN echo foo \\', 'USER root'),
    absent: ['LP101'],
    rows: { 'least-privilege': 'pass' }
  },
  {
    name: 'syntax then ESCAPE (directives are case-insensitive) are both directives',
    lines: df(
      '# syntax=docker/dockerfile:1',
      '# ESCAPE=`',
      'FROM alpine:3.20',
      'USER 10001',
      'RUN echo C:\\dir\\',
      'USER 0'
    ),
    fire: [{ id: 'LP101', line: 6, level: 'error' }]
  },
  {
    name: 'setuid and sudo in the stage the final stage is built FROM reach the final image',
    lines: df(
      'FROM alpine:3.20 AS base',
      'RUN chmod u+s /usr/local/bin/tool',
      'RUN apk add sudo',
      'FROM base',
      'USER 10001'
    ),
    fire: [
      { id: 'LP401', line: 2, level: 'error' },
      { id: 'LP402', line: 3, level: 'error' }
    ]
  },
  {
    name: 'COPY --from=build / / copies the builder setuid file: a note on the COPY',
    lines: df(
      'FROM alpine:3.20 AS build',
      'RUN chmod u+s /usr/local/bin/tool',
      'FROM scratch',
      'COPY --from=build / /',
      'USER 10001'
    ),
    fire: [{ id: 'LP401', line: 4, level: 'note' }],
    absent: ['LP101']
  },
  {
    name: 'EXPOSE 53/udp while non-root',
    lines: df('FROM alpine:3.20', 'USER 10001', 'EXPOSE 53/udp'),
    fire: [{ id: 'LP104', line: 3, level: 'note' }]
  },
  {
    name: 'RUN <<-EOF with tab-indented body and a quoted delimiter: sudo still runs, USER root still text',
    lines: df(
      '# syntax=docker/dockerfile:1',
      'FROM alpine:3.20',
      'USER 10001',
      "RUN <<-'EOT'",
      '\tsudo id',
      '\tUSER root',
      '\tEOT',
      'CMD ["sh"]'
    ),
    fire: [{ id: 'LP402', line: [4, 5], level: 'error' }],
    absent: ['LP101']
  }
]

const dockerFlags: Case[] = [
  {
    name: 'LP103 suggests the uid the Dockerfile gave the named user',
    lines: df('FROM alpine:3.20', 'RUN adduser -D -u 10001 app', 'USER app'),
    fire: [{ id: 'LP103', line: 3, level: 'note', message: /USER 10001/ }],
    absent: ['LP101']
  },
  flag('apparmor with a colon', '--security-opt apparmor:unconfined', {
    fire: [{ id: 'LP321', level: 'error' }]
  }),
  flag('label type spc_t', '--security-opt label=type:spc_t', { fire: [{ id: 'LP321', level: 'error' }] }),
  // The profile file is read when the flags are read (a missing or bad file is exit 2), so it must exist.
  flag(
    'a custom seccomp profile does not fire',
    `--security-opt seccomp=${join(repoRoot, '__fixtures__/seccomp/custom.json')}`,
    { absent: ['LP320'] }
  ),
  flag('--userns host with a space', '--userns host', { fire: [{ id: 'LP523', level: 'error' }] }),
  flag('socket mounted elsewhere in the container', '--volume /var/run/docker.sock:/tmp/docker.sock', {
    fire: [{ id: 'LP521', level: 'error' }]
  }),
  flag('a named volume through --mount does not fire', '--mount type=volume,source=data,target=/data', {
    absent: ['LP521', 'LP522']
  }),
  flag(
    'dropping all 14 default capabilities one by one counts as ALL',
    [
      'CHOWN',
      'DAC_OVERRIDE',
      'FSETID',
      'FOWNER',
      'MKNOD',
      'NET_RAW',
      'SETGID',
      'SETUID',
      'SETFCAP',
      'SETPCAP',
      'NET_BIND_SERVICE',
      'SYS_CHROOT',
      'KILL',
      'AUDIT_WRITE'
    ]
      .map(c => `--cap-drop ${c}`)
      .join(' '),
    { absent: ['LP221'] }
  ),
  flag('dropping some defaults still keeps the rest', '--cap-drop NET_RAW --cap-drop MKNOD', {
    fire: [{ id: 'LP221', level: 'warning', message: /CHOWN|SETUID|KILL/ }]
  }),
  flag('privileged with a non-root user', '--privileged --user 10001', {
    fire: [{ id: 'LP220', level: 'error' }]
  }),
  flag('-u 0:0', '-u 0:0', { fire: [{ id: 'LP120', level: 'error' }] }),
  flag('--user 00', '--user 00', { fire: [{ id: 'LP120', level: 'error' }] }),
  flag('--user root:docker', '--user root:docker', { fire: [{ id: 'LP120', level: 'error' }] }),
  flag('--user 1000:0 is not root', '--user 1000:0', { absent: ['LP120'] }),
  flag('no-new-privileges=1', '--security-opt no-new-privileges=1', { absent: ['LP420'] }),
  flag('device with a container path and permissions', '--device=/dev/sda:/dev/xvda:rwm', {
    fire: [{ id: 'LP223', level: 'warning', message: /\/dev\/sda/ }]
  })
]

const groups: [string, Case[]][] = [
  ['Docker semantics', dockerSemantics],
  ['Docker flag forms', dockerFlags],
  ['more traps', moreTraps],
  ['more deployment flags', moreFlags],
  ['multi-stage and inheritance', multiStage],
  ['ARG/ENV users', argEnv],
  ['numeric root', numericRoot],
  ['non-root lookalikes and absent USER', lookalikes],
  ['heredocs, escape directive, lowercase, continuations', syntax],
  ['well-known non-root bases', knownBases],
  ['setuid/setgid, world-writable, setcap', setuid],
  ['sudo', sudo],
  ['EXPOSE and --target', exposeAndTarget],
  ['suppressions', suppressions],
  ['deployment flags', flags]
]

for (const [group, cases] of groups) {
  describe(`acceptance: ${group}`, () => {
    for (const c of cases) it.concurrent(c.name, () => runCase(c))
  })
}

describe('acceptance: bad run-options exit 2 with one line naming the problem', () => {
  const bad: [string, string, RegExp][] = [
    ['unknown flag', '--cap-drop ALL --bogus-flag', /--bogus-flag/],
    ['unknown capability', '--cap-add NET_BLAH', /NET_BLAH/],
    ['unbalanced quote', '--security-opt "seccomp=unconfined', /quote/i],
    ['unknown capability with CAP_ prefix', '--cap-drop CAP_NOPE', /CAP_NOPE|NOPE/]
  ]
  for (const [name, runOptions, names] of bad) {
    it.concurrent(name, async () => {
      const outcome = await scan(nonRoot, { runOptions })
      expect(outcome.code).toBe(2)
      const lines = outcome.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(names)
      expect(outcome.stderr).not.toMatch(/\n\s+at /)
      if (outcome.sarif !== undefined) expect(schemaErrors(outcome.sarif)).toEqual([])
    })
  }
})

describe('acceptance: bad input exits 2 with one line naming it', () => {
  it.concurrent('--target naming a stage that does not exist', async () => {
    const outcome = await scan(df('FROM alpine:3.20 AS app', 'USER 10001'), { target: 'nosuch' })
    expect(outcome.code).toBe(2)
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1)
    expect(outcome.stderr).toMatch(/nosuch/)
  })
  it.concurrent('an empty Dockerfile', async () => {
    const outcome = await scan([], {})
    expect(outcome.code).toBe(2)
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1)
    expect(outcome.stderr).toMatch(/Dockerfile/)
    if (outcome.sarif !== undefined) expect(schemaErrors(outcome.sarif)).toEqual([])
  })
})

describe('acceptance: SARIF and report details', () => {
  const sarifResults = (o: Outcome): sarif.Result[] => (o.sarif as sarif.Log).runs[0].results ?? []

  it.concurrent('partialFingerprints stay the same when unrelated lines are added above', async () => {
    // GitHub's primaryLocationLineHash hashes the next 100 non-blank characters from the finding's line on,
    // so an edit *above* every finding must leave every fingerprint unchanged while the lines move.
    const before = await scan(df('FROM alpine:3.20', 'RUN chmod u+s /usr/local/bin/tool', 'USER 0'), {})
    const after = await scan(
      df(
        '# a new comment',
        'ARG UNRELATED=1',
        '',
        'FROM alpine:3.20',
        'RUN chmod u+s /usr/local/bin/tool',
        'USER 0'
      ),
      {}
    )
    const prints = (o: Outcome): Record<string, unknown> =>
      Object.fromEntries(sarifResults(o).map(r => [r.ruleId, r.partialFingerprints]))
    expect(Object.keys(prints(before)).sort()).toEqual(expect.arrayContaining(['LP101', 'LP401', 'LP200']))
    expect(prints(after)).toEqual(prints(before))
    const line = (o: Outcome, id: string): number | undefined =>
      sarifResults(o).find(r => r.ruleId === id)?.locations?.[0]?.physicalLocation?.region?.startLine
    expect([
      line(before, 'LP401'),
      line(after, 'LP401'),
      line(before, 'LP200'),
      line(after, 'LP200')
    ]).toEqual([2, 5, 1, 4])
  })

  it.concurrent('a suppressed result carries its justification in SARIF', async () => {
    const outcome = await scan(
      df(
        'FROM alpine:3.20',
        '# least-privilege ignore=LP401 the helper binds raw sockets (tracked in #123)',
        'RUN chmod u+s /usr/local/bin/helper',
        'USER 10001'
      ),
      { runOptions: clean }
    )
    expect(schemaErrors(outcome.sarif)).toEqual([])
    const result = sarifResults(outcome).find(r => r.ruleId === 'LP401')
    expect(result?.suppressions?.[0]?.kind).toBe('inSource')
    expect(result?.suppressions?.[0]?.justification).toMatch(/raw sockets/)
  })

  it.concurrent('with no run-options the report says the profile is Docker defaults', async () => {
    const outcome = await scan(nonRoot, {})
    const json = JSON.parse(outcome.stdout) as {
      results: { profile: { declared: boolean }; rows: { principle: string; deployment: string }[] }[]
    }
    expect(json.results[0].profile.declared).toBe(false)
    const hardening = json.results[0].rows.find(r => r.principle === 'runtime-hardening')
    expect(hardening?.deployment).toMatch(/Docker defaults/i)
  })

  it.concurrent('--fail-on warning exits 1 on warnings only; --fail-on never exits 0 on errors', async () => {
    // A world-writable mode (LP403) is a warning; no deployment declared adds only the LP200 note.
    const warningsOnly = await scan(df('FROM alpine:3.20', 'RUN chmod 777 /data', 'USER 10001'), {
      extra: ['--fail-on', 'warning']
    })
    expect(warningsOnly.code).toBe(1)
    const errors = await scan(df('FROM alpine:3.20', 'USER 0'), { extra: ['--fail-on', 'never'] })
    expect(errors.code).toBe(0)
    expect(schemaErrors(errors.sarif)).toEqual([])
  })
})
