// The matrix recipe through the bundled action, as the runner runs it: a list step (list-targets: true)
// sets the output `targets` to what the CLI's `targets --json` prints for the same files, and a leg with
// target-id scans exactly that target under its own category.
import { execFileSync } from 'node:child_process'
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { bundleExists, newTemp, ROOT, runMainStep, type RunnerJob } from './helpers/runner'

const describeBundle = bundleExists() || process.env.CI === 'true' ? describe : describe.skip
if (!bundleExists() && process.env.CI !== 'true')
  console.warn('SKIPPED action targets e2e: dist/index.js missing (npm run package)')

const workspace = newTemp('lp-e2e-targets-ws-')
const temp = newTemp('lp-e2e-targets-tmp-')
cpSync(join(ROOT, 'examples', 'monorepo'), join(workspace, 'examples', 'monorepo'), { recursive: true })
const eventFile = join(temp, 'event.json')
writeFileSync(eventFile, '{}')
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
  rmSync(temp, { recursive: true, force: true })
})

const job = (inputs: Record<string, string>): RunnerJob => ({
  workspace,
  temp,
  eventName: 'push',
  eventFile,
  apiUrl: 'http://127.0.0.1:9',
  token: '',
  inputs: { dockerfile: 'examples/monorepo', comment: 'false', build: 'false', ...inputs }
})

interface Entry {
  id: string
  category: string
  file: string
  name: string
}

describeBundle('action list-targets and target-id (bundled)', () => {
  it('lists what the CLI lists, and a leg scans exactly its target', async () => {
    const list = await runMainStep(job({ 'list-targets': 'true' }))
    expect(list.code).toBe(0)
    const matrix = JSON.parse(list.outputs.targets) as { include: Entry[] }
    const cli = execFileSync(
      process.execPath,
      [join(ROOT, 'dist/cli/index.js'), 'targets', '--json', 'examples/monorepo'],
      {
        cwd: workspace,
        encoding: 'utf8'
      }
    )
    expect(matrix).toEqual(JSON.parse(cli))
    expect(list.outputs['sarif-file']).toBeUndefined()

    const entry = matrix.include[1]
    const leg = await runMainStep(job({ 'target-id': entry.id }))
    const sarif = JSON.parse(readFileSync(leg.outputs['sarif-file'], 'utf8')) as {
      runs: { automationDetails: { id: string } }[]
    }
    expect(sarif.runs[0].automationDetails.id).toBe(entry.category)
    const report = JSON.parse(readFileSync(leg.outputs.report, 'utf8')) as {
      results: { file: string; target: { name: string } | null }[]
    }
    expect(report.results.map(r => [r.file, r.target?.name])).toEqual([[entry.file, entry.name]])

    const unknown = await runMainStep(job({ 'target-id': 'api-00000000' }))
    expect(unknown.code).not.toBe(0)
    expect(unknown.stdout + unknown.stderr).toContain('Input target-id: no target has the id "api-00000000"')
  }, 120_000)
})
