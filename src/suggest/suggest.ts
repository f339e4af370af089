// The verified least-privilege profile of one measured target: run the workload under its declared
// profile for reference, search for the tightest profile that behaves the same (./search.ts), and hand
// it over as docker flags, a compose snippet and a securityContext. Advice only: never a finding or verdict.
import type Docker from 'dockerode'
import { inspectImageRequest, readCall } from '../docker/call'
import { callContext } from '../docker/probe-run'
import { DOCKER_2010_LAST_CAP, dockerCapabilitySet } from '../profile/capabilities'
import { profileFromArgs } from '../profile/parse'
import type { RuntimeProfile } from '../profile/types'
import {
  candidateArgs,
  carriedArgs,
  declaredHostNamespaces,
  isRootUser,
  joinArgs,
  NON_ROOT_USER,
  type Candidate
} from './candidate'
import { writablePaths } from './changes'
import { searchProfile, type TrialOutcome } from './search'
import { composeSnippet, kubernetesSnippet } from './snippets'
import { healthcheckCommand, runTrial, type TrialContext, type TrialRun } from './trial'
import type { Suggestion } from './types'

/** Workload runs one suggestion may take, the declared reference run included. */
export const MAX_SUGGEST_TRIALS = 24

export interface SuggestOptions extends Omit<TrialContext, 'healthcheck' | 'healthcheckTimeoutMs'> {
  declared: RuntimeProfile
  maxTrials?: number
}

export const SUGGESTION_LIMITS =
  'A short run shows only what the workload does while it starts and idles: requests under real traffic, rarely used code paths, signals, upgrades and scheduled jobs may need more.'

interface ImageConfig {
  User?: string
  Healthcheck?: { Test?: unknown; Timeout?: number } | null
}

async function imageConfig(docker: Docker, opts: SuggestOptions): Promise<ImageConfig> {
  const call = callContext(opts)
  const inspect = (await readCall('image inspect for the suggestion', call, s =>
    inspectImageRequest(docker, opts.image, s)
  )) as { Config?: ImageConfig | null }
  return inspect.Config ?? {}
}

/** What a failed trial did differently from the declared run, as a clause: "the entrypoint exits 1 with `...`". */
export function compareRuns(ref: TrialRun, run: TrialRun): TrialOutcome {
  const with_ = (said: string): string => (said ? ` with \`${said}\`` : '')
  if (!ref.running) {
    if (!run.running && run.exitCode === ref.exitCode) return { pass: true }
    if (run.running)
      return { pass: false, failure: `it is still running where the declared profile exits ${ref.exitCode}` }
    if (run.exitCode === undefined) return { pass: false, failure: `it does not start${with_(run.said)}` }
    return { pass: false, failure: `the entrypoint exits ${run.exitCode}${with_(run.said)}` }
  }
  if (!run.running) {
    if (run.exitCode === undefined) return { pass: false, failure: `it does not start${with_(run.said)}` }
    return { pass: false, failure: `the entrypoint exits ${run.exitCode}${with_(run.said)}` }
  }
  const missing = (ref.ports ?? []).filter(p => !(run.ports ?? []).includes(p))
  if (ref.ports?.length && run.ports === undefined)
    return { pass: false, failure: 'its listening ports could not be read' }
  if (missing.length) return { pass: false, failure: `it no longer listens on ${missing.join(', ')}` }
  if (ref.healthcheck?.passed && !run.healthcheck?.passed) {
    const h = run.healthcheck
    return {
      pass: false,
      failure: `its HEALTHCHECK ${h?.exitCode !== undefined ? `exits ${h.exitCode}` : 'fails'}${with_(h?.said ?? '')}`
    }
  }
  return { pass: true }
}

export async function suggestProfile(docker: Docker, opts: SuggestOptions): Promise<Suggestion> {
  const config = await imageConfig(docker, opts)
  const healthcheck = healthcheckCommand(config.Healthcheck?.Test)
  const timeoutNs = config.Healthcheck?.Timeout
  const ctx: TrialContext = {
    ...opts,
    ...(healthcheck ? { healthcheck } : {}),
    ...(timeoutNs ? { healthcheckTimeoutMs: Math.ceil(timeoutNs / 1e6) } : {})
  }
  const declared = opts.declared
  const carried = carriedArgs(declared)
  const ref = await runTrial(docker, declared, ctx, { changes: true })
  const mounted = declared.mounts.map(m => m.target)
  const writable = writablePaths(ref.changes ?? [], mounted)
  const imageUser = declared.user ?? config.User ?? ''
  const root = isRootUser(imageUser)
  const tightest: Candidate = {
    caps: [],
    writable: writable.paths,
    readOnly: true,
    ...(root ? { user: NON_ROOT_USER } : declared.user !== undefined ? { user: declared.user } : {}),
    hostNamespaces: [],
    imageUserRoot: isRootUser(config.User),
    ...(config.User ? { imageUser: config.User } : {})
  }
  const declaredCaps = dockerCapabilitySet(declared, DOCKER_2010_LAST_CAP)
  const base = {
    verified: {
      outcome: ref.running ? ('running' as const) : ('exited-as-declared' as const),
      windowMs: opts.windowMs,
      ports: ref.ports ?? [],
      healthcheck: ref.healthcheck?.passed ? ('passed' as const) : ('none' as const)
    },
    limits: limitsFor(ref, healthcheck !== undefined)
  }
  if (!ref.running && ref.exitCode === undefined)
    return unverified(
      base,
      tightest,
      carried,
      1,
      `it does not start under the declared profile${ref.said ? ` (\`${ref.said}\`)` : ''}, so there is nothing to verify against`
    )
  if (ref.running && healthcheck && !ref.healthcheck?.passed) {
    return unverified(
      base,
      tightest,
      carried,
      1,
      `its HEALTHCHECK fails under the declared profile too${ref.healthcheck?.said ? ` (\`${ref.healthcheck.said}\`)` : ''}, so there is nothing to verify against`
    )
  }
  const result = await searchProfile(
    {
      tightest,
      ...(root
        ? { fallbackUser: { value: declared.user, name: imageUser === '' ? 'root' : imageUser } }
        : {}),
      declaredCaps,
      declaredNamespaces: declaredHostNamespaces(declared),
      writableEvidence: writable.evidence,
      maxTrials: (opts.maxTrials ?? MAX_SUGGEST_TRIALS) - 1
    },
    async candidate => {
      const run = await runTrial(docker, profileFromArgs(candidateArgs(candidate, carried)), ctx, {
        changes: false
      })
      return compareRuns(ref, run)
    }
  )
  const trials = result.trials + 1
  if (!result.found) return unverified(base, tightest, carried, trials, result.reason ?? 'no passing profile')
  const found = result.found
  return {
    status: 'verified',
    docker: joinArgs(candidateArgs(found, carried)),
    compose: composeSnippet(found),
    kubernetes: kubernetesSnippet(found),
    needs: result.needs,
    ...base,
    trials
  }
}

function unverified(
  base: Pick<Suggestion, 'verified' | 'limits'>,
  tightest: Candidate,
  carried: string[],
  trials: number,
  reason: string
): Suggestion {
  return {
    status: 'unverified',
    reason,
    docker: joinArgs(candidateArgs(tightest, carried)),
    compose: composeSnippet(tightest),
    kubernetes: kubernetesSnippet(tightest),
    needs: [],
    ...base,
    trials
  }
}

function limitsFor(ref: TrialRun, hasHealthcheck: boolean): string {
  const parts = [SUGGESTION_LIMITS]
  if (ref.running && ref.ports === undefined)
    parts.push('Its listening ports could not be read, so they were not compared.')
  if (!hasHealthcheck)
    parts.push('The image has no HEALTHCHECK, so only staying alive and listening were checked.')
  if (!ref.running)
    parts.push('It exits within the window under the declared profile, so only its exit code was compared.')
  return parts.join(' ')
}
