// Declared deployments end to end, through the bundled CLI: compose services and Kubernetes containers as
// targets, findings at the manifest line where the fix goes, bad deployment files as one-line usage errors,
// and (on the real daemon) each target measured under its own settings.
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
import { schemaErrors } from '../report/sarif-schema'
import { requireDocker } from '../support/docker-available'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const haveBundle = existsSync(cli)
if (!haveBundle && process.env.CI !== 'true')
  console.warn('SKIPPED deployments e2e: dist/cli/index.js missing (npm run package)')
const describeBundle = haveBundle || process.env.CI === 'true' ? describe : describe.skip

interface JsonFinding {
  rule_id: string
  file: string
  line: number
  level: string
  message: string
}
interface JsonResult {
  file: string
  target: { name: string; source: string; file: string | null; line: number | null }
  rows: { principle: string; verdict: string }[]
  findings: JsonFinding[]
  measurement: {
    image: { id: string }
    probe?: { seccomp: { mode: string | null }; no_new_privs: { value: boolean | null } }
  } | null
}
interface JsonReport {
  results: JsonResult[]
  notifications: { kind: string; message: string; file: string | null; line: number | null }[]
}

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lp-deploy-'))
  cpSync(join(root, 'examples/monorepo'), join(work, 'monorepo'), { recursive: true })
  // The Dockerfiles COPY a static busybox, staged here (it is not committed), so the images really build.
  for (const service of ['api', 'worker']) {
    const to = join(work, 'monorepo/services', service, 'busybox')
    copyFileSync(BUSYBOX, to)
    chmodSync(to, 0o755)
  }
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

function run(args: string[], options: { input?: string; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? work,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    input: options.input,
    timeout: 300_000
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function json(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport
}

function byTarget(report: JsonReport, name: string): JsonResult {
  const result = report.results.find(r => r.target?.name === name)
  if (!result) throw new Error(`no result for ${name}: ${report.results.map(r => r.target?.name).join(', ')}`)
  return result
}

function verdict(result: JsonResult, principle: string): string | undefined {
  return result.rows.find(r => r.principle === principle)?.verdict
}

/** 1-based line of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(join(work, file), 'utf8')
    .split('\n')
    .findIndex(l => l.includes(text))
  if (index < 0) throw new Error(`${text} not in ${file}`)
  return index + 1
}

function expectOneLineError(stderr: string, ...texts: string[]) {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  for (const text of texts) expect(lines[0]).toContain(text)
  expect(stderr).not.toMatch(/\n\s+at /)
}

describeBundle('declared deployments (bundled CLI, static)', () => {
  it('judges each compose service as its own target, findings at the compose lines of the fix', () => {
    const sarifPath = join(work, 'monorepo.sarif')
    const { code, stdout, stderr } = run([
      'scan',
      '--no-build',
      '--format',
      'json',
      '--sarif',
      sarifPath,
      'monorepo'
    ])
    expect(stderr).not.toContain('internal error')
    expect(code).toBe(1)
    const report = json(stdout)
    const worker = byTarget(report, 'monorepo/compose.yaml service worker')
    const api = byTarget(report, 'monorepo/compose.yaml service api')
    expect(worker.file).toBe('monorepo/services/worker/Dockerfile')
    expect(worker.target).toMatchObject({ source: 'compose', file: 'monorepo/compose.yaml' })
    expect(api.file).toBe('monorepo/services/api/Dockerfile')
    expect(verdict(worker, 'runtime-hardening')).toBe('fail')
    expect(verdict(worker, 'host-protection')).toBe('fail')
    const privileged = worker.findings.find(f => f.rule_id === 'LP220')
    expect(privileged).toMatchObject({
      file: 'monorepo/compose.yaml',
      line: lineOf('monorepo/compose.yaml', 'privileged: true')
    })
    const socket = worker.findings.find(f => f.rule_id === 'LP521')
    expect(socket).toMatchObject({
      file: 'monorepo/compose.yaml',
      line: lineOf('monorepo/compose.yaml', '- /var/run/docker.sock')
    })
    // api drops every capability, sets no-new-privileges and a non-root user: no verdict fails or warns.
    for (const row of api.rows) expect(['fail', 'warn']).not.toContain(row.verdict)
    expect(api.findings.filter(f => f.level !== 'note')).toEqual([])
    // The Kubernetes images are built by no scanned Dockerfile: one note per container, each judged alone.
    const unlinked = report.notifications.filter(n => n.kind === 'unlinked-deployment')
    expect(unlinked.map(n => n.message.split(':')[0]).sort()).toEqual([
      'monorepo/k8s/api.yaml Deployment/api container api',
      'monorepo/k8s/cleanup.yaml CronJob/cleanup container cleanup',
      'monorepo/k8s/cleanup.yaml CronJob/cleanup init container migrate'
    ])
    expect(unlinked[0].message).toContain('is built by no scanned Dockerfile')

    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'))
    expect(schemaErrors(sarif)).toEqual([])
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'LP220')
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('monorepo/compose.yaml')
    expect(result.locations[0].physicalLocation.region.startLine).toBe(
      lineOf('monorepo/compose.yaml', 'privileged')
    )
    expect(result.properties.target).toBe('monorepo/compose.yaml service worker')
    // The line hash is the compose file's line, not the Dockerfile's.
    expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]+:\d+$/)
  })

  it('names the target beside the Dockerfile in text and markdown', () => {
    const text = run(['scan', '--no-build', 'monorepo'])
    expect(text.stdout).toContain(
      'monorepo/services/worker/Dockerfile — monorepo/compose.yaml service worker'
    )
    expect(text.stdout).toContain(`monorepo/compose.yaml:${lineOf('monorepo/compose.yaml', 'privileged')}`)
    const markdown = run(['scan', '--no-build', '--format', 'markdown', 'monorepo'])
    expect(markdown.stdout).toMatch(
      /#### .*monorepo\/services\/worker\/Dockerfile.* — monorepo\/compose\.yaml service worker/
    )
  })

  it('reads a manifest named with --deployment, also from stdin, and judges an image no Dockerfile builds from the manifest alone', () => {
    const named = run([
      'scan',
      '--no-build',
      '--format',
      'json',
      '--deployment',
      'monorepo/k8s/api.yaml',
      'monorepo/services/api/Dockerfile'
    ])
    // The image-only target has no seccompProfile: an error-level finding in the manifest.
    expect(named.code).toBe(1)
    const report = json(named.stdout)
    expect(report.notifications).toEqual([
      expect.objectContaining({
        level: 'note',
        kind: 'unlinked-deployment',
        file: 'monorepo/k8s/api.yaml',
        line: lineOf('monorepo/k8s/api.yaml', '- name: api')
      })
    ])
    // No deployment links to the Dockerfile: it is judged under Docker's defaults, as before; the
    // container's image is judged on its own, located in the manifest.
    const line = lineOf('monorepo/k8s/api.yaml', '- name: api')
    expect(report.results.map(r => [r.file, r.target])).toEqual([
      [
        'monorepo/services/api/Dockerfile',
        { name: "Docker's defaults", source: 'none', file: null, line: null }
      ],
      [
        'monorepo/k8s/api.yaml',
        {
          name: 'monorepo/k8s/api.yaml Deployment/api container api',
          source: 'kubernetes',
          file: 'monorepo/k8s/api.yaml',
          line
        }
      ]
    ])
    expect(report.results[1].findings.map(f => [f.rule_id, f.file, f.line])).toEqual([
      ['LP320', 'monorepo/k8s/api.yaml', line]
    ])
    const stdin = run(
      ['scan', '--no-build', '--format', 'json', '--deployment', '-', 'monorepo/services/api/Dockerfile'],
      {
        input: readFileSync(join(work, 'monorepo/k8s/cleanup.yaml'), 'utf8')
      }
    )
    expect(json(stdin.stdout).notifications.map(n => n.file)).toEqual(['<stdin>', '<stdin>'])
    expect(json(stdin.stdout).results.map(r => r.file)).toEqual([
      'monorepo/services/api/Dockerfile',
      '<stdin>',
      '<stdin>'
    ])
  })

  it('judges a Dockerfile built by two services twice', () => {
    const dir = join(work, 'twice')
    mkdirSync(dir)
    cpSync(join(work, 'monorepo/services/api'), join(dir, 'api'), { recursive: true })
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  one:\n    build: ./api\n  two:\n    build: ./api\n    privileged: true\n'
    )
    const { code, stdout } = run(['scan', '--no-build', '--format', 'json', 'twice'])
    expect(code).toBe(1)
    const report = json(stdout)
    expect(report.results.map(r => [r.file, r.target.name])).toEqual([
      ['twice/api/Dockerfile', 'twice/compose.yaml service one'],
      ['twice/api/Dockerfile', 'twice/compose.yaml service two']
    ])
    expect(byTarget(report, 'twice/compose.yaml service two').findings.map(f => f.rule_id)).toContain('LP220')
    expect(byTarget(report, 'twice/compose.yaml service one').findings.map(f => f.rule_id)).not.toContain(
      'LP220'
    )
  })

  it.each([
    ['invalid YAML', 'services:\n  app:\n    user: [\n', ['bad/compose.yaml: line', 'invalid YAML']],
    [
      'a build folder that does not exist',
      'services:\n  app:\n    build: ./missing\n',
      ['bad/compose.yaml: line 3', 'does not exist']
    ]
  ])(
    'refuses a compose file with %s: exit 2, one line naming the file and line, before any build',
    (_name, text, expected) => {
      const dir = join(work, 'bad')
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir)
      writeFileSync(join(dir, 'compose.yaml'), text)
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n')
      // Not --no-build: the error must come before any daemon is asked for anything.
      const { code, stderr, stdout } = run(['scan', 'bad'])
      expect(code).toBe(2)
      expectOneLineError(stderr, ...expected)
      expect(stdout).toBe('')
    }
  )

  it('refuses a manifest named with --deployment that is not valid YAML', () => {
    writeFileSync(join(work, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nspec: [\n')
    const { code, stderr } = run([
      'scan',
      '--no-build',
      '--deployment',
      'broken.yaml',
      'monorepo/services/api'
    ])
    expect(code).toBe(2)
    expectOneLineError(stderr, 'broken.yaml: line', 'invalid YAML')
  })
})

const describeDocker = haveBundle && requireDocker('deployments measured e2e') ? describe : describe.skip

describeDocker('declared deployments measured on the real daemon', () => {
  const runId = testRunId()
  const tag = `lptest-monorepo-api:${runId}`
  afterAll(() => {
    spawnSync('docker', ['rmi', '-f', tag], { encoding: 'utf8', timeout: 60_000 })
  })

  it('measures every compose service under its own settings, building a shared Dockerfile once', () => {
    const dir = join(work, 'measured')
    cpSync(join(work, 'monorepo'), dir, { recursive: true })
    // A third service on the api Dockerfile: two results, one build.
    writeFileSync(
      join(dir, 'compose.yaml'),
      readFileSync(join(dir, 'compose.yaml'), 'utf8') + '  api-debug:\n    build: ./services/api\n'
    )
    rmSync(join(dir, 'k8s'), { recursive: true })
    const { code, stdout, stderr } = run(['scan', '--format', 'json', 'measured'])
    expect(stderr).not.toContain('internal error')
    expect(code).toBe(1)
    const report = json(stdout)
    expect(report.results).toHaveLength(3)
    const builds = stderr.split('\n').filter(l => l.startsWith('Build '))
    expect(builds.sort()).toEqual([
      'Build measured/services/api/Dockerfile',
      'Build measured/services/worker/Dockerfile'
    ])
    const api = byTarget(report, 'measured/compose.yaml service api')
    const debug = byTarget(report, 'measured/compose.yaml service api-debug')
    const worker = byTarget(report, 'measured/compose.yaml service worker')
    expect(api.measurement?.image.id).toBe(debug.measurement?.image.id)
    // Each target's probe ran under its own settings.
    expect(api.measurement?.probe?.no_new_privs.value).toBe(true)
    expect(debug.measurement?.probe?.no_new_privs.value).toBe(false)
    // Privileged: no seccomp filter, measured.
    expect(worker.measurement?.probe?.seccomp.mode).toBe('disabled')
    expect(verdict(worker, 'runtime-hardening')).toBe('fail')
    expect(verdict(worker, 'host-protection')).toBe('fail')
    expect(verdict(api, 'runtime-hardening')).toBe('pass')
    expect(verdict(api, 'no-escalation')).toBe('pass')
  })

  it('measures a Kubernetes pod without seccompProfile as seccomp disabled, and reports the kubelet refusal', () => {
    const built = spawnSync(
      'docker',
      [
        'build',
        '-q',
        '-t',
        tag,
        '--label',
        `${RESOURCE_LABEL}=${runId}`,
        join(work, 'monorepo/services/api')
      ],
      { encoding: 'utf8', timeout: 300_000, env: { ...process.env, DOCKER_BUILDKIT: '0' } }
    )
    expect({ status: built.status, stderr: built.status === 0 ? '' : built.stderr }).toEqual({
      status: 0,
      stderr: ''
    })
    const manifest = (text: string) =>
      text.replaceAll('example.com/monorepo/api:1.0', tag).replaceAll('example.com/monorepo/worker:1.0', tag)
    writeFileSync(join(work, 'api.yaml'), manifest(readFileSync(join(work, 'monorepo/k8s/api.yaml'), 'utf8')))
    writeFileSync(
      join(work, 'cleanup.yaml'),
      manifest(readFileSync(join(work, 'monorepo/k8s/cleanup.yaml'), 'utf8'))
    )
    const { code, stdout, stderr } = run([
      'scan',
      '--format',
      'json',
      '--image',
      tag,
      '--deployment',
      'api.yaml',
      '--deployment',
      'cleanup.yaml',
      'monorepo/services/api/Dockerfile'
    ])
    expect(stderr).not.toContain('internal error')
    expect(code).toBe(1)
    const report = json(stdout)
    const pod = byTarget(report, 'api.yaml Deployment/api container api')
    expect(pod.target.source).toBe('kubernetes')
    expect(pod.measurement?.probe?.seccomp.mode).toBe('disabled')
    expect(verdict(pod, 'kernel-isolation')).toBe('fail')
    const seccomp = pod.findings.find(f => f.rule_id === 'LP320')
    expect(seccomp).toMatchObject({ file: 'api.yaml', line: lineOf('api.yaml', '- name: api') })
    expect(seccomp?.message).toContain('No seccompProfile')
    // allowPrivilegeEscalation: false is no_new_privs, measured.
    expect(pod.measurement?.probe?.no_new_privs.value).toBe(true)
    // The CronJob's init container asks for runAsNonRoot with runAsUser 0: the kubelet refuses it.
    const migrate = byTarget(report, 'cleanup.yaml CronJob/cleanup init container migrate')
    const refusal = migrate.findings.find(f => f.rule_id === 'LP121')
    expect(refusal).toMatchObject({
      level: 'error',
      file: 'cleanup.yaml',
      line: lineOf('cleanup.yaml', 'runAsNonRoot')
    })
    expect(refusal?.message).toContain("container's runAsUser breaks non-root policy")
    // RuntimeDefault seccomp from the pod securityContext: the filter is on.
    const cleanup = byTarget(report, 'cleanup.yaml CronJob/cleanup container cleanup')
    expect(cleanup.measurement?.probe?.seccomp.mode).toBe('filter')
    expect(cleanup.findings.map(f => f.rule_id)).not.toContain('LP320')
  })
})
