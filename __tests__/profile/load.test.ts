import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { UsageError } from '../../src/errors'
import { MAX_SECCOMP_BYTES, loadRuntimeProfile, readSeccompProfile } from '../../src/profile/load'

const dir = mkdtempSync(join(tmpdir(), 'lp-load-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const load = (flags: string) => loadRuntimeProfile(flags, dir)
/** The one-line UsageError a call throws. */
function usageError(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    const message = (error as Error).message
    expect(message).not.toContain('\n')
    return message
  }
  throw new Error('expected a UsageError')
}

describe('loadRuntimeProfile: the seccomp profile is read with the settings', () => {
  it('reads a relative path against cwd and keeps the compact JSON', () => {
    writeFileSync(join(dir, 'ok.json'), '\uFEFF{ "defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [] }\n')
    const profile = load('--security-opt seccomp=ok.json --cap-drop ALL')
    expect(profile.securityOpt.seccomp).toBe('ok.json')
    expect(profile.securityOpt.seccompProfile).toEqual({
      path: join(dir, 'ok.json'),
      json: '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}'
    })
  })

  it('follows a symlink to a regular file', () => {
    writeFileSync(join(dir, 'target.json'), '{}')
    symlinkSync(join(dir, 'target.json'), join(dir, 'link.json'))
    expect(load('--security-opt seccomp=link.json').securityOpt.seccompProfile?.json).toBe('{}')
  })

  it('passes unconfined and builtin through without reading anything', () => {
    expect(load('--security-opt seccomp=unconfined').securityOpt.seccompProfile).toBeUndefined()
    expect(load('--security-opt seccomp=builtin').securityOpt.seccompProfile).toBeUndefined()
  })

  it('rejects a character device such as /dev/zero with one line, without reading it', () => {
    expect(usageError(() => load('--security-opt seccomp=/dev/zero'))).toBe(
      'run-options: seccomp profile "/dev/zero" is not a regular file (it is a character device)'
    )
  })

  it('rejects a FIFO at once instead of blocking the event loop', () => {
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    const started = Date.now()
    expect(usageError(() => load('--security-opt seccomp=./fifo'))).toBe(
      'run-options: seccomp profile "./fifo" is not a regular file (it is a FIFO)'
    )
    // Bound to catch a hang, not a timing assertion: a blocking open would never return.
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('rejects a directory, a missing file, a non-JSON file and JSON that is not an object', () => {
    mkdirSync(join(dir, 'folder'))
    writeFileSync(join(dir, 'array.json'), '[1]')
    expect(usageError(() => load('--security-opt seccomp=folder'))).toMatch(
      /"folder" is not a regular file \(it is a directory\)/
    )
    expect(usageError(() => load('--security-opt seccomp=missing.json'))).toMatch(
      /^run-options: seccomp profile "missing.json" cannot be read: ENOENT/
    )
    expect(usageError(() => load('--security-opt seccomp=/etc/passwd'))).toBe(
      'run-options: seccomp profile "/etc/passwd" is not valid JSON'
    )
    expect(usageError(() => load('--security-opt seccomp=array.json'))).toMatch(/expected a JSON object/)
  })

  it('redacts a token in the seccomp path it cannot read', () => {
    const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'
    const message = usageError(() => load(`--security-opt seccomp=/srv/${token}/missing.json`))
    expect(message).toMatch(
      /^run-options: seccomp profile "\/srv\/\*\*\*\/missing.json" cannot be read: ENOENT/
    )
    expect(message).not.toContain(token)
  })

  it('rejects a file over the size cap, naming the cap', () => {
    const big = join(dir, 'big.json')
    writeFileSync(big, `{"a":"${'x'.repeat(MAX_SECCOMP_BYTES)}"}`)
    expect(usageError(() => load('--security-opt seccomp=big.json'))).toBe(
      `run-options: seccomp profile "big.json" is larger than ${MAX_SECCOMP_BYTES} bytes`
    )
    writeFileSync(join(dir, 'small.json'), '{"a":"0123456789"}')
    expect(() => readSeccompProfile('small.json', join(dir, 'small.json'), 10)).toThrow(
      'is larger than 10 bytes'
    )
  })
})
