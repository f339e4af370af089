// The profile a manifest gives is the one the equivalent `docker run` flags give, so the deployment rules
// judge it the same way and the probe container is created with what the kubelet would ask for; and the
// kubelet's runAsNonRoot refusal, which depends on the image's user.
import { describe, expect, it } from '@jest/globals'
import { stringify } from 'yaml'
import { kubeletRefusal, readKubernetesManifest } from '../../src/deployment/kubernetes'
import type { Deployment } from '../../src/deployment/types'
import { parseYamlDocuments } from '../../src/deployment/yaml'
import { toHostConfig } from '../../src/profile/host-config'
import { profileFromArgs } from '../../src/profile/parse'
import type { RuntimeProfile } from '../../src/profile/types'

type Obj = Record<string, unknown>

function pod(container: Obj, spec: Obj = {}): Deployment {
  const text = stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { ...spec, containers: [{ name: 'app', image: 'app:1', ...container }] }
  })
  const [deployment] = readKubernetesManifest(text, 'pod.yaml').deployments
  return deployment
}

/** What the rules and the probe use: everything but the display text. */
function essentials(profile: RuntimeProfile): Obj {
  const rest: Obj = { ...profile, mounts: profile.mounts.map(m => ({ ...m, flag: undefined })) }
  delete rest.args
  delete rest.declared
  return rest
}

describe('the profile equals the one its docker run flags give', () => {
  const everything = pod(
    {
      securityContext: {
        runAsUser: 1001,
        runAsGroup: 1001,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { add: ['net_bind_service', 'CAP_NET_RAW'], drop: ['ALL'] },
        seccompProfile: { type: 'Unconfined' },
        appArmorProfile: { type: 'Localhost', localhostProfile: 'custom' },
        seLinuxOptions: { type: 'spc_t' },
        procMount: 'Unmasked'
      },
      volumeMounts: [{ name: 'sock', mountPath: '/var/run/docker.sock', readOnly: true }]
    },
    {
      hostPID: true,
      hostIPC: true,
      hostNetwork: true,
      securityContext: {
        fsGroup: 2000,
        supplementalGroups: [3000],
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]
      },
      volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }]
    }
  )

  it('for every translated field', () => {
    expect(everything.profile.args).toEqual([
      '--user',
      '1001:1001',
      '--group-add',
      '2000',
      '--group-add',
      '3000',
      '--cap-add',
      'NET_BIND_SERVICE',
      '--cap-add',
      'NET_RAW',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges=true',
      '--security-opt',
      'seccomp=unconfined',
      '--security-opt',
      'apparmor=custom',
      '--security-opt',
      'label=type:spc_t',
      '--security-opt',
      'systempaths=unconfined',
      '--pid',
      'host',
      '--ipc',
      'host',
      '--network',
      'host',
      '--read-only',
      '--volume',
      '/var/run/docker.sock:/var/run/docker.sock:ro',
      '--sysctl',
      'net.ipv4.ip_unprivileged_port_start=0'
    ])
    expect(essentials(profileFromArgs(everything.profile.args))).toEqual(essentials(everything.profile))
  })

  it('for a container that sets nothing (Kubernetes defaults, not Docker defaults)', () => {
    const plain = pod({})
    expect(plain.profile.args).toEqual([
      '--security-opt',
      'no-new-privileges=false',
      '--security-opt',
      'seccomp=unconfined'
    ])
    expect(essentials(profileFromArgs(plain.profile.args))).toEqual(essentials(plain.profile))
  })

  it('gives the Engine API fields the probe container is created with', () => {
    const { User, HostConfig } = toHostConfig(everything.profile)
    expect(User).toBe('1001:1001')
    expect(HostConfig).toMatchObject({
      Privileged: false,
      ReadonlyRootfs: true,
      CapAdd: ['CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'],
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges=true', 'seccomp=unconfined', 'apparmor=custom', 'label=type:spc_t'],
      MaskedPaths: [],
      ReadonlyPaths: [],
      PidMode: 'host',
      IpcMode: 'host',
      NetworkMode: 'host',
      Mounts: [
        { Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock', ReadOnly: true }
      ],
      Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
      GroupAdd: ['2000', '3000']
    })
    // Seccomp RuntimeDefault and a Localhost profile (a file on the node) leave the runtime's default.
    for (const type of ['RuntimeDefault', 'Localhost']) {
      const profile = pod({
        securityContext: {
          seccompProfile: { type, ...(type === 'Localhost' ? { localhostProfile: 'a.json' } : {}) }
        }
      }).profile
      expect(toHostConfig(profile).HostConfig.SecurityOpt).toEqual(['no-new-privileges=false'])
    }
  })
})

describe('kubeletRefusal', () => {
  const nonRoot = (sc: Obj = {}, podSc: Obj = {}) =>
    pod({ securityContext: { runAsNonRoot: true, ...sc } }, { securityContext: podSc })
  const ROOT = 'container has runAsNonRoot and image will run as root'
  const named = (user: string) =>
    `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root`

  it.each([
    ['', ROOT],
    ['0', ROOT],
    ['0:0', ROOT],
    [':1000', ROOT],
    ['root', named('root')],
    ['app:app', named('app')],
    ['99999999999999999999', named('99999999999999999999')],
    ['1001', undefined],
    ['1001:0', undefined],
    ['+1001', undefined]
  ])('refuses an image whose user is %j without runAsUser', (user, expected) => {
    expect(kubeletRefusal(nonRoot(), user)).toBe(expected)
  })

  it('refuses a user id outside the valid range', () => {
    expect(kubeletRefusal(nonRoot(), '-5')).toBe(
      'container has runAsNonRoot and image has an invalid user id (-5). (Must be 1-(2147483647)): must be between 0 and 2147483647, inclusive'
    )
    expect(kubeletRefusal(nonRoot(), '4294967296')).toMatch(/invalid user id \(4294967296\)/)
  })

  it('refuses runAsUser 0 whatever the image, and trusts a non-zero runAsUser over a root image', () => {
    expect(kubeletRefusal(nonRoot({ runAsUser: 0 }), '1001')).toBe(
      "container's runAsUser breaks non-root policy"
    )
    expect(kubeletRefusal(nonRoot({ runAsUser: 0 }), undefined)).toBe(
      "container's runAsUser breaks non-root policy"
    )
    expect(kubeletRefusal(nonRoot({ runAsUser: 1001 }), 'root')).toBeUndefined()
    expect(kubeletRefusal(nonRoot({}, { runAsUser: 1001 }), '')).toBeUndefined()
    expect(kubeletRefusal(nonRoot({}, { runAsUser: 0 }), '1001')).toBe(
      "container's runAsUser breaks non-root policy"
    )
  })

  it('says nothing without runAsNonRoot true, or when the image user is unknown', () => {
    expect(kubeletRefusal(pod({}), '')).toBeUndefined()
    expect(kubeletRefusal(pod({ securityContext: { runAsNonRoot: false } }), 'root')).toBeUndefined()
    expect(kubeletRefusal(nonRoot(), undefined)).toBeUndefined()
    // Inherited from the pod, overridden by the container.
    expect(kubeletRefusal(pod({}, { securityContext: { runAsNonRoot: true } }), '')).toBe(ROOT)
    expect(kubeletRefusal(nonRoot({ runAsNonRoot: false }), '')).toBeUndefined()
  })

  it('says nothing for a deployment that is not from Kubernetes', () => {
    const compose = { ...pod({}), source: 'compose', kubernetes: undefined } as Deployment
    expect(kubeletRefusal(compose, '')).toBeUndefined()
  })
})

describe('YAML as Kubernetes tooling reads it (go-yaml v2, YAML 1.1 scalars)', () => {
  const text = 'a: yes\nb: Off\nc: 0644\nd: 2001-12-14\ne: 1:20\nf: "yes"\ng: y\n'

  it('reads 1.1 booleans and octal, keeps timestamps and base-60 numbers as strings', () => {
    const [doc] = parseYamlDocuments(text, 'x.yaml', { version: '1.1' })
    expect({ ...(doc.value as Obj) }).toEqual({
      a: true,
      b: false,
      c: 420,
      d: '2001-12-14',
      e: '1:20',
      f: 'yes',
      g: true
    })
  })

  it('is YAML 1.2 by default (compose)', () => {
    const [doc] = parseYamlDocuments(text, 'x.yaml')
    expect({ ...(doc.value as Obj) }).toEqual({
      a: 'yes',
      b: 'Off',
      c: 644,
      d: '2001-12-14',
      e: '1:20',
      f: 'yes',
      g: 'y'
    })
  })
})
