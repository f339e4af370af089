// Runs the bundled CLI (`node dist/cli/index.js`) as a user would, with a hang guard, and judges what every
// scan must give whatever the input: a bounded run, exit 0 or 1, a valid SARIF GitHub accepts, no internal
// error and no stack trace.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { expect } from '@jest/globals'
import type * as sarif from 'sarif'
import { githubProblems, schemaErrors } from '../../report/sarif-schema'

export const REPO = fileURLToPath(new URL('../../..', import.meta.url))
// LP_CLI_BUNDLE points at a copy of dist/ (development only: a snapshot immune to concurrent rebuilds).
export const CLI = process.env.LP_CLI_BUNDLE || join(REPO, 'dist/cli/index.js')

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  stdout: string
  stderr: string
  ms: number
  dir: string
  sarifPath: string
  sarifBytes: number
  sarif?: sarif.Log
  sarifParseError?: string
}

export interface CliOptions {
  /** Files to create, by path relative to the case's folder. */
  files?: Record<string, string | Buffer>
  args: string[]
  /** Working folder relative to the case's folder (default: the case's folder). */
  cwd?: string
  env?: Record<string, string | undefined>
  timeoutMs?: number
  /** Sends this signal after `afterMs`. */
  signal?: { name: NodeJS.Signals; afterMs: number }
  /** Where the SARIF goes, relative to cwd (default out.sarif). */
  sarif?: string
  /** An existing folder to run in instead of a fresh one. */
  dir?: string
}

const made: string[] = []
export function tempDir(prefix = 'lp-robust-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  made.push(d)
  return d
}
export function cleanTemps(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true })
}

export function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, body] of Object.entries(files)) {
    const p = join(dir, rel)
    mkdirSync(dirname(p), { recursive: true })
    writeFileSync(p, body)
  }
}

export function runCli(options: CliOptions): Promise<CliRun> {
  const dir = options.dir ?? tempDir()
  writeTree(dir, options.files ?? {})
  const cwd = options.cwd ? join(dir, options.cwd) : dir
  const sarifPath = join(cwd, options.sarif ?? 'out.sarif')
  const started = Date.now()
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' }
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return new Promise(resolve => {
    const child = spawn(process.execPath, [CLI, ...options.args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    let timedOut = false
    const guard = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 60_000)
    const signal = options.signal
      ? setTimeout(() => child.kill(options.signal!.name), options.signal.afterMs)
      : undefined
    child.on('close', (code, sig) => {
      clearTimeout(guard)
      if (signal) clearTimeout(signal)
      const run: CliRun = {
        code,
        signal: sig,
        timedOut,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - started,
        dir,
        sarifPath,
        sarifBytes: 0
      }
      if (existsSync(sarifPath) && statSync(sarifPath).isFile()) {
        const raw = readFileSync(sarifPath)
        run.sarifBytes = raw.length
        if (raw.length < 200 * 1024 * 1024) {
          try {
            run.sarif = JSON.parse(raw.toString('utf8')) as sarif.Log
          } catch (e) {
            run.sarifParseError = (e as Error).message
          }
        }
      }
      resolve(run)
    })
  })
}

/** A short description of a run for failure messages. */
export function brief(run: CliRun): Record<string, unknown> {
  return {
    code: run.code,
    signal: run.signal,
    timedOut: run.timedOut,
    ms: run.ms,
    stderr: run.stderr.slice(0, 1500),
    stdoutHead: run.stdout.slice(0, 300),
    sarifBytes: run.sarifBytes,
    sarifParseError: run.sarifParseError
  }
}

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m
const CRASH =
  /internal error|RangeError|Maximum call stack|heap out of memory|FATAL ERROR|TypeError|ReferenceError|Cannot read propert|is not a function|\[object Object\]/i
/** Error and warning lines are capped; nothing the tool prints to stderr needs more. */
export const LINE_CAP = 4096

/** Problems with stderr whatever the exit code: empty when fine. */
export function stderrProblems(run: CliRun): string[] {
  const problems: string[] = []
  if (STACK.test(run.stderr)) problems.push('stack trace on stderr')
  const crash = CRASH.exec(run.stderr)
  if (crash) problems.push(`crash text on stderr: ${JSON.stringify(crash[0])}`)
  const long = run.stderr.split('\n').find(l => l.length > LINE_CAP)
  if (long !== undefined) problems.push(`stderr line of ${long.length} chars (cap ${LINE_CAP})`)
  return problems
}

export function notificationTexts(log: sarif.Log): string[] {
  return log.runs.flatMap(r =>
    (r.invocations ?? []).flatMap(i => [
      ...(i.toolExecutionNotifications ?? []).map(n => n.message.text ?? ''),
      ...(i.toolConfigurationNotifications ?? []).map(n => n.message.text ?? '')
    ])
  )
}

/**
 * Problems with the SARIF GitHub would get: empty when it is valid, within GitHub's limits (10 MB gzipped,
 * 25,000 results) and sane in size. The raw cap only catches an explosion (a small file making a huge log):
 * 25,000 real results with their fingerprints and properties take about 25 MB.
 */
export function sarifProblems(run: CliRun, maxBytes = 48 * 1024 * 1024): string[] {
  if (!run.sarifBytes) return [`no SARIF at ${run.sarifPath}`]
  if (run.sarifBytes > maxBytes) return [`SARIF is ${run.sarifBytes} bytes (> ${maxBytes})`]
  if (!run.sarif) return [`SARIF does not parse: ${run.sarifParseError}`]
  const log = run.sarif
  const problems = [
    ...schemaErrors(log)
      .slice(0, 10)
      .map(e => `schema: ${e}`),
    ...githubProblems(log).slice(0, 10)
  ]
  const gz = gzipSync(readFileSync(run.sarifPath)).length
  if (gz > 10 * 1024 * 1024) problems.push(`gzipped SARIF is ${gz} bytes (GitHub rejects > 10 MB)`)
  for (const r of log.runs ?? []) {
    const n = r.results?.length ?? 0
    if (n > 25_000) problems.push(`${n} results in one run (GitHub rejects > 25,000)`)
    for (const res of r.results ?? []) {
      if ((res.locations?.length ?? 0) > 1000) {
        problems.push(`a result with ${res.locations!.length} locations (GitHub rejects > 1,000)`)
        break
      }
    }
  }
  const internal = notificationTexts(log).find(t => /internal error|RangeError|call stack|TypeError/i.test(t))
  if (internal) problems.push(`notification: ${internal.slice(0, 300)}`)
  return problems
}

export function results(run: CliRun): sarif.Result[] {
  return run.sarif?.runs.flatMap(r => r.results ?? []) ?? []
}
export function unsuppressed(run: CliRun, ruleId: string): sarif.Result[] {
  return results(run).filter(r => r.ruleId === ruleId && !(r.suppressions?.length ?? 0))
}
export function ruleCounts(run: CliRun): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of results(run)) {
    const k = `${r.ruleId}${r.suppressions?.length ? '(suppressed)' : ''}`
    counts[k] = (counts[k] ?? 0) + 1
  }
  return counts
}

export interface Expectations {
  /** Rules that must have an unsuppressed result; an inner array means any one of them. */
  fire?: (string | string[])[]
  /** Rules that must have no unsuppressed result. */
  absent?: string[]
  /** Rules that must have a result, suppressed or not. */
  present?: string[]
  /** Rules that must have a suppressed result. */
  suppressed?: string[]
}

/** Everything a scan of hostile input must still give. */
export function expectSane(run: CliRun, want: Expectations = {}): void {
  const seen = ruleCounts(run)
  const problems: string[] = []
  if (run.timedOut) problems.push(`did not finish (killed after ${run.ms} ms)`)
  if (run.code !== 0 && run.code !== 1)
    problems.push(
      `exit ${run.code} (signal ${run.signal}), expected 0 or 1; stderr: ${run.stderr.slice(0, 300)}`
    )
  problems.push(...stderrProblems(run), ...sarifProblems(run))
  for (const f of want.fire ?? []) {
    const any = Array.isArray(f) ? f : [f]
    if (!any.some(id => unsuppressed(run, id).length > 0))
      problems.push(`expected a ${any.join(' or ')} result`)
  }
  for (const id of want.absent ?? [])
    if (unsuppressed(run, id).length) problems.push(`unexpected ${id} result`)
  for (const id of want.present ?? [])
    if (!results(run).some(r => r.ruleId === id)) problems.push(`expected a ${id} result (suppressed or not)`)
  for (const id of want.suppressed ?? [])
    if (!results(run).some(r => r.ruleId === id && r.suppressions?.length))
      problems.push(`expected ${id} suppressed`)
  if (run.sarif && (run.code === 0 || run.code === 1)) {
    const failing = results(run).some(r => r.level === 'error' && !(r.suppressions?.length ?? 0))
    if (failing !== (run.code === 1))
      problems.push(`exit ${run.code} but unsuppressed error results: ${failing}`)
  }
  expect({ problems, seen, run: brief(run) }).toEqual({ problems: [], seen, run: brief(run) })
}

/** A usage or operational error: exit 2 with exactly one line on stderr, bounded, no trace. */
export function expectOneLineError(run: CliRun, mentions?: RegExp): void {
  const lines = run.stderr.split('\n').filter(l => l.trim() !== '')
  const problems: string[] = []
  if (run.timedOut) problems.push(`did not finish (killed after ${run.ms} ms)`)
  if (run.code !== 2)
    problems.push(`exit ${run.code} (signal ${run.signal}), expected 2; stderr: ${run.stderr.slice(0, 300)}`)
  if (lines.length !== 1) problems.push(`${lines.length} stderr lines, expected 1`)
  problems.push(...stderrProblems(run))
  if (mentions && !mentions.test(run.stderr)) problems.push(`stderr does not mention ${mentions}`)
  expect({ problems, run: brief(run) }).toEqual({ problems: [], run: brief(run) })
}
