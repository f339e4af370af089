// Which Kubernetes kinds run containers, where each keeps its pod template, and a cheap test of whether a
// file is a manifest at all (used to find manifests in scanned folders by content, not by name).
import { MAX_DEPLOYMENT_BYTES, type YamlPath } from '../yaml'

export interface WorkloadKind {
  /** API groups the kind is served from ('' is the core group, `apiVersion: v1`). */
  groups: readonly string[]
  /** Path of the pod template (the object with `metadata` and `spec`); [] for a Pod itself. */
  template: YamlPath
}

const POD_TEMPLATE: YamlPath = ['spec', 'template']

/** The workload kinds and their pod template paths. A null-prototype map: kinds come from input. */
export const WORKLOAD_KINDS: Readonly<Record<string, WorkloadKind>> = Object.assign(Object.create(null), {
  Pod: { groups: [''], template: [] },
  ReplicationController: { groups: [''], template: POD_TEMPLATE },
  Deployment: { groups: ['apps', 'extensions'], template: POD_TEMPLATE },
  StatefulSet: { groups: ['apps'], template: POD_TEMPLATE },
  DaemonSet: { groups: ['apps', 'extensions'], template: POD_TEMPLATE },
  ReplicaSet: { groups: ['apps', 'extensions'], template: POD_TEMPLATE },
  Job: { groups: ['batch'], template: POD_TEMPLATE },
  CronJob: { groups: ['batch'], template: ['spec', 'jobTemplate', 'spec', 'template'] }
} satisfies Record<string, WorkloadKind>)

export function workloadKind(kind: string): WorkloadKind | undefined {
  return WORKLOAD_KINDS[kind]
}

/** `apps/v1` -> `apps`; `v1` -> '' (the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/')
  return slash < 0 ? '' : apiVersion.slice(0, slash)
}

/** `kind: List`, or a typed list such as `DeploymentList` (what `kubectl get -o yaml` writes). */
export function isListKind(kind: string): boolean {
  return kind === 'List' || (kind.length > 4 && kind.endsWith('List'))
}

const KINDS = [...Object.keys(WORKLOAD_KINDS), 'List'].join('|')
// Both are matched per line, with no nested quantifiers, so the scan is linear in the text.
const API_VERSION = /^[ \t]*(?:-[ \t]+)?["']?apiVersion["']?[ \t]*:/m
const WORKLOAD = new RegExp(
  `^[ \\t]*(?:-[ \\t]+)?["']?kind["']?[ \\t]*:[ \\t]*["']?(?:${KINDS})["']?[ \\t]*(?:,|#.*)?$`,
  'm'
)
// JSON written on one line (`{"apiVersion":"v1","kind":"Pod",...}`).
const JSON_WORKLOAD = new RegExp(`"kind"[ \\t]*:[ \\t]*"(?:${KINDS})"`)
// An unrendered Helm template is not a manifest yet: an action at a line start (`{{- if .Values.x }}`), as a
// plain value (`image: {{ .Values.image }}`), or naming Helm's objects or helpers. Go templates in a block
// scalar (an Alertmanager template in a ConfigMap) are indented and name none of those: still YAML.
const TEMPLATE_PLACEMENT = /^\{\{|:[ \t]+\{\{/m
const HELM_ACTION =
  /^-?[ \t]*(?:include|template|tpl|toYaml)\b|\.(?:Values|Release|Chart|Capabilities|Files)\b/
/** Actions looked at, and characters of each: a template shows itself early; the bound keeps this linear. */
const MAX_ACTIONS = 10_000
const ACTION_CHARS = 80

function isUnrenderedTemplate(text: string): boolean {
  if (!text.includes('{{')) return false
  if (TEMPLATE_PLACEMENT.test(text)) return true
  let at = text.indexOf('{{')
  for (let n = 0; at >= 0 && n < MAX_ACTIONS; n++) {
    const head = text.slice(at + 2, at + 2 + ACTION_CHARS)
    const end = head.search(/\}\}|\n/)
    if (HELM_ACTION.test(end < 0 ? head : head.slice(0, end))) return true
    at = text.indexOf('{{', at + 2)
  }
  return false
}

/**
 * True when `text` looks like a Kubernetes manifest with a workload: an `apiVersion` key and a workload
 * (or List) `kind`. Cheap and bounded: a few linear regular-expression scans, nothing over the reader's
 * size limit, and no parsing. Unrendered Helm templates are not manifests (render them with `helm template`).
 */
export function looksLikeKubernetesManifest(text: string): boolean {
  if (text.length > MAX_DEPLOYMENT_BYTES) return false
  if (text.startsWith('\uFEFF')) text = text.slice(1) // a byte-order mark is not part of the first line
  if (!API_VERSION.test(text) && !text.includes('"apiVersion"')) return false
  if (!WORKLOAD.test(text) && !JSON_WORKLOAD.test(text)) return false
  return !isUnrenderedTemplate(text)
}
