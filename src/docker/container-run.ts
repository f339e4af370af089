// One short-lived container: create (tracked), start, wait with a deadline, read its logs. Removal stays
// with the caller's finally, through the tracker.
import type Docker from 'dockerode'
import { demuxLogs } from './demux'
import type { ResourceTracker } from './resources'

/** The daemon's own message from a dockerode error (`(HTTP code 500) server error - ...` stripped). */
export function daemonMessage(error: unknown): string {
  const e = error as { json?: { message?: string }; message?: string }
  const text = e?.json?.message ?? e?.message ?? String(error)
  return text
    .replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '')
    .split('\n')[0]
    .trim()
}

export async function createTracked(
  docker: Docker,
  options: Record<string, unknown>,
  tracker: ResourceTracker
): Promise<Docker.Container> {
  const container = await docker.createContainer(options as Docker.ContainerCreateOptions)
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
  timeoutMs: number
): Promise<'started' | 'timeout'> {
  try {
    await container.start({ abortSignal: AbortSignal.timeout(Math.max(1, timeoutMs)) } as Record<
      string,
      unknown
    >)
    return 'started'
  } catch (error) {
    if (isAbort(error)) return 'timeout'
    throw error
  }
}

/** Waits for the container to stop; `timeout` when it is still running after `timeoutMs`. */
export async function waitFor(
  container: Docker.Container,
  timeoutMs: number
): Promise<{ statusCode: number } | 'timeout'> {
  try {
    const result = (await container.wait({
      condition: 'not-running',
      abortSignal: AbortSignal.timeout(timeoutMs)
    } as Record<string, unknown>)) as { StatusCode: number }
    return { statusCode: result.StatusCode }
  } catch (error) {
    if (isAbort(error)) return 'timeout'
    throw error
  }
}

export async function readLogs(container: Docker.Container): Promise<{ stdout: string; stderr: string }> {
  const buffer = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer
  return demuxLogs(buffer)
}

/** Kills a container that overran; it may have exited meanwhile, which is fine. */
export async function killQuietly(container: Docker.Container): Promise<void> {
  try {
    await container.kill()
  } catch {
    // already stopped, or removal in finally will force it
  }
}
