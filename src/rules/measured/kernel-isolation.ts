// Measured seccomp and LSM state, and config-versus-effect for LSM requests.
import { redactValue } from '../../profile/redact'
import { labelDisablesSelinux } from '../../profile/security-opt'
import type { ProbeReport } from '../../docker/probe-report'
import type { Rule, RuleHit } from '../types'

function lsmProperties(probe: ProbeReport): Record<string, unknown> {
  const lsm = probe.lsm
  return {
    lsm_label: lsm.label,
    lsm_label_lsm: lsm.label_lsm,
    lsm_label_mode: lsm.label_mode,
    lsm_confined: lsm.confined,
    lsm_active: lsm.active,
    apparmor_enabled: lsm.apparmor_enabled,
    selinux_enabled: lsm.selinux_enabled
  }
}

/** The label could not be read for a reason other than "no label-providing LSM" (EINVAL/ENOENT). */
function labelUnreadable(probe: ProbeReport): boolean {
  return probe.errors.some(e => e.item.startsWith('lsm') && e.errno !== 'EINVAL' && e.errno !== 'ENOENT')
}

export const seccompOffMeasured: Rule = {
  meta: {
    id: 'LP340',
    name: 'seccomp-off-measured',
    principle: 'kernel-isolation',
    evidence: 'measured',
    level: 'error',
    securitySeverity: 8.0,
    title: 'Seccomp was measured off',
    description:
      "The probe read `Seccomp: 0` from /proc: no system-call filter confines the process, so the kernel's whole " +
      'syscall surface is reachable. Causes: `--privileged`, `seccomp=unconfined`, or a daemon configured without ' +
      'a default profile.',
    fix: "Remove `--privileged` and `--security-opt seccomp=unconfined`, and keep the daemon's default seccomp profile."
  },
  check({ probe, profile, daemon }) {
    if (!probe || probe.seccomp.mode !== 'disabled') return []
    const cause = profile.privileged
      ? ' (--privileged)'
      : profile.securityOpt.seccomp === 'unconfined'
        ? ' (--security-opt seccomp=unconfined)'
        : daemon?.seccompProfile === 'unconfined'
          ? ' (the daemon runs without a default seccomp profile)'
          : ''
    return [
      {
        message: `Seccomp is off in the container${cause}: Seccomp ${probe.seccomp.raw ?? '0'}, no system-call filter.`,
        properties: {
          seccomp_raw: probe.seccomp.raw,
          seccomp_mode: probe.seccomp.mode,
          seccomp_filters: probe.seccomp.filters
        }
      }
    ]
  }
}

export const lsmUnconfinedMeasured: Rule = {
  meta: {
    id: 'LP341',
    name: 'lsm-unconfined-measured',
    principle: 'kernel-isolation',
    evidence: 'measured',
    level: 'error',
    securitySeverity: 7.5,
    title: 'An active LSM leaves the container unconfined',
    description:
      'AppArmor or SELinux is active on the host, and the label the probe read says the process is not confined by ' +
      'it: AppArmor `unconfined` (or a profile in complain mode, which only logs), SELinux `spc_t`. That is what ' +
      '`--privileged`, `apparmor=unconfined` or `label=disable` do.',
    fix: 'Remove `--privileged`, `apparmor=unconfined` and `label=disable`; let Docker apply docker-default / container_t.'
  },
  check({ probe }) {
    if (!probe) return []
    const { confined, label, label_mode, label_lsm } = probe.lsm
    const complain = label_mode === 'complain'
    if (confined !== false && !complain) return []
    const which =
      label_lsm === 'selinux' ? 'SELinux' : label_lsm === 'apparmor' ? 'AppArmor' : (label_lsm ?? 'LSM')
    const how = complain ? 'is in complain mode, which logs and blocks nothing' : 'says unconfined'
    return [
      { message: `The ${which} label ${JSON.stringify(label)} ${how}.`, properties: lsmProperties(probe) }
    ]
  }
}

export const lsmRequestedNotActive: Rule = {
  meta: {
    id: 'LP342',
    name: 'lsm-requested-not-active',
    principle: 'kernel-isolation',
    evidence: 'measured',
    level: 'warning',
    securitySeverity: 5.0,
    title: 'An AppArmor or SELinux option was requested but that LSM is not active',
    description:
      'Docker accepts `--security-opt apparmor=...` and `label=...` silently on hosts where AppArmor or SELinux is ' +
      'not running (`docker inspect` then shows an empty AppArmorProfile). The probe found no label from the ' +
      'requested LSM, so the confinement the flags describe does not exist on this host.',
    fix: 'Run on a host with the LSM enabled (Ubuntu runners have AppArmor), or stop relying on the option for isolation.'
  },
  check({ probe, profile }) {
    if (!probe || profile.privileged || labelUnreadable(probe)) return []
    const hits: RuleHit[] = []
    // Shown redacted: the profile keeps the real values for the probe.
    const apparmor = profile.securityOpt.apparmor && redactValue(profile.securityOpt.apparmor)
    if (apparmor && apparmor !== 'unconfined' && probe.lsm.label_lsm !== 'apparmor') {
      hits.push({
        message: `--security-opt apparmor=${apparmor} was requested, but no AppArmor label was measured: AppArmor is not active here.`,
        properties: { requested: `apparmor=${apparmor}`, ...lsmProperties(probe) }
      })
    }
    const labels = profile.securityOpt.labels.filter(l => !labelDisablesSelinux(l)).map(redactValue)
    if (labels.length > 0 && probe.lsm.label_lsm !== 'selinux') {
      hits.push({
        message: `--security-opt label=${labels.join(', label=')} was requested, but no SELinux label was measured: SELinux is not active here.`,
        properties: { requested: labels.map(l => `label=${l}`), ...lsmProperties(probe) }
      })
    }
    return hits
  }
}

export const noLsm: Rule = {
  meta: {
    id: 'LP343',
    name: 'no-lsm',
    principle: 'kernel-isolation',
    evidence: 'measured',
    level: 'note',
    securitySeverity: 3.0,
    title: 'No label-providing LSM (AppArmor, SELinux) is active',
    description:
      'The host runs no AppArmor or SELinux, so only seccomp, capabilities and namespaces confine the container. This ' +
      'is not the same as "unconfined": nothing was turned off, there is just no such layer on this host. It is a ' +
      'note because it describes the host, not the image.',
    fix: 'Deploy on hosts with AppArmor or SELinux enabled (Ubuntu/Debian: AppArmor; Fedora/RHEL: SELinux).'
  },
  check({ probe }) {
    if (!probe || probe.lsm.label !== null || probe.lsm.confined !== null || labelUnreadable(probe)) return []
    const active = probe.lsm.active ? ` (active LSMs: ${probe.lsm.active.join(', ')})` : ''
    return [
      {
        message: `No AppArmor or SELinux label: no label-providing LSM is active on this host${active}.`,
        properties: lsmProperties(probe)
      }
    ]
  }
}
