import type { DockerfileModel } from '../dockerfile/types'
import type { Measurement } from '../docker/types'
import type { Finding } from '../findings'
import type { Principle } from '../principles'
import type { RuntimeProfile } from '../profile/types'

export type Verdict = 'pass' | 'fail' | 'warn' | 'not-measured'

/** One row of the five-principle table. */
export interface PrincipleRow {
  principle: Principle
  /** Short cell texts; plain (unescaped) text, reporters escape. */
  dockerfile: string
  deployment: string
  measured: string
  verdict: Verdict
  /** Why `not-measured`, or which finding decided a fail/warn. */
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
    | 'internal-error'
    /** The run was stopped (SIGINT/SIGTERM) before this file was finished. */
    | 'interrupted'
    /** A declared deployment whose image no scanned Dockerfile builds. */
    | 'unlinked-deployment'
    /** Something a deployment reader skipped (an unknown kind, compose `include`). */
    | 'deployment-note'
  message: string
  file?: string
  line?: number
}

/** The deployment a result was judged (and measured) under. */
export interface TargetInfo {
  /** `compose.yaml service worker`, `k8s/api.yaml Deployment/api container app`, `run-options`. */
  name: string
  /** `none`: no deployment declared, Docker's defaults. */
  source: 'run-options' | 'compose' | 'kubernetes' | 'none'
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
}

export interface ScanReport {
  results: ScanResult[]
  /** Problems not tied to one file (daemon unreachable, bad input). */
  notifications: Notification[]
  startedAt: string
  finishedAt: string
}
