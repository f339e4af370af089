// Every wait on the Docker daemon has a limit, and the defaults live here. Settings may override them
// (tests use short ones; the CLI has --build-timeout).

export interface DockerTimeouts {
  /** One Engine API request that should answer quickly: create, inspect, list, logs, volume ops, copy. */
  requestMs: number
  /** One removal (DELETE) during the run; the end-of-run cleanup is bounded by cleanupMs as a whole. */
  removeMs: number
  /** How long a step's finally waits for its container's removal before going on (cleanup waits for the rest). */
  stepRemoveWaitMs: number
  /** The whole end-of-run cleanup: every tracked removal plus the label sweep, in parallel. */
  cleanupMs: number
  /** One image build (a stream: progress is printed while it runs). */
  buildMs: number
  /** How often a build that prints nothing says it is still running. */
  buildQuietMs: number
}

export const DEFAULT_TIMEOUTS: DockerTimeouts = {
  requestMs: 30_000,
  removeMs: 10_000,
  stepRemoveWaitMs: 5_000,
  cleanupMs: 15_000,
  buildMs: 900_000,
  buildQuietMs: 30_000
}

/** Retries for idempotent reads and removals: few, with a short backoff, never for create or start. */
export const SAFE_RETRIES = 2
export const RETRY_BACKOFF_MS = 250

/**
 * The probe step's own deadline (inspect, volumes, probe and workload containers): the probe's and the
 * window's time plus a few requests' worth. Every call inside is bounded too; this caps their sum.
 */
export function probeStepLimitMs(probeTimeoutMs: number, windowMs: number, t: DockerTimeouts): number {
  return probeTimeoutMs + windowMs + 3 * t.requestMs
}

export function resolveTimeouts(overrides?: Partial<DockerTimeouts>): DockerTimeouts {
  const out = { ...DEFAULT_TIMEOUTS }
  for (const [key, value] of Object.entries(overrides ?? {}) as Array<[keyof DockerTimeouts, unknown]>) {
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[key] = value
  }
  return out
}

/** `30 s`, `1.5 s`: how limits appear in messages. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}
