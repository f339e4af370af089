// The JSON report (`--format json`, and the action's `report` output file). A stable, versioned shape with
// snake_case keys; raw values, no escaping (consumers escape for their own medium). Its JSON Schema is
// schema/report.schema.json (documented in docs/report.md; a test validates real output): change both together.
//
// schema_version 1:
// {
//   schema_version: 1,
//   tool: { name, version, uri },
//   started_at, finished_at,            ISO 8601 strings as the scan recorded them
//   fail_on, verdict: 'pass'|'fail',    judged like every other format (src/scan/outcome.ts)
//   summary: string,                    the one-sentence verdict, plain text
//   totals: { findings, error, warning, note, suppressed, failing, files,
//             notifications: { error, warning, note } }   findings/levels count unsuppressed findings, one
//                                       per cause: a Dockerfile finding judged under two targets counts once
//   results: [{
//     file,                             the Dockerfile: repo-relative, forward slashes
//     target: { name, source, file, line } | null   the deployment judged: compose service, Kubernetes
//                                       container, run-options or none (Docker's defaults)
//     profile: { declared, args },      the deployment flags judged and measured (declared=false: Docker defaults)
//     rows: [{ principle, name, dockerfile, deployment, measured, verdict, reason,   always five, principle order
//              basis: 'declared'|'measured'|'none',   what the verdict rests on ('none': not-measured, nothing decides)
//              decided_by: { rule_id, level, file, line, end_line, message } | null,   the finding behind it
//              assumed: 'docker-defaults' | null }]   warn because no deployment is declared (LP200)
//     findings: [{ rule_id, rule_name, principle, level, evidence, message, file, line, end_line,
//                  fix, help_uri, properties, suppressed, suppression: { kind, justification, line } | null }]
//     totals: { error, warning, note, suppressed },   this target's own findings
//     measurement: Measurement | null,  image, daemon, probe (the probe's own snake_case report), workload, probedIn
//     not_measured_reason: string | null,
//     notifications: [{ level, kind, message, file, line, detail }]   detail: the full text behind a one-line message, or null
//     suggestion?: { status, reason, docker, compose, kubernetes, needs: [{ kind, value, evidence }],
//                    verified: { outcome, window_ms, ports, healthcheck }, limits, trials }   only with --suggest
//                                       (input suggest) on a measured target: advice, never part of the verdict
//   }],
//   notifications: [...]                problems not tied to one file
//   baseline: { ref, commit, new, fixed, unchanged,   the comparison with a base commit (--baseline,
//               fixed_findings: [{ rule_id, level, file, line, end_line, message }] } | null   fail-on-new)
// }
// With a baseline each finding also says baseline_state: 'new' | 'unchanged' (null without one).

import { clip } from '../dockerfile/limits'
import type { FailOn, Finding } from '../findings'
import { REPO_URL, TOOL_NAME, TOOL_VERSION } from '../meta'
import { PRINCIPLE_NAMES, type Principle } from '../principles'
import type { RuleMeta } from '../rules/types'
import type { Measurement } from '../docker/types'
import type { Suggestion, SuggestionNeed } from '../suggest/types'
import { outcome as judge, type Outcome } from '../scan/outcome'
import type {
  Basis,
  FindingRef,
  Notification,
  PrincipleRow,
  ScanReport,
  ScanResult,
  Verdict
} from '../scan/types'
import {
  activeFindings,
  allNotifications,
  byLine,
  countLevels,
  principleRows,
  ruleDocsUrl,
  ruleIndex
} from './summary'

export const JSON_REPORT_SCHEMA_VERSION = 1

export interface JsonNotification {
  level: Notification['level']
  kind: Notification['kind']
  message: string
  file: string | null
  line: number | null
  /** The full text behind a one-line heading (the daemon's whole error), when there is one. */
  detail: string | null
}

/** Longest detail text kept (a daemon error may quote a whole build log). */
const MAX_DETAIL_LENGTH = 8_000

export interface JsonFinding {
  rule_id: string
  rule_name: string | null
  principle: Principle
  level: Finding['level']
  evidence: Finding['evidence']
  message: string
  file: string
  line: number
  end_line: number | null
  fix: string | null
  help_uri: string | null
  properties: Record<string, unknown>
  suppressed: boolean
  /** Against the baseline's commit; null without a baseline. */
  baseline_state: 'new' | 'unchanged' | null
  suppression: {
    kind: string
    justification: string
    line: number
    /** The config file or .hadolint.yaml that holds the ignore (absent for pragmas). */
    file?: string
    expires?: string
  } | null
}

export interface JsonRow {
  principle: Principle
  name: string
  dockerfile: string
  deployment: string
  measured: string
  verdict: Verdict
  reason: string | null
  basis: Basis
  decided_by: JsonFindingRef | null
  assumed: 'docker-defaults' | null
}

export interface JsonResult {
  file: string
  target: { name: string; source: string; file: string | null; line: number | null } | null
  profile: { declared: boolean; args: string[] }
  rows: JsonRow[]
  findings: JsonFinding[]
  totals: { error: number; warning: number; note: number; suppressed: number }
  measurement: Measurement | null
  not_measured_reason: string | null
  notifications: JsonNotification[]
  /** Only with `--suggest` (input `suggest`) on a measured target (src/suggest/). */
  suggestion?: JsonSuggestion
}

export interface JsonSuggestion {
  status: Suggestion['status']
  reason: string | null
  docker: string
  compose: string
  kubernetes: string
  needs: Array<{ kind: SuggestionNeed['kind']; value: string; evidence: string }>
  verified: {
    outcome: Suggestion['verified']['outcome']
    window_ms: number
    ports: string[]
    healthcheck: Suggestion['verified']['healthcheck']
  }
  limits: string
  trials: number
}

function suggestionOf(s: Suggestion): JsonSuggestion {
  return {
    status: s.status,
    reason: s.reason ?? null,
    docker: s.docker,
    compose: s.compose,
    kubernetes: s.kubernetes,
    needs: s.needs.map(n => ({ kind: n.kind, value: n.value, evidence: n.evidence })),
    verified: {
      outcome: s.verified.outcome,
      window_ms: s.verified.windowMs,
      ports: [...s.verified.ports],
      healthcheck: s.verified.healthcheck
    },
    limits: s.limits,
    trials: s.trials
  }
}

export interface JsonReport {
  schema_version: typeof JSON_REPORT_SCHEMA_VERSION
  tool: { name: string; version: string; uri: string }
  started_at: string
  finished_at: string
  fail_on: FailOn
  verdict: 'pass' | 'fail'
  summary: string
  totals: {
    findings: number
    error: number
    warning: number
    note: number
    suppressed: number
    failing: number
    files: number
    notifications: { error: number; warning: number; note: number }
  }
  results: JsonResult[]
  notifications: JsonNotification[]
  baseline: JsonBaseline | null
}

export interface JsonBaseline {
  ref: string
  commit: string
  new: number
  fixed: number
  unchanged: number
  fixed_findings: JsonFindingRef[]
}

/** A finding named without its detail: the one deciding a row, or one the baseline's base had. */
export interface JsonFindingRef {
  rule_id: string
  level: Finding['level']
  file: string
  line: number
  end_line: number | null
  message: string
}

function findingRef(ref: FindingRef): JsonFindingRef {
  return {
    rule_id: ref.ruleId,
    level: ref.level,
    file: ref.file,
    line: ref.line,
    end_line: ref.endLine ?? null,
    message: ref.message
  }
}

function baselineOf(report: ScanReport): JsonBaseline | null {
  const b = report.baseline
  if (!b) return null
  return {
    ref: b.ref,
    commit: b.commit,
    new: b.new,
    fixed: b.fixed,
    unchanged: b.unchanged,
    fixed_findings: b.fixedFindings.map(findingRef)
  }
}

function notification(n: Notification): JsonNotification {
  return {
    level: n.level,
    kind: n.kind,
    message: n.message,
    file: n.file ?? null,
    line: n.line ?? null,
    detail: n.detail === undefined ? null : clip(n.detail, MAX_DETAIL_LENGTH)
  }
}

/** What every finding of one rule repeats, built once per rule. */
type RuleFields = Pick<JsonFinding, 'rule_name' | 'fix' | 'help_uri'>

function ruleFields(
  ruleId: string,
  rules: Map<string, RuleMeta>,
  cache: Map<string, RuleFields>
): RuleFields {
  let fields = cache.get(ruleId)
  if (!fields) {
    const meta = rules.get(ruleId)
    fields = {
      rule_name: meta?.name ?? null,
      fix: meta?.fix ?? null,
      help_uri: meta ? ruleDocsUrl(meta.id) : null
    }
    cache.set(ruleId, fields)
  }
  return fields
}

function finding(f: Finding, rules: Map<string, RuleMeta>, cache: Map<string, RuleFields>): JsonFinding {
  const meta = ruleFields(f.ruleId, rules, cache)
  return {
    rule_id: f.ruleId,
    rule_name: meta.rule_name,
    principle: f.principle,
    level: f.level,
    evidence: f.evidence,
    message: f.message,
    file: f.file,
    line: f.line,
    end_line: f.endLine ?? null,
    fix: meta.fix,
    help_uri: meta.help_uri,
    properties: f.properties ?? {},
    suppressed: Boolean(f.suppression),
    baseline_state: f.baselineState ?? null,
    suppression: f.suppression
      ? {
          kind: f.suppression.kind,
          justification: f.suppression.justification,
          line: f.suppression.line,
          ...(f.suppression.file !== undefined ? { file: f.suppression.file } : {}),
          ...(f.suppression.expires !== undefined ? { expires: f.suppression.expires } : {})
        }
      : null
  }
}

function jsonRow(row: PrincipleRow): JsonRow {
  const by = row.decidedBy
  return {
    principle: row.principle,
    name: PRINCIPLE_NAMES[row.principle],
    dockerfile: row.dockerfile,
    deployment: row.deployment,
    measured: row.measured,
    verdict: row.verdict,
    reason: row.reason ?? null,
    // Rows built by hand before basis existed: a not-measured row rests on nothing, others on what is written.
    basis: row.basis ?? (row.verdict === 'not-measured' ? 'none' : 'declared'),
    decided_by: by ? findingRef(by) : null,
    assumed: row.assumed ?? null
  }
}

function result(r: ScanResult, rules: Map<string, RuleMeta>, cache: Map<string, RuleFields>): JsonResult {
  const active = activeFindings(r)
  const levels = countLevels(active)
  return {
    file: r.file,
    target: r.target
      ? {
          name: r.target.name,
          source: r.target.source,
          file: r.target.file ?? null,
          line: r.target.line ?? null
        }
      : null,
    profile: { declared: r.profile.declared, args: [...r.profile.args] },
    rows: principleRows(r).map(jsonRow),
    findings: [...r.findings].sort(byLine).map(f => finding(f, rules, cache)),
    totals: { ...levels, suppressed: r.findings.length - active.length },
    measurement: r.measurement ?? null,
    not_measured_reason: r.notMeasuredReason ?? null,
    notifications: r.notifications.map(notification),
    ...(r.suggestion ? { suggestion: suggestionOf(r.suggestion) } : {})
  }
}

/**
 * The report as a plain JSON-ready object (serialise with JSON.stringify). Pass the scan's `outcome`
 * (src/scan/outcome.ts) to render it; without one it is computed from `failOn` (default `error`).
 */
export function renderJson(
  report: ScanReport,
  rules: RuleMeta[],
  options: { failOn?: FailOn; outcome?: Outcome } = {}
): JsonReport {
  const judged = options.outcome ?? judge(report, options.failOn ?? 'error')
  const failOn = judged.failOn
  const byId = ruleIndex(rules)
  const notes = allNotifications(report)
  const countOf = (level: Notification['level']): number => notes.filter(n => n.level === level).length
  const cache = new Map<string, RuleFields>()
  return {
    schema_version: JSON_REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION, uri: REPO_URL },
    started_at: report.startedAt,
    finished_at: report.finishedAt,
    fail_on: failOn,
    verdict: judged.verdict,
    summary: judged.sentence,
    totals: {
      findings: judged.findings,
      ...judged.byLevel,
      suppressed: judged.suppressed,
      failing: judged.failing,
      files: judged.files,
      notifications: { error: countOf('error'), warning: countOf('warning'), note: countOf('note') }
    },
    results: report.results.map(r => result(r, byId, cache)),
    notifications: report.notifications.map(notification),
    baseline: baselineOf(report)
  }
}
