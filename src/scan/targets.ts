// Targets: every pair (Dockerfile, deployment) the scan judges. A compose service links to the Dockerfile
// its `build` names; a Kubernetes container (or a compose service with only `image`) links through its
// image name, which only `--image` can map for now: any other image is one notification, never dropped.
// A Dockerfile no deployment names is judged under --run-options (or Docker's defaults), as before.
import { resolve } from 'node:path'
import type { Deployment } from '../deployment/types'
import type { Settings } from '../settings'
import { repoRelative, type ScanTarget } from './discover'
import type { Notification, TargetInfo } from './types'

/** One Dockerfile judged under one deployment. */
export interface Job {
  dockerfile: ScanTarget
  /** Undefined: --run-options or Docker's defaults (settings.profile). */
  deployment?: Deployment
  target: TargetInfo
  /** How to build it (the deployment's compose build settings win over the scan's). */
  build: { context?: string; target?: string; buildArgs: Record<string, string> }
}

export interface Targets {
  jobs: Job[]
  /** Dockerfiles in scan order (discovered, then those only a compose build names). */
  dockerfiles: ScanTarget[]
  notifications: Notification[]
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
  const link = (dockerfile: ScanTarget, deployment: Deployment): void => {
    const list = deployed.get(dockerfile.path) ?? []
    list.push(deployment)
    deployed.set(dockerfile.path, list)
  }
  for (const deployment of settings.deployments) {
    const build = deployment.link.build
    if (build) {
      const path = resolve(build.dockerfile)
      let dockerfile = byPath.get(path)
      if (!dockerfile) {
        dockerfile = { path, file: repoRelative(path, settings.repoRoot) }
        byPath.set(path, dockerfile)
        dockerfiles.push(dockerfile)
      }
      link(dockerfile, deployment)
      continue
    }
    const image = deployment.link.image
    // --image names the image the one scanned Dockerfile builds: a container running it is that target.
    if (
      image !== undefined &&
      settings.image !== undefined &&
      image === settings.image &&
      dockerfiles.length
    ) {
      link(dockerfiles[0], deployment)
      continue
    }
    notifications.push({
      level: 'warning',
      kind: 'unlinked-deployment',
      message: `${deployment.name}: image ${image ?? '(none)'} is built by no scanned Dockerfile; map it in .least-privilege.yml \`images:\` (not yet supported) or scan it with --image`,
      file: deployment.file,
      ...(deployment.at ? { line: deployment.at.line } : {})
    })
  }
  const jobs: Job[] = []
  for (const dockerfile of dockerfiles) {
    const deployments = deployed.get(dockerfile.path)
    if (!deployments) {
      jobs.push({
        dockerfile,
        target: targetInfo(undefined, settings),
        build: { context: settingsContext(settings), target: settings.target, buildArgs: settings.buildArgs }
      })
      continue
    }
    for (const deployment of deployments) {
      const build = deployment.link.build
      jobs.push({
        dockerfile,
        deployment,
        target: targetInfo(deployment, settings),
        build: build
          ? {
              context: build.context,
              target: build.target ?? settings.target,
              buildArgs: { ...settings.buildArgs, ...build.args }
            }
          : { context: settingsContext(settings), target: settings.target, buildArgs: settings.buildArgs }
      })
    }
  }
  return { jobs, dockerfiles, notifications }
}

function settingsContext(settings: Settings): string | undefined {
  return settings.context ? resolve(settings.cwd, settings.context) : undefined
}

/** The build cache key: one build per Dockerfile, context, stage and arguments. */
export function buildKey(job: Job): string {
  const args = Object.keys(job.build.buildArgs)
    .sort()
    .map(k => [k, job.build.buildArgs[k]])
  return JSON.stringify([job.dockerfile.path, job.build.context ?? '', job.build.target ?? '', args])
}
