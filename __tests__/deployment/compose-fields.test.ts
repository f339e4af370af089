import { afterEach, describe, expect, it } from '@jest/globals'
import { parseRunOptions } from '../../src/profile/parse'
import { toHostConfig } from '../../src/profile/host-config'
import type { Deployment } from '../../src/deployment/types'
import { lines, project, type Project } from './compose-helpers'

let current: Project | undefined
afterEach(() => current?.remove())

function service(body: string[], env: Record<string, string> = {}): Deployment {
  current = project({
    'compose.yaml': lines('services:', '  app:', '    image: app:1', ...body.map(l => `    ${l}`))
  })
  const result = current.read(['compose.yaml'], env)
  return result.deployments[0]
}

function fails(body: string[]): string {
  try {
    service(body)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected an error')
}

describe('compose service fields -> RuntimeProfile', () => {
  it('reads user, privileged, read_only and init, each with the line of its key', () => {
    const d = service(['user: "1000:1000"', 'privileged: true', 'read_only: true', 'init: true'])
    expect(d.profile).toMatchObject({
      user: '1000:1000',
      privileged: true,
      readOnly: true,
      init: true,
      declared: true
    })
    expect(d.locations.user.line).toBe(4)
    expect(d.locations.privileged.line).toBe(5)
    expect(d.locations.readOnly.line).toBe(6)
    expect(d.locations.init.line).toBe(7)
    expect(d.at).toEqual({ file: 'compose.yaml', line: 2, column: 3 })
    expect(d.name).toBe('compose.yaml service app')
    expect(d.link).toEqual({ image: 'app:1' })
  })

  it('keeps explicit false and leaves absent keys at Docker defaults', () => {
    const off = service(['privileged: false', 'read_only: "no"'])
    expect(off.profile.privileged).toBe(false)
    expect(off.profile.readOnly).toBe(false)
    expect(off.locations.privileged.line).toBe(4)
    const none = service([])
    expect(none.profile).toMatchObject({
      privileged: false,
      readOnly: false,
      init: false,
      capAdd: [],
      mounts: []
    })
    expect(none.profile.user).toBeUndefined()
    expect(Object.keys(none.locations)).toEqual([])
  })

  it('normalises capabilities as the run-options parser does, with the line of each item', () => {
    const d = service(['cap_add:', '  - net_admin', '  - CAP_SYS_TIME', 'cap_drop: [ALL]'])
    expect(d.profile.capAdd).toEqual(['NET_ADMIN', 'SYS_TIME'])
    expect(d.profile.capDrop).toEqual(['ALL'])
    expect(d.locations['capAdd:NET_ADMIN'].line).toBe(5)
    expect(d.locations['capAdd:SYS_TIME'].line).toBe(6)
    expect(d.locations['capDrop:ALL'].line).toBe(7)
    expect(fails(['cap_add: [NET_FLY]'])).toBe(
      'compose.yaml: line 4: services.app.cap_add: unknown capability NET_FLY in --cap-add'
    )
  })

  it('reads every security_opt spelling like --security-opt', () => {
    for (const nnp of ['no-new-privileges', 'no-new-privileges:true', 'no-new-privileges=true']) {
      expect(service(['security_opt:', `  - ${nnp}`]).profile.securityOpt.noNewPrivileges).toBe(true)
    }
    const d = service([
      'security_opt:',
      '  - seccomp:unconfined',
      '  - apparmor=unconfined',
      '  - label:disable',
      '  - no-new-privileges=false'
    ])
    expect(d.profile.securityOpt).toMatchObject({
      seccomp: 'unconfined',
      apparmor: 'unconfined',
      labels: ['disable'],
      noNewPrivileges: false
    })
    expect(d.locations['securityOpt.seccomp'].line).toBe(5)
    expect(d.locations['securityOpt.apparmor'].line).toBe(6)
    expect(d.locations['securityOpt.labels'].line).toBe(7)
    expect(d.locations['securityOpt.noNewPrivileges'].line).toBe(8)
    expect(fails(['security_opt: [bogus]'])).toMatch(
      /^compose\.yaml: line 4: services\.app\.security_opt: invalid --security-opt "bogus"/
    )
  })

  it('reads namespace modes: userns_mode, pid, ipc, network_mode, uts, cgroup', () => {
    const d = service([
      'userns_mode: host',
      'pid: host',
      'ipc: host',
      'network_mode: host',
      'uts: host',
      'cgroup: host'
    ])
    expect(d.profile).toMatchObject({
      userns: 'host',
      pid: 'host',
      ipc: 'host',
      network: 'host',
      uts: 'host',
      cgroupns: 'host'
    })
    expect(d.locations.pid.line).toBe(5)
    expect(d.locations.network.line).toBe(7)
    expect(service(['pid: "service:db"', 'ipc: "service:db"']).profile).toMatchObject({
      pid: 'service:db',
      ipc: 'service:db'
    })
    expect(fails(['pid: everything'])).toBe(
      'compose.yaml: line 4: services.app.pid: invalid --pid value "everything"'
    )
  })

  it('reads devices in short and long form', () => {
    const d = service([
      'devices:',
      '  - /dev/fuse',
      '  - /dev/sda:/dev/xvda:r',
      '  - source: /dev/kvm',
      '    target: /dev/kvm',
      '    permissions: rw'
    ])
    expect(d.profile.devices).toEqual(['/dev/fuse', '/dev/sda:/dev/xvda:r', '/dev/kvm:/dev/kvm:rw'])
    expect(d.locations['devices:0'].line).toBe(5)
    expect(d.locations['devices:2'].line).toBe(7)
    expect(fails(['devices: ["/dev/sda:/dev/xvda:rwx"]'])).toMatch(
      /line 4: services\.app\.devices: invalid --device/
    )
  })

  it('reads volumes in short and long syntax: binds made absolute, named and anonymous volumes', () => {
    const d = service([
      'volumes:',
      '  - ./data:/data:ro',
      '  - data:/var/lib/data',
      '  - /cache',
      '  - type: bind',
      '    source: /var/run/docker.sock',
      '    target: /var/run/docker.sock',
      '    read_only: true',
      '  - type: tmpfs',
      '    target: /scratch',
      '  - /:/host:rshared'
    ])
    const root = current!.root
    expect(
      d.profile.mounts.map(({ type, source, target, readOnly }) => ({ type, source, target, readOnly }))
    ).toEqual([
      { type: 'bind', source: `${root}/data`, target: '/data', readOnly: true },
      { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false },
      { type: 'volume', source: '', target: '/cache', readOnly: false },
      { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true },
      { type: 'tmpfs', source: '', target: '/scratch', readOnly: false },
      { type: 'bind', source: '/', target: '/host', readOnly: false }
    ])
    expect(d.profile.mounts[5].options).toBe('bind-propagation=rshared')
    expect([0, 1, 2, 3, 4, 5].map(i => d.locations[`mounts:${i}`].line)).toEqual([5, 6, 7, 8, 12, 14])
    expect(fails(['volumes: ["data:relative"]'])).toMatch(
      /^compose\.yaml: line 4: services\.app\.volumes: invalid --mount/
    )
  })

  it('reads a named volume that is a host directory (local driver, o: bind) as a bind mount of it', () => {
    current = project({
      'compose.yaml': lines(
        'services:',
        '  app:',
        '    image: app',
        '    volumes: ["hostetc:/etc/host:ro", "plain:/plain"]',
        'volumes:',
        '  hostetc:',
        '    driver_opts: {type: none, o: bind, device: /etc}',
        '  plain: {}'
      )
    })
    const d = current.read().deployments[0]
    expect(d.profile.mounts.map(({ type, source, readOnly }) => [type, source, readOnly])).toEqual([
      ['bind', '/etc', true],
      ['volume', 'plain', false]
    ])
    expect(d.locations['mounts:0'].line).toBe(4)
  })

  it('reads tmpfs as a string or a list, and sends it to HostConfig.Tmpfs like --tmpfs', () => {
    expect(service(['tmpfs: /run']).profile.mounts).toEqual([
      { type: 'tmpfs', source: '', target: '/run', readOnly: false, flag: '--tmpfs /run' }
    ])
    const d = service(['tmpfs:', '  - /run:size=64m', '  - /tmp'])
    expect(toHostConfig(d.profile).HostConfig.Tmpfs).toEqual({ '/run': 'size=64m', '/tmp': '' })
    expect(d.locations['mounts:1'].line).toBe(6)
  })

  it('reads sysctls as a map or a list, with names from input as plain keys', () => {
    const map = service(['sysctls:', '  net.core.somaxconn: 1024'])
    expect({ ...map.profile.sysctls }).toEqual({ 'net.core.somaxconn': '1024' })
    expect(Object.getPrototypeOf(map.profile.sysctls)).toBeNull()
    expect(fails(['sysctls:', '  __proto__: 1'])).toMatch(
      /^compose\.yaml: line 5: services\.app\.sysctls: --sysctl "__proto__" is not allowed/
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(map.locations['sysctls:net.core.somaxconn'].line).toBe(5)
    const list = service(['sysctls:', '  - net.ipv4.ip_forward=1'])
    expect({ ...list.profile.sysctls }).toEqual({ 'net.ipv4.ip_forward': '1' })
  })

  it('rejects a sysctl docker rejects, naming the line', () => {
    expect(fails(['sysctls:', '  kernel.panic: 1'])).toMatch(
      /^compose\.yaml: line 5: services\.app\.sysctls: --sysctl "kernel\.panic" is not allowed/
    )
  })

  it('reads group_add with numbers and names', () => {
    const d = service(['group_add: [wheel, 1001]'])
    expect(d.profile.groupAdd).toEqual(['wheel', '1001'])
    expect(d.locations.groupAdd.line).toBe(4)
  })

  it('gives the same profile and HostConfig as the equivalent docker run flags', () => {
    const d = service([
      'user: app',
      'privileged: true',
      'cap_add: [SYS_ADMIN]',
      'cap_drop: [ALL]',
      'security_opt: ["no-new-privileges:true"]',
      'pid: host',
      'read_only: true',
      'devices: [/dev/fuse]',
      'volumes: ["/srv:/srv:ro"]',
      'tmpfs: [/run]',
      'sysctls: {net.ipv4.ip_forward: "1"}',
      'group_add: [wheel]',
      'init: true'
    ])
    const flags = parseRunOptions(
      '--user app --privileged --cap-add SYS_ADMIN --cap-drop ALL --security-opt no-new-privileges:true --pid host ' +
        '--read-only --device /dev/fuse -v /srv:/srv:ro --tmpfs /run --sysctl net.ipv4.ip_forward=1 --group-add wheel --init'
    )
    expect(toHostConfig(d.profile)).toEqual(toHostConfig(flags))
  })

  it('never keeps environment values, and redacts secrets in the flags it shows', () => {
    const d = service([
      'environment:',
      '  API_TOKEN: ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'volumes:',
      '  - type: volume',
      '    source: data',
      '    target: /data',
      '    volume:',
      '      subpath: ghp_abcdefghijklmnopqrstuvwxyz0123456789'
    ])
    const text = JSON.stringify(d)
    expect(text).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789')
    expect(text).not.toContain('API_TOKEN')
    expect(d.profile.args.join(' ')).toContain('volume-subpath=***')
  })
})

describe('compose values docker or the schema would reject', () => {
  it.each([
    [['user: [root]'], /^compose\.yaml: line 4: services\.app\.user: must be string$/],
    [['init: maybe'], /^compose\.yaml: line 4: services\.app\.init: invalid boolean "maybe"$/],
    [['privileged: 1'], /^compose\.yaml: line 4: services\.app\.privileged: must be boolean or string$/],
    [
      ['userns_mode: private'],
      /^compose\.yaml: line 4: services\.app\.userns_mode: invalid --userns value "private"$/
    ],
    [['ipc: everything'], /^compose\.yaml: line 4: services\.app\.ipc: invalid --ipc value "everything"$/],
    [['uts: container'], /^compose\.yaml: line 4: services\.app\.uts: invalid --uts value "container"$/],
    [
      ['tmpfs: run'],
      /^compose\.yaml: line 4: services\.app\.tmpfs: invalid --tmpfs "run": the container path must be absolute$/
    ],
    [
      ['group_add: [{a: 1}]'],
      /^compose\.yaml: line 4: services\.app\.group_add\.0: must be string or number$/
    ],
    [
      ['cap_drop: ["NET_ADMIN,SYS_ADMIN"]'],
      /^compose\.yaml: line 4: services\.app\.cap_drop: --cap-drop takes one capability per flag/
    ],
    [
      ['devices: [{target: /dev/x}]'],
      /^compose\.yaml: line 4: services\.app\.devices\.0: must have required property 'source'$/
    ],
    [
      ['volumes: [{source: /a, target: /b}]'],
      /^compose\.yaml: line 4: services\.app\.volumes\.0: must have required property 'type'$/
    ],
    [
      ['security_opt: ["label=bogus"]'],
      /^compose\.yaml: line 4: services\.app\.security_opt: invalid --security-opt "label=bogus"/
    ],
    [['sysctls: "net.x=1"'], /^compose\.yaml: line 4: services\.app\.sysctls: must be/]
  ])('%j is one line naming the file, line and key', (body, message) => {
    expect(fails(body)).toMatch(message)
  })
})
