// Parses the Engine API `top` answer for `ps -o pid,uid,euid,gid,args`. Numeric ids only: ps runs on the
// daemon's host, so user *names* would come from the host's passwd, not the container's. Pure.
import type { WorkloadProcess } from './types'

export const TOP_PS_ARGS = '-o pid,uid,euid,gid,args'

export function parseTop(top: { Titles?: string[]; Processes?: string[][] | null }): WorkloadProcess[] {
  const titles = (top.Titles ?? []).map(t => t.trim().toUpperCase())
  const column = (...names: string[]): number => titles.findIndex(t => names.includes(t))
  const [pid, uid, euid, gid] = [column('PID'), column('UID', 'RUID'), column('EUID'), column('GID', 'RGID')]
  const args = column('COMMAND', 'ARGS', 'CMD')
  const num = (row: string[], i: number): number => (i < 0 ? Number.NaN : Number.parseInt(row[i] ?? '', 10))
  return (top.Processes ?? []).map(row => ({
    pid: num(row, pid),
    uid: num(row, uid),
    euid: num(row, euid),
    gid: num(row, gid),
    args: args < 0 ? '' : (row[args] ?? '')
  }))
}
