// `least-privilege targets [--json] [options] PATH...`: the targets a scan with these options would judge,
// one per line, or with --json as `{"include": [...]}` for `strategy.matrix: ${{ fromJSON(...) }}`.
// Loaded by the lazy entry (./index.ts) without the scanner bundle: it reads files, never the daemon.
import { readSync } from 'node:fs'
import { stdinReader } from '../deployment/load'
import { describeError } from '../errors'
import { terminalSafe } from '../report/escape'
import { entriesOf, matrixOf, MAX_MATRIX_JOBS, planOf, type TargetEntry } from '../scan/target-list'
import { parseCli, type CliIo } from './args'

export interface TargetsIo extends CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

/** Runs the command; returns the exit status (0 listed, 2 usage or operational error). */
export function runTargets(argv: string[], cwd: string, io: TargetsIo): number {
  try {
    const command = parseCli(argv, cwd, io)
    if (command.kind !== 'targets') throw new Error('runTargets needs the targets command')
    const entries = entriesOf(planOf(command.settings))
    // One line: `echo "targets=$(least-privilege targets --json .)" >> "$GITHUB_OUTPUT"` takes it as is.
    io.stdout(command.json ? `${JSON.stringify(matrixOf(entries, 'cli'))}\n` : textList(entries))
    return 0
  } catch (error) {
    io.stderr(`least-privilege: ${describeError(error)}\n`)
    return 2
  }
}

/** One line per target: its id, then the name every report uses; at most one matrix's worth of lines. */
export function textList(entries: TargetEntry[]): string {
  if (entries.length === 0) return 'no targets\n'
  const shown = entries.slice(0, MAX_MATRIX_JOBS)
  const width = Math.max(...shown.map(e => e.id.length))
  const lines = shown.map(e => `${e.id.padEnd(width)}  ${terminalSafe(e.name, { maxLength: 300 })}`)
  if (entries.length > shown.length) lines.push(`… and ${entries.length - shown.length} more`)
  return `${lines.join('\n')}\n`
}

/** The command as a process: argv after the program name, the real stdin, stdout, stderr and environment. */
export function runTargetsProcess(argv: string[]): number {
  return runTargets(argv, process.cwd(), {
    readStdin: stdinReader(buffer => readSync(0, buffer, 0, buffer.length, null)),
    env: process.env,
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text)
  })
}
