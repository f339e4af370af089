import type { Principle } from './principles'

/** SARIF levels; also the `fail-on` thresholds (plus `never`). */
export type Level = 'error' | 'warning' | 'note'
export type FailOn = Level | 'never'

/** Where the evidence behind a finding came from. */
export type Evidence = 'dockerfile' | 'deployment' | 'measured'

export interface Suppression {
  /**
   * `least-privilege` pragma, hadolint pragma (or `.hadolint.yaml` `ignored:`), file-level pragma, or an
   * `ignore:` entry of the config file.
   */
  kind: 'inline' | 'hadolint' | 'file' | 'config'
  justification: string
  /** 1-based line of the pragma comment, or of the config entry. */
  line: number
  /** The file the suppression is written in, when it is not the finding's own (config file, .hadolint.yaml). */
  file?: string
  /** The config ignore's expiry (YYYY-MM-DD), when it has one. */
  expires?: string
}

/** One problem found in one Dockerfile (or its deployment / measurement). */
export interface Finding {
  ruleId: string
  principle: Principle
  level: Level
  /** Plain text, one or two sentences; the first sentence is the alert title. */
  message: string
  evidence: Evidence
  /** Repo-relative path with forward slashes. */
  file: string
  /** 1-based. Absence findings point at the final stage's FROM line. */
  line: number
  endLine?: number
  /** Measured values (probe), flags, or other structured facts that back the finding. */
  properties?: Record<string, unknown>
  suppression?: Suppression
  /** Against the base commit of the new-findings gate: whether its fingerprint was already there. */
  baselineState?: 'new' | 'unchanged'
}

export const LEVEL_RANK: Record<Level, number> = { note: 1, warning: 2, error: 3 }

/** True when `level` is at or above `threshold`. */
export function meetsThreshold(level: Level, threshold: FailOn): boolean {
  return threshold !== 'never' && LEVEL_RANK[level] >= LEVEL_RANK[threshold]
}
