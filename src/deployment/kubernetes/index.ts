// Kubernetes manifests -> one Deployment per container of every workload (Pod, Deployment, StatefulSet,
// DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, and those inside a List), as the kubelet
// would run it. Pure: text in, data out. Other kinds are skipped with a note; a malformed workload is one
// line naming the file, line and field. Environment values (`env`, `envFrom`) are never read.
import type { Pragma } from '../../dockerfile/types'
import { yamlPragmas } from '../pragmas'
import { UsageError } from '../../errors'
import type { Deployment, DeploymentFile } from '../types'
import { parseYamlDocuments, type YamlDocument, type YamlPath } from '../yaml'
import {
  boolAt,
  fieldName,
  invalid,
  isData,
  listAt,
  locate,
  mapAt,
  quoted,
  shown,
  stringAt,
  type Data,
  type ObjectContext
} from './fields'
import {
  containerDeployment,
  containerLabel,
  hostPathSource,
  type ContainerKind,
  type HostPathMount,
  type PodFacts
} from './profile'
import {
  mergeSecurityContext,
  readContainerSecurityContext,
  readPodSecurityContext,
  type Annotations,
  type Located
} from './security-context'
import { apiGroup, isListKind, workloadKind, type WorkloadKind } from './workloads'

export { kubeletRefusal } from './refusal'
export { looksLikeKubernetesManifest, WORKLOAD_KINDS } from './workloads'
export { PLATFORM_DEFAULTS, equivalentRunFlags } from './profile'

export interface KubernetesReadOptions {
  /** The cluster's kubelets run with `--seccomp-default` (`seccompDefault: true`): absent means RuntimeDefault. */
  kubeletSeccompDefault?: boolean
}

/** Objects read from one file, counting those inside Lists. */
export const MAX_OBJECTS = 10_000
/** Deployments (containers) from one file. */
export const MAX_DEPLOYMENTS = 10_000
/** `List` inside `List` (kubectl flattens them); deeper nesting is refused. */
const MAX_LIST_DEPTH = 3

const CONTAINER_KINDS: readonly ContainerKind[] = ['containers', 'initContainers', 'ephemeralContainers']

/**
 * Reads a manifest (one or more YAML or JSON documents) named `file` in messages and locations: a path
 * relative to the repository root, or a display name for standard input (`helm template` output).
 */
export function readKubernetesManifest(
  text: string,
  file: string,
  options: KubernetesReadOptions = {}
): DeploymentFile {
  // kubectl, helm and kustomize read YAML as go-yaml v2 does (YAML 1.1 scalars: `yes` is true).
  const docs = parseYamlDocuments(text, file, { version: '1.1' })
  const reader = new ManifestReader(file, options)
  for (const doc of docs) {
    if (doc.value === null || doc.value === undefined) continue // an empty document (`---` at the end)
    reader.object(doc, [], doc.value, 0)
  }
  // Suppression comments in the manifest, shared by every container read from it.
  const pragmas: Record<string, Pragma[]> = Object.create(null)
  pragmas[file] = yamlPragmas(text)
  for (const deployment of reader.result.deployments) deployment.pragmas = pragmas
  return reader.result
}

class ManifestReader {
  readonly result: DeploymentFile
  private objects = 0

  constructor(
    private readonly file: string,
    private readonly options: KubernetesReadOptions
  ) {
    this.result = { file, deployments: [], notes: [] }
  }

  object(doc: YamlDocument, base: YamlPath, value: unknown, depth: number): void {
    if (++this.objects > MAX_OBJECTS)
      throw new UsageError(`${this.file}: more than ${MAX_OBJECTS} Kubernetes objects, over the limit`)
    const where = (path: YamlPath): number => locate({ file: this.file, doc, base, label: '' }, path).line
    if (!isData(value)) {
      this.note(
        where([]),
        `document ${doc.index + 1}${describeBase(base)} is not a Kubernetes object (a map with apiVersion and kind), ignored`
      )
      return
    }
    const kind = value.kind
    if (typeof kind !== 'string' || !kind) {
      this.note(where([]), `document ${doc.index + 1}${describeBase(base)} has no kind, ignored`)
      return
    }
    const ctx: ObjectContext = {
      file: this.file,
      doc,
      base,
      label: `${shown(kind)}/${shown(objectName(value))}`
    }
    if (isListKind(kind) && (Array.isArray(value.items) || kind === 'List')) {
      const items = listAt(ctx, value.items, ['items'], MAX_OBJECTS) ?? []
      if (depth >= MAX_LIST_DEPTH)
        throw invalid(ctx, ['items'], `nests Lists deeper than ${MAX_LIST_DEPTH} levels`)
      items.forEach((item, i) => this.object(doc, [...base, 'items', i], item, depth + 1))
      return
    }
    const workload = workloadKind(kind)
    if (!workload) {
      this.note(
        where(['kind']),
        `${ctx.label}: ${shown(kind)} is not a workload kind (no containers to judge), ignored`
      )
      return
    }
    const apiVersion = value.apiVersion
    if (typeof apiVersion !== 'string' || !apiVersion) {
      this.note(where(['kind']), `${ctx.label}: no apiVersion, not a Kubernetes object, ignored`)
      return
    }
    if (!workload.groups.includes(apiGroup(apiVersion))) {
      const expected = workload.groups.map(g => (g ? `${g}/…` : 'v1')).join(' or ')
      this.note(
        where(['apiVersion']),
        `${ctx.label}: apiVersion ${quoted(apiVersion)} is not Kubernetes' ${shown(kind)} (${expected}), ignored`
      )
      return
    }
    this.workload(ctx, value, workload)
  }

  private workload(ctx: ObjectContext, value: Data, workload: WorkloadKind): void {
    // Walk to the pod template; a map of the wrong type is an error, a missing one a partial manifest.
    let template: Data | undefined = value
    for (let i = 0; i < workload.template.length && template; i++)
      template = mapAt(ctx, template[workload.template[i]], workload.template.slice(0, i + 1))
    const specPath = [...workload.template, 'spec']
    const spec = template && mapAt(ctx, template.spec, specPath)
    if (!template || !spec) {
      this.note(
        locate(ctx, specPath).line,
        `${ctx.label}: no pod spec at ${fieldName(specPath)} (a patch or a partial manifest?), ignored`
      )
      return
    }
    const metaPath = [...workload.template, 'metadata']
    const metadata = mapAt(ctx, template.metadata, metaPath)
    const annotationValues = mapAt(ctx, metadata?.annotations, [...metaPath, 'annotations'])
    const annotations: Annotations | undefined = annotationValues
      ? { values: annotationValues, path: [...metaPath, 'annotations'] }
      : undefined
    const note = (path: YamlPath, message: string): void =>
      this.note(
        locate(ctx, path).line,
        message.startsWith(`${ctx.label}`) ? message : `${ctx.label}: ${message}`
      )

    // A Windows pod's containers have none of these Linux settings (the API server refuses most of them).
    const os = mapAt(ctx, spec.os, [...specPath, 'os'])
    if (stringAt(ctx, os?.name, [...specPath, 'os', 'name']) === 'windows') {
      note([...specPath, 'os', 'name'], 'a Windows pod (spec.os.name: windows), not judged')
      return
    }
    const podSecurity = readPodSecurityContext(
      ctx,
      spec.securityContext,
      [...specPath, 'securityContext'],
      note
    )
    const flag = (key: string): Located<boolean> | undefined => {
      const v = boolAt(ctx, spec[key], [...specPath, key])
      return v === undefined ? undefined : { value: v, path: [...specPath, key] }
    }
    const pod: PodFacts = {
      hostPID: flag('hostPID'),
      hostIPC: flag('hostIPC'),
      hostNetwork: flag('hostNetwork'),
      hostUsers: flag('hostUsers')
    }
    const volumes = readVolumes(ctx, spec.volumes, [...specPath, 'volumes'])

    const containers = listAt(ctx, spec.containers, [...specPath, 'containers'])
    if (!containers?.length) {
      note(
        [...specPath, 'containers'],
        `no containers at ${fieldName([...specPath, 'containers'])} (a patch or a partial manifest?), ignored`
      )
      return
    }
    for (const kind of CONTAINER_KINDS) {
      const listPath = [...specPath, kind]
      const list = listAt(ctx, spec[kind], listPath) ?? []
      list.forEach((entry, index) => {
        const path = [...listPath, index]
        const container = mapAt(ctx, entry, path)
        if (!container) throw invalid(ctx, path, 'must be a map')
        const name = stringAt(ctx, container.name, [...path, 'name'])
        if (!name) throw invalid(ctx, [...path, 'name'], 'is required')
        const image = stringAt(ctx, container.image, [...path, 'image'])
        if (!image) {
          note(
            path,
            `${containerLabel({ ctx, kind, name })} has no image (a patch or a partial manifest?), not judged`
          )
          return
        }
        const security = mergeSecurityContext(
          ctx,
          podSecurity,
          readContainerSecurityContext(ctx, container.securityContext, [...path, 'securityContext'], note),
          name,
          annotations
        )
        const mounts = hostPathMounts(ctx, container.volumeMounts, [...path, 'volumeMounts'], volumes)
        this.add(
          containerDeployment({
            ctx,
            kind,
            name,
            path,
            image,
            security,
            pod,
            mounts,
            kubeletSeccompDefault: this.options.kubeletSeccompDefault === true,
            note
          })
        )
      })
    }
  }

  private add(deployment: Deployment): void {
    if (this.result.deployments.length >= MAX_DEPLOYMENTS)
      throw new UsageError(`${this.file}: more than ${MAX_DEPLOYMENTS} containers, over the limit`)
    this.result.deployments.push(deployment)
  }

  private note(line: number, message: string): void {
    this.result.notes.push({ line, message })
  }
}

interface Volume {
  hostPath?: { path: string; at: YamlPath }
}

/** The pod's volumes by name (a Map: names come from input). */
function readVolumes(ctx: ObjectContext, value: unknown, path: YamlPath): Map<string, Volume> {
  const volumes = new Map<string, Volume>()
  const list = listAt(ctx, value, path) ?? []
  list.forEach((entry, i) => {
    const at = [...path, i]
    const volume = mapAt(ctx, entry, at)
    if (!volume) throw invalid(ctx, at, 'must be a map')
    const name = stringAt(ctx, volume.name, [...at, 'name'])
    if (!name) throw invalid(ctx, [...at, 'name'], 'is required')
    const hostPath = mapAt(ctx, volume.hostPath, [...at, 'hostPath'])
    if (!hostPath) {
      volumes.set(name, {})
      return
    }
    const hostDir = stringAt(ctx, hostPath.path, [...at, 'hostPath', 'path'])
    if (!hostDir) throw invalid(ctx, [...at, 'hostPath', 'path'], 'is required')
    volumes.set(name, { hostPath: { path: hostDir, at: [...at, 'hostPath'] } })
  })
  return volumes
}

/** The container's mounts of hostPath volumes (other volume types do not reach the host's files). */
function hostPathMounts(
  ctx: ObjectContext,
  value: unknown,
  path: YamlPath,
  volumes: Map<string, Volume>
): HostPathMount[] {
  const mounts: HostPathMount[] = []
  const list = listAt(ctx, value, path) ?? []
  list.forEach((entry, i) => {
    const at = [...path, i]
    const mount = mapAt(ctx, entry, at)
    if (!mount) throw invalid(ctx, at, 'must be a map')
    const name = stringAt(ctx, mount.name, [...at, 'name'])
    if (!name) throw invalid(ctx, [...at, 'name'], 'is required')
    const target = stringAt(ctx, mount.mountPath, [...at, 'mountPath'])
    if (!target) throw invalid(ctx, [...at, 'mountPath'], 'is required')
    const readOnly = boolAt(ctx, mount.readOnly, [...at, 'readOnly']) ?? false
    const subPath = stringAt(ctx, mount.subPath, [...at, 'subPath'])
    // subPathExpr expands environment variables, which are not read: the whole volume is what it can reach.
    stringAt(ctx, mount.subPathExpr, [...at, 'subPathExpr'])
    const volume = volumes.get(name)
    if (!volume) throw invalid(ctx, [...at, 'name'], `names no volume of the pod (${quoted(name)} not found)`)
    if (!volume.hostPath) return
    mounts.push({
      source: hostPathSource(volume.hostPath.path, subPath),
      target,
      readOnly,
      path: volume.hostPath.at
    })
  })
  return mounts
}

function objectName(value: Data): string {
  const metadata = isData(value.metadata) ? value.metadata : undefined
  if (typeof metadata?.name === 'string' && metadata.name) return metadata.name
  if (typeof metadata?.generateName === 'string' && metadata.generateName) return `${metadata.generateName}*`
  return '(unnamed)'
}

function describeBase(base: YamlPath): string {
  return base.length ? ` ${fieldName(base)}` : ''
}
