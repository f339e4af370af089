// The action's outputs (names are a contract, see action.yml).
import * as core from '@actions/core'
import type { GateResult } from '../scan/gate'

export interface ActionOutputs {
  'sarif-file': string
  verdict: 'pass' | 'fail'
  findings: number
  errors: number
  warnings: number
  report: string
}

export function outputsFrom(verdict: GateResult, sarifFile: string, reportFile: string): ActionOutputs {
  const { error, warning, note } = verdict.counts
  return {
    'sarif-file': sarifFile,
    verdict: verdict.failed ? 'fail' : 'pass',
    findings: error + warning + note,
    errors: error,
    warnings: warning,
    report: reportFile
  }
}

export function setOutputs(outputs: ActionOutputs): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, String(value))
}
