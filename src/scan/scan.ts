// The pipeline for every Dockerfile: model -> profile -> [build -> measure] -> rules -> rows.
// Never throws for operational problems (they become notifications, and whatever completed is reported);
// throws UsageError for bad input. Asked to stop (deps.signal), it abandons the step in flight, marks the
// unfinished Dockerfiles as interrupted, cleans up (bounded) and returns what it has.
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import type Docker from 'dockerode'
import { buildImage } from '../docker/build'
import { connectDocker, dockerEndpoint } from '../docker/client'
import { imageFactsFrom, inspectImage, inspectImageRaw } from '../docker/inspect'
import { measureImage } from '../docker/measure'
import { suggestionFor } from '../suggest/step'
import type { Suggestion } from '../suggest/types'
import { ensureImage, isNoSuchImage, pullImage } from '../docker/pull'
import { buildRegistryConfig, readDockerConfig } from '../docker/registry-auth'
import { Interrupted, stopReason } from '../docker/call'
import {
  CleanupError,
  ResourceTracker,
  describeFailures,
  sweepLabelled,
  type CleanupFailure
} from '../docker/resources'
import { resolveTimeouts, type DockerTimeouts } from '../docker/timeouts'
import type { DaemonFacts, Measurement, WorkloadReport } from '../docker/types'
import { buildModel } from '../dockerfile/model'
import type { DockerfileModel } from '../dockerfile/types'
import { OperationalError, UsageError, describeError } from '../errors'
import { silentLogger, type Logger } from '../logger'
import { RESOURCE_LABEL } from '../meta'
import type { RuntimeProfile } from '../profile/types'
import { evaluateRules } from '../rules/engine'
import { ALL_RULES, ruleMetas } from '../rules/registry'
import type { Rule } from '../rules/types'
import { applySuppressions } from '../rules/suppress'
import { applyPolicy, policyNotes, utcDay, type Policy } from '../rules/policy'
import type { Settings } from '../settings'
import type { Deployment } from '../deployment/types'
import { isImageReference } from '../config/image-ref'
import { readContextFiles } from './context-files'
import { labelDeployment } from '../deployment/label'
import { withBaseline } from './baseline/run'
import type { ScanTarget } from './discover'
import { OrderedOutput } from './ordered-log'
import { mapBounded } from './pool'
import { planOf, selectTarget } from './target-list'
import { readDockerfileText, templateReason } from './read-dockerfile'
import { reconcileWithMeasurement } from './reconcile'
import { principleRows } from './rows'
import { buildKey, jobFile, targetInfo, type DockerfileJob, type ImageJob, type Job } from './targets'
import type { Notification, ScanReport, ScanResult } from './types'
import {
  daemonUnreachable,
  headingAndDetail,
  imageNeedsOneDockerfile,
  notBuiltReason,
  probeOffReason
} from './wording'

export interface ScanDeps {
  logger: Logger
  /** Unique per invocation; labels every container and image created. */
  runId: string
  /** Records created resources; the caller may persist it (action post step) or clean on signals. */
  tracker?: ResourceTracker
  /**
   * Aborted (reason: the signal's name) when the run must stop: checked between steps and passed into every
   * Docker call, so the step in flight is abandoned at once and the finished targets are still returned.
   */
  signal?: AbortSignal
  /**
   * After a stop, cleanup gets at most this long (the action's post step removes the rest, and the runner
   * sends a second signal 7.5 s after the first); default: the usual cleanup limit.
   */
  cleanupAfterStopMs?: number
  /** Where the daemon is (DOCKER_HOST ...) and its credentials (DOCKER_CONFIG, HOME); default process.env. */
  dockerEnv?: Record<string, string | undefined>
  /** Told when target `index` (plan order) starts and finishes: tests observe the --jobs bound with it. */
  onTarget?: (index: number, state: 'started' | 'finished') => void
}

interface DockerSession {
  docker: Docker
  daemon: DaemonFacts
}

/** Builds already done (or failed) in this run, by buildKey: a Dockerfile deployed twice is built once. */
type BuildCache = Map<string, Promise<{ tag: string } | { error: unknown }>>

/** The policy of one run: one day for every target, and the ignores that matched a finding anywhere. */
interface PolicyRun {
  policy: Policy
  today: string
  matched: Set<number>
}

export async function runScan(settings: Settings, deps: ScanDeps): Promise<ScanReport> {
  const startedAt = new Date().toISOString()
  const planned = planOf(settings)
  // --only-target / input target-id: one target of the plan (a matrix leg). Its id was checked when the
  // settings were read; at the base commit of --baseline a target the change adds is just absent (all new).
  const plan =
    settings.onlyTarget !== undefined
      ? selectTarget(planned, settings.onlyTarget, settings.surface, true)
      : planned
  if (settings.image && plan.dockerfiles.length > 1) {
    throw new UsageError(imageNeedsOneDockerfile(settings.surface, plan.dockerfiles.length))
  }
  const notifications: Notification[] = [
    ...settings.deploymentNotes.map((note): Notification => ({
      level: 'note',
      kind: 'deployment-note',
      message: note.message,
      file: note.file,
      line: note.line
    })),
    ...plan.notifications
  ]
  const tracker = deps.tracker ?? new ResourceTracker()
  const session = await openDockerSession(settings, deps, notifications)
  const results: ScanResult[] = []
  const builds: BuildCache = new Map()
  const policy: PolicyRun = { policy: settings.policy, today: settings.today ?? utcDay(), matched: new Set() }
  try {
    results.push(...(await scanAll(plan.jobs, builds, settings, session, tracker, deps, policy)))
  } finally {
    if (session) await releaseResources(session.docker, tracker, settings, deps, notifications)
  }
  for (const note of policyNotes(policy.policy, policy.matched, policy.today))
    notifications.push({ level: note.level, kind: 'policy', message: note.message })
  const report = { results, notifications, startedAt, finishedAt: new Date().toISOString() }
  // The base commit is read statically (no daemon): its scan needs no session, and logs nothing of its own.
  return withBaseline(report, settings, base => runScan(base, { ...deps, logger: silentLogger }))
}

/**
 * What the report says about the image's own entrypoint when it was not simply measured: it could not be
 * observed (a warning), or it exited within the window (a note with its code, time and output tail).
 */
function workloadNotification(workload: WorkloadReport | undefined, file: string): Notification | undefined {
  if (workload?.status === 'failed')
    return {
      level: 'warning',
      kind: 'workload-failed',
      message: `the image's own entrypoint could not be observed: ${workload.detail ?? 'unknown reason'}`,
      file
    }
  if (workload?.status === 'exited')
    return {
      level: 'note',
      kind: 'workload-exited',
      message: `the image's own entrypoint ${workload.detail ?? 'exited within the window'}`,
      ...(workload.outputTail ? { detail: workload.outputTail } : {}),
      file
    }
  return undefined
}

/** Building (or naming an image) needs a daemon even when probing is off: the build itself is checked. */
function dockerWanted(settings: Settings): boolean {
  return settings.build || settings.image !== undefined
}

async function openDockerSession(
  settings: Settings,
  deps: ScanDeps,
  notifications: Notification[]
): Promise<DockerSession | undefined> {
  if (!dockerWanted(settings)) return undefined
  try {
    return await connectDocker(deps.logger, {
      ...(deps.dockerEnv ? { env: deps.dockerEnv } : {}),
      stop: deps.signal
    })
  } catch (error) {
    if (error instanceof Interrupted) return undefined // every target says it was interrupted
    const endpoint = dockerEndpoint(deps.dockerEnv ?? process.env)
    notifications.push({ kind: 'daemon-unreachable', ...daemonUnreachable(settings, endpoint, error) })
    return undefined
  }
}

/** Unset --jobs: one target per CPU the process may use. */
function defaultJobs(): number {
  return Math.max(1, availableParallelism())
}

/**
 * Every target, at most `settings.jobs` at a time, results in plan order; the build cache is shared (a second
 * target of one Dockerfile waits for the first's build). With more than one at a time each target logs into
 * its own buffer, written whole in plan order (ordered-log.ts); with one, straight to the logger as always.
 */
async function scanAll(
  jobs: Job[],
  ...[builds, settings, session, tracker, deps, policy]: Tail<Parameters<typeof scanOne>>
): Promise<ScanResult[]> {
  // Without a daemon a target's scan is synchronous work: nothing to overlap, and output stays as it was.
  const width = session ? Math.min(settings.jobs ?? defaultJobs(), jobs.length) : 1
  const output = width > 1 ? new OrderedOutput(deps.logger, jobs.length) : undefined
  // After a stop, targets not yet started get their static checks only (scanOne sees the signal), quietly.
  const scan = (quiet: boolean) => async (job: Job, index: number) => {
    const logger = output?.start(index, jobLabel(job), quiet) ?? deps.logger
    deps.onTarget?.(index, 'started')
    try {
      return await scanOneSafely(job, builds, settings, session, tracker, { ...deps, logger }, policy)
    } finally {
      deps.onTarget?.(index, 'finished')
      output?.finish(index)
    }
  }
  try {
    return await mapBounded(jobs, width, scan(false), { signal: deps.signal, afterStop: scan(true) })
  } finally {
    await output?.drained()
  }
}

type Tail<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never

/** How a target is named in progress lines: its file, and the deployment when one is declared. */
function jobLabel(job: Job): string {
  const file = job.kind === 'dockerfile' ? job.dockerfile.file : job.image
  return job.deployment ? `${file} (${job.target.name})` : file
}

/** A bug while scanning one file must not lose the other files' results: it becomes that file's notification. */
async function scanOneSafely(...args: Parameters<typeof scanOne>): Promise<ScanResult> {
  try {
    return await scanOne(...args)
  } catch (error) {
    if (error instanceof UsageError) throw error
    const [job, , settings] = args
    if (error instanceof Interrupted) return interruptedResult(job, settings, error.signalName)
    const message = `internal error while scanning this file: ${describeError(error)} (please report it)`
    const note: Notification = { level: 'error', kind: 'internal-error', message, file: jobFile(job) }
    return emptyResult(job, settings, [note], 'an internal error stopped the scan of this file')
  }
}

function profileOf(job: Job, settings: Settings): RuntimeProfile {
  return job.deployment?.profile ?? (job.kind === 'dockerfile' ? job.profile : undefined) ?? settings.profile
}

async function scanOne(
  planned: Job,
  builds: BuildCache,
  settings: Settings,
  session: DockerSession | undefined,
  tracker: ResourceTracker,
  deps: ScanDeps,
  policy: PolicyRun
): Promise<ScanResult> {
  if (planned.kind === 'image') return scanImageOnly(planned, settings, session, tracker, deps, policy)
  const target = planned.dockerfile
  const notifications: Notification[] = []
  const read = readDockerfileText(target.path)
  const template = read.ok ? templateReason(read.text) : undefined
  if (!read.ok || template) {
    notifications.push(notADockerfile(target, 'input-error', read.ok ? (template as string) : read.reason))
    return emptyResult(planned, settings, notifications, 'the file is not a Dockerfile')
  }
  let model: DockerfileModel
  try {
    model = buildModel(read.text, target.file, {
      target: planned.build.target,
      buildArgs: planned.build.buildArgs
    })
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    // Notifications carry the file; the message need not repeat it.
    const message = describeError(error).replace(`${target.file}: `, '')
    // Only a file without any FROM is "not a Dockerfile"; an unknown --target is the user's mistake.
    const noFrom = !/^\s*from\s/im.test(read.text)
    notifications.push(
      noFrom
        ? notADockerfile(target, 'parse-error', message)
        : { level: 'error', kind: 'parse-error', message, file: target.file }
    )
    return emptyResult(planned, settings, notifications, 'the Dockerfile could not be modelled')
  }
  // Entrypoint scripts copied from the build context, read as text (never run) for privilege drops.
  const contextFiles = readContextFiles(model, planned.build.context ?? dirname(target.path), target.path)
  if (contextFiles.length > 0) model.contextFiles = contextFiles
  for (const problem of model.problems) {
    notifications.push({
      level: 'warning',
      kind: 'parse-error',
      message: `line ${problem.line}: ${problem.message}`,
      file: target.file,
      line: problem.line
    })
  }
  // An image that documents its own `docker run` (LABEL RUN=) is judged, and probed, under it when nothing
  // else declares how it runs.
  const job = withRunLabel(planned, model, settings, notifications)
  const profile = profileOf(job, settings)

  let measurement: Measurement | undefined
  let suggestion: Suggestion | undefined
  let notMeasuredReason: string | undefined = staticOnlyReason(settings, session)
  // After a stop the static part still runs (it needs no daemon); only the measurement is given up.
  let stopped = stopReason(deps.signal)
  if (session && !stopped) {
    try {
      const measured = await buildAndMeasure(job, builds, settings, session, tracker, deps, notifications)
      measurement = measured.measurement
      notMeasuredReason = measured.notMeasuredReason
      suggestion = measured.suggestion
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error
      stopped = error.signalName
    }
  }
  if (stopped) {
    notMeasuredReason = `interrupted by ${stopped}`
    notifications.push(interruptedNote(target.file, stopped))
  }

  const result = judge(
    target.file,
    job,
    { model, profile, measurement, notMeasuredReason, notifications },
    ALL_RULES,
    policy
  )
  return suggestion ? { ...result, suggestion } : result
}

/** What a target's scan gathered, before it is judged. */
interface Gathered {
  model: DockerfileModel
  profile: RuntimeProfile
  measurement?: Measurement
  notMeasuredReason?: string
  notifications: Notification[]
}

/**
 * The rules over what was gathered, reconciled with the measurement and suppressed, and the principle rows:
 * the one place a target becomes a ScanResult (a Dockerfile target, or an image judged from its deployment).
 */
function judge(
  file: string,
  job: Job,
  gathered: Gathered,
  rules: readonly Rule[],
  policy: PolicyRun,
  imageOnly?: string
): ScanResult {
  const { model, profile, measurement, notMeasuredReason, notifications } = gathered
  const ctx = {
    model,
    profile,
    deployment: declaredDeployment(job.deployment),
    image: measurement?.image,
    daemon: measurement?.daemon,
    probe: measurement?.probe,
    workload: measurement?.workload
  }
  const raw = reconcileWithMeasurement(evaluateRules(rules, ctx), measurement)
  const suppressed = applySuppressions(raw, model, ruleMetas(), job.deployment?.pragmas)
  // Levels and config ignores before the rows: the rows, the gate and the reports see the same findings.
  const applied = applyPolicy(suppressed, file, policy.policy, policy.today)
  for (const index of applied.matchedIgnores) policy.matched.add(index)
  const findings = applied.findings
  return {
    file,
    target: job.target,
    model,
    profile,
    findings,
    ...(measurement ? { measurement } : {}),
    ...(notMeasuredReason ? { notMeasuredReason } : {}),
    rows: principleRows({
      model,
      profile,
      measurement,
      notMeasuredReason,
      findings,
      target: job.target,
      deployment: job.deployment,
      ...(imageOnly !== undefined ? { imageOnly } : {})
    }),
    notifications
  }
}

/** Rules that judge the deployment or the measurement: a synthetic `FROM <image>` file has nothing else. */
const IMAGE_ONLY_RULES = ALL_RULES.filter(rule => rule.meta.evidence !== 'dockerfile')

/** Longest padding put before the synthetic FROM (so its absence findings land on the container's line). */
const MAX_SYNTHETIC_PADDING = 100_000

/**
 * An image no scanned Dockerfile builds: judged on its declared deployment alone, with a stand-in model
 * (`FROM <image>` at the deployment entry's line of its file) so measured rules have a final stage. Probed
 * when the image is present locally; pulled only when it is the --image reference.
 */
async function scanImageOnly(
  job: ImageJob,
  settings: Settings,
  session: DockerSession | undefined,
  tracker: ResourceTracker,
  deps: ScanDeps,
  policy: PolicyRun
): Promise<ScanResult> {
  const profile = job.deployment.profile
  const notifications: Notification[] = []
  const line = job.deployment.at?.line ?? 1
  const padding = line <= MAX_SYNTHETIC_PADDING ? '\n'.repeat(line - 1) : ''
  // Only reference characters reach the stand-in text: nothing else is read as an instruction or a variable.
  const from = isImageReference(job.image) ? job.image : 'invalid-reference'
  const model = buildModel(`${padding}FROM ${from}\n`, job.file)

  let measurement: Measurement | undefined
  let notMeasuredReason: string | undefined = staticOnlyReason(settings, session)
  let stopped = stopReason(deps.signal)
  // probe false still inspects the image (its Config.User is reported), as for a built image.
  if (session && !stopped && (notMeasuredReason === undefined || settings.probe === 'false')) {
    try {
      const measured = await measureLocalImage(job, settings, session, tracker, deps, notifications)
      measurement = measured.measurement
      notMeasuredReason = measured.notMeasuredReason
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error
      stopped = error.signalName
    }
  }
  if (stopped) {
    notMeasuredReason = `interrupted by ${stopped}`
    notifications.push(interruptedNote(job.file, stopped))
  }
  return judge(
    job.file,
    job,
    { model, profile, measurement, notMeasuredReason, notifications },
    IMAGE_ONLY_RULES,
    policy,
    job.image
  )
}

/** Probes an image-only target's image when the daemon has it (inspect by name); only --image is pulled. */
async function measureLocalImage(
  job: ImageJob,
  settings: Settings,
  session: DockerSession,
  tracker: ResourceTracker,
  deps: ScanDeps,
  notifications: Notification[]
): Promise<{ measurement?: Measurement; notMeasuredReason?: string }> {
  const alone = 'judged from the deployment alone'
  if (!isImageReference(job.image))
    return { notMeasuredReason: `image ${JSON.stringify(job.image)} is not a valid reference; ${alone}` }
  const timeouts = timeoutsOf(settings)
  let present
  const inspect = async (): Promise<ReturnType<typeof imageFactsFrom>> =>
    imageFactsFrom(
      job.image,
      await inspectImageRaw(session.docker, job.image, { timeouts, stop: deps.signal })
    )
  try {
    present = await inspect()
  } catch (error) {
    if (error instanceof Interrupted) throw error
    if (!isNoSuchImage(error)) {
      notifications.push(operationalNotification(error, job.file, 'probe-failed'))
      return { notMeasuredReason: `image ${job.image} could not be inspected; ${alone}` }
    }
    // A deployment's image is never pulled (it may be anyone's); the one named with --image is asked for.
    if (job.image !== settings.image)
      return { notMeasuredReason: `image ${job.image} is not present locally; ${alone}` }
    try {
      await pullImage(session.docker, job.image, pullOptions(settings, deps))
      present = await inspect()
    } catch (pullError) {
      if (pullError instanceof Interrupted) throw pullError
      notifications.push(operationalNotification(pullError, job.file, 'probe-failed'))
      return { notMeasuredReason: `image ${job.image} could not be pulled; ${alone}` }
    }
  }
  if (settings.probe === 'false')
    return {
      measurement: { image: present, daemon: session.daemon },
      notMeasuredReason: 'probing is disabled'
    }
  const subject = `${job.image} (${job.target.name})`
  try {
    const measurement = await deps.logger.group(`Probe ${subject}`, () =>
      measureImage(session.docker, session.daemon, {
        image: job.image,
        profile: job.deployment.profile,
        runId: deps.runId,
        probeTimeoutMs: settings.probeTimeoutMs,
        workloadWindowMs: settings.workloadWindowMs,
        logger: deps.logger,
        tracker,
        timeouts,
        stop: deps.signal,
        subject
      })
    )
    const aboutWorkload = workloadNotification(measurement.workload, job.file)
    if (aboutWorkload) notifications.push(aboutWorkload)
    return { measurement }
  } catch (error) {
    if (error instanceof Interrupted) throw error
    const kind =
      error instanceof OperationalError && error.kind === 'probe-timeout' ? 'probe-timeout' : 'probe-failed'
    notifications.push(operationalNotification(error, job.file, kind))
    return { notMeasuredReason: kind === 'probe-timeout' ? 'the probe timed out' : 'the probe failed' }
  }
}

/** A pull is one stream like a build, so the build limit (--build-timeout) bounds it. */
function pullOptions(settings: Settings, deps: ScanDeps): Parameters<typeof pullImage>[2] {
  const timeouts = timeoutsOf(settings)
  return {
    logger: deps.logger,
    timeouts,
    timeoutMs: timeouts.buildMs,
    stop: deps.signal,
    env: deps.dockerEnv ?? process.env
  }
}

/**
 * A file that is not a Dockerfile: an error when it was named (or a compose build names it), a warning
 * when a folder search found it (a template, a parser fixture), which is skipped and leaves the exit status.
 */
function notADockerfile(
  target: ScanTarget,
  kind: 'input-error' | 'parse-error',
  reason: string
): Notification {
  if (target.discovered)
    return {
      level: 'warning',
      kind: 'skipped-file',
      message: `skipped, found by a folder search: ${reason}`,
      file: target.file
    }
  return { level: 'error', kind, message: reason, file: target.file }
}

function staticOnlyReason(settings: Settings, session: DockerSession | undefined): string | undefined {
  if (!settings.build && settings.image === undefined) return notBuiltReason(settings.surface)
  if (!session) return 'no Docker daemon answered'
  if (settings.probe === 'false') return probeOffReason(settings.surface)
  return undefined
}

/** The job judged under the image's `LABEL RUN=` command when no deployment or run-options is declared. */
function withRunLabel(
  job: DockerfileJob,
  model: DockerfileModel,
  settings: Settings,
  notifications: Notification[]
): DockerfileJob {
  if (job.deployment || profileOf(job, settings).declared) return job
  const label = labelDeployment(model)
  if (label.problem) {
    notifications.push({
      level: 'warning',
      kind: 'parse-error',
      message: `line ${label.problem.line}: ${label.problem.message}`,
      file: model.file,
      line: label.problem.line
    })
  }
  if (!label.deployment) return job
  return { ...job, deployment: label.deployment, target: targetInfo(label.deployment, settings) }
}

/** Run-options deployments keep today's locations (the Dockerfile); declared ones point at their file. */
function declaredDeployment(deployment: Deployment | undefined): Deployment | undefined {
  return deployment && deployment.source !== 'run-options' ? deployment : undefined
}

/** Builds the job's image once per buildKey; a failed build fails every job that needs it. */
function cachedBuild(
  job: DockerfileJob,
  builds: BuildCache,
  settings: Settings,
  session: DockerSession,
  tracker: ResourceTracker,
  deps: ScanDeps
): Promise<{ tag: string } | { error: unknown }> {
  const key = buildKey(job)
  const known = builds.get(key)
  if (known) return known
  const target = job.dockerfile
  const index = builds.size
  const build = deps.logger
    .group(`Build ${target.file}`, () =>
      buildImage(session.docker, {
        dockerfile: target.path,
        context: job.build.context ?? dirname(target.path),
        buildArgs: job.build.buildArgs,
        target: job.build.target,
        tag: `least-privilege-scan:${deps.runId}-${index}`,
        labels: { [RESOURCE_LABEL]: deps.runId },
        logger: deps.logger,
        tracker,
        timeouts: timeoutsOf(settings),
        stop: deps.signal,
        // Private base images: the Docker config's credentials, as `docker build` sends them.
        registryAuth: buildRegistryConfig(readDockerConfig(deps.dockerEnv ?? process.env))
      })
    )
    .then(
      built => ({ tag: built.tag }),
      (error: unknown) => ({ error })
    )
  builds.set(key, build)
  return build
}

async function buildAndMeasure(
  job: DockerfileJob,
  builds: BuildCache,
  settings: Settings,
  session: DockerSession,
  tracker: ResourceTracker,
  deps: ScanDeps,
  notifications: Notification[]
): Promise<{ measurement?: Measurement; notMeasuredReason?: string; suggestion?: Suggestion }> {
  const { logger } = deps
  const target = job.dockerfile
  const profile = profileOf(job, settings)
  const subject = job.deployment ? `${target.file} (${job.target.name})` : target.file
  let image = settings.image
  if (!image) {
    const built = await cachedBuild(job, builds, settings, session, tracker, deps)
    if ('error' in built) {
      if (built.error instanceof Interrupted) throw built.error
      notifications.push(operationalNotification(built.error, target.file, 'build-failed', target.path))
      return { notMeasuredReason: 'the build failed' }
    }
    image = built.tag
  } else {
    // --image names an image that may live only in a registry: pull it once, when the daemon lacks it.
    try {
      await ensureImage(session.docker, image, pullOptions(settings, deps))
    } catch (error) {
      if (error instanceof Interrupted) throw error
      notifications.push(operationalNotification(error, target.file, 'probe-failed'))
      return { notMeasuredReason: `image ${image} could not be pulled` }
    }
  }
  if (settings.probe === 'false') {
    // Built (so the build is checked) and inspected (its Config.User is reported), but not run.
    try {
      return {
        measurement: {
          image: await inspectImage(session.docker, image, {
            timeouts: timeoutsOf(settings),
            stop: deps.signal
          }),
          daemon: session.daemon
        },
        notMeasuredReason: 'probing is disabled'
      }
    } catch (error) {
      if (error instanceof Interrupted) throw error
      notifications.push(operationalNotification(error, target.file, 'probe-failed', target.path))
      return { notMeasuredReason: 'probing is disabled' }
    }
  }
  try {
    const measurement = await logger.group(`Probe ${subject}`, () =>
      measureImage(session.docker, session.daemon, {
        image: image as string,
        profile,
        runId: deps.runId,
        probeTimeoutMs: settings.probeTimeoutMs,
        workloadWindowMs: settings.workloadWindowMs,
        logger,
        tracker,
        timeouts: timeoutsOf(settings),
        stop: deps.signal,
        subject
      })
    )
    const aboutWorkload = workloadNotification(measurement.workload, target.file)
    if (aboutWorkload) notifications.push(aboutWorkload)
    // Advice after the measurement, from the same image and profile; it never changes the findings.
    const suggestion = settings.suggest
      ? await suggestionFor({
          docker: session.docker,
          daemon: session.daemon,
          image: image as string,
          profile,
          runId: deps.runId,
          windowMs: settings.workloadWindowMs,
          probeTimeoutMs: settings.probeTimeoutMs,
          logger,
          tracker,
          timeouts: timeoutsOf(settings),
          stop: deps.signal,
          subject
        })
      : undefined
    return { measurement, ...(suggestion ? { suggestion } : {}) }
  } catch (error) {
    if (error instanceof Interrupted) throw error
    const kind =
      error instanceof OperationalError && error.kind === 'probe-timeout' ? 'probe-timeout' : 'probe-failed'
    notifications.push(operationalNotification(error, target.file, kind, target.path))
    return { notMeasuredReason: kind === 'probe-timeout' ? 'the probe timed out' : 'the probe failed' }
  }
}

/** A one-line heading naming the repo-relative file; the daemon's full error is the detail. */
function operationalNotification(
  error: unknown,
  file: string,
  fallback: Notification['kind'],
  absolute?: string
): Notification {
  const kind = error instanceof OperationalError ? error.kind : fallback
  return { level: 'error', kind, ...headingAndDetail(error, absolute ? { absolute, file } : undefined), file }
}

function emptyResult(job: Job, settings: Settings, notifications: Notification[], why: string): ScanResult {
  const profile = profileOf(job, settings)
  return {
    file: jobFile(job),
    target: job.target,
    profile,
    findings: [],
    notMeasuredReason: why,
    rows: principleRows({
      profile,
      findings: [],
      notMeasuredReason: why,
      target: job.target,
      deployment: job.deployment
    }),
    notifications
  }
}

const CREATE_SETTLE_MS = 1_500

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, Math.max(0, ms)))
}

/** A Dockerfile the run did not finish (measure) because it was asked to stop. */
function interruptedNote(file: string, signalName: string): Notification {
  return {
    level: 'error',
    kind: 'interrupted',
    message: `interrupted by ${signalName} before this file was built and measured; only its static checks are reported`,
    file
  }
}

function interruptedResult(job: Job, settings: Settings, signalName: string): ScanResult {
  return emptyResult(
    job,
    settings,
    [interruptedNote(jobFile(job), signalName)],
    `interrupted by ${signalName}`
  )
}

function timeoutsOf(settings: Settings): DockerTimeouts {
  return resolveTimeouts(settings.timeouts)
}

/**
 * Removes what the run created, within one limit: tracked containers, images and volumes in parallel,
 * then a sweep by the run label for anything a lost create response (or a stop mid-create) never told us
 * about. What is left is named, with the command that removes it, in a warning and a notification.
 */
async function releaseResources(
  docker: Docker,
  tracker: ResourceTracker,
  settings: Settings,
  deps: ScanDeps,
  notifications: Notification[]
): Promise<void> {
  const timeouts = timeoutsOf(settings)
  const limitMs =
    stopReason(deps.signal) && deps.cleanupAfterStopMs !== undefined
      ? Math.min(deps.cleanupAfterStopMs, timeouts.cleanupMs)
      : timeouts.cleanupMs
  const end = Date.now() + limitMs
  const failed: CleanupFailure[] = []
  const problems: string[] = []
  try {
    await tracker.cleanup(docker, {
      keepImages: settings.keepImage,
      limitMs,
      removeMs: Math.min(timeouts.removeMs, limitMs)
    })
  } catch (error) {
    if (error instanceof CleanupError) failed.push(...error.failures)
    else problems.push(describeError(error))
  }
  // A create whose answer never came may still be under way in the daemon: give it a moment to finish so
  // the sweep sees the container.
  if (tracker.uncertainCreates > 0) await sleep(Math.min(CREATE_SETTLE_MS, end - Date.now()))
  const left = end - Date.now()
  if (left > 0) {
    try {
      // What already failed is not waited on a second time.
      const skip = new Set(failed.map(f => f.id))
      const swept = await sweepLabelled(docker, deps.runId, {
        limitMs: left,
        keepImages: settings.keepImage,
        skip
      })
      failed.push(...swept.failed)
      if (swept.containers + swept.images + swept.volumes > 0)
        deps.logger.debug(
          `label sweep removed ${swept.containers} container(s), ${swept.images} image(s), ${swept.volumes} volume(s)`
        )
    } catch (error) {
      problems.push(`the label sweep failed: ${describeError(error)}`)
    }
  }
  if (failed.length) problems.unshift(`could not remove ${describeFailures(failed)}`)
  if (problems.length === 0) return
  const message = `cleanup failed: ${problems.join('; ')}`
  deps.logger.warning(message)
  notifications.push({ level: 'warning', kind: 'cleanup-failed', message })
}
