// Files a folder search finds that are not Dockerfiles (templates, parser fixtures without FROM, ignore files)
// are skipped with a warning and leave the exit status alone; a file named explicitly still fails the run.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../src/logger'
import { discoverDockerfiles, looksLikeDockerfile } from '../../src/scan/discover'
import { gate } from '../../src/scan/gate'
import { templateReason } from '../../src/scan/read-dockerfile'
import { runScan } from '../../src/scan/scan'
import { DEFAULT_SETTINGS } from '../../src/settings'

const repo = mkdtempSync(join(tmpdir(), 'lp-skipped-'))
afterAll(() => rmSync(repo, { recursive: true, force: true }))
const write = (file: string, text: string) => {
  mkdirSync(join(repo, file, '..'), { recursive: true })
  writeFileSync(join(repo, file), text)
}
write('app/Dockerfile', 'FROM scratch\nUSER 1001\nCMD ["/app"]\n')
write('app/Dockerfile.dockerignore', 'node_modules\n')
write('templates/Dockerfile', '# generated\nFROM {{ .Values.base }}\nUSER 1001\n')
// corpus 1466 (moby/buildkit parser fixture): an empty file named like a Dockerfile
write('fixtures/negative-empty/Dockerfile', '')
write('fixtures/no-from/Dockerfile', 'RUN echo hi\n')
write('legacy/api-Dockerfile', 'FROM scratch\nUSER 1001\nCMD ["/app"]\n')

const scan = (paths: string[]) =>
  runScan(
    { ...DEFAULT_SETTINGS, paths, cwd: repo, repoRoot: repo, build: false },
    { logger: silentLogger, runId: 'skipped-files' }
  )

describe('what a folder search takes for a Dockerfile', () => {
  it.each([
    ['Dockerfile', true],
    ['Dockerfile.prod', true],
    ['api.Dockerfile', true],
    ['api-Dockerfile', true],
    ['Containerfile', true],
    ['web.containerfile', true],
    ['Dockerfile.dockerignore', false],
    ['api.Dockerfile.dockerignore', false],
    ['Dockerfile.md', true],
    ['README.md', false]
  ])('%s: %s', (name, expected) => expect(looksLikeDockerfile(name)).toBe(expected))

  it('never lists a .dockerignore, and marks search hits as discovered', () => {
    const found = discoverDockerfiles(['.', 'app/Dockerfile'], repo, repo)
    expect(found.map(f => f.file)).not.toContain('app/Dockerfile.dockerignore')
    expect(found.find(f => f.file === 'app/Dockerfile')?.discovered).toBe(false)
    expect(found.find(f => f.file === 'legacy/api-Dockerfile')?.discovered).toBe(true)
  })
})

describe('templateReason', () => {
  it('names template markup before or in the first FROM, and ignores it after or in comments', () => {
    expect(templateReason('FROM {{ base }}\n')).toMatch(
      /line 1 has template markup \(\{\{ \}\}\) in its FROM/
    )
    expect(templateReason('{% if x %}\nFROM a\n')).toMatch(/line 1 .*\{% %\}.* before the first FROM/)
    expect(templateReason('# {{ docs }}\nFROM a\nRUN docker inspect -f "{{.Id}}" x\n')).toBeUndefined()
  })
})

describe('a scan over such files', () => {
  it('skips what a folder search found with one warning each, and exits as the findings say', async () => {
    const report = await scan(['.'])
    const skipped = report.results.flatMap(r => r.notifications).filter(n => n.kind === 'skipped-file')
    expect(skipped.map(n => [n.file, n.level]).sort()).toEqual([
      ['fixtures/negative-empty/Dockerfile', 'warning'],
      ['fixtures/no-from/Dockerfile', 'warning'],
      ['templates/Dockerfile', 'warning']
    ])
    expect(skipped.find(n => n.file === 'templates/Dockerfile')?.message).toMatch(
      /^skipped, found by a folder search: a template/
    )
    expect(gate(report, 'error').operationalErrors).toBe(0)
  })

  it('still fails the run for a file named on the command line', async () => {
    const report = await scan(['templates/Dockerfile', 'fixtures/negative-empty/Dockerfile'])
    const errors = report.results.flatMap(r => r.notifications).filter(n => n.level === 'error')
    expect(errors.map(n => n.kind).sort()).toEqual(['input-error', 'input-error'])
    expect(gate(report, 'error').operationalErrors).toBe(2)
  })
})
