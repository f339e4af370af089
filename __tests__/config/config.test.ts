// The config file (.least-privilege.yml): found at the repository root or named with --config, validated
// against the shipped JSON Schema with one-line errors naming the file, line and key, resolved (mapped
// Dockerfiles must exist, run-options parsed), and applied under explicit flags.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { parseCli } from '../../src/cli/args'
import { CONFIG_SCHEMA } from '../../src/config/config-schema'
import { imageName, isImageReference } from '../../src/config/image-ref'
import { findConfigFile, loadConfig } from '../../src/config/load'
import { UsageError } from '../../src/errors'
import { silentLogger } from '../../src/logger'
import { runScan } from '../../src/scan/scan'
import type { Settings } from '../../src/settings'

let repo: string
const write = (file: string, text: string): void => {
  mkdirSync(join(repo, file, '..'), { recursive: true })
  writeFileSync(join(repo, file), text)
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-config-'))
  mkdirSync(join(repo, '.git'))
  write('services/api/Dockerfile', 'FROM scratch\nUSER 1001\n')
  write('services/worker/Dockerfile', 'FROM scratch\nUSER 1000\n')
  write('seccomp.json', '{"defaultAction":"SCMP_ACT_ERRNO"}')
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))

/** Writes `text` as the repository's .least-privilege.yml and reads it. */
function config(text: string) {
  rmSync(join(repo, '.least-privilege.yaml'), { force: true })
  write('.least-privilege.yml', text)
  return loadConfig({ repoRoot: repo })
}

function usageError(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    const message = (error as Error).message
    expect(message).not.toContain('\n')
    return message
  }
  throw new Error('expected a UsageError')
}

describe('the shipped schema', () => {
  it('is the one the bundle carries (re-run node scripts/config-schema.mjs after editing it)', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../schema/least-privilege.schema.json', import.meta.url), 'utf8')
    ) as Record<string, unknown>
    expect(CONFIG_SCHEMA).toEqual(file)
  })

  it('is a strict draft-07 schema that refuses unknown keys', () => {
    const { $schema: _meta, ...schema } = CONFIG_SCHEMA
    void _meta
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema)
    expect(validate({ images: { x: 'Dockerfile' }, 'fail-on': 'note' })).toBe(true)
    expect(validate({ imagez: {} })).toBe(false)
    expect(validate({ dockerfiles: { Dockerfile: { 'run-option': '' } } })).toBe(false)
  })
})

describe('image names', () => {
  it.each([
    ['nginx', 'nginx'],
    ['nginx:1.27', 'nginx'],
    ['docker.io/library/nginx:1.27', 'nginx'],
    ['library/nginx', 'nginx'],
    ['index.docker.io/team/api', 'team/api'],
    ['registry.example.com/team/api:1.0@sha256:' + 'a'.repeat(64), 'registry.example.com/team/api'],
    ['registry.example.com:5000/team/api', 'registry.example.com:5000/team/api'],
    ['localhost:5000/api:2', 'localhost:5000/api']
  ])('%s is the image %s', (ref, name) => {
    expect(imageName(ref)).toBe(name)
  })

  it('accepts references only in the registry grammar (nothing that could steer a Docker API path)', () => {
    expect(isImageReference('registry.example.com:5000/team/api:1.0')).toBe(true)
    expect(isImageReference('api@sha256:' + 'a'.repeat(64))).toBe(true)
    for (const bad of ['../../containers/json', 'api?x=1', 'Api', 'a b', '', 'api:', 'x'.repeat(600)])
      expect(isImageReference(bad)).toBe(false)
  })
})

describe('reading the config file', () => {
  it('is optional: no file at the repository root means no config', () => {
    rmSync(join(repo, '.least-privilege.yml'), { force: true })
    expect(loadConfig({ repoRoot: repo })).toBeUndefined()
  })

  it('finds .least-privilege.yaml too, and refuses both at once', () => {
    rmSync(join(repo, '.least-privilege.yml'), { force: true })
    write('.least-privilege.yaml', 'fail-on: note\n')
    expect(loadConfig({ repoRoot: repo })?.failOn).toBe('note')
    write('.least-privilege.yml', 'fail-on: note\n')
    expect(usageError(() => findConfigFile({ repoRoot: repo }))).toMatch(
      /^both \.least-privilege\.yml and \.least-privilege\.yaml exist/
    )
    rmSync(join(repo, '.least-privilege.yaml'))
  })

  it('refuses a --config file that does not exist, naming it as given', () => {
    expect(
      usageError(() =>
        loadConfig({ repoRoot: repo, explicit: join(repo, 'nope.yml'), explicitName: 'nope.yml' })
      )
    ).toBe('config file "nope.yml" does not exist')
  })

  it('maps images, normalised, to the Dockerfiles relative to the config file', () => {
    const loaded = config(
      [
        'images:',
        '  registry.example.com/team/api: services/api/Dockerfile',
        '  docker.io/library/worker:2: services/worker/Dockerfile'
      ].join('\n')
    )
    expect({ ...loaded?.images }).toEqual({
      'registry.example.com/team/api': join(repo, 'services/api/Dockerfile'),
      worker: join(repo, 'services/worker/Dockerfile')
    })
  })

  it('reads every key: per-Dockerfile run-options and build settings, fail-on, run-options, seccomp default', () => {
    const loaded = config(
      [
        'fail-on: warning',
        'run-options: --cap-drop ALL',
        'kubernetes:',
        '  seccomp-default: runtime-default',
        'dockerfiles:',
        '  services/api/Dockerfile:',
        '    run-options: --user 1001 --security-opt seccomp=seccomp.json',
        '    build-args: {VERSION: 2, DEBUG: false}',
        '    target: final',
        '    context: services'
      ].join('\n')
    )
    expect(loaded).toMatchObject({
      file: '.least-privilege.yml',
      failOn: 'warning',
      seccompDefault: 'runtime-default'
    })
    expect(loaded?.profile?.capDrop).toEqual(['ALL'])
    const api = loaded?.dockerfiles[join(repo, 'services/api/Dockerfile')]
    expect(api?.profile?.user).toBe('1001')
    // The seccomp file is read now, relative to the config file's folder.
    expect(api?.profile?.securityOpt.seccompProfile?.json).toBe('{"defaultAction":"SCMP_ACT_ERRNO"}')
    expect(api).toMatchObject({
      at: { line: 6 },
      buildArgs: { VERSION: '2', DEBUG: 'false' },
      target: 'final',
      context: join(repo, 'services')
    })
  })

  it.each([
    [
      'an unknown key',
      'images: {}\n\n\nimagez:\n  x: Dockerfile\n',
      '.least-privilege.yml: line 4: unknown key "imagez"'
    ],
    [
      'a value outside the enum',
      'images: {}\nrun-options: ""\n\n\n\n\nfail-on: high\n',
      '.least-privilege.yml: line 7: fail-on must be one of error, warning, note, never'
    ],
    ['a wrong type', 'images:\n  - x\n', '.least-privilege.yml: line 1: images must be a mapping'],
    [
      'a mapping where a string belongs',
      'run-options:\n  user: 1\n',
      '.least-privilege.yml: line 1: run-options must be a string'
    ],
    [
      'an unknown key in a Dockerfile entry',
      'dockerfiles:\n  services/api/Dockerfile:\n    run-option: --privileged\n',
      '.least-privilege.yml: line 3: unknown key "run-option" in dockerfiles."services/api/Dockerfile"'
    ],
    [
      'a bad seccomp default',
      'kubernetes:\n  seccomp-default: RuntimeDefault\n',
      '.least-privilege.yml: line 2: kubernetes.seccomp-default must be one of unconfined, runtime-default'
    ],
    [
      'a top level that is not a mapping',
      '- images\n',
      '.least-privilege.yml: line 1: the file must be a mapping'
    ],
    ['invalid YAML', 'images:\n  x: [\n', '.least-privilege.yml: line 3: invalid YAML'],
    ['a duplicate key', 'fail-on: note\nfail-on: error\n', '.least-privilege.yml: line 2: invalid YAML']
  ])('refuses %s in one line naming the file, line and key', (_name, text, expected) => {
    expect(usageError(() => config(text))).toContain(expected)
  })

  it('refuses a mapped Dockerfile that does not exist, naming the line and key', () => {
    expect(
      usageError(() => config('images:\n  api: services/api/Dockerfile\n  web: services/web/Dockerfile\n'))
    ).toBe('.least-privilege.yml: line 3: images.web: "services/web/Dockerfile" does not exist')
    expect(usageError(() => config('dockerfiles:\n  services/nope/Dockerfile: {}\n'))).toBe(
      '.least-privilege.yml: line 2: dockerfiles."services/nope/Dockerfile": "services/nope/Dockerfile" does not exist'
    )
  })

  it('refuses a path outside the repository, and two keys for one image', () => {
    expect(usageError(() => config('images:\n  api: ../../etc/passwd\n'))).toMatch(
      /^\.least-privilege\.yml: line 2: images\.api: "\.\.\/\.\.\/etc\/passwd" must be a path inside the repository/
    )
    expect(
      usageError(() =>
        config(
          'images:\n  nginx: services/api/Dockerfile\n  docker.io/library/nginx:1: services/api/Dockerfile\n'
        )
      )
    ).toBe(
      '.least-privilege.yml: line 3: images."docker.io/library/nginx:1": names the same image as "nginx" (nginx)'
    )
  })

  it('refuses bad run-options with the config file and line, as --run-options would be refused', () => {
    expect(
      usageError(() => config('dockerfiles:\n  services/api/Dockerfile:\n    run-options: --bogus\n'))
    ).toBe(
      '.least-privilege.yml: line 3: dockerfiles."services/api/Dockerfile".run-options: unknown flag --bogus'
    )
    expect(usageError(() => config('\nrun-options: --security-opt seccomp=missing.json\n'))).toMatch(
      /^\.least-privilege\.yml: line 2: run-options: seccomp profile "missing\.json" cannot be read/
    )
  })
})

describe('the config file under the CLI flags', () => {
  const cli = (args: string[]): Settings => {
    const command = parseCli(['scan', ...args], repo, { env: {} })
    if (command.kind !== 'scan') throw new Error('not a scan')
    return command.settings
  }

  it('gives fail-on and run-options unless the flag is given', () => {
    config('fail-on: note\nrun-options: --cap-drop ALL\n')
    const fromFile = cli(['--no-build', 'services/api'])
    expect(fromFile.failOn).toBe('note')
    expect(fromFile.profile.capDrop).toEqual(['ALL'])
    expect(fromFile.configFile).toBe('.least-privilege.yml')
    const flags = cli(['--no-build', '--fail-on', 'never', '--run-options', '--privileged', 'services/api'])
    expect(flags.failOn).toBe('never')
    expect(flags.profile.capDrop).toEqual([])
    expect(flags.profile.privileged).toBe(true)
  })

  it('reads the file named with --config, paths relative to its folder', () => {
    write('ci/lp.yml', 'images:\n  api: ../services/api/Dockerfile\n')
    const s = cli(['--no-build', '--config', 'ci/lp.yml', 'services/api'])
    expect({ ...s.images }).toEqual({ api: join(repo, 'services/api/Dockerfile') })
    expect(s.configFile).toBe('ci/lp.yml')
    expect(() => cli(['--no-build', '--config', 'ci/missing.yml', 'services'])).toThrow(
      new UsageError('config file "ci/missing.yml" does not exist')
    )
  })

  it('lets an explicit --run-options win over per-Dockerfile run-options too', () => {
    config('dockerfiles:\n  services/api/Dockerfile:\n    run-options: --privileged\n')
    const path = join(repo, 'services/api/Dockerfile')
    expect(cli(['--no-build', 'services']).dockerfileOptions[path].profile?.privileged).toBe(true)
    expect(
      cli(['--no-build', '--run-options', '--user 1', 'services']).dockerfileOptions[path].profile
    ).toBeUndefined()
  })
})

describe('judged with the config file (static scans)', () => {
  const scan = async (args: string[]) => {
    const command = parseCli(['scan', '--no-build', ...args], repo, { env: {} })
    if (command.kind !== 'scan') throw new Error('not a scan')
    return runScan(command.settings, { logger: silentLogger, runId: 'config-test' })
  }
  const pod = (image: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: ${image}\n      securityContext:\n        allowPrivilegeEscalation: false\n        capabilities: {drop: [ALL]}\n`

  it('judges a Kubernetes container without seccompProfile as Unconfined, or RuntimeDefault under seccomp-default', async () => {
    write('k8s/pod.yaml', pod('registry.example.com/team/api:1.0'))
    config('images:\n  registry.example.com/team/api: services/api/Dockerfile\n')
    const unconfined = (await scan(['--deployment', 'k8s/pod.yaml', 'services/api'])).results
    expect(unconfined.map(r => [r.file, r.target?.name])).toEqual([
      ['services/api/Dockerfile', 'k8s/pod.yaml Pod/p container app']
    ])
    expect(unconfined[0].profile.securityOpt.seccomp).toBe('unconfined')
    expect(unconfined[0].rows.find(r => r.principle === 'kernel-isolation')?.verdict).toBe('fail')
    expect(unconfined[0].findings.find(f => f.ruleId === 'LP320')).toMatchObject({
      file: 'k8s/pod.yaml',
      line: 7
    })

    config(
      'images:\n  registry.example.com/team/api: services/api/Dockerfile\nkubernetes:\n  seccomp-default: runtime-default\n'
    )
    const runtimeDefault = (await scan(['--deployment', 'k8s/pod.yaml', 'services/api'])).results
    expect(runtimeDefault[0].profile.securityOpt.seccomp).toBeUndefined()
    expect(runtimeDefault[0].findings.map(f => f.ruleId)).not.toContain('LP320')
    expect(runtimeDefault[0].rows.find(r => r.principle === 'kernel-isolation')?.verdict).not.toBe('fail')
    rmSync(join(repo, 'k8s'), { recursive: true })
  })

  it('judges a Dockerfile without a deployment under its per-Dockerfile run-options, others under the global ones', async () => {
    config(
      'run-options: --cap-drop ALL --security-opt no-new-privileges\ndockerfiles:\n  services/worker/Dockerfile:\n    run-options: --privileged --user 1000\n'
    )
    const report = await scan(['services'])
    const worker = report.results.find(r => r.file === 'services/worker/Dockerfile')
    const api = report.results.find(r => r.file === 'services/api/Dockerfile')
    expect(worker?.profile.privileged).toBe(true)
    expect(worker?.findings.map(f => f.ruleId)).toContain('LP220')
    expect(worker?.target).toEqual({ name: 'run-options (.least-privilege.yml)', source: 'run-options' })
    expect(api?.profile.capDrop).toEqual(['ALL'])
    expect(api?.findings.map(f => f.ruleId)).not.toContain('LP220')
  })

  it('judges an unmapped image on its deployment alone, its findings in the manifest, no Dockerfile rule', async () => {
    rmSync(join(repo, '.least-privilege.yml'))
    write(
      'k8s/db.yaml',
      '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  hostPID: true\n  containers:\n    - name: db\n      image: registry.example.com/db:1\n      securityContext:\n        privileged: true\n'
    )
    const report = await scan(['--deployment', 'k8s/db.yaml', 'services/api'])
    const db = report.results.find(r => r.target?.source === 'kubernetes')
    expect(db?.file).toBe('k8s/db.yaml')
    expect(db?.target).toEqual({
      name: 'k8s/db.yaml Pod/db container db',
      source: 'kubernetes',
      file: 'k8s/db.yaml',
      line: 9
    })
    const at = Object.fromEntries((db?.findings ?? []).map(f => [f.ruleId, `${f.file}:${f.line}`]))
    expect(at).toMatchObject({ LP220: 'k8s/db.yaml:12', LP520: 'k8s/db.yaml:7' })
    expect(db?.findings.every(f => f.evidence !== 'dockerfile')).toBe(true)
    expect(db?.rows.find(r => r.principle === 'runtime-hardening')?.verdict).toBe('fail')
    expect(db?.notMeasuredReason).toBe('static only (--no-build)')
    expect(report.notifications).toEqual([
      expect.objectContaining({ level: 'note', kind: 'unlinked-deployment', file: 'k8s/db.yaml', line: 9 })
    ])
    rmSync(join(repo, 'k8s'), { recursive: true })
  })
})

describe('symlinks out of the repository', () => {
  let outside: string
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'lp-config-outside-'))
    writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\n')
    writeFileSync(join(outside, 'secret.yml'), 'token-abc: 1\n')
  })
  afterAll(() => {
    rmSync(outside, { recursive: true, force: true })
    rmSync(join(repo, 'escape'), { force: true })
    rmSync(join(repo, '.least-privilege.yml'), { force: true })
  })

  it('refuses a mapped Dockerfile that leads outside through a symlink', () => {
    symlinkSync(join(outside, 'Dockerfile'), join(repo, 'escape'))
    expect(usageError(() => config('images:\n  api: escape\n'))).toBe(
      '.least-privilege.yml: line 2: images.api: "escape" leads outside the repository through a symlink'
    )
  })

  it('refuses a default config file that is a symlink out of the repository, without reading it', () => {
    rmSync(join(repo, '.least-privilege.yml'), { force: true })
    symlinkSync(join(outside, 'secret.yml'), join(repo, '.least-privilege.yml'))
    const message = usageError(() => loadConfig({ repoRoot: repo }))
    expect(message).toBe('.least-privilege.yml leads outside the repository through a symlink')
    expect(message).not.toContain('token')
  })
})
