// Decides the exit status / required-check outcome: fail exactly when a finding at or above the threshold
// exists or the scan itself failed. The counting and the sentence live in ./outcome, computed once and
// shown by every report format too, so the gate and the reports can never disagree.
import type { FailOn, Level } from '../findings'
import { outcome, type Outcome } from './outcome'
import type { ScanReport } from './types'

export interface GateResult {
  failed: boolean
  /** One sentence for the summary's first line and the CLI's last line. */
  reason: string
  counts: Record<Level, number>
  suppressed: number
  operationalErrors: number
}

/** The gate of a scan; pass the outcome already computed for the reports to judge them alike. */
export function gate(report: ScanReport, failOn: FailOn, judged?: Outcome): GateResult {
  return gateOf(judged ?? outcome(report, failOn))
}

export function gateOf(result: Outcome): GateResult {
  return {
    failed: result.verdict === 'fail',
    reason: result.reason,
    counts: { ...result.byLevel },
    suppressed: result.suppressed,
    operationalErrors: result.scanErrors.length
  }
}
