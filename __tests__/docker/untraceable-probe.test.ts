// The execute-only probe copy and the checks that decide whether a report from the probe exec'd beside the
// image's own code can be trusted: pure functions over a report, and the copy on the real filesystem.
import { describe, expect, it } from '@jest/globals'
import { readFileSync, statSync } from 'node:fs'
import { release } from 'node:os'
import { join } from 'node:path'
import type { ProbeReport } from '../../src/docker/probe-report'
import type { DaemonFacts } from '../../src/docker/types'
import { daemonSuidDumpable, executeOnlyProbe, execReportDistrust } from '../../src/docker/untraceable-probe'

const probe = join(process.cwd(), 'dist', 'probe', 'probe-linux-amd64')

function report(effective: string[], bounding: string[] | undefined): ProbeReport {
  const set = (names: string[]) => ({ raw: '', names })
  return {
    capabilities: {
      sets: { effective: set(effective), ...(bounding ? { bounding: set(bounding) } : {}) }
    }
  } as unknown as ProbeReport
}

const trusted = { executeOnly: true, suidDumpable: '0' }

describe('execReportDistrust', () => {
  it('trusts a report whose probe could not read its binary, in a container without CAP_SYS_PTRACE', () => {
    expect(execReportDistrust(report([], ['CHOWN', 'KILL']), trusted)).toBeUndefined()
    expect(
      execReportDistrust(report(['SETUID'], ['SETUID']), { ...trusted, suidDumpable: '2' })
    ).toBeUndefined()
  })

  it.each([
    ['no execute-only copy', report([], []), { ...trusted, executeOnly: false }, /execute-only/],
    ['fs.suid_dumpable 1', report([], []), { ...trusted, suidDumpable: '1' }, /suid_dumpable/],
    ['fs.suid_dumpable unknown', report([], []), { ...trusted, suidDumpable: undefined }, /suid_dumpable/],
    ['CAP_DAC_OVERRIDE', report(['DAC_OVERRIDE'], ['DAC_OVERRIDE']), trusted, /DAC_OVERRIDE/],
    ['CAP_DAC_READ_SEARCH', report(['DAC_READ_SEARCH'], ['DAC_READ_SEARCH']), trusted, /DAC_OVERRIDE/],
    ['CAP_SYS_PTRACE in the bounding set', report([], ['SYS_PTRACE']), trusted, /SYS_PTRACE/],
    ['an unread bounding set', report([], undefined), trusted, /bounding set/],
    ['CAP_SYS_ADMIN in the bounding set', report([], ['CHOWN', 'SYS_ADMIN']), trusted, /SYS_ADMIN/],
    ['CAP_NET_ADMIN in the bounding set', report([], ['NET_ADMIN']), trusted, /NET_ADMIN/]
  ])('distrusts it with %s', (_name, r, facts, why) => {
    expect(execReportDistrust(r, facts)).toMatch(why)
  })
})

describe('daemonSuidDumpable', () => {
  const local = { remote: false, kernelVersion: release() } as DaemonFacts
  it("reads this kernel's setting only for a local daemon on this kernel", () => {
    expect(daemonSuidDumpable(local, (() => '2\n') as never)).toBe('2')
    expect(daemonSuidDumpable({ ...local, remote: true }, (() => '0') as never)).toBeUndefined()
    expect(
      daemonSuidDumpable({ ...local, kernelVersion: '5.15.0-linuxkit' }, (() => '0') as never)
    ).toBeUndefined()
    const unreadable = (() => {
      throw new Error('EACCES')
    }) as never
    expect(daemonSuidDumpable(local, unreadable)).toBeUndefined()
  })
})

describe('executeOnlyProbe', () => {
  it('is a byte-identical copy with mode 0111 in a folder only its owner may list, made once', () => {
    const copy = executeOnlyProbe(probe)
    expect(copy).toBeDefined()
    expect(statSync(copy!).mode & 0o7777).toBe(0o111)
    expect(statSync(join(copy!, '..')).mode & 0o777).toBe(0o711)
    expect(executeOnlyProbe(probe)).toBe(copy)
    // Read as root here (the test runs as the CI's root); the bytes are the shipped binary's.
    if (process.getuid?.() === 0) expect(readFileSync(copy!).equals(readFileSync(probe))).toBe(true)
  })

  it('is undefined when the binary cannot be copied, so the probe stays out of the workload', () => {
    expect(executeOnlyProbe('/nonexistent/probe-linux-amd64')).toBeUndefined()
  })
})
