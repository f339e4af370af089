// The `exclude` input through readSettings: one glob per line, added to the config file's `exclude:`, applied
// to the `dockerfile` globs, folder searches and the deployment search; a bad line is one error naming the input.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readSettings } from '../../src/action/inputs'
import { UsageError } from '../../src/errors'

let ws: string
const MANIFEST =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: x\n'

beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'lp-exclude-input-'))
  for (const [file, text] of [
    ['svc/a/Dockerfile', 'FROM scratch\n'],
    ['svc/b/Dockerfile', 'FROM scratch\n'],
    ['svc/testdata/Dockerfile', 'FROM scratch\n'],
    ['vendor/x/Dockerfile', 'FROM scratch\n'],
    ['out/Dockerfile', 'FROM scratch\n'],
    ['svc/k8s/pod.yaml', MANIFEST],
    ['svc/testdata/pod.yaml', MANIFEST],
    ['.gitignore', 'out/\n'],
    ['.least-privilege.yml', 'exclude:\n  - vendor\n']
  ]) {
    mkdirSync(join(ws, file, '..'), { recursive: true })
    writeFileSync(join(ws, file), text)
  }
})
afterAll(() => rmSync(ws, { recursive: true, force: true }))

const env = (inputs: Record<string, string>): NodeJS.ProcessEnv => ({
  GITHUB_WORKSPACE: ws,
  INPUT_BUILD: 'false',
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
})

describe('input exclude', () => {
  it('adds to the config file exclude: and leaves matches out of the dockerfile globs', () => {
    const s = readSettings(env({ dockerfile: '**/Dockerfile', exclude: '# fixtures\ntestdata\n' }))
    expect(s.exclude).toEqual(['vendor', 'testdata'])
    // vendor/ by the config file, svc/testdata by the input, out/ by .gitignore.
    expect(s.dockerfiles).toEqual(['svc/a/Dockerfile', 'svc/b/Dockerfile'])
  })

  it('without it, the config file list and .gitignore still apply', () => {
    const s = readSettings(env({ dockerfile: '**/Dockerfile' }))
    expect(s.exclude).toEqual(['vendor'])
    expect(s.dockerfiles).toEqual(['svc/a/Dockerfile', 'svc/b/Dockerfile', 'svc/testdata/Dockerfile'])
  })

  it('applies to the deployment search of a folder given as dockerfile', () => {
    const s = readSettings(env({ dockerfile: 'svc', exclude: 'testdata' }))
    expect([...new Set(s.deployments.map(d => d.file))]).toEqual(['svc/k8s/pod.yaml'])
    const all = readSettings(env({ dockerfile: 'svc' }))
    expect([...new Set(all.deployments.map(d => d.file))].sort()).toEqual([
      'svc/k8s/pod.yaml',
      'svc/testdata/pod.yaml'
    ])
  })

  it('a Dockerfile named exactly is still selected', () => {
    const s = readSettings(
      env({ dockerfile: 'svc/testdata/Dockerfile\nout/Dockerfile', exclude: 'testdata' })
    )
    expect(s.dockerfiles).toEqual(['out/Dockerfile', 'svc/testdata/Dockerfile'])
  })

  it('refuses a bad line with one error naming the input', () => {
    let error: unknown
    try {
      readSettings(env({ exclude: 'ok\nsvc/{a' }))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toBe('Input exclude: unbalanced "{" in pattern "svc/{a"')
  })
})
