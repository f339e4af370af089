// One cause, one finding: where a declared setting and the measurement speak of the same thing (privileged
// and a full bounding set, seccomp=unconfined and Seccomp 0), they become one result, kept at the declared
// finding's location (where the fix goes), at the measurement's level, carrying both. Pure.
import type { ProbeReport } from '../docker/probe-report'
import type { Finding } from '../findings'

interface Cause {
  /** Declared rules that state the cause, most specific first: the first one present takes the measurement. */
  declared: readonly string[]
  /** The measured rule that observes the same cause. */
  measured: string
  /**
   * When the measured rule is silent, whether the measurement shows the declared risk absent (a daemon-wide
   * no-new-privileges, say): then the declared finding is kept as a note saying what was measured.
   */
  absentWhen?: (probe: ProbeReport) => string | undefined
}

export const CAUSES: readonly Cause[] = [
  { declared: ['LP120', 'LP101'], measured: 'LP140' },
  { declared: ['LP220', 'LP222'], measured: 'LP241' },
  {
    declared: ['LP320'],
    measured: 'LP340',
    absentWhen: probe =>
      probe.seccomp.mode === 'filter'
        ? `a seccomp filter is active (Seccomp ${probe.seccomp.raw ?? '2'}), so something else confines the process`
        : undefined
  },
  { declared: ['LP321'], measured: 'LP341' },
  {
    declared: ['LP420'],
    measured: 'LP440',
    absentWhen: probe =>
      probe.no_new_privs.value === true
        ? 'no_new_privs is on (NoNewPrivs 1): the daemon sets it for every container'
        : undefined
  },
  { declared: ['LP523'], measured: 'LP540' }
]

/** The kubelet refusal (LP121): the container never starts, so what says it runs as root is about it. */
const REFUSAL = 'LP121'
/** Measured facts of a process the refusal says never runs: folded into the refusal, not reported apart. */
const MOOT_WHEN_REFUSED = new Set(['LP140', 'LP141', 'LP540'])
/** Static "the image runs as root": true of the image, and the reason for the refusal, which decides. */
const IMAGE_ROOT_RULES = new Set(['LP101', 'LP105'])

/**
 * A container the kubelet refuses to start (runAsNonRoot over a root image, no runAsUser) never runs: the
 * refusal is the one least-privilege result; the image's root user becomes a note beside it, and measurements
 * of a root process that cannot exist there are folded into the refusal's properties. Static or measured.
 */
export function refusalDecides(findings: Finding[]): Finding[] {
  const refusal = findings.find(f => f.ruleId === REFUSAL)
  if (!refusal) return findings
  const moot = findings.filter(f => MOOT_WHEN_REFUSED.has(f.ruleId))
  const folded: Finding = moot.length
    ? {
        ...refusal,
        properties: {
          ...refusal.properties,
          measured: moot.map(f => ({ rule_id: f.ruleId, level: f.level, message: f.message }))
        }
      }
    : refusal
  return findings
    .filter(f => !MOOT_WHEN_REFUSED.has(f.ruleId))
    .map(f => {
      if (f === refusal) return folded
      if (!IMAGE_ROOT_RULES.has(f.ruleId) || f.level === 'note') return f
      return {
        ...f,
        level: 'note',
        message: `${f.message} The kubelet refuses to start this container (${REFUSAL}, ${refusal.file} line ${refusal.line}), so it never runs as root there.`,
        properties: { ...f.properties, static_level: f.level, decided_by: REFUSAL }
      }
    })
}

/** Merges each declared+measured pair into one finding; findings of other rules pass unchanged. */
export function mergeCauses(findings: Finding[], probe: ProbeReport | undefined): Finding[] {
  if (!probe) return findings
  const removed = new Set<Finding>()
  const replaced = new Map<Finding, Finding>()
  for (const cause of CAUSES) {
    const declared = firstOf(findings, cause.declared)
    if (!declared) continue
    const measured = findings.find(f => f.ruleId === cause.measured)
    if (measured) {
      removed.add(measured)
      replaced.set(declared, merged(declared, measured))
      continue
    }
    const absent = cause.absentWhen?.(probe)
    if (absent) replaced.set(declared, settledByMeasurement(declared, absent))
  }
  if (removed.size === 0 && replaced.size === 0) return findings
  return findings.filter(f => !removed.has(f)).map(f => replaced.get(f) ?? f)
}

function firstOf(findings: Finding[], ids: readonly string[]): Finding | undefined {
  for (const id of ids) {
    const found = findings.find(f => f.ruleId === id)
    if (found) return found
  }
  return undefined
}

function merged(declared: Finding, measured: Finding): Finding {
  return {
    ...declared,
    level: measured.level,
    message: `${declared.message} Measured: ${measured.message}`,
    properties: {
      ...declared.properties,
      basis: 'measured',
      declared: { rule_id: declared.ruleId, level: declared.level, ...declared.properties },
      measured: { rule_id: measured.ruleId, level: measured.level, ...measured.properties }
    }
  }
}

function settledByMeasurement(declared: Finding, sentence: string): Finding {
  return {
    ...declared,
    level: 'note',
    message: `${declared.message} Measured: ${sentence}.`,
    properties: {
      ...declared.properties,
      basis: 'measured',
      declared: { rule_id: declared.ruleId, level: declared.level, ...declared.properties },
      measured: { absent: sentence }
    }
  }
}
