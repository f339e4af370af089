// Bundled by bench/scaling.mjs and run once per (family, size) in a fresh process, so that its peak memory
// is its own: builds one pathological Dockerfile, writes it to a temp file and runs the whole static path
// on it a few times (read -> model -> rules -> suppressions -> rows -> SARIF, then the renderers as the CLI
// and the action call them: JSON, text, markdown, the 1 MiB job summary and the PR comment), after one
// warm-up run that is not counted. The heap is collected before each step (node --expose-gc), so one step's
// garbage is not billed to the next. Prints one JSON line: median and fastest milliseconds of the static
// path and of each renderer, peak RSS, findings, notifications, output sizes, per-step milliseconds and
// any renderer error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildModel } from '../src/dockerfile/model'
import { defaultProfile } from '../src/profile/parse'
import { renderJson } from '../src/report/json'
import { renderCommentBody, renderMarkdown } from '../src/report/markdown'
import { buildSarif } from '../src/report/sarif'
import { renderText } from '../src/report/text'
import { evaluateRules } from '../src/rules/engine'
import { ALL_RULES, ruleMetas } from '../src/rules/registry'
import { applySuppressions } from '../src/rules/suppress'
import { readDockerfileText } from '../src/scan/read-dockerfile'
import { principleRows } from '../src/scan/rows'
import type { Notification, ScanReport, ScanResult } from '../src/scan/types'

const repeat = (n: number, make: (i: number) => string): string => {
  const parts: string[] = []
  for (let i = 0; i < n; i++) parts.push(make(i))
  return parts.join('')
}

/** Each family builds a file from its size; the sizes double in bench/scaling.mjs. */
export const FAMILIES: Record<string, (n: number) => string> = {
  lines: n => `FROM scratch\n${repeat(n, i => `RUN echo line${i}\n`)}USER 1000\n`,
  stages: n => repeat(n, () => 'FROM scratch\n'),
  'chained-stages': n =>
    `FROM scratch AS s0\n${repeat(n, i => `FROM s${i} AS s${i + 1}\nCOPY --from=s${i} /a /a\nRUN chmod u+s /b${i}\n`)}`,
  findings: n => `FROM scratch\n${repeat(n, i => `RUN chmod 4755 /b${i}\n`)}`,
  continuations: n =>
    `FROM scratch\nRUN echo start \\\n${repeat(n, i => `  && chmod 4755 /c${i} \\\n`)}  && true\n`,
  // A file-wide pragma whose reason grows with the file, over as many findings: each finding carries it.
  'pragma-reason': n =>
    `# least-privilege ignore-file=LP401 ${'r'.repeat(16 * n)}\nFROM scratch\n${repeat(n, i => `RUN chmod 4755 /b${i}\n`)}`,
  'var-refs': n => `FROM scratch\nARG V=1\nUSER ${repeat(n, () => '${V}')}\n`,
  'var-nested': n => `FROM scratch\nUSER ${repeat(n, i => `\${a${i}:-`)}x${repeat(n, () => '}')}\n`,
  'var-unclosed': n => `FROM scratch\nUSER ${repeat(n, () => '${')}\n`,
  'exec-words': n => `FROM scratch\nRUN sudo${repeat(n, () => ' -exec')}\n`,
  // n KiB in lines of up to 1 MiB, each a chmod with many operands (up to the 4 MiB file cap).
  'megabyte-lines': n => {
    const total = n * 1024
    const lines: string[] = ['FROM scratch']
    let size = 13
    while (size < total) {
      const room = Math.min(1024 * 1024, total - size) - 30
      const words = Math.max(1, Math.floor(room / 6))
      const line = `RUN chmod 4755${repeat(words, i => ` /${(i % 9999).toString().padStart(4, '0')}`)}`
      lines.push(line)
      size += line.length + 1
    }
    return `${lines.join('\n')}\n`
  }
}

/** Renderers, timed and judged one by one (bench/scaling.mjs). */
export const RENDERERS = ['json', 'text', 'markdown', 'summary', 'comment'] as const

const LINK_BASE = 'https://github.com/o/r/blob/0123456789abcdef0123456789abcdef01234567/'
const SUMMARY_BYTES = 1024 * 1024 - 16 * 1024
const collect = (globalThis as { gc?: () => void }).gc

const stageMs: Record<string, number> = {}
/** CPU milliseconds (user + system, all threads) per step: what other processes' load does not inflate. */
const stageCpu: Record<string, number> = {}
const errors: Record<string, string> = {}

/** Times one step into stageMs and stageCpu; a renderer that throws is recorded (and reported), not fatal. */
function step<T>(name: string, run: () => T, fallback?: T): T {
  collect?.()
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  try {
    return run()
  } catch (error) {
    if (fallback === undefined) throw error
    errors[name] ??= String((error as Error)?.message ?? error).split('\n')[0]
    return fallback
  } finally {
    stageMs[name] = (stageMs[name] ?? 0) + Number(process.hrtime.bigint() - start) / 1e6
    const used = process.cpuUsage(cpu)
    stageCpu[name] = (stageCpu[name] ?? 0) + (used.user + used.system) / 1000
  }
}

function scanOnce(
  path: string,
  file: string
): { findings: number; notes: number; bytes: Record<string, number> } {
  const read = step('read', () => readDockerfileText(path))
  if (!read.ok) throw new Error(`${file}: ${read.reason}`)
  const profile = defaultProfile()
  const model = step('model', () => buildModel(read.text, file))
  const notifications: Notification[] = model.problems.map(problem => ({
    level: 'warning',
    kind: 'parse-error',
    message: `line ${problem.line}: ${problem.message}`,
    file,
    line: problem.line
  }))
  const metas = ruleMetas()
  const raw = step('rules', () => evaluateRules(ALL_RULES, { model, profile }))
  const findings = step('suppress', () => applySuppressions(raw, model, metas))
  const notMeasuredReason = 'static only (--no-build)'
  const result: ScanResult = {
    file,
    model,
    profile,
    findings,
    notMeasuredReason,
    rows: principleRows({ model, profile, notMeasuredReason, findings }),
    notifications
  }
  const now = new Date().toISOString()
  const report: ScanReport = { results: [result], notifications: [], startedAt: now, finishedAt: now }
  const sarif = step('sarif', () =>
    JSON.stringify(buildSarif(report, metas, { repoRoot: '/', readFile: () => read.text }))
  )
  const bytes: Record<string, number> = { input: read.text.length, sarif: sarif.length }
  // As src/cli/main.ts and src/action/main.ts call them; only each output's size is kept.
  const outputs: Record<(typeof RENDERERS)[number], () => string> = {
    json: () => JSON.stringify(renderJson(report, metas), null, 2),
    text: () => renderText(report, metas, { color: false, failOn: 'error' }),
    markdown: () => renderMarkdown(report, metas),
    summary: () => renderMarkdown(report, metas, { linkBase: LINK_BASE, maxBytes: SUMMARY_BYTES }),
    comment: () =>
      renderCommentBody(report, metas, {
        marker: 'least-privilege bench',
        summaryUrl: 'https://github.com/o/r/actions/runs/1',
        maxChars: 65_536,
        linkBase: LINK_BASE
      })
  }
  for (const name of RENDERERS) bytes[name] = step(name, outputs[name], '').length
  return { findings: findings.length, notes: notifications.length, bytes }
}

const [family, sizeText, runsText] = process.argv.slice(2)
const make = FAMILIES[family]
if (!make) {
  process.stderr.write(`unknown family ${family}; known: ${Object.keys(FAMILIES).join(', ')}\n`)
  process.exit(2)
}
const size = Number(sizeText)
const runs = Number(runsText ?? 3)
const dir = mkdtempSync(join(tmpdir(), 'lp-scaling-'))
try {
  const path = join(dir, 'Dockerfile')
  writeFileSync(path, make(size))
  // Judged: the static path up to the SARIF log, and each renderer on its own.
  const STATIC = ['read', 'model', 'rules', 'suppress', 'sarif']
  const times: number[] = []
  const cpuTimes: number[] = []
  const renderTimes: Record<string, number[]> = Object.fromEntries(RENDERERS.map(r => [r, []]))
  const renderCpu: Record<string, number[]> = Object.fromEntries(RENDERERS.map(r => [r, []]))
  let last: ReturnType<typeof scanOnce> | undefined
  // One warm-up run (compiles the hot code) whose times are not kept.
  scanOnce(path, 'Dockerfile')
  for (const key of Object.keys(stageMs)) delete stageMs[key]
  for (const key of Object.keys(stageCpu)) delete stageCpu[key]
  for (let i = 0; i < runs; i++) {
    const before = { ...stageMs }
    const beforeCpu = { ...stageCpu }
    last = scanOnce(path, 'Dockerfile')
    const spent = (name: string): number => (stageMs[name] ?? 0) - (before[name] ?? 0)
    const spentCpu = (name: string): number => (stageCpu[name] ?? 0) - (beforeCpu[name] ?? 0)
    times.push(STATIC.reduce((sum, name) => sum + spent(name), 0))
    cpuTimes.push(STATIC.reduce((sum, name) => sum + spentCpu(name), 0))
    for (const name of RENDERERS) {
      renderTimes[name].push(spent(name))
      renderCpu[name].push(spentCpu(name))
    }
  }
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const fastest = (values: number[]): number => Math.min(...values)
  process.stdout.write(
    `${JSON.stringify({
      family,
      size,
      ms: median(times),
      minMs: fastest(times),
      cpuMs: fastest(cpuTimes),
      renderMs: RENDERERS.reduce((sum, name) => sum + median(renderTimes[name]), 0),
      render: Object.fromEntries(
        RENDERERS.map(name => [
          name,
          {
            ms: median(renderTimes[name]),
            minMs: fastest(renderTimes[name]),
            cpuMs: fastest(renderCpu[name])
          }
        ])
      ),
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      heapUsedMiB: process.memoryUsage().heapUsed / 1048576,
      findings: last?.findings,
      notifications: last?.notes,
      bytes: last?.bytes,
      stageMs: Object.fromEntries(Object.entries(stageMs).map(([k, v]) => [k, Math.round(v / runs)])),
      errors
    })}\n`
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
