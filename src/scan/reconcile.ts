// When a static guess and a measurement disagree, the measurement decides and the disagreement is reported.
import type { Measurement } from '../docker/types'
import type { Finding } from '../findings'

/** Static rules whose verdict a measured non-root workload overturns. */
const ROOT_USER_RULES = new Set(['LP101'])

/** The uid the real workload runs as: its processes when seen, else the probe's own identity. */
export function measuredWorkloadUid(measurement: Measurement): number | undefined {
  const processes = measurement.workload?.processes ?? []
  if (processes.length > 0) return Math.max(...processes.map(p => p.euid)) === 0 ? 0 : processes[0].euid
  return measurement.probe?.identity.uid.effective
}

export function reconcileWithMeasurement(findings: Finding[], measurement?: Measurement): Finding[] {
  if (!measurement?.probe) return findings
  const uid = measuredWorkloadUid(measurement)
  if (uid === undefined || uid === 0) return findings
  return findings.map(finding => {
    if (!ROOT_USER_RULES.has(finding.ruleId) || finding.evidence !== 'dockerfile') return finding
    return {
      ...finding,
      level: 'note',
      message: `${finding.message} Measured: the workload runs as uid ${uid}, so the measurement overrides this static guess.`,
      properties: { ...finding.properties, measured_uid: uid, static_level: finding.level }
    }
  })
}
