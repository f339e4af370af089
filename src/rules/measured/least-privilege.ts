// Measured identity: who the container's process (and the real workload) runs as.
import type { Rule } from '../types'
import { effectiveUid, measuredBasics } from './facts'

export const measuredRoot: Rule = {
  meta: {
    id: 'LP140',
    name: 'measured-root',
    principle: 'least-privilege',
    evidence: 'measured',
    level: 'error',
    securitySeverity: 8.0,
    title: 'The container was measured running as root',
    description:
      "The probe read the process's effective uid from /proc and it is 0. Whatever the Dockerfile or the flags " +
      'suggest, the process is root in the container, with the bounding set as its effective capabilities. When the ' +
      'real workload was measured too (its entrypoint running), the workload decides: an image that starts as root ' +
      'and drops to another uid with gosu/su-exec is reported by LP141 instead.',
    fix: 'Set a numeric non-root `USER` in the Dockerfile (e.g. `USER 1001:1001`) and do not override it with `--user 0`.'
  },
  check({ probe, workload }) {
    if (!probe) return []
    const userns =
      probe.userns.identity === false && probe.userns.host_uid !== null && probe.userns.host_uid !== 0
        ? ` It runs in a user namespace, so uid 0 is host uid ${probe.userns.host_uid}: an escape lands unprivileged, but inside it is still root.`
        : ''
    const workloadProcs = workload?.status === 'measured' ? workload.processes : []
    const workloadMeasured = workloadProcs.length > 0 || workload?.probe !== undefined
    if (workloadMeasured) {
      const rootProcs = workloadProcs.filter(p => p.euid === 0)
      const probeRoot = workload?.probe && effectiveUid(workload.probe) === 0
      if (rootProcs.length === 0 && !probeRoot) return []
      // PIDs and the number of processes change from run to run: they go to properties. The message names
      // the lowest-pid root process (the entrypoint, normally), which the image decides.
      const first = [...rootProcs].sort((a, b) => a.pid - b.pid)[0]
      const which = first ? `${JSON.stringify(first.args.slice(0, 80))} runs` : 'its main process runs'
      return [
        {
          message: `The running workload is root: ${which} with effective uid 0.${userns}`,
          properties: {
            ...measuredBasics(workload?.probe ?? probe),
            workload_root_pids: rootProcs.map(p => p.pid),
            workload_root_processes: rootProcs.map(p => ({ pid: p.pid, args: p.args }))
          }
        }
      ]
    }
    if (effectiveUid(probe) !== 0) return []
    return [
      {
        message: `The container's process was measured running as root (effective uid 0).${userns}`,
        properties: measuredBasics(probe)
      }
    ]
  }
}

export const workloadUserDiffers: Rule = {
  meta: {
    id: 'LP141',
    name: 'workload-user-differs',
    principle: 'least-privilege',
    evidence: 'measured',
    level: 'note',
    securitySeverity: 3.0,
    title: "The image's user and the running workload's user differ",
    description:
      'The probe reads the user the image starts as; the workload check reads the processes of the running entrypoint. ' +
      'An image that starts as root and drops to another uid (gosu, su-exec, setpriv) is a note: the workload is ' +
      'non-root, but the entrypoint ran as root and a USER would make the drop unnecessary. The reverse, an image ' +
      'that starts non-root while the workload runs as root, means something raised privileges after start (a ' +
      'setuid binary such as sudo), and is an error.',
    fix: 'Set `USER <uid>` in the Dockerfile to the uid the entrypoint drops to, and remove the gosu/su-exec step.'
  },
  check({ probe, workload }) {
    if (!probe || workload?.status !== 'measured') return []
    const uids = new Map<number, number[]>()
    for (const p of workload.processes) uids.set(p.euid, [...(uids.get(p.euid) ?? []), p.pid])
    if (workload.probe) {
      const uid = effectiveUid(workload.probe)
      if (!uids.has(uid)) uids.set(uid, [1])
    }
    if (uids.size === 0) return []
    const start = effectiveUid(probe)
    const workloadUids = [...uids.keys()].sort((a, b) => a - b)
    const properties = {
      start_uid: start,
      workload_uids: workloadUids,
      workload_pids: [...uids.values()].flat(),
      ...(uids.has(0) ? { workload_root_pids: uids.get(0) } : {})
    }
    if (start === 0 && !uids.has(0)) {
      return [
        {
          message: `The image starts as root, but its workload runs as uid ${workloadUids.join(', ')}: the entrypoint drops privileges (gosu/su-exec style).`,
          properties
        }
      ]
    }
    if (start !== 0 && uids.has(0)) {
      return [
        {
          // Which PIDs are root is in properties (workload_pids): PIDs change from run to run.
          message: `The image starts as uid ${start}, but its workload runs as root: privileges were raised after start, e.g. by a setuid binary.`,
          level: 'error',
          properties
        }
      ]
    }
    return []
  }
}
