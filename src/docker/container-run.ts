// One short-lived container: create (tracked), start, wait with a deadline, read its logs. Every call is
// bounded (daemonCall); removal stays with the caller's finally, through the tracker.
import type Docker from 'dockerode'
import { bounded, daemonCall, daemonMessage, stepError, throwIfStopped, type CallContext } from './call'
import { demuxLogs } from './demux'
import type { ResourceTracker } from './resources'

export { daemonMessage }

/**
 * Creates a container. Never retried: a lost answer may mean it exists; the run label (in `options`) lets
 * the sweep at the end find it. `what` names it in a stall: `the probe of Dockerfile`.
 */
export async function createTracked(
  docker: Docker,
  options: Record<string, unknown>,
  tracker: ResourceTracker,
  ctx?: CallContext & { what?: string }
): Promise<Docker.Container> {
  let container: Docker.Container
  try {
    container = await daemonCall(
      {
        step: `container create for ${ctx?.what ?? 'a container'}`,
        timeoutMs: ctx?.timeouts.requestMs ?? 30_000,
        stop: ctx?.stop
      },
      s => docker.createContainer({ ...options, abortSignal: s } as Docker.ContainerCreateOptions)
    )
  } catch (error) {
    // No HTTP answer: the daemon may have made it (or still be making it); the sweep looks for it later.
    if ((error as { statusCode?: number })?.statusCode === undefined) tracker.uncertainCreates++
    throw error
  }
  tracker.addContainer(container.id)
  return container
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: string })?.name
  return name === 'AbortError' || name === 'TimeoutError'
}

/**
 * Starts the container; `timeout` when the daemon has not started it after `timeoutMs` (a wedged runc or
 * user lookup), so a probe deadline also covers the start and never becomes a hang.
 */
export async function startWithin(
  container: Pick<Docker.Container, 'start'>,
  timeoutMs: number,
  stop?: AbortSignal
): Promise<'started' | 'timeout'> {
  try {
    await bounded(timeoutMs, stop, s => container.start({ abortSignal: s } as Record<string, unknown>))
    return 'started'
  } catch (error) {
    throwIfStopped(stop)
    if (isAbort(error)) return 'timeout'
    throw error
  }
}

/** Waits for the container to stop; `timeout` when it is still running after `timeoutMs`. */
export async function waitFor(
  container: Docker.Container,
  timeoutMs: number,
  stop?: AbortSignal
): Promise<{ statusCode: number } | 'timeout'> {
  try {
    const result = (await bounded(
      timeoutMs,
      stop,
      s =>
        container.wait({ condition: 'not-running', abortSignal: s } as Record<
          string,
          unknown
        >) as Promise<unknown>
    )) as { StatusCode: number }
    return { statusCode: result.StatusCode }
  } catch (error) {
    throwIfStopped(stop)
    if (isAbort(error)) return 'timeout'
    throw error
  }
}

/**
 * The container's output, bounded; `what` names it in errors: `reading the probe container's output: ...`.
 * `tail`: only the last N lines of each stream (the daemon cuts them, so a chatty container costs little).
 */
export async function readLogs(
  container: Docker.Container,
  ctx?: CallContext & { what?: string; tail?: number }
): Promise<{ stdout: string; stderr: string }> {
  const what = ctx?.what ?? 'container'
  try {
    const buffer = await daemonCall(
      {
        step: `logs request for the ${what}`,
        timeoutMs: ctx?.timeouts.requestMs ?? 30_000,
        stop: ctx?.stop,
        idempotent: true
      },
      s =>
        container.logs({
          stdout: true,
          stderr: true,
          follow: false,
          ...(ctx?.tail !== undefined ? { tail: ctx.tail } : {}),
          abortSignal: s
        } as Record<string, unknown> as { follow: false }) as unknown as Promise<Buffer>
    )
    return demuxLogs(buffer)
  } catch (error) {
    throw stepError(error, `reading the ${what}'s output`, 'probe-failed')
  }
}

/** Kills a container that overran; it may have exited meanwhile, which is fine. Bounded. */
export async function killQuietly(container: Docker.Container, timeoutMs = 10_000): Promise<void> {
  try {
    await bounded(timeoutMs, undefined, s => container.kill({ abortSignal: s } as Record<string, unknown>))
  } catch {
    // already stopped, or removal in finally will force it
  }
}
