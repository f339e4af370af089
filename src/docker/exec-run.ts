// One command run in a running container through the Engine API exec endpoints: create, start (its output
// read from the hijacked stream, bounded in bytes and time), inspect for the exit code. An exec costs the
// daemon about a quarter of a container start (measured: 66 ms of CPU against 300 ms), which is why the
// workload's reading and the HEALTHCHECK use it.
import type Docker from 'dockerode'
import { bounded, daemonCall, readCall, type CallContext } from './call'
import { demuxLogs } from './demux'

export interface ExecRequest {
  cmd: string[]
  /** Default: the container's user. */
  user?: string
  /** Deadline for the command's run, from its start to the end of its output. */
  limitMs: number
  /** Output kept, per run; the rest is read and dropped. */
  maxBytes?: number
  /** Names the step in errors: `exec create for the HEALTHCHECK`. */
  what: string
}

export interface ExecResult {
  stdout: string
  stderr: string
  /** undefined when the daemon did not say (the process was still running when its output ended). */
  exitCode?: number
}

const DEFAULT_MAX_BYTES = 1024 * 1024

export async function runExec(
  container: Docker.Container,
  request: ExecRequest,
  ctx: CallContext
): Promise<ExecResult> {
  const exec = await daemonCall(
    { step: `exec create for the ${request.what}`, timeoutMs: ctx.timeouts.requestMs, stop: ctx.stop },
    s =>
      container.exec({
        Cmd: request.cmd,
        AttachStdout: true,
        AttachStderr: true,
        ...(request.user !== undefined ? { User: request.user } : {}),
        abortSignal: s
      } as Docker.ExecCreateOptions)
  )
  const maxBytes = request.maxBytes ?? DEFAULT_MAX_BYTES
  const output = await bounded(request.limitMs, ctx.stop, async s => {
    const stream = (await exec.start({
      hijack: true,
      stdin: false,
      abortSignal: s
    } as Docker.ExecStartOptions)) as NodeJS.ReadableStream
    const chunks: Buffer[] = []
    let size = 0
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (c: Buffer) => {
        if (size < maxBytes) chunks.push(c)
        size += c.length
      })
      stream.on('end', () => resolve())
      stream.on('close', () => resolve())
      stream.on('error', reject)
    })
    return demuxLogs(Buffer.concat(chunks))
  })
  const info = (await readCall(
    `exec inspect of the ${request.what}`,
    ctx,
    s => exec.inspect({ abortSignal: s } as Record<string, unknown>) as Promise<{ ExitCode: number | null }>
  )) as { ExitCode: number | null }
  return {
    ...output,
    ...(info.ExitCode !== null && info.ExitCode !== undefined ? { exitCode: info.ExitCode } : {})
  }
}
