// The CLI entry: `least-privilege scan [options] PATH...`. Exit 0 / 1 (findings) / 2 (usage or operational).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createDockerClient } from '../docker/client'
import { ResourceTracker, installSignalCleanup, newRunId } from '../docker/resources'
import { UsageError, describeError } from '../errors'
import { TOOL_VERSION } from '../meta'
import { terminalSafe } from '../report/escape'
import { renderJson } from '../report/json'
import { allNotifications } from '../report/summary'
import { renderMarkdown } from '../report/markdown'
import { buildSarif, writeSarif } from '../report/sarif'
import { renderText } from '../report/text'
import { ruleMetas } from '../rules/registry'
import { gate } from '../scan/gate'
import { runScan } from '../scan/scan'
import type { ScanReport } from '../scan/types'
import type { Settings } from '../settings'
import { USAGE, parseCli } from './args'
import { consoleLogger } from './console-logger'
import type { Logger } from '../logger'

async function main(argv: string[]): Promise<number> {
  let command
  try {
    command = parseCli(argv, process.cwd())
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
  const { settings } = command
  const color = command.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR)
  const logger = consoleLogger(process.env.LEAST_PRIVILEGE_DEBUG === '1')
  // SIGINT/SIGTERM remove every container and image this run created, then exit 130/143.
  const tracker = new ResourceTracker()
  const stopSignals = signalCleanup(tracker, logger)

  let report: ScanReport
  try {
    report = await runScan(settings, { logger, runId: newRunId('cli'), tracker })
  } catch (error) {
    process.stderr.write(`least-privilege: ${describeError(error)}\n`)
    return 2
  } finally {
    stopSignals()
  }
  const rules = ruleMetas()
  if (settings.sarifFile) {
    try {
      writeSarif(
        settings.sarifFile,
        buildSarif(report, rules, { repoRoot: settings.repoRoot, readFile: reader(settings) })
      )
    } catch (error) {
      process.stderr.write(
        `least-privilege: cannot write SARIF to ${settings.sarifFile}: ${describeError(error)}\n`
      )
      return 2
    }
  }
  const outcome = gate(report, settings.failOn)
  process.stdout.write(render(report, settings, color))
  // Operational errors get their one-line reason on stderr whatever the format; the static-only fallback a notice.
  for (const note of allNotifications(report)) {
    const where = note.file ? `${terminalSafe(note.file)}: ` : ''
    if (note.level === 'error')
      process.stderr.write(`least-privilege: ${where}${terminalSafe(note.message)}\n`)
    else if (note.kind === 'daemon-unreachable')
      process.stderr.write(`notice: ${terminalSafe(note.message)}\n`)
  }
  if (outcome.operationalErrors > 0) return 2
  return outcome.failed ? 1 : 0
}

function signalCleanup(tracker: ResourceTracker, logger: Logger): () => void {
  try {
    return installSignalCleanup(tracker, createDockerClient(), logger)
  } catch {
    return () => undefined // an unusable DOCKER_HOST: the scan reports it; nothing can be created to clean
  }
}

function render(report: ScanReport, settings: Settings, color: boolean): string {
  const rules = ruleMetas()
  if (settings.format === 'json') return `${JSON.stringify(renderJson(report, rules), null, 2)}\n`
  if (settings.format === 'markdown') return `${renderMarkdown(report, rules, { failOn: settings.failOn })}\n`
  return renderText(report, rules, { color, failOn: settings.failOn })
}

/** Reads repo files for SARIF fingerprints; undefined when unreadable. */
function reader(settings: Settings) {
  return (relativePath: string): string | undefined => {
    try {
      return readFileSync(join(settings.repoRoot, relativePath), 'utf8')
    } catch {
      return undefined
    }
  }
}

/** Runs the CLI as a process: sets the exit status, and never lets an error escape as a stack trace. */
export async function runCliProcess(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv)
  } catch (error) {
    // A bug, not a user error: still one line, never a stack trace (set LEAST_PRIVILEGE_DEBUG=1 for it).
    if (process.env.LEAST_PRIVILEGE_DEBUG === '1') process.stderr.write(`${(error as Error)?.stack}\n`)
    const prefix = error instanceof UsageError ? '' : 'internal error: '
    process.stderr.write(`least-privilege: ${prefix}${describeError(error)}\n`)
    process.exitCode = 2
  }
}
