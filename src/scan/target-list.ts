// The targets a scan of these settings would judge, each with a stable short id: `least-privilege targets`
// lists them in the shape `strategy.matrix` takes, and `scan --only-target ID` (input `target-id`) keeps one.
// Discovery and planning are the scan's own (discover.ts, targets.ts): no Docker code, no daemon.
import { createHash } from 'node:crypto'
import { posix, resolve, sep } from 'node:path'
import { UsageError } from '../errors'
import type { Settings } from '../settings'
import { discoverDockerfiles } from './discover'
import { jobFile, planTargets, type Job, type Targets } from './targets'

/** GitHub runs at most 256 jobs from one matrix (per workflow run). */
export const MAX_MATRIX_JOBS = 256

/** One target as a matrix entry: every value a plain string or null, so `${{ matrix.x }}` reads it. */
export interface TargetEntry {
  /** Stable while the Dockerfile's path and the deployment's file and name stay: `api-api-1a2b3c4d`. */
  id: string
  /** The code-scanning category a scan of this target alone uses by default. */
  category: string
  /** The file its results are reported under (the Dockerfile, or the manifest of an image-only target). */
  file: string
  /** The Dockerfile, repo-relative; null for an image a deployment runs that no scanned Dockerfile builds. */
  dockerfile: string | null
  /** The image reference of an image-only target; null otherwise. */
  image: string | null
  /** The deployment judged: `compose`, `kubernetes`, `run-options`, `label` or `none` (Docker's defaults). */
  source: string
  /** The deployment file, repo-relative; null without one. */
  deployment: string | null
  /** The target's name as every report shows it (`compose.yaml service api`). */
  name: string
}

/** Discovers and plans exactly as runScan does. */
export function planOf(settings: Settings): Targets {
  const discovered = discoverDockerfiles(
    settings.paths,
    settings.cwd,
    settings.repoRoot,
    folder => holdsDeployments(settings, folder),
    settings
  )
  return planTargets(discovered, settings)
}

/** True when a declared deployment was read from a file under `folder` (absolute): discover.ts skips it. */
export function holdsDeployments(settings: Settings, folder: string): boolean {
  const inside = folder.endsWith(sep) ? folder : folder + sep
  return settings.deployments.some(
    d => d.file !== '' && resolve(settings.repoRoot, d.file).startsWith(inside)
  )
}

/** What identifies a target across commits: never line numbers, never flag text. */
function identity(job: Job): string[] {
  const deployment = job.deployment
  const declared = deployment && deployment.source !== 'run-options'
  return [
    job.kind === 'dockerfile' ? job.dockerfile.file : `image:${job.image}`,
    declared ? deployment.source : job.target.source,
    declared ? deployment.file : '',
    declared ? deployment.name : ''
  ]
}

/** Lower-case letters, digits and `-` only: safe in a category, a job name and a file name. */
function slug(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '')
}

/** `api-api-1a2b3c4d`: the Dockerfile's folder (or image), the service or container, and a hash of both. */
export function targetId(job: Job): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(identity(job)))
    .digest('hex')
    .slice(0, 8)
  const where =
    job.kind === 'dockerfile'
      ? posix.basename(posix.dirname(job.dockerfile.file)) || posix.basename(job.dockerfile.file)
      : (job.image.split('/').pop() ?? '').split(/[:@]/)[0]
  // The last word of `compose.yaml service api` / `… container app`: the service or container.
  const declared = job.deployment && job.deployment.source !== 'run-options'
  const who = declared ? (job.deployment?.name.split(' ').pop() ?? '') : ''
  const words = [slug(where, 24), slug(who, 24)].filter(w => w !== '' && w !== '-')
  if (words.length === 2 && words[0] === words[1]) words.pop()
  return [...words, hash].join('-')
}

export function categoryOf(id: string): string {
  return `least-privilege/${id}/`
}

export function entryOf(job: Job): TargetEntry {
  const id = targetId(job)
  const declared = job.deployment && job.deployment.source !== 'run-options' ? job.deployment : undefined
  return {
    id,
    category: categoryOf(id),
    file: jobFile(job),
    dockerfile: job.kind === 'dockerfile' ? job.dockerfile.file : null,
    image: job.kind === 'image' ? job.image : null,
    source: job.target.source,
    deployment: declared ? declared.file : null,
    name: job.target.name
  }
}

/** The entries of a plan, in scan order. Two jobs can only share an id if they are the same target. */
export function entriesOf(plan: Targets): TargetEntry[] {
  return plan.jobs.map(entryOf)
}

/** The `strategy.matrix` value; more targets than one matrix may run is a one-line error. */
export function matrixOf(entries: TargetEntry[], surface: Settings['surface']): { include: TargetEntry[] } {
  if (entries.length > MAX_MATRIX_JOBS) {
    const narrow = surface === 'action' ? 'the dockerfile input' : 'the PATHs'
    throw new UsageError(
      `${entries.length} targets, more than the ${MAX_MATRIX_JOBS} jobs GitHub runs from one matrix: narrow ${narrow} (or exclude) and list each part in its own job`
    )
  }
  return { include: entries }
}

/** How a surface names the selection, for messages. */
function selector(surface: Settings['surface']): { input: string; list: string } {
  return surface === 'action'
    ? { input: 'Input target-id', list: 'run the action with list-targets: true (output targets)' }
    : {
        input: '--only-target',
        list: 'run `least-privilege targets` with the same PATHs and options'
      }
}

/** Checks an id's shape before any file is read: one line, the characters targetId makes. */
export function targetIdProblem(id: string): string | undefined {
  if (id.length > 80 || !/^[a-z0-9-]+$/.test(id))
    return 'expected an id as `least-privilege targets` prints it (letters, digits and -)'
  return undefined
}

/**
 * The plan with only the job whose id is `id`; an unknown id is one line saying how to get the ids. `lenient`:
 * an empty plan instead (the base commit of --baseline, where a target the change adds does not exist yet).
 */
export function selectTarget(
  plan: Targets,
  id: string,
  surface: Settings['surface'],
  lenient = false
): Targets {
  const jobs = plan.jobs.filter(job => targetId(job) === id)
  const { input, list } = selector(surface)
  if (jobs.length === 0 && !lenient)
    throw new UsageError(
      `${input}: no target has the id "${id.slice(0, 80)}" among the ${plan.jobs.length} these paths give; ${list}`
    )
  // Build only what that target needs: its own Dockerfile.
  const kept = new Set(jobs.map(job => (job.kind === 'dockerfile' ? job.dockerfile.path : '')))
  // The unlinked-image note belongs to its own image-only target.
  const notifications = plan.notifications.filter(
    n =>
      n.kind !== 'unlinked-deployment' ||
      jobs.some(job => job.kind === 'image' && job.file === n.file && job.target.line === n.line)
  )
  return { jobs, notifications, dockerfiles: plan.dockerfiles.filter(d => kept.has(d.path)) }
}
