// What the image itself says (`GET /images/{ref}/json`): these settle users the Dockerfile leaves unknown,
// e.g. a base image that sets USER.
import type Docker from 'dockerode'
import { daemonCall, inspectImageRequest, stepError, type CallContext } from './call'
import { DEFAULT_TIMEOUTS } from './timeouts'
import type { ImageFacts } from './types'

interface ImageInspect {
  Id: string
  Architecture?: string
  Os?: string
  Config?: {
    User?: string
    Entrypoint?: string[] | string | null
    Cmd?: string[] | string | null
    ExposedPorts?: Record<string, unknown> | null
  } | null
}

function asList(value: string[] | string | null | undefined): string[] {
  if (value === null || value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

export function imageFactsFrom(ref: string, inspect: ImageInspect): ImageFacts {
  const config = inspect.Config ?? {}
  return {
    ref,
    id: inspect.Id,
    user: config.User ?? '',
    entrypoint: asList(config.Entrypoint),
    cmd: asList(config.Cmd),
    exposedPorts: Object.keys(config.ExposedPorts ?? {}).sort(),
    architecture: inspect.Architecture ?? '',
    os: inspect.Os ?? ''
  }
}

/** The raw inspect answer, bounded and retried (a read is safe to repeat). */
export function inspectImageRaw(docker: Docker, ref: string, ctx?: CallContext): Promise<ImageInspect> {
  return daemonCall(
    {
      step: `image inspect of ${ref}`,
      timeoutMs: ctx?.timeouts.requestMs ?? DEFAULT_TIMEOUTS.requestMs,
      stop: ctx?.stop,
      idempotent: true
    },
    s => inspectImageRequest(docker, ref, s) as Promise<ImageInspect>
  )
}

export async function inspectImage(docker: Docker, ref: string, ctx?: CallContext): Promise<ImageFacts> {
  try {
    return imageFactsFrom(ref, await inspectImageRaw(docker, ref, ctx))
  } catch (error) {
    throw stepError(error, `cannot inspect image ${ref}`, 'probe-failed')
  }
}
