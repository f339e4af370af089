// Decides the exit status / required-check outcome: fail exactly when a finding at or above the threshold
// exists or the scan itself failed.
import { type FailOn, type Level, meetsThreshold } from '../findings'
import type { ScanReport } from './types'

export interface GateResult {
  failed: boolean
  /** One sentence for the summary's first line and the CLI's last line. */
  reason: string
  counts: Record<Level, number>
  suppressed: number
  operationalErrors: number
}

export function gate(report: ScanReport, failOn: FailOn): GateResult {
  const counts: Record<Level, number> = { error: 0, warning: 0, note: 0 }
  let suppressed = 0
  for (const result of report.results) {
    for (const finding of result.findings) {
      if (finding.suppression) suppressed++
      else counts[finding.level]++
    }
  }
  const operationalErrors = [...report.notifications, ...report.results.flatMap(r => r.notifications)].filter(
    n => n.level === 'error'
  ).length
  const blocking = (['error', 'warning', 'note'] as const)
    .filter(level => meetsThreshold(level, failOn))
    .reduce((sum, level) => sum + counts[level], 0)
  const files = report.results.length
  const scope = `${files} Dockerfile${files === 1 ? '' : 's'}`
  if (operationalErrors > 0) {
    const findingsPart = blocking > 0 ? ` and ${blocking} finding${blocking === 1 ? '' : 's'} at or above ${failOn}` : ''
    return {
      failed: true,
      reason: `The scan itself failed (${operationalErrors} operational error${operationalErrors === 1 ? '' : 's'})${findingsPart} in ${scope}.`,
      counts,
      suppressed,
      operationalErrors
    }
  }
  if (blocking > 0) {
    return {
      failed: true,
      reason: `${blocking} finding${blocking === 1 ? '' : 's'} at or above ${failOn} in ${scope}.`,
      counts,
      suppressed,
      operationalErrors
    }
  }
  const threshold = failOn === 'never' ? 'fail-on is never' : `no finding at or above ${failOn}`
  return { failed: false, reason: `Passed: ${threshold} in ${scope}.`, counts, suppressed, operationalErrors }
}
