// Every container and image the tool creates is recorded here so it can be removed in `finally`, in the
// action's post step (from saved state), on SIGINT/SIGTERM, and by a label sweep as the last resort.
import type Docker from 'dockerode'
import { RESOURCE_LABEL } from '../meta'
import { describeError } from '../errors'
import type { Logger } from '../logger'

export interface TrackedResources {
  containers: string[]
  images: string[]
}

/** 404 (already gone) and 409 (removal already in progress) mean there is nothing left to do. */
export function isGoneError(error: unknown): boolean {
  const code = (error as { statusCode?: number })?.statusCode
  return code === 404 || code === 409
}

/** Removal of one resource may wait this long for a busy daemon before giving up (the post step retries). */
export const REMOVE_TIMEOUT_MS = 30_000

export async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker
      .getContainer(id)
      .remove({ force: true, v: true, abortSignal: AbortSignal.timeout(REMOVE_TIMEOUT_MS) } as Record<
        string,
        unknown
      >)
  } catch (error) {
    if (!isGoneError(error)) throw error
  }
}

export async function removeImage(docker: Docker, ref: string): Promise<void> {
  try {
    await docker
      .getImage(ref)
      .remove({ force: true, abortSignal: AbortSignal.timeout(REMOVE_TIMEOUT_MS) } as Record<string, unknown>)
  } catch (error) {
    if (!isGoneError(error)) throw error
  }
}

export class ResourceTracker {
  private readonly containers = new Set<string>()
  private readonly images = new Set<string>()

  /** `onChange` gets the full list after every change (the action saves it to state for the post step). */
  constructor(private readonly onChange?: (resources: TrackedResources) => void) {}

  snapshot(): TrackedResources {
    return { containers: [...this.containers], images: [...this.images] }
  }

  addContainer(id: string): void {
    this.containers.add(id)
    this.changed()
  }

  addImage(ref: string): void {
    this.images.add(ref)
    this.changed()
  }

  /** Stop tracking (removed already, or an image the user asked to keep). */
  forgetContainer(id: string): void {
    if (this.containers.delete(id)) this.changed()
  }

  forgetImage(ref: string): void {
    if (this.images.delete(ref)) this.changed()
  }

  /** Removes one tracked container now and forgets it. */
  async removeContainer(docker: Docker, id: string): Promise<void> {
    await removeContainer(docker, id)
    this.forgetContainer(id)
  }

  /**
   * Removes everything tracked: containers first (they hold their images); images too unless `keepImages`
   * (then they are forgotten, not removed). Throws one line naming what could not be removed; those stay
   * tracked.
   */
  async cleanup(docker: Docker, opts: { keepImages?: boolean } = {}): Promise<void> {
    const failures: string[] = []
    for (const id of [...this.containers]) {
      try {
        await this.removeContainer(docker, id)
      } catch (error) {
        failures.push(`container ${id.slice(0, 12)}: ${describeError(error)}`)
      }
    }
    for (const ref of [...this.images]) {
      try {
        if (!opts.keepImages) await removeImage(docker, ref)
        this.forgetImage(ref)
      } catch (error) {
        failures.push(`image ${ref}: ${describeError(error)}`)
      }
    }
    if (failures.length > 0) throw new Error(`could not remove ${failures.join('; ')}`)
  }

  /** A tracker holding resources saved earlier (the action's post step). */
  static fromSnapshot(
    resources: TrackedResources,
    onChange?: (r: TrackedResources) => void
  ): ResourceTracker {
    const tracker = new ResourceTracker(onChange)
    resources.containers.forEach(id => tracker.containers.add(id))
    resources.images.forEach(ref => tracker.images.add(ref))
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

/**
 * Removes containers and images carrying RESOURCE_LABEL (only run `runId`'s when given): the post step's and
 * CI's safety net for a process that was killed before its own cleanup ran.
 */
export async function sweepLabelled(
  docker: Docker,
  runId?: string
): Promise<{ containers: number; images: number; failures: string[] }> {
  const filters = JSON.stringify({ label: [runId ? `${RESOURCE_LABEL}=${runId}` : RESOURCE_LABEL] })
  const failures: string[] = []
  let containers = 0
  let images = 0
  for (const c of await docker.listContainers({ all: true, filters })) {
    try {
      await removeContainer(docker, c.Id)
      containers++
    } catch (error) {
      failures.push(`container ${c.Id.slice(0, 12)}: ${describeError(error)}`)
    }
  }
  for (const image of await docker.listImages({ filters })) {
    try {
      await removeImage(docker, image.Id)
      images++
    } catch (error) {
      failures.push(`image ${image.Id.slice(7, 19)}: ${describeError(error)}`)
    }
  }
  return { containers, images, failures }
}

let interrupted: NodeJS.Signals | undefined

/** How long SIGINT/SIGTERM cleanup may take before the process exits anyway. */
const SIGNAL_CLEANUP_LIMIT_MS = 20_000

/**
 * The signal being handled, if any. Work torn down by the cleanup fails in odd ways (its container
 * vanished); callers check this before reporting such a failure as their own.
 */
export function interruptedBy(): NodeJS.Signals | undefined {
  return interrupted
}

/**
 * On SIGINT/SIGTERM: remove what the tracker holds, then exit with 128+signal. A second signal exits at once.
 * Returns a function that removes the handlers again.
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
