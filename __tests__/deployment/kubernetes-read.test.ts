// Reading manifests: which objects are workloads, where their pod templates are, notes for what is skipped,
// one-line errors for malformed workloads, bounds, and the content test used to find manifests in folders.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import {
  MAX_OBJECTS,
  looksLikeKubernetesManifest,
  readKubernetesManifest,
  type KubernetesReadOptions
} from '../../src/deployment/kubernetes'
import { MAX_LIST_ITEMS } from '../../src/deployment/kubernetes/fields'
import { UsageError } from '../../src/errors'

const FIXTURES = join(process.cwd(), '__fixtures__/kubernetes')
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8')

const read = (text: string, options: KubernetesReadOptions = {}) =>
  readKubernetesManifest(text, 'k8s/app.yaml', options)

const podSpec = (extra: Record<string, unknown> = {}) => ({
  containers: [{ name: 'app', image: 'registry.example/app:1' }],
  ...extra
})

/** Where each kind keeps its pod spec. */
const WRAPPED: Record<string, { apiVersion: string; spec: (pod: unknown) => unknown }> = {
  Pod: { apiVersion: 'v1', spec: pod => pod },
  ReplicationController: { apiVersion: 'v1', spec: pod => ({ template: { spec: pod } }) },
  Deployment: { apiVersion: 'apps/v1', spec: pod => ({ template: { spec: pod } }) },
  StatefulSet: { apiVersion: 'apps/v1', spec: pod => ({ template: { spec: pod } }) },
  DaemonSet: { apiVersion: 'apps/v1', spec: pod => ({ template: { spec: pod } }) },
  ReplicaSet: { apiVersion: 'apps/v1', spec: pod => ({ template: { spec: pod } }) },
  Job: { apiVersion: 'batch/v1', spec: pod => ({ template: { spec: pod } }) },
  CronJob: {
    apiVersion: 'batch/v1',
    spec: pod => ({ schedule: '* * * * *', jobTemplate: { spec: { template: { spec: pod } } } })
  }
}

function workload(kind: string, pod: unknown = podSpec(), name = 'x'): Record<string, unknown> {
  const { apiVersion, spec } = WRAPPED[kind]
  return { apiVersion, kind, metadata: { name }, spec: spec(pod) }
}

describe('workload kinds', () => {
  it.each(Object.keys(WRAPPED))('reads the pod template of a %s', kind => {
    const privileged = podSpec()
    ;(privileged.containers[0] as Record<string, unknown>).securityContext = { privileged: true }
    const result = read(stringify(workload(kind, privileged)))
    expect(result.notes).toEqual([])
    expect(result.deployments).toHaveLength(1)
    const [deployment] = result.deployments
    expect(deployment.name).toBe(`k8s/app.yaml ${kind}/x container app`)
    expect(deployment.source).toBe('kubernetes')
    expect(deployment.file).toBe('k8s/app.yaml')
    expect(deployment.link).toEqual({ image: 'registry.example/app:1' })
    expect(deployment.profile.privileged).toBe(true)
    expect(deployment.profile.declared).toBe(true)
  })

  it('finds the workloads of a multi-document file, skipping other kinds with a note and their line', () => {
    const result = readKubernetesManifest(fixture('app.yaml'), 'k8s/app.yaml')
    expect(result.file).toBe('k8s/app.yaml')
    expect(result.deployments.map(d => d.name)).toEqual([
      'k8s/app.yaml Deployment/api container api',
      'k8s/app.yaml Deployment/api init container migrate',
      'k8s/app.yaml CronJob/report container report'
    ])
    expect(result.notes).toEqual([
      {
        line: 3,
        message: 'ConfigMap/api-config: ConfigMap is not a workload kind (no containers to judge), ignored'
      },
      { line: 10, message: 'Service/api: Service is not a workload kind (no containers to judge), ignored' }
    ])
    const [api, migrate, report] = result.deployments
    // The container entry (`- name: api`), for findings about a key that is missing.
    expect(api.at).toEqual({ file: 'k8s/app.yaml', line: 39, column: 11 })
    expect(migrate.at?.line).toBe(34)
    expect(report.at?.line).toBe(81)
    expect(migrate.kubernetes?.containerKind).toBe('initContainers')
    expect(api.kubernetes?.containerKind).toBe('containers')
    expect(report.profile.privileged).toBe(true)
    expect(report.locations.privileged.line).toBe(84)
  })

  it('reads init and ephemeral containers with the pod they belong to', () => {
    const result = read(
      stringify(
        workload('Pod', {
          hostPID: true,
          initContainers: [{ name: 'setup', image: 'busybox' }],
          containers: [{ name: 'app', image: 'app' }],
          ephemeralContainers: [
            { name: 'debug', image: 'debugger', securityContext: { capabilities: { add: ['SYS_PTRACE'] } } }
          ]
        })
      )
    )
    expect(result.deployments.map(d => [d.name, d.kubernetes?.containerKind, d.profile.pid])).toEqual([
      ['k8s/app.yaml Pod/x container app', 'containers', 'host'],
      ['k8s/app.yaml Pod/x init container setup', 'initContainers', 'host'],
      ['k8s/app.yaml Pod/x ephemeral container debug', 'ephemeralContainers', 'host']
    ])
    expect(result.deployments[2].profile.capAdd).toEqual(['SYS_PTRACE'])
  })

  it('reads the items of a List and of a typed list such as DeploymentList', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [workload('Pod', podSpec(), 'a'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }]
    }
    const typed = {
      apiVersion: 'apps/v1',
      kind: 'DeploymentList',
      items: [workload('Deployment', podSpec(), 'b')]
    }
    const result = read(`${stringify(list)}---\n${stringify(typed)}`)
    expect(result.deployments.map(d => d.name)).toEqual([
      'k8s/app.yaml Pod/a container app',
      'k8s/app.yaml Deployment/b container app'
    ])
    expect(result.notes).toEqual([
      expect.objectContaining({
        message: 'Secret/s: Secret is not a workload kind (no containers to judge), ignored'
      })
    ])
  })

  it('reads JSON manifests (kubectl get -o json) with their lines', () => {
    const json = JSON.stringify(workload('Pod'), null, 2)
    const [deployment] = read(json).deployments
    expect(deployment.name).toBe('k8s/app.yaml Pod/x container app')
    // The container entry is the `{` line just above its `"name": "app"` (0-based index = 1-based line - 1).
    const nameLine = json.split('\n').findIndex(l => l.includes('"name": "app"'))
    expect(deployment.at?.line).toBe(nameLine)
  })

  it('ignores a workload kind served from another API group (a custom resource), with a note', () => {
    const result = read('apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: custom}\nspec: {}\n')
    expect(result.deployments).toEqual([])
    expect(result.notes).toEqual([
      {
        line: 1,
        message: `Deployment/custom: apiVersion "example.com/v1" is not Kubernetes' Deployment (apps/… or extensions/…), ignored`
      }
    ])
  })

  it('notes documents that are not Kubernetes objects and skips empty ones silently', () => {
    const result = read(['just a string', '---', 'metadata: {name: nokind}', '---', '---', ''].join('\n'))
    expect(result.deployments).toEqual([])
    expect(result.notes.map(n => n.message)).toEqual([
      'document 1 is not a Kubernetes object (a map with apiVersion and kind), ignored',
      'document 2 has no kind, ignored'
    ])
    expect(result.notes[1].line).toBe(3)
  })

  it('notes a workload without apiVersion instead of judging it', () => {
    const result = read('kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b}]\n')
    expect(result.deployments).toEqual([])
    expect(result.notes[0].message).toBe('Pod/p: no apiVersion, not a Kubernetes object, ignored')
  })

  it('notes partial manifests (kustomize patches) instead of judging them with Kubernetes defaults', () => {
    const noTemplate = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\n'
    const noImage = stringify(
      workload(
        'Deployment',
        { containers: [{ name: 'api', securityContext: { runAsNonRoot: true } }] },
        'api'
      )
    )
    const result = read(`${noTemplate}---\n${noImage}`)
    expect(result.deployments).toEqual([])
    expect(result.notes.map(n => n.message)).toEqual([
      'Deployment/api: no pod spec at spec.template.spec (a patch or a partial manifest?), ignored',
      'Deployment/api container api has no image (a patch or a partial manifest?), not judged'
    ])
    expect(result.notes[0].line).toBe(4)
    const noContainers = read(stringify(workload('Pod', { volumes: [] })))
    expect(noContainers.notes[0].message).toMatch(/^Pod\/x: no containers at spec\.containers/)
  })

  it('notes a Windows pod instead of judging Linux settings it does not have', () => {
    const result = read(stringify(workload('Pod', podSpec({ os: { name: 'windows' } }))))
    expect(result.deployments).toEqual([])
    expect(result.notes.map(n => n.message)).toEqual([
      'Pod/x: a Windows pod (spec.os.name: windows), not judged'
    ])
    expect(read(stringify(workload('Pod', podSpec({ os: { name: 'linux' } })))).deployments).toHaveLength(1)
  })

  it('keeps lines right with a byte-order mark and CRLF line ends', () => {
    const text =
      '\uFEFFapiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  containers:\r\n    - name: a\r\n      image: b\r\n      securityContext: {privileged: true}\r\n'
    const [deployment] = read(text).deployments
    expect(deployment.at?.line).toBe(6)
    expect(deployment.locations.privileged.line).toBe(8)
  })

  it('reads YAML 1.1 booleans as kubectl does (yes, on)', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p}',
      'spec:',
      '  hostNetwork: on',
      '  containers:',
      '    - name: app',
      '      image: app',
      '      securityContext: {privileged: yes, readOnlyRootFilesystem: no}',
      ''
    ].join('\n')
    const [deployment] = read(text).deployments
    expect(deployment.profile.privileged).toBe(true)
    expect(deployment.profile.network).toBe('host')
    expect(deployment.profile.readOnly).toBe(false)
  })

  it('never keeps environment values or envFrom sources', () => {
    const result = readKubernetesManifest(fixture('app.yaml'), 'k8s/app.yaml')
    const all = JSON.stringify(result)
    expect(all).not.toContain('hunter2')
    expect(all).not.toContain('api-secrets')
    expect(all).not.toContain('DB_PASSWORD')
  })

  it('keeps object-property names from input as plain data', () => {
    const text = stringify(
      workload('Pod', {
        securityContext: { sysctls: [{ name: '__proto__', value: '1' }] },
        containers: [{ name: 'constructor', image: 'app' }]
      })
    )
    const [deployment] = read(text).deployments
    expect(Object.getPrototypeOf(deployment.profile.sysctls)).toBeNull()
    expect(Object.getPrototypeOf(deployment.locations)).toBeNull()
    expect(Object.getPrototypeOf(deployment.platformDefaults)).toBeNull()
    expect(Object.keys(deployment.profile.sysctls)).toEqual(['__proto__'])
    expect(deployment.name).toBe('k8s/app.yaml Pod/x container constructor')
    expect(({} as Record<string, unknown>).value).toBeUndefined()
  })
})

describe('bad input', () => {
  const error = (text: string): string => {
    try {
      read(text)
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError)
      const message = (e as Error).message
      expect(message.split('\n')).toHaveLength(1)
      return message
    }
    throw new Error('expected an error')
  }

  it('rejects invalid YAML with the file and line', () => {
    expect(error('apiVersion: v1\nkind: Pod\nspec: [unclosed\n')).toMatch(
      /^k8s\/app\.yaml: line \d+: invalid YAML: /
    )
  })

  it('rejects a workload whose containers are not a list, naming file, line and field', () => {
    const text = [
      'apiVersion: apps/v1', // 1
      'kind: Deployment', //     2
      'metadata: {name: api}', // 3
      'spec:', //                4
      '  template:', //          5
      '    spec:', //            6
      '      containers:', //    7
      '        name: app', //    8
      ''
    ].join('\n')
    expect(error(text)).toBe(
      'k8s/app.yaml: line 7: Deployment/api: spec.template.spec.containers must be a list, not a map'
    )
  })

  it.each([
    [
      { securityContext: { privileged: 'true' } },
      'containers[0].securityContext.privileged must be true or false, not the string "true"'
    ],
    [
      { securityContext: { runAsUser: '1001' } },
      'containers[0].securityContext.runAsUser must be an integer, not the string "1001"'
    ],
    [
      { securityContext: { runAsUser: -1 } },
      'containers[0].securityContext.runAsUser must be between 0 and 2147483647, inclusive'
    ],
    [
      { securityContext: { runAsGroup: 1.5 } },
      'containers[0].securityContext.runAsGroup must be an integer, not a number'
    ],
    [
      { securityContext: { capabilities: { add: [7] } } },
      'containers[0].securityContext.capabilities.add[0] must be a string, not an integer'
    ],
    [
      { securityContext: { capabilities: { drop: 'ALL' } } },
      'containers[0].securityContext.capabilities.drop must be a list, not the string "ALL"'
    ],
    [
      { securityContext: { procMount: 'Open' } },
      'containers[0].securityContext.procMount must be Default or Unmasked'
    ],
    [
      { securityContext: { seccompProfile: { type: 'Strict' } } },
      'containers[0].securityContext.seccompProfile.type must be RuntimeDefault, Unconfined or Localhost'
    ],
    [
      { securityContext: { seccompProfile: { type: 'Localhost' } } },
      'containers[0].securityContext.seccompProfile.localhostProfile is required when the seccomp profile type is Localhost'
    ],
    [
      { securityContext: { seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'x.json' } } },
      'containers[0].securityContext.seccompProfile.localhostProfile can only be set when the type is Localhost'
    ],
    [
      { securityContext: { appArmorProfile: {} } },
      'containers[0].securityContext.appArmorProfile.type is required'
    ],
    [
      { securityContext: 'privileged' },
      'containers[0].securityContext must be a map, not the string "privileged"'
    ],
    [
      { volumeMounts: [{ name: 'data', mountPath: '/data' }] },
      'containers[0].volumeMounts[0].name names no volume of the pod ("data" not found)'
    ],
    [{ volumeMounts: [{ name: 'data' }] }, 'containers[0].volumeMounts[0].mountPath is required'],
    [{ name: undefined }, 'containers[0].name is required'],
    [{ image: 42 }, 'containers[0].image must be a string, not an integer']
  ])('rejects a malformed container field (%j)', (fields, why) => {
    const container = { name: 'app', image: 'app', ...fields }
    const message = error(stringify(workload('Pod', { containers: [container] })))
    expect(message).toMatch(/^k8s\/app\.yaml: line \d+: Pod\/x: spec\./)
    expect(message.endsWith(`spec.${why}`)).toBe(true)
  })

  it('rejects malformed pod-level fields', () => {
    // Quoted: plain `yes` is a boolean to kubectl, a quoted one is a string it refuses.
    expect(error(JSON.stringify(workload('Pod', podSpec({ hostPID: 'yes' }))))).toMatch(
      /Pod\/x: spec\.hostPID must be true or false, not the string "yes"$/
    )
    expect(
      error(stringify(workload('Pod', podSpec({ securityContext: { sysctls: [{ value: '1' }] } }))))
    ).toMatch(/spec\.securityContext\.sysctls\[0\]\.name is required$/)
    expect(
      error(stringify(workload('Pod', podSpec({ securityContext: { supplementalGroups: [1, 'x'] } }))))
    ).toMatch(/spec\.securityContext\.supplementalGroups\[1\] must be an integer, not the string "x"$/)
    expect(error(stringify(workload('Pod', podSpec({ volumes: [{ name: 'h', hostPath: {} }] }))))).toMatch(
      /spec\.volumes\[0\]\.hostPath\.path is required$/
    )
    expect(
      error('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template: [1]\n')
    ).toBe('k8s/app.yaml: line 5: Deployment/d: spec.template must be a map, not a list')
  })

  it('rejects a legacy annotation value the API server rejects', () => {
    const pod = workload('Pod')
    pod.metadata = { name: 'x', annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'strict' } }
    expect(error(stringify(pod))).toMatch(
      /metadata\.annotations\["seccomp\.security\.alpha\.kubernetes\.io\/pod"\] must be runtime\/default, docker\/default, unconfined or localhost\/<path>$/
    )
    pod.metadata = {
      name: 'x',
      annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'docker/default' }
    }
    expect(error(stringify(pod))).toMatch(/must be runtime\/default, unconfined or localhost\/<profile>$/)
  })

  it('rejects what the API server refuses: allowPrivilegeEscalation false with privileged or CAP_SYS_ADMIN', () => {
    const with_ = (sc: Record<string, unknown>) =>
      stringify(workload('Pod', { containers: [{ name: 'app', image: 'app', securityContext: sc }] }))
    expect(error(with_({ privileged: true, allowPrivilegeEscalation: false }))).toMatch(
      /spec\.containers\[0\]\.securityContext cannot set `allowPrivilegeEscalation` to false and `privileged` to true$/
    )
    expect(
      error(with_({ allowPrivilegeEscalation: false, capabilities: { add: ['CAP_SYS_ADMIN'] } }))
    ).toMatch(/cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN$/)
  })

  it('quotes names from input so the error stays one line', () => {
    const message = error(stringify(workload('Pod', { containers: 'x' }, 'evil\nname')))
    expect(message).toContain('Pod/"evil\\nname": spec.containers must be a list')
  })

  it('cuts long input quoted in notes and errors', () => {
    const long = 'X'.repeat(100_000)
    const noted = read(
      stringify(
        workload('Pod', {
          containers: [{ name: 'app', image: 'app', securityContext: { capabilities: { add: [long] } } }]
        })
      )
    )
    expect(noted.notes).toHaveLength(1)
    expect(noted.notes[0].message.length).toBeLessThan(400)
    const message = error(stringify(workload('Pod', { containers: 'x' }, long)))
    expect(message.length).toBeLessThan(400)
    expect(message).toContain(`Pod/"${'X'.repeat(100)}…": spec.containers must be a list`)
  })

  it('bounds the containers of one pod and the objects of one file', () => {
    const many = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => ({ name: `c${i}`, image: 'app' }))
    expect(error(JSON.stringify(workload('Pod', { containers: many })))).toMatch(
      new RegExp(`spec\\.containers has more than ${MAX_LIST_ITEMS} entries, over the limit$`)
    )
    const items = Array.from({ length: MAX_OBJECTS + 1 }, () => ({}))
    expect(error(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }))).toBe(
      `k8s/app.yaml: line 1: List/(unnamed): items has more than ${MAX_OBJECTS} entries, over the limit`
    )
    const half = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: items.slice(0, MAX_OBJECTS / 2) })
    expect(error(`${half}\n---\n${half}`)).toBe(
      `k8s/app.yaml: more than ${MAX_OBJECTS} Kubernetes objects, over the limit`
    )
  })

  it('bounds Lists nested in Lists', () => {
    let object: Record<string, unknown> = workload('Pod')
    for (let i = 0; i < 5; i++) object = { apiVersion: 'v1', kind: 'List', items: [object] }
    expect(error(JSON.stringify(object))).toMatch(
      /List\/\(unnamed\): items nests Lists deeper than 3 levels$/
    )
  })
})

describe('looksLikeKubernetesManifest', () => {
  it.each([
    ['the multi-document fixture', fixture('app.yaml')],
    ['a Pod', 'apiVersion: v1\nkind: Pod\n'],
    ['a file with a byte-order mark and CRLF line ends', '\uFEFFapiVersion: v1\r\nkind: Pod\r\n'],
    ['quoted keys and values', '"apiVersion": "batch/v1"\n"kind": "CronJob"  # nightly\n'],
    [
      'a List with indented items',
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n'
    ],
    ['one-line JSON', '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"}}'],
    ['pretty JSON', '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "spec": {}\n}\n'],
    [
      'a Go template inside a block scalar (an Alertmanager template in a ConfigMap)',
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  alert.tmpl: |\n    {{ define "slack" }}{{ .CommonLabels.alertname }}{{ end }}\n---\napiVersion: apps/v1\nkind: Deployment\n'
    ]
  ])('is true for %s', (_, text) => {
    expect(looksLikeKubernetesManifest(text)).toBe(true)
  })

  it.each([
    ['a compose file', 'services:\n  web:\n    image: nginx\n    privileged: true\n'],
    ['a workflow', 'name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n'],
    ['only a ConfigMap', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  mode: Pod\n'],
    [
      'a kustomization',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deploy.yaml]\n'
    ],
    ['a kind without apiVersion', 'kind: Deployment\nspec: {}\n'],
    [
      'a Deployment-like word in prose',
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  note: "kind: Deployment is used"\n'
    ],
    [
      'an unrendered Helm template',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\n'
    ],
    [
      'a Helm template with control lines',
      '{{- if .Values.enabled }}\napiVersion: v1\nkind: Pod\n{{- end }}\n'
    ],
    [
      'a Helm template with indented actions only',
      'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "{{ .Values.image.repository }}"\n'
    ],
    [
      'a Helm template using a helper',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    {{- include "app.labels" . | nindent 4 }}\n'
    ],
    ['an empty file', '']
  ])('is false for %s', (_, text) => {
    expect(looksLikeKubernetesManifest(text)).toBe(false)
  })

  it('is false, without scanning, for text over the reader size limit', () => {
    expect(looksLikeKubernetesManifest(`apiVersion: v1\nkind: Pod\n${'#'.repeat(5 * 1024 * 1024)}`)).toBe(
      false
    )
  })

  it('ends on large pathological input (long lines of blanks and quotes)', () => {
    const text = `apiVersion: v1\n${' \t"\''.repeat(800_000)}\n${'kind:'.repeat(100_000)}\n${'"kind" :'.repeat(50_000)}`
    expect(looksLikeKubernetesManifest(text)).toBe(false)
    const braces = `apiVersion: v1\nkind: Pod\ndata:\n  x: |\n    ${'{{'.repeat(1_500_000)}\n`
    expect(looksLikeKubernetesManifest(braces)).toBe(true)
  }, 20_000)
})
