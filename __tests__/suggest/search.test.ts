// The search over a fake trial function: which profile passes is known, so the result must be exactly
// the minimal one, with the evidence of a run that lacked each need, within the trial budget.
import { describe, expect, it } from '@jest/globals'
import { DOCKER_DEFAULT_CAPS, sortCaps } from '../../src/profile/capabilities'
import { NON_ROOT_USER, type Candidate } from '../../src/suggest/candidate'
import { bisect, searchProfile, type SearchInput, type TrialOutcome } from '../../src/suggest/search'

const tightest: Candidate = {
  caps: [],
  writable: [],
  readOnly: true,
  user: NON_ROOT_USER,
  hostNamespaces: [],
  imageUserRoot: true
}

function input(over: Partial<SearchInput> = {}): SearchInput {
  return {
    tightest,
    fallbackUser: { value: undefined, name: 'root' },
    declaredCaps: sortCaps([...DOCKER_DEFAULT_CAPS]),
    declaredNamespaces: [],
    writableEvidence: {},
    maxTrials: 24,
    ...over
  }
}

/** Passes when every needed cap is there, root when `root`, and the paths and namespaces given. */
function needing(opts: { caps?: string[]; root?: boolean; paths?: string[]; ns?: string[] }) {
  const calls: Candidate[] = []
  const trial = async (c: Candidate): Promise<TrialOutcome> => {
    calls.push(c)
    const missing = (opts.caps ?? []).filter(x => !c.caps.includes(x))
    if (opts.root && c.user !== undefined) return { pass: false, failure: 'su exits 1 as nobody' }
    if (missing.length) return { pass: false, failure: `it lacks ${missing.join('+')}` }
    const paths = (opts.paths ?? []).filter(p => !c.writable.includes(p))
    if (paths.length) return { pass: false, failure: `cannot write ${paths.join('+')}` }
    const ns = (opts.ns ?? []).filter(n => !c.hostNamespaces.includes(n as never))
    if (ns.length) return { pass: false, failure: `no host ${ns.join('+')}` }
    return { pass: true }
  }
  return { calls, trial }
}

describe('searchProfile', () => {
  it('takes one trial when the tightest profile passes', async () => {
    const { trial, calls } = needing({})
    const r = await searchProfile(input(), trial)
    expect(r.found).toEqual(tightest)
    expect(r.needs).toEqual([])
    expect(r.trials).toBe(1)
    expect(calls).toHaveLength(1)
  })

  it('finds CHOWN, SETGID and SETUID as root by bisection, each with the failure of a run without it', async () => {
    const { trial } = needing({ caps: ['CHOWN', 'SETGID', 'SETUID'], root: true })
    const r = await searchProfile(input(), trial)
    expect(r.found?.caps).toEqual(['CHOWN', 'SETGID', 'SETUID'])
    expect(r.found?.user).toBeUndefined()
    expect(r.needs.map(n => `${n.kind}:${n.value}`)).toEqual([
      'user:root',
      'capability:CHOWN',
      'capability:SETGID',
      'capability:SETUID'
    ])
    for (const need of r.needs.filter(n => n.kind === 'capability'))
      expect(need.evidence).toContain(`without it it lacks`)
    expect(r.needs.find(n => n.value === 'CHOWN')?.evidence).toMatch(/CHOWN/)
    expect(r.trials).toBeLessThanOrEqual(20)
  })

  it('finds one capability in about log2 of the declared set', async () => {
    const { trial } = needing({ caps: ['NET_RAW'], root: true })
    const r = await searchProfile(input(), trial)
    expect(r.found?.caps).toEqual(['NET_RAW'])
    // tight, loose, user, no caps, then at most two trials per halving of 14 (4 levels)
    expect(r.trials).toBeLessThanOrEqual(12)
  })

  it('keeps a host namespace only when the run without it fails', async () => {
    const { trial } = needing({ ns: ['pid'] })
    const r = await searchProfile(input({ declaredNamespaces: ['pid', 'ipc'] }), trial)
    expect(r.found?.hostNamespaces).toEqual(['pid'])
    expect(r.found?.user).toBe(NON_ROOT_USER)
    expect(r.needs).toEqual([
      { kind: 'host-namespace', value: 'pid', evidence: 'without the host pid namespace no host pid' }
    ])
  })

  it('drops tmpfs mounts that are not needed and keeps the one that is, with what was written there', async () => {
    const { trial } = needing({ paths: ['/var/cache/app'] })
    const r = await searchProfile(
      input({
        tightest: { ...tightest, writable: ['/tmp', '/var/cache/app'] },
        writableEvidence: { '/var/cache/app': 'under the declared profile it wrote /var/cache/app/state' }
      }),
      trial
    )
    expect(r.found?.writable).toEqual(['/var/cache/app'])
    expect(r.needs).toEqual([
      {
        kind: 'writable-path',
        value: '/var/cache/app',
        evidence:
          'without a tmpfs there cannot write /var/cache/app (under the declared profile it wrote /var/cache/app/state)'
      }
    ])
  })

  it('says why when nothing passes, and stops at the budget', async () => {
    const never = async (): Promise<TrialOutcome> => ({ pass: false, failure: 'exits 3' })
    const r = await searchProfile(input(), never)
    expect(r.found).toBeUndefined()
    expect(r.reason).toMatch(/fails even with the declared user.*exits 3/)
    const { trial } = needing({ caps: ['CHOWN', 'SETGID', 'SETUID', 'KILL', 'FOWNER'], root: true })
    const short = await searchProfile(input({ maxTrials: 5 }), trial)
    expect(short.found).toBeUndefined()
    expect(short.trials).toBe(5)
    expect(short.reason).toBe('no passing profile was found within 5 workload runs')
  })
})

describe('bisect', () => {
  it.each([[[]], [['a']], [['a', 'h']], [['b', 'c', 'd']], [['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']]])(
    'finds exactly %j in a..h',
    async needed => {
      const pool = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
      const test = async (set: string[]): Promise<TrialOutcome> => {
        const missing = needed.filter(n => !set.includes(n))
        return missing.length ? { pass: false, failure: `missing ${missing.join('')}` } : { pass: true }
      }
      if (needed.length === 0) return
      const found = await bisect([], pool, await test([]), test)
      expect(found.map(f => f.cap).sort()).toEqual([...needed].sort())
      for (const f of found) expect(f.failure).toContain(f.cap)
    }
  )
})
