// The shipped probe binaries are built from the probe.c in the repo: each embeds sha256(probe/probe.c).
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from '@jest/globals'
import { PROBE_AMD64, PROBE_ARM64, PROBE_SOURCE, REPO_ROOT, SOURCE_TAG, runBinary } from './probe-helpers'

const execFileAsync = promisify(execFile)
const QEMU_AARCH64 = '/usr/bin/qemu-aarch64-static'
const ARM64_MUSL_SPECS = '/usr/lib/aarch64-linux-musl/musl-gcc.specs'

const sourceSha = createHash('sha256').update(readFileSync(PROBE_SOURCE)).digest('hex')

/** Every hash that follows the marker in the binary's bytes. */
function embeddedHashes(file: string): string[] {
  const bytes = readFileSync(file).toString('latin1')
  return [...bytes.matchAll(new RegExp(`${SOURCE_TAG}([0-9a-f]{64})`, 'g'))].map(m => m[1])
}

describe('shipped probe binaries', () => {
  it.each([
    ['amd64', PROBE_AMD64],
    ['arm64', PROBE_ARM64]
  ])('the %s binary embeds the sha256 of probe/probe.c', (_arch, file) => {
    expect(existsSync(file)).toBe(true)
    expect(embeddedHashes(file)).toEqual([sourceSha])
  })

  it('the amd64 binary reports the same hash with --version', async () => {
    const run = await runBinary(PROBE_AMD64, ['--version'])
    expect(run).toEqual({ code: 0, stdout: `${sourceSha}\n`, stderr: '' })
  })

  it('the arm64 binary reports the same hash with --version under qemu', async () => {
    if (!existsSync(QEMU_AARCH64)) {
      console.warn(
        `SKIPPING the arm64 --version run: ${QEMU_AARCH64} is missing (apt-get install qemu-user-static)`
      )
      return
    }
    const run = await runBinary(QEMU_AARCH64, [PROBE_ARM64, '--version'])
    expect(run).toEqual({ code: 0, stdout: `${sourceSha}\n`, stderr: '' })
  })

  it.each([
    ['amd64', PROBE_AMD64, 0x3e],
    ['arm64', PROBE_ARM64, 0xb7]
  ])('the %s binary is a static ELF executable for its machine', (_arch, file, machine) => {
    const elf = readFileSync(file)
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF')
    expect(elf.readUInt16LE(18)).toBe(machine) // e_machine
    expect(elf.readUInt16LE(16)).toBe(2) // ET_EXEC: static, not PIE needing a loader
    expect(elf.includes(Buffer.from('/lib/ld-'))).toBe(false) // no PT_INTERP
    expect(elf.length).toBeLessThan(80_000)
  })

  it('a fresh build from probe.c is byte-identical to the committed binaries', async () => {
    if (!existsSync('/usr/bin/musl-gcc') || !existsSync(ARM64_MUSL_SPECS)) {
      console.warn(
        'SKIPPING the rebuild check: the musl toolchain is missing (probe/build.sh --install-deps)'
      )
      return
    }
    const { stdout } = await execFileAsync('bash', [`${REPO_ROOT}probe/build.sh`, '--check'], {
      timeout: 120_000
    })
    expect(stdout).toContain('dist/probe/probe-linux-amd64: identical to a fresh build')
    expect(stdout).toContain('dist/probe/probe-linux-arm64: identical to a fresh build')
  })
})
