// The amd64 probe run directly on this machine: the report has every ProbeReport field, and its values
// agree with what the kernel tells this (parent) process through /proc/self/status.
import { readFileSync } from 'node:fs'
import { arch } from 'node:os'
import { describe, expect, it } from '@jest/globals'
import { PROBE_AMD64, bitsOf, parseReport, runBinary } from './probe-helpers'

const onAmd64 = arch() === 'x64'
const describeHost = onAmd64 ? describe : describe.skip
if (!onAmd64)
  console.warn(`SKIPPING the host probe run: this machine is ${arch()}, the host test runs the amd64 binary`)

function statusField(name: string): string {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find(l => l.startsWith(`${name}:`))
  return (line ?? '').slice(name.length + 1).trim()
}

describeHost('probe on the host', () => {
  it('prints one JSON object with every ProbeReport field, exit 0', async () => {
    const run = await runBinary(PROBE_AMD64, ['--no-walk'])
    expect(run.code).toBe(0)
    const report = parseReport(run.stdout)
    expect(report.target).toEqual({ pid: 'self', mode: 'self' })
    expect(report.privileged_files).toEqual({ scanned: false, count: 0, truncated: false, files: [] })
  })

  it('reads the same credentials, capabilities and seccomp state the kernel gives this process', async () => {
    const report = parseReport((await runBinary(PROBE_AMD64, ['--no-walk'])).stdout)
    const [ruid, euid, suid, fsuid] = statusField('Uid').split(/\s+/).map(Number)
    expect(report.identity.uid).toEqual({ real: ruid, effective: euid, saved: suid, fs: fsuid })
    expect(report.identity.uid.effective).toBe(process.getuid?.())
    // The bounding set and seccomp state are inherited across fork+exec unchanged.
    expect(report.capabilities.sets.bounding.raw).toBe(statusField('CapBnd'))
    expect(report.seccomp.raw).toBe(statusField('Seccomp'))
    expect(report.no_new_privs.raw).toBe(statusField('NoNewPrivs'))
    const lastCap = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim())
    expect(report.kernel.cap_last_cap).toBe(lastCap)
    const bounding = bitsOf(report.capabilities.sets.bounding.raw)
    expect(report.capabilities.sets.bounding.names).toHaveLength(bounding.length)
    expect(report.capabilities.full_bounding).toBe(bounding.filter(b => b <= lastCap).length === lastCap + 1)
  })

  it('reads another process with --pid', async () => {
    const report = parseReport(
      (await runBinary(PROBE_AMD64, ['--no-walk', '--pid', String(process.pid)])).stdout
    )
    expect(report.target).toEqual({ pid: process.pid, mode: 'pid' })
    expect(report.capabilities.sets.effective.raw).toBe(statusField('CapEff'))
  })

  it('reports an unreadable target in errors[] and still exits 0', async () => {
    const run = await runBinary(PROBE_AMD64, ['--no-walk', '--pid', '2147483647'])
    expect(run.code).toBe(0)
    const report = parseReport(run.stdout)
    expect(report.errors).toContainEqual({
      item: 'status',
      errno: 'ENOENT',
      detail: '/proc/2147483647/status'
    })
    expect(report.capabilities.sets.effective).toEqual({ raw: '', names: [] })
    expect(report.seccomp.mode).toBeNull()
  })

  it.each([
    [['--bogus']],
    [['--pid']],
    [['--pid', '0']],
    [['--pid', '12x']],
    [['--port', '0']],
    [['--port', '65536']],
    [['--max-files', '-1']]
  ])('rejects bad arguments %j with exit 2 and a message on stderr', async args => {
    const run = await runBinary(PROBE_AMD64, args)
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^probe: /)
  })

  it('honours --port in both spellings', async () => {
    const equals = parseReport((await runBinary(PROBE_AMD64, ['--no-walk', '--port=8080'])).stdout)
    const spaced = parseReport((await runBinary(PROBE_AMD64, ['--no-walk', '--port', '8081'])).stdout)
    expect([equals.bind.port, spaced.bind.port]).toEqual([8080, 8081])
  })
})
