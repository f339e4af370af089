// Shared helpers for the adoption acceptance cases (discovery, suppressions, baseline): temporary trees and
// git repositories, and the bundled CLI run as a user would (execFile, never a shell). The cases are written
// from the contract and the user docs only, not from the implementation.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { expect } from '@jest/globals'

// LP_CLI_BUNDLE points at a copy of dist/ (a snapshot immune to concurrent rebuilds).
export const CLI = process.env.LP_CLI_BUNDLE || resolve(process.cwd(), 'dist/cli/index.js')

export interface Finding {
  rule_id: string
  level: string
  file: string
  line: number
  message: string
  properties: Record<string, unknown>
  suppressed: boolean
  suppression: Record<string, unknown> | null
  baseline_state?: string
}
export interface Notification {
  level: string
  kind: string
  message: string
  file: string | null
  line: number | null
}
export interface Row {
  principle: string
  verdict: string
}
export interface Result {
  file: string
  target: { name: string; source: string; file: string | null } | null
  findings: Finding[]
  notifications: Notification[]
  rows: Row[]
}
export interface Baseline {
  ref: string
  commit: string
  new: number
  fixed: number
  unchanged: number
  fixed_findings: { rule_id: string; file: string; line: number; message: string }[]
}
export interface Report {
  verdict: string
  totals: Record<string, unknown>
  results: Result[]
  notifications: Notification[]
  baseline?: Baseline
}
export interface Run {
  code: number
  stdout: string
  stderr: string
  report: Report | null
}

const roots: string[] = []
export function cleanup(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true })
}

export function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [name, text] of Object.entries(files)) {
    const path = join(root, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
  }
}

/** A fresh folder (removed by cleanup()) holding the files (path -> text). */
export function tree(files: Record<string, string | Buffer>, prefix = 'lp-adopt-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix))
  roots.push(root)
  write(root, files)
  return root
}

function exec(
  file: string,
  args: string[],
  cwd: string,
  timeout = 60_000,
  env: NodeJS.ProcessEnv = process.env
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(done => {
    // SIGKILL: a CLI stuck in a synchronous loop cannot run its SIGTERM handler.
    execFile(
      file,
      args,
      { cwd, timeout, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        done({ code, stdout, stderr })
      }
    )
  })
}

const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0'
}

/** Runs git in the folder; throws with git's stderr when it fails. */
export async function git(root: string, ...args: string[]): Promise<string> {
  const r = await exec(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'init.defaultBranch=main',
      ...args
    ],
    root,
    60_000,
    GIT_ENV
  )
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

/** A fresh git repository holding the files; committed (everything) unless commit is false. */
export async function repo(
  files: Record<string, string | Buffer>,
  commit: boolean | string = true
): Promise<string> {
  const root = tree(files, 'lp-adopt-git-')
  await git(root, 'init', '-q')
  if (commit) await commitAll(root, typeof commit === 'string' ? commit : 'base')
  return root
}

export async function commitAll(root: string, message = 'change'): Promise<string> {
  await git(root, 'add', '-A')
  await git(root, 'commit', '-q', '--allow-empty', '-m', message)
  return (await git(root, 'rev-parse', 'HEAD')).trim()
}

export interface ScanOptions {
  format?: 'json' | 'sarif' | 'text' | 'markdown'
  /** Working folder relative to root. */
  cwd?: string
  timeoutMs?: number
  /** false: do not add --no-build (the Docker case). */
  noBuild?: boolean
  /** Extra environment variables for the CLI (e.g. TZ). */
  env?: Record<string, string>
}

/** `node dist/cli/index.js scan ARGS --no-build --format json` in root. */
export async function scan(root: string, args: string[], options: ScanOptions = {}): Promise<Run> {
  const format = options.format ?? 'json'
  const argv = [CLI, 'scan', ...args]
  if (options.noBuild !== false) argv.push('--no-build')
  argv.push('--format', format)
  const env: NodeJS.ProcessEnv = { ...GIT_ENV, NO_COLOR: '1', COLUMNS: '200', ...options.env }
  delete env.GITHUB_ACTIONS
  const r = await exec(
    process.execPath,
    argv,
    options.cwd ? join(root, options.cwd) : root,
    options.timeoutMs,
    env
  )
  let report: Report | null = null
  if (format === 'json') {
    try {
      report = JSON.parse(r.stdout) as Report
    } catch {
      report = null
    }
  }
  return { ...r, report }
}

export function findings(run: Run): Finding[] {
  return (run.report?.results ?? []).flatMap(r => r.findings)
}
/** Unsuppressed findings of a rule. */
export function active(run: Run, rule?: string): Finding[] {
  return findings(run).filter(f => !f.suppressed && (rule === undefined || f.rule_id === rule))
}
/** The Dockerfiles (and image-only manifests) with a result, sorted, unique. */
export function files(run: Run): string[] {
  return [...new Set((run.report?.results ?? []).map(r => r.file))].sort()
}
export function notifications(run: Run): Notification[] {
  return [...(run.report?.notifications ?? []), ...(run.report?.results ?? []).flatMap(r => r.notifications)]
}
/** A notification names a line either in its line field or in its text. */
export function namesLine(n: Notification, line: number): boolean {
  return n.line === line || new RegExp(`\\bline ${line}\\b|:${line}\\b`).test(n.message)
}

/** A short view of a run for failure messages. */
export function brief(run: Run): Record<string, unknown> {
  return {
    code: run.code,
    stderr: run.stderr.slice(0, 600),
    stdout: run.report ? undefined : run.stdout.slice(0, 300),
    files: run.report ? files(run) : undefined,
    findings: run.report
      ? findings(run).map(
          f => `${f.file}:${f.line} ${f.rule_id} ${f.level}${f.suppressed ? ' (suppressed)' : ''}`
        )
      : undefined,
    notifications: run.report
      ? notifications(run).map(n => `${n.level} ${n.kind}: ${n.message.slice(0, 200)}`)
      : undefined,
    baseline: run.report?.baseline
  }
}

/** Problems with a usage/operational error run: exit 2, one stderr line, mentioning every pattern. */
export function errorProblems(run: Run, ...mentions: RegExp[]): string[] {
  const lines = run.stderr.split('\n').filter(l => l.trim() !== '')
  const problems: string[] = []
  if (run.code !== 2) problems.push(`exit ${run.code}, expected 2`)
  if (lines.length !== 1) problems.push(`${lines.length} stderr lines, expected 1`)
  if (/^\s+at .+:\d+:\d+\)?$/m.test(run.stderr)) problems.push('stack trace on stderr')
  for (const m of mentions) if (!m.test(run.stderr)) problems.push(`stderr does not mention ${m}`)
  return problems
}

/** Asserts with the run attached so a failure shows what the CLI did. */
export function expectRun(run: Run, problems: string[]): void {
  expect({ problems, run: brief(run) }).toEqual({ problems: [], run: brief(run) })
}

/** Today and other days, UTC, as YYYY-MM-DD. */
export function utcDay(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000)
  return d.toISOString().slice(0, 10)
}

/** A Dockerfile with a root final stage on a known-root base (LP101 error) and nothing else to fix. */
export const ROOT_DOCKERFILE = 'FROM debian\nCMD ["sh"]\n'
/** A Dockerfile that runs as a numeric non-root user: no LP101. */
export const NONROOT_DOCKERFILE = 'FROM debian\nUSER 1000:1000\nCMD ["sh"]\n'

/** Problems with a scan that should have judged: exit 0 or 1 and a parsed JSON report. */
export function sane(run: Run): string[] {
  const problems: string[] = []
  if (run.code !== 0 && run.code !== 1) problems.push(`exit ${run.code}, expected 0 or 1`)
  if (!run.report) problems.push('no JSON report on stdout')
  return problems
}
