// The pod's and a container's securityContext merged as the kubelet merges them
// (kubernetes pkg/securitycontext DetermineEffectiveSecurityContext, kuberuntime getSeccompProfile,
// pkg/security/apparmor GetProfile), with the path of the key each value came from.
//
// Container wins: runAsUser, runAsGroup, runAsNonRoot, seLinuxOptions, seccompProfile, appArmorProfile.
// Pod only: supplementalGroups, fsGroup, sysctls. Container only: privileged, allowPrivilegeEscalation,
// capabilities, readOnlyRootFilesystem, procMount. A field written at the wrong level has no effect (the
// API server drops unknown fields, or refuses them when the client asks for strict validation), so it is
// ignored here too, with a note.
import { normaliseCapability } from '../../profile/capabilities'
import type { YamlPath } from '../yaml'
import {
  boolAt,
  fieldName,
  idAt,
  invalid,
  listAt,
  mapAt,
  quoted,
  stringAt,
  type Data,
  type ObjectContext
} from './fields'

/** A value and the path (relative to its object) of the key that set it. */
export interface Located<T> {
  value: T
  path: YamlPath
}

export type ProfileChoice =
  { type: 'RuntimeDefault' } | { type: 'Unconfined' } | { type: 'Localhost'; localhostProfile: string }

export interface SELinuxOptions {
  user?: string
  role?: string
  type?: string
  level?: string
}

export interface Capability {
  /** Normalised: upper case without `CAP_`, or `ALL`. */
  name: string
  /** As written (Kubernetes' own check for CAP_SYS_ADMIN compares the written text). */
  written: string
  path: YamlPath
}

/** Fields both levels may set (the container's wins). */
interface SharedFields {
  runAsUser?: Located<number>
  runAsGroup?: Located<number>
  runAsNonRoot?: Located<boolean>
  seLinuxOptions?: Located<SELinuxOptions>
  seccompProfile?: Located<ProfileChoice>
  appArmorProfile?: Located<ProfileChoice>
}

export interface PodSecurityContext extends SharedFields {
  supplementalGroups?: Located<number[]>
  fsGroup?: Located<number>
  sysctls: { name: string; value: string; path: YamlPath }[]
}

export interface ContainerSecurityContext extends SharedFields {
  privileged?: Located<boolean>
  allowPrivilegeEscalation?: Located<boolean>
  capabilities?: { add: Capability[]; drop: Capability[] }
  readOnlyRootFilesystem?: Located<boolean>
  procMount?: Located<string>
}

/** Where an effective seccomp or AppArmor profile was chosen. */
export type ProfileSource = 'container' | 'container annotation' | 'pod' | 'pod annotation'

export interface EffectiveSecurityContext extends PodSecurityContext, ContainerSecurityContext {
  seccomp?: Located<ProfileChoice> & { source: ProfileSource }
  appArmor?: Located<ProfileChoice> & { source: ProfileSource }
}

export type Note = (path: YamlPath, message: string) => void

const CONTAINER_ONLY = [
  'privileged',
  'allowPrivilegeEscalation',
  'capabilities',
  'readOnlyRootFilesystem',
  'procMount'
]
const POD_ONLY = [
  'supplementalGroups',
  'supplementalGroupsPolicy',
  'fsGroup',
  'fsGroupChangePolicy',
  'sysctls',
  'seLinuxChangePolicy'
]

export function readPodSecurityContext(
  ctx: ObjectContext,
  value: unknown,
  path: YamlPath,
  note: Note
): PodSecurityContext {
  const sc = mapAt(ctx, value, path)
  const out: PodSecurityContext = { sysctls: [] }
  if (!sc) return out
  readShared(ctx, sc, path, out)
  for (const key of CONTAINER_ONLY) {
    if (sc[key] !== undefined)
      note(
        [...path, key],
        `${fieldName([...path, key])} is not a pod securityContext field (kubectl refuses it as an unknown field, other clients drop it): set it in each container's securityContext`
      )
  }
  const groups = listAt(ctx, sc.supplementalGroups, [...path, 'supplementalGroups'])
  if (groups) {
    const ids = groups.map((g, i) => {
      const id = idAt(ctx, g, [...path, 'supplementalGroups', i])
      if (id === undefined) throw invalid(ctx, [...path, 'supplementalGroups', i], 'must be an integer')
      return id
    })
    out.supplementalGroups = { value: ids, path: [...path, 'supplementalGroups'] }
  }
  const fsGroup = idAt(ctx, sc.fsGroup, [...path, 'fsGroup'])
  if (fsGroup !== undefined) out.fsGroup = { value: fsGroup, path: [...path, 'fsGroup'] }
  const sysctls = listAt(ctx, sc.sysctls, [...path, 'sysctls']) ?? []
  sysctls.forEach((item, i) => {
    const at = [...path, 'sysctls', i]
    const entry = mapAt(ctx, item, at) ?? {}
    const name = stringAt(ctx, entry.name, [...at, 'name'])
    const val = stringAt(ctx, entry.value, [...at, 'value'])
    if (!name) throw invalid(ctx, [...at, 'name'], 'is required')
    out.sysctls.push({ name: normaliseSysctlName(name), value: val ?? '', path: at })
  })
  return out
}

export function readContainerSecurityContext(
  ctx: ObjectContext,
  value: unknown,
  path: YamlPath,
  note: Note
): ContainerSecurityContext {
  const sc = mapAt(ctx, value, path)
  const out: ContainerSecurityContext = {}
  if (!sc) return out
  readShared(ctx, sc, path, out)
  for (const key of POD_ONLY) {
    if (sc[key] !== undefined)
      note(
        [...path, key],
        `${fieldName([...path, key])} is not a container securityContext field (kubectl refuses it as an unknown field, other clients drop it): set it in the pod's securityContext`
      )
  }
  const flag = (key: keyof ContainerSecurityContext & string): Located<boolean> | undefined => {
    const v = boolAt(ctx, sc[key], [...path, key])
    return v === undefined ? undefined : { value: v, path: [...path, key] }
  }
  out.privileged = flag('privileged')
  out.allowPrivilegeEscalation = flag('allowPrivilegeEscalation')
  out.readOnlyRootFilesystem = flag('readOnlyRootFilesystem')
  const caps = mapAt(ctx, sc.capabilities, [...path, 'capabilities'])
  if (caps) {
    out.capabilities = {
      add: capabilityList(ctx, caps.add, [...path, 'capabilities', 'add'], 'add', note),
      drop: capabilityList(ctx, caps.drop, [...path, 'capabilities', 'drop'], 'drop', note)
    }
  }
  const procMount = stringAt(ctx, sc.procMount, [...path, 'procMount'])
  if (procMount !== undefined) {
    if (procMount !== 'Default' && procMount !== 'Unmasked')
      throw invalid(ctx, [...path, 'procMount'], 'must be Default or Unmasked')
    out.procMount = { value: procMount, path: [...path, 'procMount'] }
  }
  if (out.allowPrivilegeEscalation?.value === false) {
    // The API server's own validation (ValidateSecurityContext): the pod is refused.
    if (out.privileged?.value)
      throw invalid(ctx, path, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true')
    if (out.capabilities?.add.some(c => c.written === 'CAP_SYS_ADMIN'))
      throw invalid(
        ctx,
        path,
        'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'
      )
  }
  return out
}

function readShared(ctx: ObjectContext, sc: Data, path: YamlPath, out: SharedFields): void {
  const id = (key: 'runAsUser' | 'runAsGroup'): void => {
    const v = idAt(ctx, sc[key], [...path, key])
    if (v !== undefined) out[key] = { value: v, path: [...path, key] }
  }
  id('runAsUser')
  id('runAsGroup')
  const nonRoot = boolAt(ctx, sc.runAsNonRoot, [...path, 'runAsNonRoot'])
  if (nonRoot !== undefined) out.runAsNonRoot = { value: nonRoot, path: [...path, 'runAsNonRoot'] }
  const selinux = mapAt(ctx, sc.seLinuxOptions, [...path, 'seLinuxOptions'])
  if (selinux) {
    const options: SELinuxOptions = {}
    for (const key of ['user', 'role', 'type', 'level'] as const) {
      const v = stringAt(ctx, selinux[key], [...path, 'seLinuxOptions', key])
      if (v) options[key] = v
    }
    out.seLinuxOptions = { value: options, path: [...path, 'seLinuxOptions'] }
  }
  const seccomp = profileField(ctx, sc.seccompProfile, [...path, 'seccompProfile'], 'seccomp')
  if (seccomp) out.seccompProfile = seccomp
  const apparmor = profileField(ctx, sc.appArmorProfile, [...path, 'appArmorProfile'], 'AppArmor')
  if (apparmor) out.appArmorProfile = apparmor
}

/** `seccompProfile` / `appArmorProfile`: `type` and, for Localhost only, `localhostProfile`. */
function profileField(
  ctx: ObjectContext,
  value: unknown,
  path: YamlPath,
  what: 'seccomp' | 'AppArmor'
): Located<ProfileChoice> | undefined {
  const field = mapAt(ctx, value, path)
  if (!field) return undefined
  const type = stringAt(ctx, field.type, [...path, 'type'])
  const local = stringAt(ctx, field.localhostProfile, [...path, 'localhostProfile'])
  const at = { path: [...path, 'type'] }
  if (type === undefined) throw invalid(ctx, [...path, 'type'], 'is required')
  if (type === 'Localhost') {
    if (!local)
      throw invalid(
        ctx,
        [...path, 'localhostProfile'],
        `is required when the ${what} profile type is Localhost`
      )
    return { value: { type, localhostProfile: local }, ...at }
  }
  if (type !== 'RuntimeDefault' && type !== 'Unconfined')
    throw invalid(ctx, [...path, 'type'], 'must be RuntimeDefault, Unconfined or Localhost')
  if (local !== undefined)
    throw invalid(ctx, [...path, 'localhostProfile'], 'can only be set when the type is Localhost')
  return { value: { type }, ...at }
}

/**
 * Capability names as the container runtimes apply them. Kubernetes does not validate them. containerd
 * upper-cases each name and prefixes `CAP_`, and runc ignores names it does not know; CRI-O prefixes only
 * when the prefix is missing and refuses an unknown name to add. So an unknown name is ignored (with a
 * note), and a name written with `CAP_` is judged the safe way round: granted when added (CRI-O grants it)
 * and not dropped when dropped (containerd, the usual runtime, drops nothing).
 */
function capabilityList(
  ctx: ObjectContext,
  value: unknown,
  path: YamlPath,
  which: 'add' | 'drop',
  note: Note
): Capability[] {
  const list = listAt(ctx, value, path) ?? []
  const out: Capability[] = []
  list.forEach((item, i) => {
    const at = [...path, i]
    const written = stringAt(ctx, item, at)
    if (written === undefined) throw invalid(ctx, at, 'must be a string')
    const field = `${fieldName(at)} ${quoted(written)}`
    // `CAP_ALL` is not `ALL` to normaliseCapability (Docker rejects it), nor to the runtimes.
    const name = normaliseCapability(written)
    if (!name) {
      const effect =
        which === 'add'
          ? 'containerd ignores it and CRI-O refuses to start the container'
          : 'the runtime ignores it'
      note(at, `${field} is not a capability: ${effect}`)
      return
    }
    if (written.trim().toUpperCase().startsWith('CAP_')) {
      const bare = `Kubernetes names capabilities without CAP_ (write ${name}); containerd adds its own prefix and ignores the result`
      if (which === 'drop') {
        note(at, `${field}: ${bare}, so nothing is dropped there (CRI-O drops it): judged as not dropped`)
        return
      }
      note(at, `${field}: ${bare} (CRI-O grants it): judged as granted`)
    }
    if (!out.some(c => c.name === name)) out.push({ name, written, path: at })
  })
  return out
}

/**
 * Kubernetes accepts `net/ipv4/ip_forward` for `net.ipv4.ip_forward` (pkg/kubelet/sysctl NormalizeName):
 * when the first separator is a slash, slashes and dots swap.
 */
export function normaliseSysctlName(name: string): string {
  const first = name.search(/[./]/)
  if (first < 0 || name[first] === '.') return name
  return name.replace(/[./]/g, c => (c === '/' ? '.' : '/'))
}

/** Legacy annotations (the API server copies them into the fields when a pod has only the annotation). */
export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod'
export const SECCOMP_CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/'
export const APPARMOR_CONTAINER_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/'

/** A legacy annotation value as the API server converts it (SeccompFieldForAnnotation, AppArmor's). */
export function annotationProfile(value: string, what: 'seccomp' | 'AppArmor'): ProfileChoice | undefined {
  if (value === 'unconfined') return { type: 'Unconfined' }
  if (value === 'runtime/default' || (what === 'seccomp' && value === 'docker/default'))
    return { type: 'RuntimeDefault' }
  if (value.startsWith('localhost/') && value.length > 'localhost/'.length)
    return { type: 'Localhost', localhostProfile: value.slice('localhost/'.length) }
  return undefined
}

export interface Annotations {
  values: Data
  /** Path of the `annotations` map, relative to the object. */
  path: YamlPath
}

function annotationAt(
  ctx: ObjectContext,
  annotations: Annotations | undefined,
  key: string,
  what: 'seccomp' | 'AppArmor'
): Located<ProfileChoice> | undefined {
  if (!annotations) return undefined
  const path = [...annotations.path, key]
  const raw = stringAt(ctx, annotations.values[key], path)
  if (raw === undefined) return undefined
  const choice = annotationProfile(raw, what)
  if (!choice) {
    const forms =
      what === 'seccomp'
        ? 'runtime/default, docker/default, unconfined or localhost/<path>'
        : 'runtime/default, unconfined or localhost/<profile>'
    throw invalid(ctx, path, `must be ${forms}`)
  }
  return { value: choice, path }
}

/** The effective security context of one container, with the seccomp and AppArmor profiles resolved. */
export function mergeSecurityContext(
  ctx: ObjectContext,
  pod: PodSecurityContext,
  container: ContainerSecurityContext,
  containerName: string,
  annotations: Annotations | undefined
): EffectiveSecurityContext {
  const merged: EffectiveSecurityContext = { ...pod, ...withoutUndefined(container), sysctls: pod.sysctls }
  // seccomp: the container's field, else its annotation (copied into the field by the API server), else
  // the pod's field, else the pod's annotation; nothing means the kubelet's default.
  const containerAnnotation = annotationAt(
    ctx,
    annotations,
    SECCOMP_CONTAINER_ANNOTATION + containerName,
    'seccomp'
  )
  const podAnnotation = annotationAt(ctx, annotations, SECCOMP_POD_ANNOTATION, 'seccomp')
  // The API server refuses a pod whose field and annotation disagree (ValidateSeccompAnnotationsAndFields).
  mustMatch(ctx, container.seccompProfile, containerAnnotation)
  mustMatch(ctx, pod.seccompProfile, podAnnotation)
  const seccomp =
    tag(container.seccompProfile, 'container') ??
    tag(containerAnnotation, 'container annotation') ??
    tag(pod.seccompProfile, 'pod') ??
    tag(podAnnotation, 'pod annotation')
  if (seccomp) merged.seccomp = seccomp
  // AppArmor: the container's field, else its annotation, else the pod's field (there is no pod annotation).
  const apparmor =
    tag(container.appArmorProfile, 'container') ??
    tag(
      annotationAt(ctx, annotations, APPARMOR_CONTAINER_ANNOTATION + containerName, 'AppArmor'),
      'container annotation'
    ) ??
    tag(pod.appArmorProfile, 'pod')
  if (apparmor) merged.appArmor = apparmor
  return merged
}

function mustMatch(
  ctx: ObjectContext,
  field: Located<ProfileChoice> | undefined,
  annotation: Located<ProfileChoice> | undefined
): void {
  if (!field || !annotation) return
  const a = field.value
  const b = annotation.value
  const same =
    a.type === b.type &&
    (a.type !== 'Localhost' || (b.type === 'Localhost' && a.localhostProfile === b.localhostProfile))
  if (!same) throw invalid(ctx, field.path, 'seccomp type in annotation and field must match')
}

function tag<T>(
  value: Located<T> | undefined,
  source: ProfileSource
): (Located<T> & { source: ProfileSource }) | undefined {
  return value ? { ...value, source } : undefined
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
