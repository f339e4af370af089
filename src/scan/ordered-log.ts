// Output of targets scanned concurrently: each target logs into its own buffer, written whole to the real
// logger when it finishes and every earlier target has been written, so one target's lines (and the
// action's ::group:: blocks, which cannot interleave) stay contiguous and in plan order. A sign of life
// goes out at once: one line when a target starts, and one when it finishes while an earlier one still
// runs (its log then waits for that one). Every write goes through one queue, so none lands in a group.
import type { Logger } from '../logger'

type Entry =
  | { kind: 'debug' | 'info' | 'warning' | 'error'; message: string }
  | { kind: 'group'; name: string; entries: Entry[] }

/** A Logger that records what it is told, groups nested as they were opened. */
export class BufferedLogger implements Logger {
  readonly entries: Entry[] = []
  private current: Entry[] = this.entries

  debug(message: string): void {
    this.current.push({ kind: 'debug', message })
  }
  info(message: string): void {
    this.current.push({ kind: 'info', message })
  }
  warning(message: string): void {
    this.current.push({ kind: 'warning', message })
  }
  error(message: string): void {
    this.current.push({ kind: 'error', message })
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const group: Entry = { kind: 'group', name, entries: [] }
    this.current.push(group)
    const outer = this.current
    this.current = group.entries
    try {
      return await fn()
    } finally {
      this.current = outer
    }
  }
}

/** Writes recorded entries to `sink` as they were logged. */
export async function replay(entries: readonly Entry[], sink: Logger): Promise<void> {
  for (const entry of entries) {
    if (entry.kind === 'group') await sink.group(entry.name, () => replay(entry.entries, sink))
    else sink[entry.kind](entry.message)
  }
}

export class OrderedOutput {
  private readonly logs: (BufferedLogger | undefined)[]
  private readonly done: boolean[]
  private readonly labels: string[]
  private printed = 0
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly sink: Logger,
    count: number
  ) {
    this.logs = new Array<BufferedLogger | undefined>(count)
    this.done = new Array<boolean>(count).fill(false)
    this.labels = new Array<string>(count).fill('')
  }

  /** Target `index` starts: says so at once (unless `quiet`) and returns the logger it writes to. */
  start(index: number, label: string, quiet = false): Logger {
    const log = new BufferedLogger()
    this.logs[index] = log
    this.labels[index] = label
    if (!quiet) this.write(() => this.sink.info(`${this.tag(index)} started ${label}`))
    return log
  }

  /** Target `index` finished: its log (and any finished after it) is written once all before it are. */
  finish(index: number): void {
    this.done[index] = true
    if (index > this.printed) {
      const waiting = this.printed
      this.write(() =>
        this.sink.info(
          `${this.tag(index)} finished ${this.labels[index]}; its log follows ${this.tag(waiting)}'s`
        )
      )
    }
    while (this.printed < this.done.length && this.done[this.printed]) {
      const log = this.logs[this.printed]
      this.logs[this.printed] = undefined
      this.printed++
      if (log && log.entries.length > 0) this.write(() => replay(log.entries, this.sink))
    }
  }

  /** Resolves when everything queued has been written. */
  drained(): Promise<void> {
    return this.queue
  }

  private tag(index: number): string {
    return `[${index + 1}/${this.done.length}]`
  }

  private write(step: () => void | Promise<void>): void {
    // A logger that throws must not stop the others' output.
    this.queue = this.queue.then(step).catch(() => undefined)
  }
}
