// The search for the tightest profile that still passes verification, over an injected trial function
// (pure apart from it, so the bisection is tested without a daemon). Order: the tightest profile; then the
// user, host namespaces and capabilities added back (capabilities by bisection over the declared set);
// then each tmpfs taken away again to see whether it is needed. Every step is bounded by `maxTrials`.
import type { SuggestionNeed } from './types'
import { type Candidate, type HostNamespace } from './candidate'

export interface TrialOutcome {
  pass: boolean
  /** When it failed: what happened, as a clause after "without it": "the entrypoint exits 1 with `...`". */
  failure?: string
}

export type Trial = (candidate: Candidate) => Promise<TrialOutcome>

export interface SearchInput {
  /** The tightest candidate: no capabilities, the writable paths the workload wrote, non-root if it can be. */
  tightest: Candidate
  /** The user to fall back to (the image's or the declared one); undefined when `tightest` keeps it already. */
  fallbackUser?: { value: string | undefined; name: string }
  /** Capabilities the declared profile grants: the bisection's universe. */
  declaredCaps: string[]
  declaredNamespaces: HostNamespace[]
  /** Why each writable path was added: "it wrote /var/cache/app/x under the declared profile". */
  writableEvidence: Record<string, string>
  maxTrials: number
}

export interface SearchResult {
  /** The passing candidate, or undefined when none passed within the budget. */
  found?: Candidate
  needs: SuggestionNeed[]
  trials: number
  reason?: string
}

class BudgetSpent extends Error {}

export async function searchProfile(input: SearchInput, trial: Trial): Promise<SearchResult> {
  let trials = 0
  const run = async (c: Candidate): Promise<TrialOutcome> => {
    if (trials >= input.maxTrials) throw new BudgetSpent()
    trials++
    return trial(c)
  }
  const needs: SuggestionNeed[] = []
  try {
    let current = input.tightest
    const tight = await run(current)
    if (!tight.pass) {
      const loose: Candidate = {
        ...current,
        ...(input.fallbackUser ? { user: input.fallbackUser.value } : {}),
        caps: [...input.declaredCaps],
        hostNamespaces: [...input.declaredNamespaces]
      }
      let looseOutcome = await run(loose)
      if (!looseOutcome.pass) {
        const writableRoot = { ...loose, readOnly: false, writable: [] }
        const rootOutcome = await run(writableRoot)
        if (!rootOutcome.pass)
          return {
            needs,
            trials,
            reason: `it fails even with the declared user, capabilities and host namespaces and a writable root filesystem: ${rootOutcome.failure ?? looseOutcome.failure ?? 'unknown failure'}`
          }
        needs.push({
          kind: 'writable-path',
          value: '/',
          evidence: `with a read-only root filesystem ${looseOutcome.failure ?? 'it fails'}`
        })
        looseOutcome = rootOutcome
        current = writableRoot
      } else current = loose
      // Each dimension back to tight where that still passes.
      if (input.fallbackUser) {
        const nonRoot = { ...current, user: input.tightest.user }
        const outcome = await run(nonRoot)
        if (outcome.pass) current = nonRoot
        else
          needs.push({
            kind: 'user',
            value: input.fallbackUser.name,
            evidence: `as ${input.tightest.user ?? 'a non-root user'} ${outcome.failure ?? 'it fails'}`
          })
      }
      for (const ns of input.declaredNamespaces) {
        const without = { ...current, hostNamespaces: current.hostNamespaces.filter(n => n !== ns) }
        const outcome = await run(without)
        if (outcome.pass) current = without
        else
          needs.push({
            kind: 'host-namespace',
            value: ns,
            evidence: `without the host ${ns} namespace ${outcome.failure ?? 'it fails'}`
          })
      }
      const base = { ...current, caps: [] }
      const baseOutcome = current.caps.length ? await run(base) : { pass: true }
      if (baseOutcome.pass) current = base
      else {
        const found = await bisect([], current.caps, baseOutcome, caps => run({ ...current, caps }))
        current = { ...current, caps: found.map(f => f.cap) }
        for (const f of found)
          needs.push({ kind: 'capability', value: f.cap, evidence: `without it ${f.failure ?? 'it fails'}` })
      }
    }
    current = await pruneWritable(current, input, run, needs)
    return { found: current, needs, trials }
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error
    return { needs, trials, reason: `no passing profile was found within ${input.maxTrials} workload runs` }
  }
}

/**
 * The needed subset of `pool`, given that `required ∪ pool` passes and `required` alone fails (with
 * `without`): halve the pool; a half that passes alone holds everything needed; otherwise each half holds
 * some. Each needed element carries the failure of a run that had everything but it (monotonic in caps).
 */
export async function bisect<T>(
  required: T[],
  pool: T[],
  without: TrialOutcome,
  test: (set: T[]) => Promise<TrialOutcome>
): Promise<Array<{ cap: T; failure?: string }>> {
  if (pool.length === 0) return []
  if (pool.length === 1) return [{ cap: pool[0], failure: without.failure }]
  const half = Math.ceil(pool.length / 2)
  const a = pool.slice(0, half)
  const b = pool.slice(half)
  const withA = await test([...required, ...a])
  if (withA.pass) return bisect(required, a, without, test)
  const withB = await test([...required, ...b])
  if (withB.pass) return bisect(required, b, without, test)
  // Both halves hold something: what A needs given all of B, then what B needs given that.
  const fromA = await bisect([...required, ...b], a, withB, test)
  const keptA = fromA.map(f => f.cap)
  const withKeptA = keptA.length === a.length ? withA : await test([...required, ...keptA])
  if (withKeptA.pass) return fromA
  const fromB = await bisect([...required, ...keptA], b, withKeptA, test)
  return [...fromA, ...fromB]
}

/** Takes the tmpfs mounts away: all at once, then one by one; a path whose removal fails is a need. */
async function pruneWritable(
  current: Candidate,
  input: SearchInput,
  run: (c: Candidate) => Promise<TrialOutcome>,
  needs: SuggestionNeed[]
): Promise<Candidate> {
  if (!current.readOnly || current.writable.length === 0) return current
  const none = { ...current, writable: [] }
  const noneOutcome = await run(none)
  if (noneOutcome.pass) return none
  if (current.writable.length === 1) {
    needs.push(writableNeed(current.writable[0], noneOutcome, input))
    return current
  }
  let kept = [...current.writable]
  for (const path of current.writable) {
    const without = { ...current, writable: kept.filter(p => p !== path) }
    let outcome: TrialOutcome
    try {
      outcome = await run(without)
    } catch (error) {
      // Out of trials: the rest stay, with what the declared run showed.
      if (!(error instanceof BudgetSpent)) throw error
      for (const rest of kept.slice(kept.indexOf(path)))
        needs.push({
          kind: 'writable-path',
          value: rest,
          evidence: input.writableEvidence[rest] ?? 'it wrote there'
        })
      return { ...current, writable: kept }
    }
    if (outcome.pass) kept = kept.filter(p => p !== path)
    else needs.push(writableNeed(path, outcome, input))
  }
  return { ...current, writable: kept }
}

function writableNeed(path: string, outcome: TrialOutcome, input: SearchInput): SuggestionNeed {
  const wrote = input.writableEvidence[path]
  return {
    kind: 'writable-path',
    value: path,
    evidence: `without a tmpfs there ${outcome.failure ?? 'it fails'}${wrote ? ` (${wrote})` : ''}`
  }
}
