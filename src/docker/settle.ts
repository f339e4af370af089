// When has a running workload's identity settled? Pure: the workload window polls the Engine API `top` and
// feeds each sample here; the window ends once nothing that decides who the workload runs as has changed
// for a quiet period, or at the cap.
//
// What the quiet period catches: an entrypoint that chains short commands (chown, mkdir, sed on a config,
// then `exec gosu app server`) forks its next step within milliseconds of the last one ending, so a pid,
// uid or command line changes in the next 100 ms sample; a gap of SETTLE_QUIET_MS (3 samples alike) means
// nothing is about to replace the process. A master that forks workers (nginx, postgres) resets the period.
//
// What it cannot catch on its own: a step that takes longer than the quiet period without changing the
// process list (`sleep 1`, `chown -R` over a big tree, a wait for a database, busybox ash running `sleep`
// without forking). Those all run inside a shell, so a shell anywhere in the list holds the window open to
// the cap (`sh -c 'sleep 1; exec gosu app …'` is seen after its drop when that comes before the cap); so does
// a `sleep` beside another process (an interpreter, awk or python, waiting before it drops privileges). A
// `sleep` alone is the workload itself, and settles.
// An entrypoint whose last command is not exec'd keeps its shell and costs the whole window, as before;
// a program (not a shell) that waits and then calls setuid() itself is seen only if that happens within
// the quiet period; a change after the window ends, settled or capped, is never seen.
import type { WorkloadProcess } from './types'

/** No change for this long after the last one (3 polls alike) counts as settled. */
export const SETTLE_QUIET_MS = 300
/** How often `top` is asked while the window is open. */
export const SETTLE_POLL_MS = 100

/** Why the observation ended: identity settled, the window's cap reached, or the workload exited. */
export type WindowEnd = 'settled' | 'cap' | 'exited'

export interface SettleState {
  /** The identity of the process list: every (pid, uid, euid, gid, args), sorted. */
  signature: string
  /** When the signature last changed (the first sample counts as a change). */
  lastChangeMs: number
  /** A shell (or a sleep beside another process) is in the list: it may still change who runs (see above). */
  shell: boolean
  samples: number
}

const SHELLS = new Set(['sh', 'ash', 'bash', 'dash', 'ksh', 'mksh', 'zsh'])
/** Longer command lines are compared as they are but not searched for a shell name. */
const MAX_ARGS_SCANNED = 4096

/** `sh`, `/bin/bash -e x`, `busybox sh …`, `-sh` (a login shell): the process is a shell. */
export function isShell(args: string): boolean {
  const words = args.slice(0, MAX_ARGS_SCANNED).trim().split(/\s+/, 2)
  const name = (word: string | undefined): string => (word ?? '').split('/').pop()?.replace(/^-/, '') ?? ''
  const first = name(words[0])
  return SHELLS.has(first) || (first === 'busybox' && SHELLS.has(name(words[1])))
}

/** `sleep 1`, `/bin/sleep 1`, `busybox sleep 1`: a process that only waits for something to come next. */
export function isSleep(args: string): boolean {
  const words = args.slice(0, MAX_ARGS_SCANNED).trim().split(/\s+/, 2)
  const name = (word: string | undefined): string => (word ?? '').split('/').pop() ?? ''
  const first = name(words[0])
  return first === 'sleep' || (first === 'busybox' && name(words[1]) === 'sleep')
}

export function identitySignature(processes: readonly WorkloadProcess[]): string {
  return processes
    .map(p => `${p.pid} ${p.uid} ${p.euid} ${p.gid} ${p.args}`)
    .sort()
    .join('\n')
}

/** The state after one more sample taken at `nowMs`. */
export function observe(
  previous: SettleState | undefined,
  processes: readonly WorkloadProcess[],
  nowMs: number
): SettleState {
  const signature = identitySignature(processes)
  const changed = previous === undefined || previous.signature !== signature
  return {
    signature,
    lastChangeMs: changed ? nowMs : previous.lastChangeMs,
    shell:
      processes.some(p => isShell(p.args)) || (processes.length > 1 && processes.some(p => isSleep(p.args))),
    samples: (previous?.samples ?? 0) + 1
  }
}

/** When the window may end as settled if nothing changes meanwhile; Infinity while a shell is running. */
export function settlesAtMs(state: SettleState, quietMs: number): number {
  return state.shell ? Number.POSITIVE_INFINITY : state.lastChangeMs + quietMs
}
