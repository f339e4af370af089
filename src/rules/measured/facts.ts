// Small readers over a ProbeReport shared by the measured rules, so every rule names values the same way.
import type { ProbeCapSet, ProbeReport } from '../../docker/probe-report'
import { decodeCapMask, LAST_KNOWN_CAP } from '../../profile/capabilities'

/** Names in a measured set; decoded from the raw hex when the probe left `names` empty. */
export function capNames(set: ProbeCapSet): string[] {
  return set.names.length > 0 || !set.raw ? set.names : decodeCapMask(set.raw)
}

export function lastCap(probe: ProbeReport): number {
  return probe.kernel.cap_last_cap ?? LAST_KNOWN_CAP
}

export function effectiveUid(probe: ProbeReport): number {
  return probe.identity.uid.effective
}

/** Files that can raise a process's privileges on exec: setuid-root, or carrying file capabilities. */
export function escalatingFiles(probe: ProbeReport): ProbeReport['privileged_files']['files'] {
  return probe.privileged_files.files.filter(f => (f.setuid && f.uid === 0) || f.file_caps)
}

/** A non-root process can reach the bounding set: no_new_privs off and a setuid-root/file-cap binary present. */
export function canRegainBoundingSet(probe: ProbeReport): boolean {
  return probe.no_new_privs.value === false && escalatingFiles(probe).length > 0
}

/** The measured values every measured finding carries, in the probe's own (snake_case) vocabulary. */
export function measuredBasics(probe: ProbeReport): Record<string, unknown> {
  const sets = probe.capabilities.sets
  return {
    uid: probe.identity.uid.effective,
    gid: probe.identity.gid.effective,
    groups: probe.identity.groups,
    cap_eff: sets.effective.raw,
    cap_bnd: sets.bounding.raw,
    no_new_privs: probe.no_new_privs.value,
    seccomp: probe.seccomp.mode,
    host_uid: probe.userns.host_uid
  }
}

/** "a, b, c and 4 more" for messages; the full list goes into properties. */
export function listSome(items: string[], max = 5): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`
}
