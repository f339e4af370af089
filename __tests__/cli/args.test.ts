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
    [['scan', 'x', '--format', 'xml'], '--format expects text, json, markdown, sarif; got "xml"'],
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
    expect(parseCli(['scan', 'x', '-h'], '/').kind).toBe('help')
    expect(parseCli(['--version'], '/').kind).toBe('version')
    expect(parseCli(['scan', '--version'], '/').kind).toBe('version')
  })

  it.each([
    ['--sarf', '--sarif'],
    ['--sarif-file', '--sarif'],
    ['-sarif', '--sarif'],
    ['--form', '--format'],
    ['--fromat', '--format'],
    ['--failon', '--fail-on'],
    ['--nobuild', '--no-build'],
    ['--run-option', '--run-options'],
    ['--sarif-categroy', '--sarif-category'],
    ['--deploy', '--deployment']
  ])('suggests the option meant for the mistyped %s', (typed, meant) => {
    expect(() => parseCli(['scan', typed, 'x'], '/repo')).toThrow(
      `unknown option ${typed}: did you mean ${meant}? (see --help)`
    )
  })

  it('suggests nothing for an option unlike any, and suggests the command for a mistyped one', () => {
    expect(() => parseCli(['scan', '--frobnicate', 'x'], '/repo')).toThrow(
      /^unknown option --frobnicate \(see --help\)$/
    )
    expect(() => parseCli(['sacn', 'x'], '/repo')).toThrow('unknown command "sacn": did you mean "scan"?')
  })

  it.each([
    [['--sarif', '--format', 'json', 'x'], '--sarif needs a value, but got the option --format'],
    [['--format', '--no-build', 'x'], '--format needs a value, but got the option --no-build'],
    [['--image', '-x', 'x'], '--image needs a value, but got "-x"'],
    [
      ['--run-options', '--sarif', 'out.sarif', 'x'],
      '--run-options needs a value, but got the option --sarif'
    ],
    [['--run-options', '--format=json', 'x'], '--run-options needs a value, but got the option --format'],
    [['x', '--sarif'], '--sarif needs a value (see --help)']
  ])('never lets an option that takes a value swallow the next flag: %j', (argv, message) => {
    expect(() => parseCli(['scan', ...argv], '/repo')).toThrow(UsageError)
    expect(() => parseCli(['scan', ...argv], '/repo')).toThrow(message)
  })

  it('takes a value starting with "-" in the --option=VALUE form, docker flags for --run-options, and - for stdin', () => {
    expect(scan('--sarif=-odd.sarif', 'x').settings.sarifFile).toBe('-odd.sarif')
    expect(scan('--run-options', '--read-only', 'x').settings.runOptions).toBe('--read-only')
    expect(scan('--run-options', '--cap-drop ALL', 'x').settings.profile.capDrop).toEqual(['ALL'])
    expect(() => scan('--probe-timeout', '-1', 'x')).toThrow('--probe-timeout expects seconds')
  })

  it('sets the SARIF category from --sarif-category, and --format sarif', () => {
    const { settings } = scan('--sarif-category', 'backend/', '--format', 'sarif', 'x')
    expect(settings.sarifCategory).toBe('backend/')
    expect(settings.format).toBe('sarif')
    expect(scan('x').settings.sarifCategory).toBeUndefined()
    expect(() => scan('--sarif-category', 'a\nb', 'x')).toThrow(
      '--sarif-category: a category is one line of text without control characters'
    )
    expect(() => scan('--sarif-category=', 'x')).toThrow('--sarif-category needs a non-empty value')
    expect(() => scan('--sarif-category', '//', 'x')).toThrow(
      '--sarif-category: a category needs text besides "/"'
    )
  })

  it('speaks in the CLI surface (its flags, not the action inputs)', () => {
    expect(scan('x').settings.surface).toBe('cli')
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
