// The bundled CLI, run as a user runs it: node dist/cli/index.js scan ...
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { schemaErrors } from '../report/sarif-schema'
import { requireDocker } from '../support/docker-available'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const haveBundle = existsSync(cli)
if (!haveBundle && process.env.CI !== 'true')
  console.warn('SKIPPED CLI e2e: dist/cli/index.js missing (npm run package)')
const describeBundle = haveBundle || process.env.CI === 'true' ? describe : describe.skip

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lp-cli-'))
  cpSync(join(root, 'examples'), join(work, 'examples'), { recursive: true })
  writeFileSync(join(work, 'empty.Dockerfile'), '')
  writeFileSync(join(work, 'comments.Dockerfile'), '# only a comment\nRUN true\n')
  writeFileSync(join(work, 'binary.Dockerfile'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]))
  mkdirSync(join(work, 'no-dockerfiles'))
  writeFileSync(join(work, 'no-dockerfiles', 'notes.txt'), 'hello')
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 180_000
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function expectOneLineError(stderr: string, text: string) {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain(text)
  expect(stderr).not.toMatch(/\n\s+at /) // never a stack trace
}

describeBundle('least-privilege CLI (bundled)', () => {
  it.each([
    [['scan', 'missing'], 'missing: no such file or directory'],
    [['scan', 'no-dockerfiles'], 'no-dockerfiles: no Dockerfile found'],
    [['scan', '--frobnicate', 'examples'], 'unknown option --frobnicate'],
    [['scan', '--no-build', '--run-options', '--cap-add NET_BLAH', 'examples'], 'NET_BLAH'],
    [['scan', '--no-build', '--run-options', '--frob', 'examples'], '--frob'],
    [['scan', '--no-build', '--run-options', '--user "root', 'examples'], 'run-options']
  ])('exits 2 with one clear line for %j', (args, text) => {
    const { code, stderr } = run(args)
    expect(code).toBe(2)
    expectOneLineError(stderr, text)
  })

  it.each([
    ['empty.Dockerfile', 'empty file'],
    ['comments.Dockerfile', 'no FROM instruction'],
    ['binary.Dockerfile', 'binary file']
  ])('reports %s as an operational error naming the file, and still writes SARIF', (file, text) => {
    const sarifPath = join(work, `${file}.sarif`)
    const { code, stdout } = run(['scan', '--no-build', '--sarif', sarifPath, file])
    expect(code).toBe(2)
    expect(stdout).toContain(file)
    expect(stdout).toContain(text)
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'))
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications
    expect(notes.some((n: { message: { text: string } }) => n.message.text.includes(text))).toBe(true)
    expect(sarif.runs[0].results).toEqual([])
  })

  it('judges the insecure example statically: exit 1, root through ARG expansion, valid SARIF', () => {
    const sarifPath = join(work, 'static.sarif')
    const { code, stdout } = run(['scan', '--no-build', '--sarif', sarifPath, 'examples/insecure'])
    expect(code).toBe(1)
    expect(stdout).toContain('LP101')
    for (const name of [
      'Least Privilege',
      'Runtime Hardening',
      'Kernel Isolation',
      'No Escalation',
      'Host Protection'
    ]) {
      expect(stdout).toContain(name)
    }
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'))
    expect(schemaErrors(sarif)).toEqual([])
    const lp101 = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'LP101')
    expect(lp101.locations[0].physicalLocation.artifactLocation.uri).toBe('examples/insecure/Dockerfile')
    expect(lp101.locations[0].physicalLocation.region.startLine).toBe(10) // the USER ${APP_USER} line
  })

  it('passes the secure example at the default threshold and prints JSON on request', () => {
    const { code, stdout } = run(['scan', '--no-build', '--format', 'json', 'examples/secure'])
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report.results).toHaveLength(1)
    expect(report.results[0].file).toBe('examples/secure/Dockerfile')
  })

  it('falls back to static checks with a notice when no daemon answers', () => {
    const { code, stdout, stderr } = run(['scan', 'examples/secure'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock'
    })
    expect(code).toBe(0)
    expect(stderr).toMatch(/notice: .*daemon.*static checks only/i)
    expect(stdout).toMatch(/not measured/i)
  })
})

const describeDocker = haveBundle && requireDocker('CLI build+probe e2e') ? describe : describe.skip

describeDocker('least-privilege CLI with a real daemon', () => {
  it('builds and measures the insecure example: the archived setuid helper and root are measured', () => {
    const sarifPath = join(work, 'measured.sarif')
    const { code, stdout, stderr } = run([
      'scan',
      '--format',
      'json',
      '--sarif',
      sarifPath,
      'examples/insecure'
    ])
    expect(stderr).not.toContain('internal error')
    expect(code).toBe(1)
    const report = JSON.parse(stdout)
    const [result] = report.results
    expect(result.measurement.probe.identity.uid.effective).toBe(0)
    const files = result.measurement.probe.privileged_files.files.map((f: { path: string }) => f.path)
    expect(files).toContain('/usr/local/bin/helper')
    const ruleIds = result.findings.map((f: { rule_id: string }) => f.rule_id)
    expect(ruleIds).toEqual(expect.arrayContaining(['LP101', 'LP441']))
    // One cause, one finding: the measured root (LP140) is carried by LP101, where the fix goes.
    expect(ruleIds).not.toContain('LP140')
    const lp101 = result.findings.find((f: { rule_id: string }) => f.rule_id === 'LP101')
    expect(lp101.properties.measured).toMatchObject({ rule_id: 'LP140', uid: 0 })
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'))
    const measured = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'LP441')
    expect(JSON.stringify(measured.properties)).toContain('/usr/local/bin/helper')
  })

  it('with --probe false still builds and inspects the image, but runs nothing', () => {
    const { code, stdout } = run(['scan', '--format', 'json', '--probe', 'false', 'examples/secure'])
    expect(code).toBe(0)
    const [result] = JSON.parse(stdout).results
    expect(result.measurement.image.user).toBe('65532:65532')
    expect(result.measurement.probe).toBeUndefined()
    expect(result.not_measured_reason).toBe('probing is disabled')
    expect(result.rows.find((r: { principle: string }) => r.principle === 'kernel-isolation').verdict).toBe(
      'not-measured'
    )
  })

  it('measures the secure example under hardened flags: every principle but host protection passes', () => {
    const { code, stdout } = run([
      'scan',
      '--format',
      'json',
      '--run-options',
      '--cap-drop ALL --security-opt no-new-privileges --read-only',
      'examples/secure'
    ])
    expect(code).toBe(0)
    const rows = JSON.parse(stdout).results[0].rows
    const verdicts = Object.fromEntries(
      rows.map((r: { principle: string; verdict: string }) => [r.principle, r.verdict])
    )
    expect(verdicts).toMatchObject({
      'least-privilege': 'pass',
      'runtime-hardening': 'pass',
      'no-escalation': 'pass'
    })
  })
})
