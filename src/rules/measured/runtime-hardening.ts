// Measured capabilities against what the profile declares (moby's TweakCapabilities over Docker's defaults).
import { DOCKER_2010_LAST_CAP, dockerCapabilitySet, isDangerousCap } from '../../profile/capabilities'
import type { Rule } from '../types'
import {
  canRegainBoundingSet,
  capNames,
  effectiveUid,
  escalatingFiles,
  lastCap,
  listSome,
  measuredBasics
} from './facts'

export const capabilitiesBeyondDeclared: Rule = {
  meta: {
    id: 'LP240',
    name: 'capabilities-beyond-declared',
    principle: 'runtime-hardening',
    evidence: 'measured',
    level: 'error',
    securitySeverity: 8.0,
    title: 'The container holds capabilities its deployment flags do not grant',
    description:
      "The expected bounding set is Docker's default 14 capabilities minus `--cap-drop` plus `--cap-add` (all of them " +
      'for `--privileged` or `--cap-add ALL`). The probe measured more: the engine, a runtime default, or a flag that ' +
      'was not declared gives the container capabilities nobody reviewed. An error when an extra capability is ' +
      'effective or dangerous, a warning otherwise.',
    fix: 'Declare the real runtime flags in run-options and add `--cap-drop=ALL`; find what grants the extra capabilities.'
  },
  check({ probe, profile }) {
    if (!probe) return []
    const expected = new Set(dockerCapabilitySet(profile, lastCap(probe)))
    const bounding = capNames(probe.capabilities.sets.bounding)
    const effective = capNames(probe.capabilities.sets.effective)
    const extraBounding = bounding.filter(c => !expected.has(c))
    const extraEffective = effective.filter(c => !expected.has(c))
    if (extraBounding.length === 0 && extraEffective.length === 0) return []
    const dangerous = extraBounding.filter(isDangerousCap)
    const whose = profile.declared ? 'the deployment flags grant' : "Docker's defaults grant"
    return [
      {
        message: `The bounding set holds ${extraBounding.length} capabilities beyond what ${whose}: ${listSome(extraBounding, 8)}${extraEffective.length ? ` (${extraEffective.length} of them effective)` : ''}.`,
        level: extraEffective.length > 0 || dangerous.length > 0 ? 'error' : 'warning',
        properties: {
          ...measuredBasics(probe),
          expected: [...expected],
          extra_bounding: extraBounding,
          extra_effective: extraEffective,
          ...(profile.declared ? {} : { defaults: true })
        }
      }
    ]
  }
}

/**
 * Full, or full but for one capability: a privileged container on a host whose own root lacks one capability
 * (observed: SYS_RESOURCE on the test VMs, CapBnd 3ffeffffff) is still privileged in every way that matters.
 * Docker 20.10's "ALL" stops at AUDIT_READ (37), so caps 38-40 are not required.
 */
export function boundingSetIsFull(
  names: string[],
  cap_last_cap: number,
  probeSaysFull: boolean
): { full: boolean; missing: string[] } {
  if (probeSaysFull) return { full: true, missing: [] }
  const have = new Set(names)
  const missing: string[] = []
  const upTo = Math.min(DOCKER_2010_LAST_CAP, cap_last_cap)
  for (const cap of dockerCapabilitySet({ privileged: true, capAdd: [], capDrop: [] }, upTo)) {
    if (!have.has(cap)) missing.push(cap)
  }
  return { full: missing.length <= 1, missing }
}

export const fullBoundingSet: Rule = {
  meta: {
    id: 'LP241',
    name: 'full-bounding-set',
    principle: 'runtime-hardening',
    evidence: 'measured',
    level: 'error',
    securitySeverity: 9.0,
    title: 'The container has a full capability bounding set',
    description:
      'The bounding set is the ceiling of what any process in the container can ever hold. A full set (what ' +
      '`--privileged` or `--cap-add ALL` give) means root in the container has every capability, and a non-root ' +
      'process gets all of them through any setuid-root binary unless no_new_privs is set. A set missing only one ' +
      'capability counts as full: a privileged container on a host that lacks one capability looks like that.',
    fix: 'Remove `--privileged` / `--cap-add ALL`; start from `--cap-drop=ALL` and add back single capabilities.'
  },
  check({ probe }) {
    if (!probe) return []
    const bounding = capNames(probe.capabilities.sets.bounding)
    const { full, missing } = boundingSetIsFull(bounding, lastCap(probe), probe.capabilities.full_bounding)
    if (!full) return []
    const uid = effectiveUid(probe)
    const reach =
      uid === 0
        ? ' The process is root, so it holds them.'
        : canRegainBoundingSet(probe)
          ? ` The process is uid ${uid}, but no_new_privs is off and setuid-root/file-cap binaries exist, so it can get them.`
          : ''
    return [
      {
        // Say exactly what was measured: a privileged container on a host whose root lacks one capability.
        message: `The bounding set holds every capability${missing.length ? ` but ${missing.join(', ')}` : ''} (CapBnd ${probe.capabilities.sets.bounding.raw}).${reach}`,
        properties: { ...measuredBasics(probe), missing }
      }
    ]
  }
}

export const inertCapAdd: Rule = {
  meta: {
    id: 'LP242',
    name: 'inert-cap-add',
    principle: 'runtime-hardening',
    evidence: 'measured',
    level: 'note',
    securitySeverity: 2.0,
    title: '--cap-add has no effect for this non-root process',
    description:
      'Docker puts added capabilities in the bounding set only. A process that is not root gets no effective ' +
      'capabilities on exec unless the binary has file capabilities or is setuid-root, so `--cap-add NET_BIND_SERVICE` ' +
      'for a USER 1001 image is inert (and Docker lets any uid bind ports below 1024 anyway, through the ' +
      '`ip_unprivileged_port_start=0` sysctl). Config and effect disagree; the flag only widens the bounding set.',
    fix: 'Remove the inert `--cap-add`, or give the binary the file capability (`setcap cap_net_bind_service=+ep`) if it really needs it.'
  },
  check({ probe, profile, workload }) {
    if (!probe || profile.capAdd.length === 0 || profile.privileged) return []
    const uid = effectiveUid(probe)
    if (uid === 0) return []
    const effective = new Set([
      ...capNames(probe.capabilities.sets.effective),
      ...capNames(probe.capabilities.sets.ambient),
      ...(workload?.probe ? capNames(workload.probe.capabilities.sets.effective) : [])
    ])
    const inert = profile.capAdd.includes('ALL') ? ['ALL'] : profile.capAdd.filter(c => !effective.has(c))
    if (inert.length === 0 || (profile.capAdd.includes('ALL') && effective.size > 0)) return []
    // A setuid-root or file-cap binary can still turn the added capability on, unless no_new_privs blocks it.
    const files = probe.privileged_files
    if (probe.no_new_privs.value !== true && escalatingFiles(probe).length > 0) return []
    const unscanned =
      !files.scanned && probe.no_new_privs.value !== true
        ? ' (unless a binary has file capabilities: the image was not scanned)'
        : ''
    return [
      {
        message: `--cap-add ${inert.join(', ')} is inert: the process runs as uid ${uid} and its effective set is ${probe.capabilities.sets.effective.raw}${unscanned}.`,
        properties: { ...measuredBasics(probe), cap_add: profile.capAdd, inert }
      }
    ]
  }
}
