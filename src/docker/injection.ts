// Gets the probe binary into a container: a read-only bind mount when the daemon shares our filesystem,
// otherwise copied over the API into the created (not yet started) container.
import { readFileSync } from 'node:fs'
import type Docker from 'dockerode'
import { pack } from 'tar-stream'
import { OperationalError } from '../errors'
import type { RuntimeProfile } from '../profile/types'
import { daemonCall, stepError, type CallContext } from './call'
import { PROBE_TARGET } from './probe-binary'
import type { DaemonFacts } from './types'

export type Injection = 'bind-mount' | 'copy'

export function chooseInjection(daemon: DaemonFacts): Injection {
  // A bind source is resolved on the daemon's host: only a local daemon sees our file.
  return daemon.remote ? 'copy' : 'bind-mount'
}

/** The `Mounts` entry for bind-mount injection. */
export function probeMount(probePath: string): Record<string, unknown> {
  return { Type: 'bind', Source: probePath, Target: PROBE_TARGET, ReadOnly: true }
}

/** Copying needs a writable rootfs; say so instead of letting the daemon's error stand alone. */
export function assertCopyPossible(profile: RuntimeProfile): void {
  if (profile.readOnly) {
    throw new OperationalError(
      'cannot copy the probe into a --read-only container on a remote daemon (DOCKER_HOST); the read-only ' +
        'profile can only be probed with a local daemon, where the probe is bind-mounted',
      'probe-failed'
    )
  }
}

function probeTar(probePath: string): Promise<Buffer> {
  const body = readFileSync(probePath)
  const tar = pack()
  tar.entry({ name: PROBE_TARGET.slice(1), mode: 0o755, uid: 0, gid: 0, size: body.length }, body)
  tar.finalize()
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    tar.on('data', c => void chunks.push(c as Buffer))
    tar.on('end', () => resolve(Buffer.concat(chunks)))
    tar.on('error', reject)
  })
}

export async function copyProbeInto(
  container: Docker.Container,
  probePath: string,
  ctx: CallContext
): Promise<void> {
  const tar = await probeTar(probePath)
  try {
    await daemonCall(
      { step: 'copy of the probe into the container', timeoutMs: ctx.timeouts.requestMs, stop: ctx.stop },
      s => container.putArchive(tar, { path: '/', abortSignal: s } as { path: string })
    )
  } catch (error) {
    throw stepError(error, 'cannot copy the probe into the container', 'probe-failed')
  }
}
