// The probe exec'd inside the workload runs next to the image's own code, which a pull request wrote. To keep
// that code from tracing the probe and rewriting what it reports, the workload is given an execute-only copy
// of the binary (mode 0111): the kernel makes a process that executes a file it cannot read non-dumpable from
// its first instruction, and a non-dumpable process can be traced only with CAP_SYS_PTRACE. Whether that held
// for one run is read back from the report (execReportDistrust): no CAP_DAC_OVERRIDE/READ_SEARCH to read the
// file anyway, nothing beyond Docker's default capabilities in the container (so no CAP_SYS_PTRACE, and no
// CAP_SYS_ADMIN to mount over the probe), a kernel whose fs.suid_dumpable is not 1.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DOCKER_DEFAULT_CAPS } from '../profile/capabilities'
import type { ProbeReport } from './probe-report'
import type { DaemonFacts } from './types'

const copies = new Map<string, string | undefined>()
let cleanupRegistered = false

/**
 * An execute-only copy of `probePath` in a private temp folder (removed at exit), made once per process;
 * undefined when it cannot be made (the caller then keeps the probe out of the workload).
 */
export function executeOnlyProbe(probePath: string): string | undefined {
  if (copies.has(probePath)) return copies.get(probePath)
  let copy: string | undefined
  try {
    const dir = mkdtempSync(join(tmpdir(), 'least-privilege-probe-'))
    // The daemon (root, or the rootless user that is us) must reach the file; nobody may list or replace it.
    chmodSync(dir, 0o711)
    copy = join(dir, 'probe')
    copyFileSync(probePath, copy)
    chmodSync(copy, 0o111)
    if (!cleanupRegistered) {
      cleanupRegistered = true
      process.once('exit', () => {
        for (const made of copies.values())
          if (made) rmSync(join(made, '..'), { recursive: true, force: true })
      })
    }
  } catch {
    copy = undefined
  }
  copies.set(probePath, copy)
  return copy
}

/**
 * fs.suid_dumpable of the daemon's kernel, when that is this machine's kernel (a local daemon whose kernel
 * release is ours); undefined when it cannot be known (Docker Desktop's VM, say).
 */
export function daemonSuidDumpable(daemon: DaemonFacts, read = readFileSync): string | undefined {
  if (daemon.remote || daemon.kernelVersion !== release()) return undefined
  try {
    return String(read('/proc/sys/fs/suid_dumpable', 'utf8')).trim()
  } catch {
    return undefined
  }
}

const READS_ANY_FILE = ['DAC_OVERRIDE', 'DAC_READ_SEARCH']

/**
 * Why a report from the probe exec'd in the workload cannot be trusted to be the probe's own, or undefined
 * when it can: it ran from the execute-only copy, could not read that copy (so it was non-dumpable), nothing
 * in the container holds more than Docker's default capabilities, and the kernel makes such a process
 * non-dumpable.
 */
export function execReportDistrust(
  report: ProbeReport,
  facts: { executeOnly: boolean; suidDumpable: string | undefined }
): string | undefined {
  if (!facts.executeOnly) return 'no execute-only copy of the probe could be made'
  if (facts.suidDumpable !== '0' && facts.suidDumpable !== '2')
    return "the daemon's kernel does not say that an unreadable program runs non-dumpable (fs.suid_dumpable)"
  const effective = report.capabilities.sets.effective?.names ?? []
  if (effective.some(name => READS_ANY_FILE.includes(name)))
    return 'the probe could read its own binary (CAP_DAC_OVERRIDE), so the workload could have traced it'
  // What the flags promised (besideImageCodeRefusal), checked against what the container really has.
  const bounding = report.capabilities.sets.bounding?.names
  if (!bounding) return "the container's bounding set could not be read"
  const beyond = bounding.filter(name => !DOCKER_DEFAULT_CAPS.includes(name))
  if (beyond.length > 0)
    return `a process in the workload may hold ${beyond.join(', ')}, beyond Docker's defaults`
  return undefined
}
