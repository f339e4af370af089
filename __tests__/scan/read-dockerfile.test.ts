import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readDockerfileText } from '../../src/scan/read-dockerfile'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lp-read-'))
  writeFileSync(join(dir, 'empty'), '  \n\n')
  writeFileSync(join(dir, 'binary'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]))
  writeFileSync(join(dir, 'bom'), '\uFEFFFROM scratch\n')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('readDockerfileText', () => {
  it('refuses empty, binary and unreadable files with a one-line reason', () => {
    expect(readDockerfileText(join(dir, 'empty'))).toEqual({
      ok: false,
      reason: expect.stringContaining('empty file')
    })
    expect(readDockerfileText(join(dir, 'binary'))).toEqual({
      ok: false,
      reason: expect.stringContaining('binary file')
    })
    expect(readDockerfileText(join(dir, 'nope'))).toEqual({ ok: false, reason: 'cannot read file (ENOENT)' })
  })

  it('strips a byte-order mark', () => {
    expect(readDockerfileText(join(dir, 'bom'))).toEqual({ ok: true, text: 'FROM scratch\n' })
  })
})
