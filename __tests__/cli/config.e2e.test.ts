// The config file end to end, through the bundled CLI: `images:` makes a manifest's container a target of
// the Dockerfile that builds its image, fail-on comes from the file unless the flag is given, a bad file is
// exit 2 with one line before any build, an image no Dockerfile builds is judged from its manifest, and (on
// the real daemon) such an image is probed when it is present locally, never pulled.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RESOURCE_LABEL } from '../../src/meta'
import { BUSYBOX, testRunId } from '../docker/helpers'
import { requireDocker } from '../support/docker-available'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const haveBundle = existsSync(cli)
if (!haveBundle && process.env.CI !== 'true')
  console.warn('SKIPPED config e2e: dist/cli/index.js missing (npm run package)')
const describeBundle = haveBundle || process.env.CI === 'true' ? describe : describe.skip

interface JsonResult {
  file: string
  target: { name: string; source: string; file: string | null; line: number | null }
  rows: { principle: string; verdict: string }[]
  findings: { rule_id: string; file: string; line: number; level: string; evidence?: string }[]
  not_measured_reason?: string | null
  measurement: {
    image: { id: string; user: string }
    probe?: { seccomp: { mode: string | null }; no_new_privs: { value: boolean | null } }
  } | null
}
interface JsonReport {
  results: JsonResult[]
  notifications: { level: string; kind: string; message: string; file: string | null; line: number | null }[]
}

let work: string
let repo: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lp-config-e2e-'))
  // The monorepo example as a repository of its own: its .least-privilege.yml is at the root.
  repo = join(work, 'repo')
  cpSync(join(root, 'examples/monorepo'), repo, { recursive: true })
  mkdirSync(join(repo, '.git'))
  for (const service of ['api', 'worker']) {
    const to = join(repo, 'services', service, 'busybox')
    copyFileSync(BUSYBOX, to)
    chmodSync(to, 0o755)
  }
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

function run(args: string[], cwd = repo) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 300_000
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const json = (stdout: string) => JSON.parse(stdout) as JsonReport

function byTarget(report: JsonReport, name: string): JsonResult {
  const result = report.results.find(r => r.target?.name === name)
  if (!result) throw new Error(`no result for ${name}: ${report.results.map(r => r.target?.name).join(', ')}`)
  return result
}

const verdict = (result: JsonResult, principle: string) =>
  result.rows.find(r => r.principle === principle)?.verdict

function lineOf(file: string, text: string): number {
  const index = readFileSync(join(repo, file), 'utf8')
    .split('\n')
    .findIndex(l => l.includes(text))
  if (index < 0) throw new Error(`${text} not in ${file}`)
  return index + 1
}

function expectOneLineError(result: { code: number | null; stderr: string; stdout: string }, text: string) {
  expect(result.code).toBe(2)
  expect(result.stderr.trim().split('\n')).toEqual([`least-privilege: ${text}`])
  expect(result.stdout).toBe('')
}

describeBundle('the config file (bundled CLI, static)', () => {
  it('makes a manifest container whose image `images:` maps a target of that Dockerfile', () => {
    const { code, stdout, stderr } = run(['scan', '--no-build', '--format', 'json', '.'])
    expect(stderr).not.toContain('internal error')
    expect(code).toBe(1)
    const report = json(stdout)
    const pod = byTarget(report, 'k8s/api.yaml Deployment/api container api')
    expect(pod.file).toBe('services/api/Dockerfile')
    expect(pod.target).toEqual({
      name: 'k8s/api.yaml Deployment/api container api',
      source: 'kubernetes',
      file: 'k8s/api.yaml',
      line: lineOf('k8s/api.yaml', '- name: api')
    })
    // The Dockerfile's USER 1001 and the manifest's seccomp gap are judged together.
    expect(verdict(pod, 'least-privilege')).toBe('pass')
    expect(verdict(pod, 'kernel-isolation')).toBe('fail')
    expect(pod.findings.find(f => f.rule_id === 'LP320')).toMatchObject({
      file: 'k8s/api.yaml',
      line: lineOf('k8s/api.yaml', '- name: api')
    })
    const migrate = byTarget(report, 'k8s/cleanup.yaml CronJob/cleanup init container migrate')
    expect(migrate.file).toBe('services/worker/Dockerfile')
    // Every image is linked: nothing is judged from a manifest alone.
    expect(report.notifications.filter(n => n.kind === 'unlinked-deployment')).toEqual([])
    expect(report.results.map(r => r.file).sort()).toEqual([
      'services/api/Dockerfile',
      'services/api/Dockerfile',
      'services/worker/Dockerfile',
      'services/worker/Dockerfile',
      'services/worker/Dockerfile'
    ])
  })

  it('takes fail-on from the file unless --fail-on is given', () => {
    const dir = join(work, 'failon')
    cpSync(repo, dir, { recursive: true })
    writeFileSync(join(dir, '.least-privilege.yml'), 'fail-on: never\n')
    expect(run(['scan', '--no-build', '.'], dir).code).toBe(0)
    expect(run(['scan', '--no-build', '--fail-on', 'error', '.'], dir).code).toBe(1)
  })

  it('reads --config from outside the repository root, paths relative to the file but inside the repository', () => {
    writeFileSync(join(work, 'lp.yml'), 'images:\n  example.com/monorepo/api: repo/services/api/Dockerfile\n')
    const report = json(run(['scan', '--no-build', '--format', 'json', '--config', '../lp.yml', '.']).stdout)
    expect(byTarget(report, 'k8s/api.yaml Deployment/api container api').file).toBe('services/api/Dockerfile')
    // The worker image is not mapped by this file (the repository's own config is not read with --config).
    expect(byTarget(report, 'k8s/cleanup.yaml CronJob/cleanup container cleanup').file).toBe(
      'k8s/cleanup.yaml'
    )
    mkdirSync(join(work, 'elsewhere'), { recursive: true })
    writeFileSync(join(work, 'elsewhere/Dockerfile'), 'FROM scratch\n')
    writeFileSync(join(work, 'lp.yml'), 'images:\n  example.com/monorepo/api: elsewhere/Dockerfile\n')
    expectOneLineError(
      run(['scan', '--no-build', '--config', '../lp.yml', '.']),
      '../lp.yml: line 2: images."example.com/monorepo/api": "elsewhere/Dockerfile" must be a path inside the repository, relative to ../lp.yml'
    )
  })

  it.each([
    ['an unknown key', 'images: {}\nimagez: {}\n', '.least-privilege.yml: line 2: unknown key "imagez"'],
    [
      'a mapped Dockerfile that does not exist',
      'images:\n  example.com/monorepo/api: services/api/Dockerfile\n  example.com/monorepo/web: services/web/Dockerfile\n',
      '.least-privilege.yml: line 3: images."example.com/monorepo/web": "services/web/Dockerfile" does not exist'
    ],
    ['invalid YAML', 'images: {\n', '.least-privilege.yml: line 2: invalid YAML']
  ])('refuses a config file with %s: exit 2, one line, before any build', (_name, text, expected) => {
    const dir = join(work, 'bad')
    rmSync(dir, { recursive: true, force: true })
    cpSync(repo, dir, { recursive: true })
    writeFileSync(join(dir, '.least-privilege.yml'), text)
    // Not --no-build: the error must come before any daemon is asked for anything.
    const result = run(['scan', '.'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain(expected)
    expect(result.stdout).toBe('')
  })

  it('refuses a --config file that does not exist', () => {
    expectOneLineError(
      run(['scan', '--no-build', '--config', 'nope.yml', '.']),
      'config file "nope.yml" does not exist'
    )
  })

  it('judges an image no Dockerfile builds from its manifest, without Dockerfile rules', () => {
    const dir = join(work, 'unmapped')
    cpSync(repo, dir, { recursive: true })
    rmSync(join(dir, '.least-privilege.yml'))
    const { code, stdout } = run(['scan', '--no-build', '--format', 'json', '.'], dir)
    expect(code).toBe(1)
    const report = json(stdout)
    const pod = byTarget(report, 'k8s/api.yaml Deployment/api container api')
    expect(pod.file).toBe('k8s/api.yaml')
    expect(pod.findings.map(f => [f.rule_id, f.file, f.line])).toEqual([
      ['LP320', 'k8s/api.yaml', lineOf('k8s/api.yaml', '- name: api')]
    ])
    const note = report.notifications.find(n => n.file === 'k8s/api.yaml')
    expect(note).toMatchObject({
      level: 'note',
      kind: 'unlinked-deployment',
      line: lineOf('k8s/api.yaml', '- name: api')
    })
    expect(note?.message).toContain('judged from the deployment alone')
    expect(note?.message).toContain('`images:` in .least-privilege.yml')
  })
})

const describeDocker = haveBundle && requireDocker('config measured e2e') ? describe : describe.skip

describeDocker('an image-only target on the real daemon', () => {
  const runId = testRunId()
  const tag = `lptest-image-only:${runId}`
  afterAll(() => {
    spawnSync('docker', ['rmi', '-f', tag], { encoding: 'utf8', timeout: 60_000 })
  })

  it('is probed under its manifest when the image is present locally, and judged alone when it is not', () => {
    const built = spawnSync(
      'docker',
      ['build', '-q', '-t', tag, '--label', `${RESOURCE_LABEL}=${runId}`, join(repo, 'services/api')],
      { encoding: 'utf8', timeout: 300_000, env: { ...process.env, DOCKER_BUILDKIT: '0' } }
    )
    expect({ status: built.status, stderr: built.status === 0 ? '' : built.stderr }).toEqual({
      status: 0,
      stderr: ''
    })
    const dir = join(work, 'measured')
    mkdirSync(join(dir, 'k8s'), { recursive: true })
    mkdirSync(join(dir, '.git'))
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nUSER 1001:1001\n')
    const pod = (name: string, image: string) =>
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        `  name: ${name}`,
        'spec:',
        '  containers:',
        `    - name: ${name}`,
        `      image: ${image}`,
        '      securityContext:',
        '        allowPrivilegeEscalation: false',
        '        capabilities: {drop: [ALL]}',
        ''
      ].join('\n')
    writeFileSync(join(dir, 'k8s/local.yaml'), pod('local', tag))
    writeFileSync(join(dir, 'k8s/remote.yaml'), pod('remote', 'registry.example.com/x:1'))
    const { code, stdout, stderr } = run(['scan', '--format', 'json', '--probe', 'true', '.'], dir)
    expect(stderr).not.toContain('internal error')
    expect(code).toBe(1)
    const report = json(stdout)
    const local = byTarget(report, 'k8s/local.yaml Pod/local container local')
    expect(local.file).toBe('k8s/local.yaml')
    expect(local.measurement?.image.user).toBe('1001:1001')
    // No seccompProfile: Kubernetes runs it Unconfined, and the probe measures exactly that.
    expect(local.measurement?.probe?.seccomp.mode).toBe('disabled')
    expect(local.measurement?.probe?.no_new_privs.value).toBe(true)
    expect(verdict(local, 'kernel-isolation')).toBe('fail')
    expect(verdict(local, 'runtime-hardening')).toBe('pass')
    expect(local.findings.every(f => f.file === 'k8s/local.yaml')).toBe(true)
    const remote = byTarget(report, 'k8s/remote.yaml Pod/remote container remote')
    expect(remote.measurement).toBeNull()
    expect(remote.not_measured_reason).toBe(
      'image registry.example.com/x:1 is not present locally; judged from the deployment alone'
    )
    // The cluster's kubelets default to RuntimeDefault: the same pod is probed with Docker's default filter.
    writeFileSync(join(dir, '.least-privilege.yml'), 'kubernetes:\n  seccomp-default: runtime-default\n')
    const filtered = json(run(['scan', '--format', 'json', '--probe', 'true', '.'], dir).stdout)
    const again = byTarget(filtered, 'k8s/local.yaml Pod/local container local')
    expect(again.measurement?.probe?.seccomp.mode).toBe('filter')
    expect(again.findings.map(f => f.rule_id)).not.toContain('LP320')
    // The user's image is probed, never removed (only what the run built is cleaned up).
    expect(spawnSync('docker', ['image', 'inspect', tag], { encoding: 'utf8', timeout: 60_000 }).status).toBe(
      0
    )
  })
})
