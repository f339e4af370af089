// The bundled CLI checks --run-options when it reads its flags: a bad seccomp profile (a device, a FIFO, a
// file that is not JSON) ends the run at once with one line and exit 2, also with --no-build.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const haveBundle = existsSync(cli)
if (!haveBundle && process.env.CI !== 'true')
  console.warn('SKIPPED run-options e2e: dist/cli/index.js missing')
const suite = haveBundle || process.env.CI === 'true' ? describe : describe.skip

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lp-runopts-'))
  writeFileSync(join(work, 'Dockerfile'), 'FROM scratch\nUSER 1000\n')
  execFileSync('mkfifo', [join(work, 'fifo')])
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

suite('run-options checked before anything runs (bundled CLI)', () => {
  it.each([
    ['/dev/zero', '"/dev/zero" is not a regular file (it is a character device)'],
    ['./fifo', '"./fifo" is not a regular file (it is a FIFO)'],
    ['/etc/passwd', '"/etc/passwd" is not valid JSON'],
    ['missing.json', '"missing.json" cannot be read: ENOENT']
  ])('--security-opt seccomp=%s exits 2 with one line, with or without --no-build', (path, message) => {
    for (const extra of [['--no-build'], []]) {
      const run = spawnSync(
        process.execPath,
        [cli, 'scan', ...extra, '--run-options', `--security-opt seccomp=${path}`, 'Dockerfile'],
        // A generous bound that only catches a hang (a blocking read of the FIFO would never return).
        { cwd: work, encoding: 'utf8', timeout: 30_000 }
      )
      expect(run.signal).toBeNull()
      expect(run.status).toBe(2)
      expect(run.stdout).toBe('')
      const lines = run.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(`least-privilege: run-options: seccomp profile ${message}`)
    }
  })
})
