// The job summary: a first line with the verdict and why, then the full Markdown report, under the
// 1 MiB a step summary may hold (above it GitHub drops the whole summary).
import * as core from '@actions/core'
import type { GateResult } from '../scan/gate'
import type { ScanReport } from '../scan/types'
import { escapeInline } from '../report/escape'
import { safeInfo } from './runner-safe'

export const SUMMARY_LIMIT_BYTES = 1024 * 1024
// Room for the runner's own framing and for our closing note.
const SAFETY_BYTES = 4 * 1024

/** The first line: verdict and the gate's reason, nothing else. The reason may name files and quote errors. */
export function verdictLine(verdict: GateResult): string {
  const reason = escapeInline(verdict.reason, { maxLength: 400, atLineStart: false })
  return verdict.failed
    ? `### ❌ least-privilege failed: ${reason}`
    : `### ✅ least-privilege passed: ${reason}`
}

/** A line saying nothing was measured, when that is so (no daemon, build off, build failed). */
export function staticOnlyLine(report: ScanReport): string | undefined {
  if (report.results.length === 0 || report.results.some(r => r.measurement)) return undefined
  const why = report.results.find(r => r.notMeasuredReason)?.notMeasuredReason
  // The reason may itself start "static only (build: false)": say it once.
  const reason = why?.replace(/^static only \((.*)\)$/, '$1')
  const because = reason ? ` (${escapeInline(reason, { maxLength: 300, atLineStart: false })})` : ''
  return `Static-only scan: nothing was measured in a running container${because}.`
}

export function composeSummary(
  verdict: GateResult,
  report: ScanReport,
  body: string,
  limit = SUMMARY_LIMIT_BYTES
): string {
  const head = [verdictLine(verdict), staticOnlyLine(report)].filter(Boolean).join('\n\n')
  // The report opens with its own verdict heading; ours (the gate's, which sets the step status) replaces it.
  const rest = body.trim().replace(/^### [✅❌][^\n]*\n*/u, '')
  return fitBytes(`${head}\n\n${rest}\n`, limit)
}

/** Cuts at a line break so the text fits in `limit` UTF-8 bytes, and says so. */
export function fitBytes(text: string, limit = SUMMARY_LIMIT_BYTES): string {
  if (Buffer.byteLength(text) <= limit - SAFETY_BYTES) return text
  const note =
    '\n\n… the summary was cut to stay under GitHub’s 1 MiB limit; the SARIF file and the JSON report have everything.\n'
  const bytes = Buffer.from(text, 'utf8').subarray(0, limit - SAFETY_BYTES - Buffer.byteLength(note))
  // Decoding may end in a broken character; drop back to the last whole line.
  let cut = bytes.toString('utf8')
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))
  const open = (cut.match(/<details[\s>]/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length
  const fence = (cut.match(/^\s*```/gm) ?? []).length % 2 === 1 ? '\n```' : ''
  return `${cut}${fence}${'\n</details>'.repeat(Math.max(0, open))}${note}`
}

/** Appends to $GITHUB_STEP_SUMMARY; without one (a local run) the summary is skipped with a note. */
export async function writeSummary(text: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!env.GITHUB_STEP_SUMMARY) {
    safeInfo('GITHUB_STEP_SUMMARY is not set; skipping the job summary')
    return false
  }
  await core.summary.addRaw(text).write()
  core.summary.emptyBuffer()
  return true
}
