import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { parseCli } from '../../src/cli/args'
import { defaultRepoRoot, gitTopLevel } from '../../src/cli/repo-root'
import { UsageError } from '../../src/errors'

const scan = (...argv: string[]) => {
  const command = parseCli(['scan', ...argv], '/repo')
  if (command.kind !== 'scan') throw new Error(`expected scan, got ${command.kind}`)
  return command
}

describe('parseCli', () => {
  it('defaults to building, probing when a daemon answers, failing on errors, text output', () => {
    const { settings } = scan('Dockerfile')
    expect(settings).toMatchObject({
      paths: ['Dockerfile'],
      cwd: '/repo',
      repoRoot: '/repo',
      build: true,
      probe: 'auto',
      failOn: 'error',
      format: 'text',
      sarifFile: '',
      runOptions: ''
    })
  })

  it('reads every option in both --flag value and --flag=value forms', () => {
    const { settings, color } = scan(
      '--no-build',
      '--run-options=--cap-drop ALL',
      '--sarif',
      'out.sarif',
      '--format=json',
      '--fail-on',
      'warning',
      '--target',
      'runtime',
      '--build-arg',
      'A=1=2',
      '--build-arg=B=',
      '--probe-timeout',
      '2.5',
      '--no-color',
      'a',
      'b'
    )
    expect(settings).toMatchObject({
      build: false,
      runOptions: '--cap-drop ALL',
      sarifFile: 'out.sarif',
      format: 'json',
      failOn: 'warning',
      target: 'runtime',
      buildArgs: { A: '1=2', B: '' },
      probeTimeoutMs: 2500,
      paths: ['a', 'b']
    })
    expect(color).toBe(false)
  })

  it('treats everything after -- as paths', () => {
    expect(scan('--', '--weird-name').settings.paths).toEqual(['--weird-name'])
  })

  it.each([
    [['scan', '--bogus', 'x'], 'unknown option --bogus'],
    [['scan', 'x', '--format', 'xml'], '--format expects text, json, markdown; got "xml"'],
    [['scan', 'x', '--fail-on'], '--fail-on needs a value'],
    [['scan', 'x', '--build-arg', 'NOVALUE'], '--build-arg expects KEY=VALUE'],
    [['scan', 'x', '--probe-timeout', '0'], '--probe-timeout expects seconds'],
    [['scan', 'x', '--no-build=yes'], '--no-build takes no value'],
    [['scan'], 'no PATH given'],
    [['lint', 'x'], 'unknown command "lint"'],
    [['scan', 'x', '--image', 'nginx', '--no-build'], '--image and --no-build conflict']
  ])('rejects %j with one clear line', (argv, message) => {
    expect(() => parseCli(argv, '/repo')).toThrow(UsageError)
    expect(() => parseCli(argv, '/repo')).toThrow(message)
  })

  it('answers help and version without scanning', () => {
    expect(parseCli([], '/').kind).toBe('help')
    expect(parseCli(['scan', '--help'], '/').kind).toBe('help')
    expect(parseCli(['--version'], '/').kind).toBe('version')
  })
})

describe('parseCli: the deployment profile is read with the flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lp-args-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('parses run-options into settings.profile, reading the seccomp file against cwd', () => {
    writeFileSync(join(dir, 'sc.json'), '{ "defaultAction": "SCMP_ACT_ALLOW" }')
    const command = parseCli(
      ['scan', '--no-build', '--run-options', '--cap-drop ALL --security-opt seccomp=sc.json', 'Dockerfile'],
      dir
    )
    if (command.kind !== 'scan') throw new Error('expected scan')
    expect(command.settings.profile.capDrop).toEqual(['ALL'])
    expect(command.settings.profile.securityOpt.seccompProfile?.json).toBe(
      '{"defaultAction":"SCMP_ACT_ALLOW"}'
    )
  })

  it.each([
    ['--security-opt seccomp=/dev/zero', 'is not a regular file'],
    ['--security-opt seccomp=/etc/passwd', 'is not valid JSON'],
    ['--sysctl __proto__=1', 'is not allowed']
  ])('rejects %j even with --no-build, in one line', (flags, message) => {
    const run = () => parseCli(['scan', '--no-build', '--run-options', flags, 'Dockerfile'], dir)
    expect(run).toThrow(UsageError)
    expect(run).toThrow(message)
  })

  it('keeps --build-arg __proto__ as an ordinary key', () => {
    const { settings } = scan('--build-arg', '__proto__=x', '--build-arg', 'constructor=y', 'Dockerfile')
    expect(Object.entries(settings.buildArgs)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y']
    ])
  })
})

describe('parseCli: the default repository root', () => {
  const base = mkdtempSync(join(tmpdir(), 'lp-root-'))
  afterAll(() => rmSync(base, { recursive: true, force: true }))
  const repo = join(base, 'repo')
  const other = join(base, 'other-repo')
  const plain = join(base, 'plain')
  for (const d of [join(repo, '.git'), join(repo, 'svc/api'), join(other, 'app'), plain])
    mkdirSync(d, { recursive: true })
  writeFileSync(join(other, '.git'), 'gitdir: ../x/.git/worktrees/other\n') // a worktree: .git is a file
  writeFileSync(join(repo, 'svc/api/Dockerfile'), 'FROM scratch\n')
  writeFileSync(join(plain, 'Dockerfile'), 'FROM scratch\n')
  const rootOf = (cwd: string, ...paths: string[]) => {
    const command = parseCli(['scan', '--no-build', ...paths], cwd)
    if (command.kind !== 'scan') throw new Error('expected scan')
    return command.settings.repoRoot
  }

  it("is the scanned path's git top-level, found by walking up to .git (a folder or a file)", () => {
    expect(rootOf(join(repo, 'svc'), 'api/Dockerfile')).toBe(repo)
    expect(rootOf(repo, '../other-repo/app')).toBe(other)
    expect(gitTopLevel(join(other, 'app'))).toBe(other)
  })

  it('outside git: cwd when the path is inside it, else the path itself', () => {
    expect(rootOf(base, 'plain/Dockerfile')).toBe(base)
    expect(rootOf(repo, '../plain')).toBe(plain)
    expect(rootOf(repo, '../plain/Dockerfile')).toBe(plain)
  })

  it('several paths: their common top-level, or cwd when they differ', () => {
    expect(rootOf(base, 'repo/svc', 'repo/svc/api/Dockerfile')).toBe(repo)
    expect(rootOf(base, 'repo', 'other-repo')).toBe(base)
    expect(defaultRepoRoot(['a', 'b'], '/nowhere', () => false)).toBe('/nowhere')
  })

  it('--repo-root wins, resolved against cwd', () => {
    expect(parseCli(['scan', '--repo-root', '..', 'x'], join(repo, 'svc'))).toMatchObject({
      settings: { repoRoot: repo }
    })
  })
})
