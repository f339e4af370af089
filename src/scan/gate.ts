// Decides the exit status / required-check outcome: fail exactly when a finding at or above the threshold
// exists or the scan itself failed. The counting and the sentence live in report/summary's `outcome`, which
// every report format also shows, so the gate and the reports can never disagree.
import type { FailOn, Level } from '../findings'
import { outcome } from '../report/summary'
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
  const result = outcome(report, failOn)
  return {
    failed: result.verdict === 'fail',
    reason: result.reason,
    counts: { ...result.byLevel },
    suppressed: result.suppressed,
    operationalErrors: result.scanErrors.length
  }
}
