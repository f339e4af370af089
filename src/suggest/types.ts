// The verified least-privilege profile of one measured target (issue 12 item 3): computed by
// ./suggest.ts after the measurement, rendered by the reporters, never part of a verdict.

export interface SuggestionNeed {
  /** What the workload needs beyond the tightest profile. */
  kind: 'capability' | 'writable-path' | 'user' | 'host-namespace'
  /** `CHOWN`, `/var/cache/app`, `root`, `pid` ... */
  value: string
  /** One sentence of evidence: "without it the entrypoint exits 1 with `chown: /data: Operation not permitted`". */
  evidence: string
}

export interface Suggestion {
  /** verified: the profile ran and passed every check below; unverified: no passing profile was found (why in `reason`). */
  status: 'verified' | 'unverified'
  reason?: string
  /** The suggested docker run flags as one string, split-able by the run-options rules (src/profile/split.ts). */
  docker: string
  /** A compose service snippet (YAML, the keys to set under the service). */
  compose: string
  /** A Kubernetes container `securityContext:` snippet (YAML). */
  kubernetes: string
  needs: SuggestionNeed[]
  /** What the verification checked. */
  verified: {
    /** running: still running at the end of the window; exited-as-declared: exited with the same code as under the declared profile. */
    outcome: 'running' | 'exited-as-declared'
    windowMs: number
    /** Listening sockets seen under the declared profile and again under the suggestion, e.g. `tcp/8080`. */
    ports: string[]
    healthcheck: 'passed' | 'none'
  }
  /** What a short run cannot show, said plainly (behaviour under real traffic, rarely used code paths). */
  limits: string
  /** Workload runs it took. */
  trials: number
}
