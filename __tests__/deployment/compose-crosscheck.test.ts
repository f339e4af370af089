// Cross-check against Debian's `docker-compose config` (compose v1, 1.29): the same files, interpolated,
// merged and extended by compose itself, must give the same privilege-relevant settings. Run with
// execFile and the file paths as arguments, never through a shell.
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { parse } from 'yaml'
import { normaliseCapability } from '../../src/profile/capabilities'
import type { Deployment } from '../../src/deployment/types'
import { lines, project, type Project } from './compose-helpers'

const binary = '/usr/bin/docker-compose'
const available = existsSync(binary)
if (!available) {
  if (process.env.CI) throw new Error(`${binary} is missing: .ci/run must install docker-compose`)
  console.warn(`SKIPPED: compose cross-check needs ${binary} (apt-get install -y docker-compose)`)
}
const suite = available ? describe : describe.skip

let current: Project | undefined
afterEach(() => current?.remove())

interface Settings {
  user?: string
  privileged: boolean
  readOnly: boolean
  capAdd: string[]
  capDrop: string[]
  securityOpt: string[]
  pid?: string
  ipc?: string
  init: boolean
  network?: string
  devices: string[]
  groupAdd: string[]
  mounts: string[]
  tmpfs: string[]
  sysctls: Record<string, string>
  image?: string
  context?: string
}

function fromCompose(service: Record<string, unknown>, root: string): Settings {
  const list = (key: string): string[] => {
    const v = service[key]
    return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]
  }
  const mounts = list('volumes').length
    ? (service.volumes as unknown[]).map(v => {
        if (typeof v !== 'string') {
          const m = v as Record<string, unknown>
          return `${m.type}:${m.source ?? ''}:${m.target}:${m.read_only ? 'ro' : 'rw'}`
        }
        const [source, target, mode = 'rw'] = v.split(':')
        const type = isAbsolute(source) ? 'bind' : 'volume'
        return `${type}:${source}:${target}:${mode.split(',').includes('ro') ? 'ro' : 'rw'}`
      })
    : []
  const build = service.build as Record<string, unknown> | undefined
  return {
    user: service.user === undefined ? undefined : String(service.user),
    privileged: service.privileged === true,
    readOnly: service.read_only === true,
    // compose v1 merges capability lists as sets (sorted); order does not change the set.
    capAdd: list('cap_add')
      .map(c => normaliseCapability(c)!)
      .sort(),
    capDrop: list('cap_drop')
      .map(c => normaliseCapability(c)!)
      .sort(),
    securityOpt: list('security_opt').sort(),
    pid: service.pid as string | undefined,
    ipc: service.ipc as string | undefined,
    init: service.init === true,
    network: service.network_mode as string | undefined,
    devices: list('devices').sort(),
    groupAdd: list('group_add').sort(),
    mounts: mounts.sort(),
    tmpfs: list('tmpfs').sort(),
    sysctls: Object.fromEntries(
      Object.entries((service.sysctls ?? {}) as object).map(([k, v]) => [k, String(v)])
    ),
    image: service.image as string | undefined,
    context: build ? resolve(root, String(build.context)) : undefined
  }
}

function fromReader(d: Deployment): Settings {
  const p = d.profile
  return {
    user: p.user,
    privileged: p.privileged,
    readOnly: p.readOnly,
    capAdd: [...p.capAdd].sort(),
    capDrop: [...p.capDrop].sort(),
    securityOpt: p.args.filter((_, i) => p.args[i - 1] === '--security-opt').sort(),
    pid: p.pid,
    ipc: p.ipc,
    init: p.init,
    network: p.network,
    devices: [...p.devices].sort(),
    groupAdd: [...p.groupAdd].sort(),
    mounts: p.mounts
      .filter(m => !m.flag.startsWith('--tmpfs'))
      .map(m => `${m.type}:${m.source}:${m.target}:${m.readOnly ? 'ro' : 'rw'}`)
      .sort(),
    tmpfs: p.mounts
      .filter(m => m.flag.startsWith('--tmpfs'))
      .map(m => m.flag.slice('--tmpfs '.length))
      .sort(),
    sysctls: { ...p.sysctls },
    image: d.link.image,
    context: d.link.build?.context
  }
}

function agree(files: string[], env: Record<string, string>): void {
  const root = current!.root
  const output = execFileSync(binary, [...files.flatMap(f => ['-f', resolve(root, f)]), 'config'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    timeout: 60_000
  })
  const composed = parse(output).services as Record<string, Record<string, unknown>>
  const ours = current!.read(files, env).deployments
  expect(ours.map(d => d.name.split(' ').pop()).sort()).toEqual(Object.keys(composed).sort())
  for (const d of ours) {
    const name = d.name.split(' ').pop()!
    expect(fromReader(d)).toEqual(fromCompose(composed[name], root))
  }
}

suite('the reader agrees with docker-compose config', () => {
  it('on devices, sysctls and tmpfs lists, ipc, init, group_add and an override replacing by key', () => {
    current = project({
      'docker-compose.yml': lines(
        'services:',
        '  db:',
        '    image: postgres:16',
        '    read_only: "true"',
        '    init: true',
        '    ipc: shareable',
        '    devices: [/dev/fuse, "/dev/sda:/dev/xvda:r"]',
        '    sysctls: [net.ipv4.ip_forward=1]',
        '    tmpfs: ["/run:size=64m", /tmp]',
        '    group_add: [wheel]',
        '    cap_add: [SYS_NICE, NET_ADMIN]',
        '    security_opt: ["label:disable", "apparmor=unconfined"]',
        '    user: postgres'
      ),
      'docker-compose.override.yml': lines(
        'services:',
        '  db:',
        '    cap_add: [NET_ADMIN, SYS_PTRACE]',
        '    devices: ["/dev/sdb:/dev/xvda:rw"]',
        '    sysctls: {net.ipv4.ip_forward: "0"}',
        '    user: "999"'
      )
    })
    agree(['docker-compose.yml', 'docker-compose.override.yml'], {})
  })

  it('on interpolation, .env, an override file and extends', () => {
    current = project({
      'compose.yaml': lines(
        'services:',
        '  base:',
        '    image: ${REGISTRY:-local}/base:${TAG}',
        '    cap_drop: [ALL]',
        '    security_opt: ["no-new-privileges:true"]',
        '  web:',
        '    extends: base',
        '    build: ./app',
        '    user: "${WEB_USER-1000}"',
        '    privileged: true',
        '    cap_add: [NET_ADMIN, cap_net_raw]',
        '    volumes:',
        '      - ./data:/data',
        '      - cache:/cache',
        '      - type: bind',
        '        source: /var/run/docker.sock',
        '        target: /var/run/docker.sock',
        '        read_only: true',
        '    tmpfs: /run',
        '    sysctls: {net.core.somaxconn: 1024}',
        '    pid: host',
        '    network_mode: ${NET:-bridge}',
        '    environment: {PASSWORD: hunter2}',
        'volumes:',
        '  cache: {}'
      ),
      'compose.override.yaml': lines(
        'services:',
        '  web:',
        '    privileged: false',
        '    read_only: true',
        '    volumes: ["./data:/data:ro"]',
        '    security_opt: ["seccomp=unconfined"]'
      ),
      '.env': lines('TAG=1.0', 'NET=host'),
      'app/Dockerfile': 'FROM scratch\n'
    })
    agree(['compose.yaml', 'compose.override.yaml'], { NET: 'none' })
  })
})
