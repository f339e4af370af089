import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { DaemonFacts } from '../../src/docker/types'
import { PRINCIPLES } from '../../src/principles'
import { deploymentRules } from '../../src/rules/deployment'
import type { RuleContext, RuleHit } from '../../src/rules/types'
import { NON_ROOT_USER, ROOT_USER, ruleContext } from '../../__fixtures__/probe-reports/context'

function hits(id: string, ctx: RuleContext): RuleHit[] {
  const rule = deploymentRules.find(r => r.meta.id === id)
  if (!rule) throw new Error(`no rule ${id}`)
  return rule.check(ctx)
}
const run = (id: string, flags?: string, extra?: Parameters<typeof ruleContext>[1]) =>
  hits(id, ruleContext(flags, extra))

describe('deployment rule metadata', () => {
  it('has a docs page per rule with its name, fix, before/after and suppression', () => {
    for (const { meta } of deploymentRules) {
      const page = readFileSync(new URL(`../../docs/rules/${meta.id}.md`, import.meta.url), 'utf8')
      expect(page.startsWith(`# ${meta.id} ${meta.name}\n`)).toBe(true)
      expect(page).toContain(meta.fix)
      expect(page).toContain('Before:')
      expect(page).toContain('After:')
      expect(page).toContain(`ignore-file=${meta.id}`)
    }
  })
  it('has the agreed ids, one principle each, matching the id digit, and complete texts', () => {
    expect(deploymentRules.map(r => r.meta.id)).toEqual([
      'LP120',
      'LP121',
      'LP200',
      'LP220',
      'LP221',
      'LP222',
      'LP223',
      'LP320',
      'LP321',
      'LP420',
      'LP520',
      'LP521',
      'LP522',
      'LP523'
    ])
    for (const { meta } of deploymentRules) {
      expect(meta.evidence).toBe('deployment')
      expect(PRINCIPLES[Number(meta.id[2]) - 1]).toBe(meta.principle)
      expect(meta.name).toMatch(/^[a-z]+(-[a-z]+)+$/)
      expect(meta.securitySeverity).toBeGreaterThan(0)
      expect(meta.securitySeverity).toBeLessThanOrEqual(10)
      for (const text of [meta.title, meta.description, meta.fix]) expect(text.length).toBeGreaterThan(10)
      expect(meta.fix).not.toContain('\n')
    }
    expect(deploymentRules.find(r => r.meta.id === 'LP220')?.meta.securitySeverity).toBe(9.5)
  })
})

describe('LP120 runtime-user-root', () => {
  it.each(['--user 0', '--user root', '-u 0:0', '--user=root:docker', '-u00'])('%s is an error', flags => {
    const [hit] = run('LP120', flags)
    expect(hit.message).toMatch(/runs the container as root, overriding the image's non-root user 1001/)
    expect(hit.line).toBe(NON_ROOT_USER.line)
  })

  it('still fires over a root image, without claiming an override', () => {
    const [hit] = run('LP120', '--user 0', { user: ROOT_USER })
    expect(hit.message).toBe('--user 0 runs the container as root.')
    expect(hit.line).toBeUndefined()
  })

  it('shows a token in the group part redacted, in the message and the flag property', () => {
    const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'
    const [hit] = run('LP120', `--user root:${token}`, { user: ROOT_USER })
    expect(hit.message).toBe('--user root:*** runs the container as root.')
    expect(JSON.stringify(hit)).not.toContain(token)
  })

  it.each([undefined, '--user 1001', '--user 10', '--user rootless', '-u 1000:0'])(
    '%s does not fire',
    flags => {
      expect(run('LP120', flags)).toEqual([])
    }
  )
})

describe('LP220 privileged-container', () => {
  it('fires on --privileged and says cap-drop is ignored', () => {
    expect(run('LP220', '--privileged')).toHaveLength(1)
    expect(run('LP220', '--privileged --cap-drop ALL')[0].message).toMatch(/capability drops are ignored/)
  })
  it.each([undefined, '--privileged=false', '--cap-add SYS_ADMIN'])('%s does not fire', flags => {
    expect(run('LP220', flags)).toEqual([])
  })
})

describe('LP221 capabilities-not-dropped', () => {
  it('leaves undeclared deployments to LP200, and judges the same defaults once any flag is declared', () => {
    expect(run('LP221')).toEqual([])
    const [hit] = run('LP221', '--read-only')
    expect(hit.message).toMatch(/^The deployment keeps 14 capabilities/)
    expect(hit.properties?.kept).toContain('DAC_OVERRIDE')
  })

  it('names the capabilities still kept after partial drops', () => {
    const [hit] = run('LP221', '--cap-drop NET_RAW --cap-drop MKNOD')
    expect(hit.message).toMatch(/^The deployment keeps 12 capabilities/)
    expect(hit.properties?.kept).not.toContain('NET_RAW')
    expect(hit.properties).not.toHaveProperty('defaults')
  })

  it.each([
    '--cap-drop=ALL',
    '--cap-drop all --cap-add NET_BIND_SERVICE',
    '--privileged',
    '--cap-add ALL',
    '--cap-drop CHOWN --cap-drop DAC_OVERRIDE --cap-drop FSETID --cap-drop FOWNER --cap-drop MKNOD --cap-drop NET_RAW ' +
      '--cap-drop SETGID --cap-drop SETUID --cap-drop SETFCAP --cap-drop SETPCAP --cap-drop NET_BIND_SERVICE ' +
      '--cap-drop SYS_CHROOT --cap-drop KILL --cap-drop AUDIT_WRITE'
  ])('%s does not fire', flags => {
    expect(run('LP221', flags)).toEqual([])
  })
})

describe('LP222 dangerous-capability-added', () => {
  it('names each dangerous capability added, in any spelling', () => {
    const [hit] = run('LP222', '--cap-add cap_sys_admin --cap-add NET_BIND_SERVICE --cap-add=net_admin')
    expect(hit.properties?.capabilities).toEqual(['SYS_ADMIN', 'NET_ADMIN'])
    expect(hit.message).toMatch(/dangerous capabilities: SYS_ADMIN \(.*\); NET_ADMIN \(/)
  })
  it('fires on --cap-add ALL', () => {
    expect(run('LP222', '--cap-add all')[0].message).toMatch(
      /--cap-add ALL grants every capability, including SYS_ADMIN/
    )
  })
  it.each([
    undefined,
    '--cap-add NET_BIND_SERVICE',
    '--cap-add DAC_OVERRIDE --cap-add SETFCAP',
    '--cap-drop SYS_ADMIN'
  ])('%s does not fire', flags => {
    expect(run('LP222', flags)).toEqual([])
  })
})

describe('LP223 host-device-exposed', () => {
  it('reports every device with its permissions, and device cgroup rules', () => {
    const found = run(
      'LP223',
      "--device /dev/fuse --device /dev/sda:/dev/xvda:r --device-cgroup-rule 'a *:* rwm'"
    )
    expect(found.map(h => h.properties?.device)).toEqual(['/dev/fuse', '/dev/sda', 'a *:* rwm'])
    expect(found[1].message).toMatch(/host device \/dev\/sda \(r\)/)
  })
  it('does not fire without devices', () => {
    expect(run('LP223', '-v /dev/log:/dev/log')).toEqual([])
  })
})

describe('LP320 seccomp-unconfined', () => {
  it.each(['--security-opt seccomp=unconfined', '--security-opt "seccomp:unconfined"'])('%s fires', flags => {
    expect(run('LP320', flags)).toHaveLength(1)
  })
  it.each([undefined, '--security-opt seccomp=/etc/seccomp.json', '--security-opt apparmor=unconfined'])(
    '%s does not fire',
    flags => {
      expect(run('LP320', flags)).toEqual([])
    }
  )
})

describe('LP321 lsm-unconfined', () => {
  it('fires on apparmor=unconfined, label=disable and label type spc_t, one hit each', () => {
    const found = run(
      'LP321',
      '--security-opt apparmor=unconfined --security-opt label=disable --security-opt label:type:spc_t --security-opt label=level:s0'
    )
    expect(found.map(h => h.properties?.flag)).toEqual([
      '--security-opt apparmor=unconfined',
      '--security-opt label=disable',
      '--security-opt label=type:spc_t'
    ])
  })
  it.each([undefined, '--security-opt apparmor=docker-default', '--security-opt label=type:container_t'])(
    '%s does not fire',
    flags => {
      expect(run('LP321', flags)).toEqual([])
    }
  )
})

describe('LP420 no-new-privileges-not-set', () => {
  it('leaves undeclared deployments to LP200', () => {
    expect(run('LP420')).toEqual([])
  })
  it('fires on declared flags without it, and on an explicit false', () => {
    expect(run('LP420', '--user 1001')[0].message).toMatch(
      /^The deployment does not set --security-opt no-new-privileges/
    )
    expect(run('LP420', '--security-opt no-new-privileges=false')[0].message).toMatch(/explicitly/)
  })
  it.each([
    '--security-opt no-new-privileges',
    '--security-opt=no-new-privileges:true',
    '--security-opt no-new-privileges=1'
  ])('%s does not fire', flags => {
    expect(run('LP420', flags)).toEqual([])
  })
})

describe('LP520 host-namespace-shared', () => {
  it('reports each host namespace; uts and cgroupns as warnings', () => {
    const found = run('LP520', '--pid=host --ipc host --net=host --uts host --cgroupns host')
    expect(found.map(h => [h.properties?.namespace, h.level])).toEqual([
      ['pid', 'error'],
      ['network', 'error'],
      ['ipc', 'error'],
      ['uts', 'warning'],
      ['cgroupns', 'warning']
    ])
  })
  it.each([undefined, '--pid container:web', '--network bridge', '--ipc private', '--network none'])(
    '%s does not fire',
    flags => {
      expect(run('LP520', flags)).toEqual([])
    }
  )
})

describe('LP521 docker-socket-mounted', () => {
  it.each([
    '-v /var/run/docker.sock:/var/run/docker.sock',
    '-v /var/run/docker.sock:/var/run/docker.sock:ro',
    '--mount type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock',
    '--mount type=bind,source=/run/containerd/containerd.sock,target=/c.sock,readonly',
    '-v /run/user/1000/podman/podman.sock:/p.sock',
    '-v /run/user/1000/docker.sock:/var/run/docker.sock',
    '-v /var/run:/var/run',
    '-v /run/:/host-run',
    '-v /run/user/1000:/xdg',
    '--use-api-socket'
  ])('%s is an error, read-only or not', flags => {
    const found = run('LP521', flags)
    expect(found).toHaveLength(1)
    expect(found[0].level).toBeUndefined()
  })
  it('says read-only does not help', () => {
    expect(run('LP521', '-v /var/run/docker.sock:/s:ro')[0].message).toMatch(/read-only does not stop/)
  })
  it.each([
    undefined,
    '-v docker.sock:/x',
    '-v /srv/app:/app',
    '--tmpfs /run',
    '-v /var/lib/app/docker.socket:/x'
  ])('%s does not fire', flags => {
    expect(run('LP521', flags)).toEqual([])
  })
})

describe('LP522 sensitive-host-path-mounted', () => {
  it.each([
    ['-v /:/host', 'error'],
    ['-v /:/host:ro', 'error'],
    ['--mount type=bind,src=/,dst=/host,readonly', 'error'],
    ['-v /etc:/host-etc', 'error'],
    ['-v /etc:/host-etc:ro', 'warning'],
    ['-v /etc/shadow:/shadow:ro', 'warning'],
    ['-v /proc:/host/proc', 'error'],
    ['-v /sys/fs/cgroup:/sys/fs/cgroup:ro', 'warning'],
    ['-v /dev:/dev', 'error'],
    ['-v /boot:/boot', 'error'],
    ['-v /root:/r', 'error'],
    ['-v /var/lib/docker:/d:ro', 'warning'],
    ['-v /home:/home', 'error'],
    ['-v /home/runner:/h', 'error'],
    ['-v /home/runner/.ssh:/keys:ro', 'warning'],
    ['-v /srv/secrets/.aws:/aws', 'error'],
    ['-v /var/log:/logs', 'error'],
    ['-v //etc/./:/e', 'error'],
    ['-v /tmp/../etc:/e', 'error']
  ])('%s is %s', (flags, level) => {
    const found = run('LP522', flags)
    expect(found).toHaveLength(1)
    expect(found[0].level).toBe(level)
  })
  it.each([
    undefined,
    '-v /home/runner/work/repo:/src',
    '-v ./data:/data',
    '-v data:/data',
    '-v /etc/localtime:/etc/localtime:ro',
    '-v /usr/share/zoneinfo:/usr/share/zoneinfo:ro',
    '-v /srv/www:/www',
    '--tmpfs /etc',
    '-v /var/run/docker.sock:/s'
  ])('%s does not fire', flags => {
    expect(run('LP522', flags)).toEqual([])
  })
  it('still flags a writable time-zone file', () => {
    expect(run('LP522', '-v /etc/localtime:/etc/localtime')).toHaveLength(1)
  })
})

describe('LP523 host-user-namespace', () => {
  const daemon = (userns: boolean): DaemonFacts => ({
    serverVersion: '20.10.24',
    apiVersion: '1.41',
    kernelVersion: '6.18',
    operatingSystem: 'Debian',
    architecture: 'x86_64',
    cgroupVersion: '1',
    securityOptions: [],
    apparmor: false,
    selinux: false,
    userns,
    rootless: false,
    remote: false
  })
  it('fires on --userns=host and notes a daemon without remapping', () => {
    expect(run('LP523', '--userns=host')).toHaveLength(1)
    expect(run('LP523', '--userns host', { daemon: daemon(false) })[0].message).toMatch(
      /does not remap users/
    )
    expect(run('LP523', '--userns host', { daemon: daemon(true) })[0].message).not.toMatch(/does not remap/)
  })
  it.each([undefined, "--userns ''", '--pid host'])('%s does not fire', flags => {
    expect(run('LP523', flags)).toEqual([])
  })
})

describe('all deployment rules together', () => {
  it('say once that Docker defaults were assumed, name each gap of a declared deployment, and nothing once closed', () => {
    const all = (flags?: string) =>
      deploymentRules.flatMap(r => r.check(ruleContext(flags)).map(() => r.meta.id))
    expect(all()).toEqual(['LP200'])
    expect(all('--read-only')).toEqual(['LP221', 'LP420'])
    expect(
      all('--user 1001 --cap-drop ALL --security-opt no-new-privileges --read-only -v /srv/data:/data')
    ).toEqual([])
  })
})
