// Targets: every pair (image, deployment) the scan judges. A compose service links to the Dockerfile its
// `build` names; a Kubernetes container (or a compose service with only `image`) links through its image
// name: to the Dockerfile the config file's `images:` maps it to, or to the one scanned Dockerfile when it
// is the --image reference. Any other image is an image-only target, judged on its declared deployment
// alone (and probed when the image is present locally), never dropped. A Dockerfile no deployment names is
// judged under its config-file run-options, --run-options, or Docker's defaults.
import { dirname, resolve } from 'node:path'
import { imageName } from '../config/image-ref'
import type { Deployment } from '../deployment/types'
import type { RuntimeProfile } from '../profile/types'
import type { Settings } from '../settings'
import { repoRelative, type ScanTarget } from './discover'
import type { Notification, TargetInfo } from './types'

/** One Dockerfile judged under one deployment. */
export interface DockerfileJob {
  kind: 'dockerfile'
  dockerfile: ScanTarget
  /** Undefined: run-options (the config file's for this Dockerfile, or the global ones) or Docker's defaults. */
  deployment?: Deployment
  /** The config file's run-options for this Dockerfile, when it has them and no deployment is declared. */
  profile?: RuntimeProfile
  target: TargetInfo
  /** How to build it (the deployment's compose build settings win over the scan's). */
  build: { context?: string; target?: string; buildArgs: Record<string, string> }
}

/** An image a deployment runs that no scanned or mapped Dockerfile builds: judged on the deployment alone. */
export interface ImageJob {
  kind: 'image'
  /** The image reference as the deployment writes it. */
  image: string
  deployment: Deployment
  /** The deployment file (repo-relative): where its results are reported. */
  file: string
  target: TargetInfo
}

export type Job = DockerfileJob | ImageJob

export interface Targets {
  jobs: Job[]
  /** Dockerfiles in scan order (discovered, then those only a compose build or `images:` names). */
  dockerfiles: ScanTarget[]
  notifications: Notification[]
}

/** The file a job's results are reported under: the Dockerfile, or the deployment file of an image-only job. */
export function jobFile(job: Job): string {
  return job.kind === 'dockerfile' ? job.dockerfile.file : job.file
}

export function targetInfo(deployment: Deployment | undefined, settings: Settings): TargetInfo {
  if (deployment && deployment.source !== 'run-options') {
    return {
      name: deployment.name,
      source: deployment.source,
      file: deployment.file,
      ...(deployment.at ? { line: deployment.at.line } : {})
    }
  }
  return settings.profile.declared
    ? { name: 'run-options', source: 'run-options' }
    : { name: "Docker's defaults", source: 'none' }
}

export function planTargets(discovered: ScanTarget[], settings: Settings): Targets {
  const dockerfiles = [...discovered]
  const byPath = new Map(dockerfiles.map(d => [resolve(d.path), d]))
  const deployed = new Map<string, Deployment[]>()
  const notifications: Notification[] = []
  const imageJobs: ImageJob[] = []
  const dockerfileAt = (path: string): ScanTarget => {
    let dockerfile = byPath.get(path)
    if (!dockerfile) {
      dockerfile = { path, file: repoRelative(path, settings.repoRoot) }
      byPath.set(path, dockerfile)
      dockerfiles.push(dockerfile)
    }
    return dockerfile
  }
  const link = (dockerfile: ScanTarget, deployment: Deployment): void => {
    const list = deployed.get(dockerfile.path) ?? []
    list.push(deployment)
    deployed.set(dockerfile.path, list)
  }
  for (const deployment of settings.deployments) {
    const build = deployment.link.build
    if (build) {
      link(dockerfileAt(resolve(build.dockerfile)), deployment)
      continue
    }
    const image = deployment.link.image
    if (image === undefined) continue // compose rejects a service with neither build nor image
    // `images:` in the config file names the Dockerfile that builds this image.
    const mapped = own(settings.images, imageName(image))
    if (mapped !== undefined) {
      link(dockerfileAt(resolve(mapped)), deployment)
      continue
    }
    // --image names the image the one scanned Dockerfile builds: a container running it is that target.
    if (settings.image !== undefined && image === settings.image && dockerfiles.length) {
      link(dockerfiles[0], deployment)
      continue
    }
    imageJobs.push({
      kind: 'image',
      image,
      deployment,
      file: deployment.file,
      target: targetInfo(deployment, settings)
    })
    notifications.push({
      level: 'note',
      kind: 'unlinked-deployment',
      message: `${deployment.name}: image ${image} is built by no scanned Dockerfile, so it is judged from the deployment alone; to judge it with its Dockerfile, map it under \`images:\` in .least-privilege.yml (${imageName(image)}: path/to/Dockerfile)`,
      file: deployment.file,
      ...(deployment.at ? { line: deployment.at.line } : {})
    })
  }
  const jobs: Job[] = []
  for (const dockerfile of dockerfiles) {
    const options = own(settings.dockerfileOptions, resolve(dockerfile.path))
    const configured = {
      context: options?.context ?? settingsContext(settings),
      target: settings.target ?? options?.target,
      // Build args given on the command line (or as an input) win over the config file's, key by key.
      buildArgs: { ...options?.buildArgs, ...settings.buildArgs }
    }
    const deployments = deployed.get(dockerfile.path)
    if (!deployments) {
      const profile = options?.profile
      jobs.push({
        kind: 'dockerfile',
        dockerfile,
        ...(profile ? { profile } : {}),
        target: profile
          ? { name: `run-options (${settings.configFile ?? 'config file'})`, source: 'run-options' }
          : targetInfo(undefined, settings),
        build: configured
      })
      continue
    }
    for (const deployment of deployments) {
      const build = deployment.link.build
      jobs.push({
        kind: 'dockerfile',
        dockerfile,
        deployment,
        target: targetInfo(deployment, settings),
        build: build
          ? {
              context: build.context,
              target: build.target ?? configured.target,
              buildArgs: { ...configured.buildArgs, ...build.args }
            }
          : configured
      })
    }
  }
  return { jobs: [...jobs, ...imageJobs], dockerfiles, notifications }
}

/** `map[key]` when it is the map's own entry (an image named `constructor` is just a name). */
function own<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  return map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined
}

function settingsContext(settings: Settings): string | undefined {
  return settings.context ? resolve(settings.cwd, settings.context) : undefined
}

/** The build cache key: one build per Dockerfile, context, stage and arguments. */
export function buildKey(job: DockerfileJob): string {
  const args = Object.keys(job.build.buildArgs)
    .sort()
    .map(k => [k, job.build.buildArgs[k]])
  // No context means the Dockerfile's folder: a compose build naming that folder is the same build.
  const context = job.build.context ?? dirname(job.dockerfile.path)
  return JSON.stringify([job.dockerfile.path, resolve(context), job.build.target ?? '', args])
}
