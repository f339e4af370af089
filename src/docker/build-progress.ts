// Reads the build's JSON message stream: log lines, the step being run, and the failure. Pure: no I/O.
// The stream does not end in an error on a failed build (followProgress reports success), so the
// `errorDetail` message is the only reliable failure signal.

export interface BuildEvent {
  stream?: string
  status?: string
  error?: string
  errorDetail?: { message?: string; code?: number }
  aux?: { ID?: string }
}

/**
 * dockerode 5 turns BuildKit's log bytes into base64 text (protobuf `bytes: String`) before printing them, so
 * a RUN step's output arrives as e.g. `YWJvdXQgdG8gZmFpbAo=`. Vertex lines (`[...]`, `CACHED:`, `ERROR:`)
 * never look like that.
 */
export function decodeBuildkitLog(line: string): string {
  if (line.length < 4 || line.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(line)) return line
  const text = Buffer.from(line, 'base64').toString('utf8')
  // Only accept printable results; a word like `abcd` stays as it is.
  return /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(text) && /\s/.test(text) ? text.trimEnd() : line
}

export class BuildProgress {
  /** The last step started: `Step 2/3 : RUN false` (classic) or `[2/3] RUN false` (BuildKit). */
  step?: string
  /** Images the classic builder committed for each step (` ---> 0123456789ab`), oldest first. */
  readonly layers: string[] = []
  /** The daemon's failure message, when the build failed. */
  error?: string
  /** BuildKit reports the failing vertex's own error before the final errorDetail. */
  private vertexError?: string

  /** Feeds one event; returns the lines worth logging. */
  add(event: BuildEvent): string[] {
    if (event.errorDetail || event.error) {
      this.error = (event.errorDetail?.message ?? event.error ?? '').trim()
      return []
    }
    const text = event.stream ?? event.status ?? ''
    const lines = text
      .split('\n')
      .map(l => decodeBuildkitLog(l.trimEnd()))
      .filter(l => l.trim() !== '')
    for (const line of lines) {
      const classic = /^Step \d+\/\d+ : .*/.exec(line)
      // BuildKit vertex names as decoded by dockerode: `[sha256:14fb2] [2/3] RUN false`.
      const buildkit = /^\[[^\]]+\] (\[[^\]]*\d+\/\d+\] .*)$/.exec(line)
      if (classic) this.step = classic[0]
      else if (buildkit) this.step = buildkit[1]
      const layer = /^ ---> ([0-9a-f]{12,64})$/.exec(line)
      if (layer) this.layers.push(layer[1])
      const vertexError = /^ERROR: (.*)$/.exec(line)
      if (vertexError) this.vertexError = vertexError[1]
    }
    return lines
  }

  /** One line: the failing step and the daemon's message. */
  failure(): string | undefined {
    const message = this.error || this.vertexError
    if (!message) return undefined
    const oneLine = message
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean)
      .join(' ')
    return this.step ? `${this.step}: ${oneLine}` : oneLine
  }
}
