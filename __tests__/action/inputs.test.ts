import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { UsageError } from '../../src/errors'
import { parseBuildArgs, readSettings, selectDockerfiles } from '../../src/action/inputs'
import { compileGlob } from '../../src/action/glob'
import { buildModel } from '../../src/dockerfile/model'
import { actionDefaults } from './helpers/runner'

let ws: string
let outside: string

beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'lp-inputs-'))
  outside = mkdtempSync(join(tmpdir(), 'lp-outside-'))
  for (const file of [
    'Dockerfile',
    'svc/a/Dockerfile',
    'svc/b/Dockerfile',
    'svc/b/Dockerfile.dev',
    'docs/x.md',
    '.hidden/Dockerfile'
  ]) {
    mkdirSync(join(ws, file, '..'), { recursive: true })
    writeFileSync(join(ws, file), 'FROM scratch\n')
  }
  writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\n')
  symlinkSync(join(outside, 'Dockerfile'), join(ws, 'escape.Dockerfile'))
})
afterAll(() => {
  rmSync(ws, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

const env = (inputs: Record<string, string>, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  GITHUB_WORKSPACE: ws,
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  ...extra
})

function usageError(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error('expected a UsageError')
}

describe('readSettings', () => {
  it('fills the action.yml defaults and makes the workspace the repo root', () => {
    const s = readSettings(env({}))
    expect(s.paths).toEqual([join(ws, 'Dockerfile')])
    expect(s.dockerfiles).toEqual(['Dockerfile'])
    expect(s.repoRoot).toBe(ws)
    expect(s.cwd).toBe(ws)
    expect(s).toMatchObject({
      build: true,
      probe: 'auto',
      failOn: 'error',
      summary: true,
      comment: true,
      uploadSarif: false
    })
    expect(s.sarifFile).toBe(join(ws, 'least-privilege.sarif'))
  })

  it('speaks as the action, and leaves the category and comment key to their defaults when empty', () => {
    const s = readSettings(env({}))
    expect(s.surface).toBe('action')
    expect(s.sarifCategory).toBeUndefined()
    expect(s.commentKey).toBe('')
    const given = readSettings(env({ category: 'least-privilege/api', 'comment-key': 'api', matrix: 'null' }))
    expect(given).toMatchObject({ sarifCategory: 'least-privilege/api', commentKey: 'api', matrix: 'null' })
  })

  it('refuses a category or comment key that is not one short line, naming the input', () => {
    expect(usageError(() => readSettings(env({ category: '///' })))).toBe(
      'Input category: a category needs text besides "/" (e.g. least-privilege/api/), got "///"'
    )
    expect(usageError(() => readSettings(env({ category: 'a\u0007b' })))).toMatch(
      /^Input category: a category is one line/
    )
    expect(usageError(() => readSettings(env({ 'comment-key': 'x'.repeat(201) })))).toMatch(
      /^Input comment-key: expected one line of at most 200 characters/
    )
  })

  it('names the input in every error', () => {
    expect(usageError(() => readSettings(env({ 'fail-on': 'bad' })))).toBe(
      'Input fail-on: expected error, warning, note or never, got "bad"'
    )
    expect(usageError(() => readSettings(env({ probe: 'maybe' })))).toBe(
      'Input probe: expected auto, true or false, got "maybe"'
    )
    expect(usageError(() => readSettings(env({ build: 'yes' })))).toBe(
      'Input build: expected true or false, got "yes"'
    )
    expect(usageError(() => readSettings(env({ 'upload-sarif': '1' })))).toMatch(/^Input upload-sarif:/)
    expect(usageError(() => readSettings(env({ dockerfile: 'nope/Dockerfile' })))).toMatch(
      /^Input dockerfile: "nope\/Dockerfile" does not exist/
    )
    expect(usageError(() => readSettings(env({ context: 'Dockerfile' })))).toBe(
      'Input context: "Dockerfile" is not a folder'
    )
    expect(usageError(() => readSettings(env({ 'sarif-file': '../x.sarif' })))).toMatch(/^Input sarif-file:/)
  })

  it('accepts YAML booleans the way the runner passes them', () => {
    const s = readSettings(
      env({ build: 'FALSE', summary: 'False', comment: 'false', 'upload-sarif': 'True' })
    )
    expect(s).toMatchObject({ build: false, summary: false, comment: false, uploadSarif: true })
  })

  it('maps probe false and build false to a static scan', () => {
    expect(readSettings(env({ probe: 'false', build: 'false' }))).toMatchObject({
      probe: 'false',
      build: false
    })
  })

  it('keeps paths inside the workspace, symlinks included', () => {
    expect(usageError(() => readSettings(env({ dockerfile: '../x/Dockerfile' })))).toMatch(
      /outside the workspace/
    )
    expect(usageError(() => readSettings(env({ dockerfile: 'escape.Dockerfile' })))).toMatch(
      /through a symlink/
    )
    expect(usageError(() => readSettings(env({ dockerfile: '../**/Dockerfile' })))).toMatch(/without "\.\."/)
    expect(usageError(() => readSettings(env({ context: '/etc' })))).toMatch(
      /^Input context: .* outside the workspace/
    )
  })

  it('refuses to build or run pull request code under pull_request_target', () => {
    const target = { GITHUB_EVENT_NAME: 'pull_request_target' }
    expect(usageError(() => readSettings(env({}, target)))).toMatch(
      /^Input build: refusing to build pull request code under pull_request_target/
    )
    expect(usageError(() => readSettings(env({ build: 'false', probe: 'true' }, target)))).toMatch(
      /^Input probe: refusing/
    )
    expect(usageError(() => readSettings(env({ build: 'false', image: 'x:1' }, target)))).toMatch(
      /^Input probe: refusing/
    )
    expect(readSettings(env({ build: 'false' }, target))).toMatchObject({ build: false, probe: 'auto' })
    expect(readSettings(env({ build: 'false', probe: 'false' }, target)).probe).toBe('false')
  })
})

describe('dockerfile selection', () => {
  it('expands globs relative to the workspace, in order, without duplicates', () => {
    const picked = selectDockerfiles(ws, 'svc/**/Dockerfile\nDockerfile\nsvc/a/Dockerfile')
    expect(picked).toEqual([
      join(ws, 'svc/a/Dockerfile'),
      join(ws, 'svc/b/Dockerfile'),
      join(ws, 'Dockerfile')
    ])
  })

  it('supports ** at the start (hidden folders included, as a folder search), alternation and ! exclusions', () => {
    expect(selectDockerfiles(ws, '**/Dockerfile*\n!svc/b/*.dev').map(p => p.slice(ws.length + 1))).toEqual([
      '.hidden/Dockerfile',
      'Dockerfile',
      'svc/a/Dockerfile',
      'svc/b/Dockerfile'
    ])
    expect(selectDockerfiles(ws, 'svc/{a,b}/Dockerfile').length).toBe(2)
  })

  it('fails when a pattern matches nothing', () => {
    expect(usageError(() => selectDockerfiles(ws, 'nothing/**/Dockerfile'))).toBe(
      'Input dockerfile: pattern "nothing/**/Dockerfile" matched no files'
    )
  })

  it('compileGlob keeps * inside one folder', () => {
    expect(compileGlob('svc/*/Dockerfile').test('svc/a/Dockerfile')).toBe(true)
    expect(compileGlob('svc/*/Dockerfile').test('svc/a/b/Dockerfile')).toBe(false)
    expect(compileGlob('**/Dockerfile').test('Dockerfile')).toBe(true)
    expect(compileGlob('a?c.[ch]').test('abc.h')).toBe(true)
    expect(compileGlob('a.b').test('axb')).toBe(false)
  })
})

describe('build-args', () => {
  it('parses KEY=VALUE lines, values may hold =', () => {
    expect(parseBuildArgs('A=1\n\n B = x=y \n# note\nEMPTY=')).toEqual({ A: '1', B: ' x=y', EMPTY: '' })
  })
  it('names the input for a line without =', () => {
    expect(usageError(() => parseBuildArgs('JUSTKEY'))).toBe(
      'Input build-args: expected KEY=VALUE, got "JUSTKEY"'
    )
  })
  it('keeps __proto__ and other Object.prototype names as ordinary keys, polluting nothing', () => {
    const args = parseBuildArgs('__proto__=x\nconstructor=y\ntoString=z\nhasOwnProperty=w')
    expect(Object.entries(args)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['toString', 'z'],
      ['hasOwnProperty', 'w']
    ])
    expect(Object.hasOwn(args, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).x).toBeUndefined()
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
    // Docker receives them as JSON (src/docker/build.ts): the key survives serialisation.
    expect(JSON.parse(JSON.stringify(args))).toEqual(
      JSON.parse('{"__proto__":"x","constructor":"y","toString":"z","hasOwnProperty":"w"}')
    )
  })
  it('passes build-args: __proto__=x through readSettings to the Dockerfile model', () => {
    const settings = readSettings(env({ 'build-args': '__proto__=1000' }))
    expect(Object.entries(settings.buildArgs)).toEqual([['__proto__', '1000']])
    const model = buildModel('FROM scratch\nARG __proto__\nUSER ${__proto__}\n', 'Dockerfile', {
      buildArgs: settings.buildArgs
    })
    expect(model.finalStage.user).toMatchObject({ kind: 'non-root', value: '1000' })
  })
})

describe('a token pasted into the wrong input', () => {
  const TOKENS = [
    'ghs_16C7e42F292c6912E7710c838347Ae178B4a',
    'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    'gho_16C7e42F292c6912E7710c838347Ae178B4a'
  ]
  it.each(TOKENS)('is redacted in the error line (%s)', token => {
    const cases: Record<string, string>[] = [
      { 'fail-on': token },
      { probe: `x ${token}` },
      { build: token },
      { dockerfile: `svc/${token}/Dockerfile` },
      { 'build-args': `${token}` },
      { 'sarif-file': `/etc/${token}` }
    ]
    for (const inputs of cases) {
      const message = usageError(() => readSettings(env(inputs)))
      expect(message).toMatch(/^Input [a-z-]+: /)
      expect(message).not.toContain(token.slice(8))
      expect(message).toContain('…(redacted)')
    }
  })

  it('keeps ordinary values readable and cuts long ones', () => {
    expect(usageError(() => readSettings(env({ 'fail-on': 'sometimes' })))).toBe(
      'Input fail-on: expected error, warning, note or never, got "sometimes"'
    )
    const long = usageError(() => readSettings(env({ 'fail-on': 'x'.repeat(10_000) })))
    expect(long.length).toBeLessThan(300)
  })
})

describe('input deployments', () => {
  it('reads each listed compose file and manifest into the settings', () => {
    mkdirSync(join(ws, 'deploy'), { recursive: true })
    writeFileSync(
      join(ws, 'deploy/compose.yaml'),
      'services:\n  web:\n    build: ../svc/a\n    privileged: true\n'
    )
    writeFileSync(
      join(ws, 'deploy/pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x:1\n'
    )
    const s = readSettings(env({ deployments: 'deploy/compose.yaml\n# a comment\n\ndeploy/pod.yaml\n' }))
    expect(s.deployments.map(d => [d.source, d.name, d.file])).toEqual([
      ['compose', 'deploy/compose.yaml service web', 'deploy/compose.yaml'],
      ['kubernetes', 'deploy/pod.yaml Pod/p container c', 'deploy/pod.yaml']
    ])
    expect(s.deployments[0].link.build?.dockerfile).toBe(join(ws, 'svc/a/Dockerfile'))
    expect(s.deployments[0].locations.privileged).toMatchObject({ file: 'deploy/compose.yaml', line: 4 })
  })

  it('refuses a file outside the workspace, a missing file and a bad file with one line naming it', () => {
    expect(usageError(() => readSettings(env({ deployments: '../x.yaml' })))).toMatch(
      /^Input deployments: "\.\.\/x\.yaml" is outside the workspace/
    )
    expect(usageError(() => readSettings(env({ deployments: 'nope.yaml' })))).toMatch(
      /^Input deployments: "nope\.yaml" does not exist/
    )
    writeFileSync(join(ws, 'deploy-bad.yaml'), 'services:\n  web:\n    privilegd: true\n')
    expect(usageError(() => readSettings(env({ deployments: 'deploy-bad.yaml' })))).toBe(
      'deploy-bad.yaml: line 3: services.web: unknown key "privilegd"'
    )
  })
})

describe('input config', () => {
  const configFile = (text: string) => writeFileSync(join(ws, '.least-privilege.yml'), text)
  afterAll(() => rmSync(join(ws, '.least-privilege.yml'), { force: true }))

  it('reads .least-privilege.yml at the workspace root; inputs given win over it', () => {
    configFile(
      'fail-on: warning\nrun-options: --cap-drop ALL\nimages:\n  registry.example.com/a: svc/a/Dockerfile\nkubernetes:\n  seccomp-default: runtime-default\n'
    )
    const s = readSettings(env({}))
    expect(s).toMatchObject({
      configFile: '.least-privilege.yml',
      failOn: 'warning',
      runOptions: '--cap-drop ALL'
    })
    expect(s.profile.capDrop).toEqual(['ALL'])
    expect({ ...s.images }).toEqual({ 'registry.example.com/a': join(ws, 'svc/a/Dockerfile') })
    expect(s.kubernetesSeccompDefault).toBe('runtime-default')
    const given = readSettings(env({ 'fail-on': 'never', 'run-options': '--read-only' }))
    expect(given.failOn).toBe('never')
    expect(given.profile.capDrop).toEqual([])
    expect(given.profile.readOnly).toBe(true)
  })

  it('applies the seccomp default to the manifests it reads', () => {
    mkdirSync(join(ws, 'deploy'), { recursive: true })
    writeFileSync(
      join(ws, 'deploy/pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x:1\n'
    )
    configFile('kubernetes:\n  seccomp-default: runtime-default\n')
    expect(
      readSettings(env({ deployments: 'deploy/pod.yaml' })).deployments[0].profile.securityOpt.seccomp
    ).toBe(undefined)
    configFile('kubernetes:\n  seccomp-default: unconfined\n')
    expect(
      readSettings(env({ deployments: 'deploy/pod.yaml' })).deployments[0].profile.securityOpt.seccomp
    ).toBe('unconfined')
  })

  it('reads the file the config input names, inside the workspace, and refuses a bad one in one line', () => {
    rmSync(join(ws, '.least-privilege.yml'), { force: true })
    mkdirSync(join(ws, 'ci'), { recursive: true })
    writeFileSync(join(ws, 'ci/lp.yml'), 'images:\n  api: ../svc/b/Dockerfile\n')
    expect({ ...readSettings(env({ config: 'ci/lp.yml' })).images }).toEqual({
      api: join(ws, 'svc/b/Dockerfile')
    })
    expect(usageError(() => readSettings(env({ config: 'ci/missing.yml' })))).toBe(
      'Input config: "ci/missing.yml" does not exist in the workspace'
    )
    expect(usageError(() => readSettings(env({ config: '../lp.yml' })))).toMatch(
      /^Input config: "\.\.\/lp\.yml" is outside the workspace/
    )
    writeFileSync(join(ws, 'ci/bad.yml'), 'images: {}\nfail-on: sometimes\n')
    expect(usageError(() => readSettings(env({ config: 'ci/bad.yml' })))).toBe(
      'ci/bad.yml: line 2: fail-on must be one of error, warning, note, never'
    )
  })

  it('leaves fail-on to the config file: the action.yml default is empty', () => {
    expect(actionDefaults()['fail-on']).toBe('')
    expect(actionDefaults().config).toBe('')
  })
})
