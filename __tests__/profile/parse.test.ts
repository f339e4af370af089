import { describe, expect, it } from '@jest/globals'
import { UsageError } from '../../src/errors'
import { defaultProfile, parseRunOptions, profileFromArgs } from '../../src/profile/parse'

describe('defaultProfile', () => {
  it("is Docker's defaults and says it was not declared", () => {
    const profile = defaultProfile()
    expect(profile.declared).toBe(false)
    expect(profile).toMatchObject({
      privileged: false,
      capAdd: [],
      capDrop: [],
      readOnly: false,
      mounts: [],
      init: false
    })
    expect(profile.user).toBeUndefined()
    expect(profile.securityOpt).toEqual({ labels: [] })
  })

  it('is what empty run-options give', () => {
    expect(parseRunOptions('  ')).toEqual(defaultProfile())
  })
})

describe('parseRunOptions: user and groups', () => {
  it.each([
    ['--user 1001', '1001'],
    ['--user=1001:1001', '1001:1001'],
    ['-u root', 'root'],
    ['-u=0', '0'],
    ['-u0', '0'],
    ['--user 1 --user 2', '2']
  ])('%s sets user %s (last wins)', (flags, user) => {
    const profile = parseRunOptions(flags)
    expect(profile.user).toBe(user)
    expect(profile.declared).toBe(true)
    expect(profile.args).toEqual(flags.split(' '))
  })

  it('collects repeated --group-add', () => {
    expect(parseRunOptions('--group-add 27 --group-add=video').groupAdd).toEqual(['27', 'video'])
  })
})

describe('parseRunOptions: booleans', () => {
  it.each([
    ['--privileged', true],
    ['--privileged=true', true],
    ['--privileged=1', true],
    ['--privileged=false', false],
    ['--privileged --privileged=False', false]
  ])('%s -> privileged %s', (flags, value) => {
    expect(parseRunOptions(flags).privileged).toBe(value)
  })

  it('reads --read-only and --init', () => {
    expect(parseRunOptions('--read-only --init')).toMatchObject({ readOnly: true, init: true })
    expect(parseRunOptions('--read-only=false')).toMatchObject({ readOnly: false })
  })

  it('rejects a non-boolean value', () => {
    expect(() => parseRunOptions('--privileged=yes')).toThrow(
      'run-options: --privileged takes true or false, not "yes"'
    )
  })

  it('does not take the next word as a boolean value (docker would read it as the image)', () => {
    expect(() => parseRunOptions('--privileged true')).toThrow(
      /unexpected "true": run-options takes only docker run flags/
    )
  })
})

describe('parseRunOptions: capabilities', () => {
  it.each([
    ['--cap-drop=all', 'capDrop', ['ALL']],
    ['--cap-drop ALL', 'capDrop', ['ALL']],
    ['--cap-add cap_net_admin', 'capAdd', ['NET_ADMIN']],
    ['--cap-add CAP_SYS_ADMIN --cap-add sys_admin', 'capAdd', ['SYS_ADMIN']],
    ['--cap-add Net_Bind_Service --cap-add=chown', 'capAdd', ['NET_BIND_SERVICE', 'CHOWN']],
    ['--cap-add all', 'capAdd', ['ALL']],
    ['--cap-add CHECKPOINT_RESTORE', 'capAdd', ['CHECKPOINT_RESTORE']]
  ])('%s', (flags, key, value) => {
    expect(parseRunOptions(flags)[key as 'capAdd' | 'capDrop']).toEqual(value)
  })

  it('rejects unknown capability names, naming the flag', () => {
    expect(() => parseRunOptions('--cap-add NET_BLAH')).toThrow(
      'run-options: unknown capability NET_BLAH in --cap-add'
    )
    expect(() => parseRunOptions('--cap-drop=cap_foo')).toThrow(
      'run-options: unknown capability CAP_FOO in --cap-drop'
    )
  })

  it('rejects CAP_ALL as docker does', () => {
    expect(() => parseRunOptions('--cap-add CAP_ALL')).toThrow(/unknown capability CAP_ALL in --cap-add/)
  })

  it('rejects comma-separated lists, which docker sends as one unknown name', () => {
    expect(() => parseRunOptions('--cap-add NET_ADMIN,SYS_TIME')).toThrow(
      'run-options: --cap-add takes one capability per flag (docker rejects "NET_ADMIN,SYS_TIME"); repeat --cap-add'
    )
  })
})

describe('parseRunOptions: --security-opt', () => {
  it.each([
    ['--security-opt no-new-privileges', true],
    ['--security-opt no-new-privileges=true', true],
    ['--security-opt=no-new-privileges:true', true],
    ['--security-opt no-new-privileges=false', false],
    ['--security-opt no-new-privileges:0', false]
  ])('%s -> noNewPrivileges %s', (flags, value) => {
    expect(parseRunOptions(flags).securityOpt.noNewPrivileges).toBe(value)
  })

  it('reads seccomp in every separator and quoting form', () => {
    expect(parseRunOptions('--security-opt "seccomp=unconfined"').securityOpt.seccomp).toBe('unconfined')
    expect(parseRunOptions('--security-opt seccomp:unconfined').securityOpt.seccomp).toBe('unconfined')
    expect(parseRunOptions("--security-opt='seccomp=/etc/docker/my profile.json'").securityOpt.seccomp).toBe(
      '/etc/docker/my profile.json'
    )
  })

  it('reads apparmor, labels and systempaths', () => {
    const profile = parseRunOptions(
      '--security-opt apparmor=unconfined --security-opt label=disable --security-opt label:type:spc_t --security-opt systempaths=unconfined'
    )
    expect(profile.securityOpt).toEqual({
      apparmor: 'unconfined',
      labels: ['disable', 'type:spc_t'],
      systemPaths: 'unconfined'
    })
  })

  it.each([
    ['--security-opt foo=bar', /invalid --security-opt "foo=bar": unknown option "foo"/],
    ['--security-opt no-new-privileges=yes', /no-new-privileges takes true or false/],
    ['--security-opt unconfined', /expected key=value/],
    ['--security-opt label=bogus', /label takes disable/],
    ['--security-opt seccomp=', /seccomp needs/],
    ['--security-opt systempaths=masked', /systempaths only takes/]
  ])('rejects %s', (flags, message) => {
    expect(() => parseRunOptions(flags)).toThrow(UsageError)
    expect(() => parseRunOptions(flags)).toThrow(message)
  })
})

describe('parseRunOptions: namespaces', () => {
  it('reads the host modes and container: modes', () => {
    const profile = parseRunOptions(
      '--pid=host --ipc host --network=host --uts host --userns=host --cgroupns host'
    )
    expect(profile).toMatchObject({
      pid: 'host',
      ipc: 'host',
      network: 'host',
      uts: 'host',
      userns: 'host',
      cgroupns: 'host'
    })
    expect(parseRunOptions('--pid container:web --ipc=shareable').pid).toBe('container:web')
  })

  it('accepts --net as --network and the name= form', () => {
    expect(parseRunOptions('--net host').network).toBe('host')
    expect(parseRunOptions('--network name=backend,alias=api').network).toBe('backend')
    expect(parseRunOptions('--network none').network).toBe('none')
  })

  it.each(['--pid bogus', '--uts private', '--userns remap', '--ipc=hostish', '--cgroupns=maybe'])(
    'rejects %s',
    flags => {
      expect(() => parseRunOptions(flags)).toThrow(/^run-options: invalid --\w+ value/)
    }
  )
})

describe('parseRunOptions: devices, sysctls', () => {
  it('collects devices and validates them', () => {
    expect(parseRunOptions('--device /dev/fuse --device=/dev/sda:/dev/xvda:r').devices).toEqual([
      '/dev/fuse',
      '/dev/sda:/dev/xvda:r'
    ])
    expect(() => parseRunOptions('--device /dev/sda:/x:rwx')).toThrow(/invalid --device/)
    expect(() => parseRunOptions('--device a:b:c:d')).toThrow(/invalid --device/)
  })

  it('collects --device-cgroup-rule', () => {
    expect(parseRunOptions("--device-cgroup-rule 'a *:* rwm'").deviceCgroupRules).toEqual(['a *:* rwm'])
  })

  it('reads --sysctl name=value and rejects a missing =', () => {
    expect(
      parseRunOptions('--sysctl net.ipv4.ip_unprivileged_port_start=1024 --sysctl=net.a.b=c=d').sysctls
    ).toEqual({
      'net.ipv4.ip_unprivileged_port_start': '1024',
      'net.a.b': 'c=d'
    })
    expect(() => parseRunOptions('--sysctl kernel.shmmax')).toThrow(/invalid --sysctl "kernel.shmmax"/)
  })
})

describe('parseRunOptions: volumes and mounts', () => {
  it('tells host paths from named and anonymous volumes in -v', () => {
    const { mounts } = parseRunOptions(
      '-v /:/host:ro -v data:/data -v /cache --volume=./src:/src:rw,z -v /x:ro'
    )
    expect(mounts).toEqual([
      {
        type: 'bind',
        source: '/',
        target: '/host',
        readOnly: true,
        flag: '-v /:/host:ro'.replace('-v', '--volume')
      },
      { type: 'volume', source: 'data', target: '/data', readOnly: false, flag: '--volume data:/data' },
      { type: 'volume', source: '', target: '/cache', readOnly: false, flag: '--volume /cache' },
      {
        type: 'bind',
        source: './src',
        target: '/src',
        readOnly: false,
        flag: '--volume ./src:/src:rw,z',
        options: 'z'
      },
      { type: 'volume', source: '', target: '/x', readOnly: true, flag: '--volume /x:ro' }
    ])
  })

  it('reads --mount with every key spelling', () => {
    const { mounts } = parseRunOptions(
      '--mount type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock ' +
        '--mount type=bind,source=/etc,destination=/host-etc,readonly ' +
        '--mount type=bind,source=/srv,target=/srv,ro=true ' +
        '--mount source=cache,target=/cache,readonly=false ' +
        '--mount type=tmpfs,dst=/run,tmpfs-size=1m'
    )
    expect(mounts.map(m => [m.type, m.source, m.target, m.readOnly])).toEqual([
      ['bind', '/var/run/docker.sock', '/var/run/docker.sock', false],
      ['bind', '/etc', '/host-etc', true],
      ['bind', '/srv', '/srv', true],
      ['volume', 'cache', '/cache', false],
      ['tmpfs', '', '/run', false]
    ])
    expect(mounts[4].options).toBe('tmpfs-size=1m')
  })

  it('reads CSV quoting in --mount', () => {
    const { mounts } = parseRunOptions(`--mount 'type=bind,"src=/a,b",dst=/c'`)
    expect(mounts[0]).toMatchObject({ source: '/a,b', target: '/c' })
  })

  it('reads --tmpfs with options', () => {
    expect(parseRunOptions('--tmpfs /tmp --tmpfs /run:rw,size=64m').mounts).toEqual([
      { type: 'tmpfs', source: '', target: '/tmp', readOnly: false, flag: '--tmpfs /tmp' },
      {
        type: 'tmpfs',
        source: '',
        target: '/run',
        readOnly: false,
        flag: '--tmpfs /run:rw,size=64m',
        options: 'rw,size=64m'
      }
    ])
  })

  it('turns --use-api-socket into a bind of the docker socket', () => {
    expect(parseRunOptions('--use-api-socket').mounts).toEqual([
      {
        type: 'bind',
        source: '/var/run/docker.sock',
        target: '/var/run/docker.sock',
        readOnly: false,
        flag: '--use-api-socket'
      }
    ])
  })

  it.each([
    ['-v a:b:c:d', /invalid --volume "a:b:c:d"/],
    ['-v /a:rel', /container path must be absolute/],
    ['-v /a:/b:rx', /unknown mode/],
    ['-v /a:/b:ro,rw', /both ro and rw/],
    ['--mount type=bind,dst=/x', /a bind mount needs source=/],
    ['--mount type=bind,src=/x', /target= is required/],
    ['--mount type=npipe,src=x,dst=/y', /type=npipe is not supported/],
    ['--mount type=bind,src=/a,dst=/b,colour=red', /unexpected key "colour"/],
    ['--mount type=bind,src=/a,dst=/b,readonly=maybe', /"readonly" takes true or false/],
    ['--tmpfs tmp', /container path must be absolute/]
  ])('rejects %s', (flags, message) => {
    expect(() => parseRunOptions(flags)).toThrow(UsageError)
    expect(() => parseRunOptions(flags)).toThrow(message)
  })
})

describe('parseRunOptions: flags that do not matter for privilege', () => {
  it('accepts and ignores common flags, consuming their values', () => {
    const profile = parseRunOptions(
      '--rm -d -it -e A=1 --env=B=2 -p 8080:80 --publish=443:443 --name web --memory 256m -m 1g --cpus 1.5 ' +
        '--restart unless-stopped -w /app --entrypoint /bin/sh --label a=b -l c=d --env-file .env ' +
        '--health-cmd "curl -f localhost" --health-interval 5s --log-driver json-file --log-opt max-size=1m ' +
        '--hostname h -h h2 --add-host x:1.2.3.4 --dns 1.1.1.1 --dns-search example.org --ulimit nofile=1024 ' +
        '--shm-size 64m --platform linux/amd64 --pull never --stop-timeout 3 -P --sig-proxy=false'
    )
    expect({ ...profile, args: [] }).toEqual({ ...defaultProfile(), declared: true })
  })

  it('does not mistake an ignored flag value for a privilege flag', () => {
    expect(parseRunOptions('--name --privileged').privileged).toBe(false)
    expect(parseRunOptions('-e --user=0').user).toBeUndefined()
  })

  it('handles short clusters, ending in a value flag', () => {
    expect(parseRunOptions('-itu 1001').user).toBe('1001')
    expect(parseRunOptions('-dtu1001').user).toBe('1001')
    expect(parseRunOptions('-itv /etc:/e').mounts[0]).toMatchObject({ source: '/etc', target: '/e' })
  })

  it('accepts already-split words', () => {
    expect(profileFromArgs(['--user', 'a b']).user).toBe('a b')
  })
})

describe('parseRunOptions: errors', () => {
  it.each([
    ['--foo', 'run-options: unknown flag --foo'],
    ['--rm --foo=bar', 'run-options: unknown flag --foo'],
    ['--constructor', 'run-options: unknown flag --constructor'],
    ['-x', 'run-options: unknown flag -x'],
    ['-itx', 'run-options: unknown flag -x'],
    ['--user', 'run-options: --user needs a value'],
    ['--rm -u', 'run-options: -u needs a value'],
    ['--cap-add', 'run-options: --cap-add needs a value'],
    [
      'nginx:latest',
      'run-options: unexpected "nginx:latest": run-options takes only docker run flags, not the image or command'
    ],
    [
      '--rm alpine sh',
      'run-options: unexpected "alpine": run-options takes only docker run flags, not the image or command'
    ],
    [
      '--rm -- echo',
      'run-options: unexpected "echo": run-options takes only docker run flags, not the image or command'
    ],
    ['-', 'run-options: unexpected "-": run-options takes only docker run flags, not the image or command']
  ])('%s -> %s', (flags, message) => {
    expect(() => parseRunOptions(flags)).toThrow(UsageError)
    expect(() => parseRunOptions(flags)).toThrow(message)
  })

  it('errors are one line', () => {
    try {
      parseRunOptions('--cap-add "NET_ADMIN\nSYS_TIME"')
      throw new Error('expected a UsageError')
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError)
      expect((error as Error).message).not.toContain('\n')
    }
  })

  it('accepts a trailing --', () => {
    expect(parseRunOptions('--rm --').declared).toBe(true)
  })
})
