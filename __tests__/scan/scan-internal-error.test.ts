// A bug while scanning one Dockerfile must not lose the others: it becomes that file's notification.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const real = await import('../../src/dockerfile/model')
jest.unstable_mockModule('../../src/dockerfile/model', () => ({
  ...real,
  buildModel: (text: string, file: string, options?: object) => {
    if (file.includes('broken')) throw new TypeError("Cannot read properties of undefined (reading 'x')")
    return real.buildModel(text, file, options)
  }
}))
const { runScan } = await import('../../src/scan/scan')
const { DEFAULT_SETTINGS } = await import('../../src/settings')
const { silentLogger } = await import('../../src/logger')

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lp-internal-'))
  for (const dir of ['good', 'broken']) {
    mkdirSync(join(root, dir))
    writeFileSync(join(root, dir, 'Dockerfile'), 'FROM scratch\nUSER 0\n')
  }
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('runScan with a bug in one file', () => {
  it('reports the other files and turns the bug into an internal-error notification', async () => {
    const report = await runScan(
      { ...DEFAULT_SETTINGS, build: false, paths: ['.'], cwd: root, repoRoot: root },
      { logger: silentLogger, runId: 'test' }
    )
    const broken = report.results.find(r => r.file === 'broken/Dockerfile')
    const good = report.results.find(r => r.file === 'good/Dockerfile')
    expect(good?.findings.map(f => f.ruleId)).toContain('LP101')
    expect(broken?.findings).toEqual([])
    expect(broken?.notifications).toEqual([
      expect.objectContaining({ level: 'error', kind: 'internal-error', file: 'broken/Dockerfile' })
    ])
    expect(broken?.notifications[0].message).toContain("Cannot read properties of undefined (reading 'x')")
    expect(broken?.rows.every(row => row.verdict === 'not-measured')).toBe(true)
  })
})
