// Checks the probe's stdout: one JSON object with schema_version 1. Pure: no I/O.
import { OperationalError } from '../errors'
import type { ProbeReport } from './probe-report'

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map(l => l.trim())
      .find(Boolean) ?? ''
  )
}

export function parseProbeOutput(stdout: string, stderr: string, exitCode: number): ProbeReport {
  const why = (problem: string): OperationalError => {
    const said = firstLine(stderr)
    return new OperationalError(
      `probe ${problem} (exit code ${exitCode})${said ? `: ${said}` : ''}`,
      'probe-failed'
    )
  }
  const text = stdout.trim()
  if (!text) throw why('printed no report')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw why('printed something that is not JSON')
  }
  const report = parsed as Partial<ProbeReport> | null
  if (!report || typeof report !== 'object' || Array.isArray(report)) throw why('printed no JSON object')
  if (report.schema_version !== 1)
    throw why(`report has schema_version ${String(report.schema_version)}, expected 1`)
  for (const key of ['identity', 'capabilities', 'seccomp', 'no_new_privs'] as const) {
    if (typeof report[key] !== 'object' || report[key] === null) throw why(`report lacks '${key}'`)
  }
  return report as ProbeReport
}
