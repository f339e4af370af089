import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../src/logger'
import { MAX_CONTEXT_FILE_BYTES, MAX_CONTEXT_FILES, readContextFiles } from '../../src/scan/context-files'
import { runScan } from '../../src/scan/scan'
import { DEFAULT_SETTINGS } from '../../src/settings'
import { df, model } from '../dockerfile/lint-helper'

let root: string
let context: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lp-context-'))
  context = join(root, 'ctx')
  mkdirSync(join(context, 'rootfs', 'usr', 'local', 'bin'), { recursive: true })
  writeFileSync(join(context, 'docker-entrypoint.sh'), '#!/bin/sh\nexec gosu svc "$@"\n')
  writeFileSync(join(context, 'rootfs', 'usr', 'local', 'bin', 'start'), '#!/bin/sh\nexec su-exec app /app\n')
  writeFileSync(join(root, 'secret.sh'), 'outside the context\n')
  symlinkSync(join(root, 'secret.sh'), join(context, 'escape.sh'))
  writeFileSync(join(context, 'big.sh'), `${'# padding\n'.repeat(MAX_CONTEXT_FILE_BYTES / 10 + 10)}`)
  writeFileSync(join(context, 'binary.sh'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]))
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('readContextFiles: entrypoint scripts from the build context, as text', () => {
  it('reads the script the ENTRYPOINT runs, where the COPY puts it', () => {
    const built = model(
      df('FROM debian', 'COPY docker-entrypoint.sh /usr/local/bin/', 'ENTRYPOINT ["docker-entrypoint.sh"]')
    )
    expect(readContextFiles(built, context)).toEqual([
      {
        path: 'docker-entrypoint.sh',
        imagePath: '/usr/local/bin/docker-entrypoint.sh',
        text: '#!/bin/sh\nexec gosu svc "$@"\n'
      }
    ])
  })

  it('finds a script inside a copied folder (COPY rootfs/ /)', () => {
    const built = model(df('FROM alpine', 'COPY rootfs/ /', 'CMD ["/usr/local/bin/start"]'))
    expect(readContextFiles(built, context).map(file => file.path)).toEqual(['rootfs/usr/local/bin/start'])
  })

  it('reads nothing the process does not run, nothing from another stage, and nothing outside the context', () => {
    expect(readContextFiles(model(df('FROM debian', 'COPY docker-entrypoint.sh /e.sh')), context)).toEqual([])
    const fromStage = df(
      'FROM debian AS b',
      'FROM debian',
      'COPY --from=b docker-entrypoint.sh /',
      'ENTRYPOINT ["/docker-entrypoint.sh"]'
    )
    expect(readContextFiles(model(fromStage), context)).toEqual([])
    const escape = df('FROM debian', 'COPY escape.sh /', 'ENTRYPOINT ["/escape.sh"]')
    expect(readContextFiles(model(escape), context)).toEqual([])
    const dotdot = df('FROM debian', 'COPY ../secret.sh /', 'ENTRYPOINT ["/secret.sh"]')
    expect(readContextFiles(model(dotdot), context)).toEqual([])
    expect(
      readContextFiles(model(df('FROM debian', 'COPY x.sh /', 'CMD ["/x.sh"]')), join(root, 'missing'))
    ).toEqual([])
  })

  it('bounds what it reads: a long script is cut and marked, a binary is skipped', () => {
    const big = readContextFiles(model(df('FROM debian', 'COPY big.sh /', 'CMD ["/big.sh"]')), context)
    expect(big).toHaveLength(1)
    expect(big[0].truncated).toBe(true)
    expect(big[0].text.length).toBe(MAX_CONTEXT_FILE_BYTES)
    expect(
      readContextFiles(model(df('FROM debian', 'COPY binary.sh /', 'CMD ["/binary.sh"]')), context)
    ).toEqual([])
    expect(MAX_CONTEXT_FILES).toBeLessThanOrEqual(16)
  })
})

describe('scan: the Dockerfile next to its entrypoint script', () => {
  it('reads the script from the build context and names the drop in LP101', async () => {
    const dir = join(root, 'svc')
    mkdirSync(dir)
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        'FROM debian:bookworm-slim',
        'RUN useradd --uid 10001 svc',
        'COPY docker-entrypoint.sh /usr/local/bin/',
        'ENTRYPOINT ["docker-entrypoint.sh"]',
        ''
      ].join('\n')
    )
    // A file that would do harm if anything ran it: it is only read.
    writeFileSync(
      join(dir, 'docker-entrypoint.sh'),
      `#!/bin/sh\ntouch ${join(dir, 'was-run')}\nchown -R svc /data\nexec setpriv --reuid=svc --regid=svc --init-groups "$@"\n`
    )
    const report = await runScan(
      { ...DEFAULT_SETTINGS, paths: ['Dockerfile'], cwd: dir, repoRoot: dir, build: false, probe: 'false' },
      { logger: silentLogger, runId: 'context-files' }
    )
    const lp101 = report.results[0].findings.filter(f => f.ruleId === 'LP101')
    expect(lp101).toHaveLength(1)
    expect(lp101[0]).toMatchObject({ level: 'warning', line: 1, properties: { cause: 'drops-privileges' } })
    expect(lp101[0].message).toMatch(/then drops to `svc` with setpriv in docker-entrypoint\.sh line 4/)
    expect(existsSync(join(dir, 'was-run'))).toBe(false)
  })
})
