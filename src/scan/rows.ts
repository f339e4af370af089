// The five-principle table: for each principle, what the Dockerfile, the deployment and the measurement
// say, and the verdict with what it rests on (declared or measured) and the finding that decided it.
// Reporters only render these rows; they never decide verdicts or read reason texts.
import { clip, MAX_REPORTED_VALUE_LENGTH } from '../dockerfile/limits'
import type { Deployment } from '../deployment/types'
import type { DockerfileModel } from '../dockerfile/types'
import { classifyUser } from '../dockerfile/user'
import type { Measurement } from '../docker/types'
import type { Finding } from '../findings'
import { PRINCIPLES, type Principle } from '../principles'
import { redactValue } from '../profile/redact'
import type { RuntimeProfile } from '../profile/types'
import type { Basis, FindingRef, PrincipleRow, TargetInfo } from './types'

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
  /** Set for an image no scanned Dockerfile builds (judged from its deployment): the image as written. */
  imageOnly?: string
}

const NONE = '—'

/** Longest value from the input shown in a cell (a USER word may be 64 KiB after expansion). */
export const MAX_CELL_VALUE = 200

/** Findings listed by line in a Dockerfile cell; the rest are counted. */
export const MAX_CELL_FINDINGS = 10

const shown = (value: string): string => clip(value, MAX_CELL_VALUE)

/** The row text when no deployment is declared and a principle rests on Docker's defaults (LP200). */
export const DOCKER_DEFAULTS_ASSUMED = 'Docker defaults assumed'

export function principleRows(inputs: RowInputs): PrincipleRow[] {
  const measured = inputs.measurement?.probe !== undefined
  const active = inputs.findings.filter(f => !f.suppression)
  const assumed = assumedPrinciples(active)
  return PRINCIPLES.map(principle => {
    const own = active.filter(f => f.principle === principle)
    return {
      principle,
      dockerfile: dockerfileCell(principle, inputs),
      deployment: deploymentCell(principle, inputs.profile, inputs.deployment),
      measured: measuredCell(principle, inputs.measurement, inputs.notMeasuredReason),
      ...decide(principle, own, assumed.get(principle), measured, inputs)
    }
  })
}

type Decision = Pick<PrincipleRow, 'verdict' | 'basis' | 'decidedBy' | 'assumed' | 'reason'>

/**
 * With a measurement the active findings decide (basis measured). Without one the worst finding decides,
 * else a principle the Dockerfile or deployment positively declares safe passes (basis declared), else it
 * is not measured. Docker's defaults assumed (LP200's `assumed_principles`) make an undecided row warn.
 */
function decide(
  principle: Principle,
  own: Finding[],
  assumedBy: Finding | undefined,
  measured: boolean,
  inputs: RowInputs
): Decision {
  const basis: Basis = measured ? 'measured' : 'declared'
  const worst = worstOf(own, measured)
  if (worst) {
    return {
      verdict: worst.level === 'error' ? 'fail' : 'warn',
      basis,
      decidedBy: refOf(worst),
      reason: clip(`${worst.ruleId}: ${worst.message}`, MAX_REPORTED_VALUE_LENGTH)
    }
  }
  if (assumedBy) {
    return {
      verdict: 'warn',
      basis,
      decidedBy: refOf(assumedBy),
      assumed: 'docker-defaults',
      reason: DOCKER_DEFAULTS_ASSUMED
    }
  }
  if (measured) return { verdict: 'pass', basis }
  if (declaresSafe(principle, inputs)) return { verdict: 'pass', basis: 'declared' }
  // A clean static result for a principle nothing declares proves nothing about the running container.
  return { verdict: 'not-measured', basis: 'none', reason: inputs.notMeasuredReason ?? 'not measured' }
}

/** The first error, else the first warning; measured evidence first when there is a measurement. */
function worstOf(findings: Finding[], measured: boolean): Finding | undefined {
  for (const level of ['error', 'warning'] as const) {
    const at = findings.filter(f => f.level === level)
    if (at.length > 0) return (measured && at.find(f => f.evidence === 'measured')) || at[0]
  }
  return undefined
}

function refOf(finding: Finding): FindingRef {
  return {
    ruleId: finding.ruleId,
    level: finding.level,
    file: finding.file,
    line: finding.line,
    ...(finding.endLine !== undefined ? { endLine: finding.endLine } : {}),
    message: clip(finding.message, MAX_REPORTED_VALUE_LENGTH)
  }
}

/** Principles whose verdict rests on Docker's defaults, read from the structured `assumed_principles`. */
function assumedPrinciples(active: Finding[]): Map<Principle, Finding> {
  const out = new Map<Principle, Finding>()
  for (const finding of active) {
    const listed = finding.properties?.assumed_principles
    if (!Array.isArray(listed)) continue
    for (const principle of listed.slice(0, PRINCIPLES.length * 2)) {
      if (PRINCIPLES.includes(principle as Principle) && !out.has(principle as Principle))
        out.set(principle as Principle, finding)
    }
  }
  return out
}

/** A deployment is declared: run-options, a compose service or a Kubernetes container (not Docker's defaults). */
function deploymentDeclared({ target, deployment, profile }: RowInputs): boolean {
  if (target) return target.source !== 'none'
  return deployment !== undefined || profile.declared
}

/**
 * True when what is written positively gives the safe state, so a static scan may pass it. Least privilege:
 * the deployment runs it as a numeric non-root uid (`--user 1001`, compose `user:`, `runAsUser`), or, when
 * the deployment names no user, the final USER resolves to non-root. Other principles: a declared deployment
 * (no finding against it, or decide() would not ask).
 */
function declaresSafe(principle: Principle, inputs: RowInputs): boolean {
  if (principle !== 'least-privilege') return deploymentDeclared(inputs)
  const runAsUser = inputs.deployment?.kubernetes?.runAsUser
  if (runAsUser !== undefined) return runAsUser > 0
  if (inputs.profile.user !== undefined) {
    const user = classifyUser(inputs.profile.user)
    // A name is looked up in the image's /etc/passwd: only a number says the uid as written.
    return user.kind === 'non-root' && user.numeric
  }
  return inputs.model?.finalStage.user.kind === 'non-root'
}

function dockerfileCell(principle: Principle, { model, findings, imageOnly }: RowInputs): string {
  // The model of an image-only target is a stand-in `FROM <image>`: there is no Dockerfile to describe.
  if (imageOnly !== undefined)
    return principle === 'least-privilege' ? `no Dockerfile: image ${shown(imageOnly)}` : NONE
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

/** The deployment cell, in the words of the source that declares it (compose keys, Kubernetes fields). */
function deploymentCell(principle: Principle, profile: RuntimeProfile, deployment?: Deployment): string {
  if (deployment?.source === 'compose') return composeCell(principle, profile)
  if (deployment?.source === 'kubernetes') return kubernetesCell(principle, profile, deployment)
  return dockerRunCell(principle, profile)
}

function dockerRunCell(principle: Principle, profile: RuntimeProfile): string {
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

/** A capability list as YAML flow: `[ALL]`, `[NET_BIND_SERVICE, CHOWN]`. */
const flow = (names: string[]): string => `[${names.join(', ')}]`

function composeCell(principle: Principle, profile: RuntimeProfile): string {
  const opts = profile.securityOpt
  switch (principle) {
    case 'least-privilege':
      return profile.user ? `user: ${shown(redactValue(profile.user))}` : 'image user (no user:)'
    case 'runtime-hardening': {
      if (profile.privileged) return 'privileged: true'
      const parts: string[] = []
      if (profile.capDrop.length) parts.push(`cap_drop: ${flow(profile.capDrop)}`)
      if (profile.capAdd.length) parts.push(`cap_add: ${flow(profile.capAdd)}`)
      if (profile.devices.length) parts.push(`devices: ×${profile.devices.length}`)
      return parts.length ? shown(parts.join('; ')) : 'default capabilities (no cap_drop)'
    }
    case 'kernel-isolation': {
      const seccomp = profile.privileged
        ? 'seccomp off (privileged: true)'
        : opts.seccomp
          ? `security_opt: seccomp:${redactValue(opts.seccomp)}`
          : 'seccomp default'
      const lsm = opts.apparmor
        ? `security_opt: apparmor:${redactValue(opts.apparmor)}`
        : opts.labels.length
          ? `security_opt: ${opts.labels.map(l => `label:${redactValue(l)}`).join(', ')}`
          : 'LSM default'
      return shown(`${seccomp}; ${lsm}`)
    }
    case 'no-escalation':
      return opts.noNewPrivileges
        ? 'security_opt: no-new-privileges'
        : opts.noNewPrivileges === false
          ? 'security_opt: no-new-privileges:false'
          : 'no-new-privileges not set'
    case 'host-protection': {
      const parts: string[] = []
      if (profile.pid === 'host') parts.push('pid: host')
      if (profile.ipc === 'host') parts.push('ipc: host')
      if (profile.network === 'host') parts.push('network_mode: host')
      if (profile.uts === 'host') parts.push('uts: host')
      if (profile.userns === 'host') parts.push('userns_mode: host')
      const binds = profile.mounts.filter(m => m.type === 'bind').length
      if (binds) parts.push(`volumes: ${binds} bind mount${binds > 1 ? 's' : ''}`)
      return parts.length ? parts.join('; ') : 'no host namespaces or bind mounts'
    }
  }
}

/** `(Kubernetes default)` after a value the platform supplies because the field is absent. */
function platform(deployment: Deployment, field: string): string {
  return Object.prototype.hasOwnProperty.call(deployment.platformDefaults, field)
    ? ' (Kubernetes default)'
    : ''
}

function written(deployment: Deployment, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(deployment.locations, field)
}

function kubernetesCell(principle: Principle, profile: RuntimeProfile, deployment: Deployment): string {
  const opts = profile.securityOpt
  const k8s = deployment.kubernetes
  switch (principle) {
    case 'least-privilege': {
      const parts: string[] = []
      if (k8s?.runAsUser !== undefined) parts.push(`runAsUser: ${k8s.runAsUser}`)
      if (k8s?.runAsGroup !== undefined) parts.push(`runAsGroup: ${k8s.runAsGroup}`)
      if (k8s?.runAsNonRoot !== undefined) parts.push(`runAsNonRoot: ${k8s.runAsNonRoot}`)
      return parts.length ? parts.join('; ') : 'image user (no runAsUser)'
    }
    case 'runtime-hardening': {
      if (profile.privileged) return 'privileged: true'
      const parts: string[] = []
      if (profile.capDrop.length) parts.push(`capabilities.drop: ${flow(profile.capDrop)}`)
      if (profile.capAdd.length) parts.push(`capabilities.add: ${flow(profile.capAdd)}`)
      return parts.length ? shown(parts.join('; ')) : `default capabilities${platform(deployment, 'capDrop')}`
    }
    case 'kernel-isolation': {
      let seccomp: string
      if (profile.privileged) seccomp = 'seccomp off (privileged: true)'
      else if (opts.seccomp === 'unconfined')
        seccomp = `seccompProfile: Unconfined${platform(deployment, 'securityOpt.seccomp')}`
      else if (written(deployment, 'securityOpt.seccomp')) seccomp = 'seccompProfile: RuntimeDefault'
      else if (platform(deployment, 'securityOpt.seccomp'))
        seccomp = "seccompProfile: RuntimeDefault (kubelet's seccompDefault)"
      else seccomp = 'seccomp default'
      const lsm = opts.apparmor
        ? `appArmorProfile: ${opts.apparmor === 'unconfined' ? 'Unconfined' : `Localhost ${redactValue(opts.apparmor)}`}`
        : written(deployment, 'securityOpt.apparmor')
          ? 'appArmorProfile: RuntimeDefault'
          : opts.labels.length
            ? `seLinuxOptions: ${opts.labels.map(redactValue).join(', ')}`
            : 'LSM default'
      return shown(`${seccomp}; ${lsm}`)
    }
    case 'no-escalation':
      return opts.noNewPrivileges
        ? 'allowPrivilegeEscalation: false'
        : `allowPrivilegeEscalation: true${platform(deployment, 'securityOpt.noNewPrivileges')}`
    case 'host-protection': {
      const parts: string[] = []
      if (profile.pid === 'host') parts.push('hostPID: true')
      if (profile.ipc === 'host') parts.push('hostIPC: true')
      if (profile.network === 'host') parts.push('hostNetwork: true')
      const binds = profile.mounts.filter(m => m.type === 'bind').length
      if (binds) parts.push(`${binds} hostPath volume${binds > 1 ? 's' : ''}`)
      if (k8s?.hostUsers === false) parts.push('hostUsers: false')
      const shared = parts.length ? parts.join('; ') : 'no host namespaces or hostPath volumes'
      const userns =
        k8s?.hostUsers === true
          ? '; hostUsers: true'
          : platform(deployment, 'userns')
            ? '; hostUsers: true (Kubernetes default)'
            : ''
      return `${shared}${userns}`
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
      const n = probe.seccomp.filters
      const filters = n !== null ? ` (${n} filter${n === 1 ? '' : 's'})` : ''
      const lsm = probe.lsm.label ?? (probe.lsm.active ? 'no label-providing LSM' : 'no LSM')
      return `seccomp ${seccomp}${filters}; ${lsm}`
    }
    case 'no-escalation': {
      const nnp = probe.no_new_privs.value === null ? 'unknown' : probe.no_new_privs.value ? '1' : '0'
      const files = probe.privileged_files.scanned
        ? `; ${probe.privileged_files.count} setuid/setgid/file-cap file${probe.privileged_files.count === 1 ? '' : 's'}`
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
