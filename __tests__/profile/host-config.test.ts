import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { toHostConfig } from '../../src/profile/host-config'
import { loadRuntimeProfile } from '../../src/profile/load'
import { defaultProfile, parseRunOptions } from '../../src/profile/parse'

const dir = mkdtempSync(join(tmpdir(), 'lp-hostconfig-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('toHostConfig', () => {
  it('maps the defaults to an unprivileged HostConfig and no User', () => {
    expect(toHostConfig(defaultProfile())).toEqual({
      HostConfig: { Privileged: false, ReadonlyRootfs: false, CapAdd: [], CapDrop: [] }
    })
  })

  it('sends capability names with CAP_ as the docker CLI does, ALL as ALL', () => {
    const { HostConfig } = toHostConfig(
      parseRunOptions('--cap-drop=all --cap-add net_bind_service --cap-add=CAP_CHOWN')
    )
    expect(HostConfig.CapDrop).toEqual(['ALL'])
    expect(HostConfig.CapAdd).toEqual(['CAP_NET_BIND_SERVICE', 'CAP_CHOWN'])
  })

  it('maps user, privileged, read-only, namespaces, groups, sysctls and init', () => {
    const config = toHostConfig(
      parseRunOptions(
        '-u 1001:1001 --privileged --read-only --pid host --ipc=private --uts host --network none --userns host ' +
          '--cgroupns private --group-add 27 --sysctl net.ipv4.ip_unprivileged_port_start=1024 --init'
      )
    )
    expect(config.User).toBe('1001:1001')
    expect(config.HostConfig).toMatchObject({
      Privileged: true,
      ReadonlyRootfs: true,
      PidMode: 'host',
      IpcMode: 'private',
      UTSMode: 'host',
      NetworkMode: 'none',
      UsernsMode: 'host',
      CgroupnsMode: 'private',
      GroupAdd: ['27'],
      Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '1024' },
      Init: true
    })
  })

  it('leaves NetworkMode unset when the profile names no network (the docker layer picks none)', () => {
    expect(toHostConfig(parseRunOptions('--user 1')).HostConfig).not.toHaveProperty('NetworkMode')
  })

  it('normalises security options to key=value', () => {
    const { HostConfig } = toHostConfig(
      parseRunOptions(
        '--security-opt no-new-privileges:true --security-opt seccomp:unconfined --security-opt apparmor=docker-default ' +
          '--security-opt label:type:container_t'
      )
    )
    expect(HostConfig.SecurityOpt).toEqual([
      'no-new-privileges=true',
      'seccomp=unconfined',
      'apparmor=docker-default',
      'label=type:container_t'
    ])
  })

  it('sends a seccomp profile file as its compact JSON, as the CLI does, from the content read with the settings', () => {
    mkdirSync(join(dir, 'prof'))
    writeFileSync(join(dir, 'prof/seccomp.json'), '{\n  "defaultAction": "SCMP_ACT_ERRNO"\n}\n')
    const profile = loadRuntimeProfile('--security-opt seccomp=prof/seccomp.json', dir)
    // Changing the file afterwards changes nothing: the content was read once, when the settings were read.
    writeFileSync(join(dir, 'prof/seccomp.json'), 'not json')
    const { HostConfig } = toHostConfig(profile, { cwd: dir })
    expect(HostConfig.SecurityOpt).toEqual(['seccomp={"defaultAction":"SCMP_ACT_ERRNO"}'])
  })

  it('refuses a seccomp path that was never loaded (a bug, not input) instead of reading it late', () => {
    expect(() => toHostConfig(parseRunOptions('--security-opt seccomp=/nope.json'))).toThrow(/was not loaded/)
  })

  it('turns systempaths=unconfined into empty masked and read-only path lists', () => {
    const { HostConfig } = toHostConfig(parseRunOptions('--security-opt systempaths=unconfined'))
    expect(HostConfig).toMatchObject({ MaskedPaths: [], ReadonlyPaths: [] })
    expect(HostConfig).not.toHaveProperty('SecurityOpt')
  })

  it('parses devices into PathOnHost/PathInContainer/CgroupPermissions', () => {
    const { HostConfig } = toHostConfig(
      parseRunOptions(
        "--device /dev/fuse --device /dev/sda:/dev/xvda --device /dev/kmsg:r --device /dev/a:/dev/b:rw --device-cgroup-rule 'c 1:3 mr'"
      )
    )
    expect(HostConfig.Devices).toEqual([
      { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/kmsg', PathInContainer: '/dev/kmsg', CgroupPermissions: 'r' },
      { PathOnHost: '/dev/a', PathInContainer: '/dev/b', CgroupPermissions: 'rw' }
    ])
    expect(HostConfig.DeviceCgroupRules).toEqual(['c 1:3 mr'])
  })

  it('maps -v and --mount to Mounts, resolving relative binds, and --tmpfs to Tmpfs', () => {
    const { HostConfig } = toHostConfig(
      parseRunOptions(
        '-v /:/host:ro -v ./src:/src -v data:/data -v /anon ' +
          '--mount type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock --mount type=tmpfs,dst=/scratch,ro ' +
          '--tmpfs /run:rw,size=64m --tmpfs /tmp'
      ),
      { cwd: '/repo' }
    )
    expect(HostConfig.Mounts).toEqual([
      { Type: 'bind', Source: '/', Target: '/host', ReadOnly: true },
      { Type: 'bind', Source: '/repo/src', Target: '/src', ReadOnly: false },
      { Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false },
      { Type: 'volume', Source: '', Target: '/anon', ReadOnly: false },
      { Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock', ReadOnly: false },
      { Type: 'tmpfs', Target: '/scratch', ReadOnly: true }
    ])
    expect(HostConfig.Tmpfs).toEqual({ '/run': 'rw,size=64m', '/tmp': '' })
  })

  it('omits Init unless --init is given', () => {
    expect(toHostConfig(parseRunOptions('--init=false')).HostConfig).not.toHaveProperty('Init')
  })
})
