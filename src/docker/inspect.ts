// What the image itself says (`GET /images/{ref}/json`): these settle users the Dockerfile leaves unknown,
// e.g. a base image that sets USER.
import type Docker from 'dockerode'
import { OperationalError } from '../errors'
import { daemonMessage } from './container-run'
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

export async function inspectImage(docker: Docker, ref: string): Promise<ImageFacts> {
  try {
    return imageFactsFrom(ref, (await docker.getImage(ref).inspect()) as unknown as ImageInspect)
  } catch (error) {
    throw new OperationalError(`cannot inspect image ${ref}: ${daemonMessage(error)}`, 'probe-failed')
  }
}
