// The five-principle table: for each principle, what the Dockerfile, the deployment flags and the
// measurement say, and the verdict. Reporters only render these rows; they never decide verdicts.
import { clip, MAX_REPORTED_VALUE_LENGTH } from '../dockerfile/limits'
import type { Deployment } from '../deployment/types'
import type { DockerfileModel } from '../dockerfile/types'
import type { Measurement } from '../docker/types'
import type { Finding } from '../findings'
import { PRINCIPLES, type Principle } from '../principles'
import { redactValue } from '../profile/redact'
import type { RuntimeProfile } from '../profile/types'
import type { PrincipleRow, TargetInfo, Verdict } from './types'

export interface RowInputs {
  model?: DockerfileModel
  profile: RuntimeProfile
  measurement?: Measurement
  notMeasuredReason?: string
  findings: Finding[]
  /** The deployment this row set is judged under (`source: 'none'`: Docker's defaults). */
  target?: TargetInfo
  /** The declared deployment (compose service, Kubernetes container), when there is one. */
  deployment?: Deployment
}

const NONE = '—'

/** Longest value from the input shown in a cell (a USER word may be 64 KiB after expansion). */
export const MAX_CELL_VALUE = 200

/** Findings listed by line in a Dockerfile cell; the rest are counted. */
export const MAX_CELL_FINDINGS = 10

const shown = (value: string): string => clip(value, MAX_CELL_VALUE)

export function principleRows(inputs: RowInputs): PrincipleRow[] {
  return PRINCIPLES.map(principle => {
    const active = inputs.findings.filter(f => f.principle === principle && !f.suppression)
    const { verdict, reason } = decide(
      active,
      inputs.measurement?.probe !== undefined,
      inputs.notMeasuredReason
    )
    return {
      principle,
      dockerfile: dockerfileCell(principle, inputs),
      deployment: deploymentCell(principle, inputs.profile),
      measured: measuredCell(principle, inputs.measurement, inputs.notMeasuredReason),
      verdict,
      ...(reason ? { reason } : {})
    }
  })
}

function decide(
  active: Finding[],
  measured: boolean,
  notMeasuredReason?: string
): { verdict: Verdict; reason?: string } {
  const worst = active.find(f => f.level === 'error') ?? active.find(f => f.level === 'warning')
  if (worst)
    return {
      verdict: worst.level === 'error' ? 'fail' : 'warn',
      reason: clip(`${worst.ruleId}: ${worst.message}`, MAX_REPORTED_VALUE_LENGTH)
    }
  // Without a measurement a clean static result proves nothing about the running container.
  if (!measured) return { verdict: 'not-measured', reason: notMeasuredReason ?? 'not measured' }
  return { verdict: 'pass' }
}

function dockerfileCell(principle: Principle, { model, findings }: RowInputs): string {
  if (!model) return 'not parsed'
  const own = findings.filter(f => f.principle === principle && f.evidence === 'dockerfile')
  if (principle === 'least-privilege') {
    const user = model.finalStage.user
    const where = user.line ? ` (line ${user.line})` : ''
    if (user.kind === 'unknown') return `USER unresolved${user.raw ? `: ${shown(user.raw)}` : ''}${where}`
    if (user.source === 'user-instruction' || user.source === 'inherited-stage') {
      return `USER ${shown(user.value ?? user.raw ?? '')}${where}${user.kind === 'root' ? ' = root' : ''}`
    }
    if (user.kind === 'non-root') return `non-root base image (${shown(user.value ?? 'known')})`
    return 'no USER: root by default'
  }
  if (own.length === 0)
    return principle === 'no-escalation' ? 'no setuid, sudo or world-writable modes' : NONE
  const listed = own.slice(0, MAX_CELL_FINDINGS).map(f => `${shown(f.ruleId)} line ${f.line}`)
  if (own.length > MAX_CELL_FINDINGS) listed.push(`and ${own.length - MAX_CELL_FINDINGS} more`)
  return listed.join(', ')
}

function deploymentCell(principle: Principle, profile: RuntimeProfile): string {
  const defaults = profile.declared ? '' : ' (Docker defaults)'
  switch (principle) {
    case 'least-privilege':
      // Redacted before clipping, so a cut can never leave a token shorter than its pattern.
      return profile.user ? `--user ${shown(redactValue(profile.user))}` : `image user${defaults}`
    case 'runtime-hardening': {
      if (profile.privileged) return '--privileged'
      const parts: string[] = []
      if (profile.capDrop.length) parts.push(`--cap-drop ${profile.capDrop.join(',')}`)
      if (profile.capAdd.length) parts.push(`--cap-add ${profile.capAdd.join(',')}`)
      if (profile.devices.length) parts.push(`--device ×${profile.devices.length}`)
      return parts.length ? shown(parts.join('; ')) : `default capabilities${defaults}`
    }
    case 'kernel-isolation': {
      const seccomp = profile.privileged
        ? 'off (--privileged)'
        : redactValue(profile.securityOpt.seccomp ?? 'default')
      const lsm = redactValue(
        profile.securityOpt.apparmor ?? (profile.securityOpt.labels.join(',') || 'default')
      )
      return shown(`seccomp ${seccomp}; LSM ${lsm}${defaults}`)
    }
    case 'no-escalation':
      return profile.securityOpt.noNewPrivileges
        ? 'no-new-privileges'
        : `no-new-privileges not set${defaults}`
    case 'host-protection': {
      const shared = (['pid', 'ipc', 'network', 'uts'] as const).filter(ns => profile[ns] === 'host')
      const parts = shared.map(ns => `--${ns}=host`)
      if (profile.userns === 'host') parts.push('--userns=host')
      const binds = profile.mounts.filter(m => m.type === 'bind').length
      if (binds) parts.push(`${binds} bind mount${binds > 1 ? 's' : ''}`)
      return parts.length ? parts.join('; ') : `no host namespaces or mounts${defaults}`
    }
  }
}

function measuredCell(principle: Principle, measurement?: Measurement, notMeasuredReason?: string): string {
  const probe = measurement?.probe
  if (!probe) return `not measured${notMeasuredReason ? `: ${notMeasuredReason}` : ''}`
  switch (principle) {
    case 'least-privilege': {
      const { uid } = probe.identity
      const name = probe.identity.user_name ? ` (${probe.identity.user_name})` : ''
      const workload = measurement?.workload?.processes?.[0]
      const drop = workload && workload.euid !== uid.effective ? `; workload euid ${workload.euid}` : ''
      return `uid ${uid.real}, euid ${uid.effective}${name}${drop}`
    }
    case 'runtime-hardening': {
      const { effective, bounding } = probe.capabilities.sets
      const eff = effective.names.length ? capList(effective.names) : 'none'
      const bnd = probe.capabilities.full_bounding ? 'full' : `${bounding.names.length}`
      return `CapEff ${eff}; bounding ${bnd}`
    }
    case 'kernel-isolation': {
      const seccomp = probe.seccomp.mode ?? 'unknown'
      const filters = probe.seccomp.filters !== null ? ` (${probe.seccomp.filters} filter)` : ''
      const lsm = probe.lsm.label ?? (probe.lsm.active ? 'no label-providing LSM' : 'no LSM')
      return `seccomp ${seccomp}${filters}; ${lsm}`
    }
    case 'no-escalation': {
      const nnp = probe.no_new_privs.value === null ? 'unknown' : probe.no_new_privs.value ? '1' : '0'
      const files = probe.privileged_files.scanned
        ? `; ${probe.privileged_files.count} setuid/setgid/file-cap files`
        : ''
      return `NoNewPrivs ${nnp}${files}`
    }
    case 'host-protection': {
      if (probe.userns.identity === null) return 'uid_map unreadable'
      if (probe.userns.identity) return 'no user namespace (identity uid_map)'
      return `user namespace: uid ${probe.identity.uid.effective} is host uid ${probe.userns.host_uid ?? '?'}`
    }
  }
}

function capList(names: string[]): string {
  return names.length <= 4 ? names.join(',') : `${names.length} caps`
}
