import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { discoverDockerfiles, looksLikeDockerfile } from '../../src/scan/discover'

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lp-discover-'))
  for (const file of [
    'Dockerfile',
    'api/Dockerfile.prod',
    'web/app.Dockerfile',
    'ctr/Containerfile',
    'node_modules/x/Dockerfile',
    'docs/readme.md'
  ]) {
    mkdirSync(join(root, file, '..'), { recursive: true })
    writeFileSync(join(root, file), 'FROM scratch\n')
  }
  mkdirSync(join(root, 'empty'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('discoverDockerfiles', () => {
  it('finds Dockerfiles in folders, skipping node_modules, with repo-relative names', () => {
    const found = discoverDockerfiles(['.'], root, root).map(t => t.file)
    expect(found.sort()).toEqual([
      'Dockerfile',
      'api/Dockerfile.prod',
      'ctr/Containerfile',
      'web/app.Dockerfile'
    ])
  })

  it('takes a file as given, whatever its name, and de-duplicates', () => {
    const found = discoverDockerfiles(['docs/readme.md', 'docs/readme.md'], root, root)
    expect(found).toHaveLength(1)
    expect(found[0].file).toBe('docs/readme.md')
  })

  it('names the path that does not exist or holds no Dockerfile', () => {
    expect(() => discoverDockerfiles(['missing'], root, root)).toThrow('missing: no such file or directory')
    expect(() => discoverDockerfiles(['empty'], root, root)).toThrow('empty: no Dockerfile found')
    expect(() => discoverDockerfiles([], root, root)).toThrow('no PATH given')
  })

  it('recognises the usual Dockerfile names only', () => {
    expect(
      ['Dockerfile', 'dockerfile', 'Dockerfile.dev', 'x.dockerfile', 'Containerfile'].every(
        looksLikeDockerfile
      )
    ).toBe(true)
    expect(['Dockerfile-old.md', 'docker-compose.yml', 'README'].some(looksLikeDockerfile)).toBe(false)
  })
})
