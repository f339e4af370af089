// Two measured scans of the same input give byte-identical result messages and fingerprints: run-specific
// values (PIDs, container and image ids, temporary paths, timings) live in properties, never in messages.
// Real daemon, the bundled CLI, a tiny FROM scratch image with a static busybox whose workload keeps running.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { requireDocker } from '../support/docker-available'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const BUSYBOX = '/bin/busybox'
const ready = existsSync(cli) && existsSync(BUSYBOX)
const describeDocker = ready && requireDocker('CLI stable text e2e') ? describe : describe.skip

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lp-cli-stable-'))
  const app = join(work, 'app')
  mkdirSync(app)
  copyFileSync(BUSYBOX, join(app, 'busybox'))
  // Root, a long-running workload (so its processes are read too), an EXPOSE below 1024.
  writeFileSync(
    join(app, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nEXPOSE 80\nENTRYPOINT ["/bin/busybox", "sleep", "60"]\n'
  )
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface SarifResult {
  ruleId: string
  level: string
  message: { text: string }
  partialFingerprints: Record<string, string>
  properties?: Record<string, unknown>
}

function scanOnce(n: number): { results: SarifResult[]; json: { results: { findings: unknown[] }[] } } {
  const sarif = join(work, `run-${n}.sarif`)
  const result = spawnSync(
    process.execPath,
    [
      cli,
      'scan',
      '--format',
      'json',
      '--sarif',
      sarif,
      '--run-options',
      '--cap-add NET_ADMIN --security-opt seccomp=unconfined',
      'app'
    ],
    { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 240_000 }
  )
  expect(result.stderr).not.toContain('internal error')
  expect(result.status).toBe(1)
  return { results: JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results, json: JSON.parse(result.stdout) }
}

describeDocker('two measured runs of the same input', () => {
  it('give identical result messages, levels and fingerprints', () => {
    const first = scanOnce(1)
    const second = scanOnce(2)
    const stable = (rs: SarifResult[]) =>
      rs.map(r => ({ ruleId: r.ruleId, level: r.level, message: r.message.text, fp: r.partialFingerprints }))
    // Measured: the probe ran, so the messages below carry measurements (the test is not vacuous).
    expect(first.results.some(r => r.properties && 'measured' in r.properties)).toBe(true)
    expect(first.results.map(r => r.ruleId)).toEqual(expect.arrayContaining(['LP101', 'LP320', 'LP343']))
    expect(stable(second.results)).toEqual(stable(first.results))
    expect(JSON.stringify(stable(second.results))).toBe(JSON.stringify(stable(first.results)))
    // And the JSON report's messages too.
    const messages = (j: typeof first.json) =>
      j.results.flatMap(r => r.findings.map(f => (f as { message: string }).message))
    expect(messages(second.json)).toEqual(messages(first.json))
  })
})
