// A folder of manifests with no Dockerfile is a scan of its images, judged from the deployments; a folder
// with neither is still a usage error.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadDeployments } from '../../src/deployment/load'
import { silentLogger } from '../../src/logger'
import { runScan } from '../../src/scan/scan'
import { DEFAULT_SETTINGS } from '../../src/settings'

const repo = mkdtempSync(join(tmpdir(), 'lp-manifests-'))
afterAll(() => rmSync(repo, { recursive: true, force: true }))
mkdirSync(join(repo, 'k8s'))
mkdirSync(join(repo, 'empty'))
writeFileSync(
  join(repo, 'k8s/pod.yaml'),
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: vendor/agent:2\n      securityContext:\n        privileged: true\n'
)

async function scan(folder: string) {
  const loaded = loadDeployments([], [folder], { cwd: repo, repoRoot: repo, env: {} })
  return runScan(
    {
      ...DEFAULT_SETTINGS,
      paths: [folder],
      cwd: repo,
      repoRoot: repo,
      build: false,
      deployments: loaded.deployments
    },
    { logger: silentLogger, runId: 'manifest-folder' }
  )
}

describe('a folder of manifests and no Dockerfile', () => {
  it('judges each container image from its manifest', async () => {
    const report = await scan('k8s')
    expect(report.results.map(r => [r.file, r.target?.name])).toEqual([
      ['k8s/pod.yaml', 'k8s/pod.yaml Pod/p container c']
    ])
    // No Dockerfile to describe: the row says so instead of guessing a USER.
    expect(report.results[0].rows.map(r => r.dockerfile)).toEqual([
      'no Dockerfile: image vendor/agent:2',
      '—',
      '—',
      '—',
      '—'
    ])
    expect(report.results[0].findings.find(f => f.ruleId === 'LP220')).toMatchObject({
      file: 'k8s/pod.yaml',
      line: 10
    })
  })
  it('a folder with neither is still a usage error naming it', async () => {
    await expect(scan('empty')).rejects.toThrow(/^empty: no Dockerfile found/)
  })
})
