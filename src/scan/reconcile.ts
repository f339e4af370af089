// When a static guess and a measurement disagree, the measurement decides and the disagreement is reported.
import type { Measurement } from '../docker/types'
import type { Finding } from '../findings'
import { mergeCauses, refusalDecides } from '../rules/causes'

/** Static "runs as root" guesses that a measured non-root workload overturns. */
const ROOT_USER_RULES = new Set(['LP101'])
/** Static "cannot tell the user" findings that any measurement settles. */
const UNKNOWN_USER_RULES = new Set(['LP105'])

/**
 * The uid the real workload runs as: its processes when seen (root if any is root), else the probe's own
 * identity. Undefined when nothing trustworthy was read (the probe reports -1 for an unreadable status).
 */
export function measuredWorkloadUid(measurement: Measurement): number | undefined {
  const processes = measurement.workload?.processes ?? []
  if (processes.length > 0) return processes.some(p => p.euid === 0) ? 0 : processes[0].euid
  const uid = measurement.probe?.identity.uid.effective
  return uid === undefined || uid < 0 ? undefined : uid
}

/**
 * The measurement settles static guesses, then one cause declared and measured becomes one finding; a
 * container the kubelet refuses is decided by that refusal (static or measured).
 */
export function reconcileWithMeasurement(findings: Finding[], measurement?: Measurement): Finding[] {
  if (!measurement?.probe) return refusalDecides(findings)
  return refusalDecides(mergeCauses(settleUserGuesses(findings, measurement), measurement.probe))
}

function settleUserGuesses(findings: Finding[], measurement: Measurement): Finding[] {
  const uid = measuredWorkloadUid(measurement)
  if (uid === undefined) return findings
  return findings.map(finding => {
    if (finding.evidence !== 'dockerfile') return finding
    if (ROOT_USER_RULES.has(finding.ruleId) && uid !== 0) {
      return settled(
        finding,
        `Measured: the workload runs as uid ${uid}, so the measurement overrides this static guess.`,
        uid
      )
    }
    if (UNKNOWN_USER_RULES.has(finding.ruleId)) {
      const who = uid === 0 ? 'uid 0 (root; see the measured finding)' : `uid ${uid}`
      return settled(finding, `Measured: the workload runs as ${who}.`, uid)
    }
    return finding
  })
}

function settled(finding: Finding, sentence: string, uid: number): Finding {
  return {
    ...finding,
    level: 'note',
    message: `${finding.message} ${sentence}`,
    properties: { ...finding.properties, measured_uid: uid, static_level: finding.level }
  }
}
