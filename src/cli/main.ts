// The CLI entry: `least-privilege scan [options] PATH...`. Exit 0 / 1 (findings) / 2 (usage or operational);
// 130/143 after SIGINT/SIGTERM, with SARIF and the report still written for the Dockerfiles that finished.
import { readFileSync, readSync } from 'node:fs'
import { resolve } from 'node:path'
import { ResourceTracker, newRunId } from '../docker/resources'
import { stdinReader } from '../deployment/load'
import { installStopOnSignal } from '../docker/stop'
import { UsageError, describeError } from '../errors'
import { RESOURCE_LABEL, TOOL_VERSION } from '../meta'
import { terminalSafe } from '../report/escape'
import { renderJson } from '../report/json'
import { allNotifications } from '../report/summary'
import { renderMarkdown } from '../report/markdown'
import { buildSarif, writeSarif } from '../report/sarif'
import { renderText } from '../report/text'
import { ruleMetas } from '../rules/registry'
import { gateOf } from '../scan/gate'
import { outcome as judge, type Outcome } from '../scan/outcome'
import { runScan } from '../scan/scan'
import type { ScanReport } from '../scan/types'
import type { Settings } from '../settings'
import { parseCli } from './args'
import { runTargetsProcess } from './targets-command'
import { USAGE } from './usage'
import { consoleLogger } from './console-logger'
import { colorWanted, terminalWidth } from './terminal'

/** How the text report is drawn: colour and the width no line may pass. */
interface Terminal {
  color: boolean
  width: number
}

async function main(argv: string[]): Promise<number> {
  // Also answered here when the full bundle is loaded directly (dist/cli/index.js answers it itself).
  if (argv[0] === 'targets') return runTargetsProcess(argv)
  let command
  try {
    command = parseCli(argv, process.cwd(), {
      readStdin: stdinReader(buffer => readSync(0, buffer, 0, buffer.length, null)),
      env: process.env
    })
  } catch (error) {
    process.stderr.write(`least-privilege: ${describeError(error)}\n`)
    return 2
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (command.kind === 'version') {
    process.stdout.write(`least-privilege ${TOOL_VERSION}\n`)
    return 0
  }
  if (command.kind === 'targets') return runTargetsProcess(argv)
  const { settings } = command
  const terminal = {
    color: colorWanted(command.color, process.stdout, process.env),
    width: terminalWidth(process.stdout, process.env)
  }
  const logger = consoleLogger(process.env.LEAST_PRIVILEGE_DEBUG === '1')
  // SIGINT/SIGTERM stop the scan: the step in flight is abandoned, the finished Dockerfiles are reported,
  // the rest marked interrupted, everything this run created removed (bounded), then exit 130/143.
  const stop = installStopOnSignal(logger)
  try {
    return await scanAndReport(settings, terminal, logger, stop.signal, stop.exitCode)
  } finally {
    stop.dispose()
  }
}

async function scanAndReport(
  settings: Settings,
  terminal: Terminal,
  logger: ReturnType<typeof consoleLogger>,
  signal: AbortSignal,
  signalExit: () => number | undefined
): Promise<number> {
  const tracker = new ResourceTracker()
  const runId = newRunId('cli')
  // Tests and people find this run's containers, images and volumes by this label.
  logger.debug(`run id ${runId} (label ${RESOURCE_LABEL}=${runId})`)
  let report: ScanReport
  try {
    report = await runScan(settings, { logger, runId, tracker, signal })
  } catch (error) {
    process.stderr.write(`least-privilege: ${describeError(error)}\n`)
    return signalExit() ?? 2
  }
  const rules = ruleMetas()
  // Judged once: the exit status and every format render this one outcome.
  const judged = judge(report, settings.failOn)
  // Built once for the file and for `--format sarif`, so the two are the same log.
  const sarifLog =
    settings.sarifFile || settings.format === 'sarif'
      ? buildSarif(report, rules, {
          repoRoot: settings.repoRoot,
          readFile: reader(settings),
          alerts: judged.alerts,
          ...(settings.sarifCategory !== undefined ? { automationId: settings.sarifCategory } : {})
        })
      : undefined
  if (settings.sarifFile && sarifLog) {
    try {
      writeSarif(settings.sarifFile, sarifLog)
    } catch (error) {
      process.stderr.write(
        `least-privilege: cannot write SARIF to ${settings.sarifFile}: ${describeError(error)}\n`
      )
      return signalExit() ?? 2
    }
  }
  const outcome = gateOf(judged)
  process.stdout.write(
    sarifLog && settings.format === 'sarif'
      ? `${JSON.stringify(sarifLog, null, 2)}\n`
      : render(report, settings, terminal, judged)
  )
  // Operational errors get their one-line reason on stderr whatever the format; the static-only fallback a notice.
  for (const note of allNotifications(report)) {
    const where = note.file ? `${terminalSafe(note.file)}: ` : ''
    if (note.level === 'error')
      process.stderr.write(`least-privilege: ${where}${terminalSafe(note.message)}\n`)
    else if (note.kind === 'daemon-unreachable')
      process.stderr.write(`notice: ${terminalSafe(note.message)}\n`)
  }
  const interrupted = signalExit()
  if (interrupted !== undefined) return interrupted
  if (outcome.operationalErrors > 0) return 2
  return outcome.failed ? 1 : 0
}

function render(report: ScanReport, settings: Settings, terminal: Terminal, judged: Outcome): string {
  const rules = ruleMetas()
  const failOn = settings.failOn
  if (settings.format === 'json')
    return `${JSON.stringify(renderJson(report, rules, { failOn, outcome: judged }), null, 2)}\n`
  if (settings.format === 'markdown') return `${renderMarkdown(report, rules, { failOn, outcome: judged })}\n`
  return renderText(report, rules, { color: terminal.color, width: terminal.width, failOn, outcome: judged })
}

/** Reads repo files for SARIF fingerprints; undefined when unreadable. */
function reader(settings: Settings) {
  return (relativePath: string): string | undefined => {
    try {
      // resolve, not join: a file outside the repository root comes as an absolute path.
      return readFileSync(resolve(settings.repoRoot, relativePath), 'utf8')
    } catch {
      return undefined
    }
  }
}

/** Runs the CLI as a process: sets the exit status, and never lets an error escape as a stack trace. */
export async function runCliProcess(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv)
    // Everything is written; a socket the daemon never answered (a stalled proxy) must not keep us alive.
    setTimeout(() => process.exit(), 2_000).unref()
  } catch (error) {
    // A bug, not a user error: still one line, never a stack trace (set LEAST_PRIVILEGE_DEBUG=1 for it).
    if (process.env.LEAST_PRIVILEGE_DEBUG === '1') process.stderr.write(`${(error as Error)?.stack}\n`)
    const prefix = error instanceof UsageError ? '' : 'internal error: '
    process.stderr.write(`least-privilege: ${prefix}${describeError(error)}\n`)
    process.exitCode = 2
  }
}
