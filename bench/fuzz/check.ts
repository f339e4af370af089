// One fuzz input through the whole static path the CLI and the action take: read -> model -> rules ->
// suppressions -> rows, then SARIF and every renderer. Returns the problems found (empty = the input held).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { silentLogger } from '../../src/logger'
import { renderJson } from '../../src/report/json'
import { renderCommentBody, renderMarkdown } from '../../src/report/markdown'
import { buildSarif } from '../../src/report/sarif'
import { renderText } from '../../src/report/text'
import { ruleMetas } from '../../src/rules/registry'
import { runScan } from '../../src/scan/scan'
import { DEFAULT_SETTINGS, type Settings } from '../../src/settings'

export interface Problem {
  kind: 'crash' | 'internal-error' | 'stack-trace' | 'invalid-sarif' | 'over-budget'
  detail: string
}

export interface CheckOptions {
  /** A folder for the input file (one per worker: the file is rewritten for every input). */
  dir: string
  /** Schema errors of a SARIF log, empty when valid (injected: the schema lives in a dev dependency). */
  validateSarif: (log: unknown) => string[]
  /** Per-input wall-time budget in milliseconds. */
  budgetMs: number
}

const rules = ruleMetas()
const STACK_LINE = /\n\s+at .+:\d+:\d+\)?/

export async function checkInput(
  text: string,
  options: CheckOptions
): Promise<{ problems: Problem[]; ms: number }> {
  const file = join(options.dir, 'Dockerfile')
  writeFileSync(file, text)
  const settings = {
    ...DEFAULT_SETTINGS,
    build: false,
    paths: [file],
    cwd: options.dir,
    repoRoot: options.dir
  }
  const problems: Problem[] = []
  const started = performance.now()
  try {
    const report = await runScan(settings as Settings, { logger: silentLogger, runId: 'fuzz' })
    for (const result of report.results)
      for (const note of result.notifications)
        if (note.kind === 'internal-error') problems.push({ kind: 'internal-error', detail: note.message })
    const sarif = buildSarif(report, rules, { repoRoot: options.dir })
    const outputs = [
      JSON.stringify(sarif),
      JSON.stringify(renderJson(report, rules)),
      renderMarkdown(report, rules, { failOn: 'error' }),
      renderCommentBody(report, rules, { marker: '<!-- fuzz -->', maxChars: 65_536, failOn: 'error' }),
      renderText(report, rules, { color: false, failOn: 'error' })
    ]
    for (const output of outputs)
      if (STACK_LINE.test(output)) problems.push({ kind: 'stack-trace', detail: 'a stack trace in a report' })
    const errors = options.validateSarif(sarif)
    if (errors.length > 0) problems.push({ kind: 'invalid-sarif', detail: errors.slice(0, 3).join('; ') })
  } catch (error) {
    problems.push({
      kind: 'crash',
      detail: String((error as Error)?.stack ?? error)
        .split('\n')
        .slice(0, 3)
        .join(' | ')
    })
  }
  const ms = performance.now() - started
  if (ms > options.budgetMs)
    problems.push({ kind: 'over-budget', detail: `${ms.toFixed(0)} ms > ${options.budgetMs} ms` })
  return { problems, ms }
}
