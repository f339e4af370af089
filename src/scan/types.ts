import type { DockerfileModel } from '../dockerfile/types'
import type { Measurement } from '../docker/types'
import type { Finding, Level } from '../findings'
import type { Principle } from '../principles'
import type { RuntimeProfile } from '../profile/types'
import type { Suggestion } from '../suggest/types'

export type Verdict = 'pass' | 'fail' | 'warn' | 'not-measured'

/**
 * What a verdict rests on. `measured`: a probe measured the principle in the running container.
 * `declared`: the Dockerfile or the deployment as written (a finding, or a positively declared safe state).
 * `none`: nothing declared or measured decides it; only with verdict `not-measured`.
 */
export type Basis = 'declared' | 'measured' | 'none'

/** The finding that decided a row: enough to name and link it without parsing any text. */
export interface FindingRef {
  ruleId: string
  level: Level
  /** Repo-relative file and 1-based line of the finding (a Dockerfile or a deployment file). */
  file: string
  line: number
  endLine?: number
  /** The finding's message, clipped to the reported-value limit. */
  message: string
}

/** One row of the five-principle table. */
export interface PrincipleRow {
  principle: Principle
  /** Short cell texts; plain (unescaped) text, reporters escape. */
  dockerfile: string
  deployment: string
  measured: string
  verdict: Verdict
  basis: Basis
  /** The finding behind a fail or warn (the worst active one; LP200 when Docker's defaults are assumed). */
  decidedBy?: FindingRef
  /** `docker-defaults`: warn because no deployment is declared and this principle rests on Docker's defaults. */
  assumed?: 'docker-defaults'
  /**
   * Plain text for people: why `not-measured`, `LPxxx: message` of the deciding finding, or
   * `Docker defaults assumed`. Reporters show it; none parses it (use decidedBy and assumed).
   */
  reason?: string
}

/** An operational problem: reported as a SARIF toolExecutionNotification, never as a fake result. */
export interface Notification {
  level: 'error' | 'warning' | 'note'
  kind:
    | 'daemon-unreachable'
    | 'build-failed'
    | 'probe-failed'
    | 'probe-timeout'
    | 'static-only'
    | 'input-error'
    | 'parse-error'
    | 'cleanup-failed'
    | 'workload-failed'
    /** The image's own entrypoint exited within the window: its code, time and output tail. */
    | 'workload-exited'
    | 'internal-error'
    /** The run was stopped (SIGINT/SIGTERM) before this file was finished. */
    | 'interrupted'
    /** A declared deployment whose image no scanned Dockerfile builds. */
    | 'unlinked-deployment'
    /** Something a deployment reader skipped (an unknown kind, compose `include`). */
    | 'deployment-note'
    /** A file a folder search found that is not a Dockerfile (a template, no FROM): skipped, with a warning. */
    | 'skipped-file'
    /** The base commit of the new-findings gate could not be scanned: the gate fails rather than pass blind. */
    | 'baseline-failed'
    /** The config file's policy: rules turned off, an expired or unused ignore, the .hadolint.yaml migration. */
    | 'policy'
  /** One line, a heading: what happened, in the words of the surface (CLI flags or action inputs). */
  message: string
  /** The full text behind the heading (the daemon's whole error, every line); reporters show it collapsed. */
  detail?: string
  file?: string
  line?: number
}

/** The deployment a result was judged (and measured) under. */
export interface TargetInfo {
  /** `compose.yaml service worker`, `k8s/api.yaml Deployment/api container app`, `run-options`. */
  name: string
  /** `none`: no deployment declared, Docker's defaults. */
  source: 'run-options' | 'compose' | 'kubernetes' | 'label' | 'none'
  /** The deployment file (repo-relative) and the service or container line. */
  file?: string
  line?: number
}

/** Everything learned about one Dockerfile under one deployment (a target). */
export interface ScanResult {
  /** The Dockerfile: repo-relative path with forward slashes. */
  file: string
  /** Always set by runScan; optional for reports built by hand. */
  target?: TargetInfo
  model?: DockerfileModel
  profile: RuntimeProfile
  /** All findings, suppressed ones included (they carry `suppression`). */
  findings: Finding[]
  measurement?: Measurement
  /** Why there is no measurement, when there is none. */
  notMeasuredReason?: string
  rows: PrincipleRow[]
  notifications: Notification[]
  /** The verified least-privilege profile (`--suggest`): advice only, it never changes findings or verdicts. */
  suggestion?: Suggestion
}

/** A finding of the base commit that the head no longer has (file as named at the base, line there). */
export type FixedFinding = FindingRef

/** The comparison with the base commit (`--baseline`, input `fail-on-new`): counts are of unsuppressed alerts. */
export interface BaselineSummary {
  /** The ref as given (`main`, `HEAD~1`, a sha). */
  ref: string
  /** The full commit id it named. */
  commit: string
  new: number
  fixed: number
  unchanged: number
  /** The fixed ones, at most src/scan/baseline/run.ts MAX_LISTED_FIXED of them. */
  fixedFindings: FixedFinding[]
}

export interface ScanReport {
  results: ScanResult[]
  /** Problems not tied to one file (daemon unreachable, bad input). */
  notifications: Notification[]
  startedAt: string
  finishedAt: string
  /** Set when the scan was compared with a base commit; findings then carry `baselineState`. */
  baseline?: BaselineSummary
}
