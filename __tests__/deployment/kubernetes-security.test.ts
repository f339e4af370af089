// Every securityContext and pod field the reader translates, both ways (set and not set), the pod/container
// precedence the kubelet applies, the legacy annotations, Kubernetes' defaults, and the line of each value.
import { describe, expect, it } from '@jest/globals'
import { stringify } from 'yaml'
import {
  PLATFORM_DEFAULTS,
  readKubernetesManifest,
  type KubernetesReadOptions
} from '../../src/deployment/kubernetes'
import type { Deployment } from '../../src/deployment/types'

type Obj = Record<string, unknown>

/** The one container of a Pod with these container fields, pod spec fields and annotations. */
function one(
  container: Obj = {},
  pod: Obj = {},
  annotations?: Obj,
  options: KubernetesReadOptions = {}
): Deployment {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
    spec: { ...pod, containers: [{ name: 'app', image: 'app:1', ...container }] }
  }
  const result = readKubernetesManifest(stringify(manifest), 'pod.yaml', options)
  expect(result.deployments).toHaveLength(1)
  return result.deployments[0]
}
const sc = (fields: Obj, pod: Obj = {}, annotations?: Obj) =>
  one({ securityContext: fields }, pod, annotations)
const podSc = (fields: Obj, container: Obj = {}) =>
  one({ securityContext: container }, { securityContext: fields })

/** Lines of a literal manifest, numbered in comments so location assertions can be read. */
const LINES = [
  'apiVersion: apps/v1', //                                   1
  'kind: Deployment', //                                      2
  'metadata:', //                                             3
  '  name: api', //                                           4
  'spec:', //                                                 5
  '  template:', //                                           6
  '    metadata:', //                                         7
  '      annotations:', //                                    8
  '        seccomp.security.alpha.kubernetes.io/pod: runtime/default', // 9
  '    spec:', //                                             10
  '      hostPID: true', //                                   11
  '      hostUsers: false', //                                12
  '      securityContext:', //                                13
  '        runAsUser: 1000', //                               14
  '        runAsGroup: 3000', //                              15
  '        privileged: true', //                              16 (not a pod field: noted, ignored)
  '        sysctls:', //                                      17
  '          - name: net.ipv4.ping_group_range', //           18
  '            value: "0 2147483647"', //                     19
  '      containers:', //                                     20
  '        - name: app', //                                   21
  '          image: registry.example/api:2', //               22
  '          securityContext:', //                            23
  '            runAsUser: 2000', //                           24
  '            capabilities:', //                             25
  '              add: [NET_ADMIN, "sys_time"]', //            26
  '              drop:', //                                   27
  '                - ALL', //                                 28
  '          volumeMounts:', //                               29
  '            - name: host-logs', //                         30
  '              mountPath: /host/logs', //                   31
  '              readOnly: true', //                          32
  '      volumes:', //                                        33
  '        - name: host-logs', //                             34
  '          hostPath:', //                                   35
  '            path: /var/log', //                            36
  '        - name: unused-root', //                           37
  '          hostPath:', //                                   38
  '            path: /', //                                   39
  ''
]

describe('locations', () => {
  const result = readKubernetesManifest(LINES.join('\n'), 'k8s/api.yaml')
  const [d] = result.deployments
  const line = (field: string) => d.locations[field]?.line

  it('points each value at the key that sets it: the container, or the pod when inherited', () => {
    expect(d.name).toBe('k8s/api.yaml Deployment/api container app')
    expect(d.at).toEqual({ file: 'k8s/api.yaml', line: 21, column: 11 })
    expect(d.link.image).toBe('registry.example/api:2')
    expect(d.profile.user).toBe('2000:3000')
    expect(line('user')).toBe(24) // the container's runAsUser wins over the pod's (line 14)
    expect(line('runAsGroup')).toBe(15) // inherited from the pod
    expect(line('capAdd:NET_ADMIN')).toBe(26)
    expect(line('capAdd:SYS_TIME')).toBe(26)
    expect(line('capDrop:ALL')).toBe(28)
    expect(line('pid')).toBe(11)
    expect(line('userns')).toBe(12)
    expect(line('securityOpt.seccomp')).toBe(9) // the legacy pod annotation
    expect(line('sysctls:net.ipv4.ping_group_range')).toBe(18)
    expect(line('mounts:0')).toBe(35) // the hostPath volume
    expect(line('privileged')).toBeUndefined()
  })

  it('translates the values', () => {
    expect(d.profile.capAdd).toEqual(['NET_ADMIN', 'SYS_TIME'])
    expect(d.profile.capDrop).toEqual(['ALL'])
    expect(d.profile.pid).toBe('host')
    expect(d.profile.privileged).toBe(false)
    expect(d.profile.securityOpt.seccomp).toBeUndefined()
    expect(d.profile.sysctls).toEqual({ 'net.ipv4.ping_group_range': '0 2147483647' })
    expect(d.profile.mounts).toEqual([
      { type: 'bind', source: '/var/log', target: '/host/logs', readOnly: true, flag: 'hostPath /var/log' }
    ])
    expect(d.kubernetes).toEqual({
      containerKind: 'containers',
      runAsUser: 2000,
      runAsGroup: 3000,
      hostUsers: false
    })
    expect(d.platformDefaults.userns).toBeUndefined()
    expect(d.platformDefaults['securityOpt.seccomp']).toBeUndefined()
  })

  it('notes a container-only field written in the pod securityContext, at its line', () => {
    expect(result.notes).toEqual([
      {
        line: 16,
        message:
          "Deployment/api: spec.template.spec.securityContext.privileged is not a pod securityContext field (kubectl refuses it as an unknown field, other clients drop it): set it in each container's securityContext"
      }
    ])
  })
})

describe('user and groups', () => {
  it('runAsUser is --user, with runAsGroup as its group', () => {
    expect(sc({ runAsUser: 1001 }).profile.user).toBe('1001')
    expect(sc({ runAsUser: 1001, runAsGroup: 1001 }).profile.user).toBe('1001:1001')
    expect(sc({ runAsUser: 0 }).profile.user).toBe('0')
  })

  it('leaves the image user when only runAsGroup is set, keeping the group as a Kubernetes fact', () => {
    const d = sc({ runAsGroup: 5 })
    expect(d.profile.user).toBeUndefined()
    expect(d.kubernetes?.runAsGroup).toBe(5)
    expect(d.locations.user).toBeUndefined()
  })

  it('has no user when neither is set', () => {
    const d = one()
    expect(d.profile.user).toBeUndefined()
    expect(d.kubernetes).toEqual({ containerKind: 'containers' })
  })

  it('keeps runAsNonRoot, the container value winning over the pod value', () => {
    expect(podSc({ runAsNonRoot: true }).kubernetes?.runAsNonRoot).toBe(true)
    expect(podSc({ runAsNonRoot: true }, { runAsNonRoot: false }).kubernetes?.runAsNonRoot).toBe(false)
    expect(podSc({ runAsNonRoot: false }, { runAsNonRoot: true }).kubernetes?.runAsNonRoot).toBe(true)
    expect(one().kubernetes?.runAsNonRoot).toBeUndefined()
  })

  it('the container runAsUser and runAsGroup win over the pod values', () => {
    expect(podSc({ runAsUser: 1, runAsGroup: 2 }, { runAsUser: 3 }).profile.user).toBe('3:2')
    expect(podSc({ runAsUser: 1 }, { runAsGroup: 4 }).profile.user).toBe('1:4')
  })

  it('fsGroup and supplementalGroups are supplementary groups (pod only)', () => {
    const d = podSc({ fsGroup: 2000, supplementalGroups: [3000, 2000, 3001] })
    expect(d.profile.groupAdd).toEqual(['2000', '3000', '3001'])
    expect(d.locations.groupAdd).toBeDefined()
    expect(one().profile.groupAdd).toEqual([])
  })

  it('ignores pod-only fields written in a container securityContext, with a note', () => {
    const text = stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'app', image: 'app', securityContext: { fsGroup: 1, sysctls: [] } }] }
    })
    const result = readKubernetesManifest(text, 'pod.yaml')
    expect(result.deployments[0].profile.groupAdd).toEqual([])
    expect(result.notes.map(n => n.message)).toEqual([
      "Pod/p: spec.containers[0].securityContext.fsGroup is not a container securityContext field (kubectl refuses it as an unknown field, other clients drop it): set it in the pod's securityContext",
      "Pod/p: spec.containers[0].securityContext.sysctls is not a container securityContext field (kubectl refuses it as an unknown field, other clients drop it): set it in the pod's securityContext"
    ])
  })
})

describe('privilege', () => {
  it('privileged', () => {
    expect(sc({ privileged: true }).profile.privileged).toBe(true)
    expect(sc({ privileged: false }).profile.privileged).toBe(false)
    expect(sc({ privileged: false }).locations.privileged).toBeDefined()
    expect(one().profile.privileged).toBe(false)
    expect(one().locations.privileged).toBeUndefined()
  })

  it('is not inherited from the pod securityContext (not a pod field)', () => {
    expect(podSc({ privileged: true }).profile.privileged).toBe(false)
  })

  it('allowPrivilegeEscalation false sets no_new_privs; true or absent leaves it off', () => {
    const off = sc({ allowPrivilegeEscalation: false })
    expect(off.profile.securityOpt.noNewPrivileges).toBe(true)
    expect(off.locations['securityOpt.noNewPrivileges']).toBeDefined()
    expect(off.platformDefaults['securityOpt.noNewPrivileges']).toBeUndefined()
    const on = sc({ allowPrivilegeEscalation: true })
    expect(on.profile.securityOpt.noNewPrivileges).toBe(false)
    expect(on.locations['securityOpt.noNewPrivileges']).toBeDefined()
    const absent = one()
    expect(absent.profile.securityOpt.noNewPrivileges).toBe(false)
    expect(absent.locations['securityOpt.noNewPrivileges']).toBeUndefined()
    expect(absent.platformDefaults['securityOpt.noNewPrivileges']).toBe(PLATFORM_DEFAULTS.noNewPrivileges)
  })

  it('sets no_new_privs with SYS_ADMIN written without CAP_ (the API server only refuses the CAP_ spelling)', () => {
    const d = sc({ allowPrivilegeEscalation: false, capabilities: { add: ['SYS_ADMIN'] } })
    expect(d.profile.securityOpt.noNewPrivileges).toBe(true)
    expect(d.profile.capAdd).toEqual(['SYS_ADMIN'])
  })

  it('normalises capability names as run-options does, keeping ALL', () => {
    const d = sc({ capabilities: { add: ['net_admin', 'CAP_SYS_PTRACE', 'NET_ADMIN'], drop: ['all'] } })
    expect(d.profile.capAdd).toEqual(['NET_ADMIN', 'SYS_PTRACE'])
    expect(d.profile.capDrop).toEqual(['ALL'])
    expect(Object.keys(d.locations).filter(k => k.startsWith('cap'))).toEqual([
      'capAdd:NET_ADMIN',
      'capAdd:SYS_PTRACE',
      'capDrop:ALL'
    ])
    expect(d.platformDefaults.capDrop).toBeUndefined()
  })

  it("applies add and drop in the runtimes' order: a name both added and dropped is dropped", () => {
    const both = sc({ capabilities: { add: ['NET_RAW', 'SYS_TIME'], drop: ['NET_RAW'] } })
    expect(both.profile.capAdd).toEqual(['SYS_TIME'])
    expect(both.profile.capDrop).toEqual(['NET_RAW'])
    expect(both.locations['capAdd:NET_RAW']).toBeUndefined()
    // add ALL then drop ALL leaves only the named adds (Docker alone would keep every capability).
    const all = sc({ capabilities: { add: ['ALL', 'NET_BIND_SERVICE'], drop: ['ALL'] } })
    expect(all.profile.capAdd).toEqual(['NET_BIND_SERVICE'])
    expect(all.profile.capDrop).toEqual(['ALL'])
    const allButOne = sc({ capabilities: { add: ['ALL'], drop: ['SYS_ADMIN'] } })
    expect(allButOne.profile.capAdd).toEqual(['ALL'])
    expect(allButOne.profile.capDrop).toEqual(['SYS_ADMIN'])
  })

  it('ignores a name that is not a capability, with a note, as the runtime does', () => {
    const text = stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app',
            securityContext: { capabilities: { add: ['NET_ADMINN'], drop: ['CAP_ALL'] } }
          }
        ]
      }
    })
    const result = readKubernetesManifest(text, 'pod.yaml')
    expect(result.deployments[0].profile.capAdd).toEqual([])
    expect(result.deployments[0].profile.capDrop).toEqual([])
    expect(result.notes.map(n => n.message)).toEqual([
      'Pod/p: spec.containers[0].securityContext.capabilities.add[0] "NET_ADMINN" is not a capability: containerd ignores it and CRI-O refuses to start the container',
      'Pod/p: spec.containers[0].securityContext.capabilities.drop[0] "CAP_ALL" is not a capability: the runtime ignores it'
    ])
    expect(result.notes[0].line).toBe(text.split('\n').findIndex(l => l.includes('NET_ADMINN')) + 1)
  })

  it('judges a CAP_-prefixed name the safe way round: granted when added, not dropped when dropped', () => {
    const text = stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app',
            securityContext: { capabilities: { add: ['CAP_SYS_ADMIN'], drop: ['CAP_NET_RAW', 'MKNOD'] } }
          }
        ]
      }
    })
    const result = readKubernetesManifest(text, 'pod.yaml')
    const [d] = result.deployments
    expect(d.profile.capAdd).toEqual(['SYS_ADMIN'])
    expect(d.profile.capDrop).toEqual(['MKNOD'])
    expect(d.locations['capAdd:SYS_ADMIN']).toBeDefined()
    expect(d.locations['capDrop:NET_RAW']).toBeUndefined()
    expect(result.notes.map(n => n.message)).toEqual([
      'Pod/p: spec.containers[0].securityContext.capabilities.add[0] "CAP_SYS_ADMIN": Kubernetes names capabilities without CAP_ (write SYS_ADMIN); containerd adds its own prefix and ignores the result (CRI-O grants it): judged as granted',
      'Pod/p: spec.containers[0].securityContext.capabilities.drop[0] "CAP_NET_RAW": Kubernetes names capabilities without CAP_ (write NET_RAW); containerd adds its own prefix and ignores the result, so nothing is dropped there (CRI-O drops it): judged as not dropped'
    ])
  })

  it("records the runtime's default capability set when nothing is dropped (not for privileged)", () => {
    expect(one().platformDefaults.capDrop).toBe(PLATFORM_DEFAULTS.capabilities)
    expect(sc({ capabilities: { add: ['NET_RAW'] } }).platformDefaults.capDrop).toBe(
      PLATFORM_DEFAULTS.capabilities
    )
    expect(sc({ capabilities: { drop: ['NET_RAW'] } }).platformDefaults.capDrop).toBeUndefined()
    expect(sc({ privileged: true }).platformDefaults.capDrop).toBeUndefined()
  })

  it('the container capabilities are the only ones (the pod has none)', () => {
    expect(podSc({ capabilities: { add: ['SYS_ADMIN'] } }).profile.capAdd).toEqual([])
  })

  it('readOnlyRootFilesystem', () => {
    expect(sc({ readOnlyRootFilesystem: true }).profile.readOnly).toBe(true)
    expect(sc({ readOnlyRootFilesystem: false }).profile.readOnly).toBe(false)
    expect(one().profile.readOnly).toBe(false)
  })

  it('procMount Unmasked unmasks /proc (systempaths=unconfined); Default does not', () => {
    const unmasked = sc({ procMount: 'Unmasked' })
    expect(unmasked.profile.securityOpt.systemPaths).toBe('unconfined')
    expect(unmasked.kubernetes?.procMount).toBe('Unmasked')
    expect(unmasked.locations['securityOpt.systemPaths']).toBeDefined()
    const normal = sc({ procMount: 'Default' })
    expect(normal.profile.securityOpt.systemPaths).toBeUndefined()
    expect(normal.kubernetes?.procMount).toBe('Default')
    expect(one().kubernetes?.procMount).toBeUndefined()
  })
})

describe('seccomp', () => {
  it('is off (Unconfined) when nothing sets it: a platform default, with no location', () => {
    const d = one()
    expect(d.profile.securityOpt.seccomp).toBe('unconfined')
    expect(d.locations['securityOpt.seccomp']).toBeUndefined()
    expect(d.platformDefaults['securityOpt.seccomp']).toBe(PLATFORM_DEFAULTS.seccompUnconfined)
  })

  it("is the runtime's default profile when the kubelet runs with seccompDefault", () => {
    const d = one({}, {}, undefined, { kubeletSeccompDefault: true })
    expect(d.profile.securityOpt.seccomp).toBeUndefined()
    expect(d.platformDefaults['securityOpt.seccomp']).toBe(PLATFORM_DEFAULTS.seccompKubeletDefault)
    // A field still wins over the kubelet default.
    const unconfined = one({ securityContext: { seccompProfile: { type: 'Unconfined' } } }, {}, undefined, {
      kubeletSeccompDefault: true
    })
    expect(unconfined.profile.securityOpt.seccomp).toBe('unconfined')
    expect(unconfined.platformDefaults['securityOpt.seccomp']).toBeUndefined()
  })

  it.each([
    [{ type: 'RuntimeDefault' }, undefined],
    [{ type: 'Unconfined' }, 'unconfined'],
    [{ type: 'Localhost', localhostProfile: 'profiles/audit.json' }, undefined]
  ])('seccompProfile %j -> seccomp %s', (profile, expected) => {
    const d = sc({ seccompProfile: profile })
    expect(d.profile.securityOpt.seccomp).toBe(expected)
    expect(d.locations['securityOpt.seccomp']).toBeDefined()
    expect(d.platformDefaults['securityOpt.seccomp']).toBeUndefined()
  })

  it('notes that a Localhost profile is on the node and judged as the runtime default', () => {
    const text = stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'audit.json' } },
        containers: [{ name: 'app', image: 'app' }]
      }
    })
    const result = readKubernetesManifest(text, 'pod.yaml')
    const typeLine = text.split('\n').findIndex(l => l.includes('type: Localhost')) + 1
    expect(result.deployments[0].locations['securityOpt.seccomp'].line).toBe(typeLine)
    expect(result.notes).toEqual([
      {
        line: typeLine,
        message:
          'Pod/p container app: seccomp profile "audit.json" is a file on the node; judged and probed as the container runtime\'s default profile'
      }
    ])
  })

  it('the container field wins over the pod field', () => {
    expect(
      podSc({ seccompProfile: { type: 'RuntimeDefault' } }, { seccompProfile: { type: 'Unconfined' } })
        .profile.securityOpt.seccomp
    ).toBe('unconfined')
    expect(
      podSc({ seccompProfile: { type: 'Unconfined' } }, { seccompProfile: { type: 'RuntimeDefault' } })
        .profile.securityOpt.seccomp
    ).toBeUndefined()
    expect(podSc({ seccompProfile: { type: 'Unconfined' } }).profile.securityOpt.seccomp).toBe('unconfined')
    expect(podSc({ seccompProfile: { type: 'RuntimeDefault' } }).profile.securityOpt.seccomp).toBeUndefined()
  })

  it.each([
    ['runtime/default', undefined],
    ['docker/default', undefined],
    ['unconfined', 'unconfined'],
    ['localhost/profiles/audit.json', undefined]
  ])('the legacy pod annotation %s -> seccomp %s', (value, expected) => {
    const d = one({}, {}, { 'seccomp.security.alpha.kubernetes.io/pod': value })
    expect(d.profile.securityOpt.seccomp).toBe(expected)
    expect(d.platformDefaults['securityOpt.seccomp']).toBeUndefined()
  })

  it('refuses a field and its annotation that disagree, as the API server does', () => {
    const refuse = (podFields: Obj, container: Obj, annotations: Obj) =>
      expect(() => one({ securityContext: container }, { securityContext: podFields }, annotations)).toThrow(
        /^pod\.yaml: line \d+: Pod\/p: spec\.(containers\[0\]\.)?securityContext\.seccompProfile\.type seccomp type in annotation and field must match$/
      )
    refuse(
      {},
      { seccompProfile: { type: 'RuntimeDefault' } },
      { 'container.seccomp.security.alpha.kubernetes.io/app': 'unconfined' }
    )
    refuse(
      { seccompProfile: { type: 'Unconfined' } },
      {},
      { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }
    )
    refuse(
      { seccompProfile: { type: 'Localhost', localhostProfile: 'a.json' } },
      {},
      { 'seccomp.security.alpha.kubernetes.io/pod': 'localhost/b.json' }
    )
  })

  it("ignores annotations on the workload's own metadata: only the pod template's reach the pod", () => {
    const text = stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'app' }] } } }
    })
    const [d] = readKubernetesManifest(text, 'd.yaml').deployments
    expect(d.profile.securityOpt.seccomp).toBe('unconfined')
  })

  it('resolves field and annotation as the API server and kubelet do', () => {
    const pod = 'seccomp.security.alpha.kubernetes.io/pod'
    const app = 'container.seccomp.security.alpha.kubernetes.io/app'
    const seccomp = (container: Obj, podFields: Obj, annotations: Obj) =>
      one({ securityContext: container }, { securityContext: podFields }, annotations).profile.securityOpt
        .seccomp
    // The container annotation becomes the container field, so it wins over the pod field.
    expect(seccomp({}, { seccompProfile: { type: 'RuntimeDefault' } }, { [app]: 'unconfined' })).toBe(
      'unconfined'
    )
    // A field and its own annotation may both be set when they agree.
    expect(seccomp({ seccompProfile: { type: 'Unconfined' } }, {}, { [app]: 'unconfined' })).toBe(
      'unconfined'
    )
    expect(
      seccomp({}, { seccompProfile: { type: 'RuntimeDefault' } }, { [pod]: 'docker/default' })
    ).toBeUndefined()
    // The container annotation wins over the pod annotation.
    expect(seccomp({}, {}, { [pod]: 'unconfined', [app]: 'runtime/default' })).toBeUndefined()
    // Another container's annotation does not apply.
    expect(
      seccomp({}, {}, { 'container.seccomp.security.alpha.kubernetes.io/other': 'runtime/default' })
    ).toBe('unconfined')
  })
})

describe('AppArmor and SELinux', () => {
  it.each([
    [{ type: 'RuntimeDefault' }, undefined],
    [{ type: 'Unconfined' }, 'unconfined'],
    [{ type: 'Localhost', localhostProfile: 'k8s-apparmor-example' }, 'k8s-apparmor-example']
  ])('appArmorProfile %j -> apparmor %s', (profile, expected) => {
    const d = sc({ appArmorProfile: profile })
    expect(d.profile.securityOpt.apparmor).toBe(expected)
    expect(d.locations['securityOpt.apparmor']).toBeDefined()
  })

  it("leaves the runtime's default AppArmor profile when nothing sets one", () => {
    const d = one()
    expect(d.profile.securityOpt.apparmor).toBeUndefined()
    expect(d.locations['securityOpt.apparmor']).toBeUndefined()
  })

  it('reads the legacy container annotation, after the container field and before the pod field', () => {
    const key = 'container.apparmor.security.beta.kubernetes.io/app'
    const apparmor = (container: Obj, podFields: Obj, annotations: Obj) =>
      one({ securityContext: container }, { securityContext: podFields }, annotations).profile.securityOpt
        .apparmor
    expect(apparmor({}, {}, { [key]: 'unconfined' })).toBe('unconfined')
    expect(apparmor({}, {}, { [key]: 'localhost/custom' })).toBe('custom')
    expect(apparmor({}, {}, { [key]: 'runtime/default' })).toBeUndefined()
    expect(apparmor({}, { appArmorProfile: { type: 'RuntimeDefault' } }, { [key]: 'unconfined' })).toBe(
      'unconfined'
    )
    expect(
      apparmor({ appArmorProfile: { type: 'RuntimeDefault' } }, {}, { [key]: 'unconfined' })
    ).toBeUndefined()
    expect(apparmor({}, { appArmorProfile: { type: 'Unconfined' } }, {})).toBe('unconfined')
  })

  it('seLinuxOptions are SELinux labels; the container options replace the pod options', () => {
    expect(sc({ seLinuxOptions: { type: 'spc_t', level: 's0:c1,c2' } }).profile.securityOpt.labels).toEqual([
      'type:spc_t',
      'level:s0:c1,c2'
    ])
    expect(
      podSc(
        { seLinuxOptions: { user: 'system_u', type: 'container_t' } },
        { seLinuxOptions: { type: 'spc_t' } }
      ).profile.securityOpt.labels
    ).toEqual(['type:spc_t'])
    expect(podSc({ seLinuxOptions: { type: 'container_t' } }).profile.securityOpt.labels).toEqual([
      'type:container_t'
    ])
    expect(one().profile.securityOpt.labels).toEqual([])
  })
})

describe('host namespaces', () => {
  it.each([
    ['hostPID', 'pid'],
    ['hostIPC', 'ipc'],
    ['hostNetwork', 'network']
  ] as const)('%s true shares the host namespace; false or absent does not', (field, key) => {
    const on = one({}, { [field]: true })
    expect(on.profile[key]).toBe('host')
    expect(on.locations[key]).toBeDefined()
    const off = one({}, { [field]: false })
    expect(off.profile[key]).toBeUndefined()
    expect(off.locations[key]).toBeDefined()
    expect(one().profile[key]).toBeUndefined()
    expect(one().locations[key]).toBeUndefined()
  })

  it('hostUsers false gives the pod a user namespace; absent is the host user namespace (a platform default)', () => {
    const userns = one({}, { hostUsers: false })
    expect(userns.kubernetes?.hostUsers).toBe(false)
    expect(userns.locations.userns).toBeDefined()
    expect(userns.platformDefaults.userns).toBeUndefined()
    const explicit = one({}, { hostUsers: true })
    expect(explicit.kubernetes?.hostUsers).toBe(true)
    expect(explicit.platformDefaults.userns).toBeUndefined()
    const absent = one()
    expect(absent.kubernetes?.hostUsers).toBeUndefined()
    expect(absent.platformDefaults.userns).toBe(PLATFORM_DEFAULTS.userns)
    // Docker has no per-container user namespace: the profile does not pretend to have one.
    expect(userns.profile.userns).toBeUndefined()
  })
})

describe('hostPath volumes', () => {
  const volumes = [
    { name: 'sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
    { name: 'root', hostPath: { path: '/' } },
    { name: 'scratch', emptyDir: {} },
    { name: 'config', configMap: { name: 'cfg' } }
  ]

  it('becomes a bind mount only where the container mounts it', () => {
    const d = one(
      {
        volumeMounts: [
          { name: 'scratch', mountPath: '/tmp' },
          { name: 'sock', mountPath: '/run/docker.sock', readOnly: true },
          { name: 'config', mountPath: '/etc/app' }
        ]
      },
      { volumes }
    )
    expect(d.profile.mounts).toEqual([
      {
        type: 'bind',
        source: '/var/run/docker.sock',
        target: '/run/docker.sock',
        readOnly: true,
        flag: 'hostPath /var/run/docker.sock'
      }
    ])
    expect(Object.keys(d.locations).filter(k => k.startsWith('mounts:'))).toEqual(['mounts:0'])
  })

  it('a hostPath volume no container mounts gives no mount', () => {
    expect(one({}, { volumes }).profile.mounts).toEqual([])
  })

  it('joins subPath onto the host path, and keeps readOnly false unless set', () => {
    const d = one({ volumeMounts: [{ name: 'root', mountPath: '/host-etc', subPath: 'etc' }] }, { volumes })
    expect(d.profile.mounts).toEqual([
      expect.objectContaining({ source: '/etc', target: '/host-etc', readOnly: false })
    ])
  })

  it('is per container: another container of the pod mounting it does not count', () => {
    const text = stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        volumes,
        containers: [
          { name: 'a', image: 'a', volumeMounts: [{ name: 'sock', mountPath: '/s' }] },
          { name: 'b', image: 'b' }
        ]
      }
    })
    const [a, b] = readKubernetesManifest(text, 'pod.yaml').deployments
    expect(a.profile.mounts).toHaveLength(1)
    expect(b.profile.mounts).toEqual([])
  })
})

describe('sysctls', () => {
  it('are the pod sysctls, slash-separated names normalised as the kubelet does', () => {
    const d = podSc({
      sysctls: [
        { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
        { name: 'net/ipv4/conf/eth0.100/rp_filter', value: '1' }
      ]
    })
    expect(d.profile.sysctls).toEqual({
      'net.ipv4.ip_unprivileged_port_start': '0',
      'net.ipv4.conf.eth0/100.rp_filter': '1'
    })
    expect(d.locations['sysctls:net.ipv4.ip_unprivileged_port_start']).toBeDefined()
    expect(one().profile.sysctls).toEqual({})
  })
})
