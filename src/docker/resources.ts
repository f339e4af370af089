// Every container, image and volume the tool creates is recorded here so it can be removed in `finally`,
// at the end of the run (bounded as a whole, in parallel), in the action's post step (from saved state),
// and by a label sweep by run id, which also finds what a lost create response never told us about.
import type Docker from 'dockerode'
import { RESOURCE_LABEL } from '../meta'
import { describeError } from '../errors'
import type { Logger } from '../logger'
import { daemonCall, daemonMessage } from './call'
import { DEFAULT_TIMEOUTS, seconds } from './timeouts'

export interface TrackedResources {
  containers: string[]
  images: string[]
  /** Named volumes this run created (never ones that existed before). */
  volumes?: string[]
}

export type ResourceKind = 'container' | 'image' | 'volume'

/** 404 (already gone) and 409 (removal already in progress) mean there is nothing left to do. */
export function isGoneError(error: unknown): boolean {
  const code = (error as { statusCode?: number })?.statusCode
  return code === 404 || code === 409
}

/** Removal of one resource may wait this long before giving up (the cleanup as a whole has its own limit). */
export const REMOVE_TIMEOUT_MS = DEFAULT_TIMEOUTS.removeMs

/** The command a person runs to remove what the tool could not. */
export function removalCommand(kind: ResourceKind, id: string): string {
  if (kind === 'container') return `docker rm -f ${id}`
  if (kind === 'image') return `docker rmi ${id}`
  return `docker volume rm ${id}`
}

async function removeOne(
  docker: Docker,
  kind: ResourceKind,
  id: string,
  timeoutMs: number,
  stop?: AbortSignal
): Promise<void> {
  try {
    await daemonCall(
      { step: `removal of ${kind} ${id.slice(0, 64)}`, timeoutMs, stop, idempotent: true },
      s => {
        const options = { abortSignal: s } as Record<string, unknown>
        if (kind === 'container') return docker.getContainer(id).remove({ ...options, force: true, v: true })
        if (kind === 'image') return docker.getImage(id).remove({ ...options, force: true })
        return docker.getVolume(id).remove(options)
      }
    )
  } catch (error) {
    if (!isGoneError(error)) throw error
  }
}

export function removeContainer(docker: Docker, id: string, timeoutMs = REMOVE_TIMEOUT_MS): Promise<void> {
  return removeOne(docker, 'container', id, timeoutMs)
}

export function removeImage(docker: Docker, ref: string, timeoutMs = REMOVE_TIMEOUT_MS): Promise<void> {
  return removeOne(docker, 'image', ref, timeoutMs)
}

/** What could not be removed: one line each, with the command that removes it. */
export interface CleanupFailure {
  kind: ResourceKind
  id: string
  reason: string
}

export function describeFailures(failures: CleanupFailure[]): string {
  return failures
    .map(f => `${f.kind} ${f.id.slice(0, 64)} (${f.reason}; remove it with: ${removalCommand(f.kind, f.id)})`)
    .join('; ')
}

export class CleanupError extends Error {
  constructor(readonly failures: CleanupFailure[]) {
    super(`could not remove ${describeFailures(failures)}`)
    this.name = 'CleanupError'
  }
}

export interface CleanupOptions {
  keepImages?: boolean
  /** The whole cleanup's limit (default 15 s). */
  limitMs?: number
  /** One removal's limit (default 10 s). */
  removeMs?: number
}

export class ResourceTracker {
  private readonly containers = new Set<string>()
  private readonly images = new Set<string>()
  private readonly volumes = new Set<string>()
  /** Removals under way, so a second caller waits for the same DELETE instead of sending (and waiting) again. */
  private readonly pending = new Map<string, Promise<void>>()
  /** Ids whose removal already timed out: cleanup reports them at once instead of waiting on them twice. */
  private readonly stalled = new Map<string, string>()
  /** Set once a removal outlasted a step's wait: later steps stop waiting for theirs. */
  private slowRemovals = false
  /** Creates whose answer never came (stall, stop, dropped connection): the daemon may still be making them. */
  uncertainCreates = 0

  /** `onChange` gets the full list after every change (the action saves it to state for the post step). */
  constructor(private readonly onChange?: (resources: TrackedResources) => void) {}

  snapshot(): TrackedResources {
    return { containers: [...this.containers], images: [...this.images], volumes: [...this.volumes] }
  }

  addContainer(id: string): void {
    this.containers.add(id)
    this.changed()
  }

  addImage(ref: string): void {
    this.images.add(ref)
    this.changed()
  }

  addVolume(name: string): void {
    this.volumes.add(name)
    this.changed()
  }

  hasVolume(name: string): boolean {
    return this.volumes.has(name)
  }

  /** Stop tracking (removed already, or an image the user asked to keep). */
  forgetContainer(id: string): void {
    if (this.containers.delete(id)) this.changed()
  }

  forgetImage(ref: string): void {
    if (this.images.delete(ref)) this.changed()
  }

  /** Removes one tracked container now (bounded) and forgets it. */
  async removeContainer(docker: Docker, id: string, timeoutMs = REMOVE_TIMEOUT_MS): Promise<void> {
    await this.remove(docker, 'container', id, timeoutMs)
  }

  /**
   * Starts removing a container and waits for it at most `waitMs` (a step's finally must not hang on a slow
   * DELETE). Past that, or once any removal has been slow, the step goes on and the end-of-run cleanup waits
   * for the same request, never sending a second one.
   */
  async releaseContainer(docker: Docker, id: string, timeoutMs: number, waitMs: number): Promise<void> {
    const removal = this.remove(docker, 'container', id, timeoutMs)
    removal.catch(() => undefined) // reported by cleanup, which still holds the id
    if (this.slowRemovals) return
    let timer: NodeJS.Timeout | undefined
    const slow = new Promise<'slow'>(resolve => (timer = setTimeout(() => resolve('slow'), waitMs)))
    const outcome = await Promise.race([
      removal.then(
        () => 'done' as const,
        () => 'done' as const
      ),
      slow
    ])
    clearTimeout(timer)
    if (outcome === 'slow') this.slowRemovals = true
  }

  private remove(docker: Docker, kind: ResourceKind, id: string, timeoutMs: number): Promise<void> {
    const key = `${kind}:${id}`
    const stalled = this.stalled.get(key)
    if (stalled) return Promise.reject(new Error(stalled))
    const existing = this.pending.get(key)
    if (existing) return existing
    const removal = removeOne(docker, kind, id, timeoutMs)
      .then(() => {
        if (kind === 'container') this.forgetContainer(id)
        else if (kind === 'image') this.forgetImage(id)
        else if (this.volumes.delete(id)) this.changed()
      })
      .catch((error: unknown) => {
        const reason = daemonMessage(error)
        if (/did not answer/.test(reason)) this.stalled.set(key, reason)
        throw error
      })
      .finally(() => this.pending.delete(key))
    this.pending.set(key, removal)
    return removal
  }

  /**
   * Removes everything tracked within one limit: containers first, in parallel (they hold their images and
   * volumes), then images (unless `keepImages`: then forgotten, not removed) and volumes. Throws a
   * CleanupError naming what could not be removed and how to remove it; those stay tracked.
   */
  async cleanup(docker: Docker, opts: CleanupOptions = {}): Promise<void> {
    const limitMs = opts.limitMs ?? DEFAULT_TIMEOUTS.cleanupMs
    const removeMs = opts.removeMs ?? REMOVE_TIMEOUT_MS
    const end = Date.now() + limitMs
    const failures: CleanupFailure[] = []
    const budget = (): number => Math.max(1, Math.min(removeMs, end - Date.now()))
    const run = async (kind: ResourceKind, ids: string[]): Promise<void> => {
      await Promise.all(
        ids.map(id =>
          this.remove(docker, kind, id, budget()).catch((error: unknown) =>
            failures.push({ kind, id, reason: daemonMessage(error) || describeError(error) })
          )
        )
      )
    }
    await run('container', [...this.containers])
    if (opts.keepImages) [...this.images].forEach(ref => this.forgetImage(ref))
    const late = (kind: ResourceKind, ids: string[]): CleanupFailure[] =>
      ids.map(id => ({ kind, id, reason: `cleanup limit of ${seconds(limitMs)} reached` }))
    if (Date.now() < end)
      await Promise.all([run('image', [...this.images]), run('volume', [...this.volumes])])
    else failures.push(...late('image', [...this.images]), ...late('volume', [...this.volumes]))
    if (failures.length > 0) throw new CleanupError(failures)
  }

  /** A tracker holding resources saved earlier (the action's post step). */
  static fromSnapshot(
    resources: TrackedResources,
    onChange?: (r: TrackedResources) => void
  ): ResourceTracker {
    const tracker = new ResourceTracker(onChange)
    resources.containers.forEach(id => tracker.containers.add(id))
    resources.images.forEach(ref => tracker.images.add(ref))
    resources.volumes?.forEach(name => tracker.volumes.add(name))
    return tracker
  }

  private changed(): void {
    this.onChange?.(this.snapshot())
  }
}

/** Labels for anything the tool creates in run `runId`. */
export function resourceLabels(runId: string): Record<string, string> {
  return { [RESOURCE_LABEL]: runId }
}

/** A run id that is unique enough to tell concurrent runs apart and safe in tags and labels. */
export function newRunId(prefix = 'run'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}

export interface SweepResult {
  containers: number
  images: number
  volumes: number
  failures: string[]
  /** The same failures, structured (for removal commands). */
  failed: CleanupFailure[]
}

/**
 * Removes containers, images and volumes carrying RESOURCE_LABEL (only run `runId`'s when given), in
 * parallel and within `limitMs`: the CLI's and post step's net for what a lost create response or a
 * killed process left untracked. `keepImages` leaves images alone (the user asked to keep them).
 */
export async function sweepLabelled(
  docker: Docker,
  runId?: string,
  opts: { limitMs?: number; keepImages?: boolean; skip?: Set<string> } = {}
): Promise<SweepResult> {
  const end = Date.now() + (opts.limitMs ?? DEFAULT_TIMEOUTS.cleanupMs)
  const budget = (): number => Math.max(1, Math.min(REMOVE_TIMEOUT_MS, end - Date.now()))
  const filters = JSON.stringify({ label: [runId ? `${RESOURCE_LABEL}=${runId}` : RESOURCE_LABEL] })
  const failed: CleanupFailure[] = []
  const list = <T>(what: string, fn: (s: AbortSignal) => Promise<T>): Promise<T> =>
    daemonCall({ step: `list of labelled ${what}`, timeoutMs: budget(), idempotent: true }, fn)
  const removeAll = async (kind: ResourceKind, all: string[]): Promise<number> => {
    const ids = all.filter(id => !opts.skip?.has(id))
    const done = await Promise.all(
      ids.map(id =>
        removeOne(docker, kind, id, budget()).then(
          () => 1,
          (error: unknown) => {
            failed.push({ kind, id, reason: daemonMessage(error) })
            return 0
          }
        )
      )
    )
    return done.reduce((a: number, b: number) => a + b, 0)
  }
  const containerList = await list('containers', s =>
    docker.listContainers({ all: true, filters, abortSignal: s } as Docker.ContainerListOptions)
  )
  const containers = await removeAll(
    'container',
    containerList.map(c => c.Id)
  )
  const [images, volumes] = await Promise.all([
    opts.keepImages
      ? 0
      : list('images', s => docker.listImages({ filters, abortSignal: s } as Docker.ListImagesOptions)).then(
          found =>
            removeAll(
              'image',
              found.map(i => i.Id)
            )
        ),
    list('volumes', s => docker.listVolumes({ filters, abortSignal: s } as Record<string, unknown>)).then(
      found =>
        removeAll(
          'volume',
          (found.Volumes ?? []).map(v => v.Name)
        )
    )
  ])
  const failures = failed.map(f => `${f.kind} ${f.id.slice(0, 19)}: ${f.reason}`)
  return { containers, images, volumes, failures, failed }
}

let interrupted: NodeJS.Signals | undefined

/** How long SIGINT/SIGTERM cleanup may take before the process exits anyway. */
export const SIGNAL_CLEANUP_LIMIT_MS = 20_000

/**
 * The signal being handled, if any. Work torn down by the cleanup fails in odd ways (its container
 * vanished); callers check this before reporting such a failure as their own.
 */
export function interruptedBy(): NodeJS.Signals | undefined {
  return interrupted
}

/** Records the signal for interruptedBy() (installStopOnSignal does this too). */
export function markInterrupted(signal: NodeJS.Signals): void {
  interrupted = signal
}

/**
 * On SIGINT/SIGTERM: remove what the tracker holds, then exit with 128+signal. A second signal exits at once.
 * Returns a function that removes the handlers again. (The CLI and the action use installStopOnSignal
 * instead, which lets the scan finish its report; this stays for small entries such as bench-entry.)
 */
export function installSignalCleanup(
  tracker: ResourceTracker,
  docker: Docker,
  logger: Logger,
  exit: (code: number) => void = code => process.exit(code)
): () => void {
  let cleaning = false
  const handler = (signal: NodeJS.Signals): void => {
    const code = 128 + (signal === 'SIGINT' ? 2 : 15)
    if (cleaning) return exit(code)
    cleaning = true
    interrupted = signal
    logger.warning(`${signal} received: removing containers and images created by this run`)
    // A wedged daemon must not keep the process alive: exit after a bounded wait whatever happens.
    const giveUp = setTimeout(() => {
      logger.warning('cleanup is taking too long; exiting (the post step or a label sweep removes the rest)')
      exit(code)
    }, SIGNAL_CLEANUP_LIMIT_MS)
    giveUp.unref()
    tracker
      .cleanup(docker)
      .catch(error => logger.warning(`cleanup failed: ${describeError(error)}`))
      .finally(() => {
        clearTimeout(giveUp)
        exit(code)
      })
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}
