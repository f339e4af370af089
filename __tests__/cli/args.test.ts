import { describe, expect, it } from '@jest/globals'
import { parseCli } from '../../src/cli/args'
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
