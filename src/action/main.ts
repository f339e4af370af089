// The action's main step: scan, then report everywhere (SARIF, JSON, outputs, annotations, summary,
// PR comment, upload), then set the step status from the gate, and from nothing else.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as core from '@actions/core'
import { newRunId, ResourceTracker } from '../docker/resources'
import { installStopOnSignal, type StopHandle } from '../docker/stop'
import { describeError } from '../errors'
import type { Logger } from '../logger'
import { TOOL_NAME } from '../meta'
import { renderJson } from '../report/json'
import { renderCommentBody, renderMarkdown } from '../report/markdown'
import { buildSarif, writeSarif } from '../report/sarif'
import { ruleMetas } from '../rules/registry'
import { gateOf, type GateResult } from '../scan/gate'
import { outcome as judge, type Outcome } from '../scan/outcome'
import { runScan } from '../scan/scan'
import { entriesOf, matrixOf, planOf } from '../scan/target-list'
import type { ScanReport } from '../scan/types'
import { emitAnnotations, selectAnnotations } from './annotations'
import { COMMENT_LIMIT, fitComment, upsertStickyComment, type CommentIdentity } from './comment'
import { createGitHubClient } from './github-client'
import {
  defaultCategory,
  identityOf,
  LEGACY_MARKER_PATTERN,
  legacyStickyMarker,
  stickyMarker,
  type ScanIdentity
} from './identity'
import { inputFromEnv, readSettings, type ActionSettings } from './inputs'
import { createActionLogger } from './logger'
import { outputsFrom, setOutputs } from './outputs'
import { safeDebug, safeInfo, safeSetFailed } from './runner-safe'
import { blobBase, PULL_REQUEST_EVENTS, readRunContext, runUrl, type RunContext } from './run-context'
import { saveResources, saveRunId } from './state'
import { composeSummary, SUMMARY_LIMIT_BYTES, writeSummary } from './summary'
import { DEFAULT_POLL_DELAYS_MS, uploadSarif } from './upload'

export async function runMain(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createActionLogger()
  // Masked before anything can fail: an input error may quote a value, and the token may be pasted there.
  const token = inputFromEnv(env, 'github-token')
  if (token) core.setSecret(token)
  const settings = readSettings(env)
  if (settings.listTargets) return listTargets(settings)
  const ctx = readRunContext(env)
  safeDebug(`Dockerfiles: ${settings.dockerfiles.join(', ')}`)
  if (settings.baselineSkipped) logger.warning(settings.baselineSkipped)

  const runId = newRunId(`gh-${ctx.runId || 'local'}`)
  saveRunId(runId)
  // Every container and image is saved to state as soon as it exists, so the post step can remove it
  // even when this step is cancelled or killed.
  const tracker = new ResourceTracker(resources => saveResources(resources))
  // Cancellation (signal part): SIGINT/SIGTERM stop the scan; see finishInterrupted below.
  const stop = installStopOnSignal(logger)
  const report = await runScan(settings, {
    logger,
    runId,
    tracker,
    signal: stop.signal,
    cleanupAfterStopMs: 5_000 // the post step removes the rest
  })
  // Judged once: the step status, outputs and every report render this one outcome.
  const judged = judge(report, settings.failOn)
  const verdict = gateOf(judged)
  const rules = ruleMetas()

  const identity = identityOf(ctx, settings)
  const category = settings.sarifCategory ?? defaultCategory(identity)
  await logger.group('SARIF and JSON report', async () => {
    writeSarif(
      settings.sarifFile,
      buildSarif(report, rules, {
        repoRoot: settings.repoRoot,
        automationId: category,
        alerts: judged.alerts
      })
    )
    logger.info(`SARIF written to ${settings.sarifFile} (category ${category})`)
  })
  // Per step (GITHUB_ACTION names the step): two scans in one job keep their own report.
  const reportFile = join(
    env.RUNNER_TEMP || settings.repoRoot,
    `least-privilege-report-${shortHash(`${category}\n${identity.commentKey}\n${env.GITHUB_ACTION ?? ''}`)}.json`
  )
  mkdirSync(dirname(reportFile), { recursive: true })
  writeFileSync(
    reportFile,
    JSON.stringify(renderJson(report, rules, { failOn: settings.failOn, outcome: judged }), null, 2) + '\n'
  )
  setOutputs(outputsFrom(verdict, settings.sarifFile, reportFile))

  emitAnnotations(selectAnnotations(report, rules, undefined, judged.alerts))

  if (settings.summary) {
    await attempt(logger, 'job summary', () => writeJobSummary(report, judged, verdict, settings, ctx, env))
  }
  if (finishInterrupted(stop)) return
  if (settings.comment && PULL_REQUEST_EVENTS.includes(ctx.eventName)) {
    await logger.group('Pull request comment', () =>
      attempt(logger, 'pull request comment', () =>
        postComment(report, judged, settings, ctx, identity, logger)
      )
    )
  }
  if (settings.uploadSarif) {
    await logger.group('SARIF upload', () =>
      attempt(logger, 'SARIF upload', () => upload(report, settings, ctx, env, logger))
    )
  }

  // A broken event payload is the runner's environment failing: the scan and its reports still ran, but
  // the step fails with one line naming GITHUB_EVENT_PATH (and the verdict's own reason, when it failed too).
  const failures = [verdict.failed ? verdict.reason : undefined, ctx.payloadProblem].filter(Boolean)
  if (failures.length > 0) safeSetFailed(failures.join('; '))
  else safeInfo(verdict.reason)
}

/**
 * Signal part: after a cancel the finished Dockerfiles are already in the SARIF, JSON report, outputs and
 * summary (written above); the network steps (comment, upload) are skipped, and the step fails with 130/143.
 * Returns true when the run was interrupted. Otherwise only removes the handlers.
 */
function finishInterrupted(stop: StopHandle): boolean {
  stop.dispose()
  const code = stop.exitCode()
  if (code === undefined) return false
  core.setFailed(
    `${TOOL_NAME} was interrupted by ${stop.received()}; the report covers the Dockerfiles that finished`
  )
  process.exitCode = code
  // Everything is written; a socket the daemon never answered must not keep the step alive.
  setTimeout(() => process.exit(code), 2_000).unref()
  return true
}

/** `list-targets: true`: the output `targets` for a matrix job; nothing is built, run or uploaded. */
function listTargets(settings: ActionSettings): void {
  const entries = entriesOf(planOf(settings))
  core.setOutput('targets', JSON.stringify(matrixOf(entries, 'action')))
  safeInfo(`${entries.length} target(s): ${entries.map(e => e.id).join(', ')}`)
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8)
}

async function writeJobSummary(
  report: ScanReport,
  judged: Outcome,
  verdict: GateResult,
  settings: ActionSettings,
  ctx: RunContext,
  env: NodeJS.ProcessEnv
): Promise<void> {
  const body = renderMarkdown(report, ruleMetas(), {
    linkBase: blobBase(ctx),
    maxBytes: SUMMARY_LIMIT_BYTES - 16 * 1024,
    failOn: settings.failOn,
    outcome: judged
  })
  await writeSummary(composeSummary(verdict, report, body), env)
}

async function postComment(
  report: ScanReport,
  judged: Outcome,
  settings: ActionSettings,
  ctx: RunContext,
  identity: ScanIdentity,
  logger: Logger
): Promise<void> {
  if (ctx.pullNumber === undefined) {
    logger.warning('No pull request number in the event payload; skipping the comment')
    return
  }
  if (!settings.githubToken) {
    logger.warning('Input github-token is empty; skipping the pull request comment')
    return
  }
  const marker = stickyMarker(identity)
  // A comment an earlier release wrote for this scan is updated (and moves to this marker), not duplicated.
  const sticky: CommentIdentity = {
    marker,
    legacyMarker: legacyStickyMarker(ctx.workflow, ctx.job, settings.dockerfiles),
    legacyPattern: LEGACY_MARKER_PATTERN
  }
  const summaryUrl = runUrl(ctx)
  const body = renderCommentBody(report, ruleMetas(), {
    marker,
    summaryUrl,
    maxChars: COMMENT_LIMIT,
    linkBase: blobBase(ctx),
    failOn: settings.failOn,
    outcome: judged
  })
  const client = createGitHubClient(settings.githubToken)
  const target = { owner: ctx.owner, repo: ctx.repo, issueNumber: ctx.pullNumber }
  await upsertStickyComment(client, target, sticky, fitComment(body, marker, summaryUrl), logger)
}

async function upload(
  report: ScanReport,
  settings: ActionSettings,
  ctx: RunContext,
  env: NodeJS.ProcessEnv,
  logger: Logger
): Promise<void> {
  if (ctx.fromFork) {
    logger.warning(
      'SARIF upload skipped: this pull request comes from a fork, and its token cannot write code scanning results. ' +
        'The SARIF file is written; see docs/action.md for the two-workflow pattern.'
    )
    return
  }
  if (!settings.githubToken) {
    logger.warning('Input github-token is empty; skipping the SARIF upload')
    return
  }
  // Tests shorten the wait; codeql-action's schedule otherwise.
  const first = Number(env.LEAST_PRIVILEGE_UPLOAD_POLL_MS)
  const delaysMs = first > 0 ? DEFAULT_POLL_DELAYS_MS.map((_, i) => first * 2 ** i) : DEFAULT_POLL_DELAYS_MS
  await uploadSarif(
    createGitHubClient(settings.githubToken),
    {
      owner: ctx.owner,
      repo: ctx.repo,
      sarif: readFileSync(settings.sarifFile, 'utf8'),
      commitSha: ctx.sha,
      ref: ctx.ref,
      checkoutUri: pathToFileURL(settings.repoRoot).href,
      startedAt: report.startedAt,
      toolName: TOOL_NAME
    },
    logger,
    { delaysMs }
  )
}

/** Reporting extras must not change the step's result: their failures are warnings. */
async function attempt(logger: Logger, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn()
  } catch (error) {
    logger.warning(`Could not write the ${what}: ${describeError(error)}`)
  }
}
