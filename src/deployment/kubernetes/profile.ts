// One container's effective settings -> the Deployment the rules judge: a RuntimeProfile equal to what the
// kubelet asks the container runtime for, the line of every value, and Kubernetes' own defaults where a
// field is absent (they are not Docker's: no seccomp, no_new_privs off).
import { posix } from 'node:path'
import { defaultProfile } from '../../profile/parse'
import { redactText } from '../../profile/redact'
import type { MountSpec, RuntimeProfile } from '../../profile/types'
import type { Deployment, ProfileField } from '../types'
import type { SourceLocation, YamlPath } from '../yaml'
import { locate, quoted, shown, type ObjectContext } from './fields'
import type { EffectiveSecurityContext, Located, Note, ProfileChoice } from './security-context'

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers'

/** Pod-level fields that are not in the securityContext. */
export interface PodFacts {
  hostPID?: Located<boolean>
  hostIPC?: Located<boolean>
  hostNetwork?: Located<boolean>
  hostUsers?: Located<boolean>
}

/** A `hostPath` volume mounted into the container. */
export interface HostPathMount {
  /** The host path, with the mount's `subPath` joined on. */
  source: string
  target: string
  readOnly: boolean
  /** The volume's `hostPath` key: where the fix goes. */
  path: YamlPath
}

export interface ContainerInput {
  ctx: ObjectContext
  kind: ContainerKind
  name: string
  /** Path of the container entry, relative to the object. */
  path: YamlPath
  image: string
  security: EffectiveSecurityContext
  pod: PodFacts
  mounts: HostPathMount[]
  kubeletSeccompDefault: boolean
  note: Note
}

/** Reasons shown in reports for values Kubernetes supplies when the key is absent. */
export const PLATFORM_DEFAULTS = {
  seccompUnconfined:
    'Kubernetes runs containers without seccomp (Unconfined) unless seccompProfile is set or the kubelet runs with --seccomp-default',
  seccompKubeletDefault:
    "the kubelet's seccompDefault (option kubeletSeccompDefault) gives a container without seccompProfile the container runtime's default profile",
  noNewPrivileges: 'Kubernetes leaves no_new_privs off unless allowPrivilegeEscalation is false',
  capabilities:
    "without capabilities.drop the container runtime's default capability set applies (the same as Docker's)",
  userns: "the pod shares the host's user namespace unless hostUsers is false"
} as const

const CONTAINER_WORD: Record<ContainerKind, string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container'
}

export function containerDeployment(input: ContainerInput): Deployment {
  const { ctx, security: sc, pod } = input
  const profile = defaultProfile()
  profile.declared = true
  const locations: Record<ProfileField, SourceLocation> = Object.create(null)
  const platformDefaults: Record<ProfileField, string> = Object.create(null)
  const mark = (field: ProfileField, setting: Located<unknown> | { path: YamlPath } | undefined): void => {
    if (setting) locations[field] = locate(ctx, setting.path)
  }
  const kubernetes: NonNullable<Deployment['kubernetes']> = { containerKind: input.kind }

  // User: runAsUser[:runAsGroup] is `--user`; a group alone has no `--user` form (the image's user stays).
  if (sc.runAsUser) {
    profile.user = sc.runAsGroup ? `${sc.runAsUser.value}:${sc.runAsGroup.value}` : `${sc.runAsUser.value}`
    mark('user', sc.runAsUser)
    kubernetes.runAsUser = sc.runAsUser.value
    mark('runAsUser', sc.runAsUser)
  }
  if (sc.runAsGroup) {
    kubernetes.runAsGroup = sc.runAsGroup.value
    mark('runAsGroup', sc.runAsGroup)
  }
  if (sc.runAsNonRoot) {
    kubernetes.runAsNonRoot = sc.runAsNonRoot.value
    mark('runAsNonRoot', sc.runAsNonRoot)
  }
  // The kubelet adds fsGroup, then supplementalGroups, as supplementary groups of the container's process.
  const groups = [...(sc.fsGroup ? [sc.fsGroup.value] : []), ...(sc.supplementalGroups?.value ?? [])]
  profile.groupAdd = [...new Set(groups.map(String))]
  mark('groupAdd', sc.supplementalGroups ?? sc.fsGroup)

  if (sc.privileged) {
    profile.privileged = sc.privileged.value
    mark('privileged', sc.privileged)
  }
  if (sc.readOnlyRootFilesystem) {
    profile.readOnly = sc.readOnlyRootFilesystem.value
    mark('readOnly', sc.readOnlyRootFilesystem)
  }
  // The runtimes apply add ALL, then drop ALL, then each named add, then each named drop: a name both added
  // and dropped is dropped (Docker would keep it), and add ALL with drop ALL keeps only the named adds
  // (Docker would keep all). The profile says so in Docker's terms.
  const drops = sc.capabilities?.drop ?? []
  const dropped = new Set(drops.map(c => c.name))
  for (const cap of sc.capabilities?.add ?? []) {
    if (dropped.has(cap.name)) continue
    profile.capAdd.push(cap.name)
    mark(`capAdd:${cap.name}`, cap)
  }
  for (const cap of drops) {
    profile.capDrop.push(cap.name)
    mark(`capDrop:${cap.name}`, cap)
  }
  if (profile.capDrop.length === 0 && !profile.privileged)
    platformDefaults.capDrop = PLATFORM_DEFAULTS.capabilities

  // no_new_privs: set exactly when allowPrivilegeEscalation is false (securitycontext.AddNoNewPrivileges).
  // The kubelet always sends the value, so the profile says false rather than leaving the daemon's default.
  if (sc.allowPrivilegeEscalation) {
    profile.securityOpt.noNewPrivileges = !sc.allowPrivilegeEscalation.value
    mark('securityOpt.noNewPrivileges', sc.allowPrivilegeEscalation)
  } else {
    profile.securityOpt.noNewPrivileges = false
    platformDefaults['securityOpt.noNewPrivileges'] = PLATFORM_DEFAULTS.noNewPrivileges
  }

  if (sc.seccomp) {
    profile.securityOpt.seccomp = seccompOption(sc.seccomp.value)
    mark('securityOpt.seccomp', sc.seccomp)
    if (sc.seccomp.value.type === 'Localhost')
      input.note(
        sc.seccomp.path,
        `${containerLabel(input)}: seccomp profile ${quoted(sc.seccomp.value.localhostProfile)} is a file on the node; judged and probed as the container runtime's default profile`
      )
  } else if (input.kubeletSeccompDefault) {
    platformDefaults['securityOpt.seccomp'] = PLATFORM_DEFAULTS.seccompKubeletDefault
  } else {
    profile.securityOpt.seccomp = 'unconfined'
    platformDefaults['securityOpt.seccomp'] = PLATFORM_DEFAULTS.seccompUnconfined
  }
  if (sc.appArmor) {
    profile.securityOpt.apparmor = appArmorOption(sc.appArmor.value)
    mark('securityOpt.apparmor', sc.appArmor)
  }
  if (sc.seLinuxOptions) {
    const options = sc.seLinuxOptions.value
    for (const key of ['user', 'role', 'type', 'level'] as const) {
      if (options[key]) profile.securityOpt.labels.push(`${key}:${options[key]}`)
    }
    mark('securityOpt.labels', sc.seLinuxOptions)
  }
  if (sc.procMount) {
    kubernetes.procMount = sc.procMount.value
    mark('procMount', sc.procMount)
    // Unmasked: no masked or read-only /proc paths (ConvertToRuntimeMaskedPaths), Docker's systempaths=unconfined.
    if (sc.procMount.value === 'Unmasked') {
      profile.securityOpt.systemPaths = 'unconfined'
      mark('securityOpt.systemPaths', sc.procMount)
    }
  }

  const hostMode = (setting: Located<boolean> | undefined, field: 'pid' | 'ipc' | 'network'): void => {
    if (!setting) return
    if (setting.value) profile[field] = 'host'
    mark(field, setting)
  }
  hostMode(pod.hostPID, 'pid')
  hostMode(pod.hostIPC, 'ipc')
  hostMode(pod.hostNetwork, 'network')
  if (pod.hostUsers) {
    kubernetes.hostUsers = pod.hostUsers.value
    mark('userns', pod.hostUsers)
  } else {
    platformDefaults.userns = PLATFORM_DEFAULTS.userns
  }

  input.mounts.forEach((mount, index) => {
    const spec: MountSpec = {
      type: 'bind',
      source: mount.source,
      target: mount.target,
      readOnly: mount.readOnly,
      flag: redactText(`hostPath ${mount.source}`)
    }
    profile.mounts.push(spec)
    mark(`mounts:${index}`, mount)
  })
  for (const sysctl of sc.sysctls) {
    profile.sysctls[sysctl.name] = sysctl.value
    mark(`sysctls:${sysctl.name}`, sysctl)
  }
  profile.args = equivalentRunFlags(profile)

  return {
    source: 'kubernetes',
    name: `${ctx.file} ${containerLabel(input)}`,
    file: ctx.file,
    at: locate(ctx, input.path),
    link: { image: input.image },
    profile,
    locations,
    platformDefaults,
    kubernetes
  }
}

/** `Deployment/api container app`. */
export function containerLabel(input: Pick<ContainerInput, 'ctx' | 'kind' | 'name'>): string {
  return `${input.ctx.label} ${CONTAINER_WORD[input.kind]} ${shown(input.name)}`
}

/** RuntimeDefault is the runtime's default profile, which is what Docker applies when nothing is said. */
function seccompOption(choice: ProfileChoice): string | undefined {
  // A Localhost profile lives on the node, out of reach: the nearest stand-in is the runtime default.
  return choice.type === 'Unconfined' ? 'unconfined' : undefined
}

/** Docker's `apparmor=` takes a profile loaded on the host, as Kubernetes' Localhost does. */
function appArmorOption(choice: ProfileChoice): string | undefined {
  if (choice.type === 'Unconfined') return 'unconfined'
  return choice.type === 'Localhost' ? choice.localhostProfile : undefined
}

/** The `docker run` flags that give a container the same profile, for reports (redacted, as run-options are). */
export function equivalentRunFlags(profile: RuntimeProfile): string[] {
  const flags: string[] = []
  if (profile.user !== undefined) flags.push('--user', profile.user)
  for (const group of profile.groupAdd) flags.push('--group-add', group)
  if (profile.privileged) flags.push('--privileged')
  for (const cap of profile.capAdd) flags.push('--cap-add', cap)
  for (const cap of profile.capDrop) flags.push('--cap-drop', cap)
  const opts = profile.securityOpt
  if (opts.noNewPrivileges !== undefined)
    flags.push('--security-opt', `no-new-privileges=${opts.noNewPrivileges}`)
  if (opts.seccomp !== undefined) flags.push('--security-opt', `seccomp=${opts.seccomp}`)
  if (opts.apparmor !== undefined) flags.push('--security-opt', `apparmor=${opts.apparmor}`)
  for (const label of opts.labels) flags.push('--security-opt', `label=${label}`)
  if (opts.systemPaths !== undefined) flags.push('--security-opt', `systempaths=${opts.systemPaths}`)
  if (profile.pid !== undefined) flags.push('--pid', profile.pid)
  if (profile.ipc !== undefined) flags.push('--ipc', profile.ipc)
  if (profile.network !== undefined) flags.push('--network', profile.network)
  if (profile.readOnly) flags.push('--read-only')
  for (const mount of profile.mounts)
    flags.push('--volume', `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`)
  for (const [name, value] of Object.entries(profile.sysctls)) flags.push('--sysctl', `${name}=${value}`)
  return flags.map(redactText)
}

/** A mount's host path: the volume's path with the mount's `subPath` joined on. */
export function hostPathSource(volumePath: string, subPath: string | undefined): string {
  return subPath ? posix.join(volumePath, subPath) : volumePath
}
