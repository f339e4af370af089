import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  findComposeFiles,
  isComposeFileName,
  parseDotenv,
  readCompose,
  substitute
} from '../../src/deployment/compose/index'
import { COMPOSE_SPEC_SCHEMA } from '../../src/deployment/compose/compose-spec'
import { composeFileSystem } from '../../src/deployment/compose/io'
import { lines, project, type Project } from './compose-helpers'

let current: Project | undefined
afterEach(() => current?.remove())

function open(files: Record<string, string>): Project {
  current = project(files)
  return current
}

function error(run: () => unknown): string {
  try {
    run()
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected an error')
}

describe('interpolation', () => {
  const env: Record<string, string> = { SET: 'v', EMPTY: '' }
  const lookup = (name: string) => env[name]

  it('substitutes every form compose supports', () => {
    expect(substitute('$SET ${SET} x$SET.y', lookup)).toBe('v v xv.y')
    expect(substitute('${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', lookup)).toBe('d d  d')
    expect(substitute('${SET:+alt} ${EMPTY:+alt} ${EMPTY+alt} ${UNSET+alt}', lookup)).toBe('alt  alt ')
    expect(substitute('${UNSET:-${SET}} ${UNSET:-${ALSO:-deep}}', lookup)).toBe('v deep')
    expect(substitute('$$SET $${SET} cost $5 end$', lookup)).toBe('$SET ${SET} cost $5 end$')
  })

  it('fails on :? and ? with the message, and on a malformed template', () => {
    expect(() => substitute('${UNSET:?set it}', lookup)).toThrow(
      'required variable UNSET is missing a value: set it'
    )
    expect(() => substitute('${EMPTY:?}', lookup)).toThrow('required variable EMPTY is missing a value')
    expect(substitute('${EMPTY?x}', lookup)).toBe('')
    expect(() => substitute('${UNSET?}', lookup)).toThrow('required variable UNSET')
    expect(() => substitute('${1BAD}', lookup)).toThrow(/invalid interpolation format/)
    expect(() => substitute('${OPEN', lookup)).toThrow(/invalid interpolation format/)
  })

  it('bounds nesting', () => {
    const deep = '${A:-'.repeat(40) + 'x' + '}'.repeat(40)
    expect(() => substitute(deep, lookup)).toThrow(/nested deeper than/)
  })

  it('reads .env beside the first compose file; the environment wins; a missing :? names file, line and variable', () => {
    const p = open({
      'compose.yaml': lines(
        'services:',
        '  app:',
        '    image: ${REGISTRY}/app:${TAG}',
        '    user: ${APP_USER:-nobody}',
        '    privileged: ${PRIV}'
      ),
      '.env': lines('# comment', 'REGISTRY=registry.example', 'export TAG="1.0" # inline', "PRIV='yes'")
    })
    const d = p.read().deployments[0]
    expect(d.link.image).toBe('registry.example/app:1.0')
    expect(d.profile.user).toBe('nobody')
    expect(d.profile.privileged).toBe(true)
    expect(p.read(['compose.yaml'], { TAG: '2.0', PRIV: 'false' }).deployments[0]).toMatchObject({
      link: { image: 'registry.example/app:2.0' },
      profile: { privileged: false }
    })
    p.write(
      'compose.yaml',
      lines('services:', '  app:', '    image: app', '    user: ${APP_USER:?needs a user}')
    )
    expect(error(() => p.read())).toBe(
      'compose.yaml: line 4: services.app.user: required variable APP_USER is missing a value: needs a user'
    )
  })

  it('never shows an environment value in an interpolation error', () => {
    const p = open({
      'compose.yaml': lines(
        'services:',
        '  app:',
        '    image: app',
        '    environment:',
        '      PASSWORD: "hunter2${"'
      )
    })
    const message = error(() => p.read())
    expect(message).toMatch(
      /^compose\.yaml: line 5: services\.app\.environment\.PASSWORD: invalid interpolation format/
    )
    expect(message).not.toContain('hunter2')
  })

  it('notes variables that are not set and rejects a value that is not a boolean', () => {
    const p = open({
      'compose.yaml': lines('services:', '  app:', '    image: app:${NOPE}', '    read_only: ${RO:-maybe}')
    })
    expect(error(() => p.read())).toBe(
      'compose.yaml: line 4: services.app.read_only: invalid boolean "maybe"'
    )
    p.write('compose.yaml', lines('services:', '  app:', '    image: app:${NOPE}'))
    expect(p.read().notes).toEqual([
      { line: 3, message: expect.stringContaining('variable NOPE is not set') }
    ])
  })

  it('parses .env quoting, escapes and references like compose', () => {
    const env = parseDotenv(
      lines('A=1', 'B="x\\ny $A"', "C='$A raw'", 'D=${A}${MISSING:-z}', 'E', 'F: yaml', 'G=a # c', 'H=\\$A'),
      '.env',
      name => (name === 'E' ? 'from-env' : undefined)
    )
    expect({ ...env }).toEqual({
      A: '1',
      B: 'x\ny 1',
      C: '$A raw',
      D: '1z',
      E: 'from-env',
      F: 'yaml',
      G: 'a',
      H: '\\1'
    })
    expect(() => parseDotenv('A="open\n', '.env', () => undefined)).toThrow(
      '.env: line 1: unterminated quoted value'
    )
    expect(() => parseDotenv('ok=1\nbad key=1\n', '.env', () => undefined)).toThrow(
      /^\.env: line 2: unexpected character/
    )
  })
})

describe('override files and extends', () => {
  it('merges override files as docker compose -f a -f b does, locations from the file whose value won', () => {
    const p = open({
      'compose.yaml': lines(
        'services:',
        '  web:',
        '    image: web:1',
        '    privileged: true',
        '    cap_add: [NET_ADMIN, SYS_TIME]',
        '    security_opt: [no-new-privileges]',
        '    volumes:',
        '      - ./data:/data',
        '      - logs:/logs',
        '    sysctls: {net.core.somaxconn: 10}',
        '    user: root'
      ),
      'compose.override.yaml': lines(
        'services:',
        '  web:',
        '    privileged: false',
        '    cap_add: [NET_ADMIN, SYS_PTRACE]',
        '    security_opt: ["seccomp=unconfined"]',
        '    volumes:',
        '      - ./data:/data:ro',
        '    sysctls: ["net.core.somaxconn=20"]',
        '    user: !reset null'
      )
    })
    const d = p.read(['compose.yaml', 'compose.override.yaml']).deployments[0]
    expect(d.profile.privileged).toBe(false)
    expect(d.locations.privileged).toEqual({ file: 'compose.override.yaml', line: 3, column: 5 })
    expect(d.profile.capAdd).toEqual(['NET_ADMIN', 'SYS_TIME', 'SYS_PTRACE'])
    expect(d.locations['capAdd:NET_ADMIN']).toMatchObject({ file: 'compose.override.yaml', line: 4 })
    expect(d.locations['capAdd:SYS_TIME']).toMatchObject({ file: 'compose.yaml', line: 5 })
    expect(d.profile.securityOpt).toMatchObject({ noNewPrivileges: true, seccomp: 'unconfined' })
    expect(d.profile.mounts.map(m => [m.target, m.readOnly])).toEqual([
      ['/data', true],
      ['/logs', false]
    ])
    expect(d.locations['mounts:0']).toMatchObject({ file: 'compose.override.yaml', line: 7 })
    expect(d.locations['mounts:1']).toMatchObject({ file: 'compose.yaml', line: 9 })
    expect(d.profile.sysctls['net.core.somaxconn']).toBe('20')
    expect(d.profile.user).toBeUndefined()
    expect(d.at).toMatchObject({ file: 'compose.yaml', line: 2 })
  })

  it('replaces a list whole with !override', () => {
    const p = open({
      'compose.yaml': lines('services:', '  web:', '    image: w', '    cap_add: [NET_ADMIN, SYS_TIME]'),
      'compose.override.yaml': lines('services:', '  web:', '    cap_add: !override [SYS_PTRACE]')
    })
    expect(p.read(['compose.yaml', 'compose.override.yaml']).deployments[0].profile.capAdd).toEqual([
      'SYS_PTRACE'
    ])
  })

  it('applies extends in the same file and from another file, paths relative to the extended file', () => {
    const p = open({
      'compose.yaml': lines(
        'services:',
        '  base:',
        '    image: base',
        '    cap_add: [NET_ADMIN]',
        '  web:',
        '    extends: base',
        '    user: web',
        '  worker:',
        '    extends:',
        '      file: common/services.yaml',
        '      service: job'
      ),
      'common/services.yaml': lines(
        'services:',
        '  job:',
        '    build: ./job',
        '    volumes: ["./cache:/cache"]',
        '    privileged: true'
      ),
      'common/job/Dockerfile': 'FROM scratch\n'
    })
    const [, web, worker] = p.read().deployments
    expect(web.profile).toMatchObject({ user: 'web', capAdd: ['NET_ADMIN'] })
    expect(web.locations['capAdd:NET_ADMIN']).toMatchObject({ file: 'compose.yaml', line: 4 })
    expect(web.at?.line).toBe(5)
    expect(worker.profile.privileged).toBe(true)
    expect(worker.locations.privileged).toMatchObject({ file: 'common/services.yaml', line: 5 })
    expect(worker.profile.mounts[0].source).toBe(join(p.root, 'common/cache'))
    expect(worker.link.build?.dockerfile).toBe(join(p.root, 'common/job/Dockerfile'))
  })

  it('detects an extends cycle and a missing base, each on one line', () => {
    const p = open({
      'compose.yaml': lines('services:', '  a:', '    extends: b', '  b:', '    extends: a')
    })
    expect(error(() => p.read())).toMatch(
      /^compose\.yaml: line \d: services\.[ab]\.extends: circular extends: /
    )
    p.write('compose.yaml', lines('services:', '  a:', '    extends: nowhere'))
    expect(error(() => p.read())).toBe(
      'compose.yaml: line 3: services.a.extends: service "nowhere" not found'
    )
  })

  it('reads a file named by many extends once', () => {
    const body = ['services:']
    for (let i = 0; i < 100; i++) body.push(`  s${i}:`, '    extends: {file: base.yaml, service: base}')
    const p = open({
      'compose.yaml': lines(...body),
      'base.yaml': lines('services:', '  base: {image: b, pid: host}')
    })
    const deployments = p.read().deployments
    expect(deployments).toHaveLength(100)
    expect(deployments.every(d => d.profile.pid === 'host' && d.locations.pid.file === 'base.yaml')).toBe(
      true
    )
  })

  it('refuses an extends file outside the repository or missing', () => {
    const p = open({
      'compose.yaml': lines(
        'services:',
        '  a:',
        '    extends:',
        '      file: /etc/hostname',
        '      service: x'
      )
    })
    expect(error(() => p.read())).toBe(
      'compose.yaml: line 4: services.a.extends: file /etc/hostname is outside the repository'
    )
    p.write('compose.yaml', lines('services:', '  a:', '    extends: {file: nope.yaml, service: x}'))
    expect(error(() => p.read())).toBe(
      'compose.yaml: line 3: services.a.extends: file nope.yaml does not exist'
    )
  })

  it('bounds an extends chain', () => {
    const body = ['services:']
    for (let i = 0; i < 40; i++) body.push(`  s${i}:`, `    extends: s${i + 1}`)
    body.push('  s40:', '    image: x')
    const p = open({ 'compose.yaml': lines(...body) })
    expect(error(() => p.read())).toMatch(/extends deeper than 32 levels/)
  })

  it('reads YAML merge keys, locations at the anchor', () => {
    const p = open({
      'compose.yaml': lines(
        'x-hardened: &hardened',
        '  read_only: true',
        '  cap_drop: [ALL]',
        'services:',
        '  app:',
        '    <<: *hardened',
        '    image: app'
      )
    })
    const d = p.read().deployments[0]
    expect(d.profile).toMatchObject({ readOnly: true, capDrop: ['ALL'] })
    expect(d.locations.readOnly.line).toBe(2)
  })
})

describe('build links', () => {
  it('links build strings and objects to an absolute Dockerfile; two services may share one', () => {
    const p = open({
      'compose.yaml': lines(
        'services:',
        '  api:',
        '    build: ./app',
        '  worker:',
        '    build:',
        '      context: app',
        '      dockerfile: docker/Worker.Dockerfile',
        '      target: runtime',
        '      args:',
        '        - VERSION=1.2',
        '        - FROM_ENV',
        '        - NOT_SET',
        '  cron:',
        '    build:',
        '      context: ./app',
        '      args: {VERSION: "2"}',
        '    image: cron:latest'
      ),
      'app/Dockerfile': 'FROM scratch\n',
      'app/docker/Worker.Dockerfile': 'FROM scratch\n'
    })
    const [api, worker, cron] = p.read(['compose.yaml'], { FROM_ENV: 'e' }).deployments
    const app = join(p.root, 'app')
    expect(api.link).toEqual({ build: { context: app, dockerfile: join(app, 'Dockerfile'), args: {} } })
    expect(worker.link.build).toEqual({
      context: app,
      dockerfile: join(app, 'docker/Worker.Dockerfile'),
      target: 'runtime',
      args: { VERSION: '1.2', FROM_ENV: 'e' }
    })
    expect(cron.link).toMatchObject({ image: 'cron:latest', build: { dockerfile: join(app, 'Dockerfile') } })
    expect(cron.link.build?.dockerfile).toBe(api.link.build?.dockerfile)
  })

  it('rejects a build path that does not exist, naming the compose file, line and path', () => {
    const p = open({ 'compose.yaml': lines('services:', '  api:', '    build: ./missing') })
    expect(error(() => p.read())).toBe(
      'compose.yaml: line 3: services.api.build: build context missing does not exist'
    )
    p.write(
      'compose.yaml',
      lines('services:', '  api:', '    build:', '      context: .', '      dockerfile: Nope')
    )
    expect(error(() => p.read())).toBe(
      'compose.yaml: line 5: services.api.build: Dockerfile Nope does not exist'
    )
  })

  it('notes a remote build context instead of reading it', () => {
    const p = open({
      'compose.yaml': lines('services:', '  api:', '    build: https://github.com/o/r.git#main')
    })
    const result = p.read()
    expect(result.deployments[0].link).toEqual({})
    expect(result.notes[0].message).toMatch(/remote build context/)
  })
})

describe('bad input', () => {
  it('rejects invalid YAML, schema errors and unknown keys with one line naming file, line and key', () => {
    const p = open({ 'compose.yaml': lines('services:', '  app:', '    image: [unclosed') })
    expect(error(() => p.read())).toMatch(/^compose\.yaml: line \d+: invalid YAML: /)
    p.write('compose.yaml', lines('services:', '  app:', '    image: app', '    privilegd: true'))
    expect(error(() => p.read())).toBe('compose.yaml: line 4: services.app: unknown key "privilegd"')
    p.write('compose.yaml', lines('services:', '  app:', '    image: app', '    cap_add: NET_ADMIN'))
    expect(error(() => p.read())).toBe('compose.yaml: line 4: services.app.cap_add: must be array')
    p.write('compose.yaml', lines('servics:', '  app: {}'))
    expect(error(() => p.read())).toBe('compose.yaml: line 1: unknown top-level key "servics"')
    p.write('compose.yaml', lines('- a list'))
    expect(error(() => p.read())).toMatch(/^compose\.yaml: line 1: .*mapping/)
  })

  it('accepts current Compose keys (name, include-free files, develop, models)', () => {
    const p = open({
      'compose.yaml': lines(
        'name: demo',
        'services:',
        '  app:',
        '    image: app',
        '    develop: {watch: []}',
        '    use_api_socket: false'
      )
    })
    expect(p.read().deployments).toHaveLength(1)
  })

  it('notes an include it does not read', () => {
    const p = open({ 'compose.yaml': lines('include: [other.yaml]', 'services:', '  app: {image: a}') })
    expect(p.read().notes).toEqual([
      { line: 1, message: 'compose.yaml: include is not read; the included files are not judged' }
    ])
  })

  it('reads a file with no services as no deployments', () => {
    expect(open({ 'compose.yaml': lines('volumes:', '  data: {}') }).read().deployments).toEqual([])
  })

  it('bounds the number of services', () => {
    const body = ['services:']
    for (let i = 0; i < 1001; i++) body.push(`  s${i}: {image: x}`)
    expect(error(() => open({ 'compose.yaml': lines(...body) }).read())).toMatch(/more than 1000 services/)
  })

  it('names a file that cannot be read', () => {
    const p = open({})
    expect(error(() => readCompose(['compose.yaml'], p.options()))).toMatch(
      /^compose\.yaml: cannot be read: /
    )
  })
})

describe('finding compose files', () => {
  it('knows the standard names and overrides', () => {
    for (const name of [
      'compose.yaml',
      'docker-compose.yml',
      'x/compose.override.yaml',
      'docker-compose.override.yml'
    ])
      expect(isComposeFileName(name)).toBe(true)
    for (const name of ['compose.yaml.bak', 'my-compose.yaml', 'Compose.yaml', 'compose.json'])
      expect(isComposeFileName(name)).toBe(false)
  })

  it('picks per folder the file compose would pick, plus its override', () => {
    expect(
      findComposeFiles([
        'svc/docker-compose.yml',
        'svc/compose.yaml',
        'svc/docker-compose.override.yml',
        'compose.yml',
        'lonely/compose.override.yaml',
        'README.md'
      ])
    ).toEqual([['compose.yml'], ['svc/compose.yaml', 'svc/docker-compose.override.yml']])
  })
})

describe('schema', () => {
  it('is the Compose Specification schema as the dclint package ships it', () => {
    const shipped = JSON.parse(
      readFileSync(join('node_modules', 'dclint', 'schemas', 'compose.schema.json'), 'utf8')
    )
    expect(COMPOSE_SPEC_SCHEMA).toEqual(shipped)
  })
})

describe('composeFileSystem', () => {
  it('reads regular files and refuses a FIFO or an oversized file without blocking', () => {
    const p = open({ 'compose.yaml': lines('services:', '  a: {image: a}'), 'big.yaml': 'x'.repeat(64) })
    execFileSync('mkfifo', [join(p.root, 'fifo.yaml')])
    const fs = composeFileSystem(32)
    expect(fs.readFile(join(p.root, 'compose.yaml'))).toContain('services')
    expect(() => fs.readFile(join(p.root, 'fifo.yaml'))).toThrow('not a regular file')
    expect(() => fs.readFile(join(p.root, 'big.yaml'))).toThrow('larger than 32 bytes')
    expect(fs.exists(join(p.root, 'fifo.yaml'))).toBe(true)
    expect(fs.exists(join(p.root, 'none.yaml'))).toBe(false)
    const io = composeFileSystem()
    expect(error(() => readCompose(['fifo.yaml'], { ...io, env: {}, repoRoot: p.root }))).toBe(
      'fifo.yaml: cannot be read: not a regular file'
    )
  })
})
