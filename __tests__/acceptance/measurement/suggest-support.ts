// Helpers of the --suggest acceptance suites (issue 12, deliverable 3): `scan --suggest` hands over a verified least-privilege profile.
// Each image below is written here with a known minimal profile (checked by hand with the docker CLI on
// Docker 20.10, whose containers get ip_unprivileged_port_start=0 and ping_group_range; busybox ping and
// arping open raw sockets only). For each: the suggestion is that profile; the docker CLI running the image
// with suggestion.docker keeps it alive, listening and healthy; removing any capability or tmpfs it adds
// breaks it (minimality); a kept root user is needed (--user 65534 breaks it).
import { expect } from '@jest/globals'
import YAML from 'yaml'
import {
  Case,
  type Expectation,
  type Result,
  type Suggestion,
  cli,
  isNonRootUser,
  parseReport,
  readFlags,
  splitFlags,
  withoutCap,
  withoutTmpfs,
  works
} from './support'

export interface Known {
  /** Dockerfile body after the busybox header */
  body: string
  files?: Record<string, string>
  runOptions?: string
  /** capabilities the minimal profile adds back */
  caps: string[]
  /** tmpfs targets the minimal profile mounts */
  tmpfs: string[]
  /**
   * 'root': the workload needs root, so no non-root --user; 'nonroot': the suggestion picks one; 'any': either
   * is minimal (Docker 20.10 copies an image folder's owner and mode into a tmpfs mounted over it, mode= is
   * ignored there, so a non-root user writes it only with a uid= option: root + tmpfs, or non-root + uid=)
   */
  user: 'root' | 'nonroot' | 'keep' | 'any'
  readOnly?: boolean
  expect?: Expectation
}

export interface Scanned {
  c: Case
  image: string
  result: Result
  sugg: Suggestion
  tokens: string[]
  stderr: string
}

export const cases: Case[] = []

export async function scanSuggest(name: string, k: Known): Promise<Scanned> {
  const c = new Case(name)
  cases.push(c)
  const file = c.dockerfile(k.body, 'Dockerfile', k.files)
  const image = await c.build()
  const args = ['scan', '--suggest', '--format', 'json', '--image', image, '--repo-root', c.dir]
  if (k.runOptions !== undefined) args.push('--run-options', k.runOptions)
  args.push(file)
  const res = await cli(args, { timeoutMs: 360_000 })
  const report = parseReport(res)
  expect(report.results).toHaveLength(1)
  const result = report.results[0]
  expect(result.measurement).not.toBeNull()
  const sugg = result.suggestion
  if (!sugg) throw new Error(`no suggestion (exit ${res.code}); stderr: ${res.stderr.slice(0, 2000)}`)
  expect(await c.toolLeftovers()).toEqual([])
  return { c, image, result, sugg, tokens: splitFlags(sugg.docker), stderr: res.stderr }
}

/** The shape the issue names, and the tightening every suggestion starts from. */
export function expectShape(s: Scanned): void {
  const { sugg } = s
  expect(typeof sugg.docker).toBe('string')
  expect(typeof sugg.compose).toBe('string')
  expect(typeof sugg.kubernetes).toBe('string')
  expect(Array.isArray(sugg.needs)).toBe(true)
  for (const n of sugg.needs) {
    expect(typeof n.kind).toBe('string')
    expect(typeof n.value).toBe('string')
    expect(typeof n.evidence).toBe('string')
    expect(n.evidence.trim().length).toBeGreaterThan(0)
  }
  // the names; the JSON report writes keys in snake_case (window_ms), either is read
  const v = sugg.verified as Record<string, unknown>
  expect(v.outcome ?? null).not.toBeNull()
  expect(v.window_ms ?? v.windowMs ?? null).not.toBeNull()
  expect(v).toHaveProperty('ports')
  expect(v).toHaveProperty('healthcheck')
  expect(['verified', 'unverified']).toContain(sugg.status)
  expect(sugg).toHaveProperty('limits')
  expect(sugg).toHaveProperty('trials')
}

export function expectTightened(s: Scanned, k: Known): void {
  const f = readFlags(s.tokens)
  expect(f.capDrop).toContain('ALL')
  expect(f.securityOpt.some(o => /^no-new-privileges(?:[:=]true)?$/.test(o))).toBe(true)
  if (k.readOnly !== false) expect(f.readOnly).toBe(true)
  expect(f.privileged).toBe(false)
  expect(f.securityOpt.filter(o => /unconfined/.test(o))).toEqual([]) // default seccomp and AppArmor
  for (const ns of ['pid', 'ipc', 'uts', 'network', 'net', 'userns', 'cgroupns'])
    expect(f.namespaces[ns] ?? '').not.toBe('host')
}

/** The suggestion is exactly the known minimal profile, with a need (and its evidence) for each addition. */
export function expectMinimalProfile(s: Scanned, k: Known): void {
  const f = readFlags(s.tokens)
  expect(f.capAdd).toEqual([...k.caps].sort())
  expect([...f.tmpfs].sort()).toEqual([...k.tmpfs].sort())
  if (k.user === 'root') expect(isNonRootUser(f.user)).toBe(false)
  if (k.user === 'nonroot') expect(isNonRootUser(f.user)).toBe(true)
  for (const cap of k.caps) {
    const need = s.sugg.needs.find(n => n.value.toUpperCase().replace(/^CAP_/, '') === cap)
    expect(need).toBeDefined()
    expect(need!.kind.toLowerCase()).toContain('cap')
  }
  for (const t of k.tmpfs)
    expect(s.sugg.needs.some(n => n.value === t || n.value.startsWith(`${t}`))).toBe(true)
  expect(s.sugg.status).toBe('verified')
}

/** The docker CLI confirms it: alive with the flags, broken without any one capability or tmpfs they add. */
export async function expectConfirmedByDocker(s: Scanned, k: Known): Promise<void> {
  const want = k.expect ?? {}
  expect(await works(s.c, s.tokens, s.image, want)).toBeNull()
  const f = readFlags(s.tokens)
  for (const cap of f.capAdd) {
    const why = await works(s.c, withoutCap(s.tokens, cap), s.image, want)
    if (why === null) throw new Error(`not minimal: still works without --cap-add ${cap}`)
  }
  for (const t of f.tmpfs) {
    const why = await works(s.c, withoutTmpfs(s.tokens, t), s.image, want)
    if (why === null) throw new Error(`not minimal: still works without --tmpfs ${t}`)
  }
  if (!isNonRootUser(f.user) && k.user === 'root') {
    const why = await works(s.c, [...s.tokens, '--user', '65534:65534'], s.image, want)
    if (why === null) throw new Error('not minimal: kept root, but works as 65534')
  }
}

/** compose and kubernetes carry the same profile as the docker flags. */
export function expectSnippetsAgree(s: Scanned): void {
  const f = readFlags(s.tokens)
  const compose = YAML.parse(s.sugg.compose) as Record<string, unknown>
  // either the service's keys, or { services: { name: {...} } }, or { name: {...} }
  const svc = findWith(compose, 'cap_drop') as Record<string, unknown> | undefined
  expect(svc).toBeDefined()
  expect((svc!.cap_drop as string[]).map(x => x.toUpperCase())).toContain('ALL')
  expect(
    ((svc!.cap_add as string[] | undefined) ?? []).map(x => x.toUpperCase().replace(/^CAP_/, '')).sort()
  ).toEqual(f.capAdd)
  expect(svc!.read_only === true).toBe(f.readOnly)
  const tmpfs = svc!.tmpfs === undefined ? [] : ([] as string[]).concat(svc!.tmpfs as string | string[])
  expect(tmpfs.map(t => t.split(':')[0]).sort()).toEqual([...f.tmpfs].sort())
  expect((svc!.security_opt as string[]).some(o => /^no-new-privileges(:true)?$/.test(o))).toBe(true)
  if (f.user !== null) expect(String(svc!.user)).toBe(f.user)

  const k8s = YAML.parse(s.sugg.kubernetes) as Record<string, unknown>
  const sc = (findWith(k8s, 'capabilities') ?? {}) as Record<string, unknown>
  const caps = sc.capabilities as { drop?: string[]; add?: string[] }
  expect(caps.drop).toContain('ALL')
  expect((caps.add ?? []).map(x => x.toUpperCase().replace(/^CAP_/, '')).sort()).toEqual(f.capAdd)
  expect(sc.allowPrivilegeEscalation).toBe(false)
  expect(sc.readOnlyRootFilesystem === true).toBe(f.readOnly)
  expect(sc.privileged === true).toBe(false)
  if (isNonRootUser(f.user)) {
    expect(sc.runAsNonRoot === true || (typeof sc.runAsUser === 'number' && sc.runAsUser !== 0)).toBe(true)
  }
  if (sc.seccompProfile !== undefined)
    expect((sc.seccompProfile as { type: string }).type).toBe('RuntimeDefault')
}

function findWith(node: unknown, key: string, depth = 0): Record<string, unknown> | undefined {
  if (depth > 6 || node === null || typeof node !== 'object') return undefined
  if (!Array.isArray(node) && key in (node as Record<string, unknown>)) return node as Record<string, unknown>
  for (const v of Object.values(node as Record<string, unknown>)) {
    const hit = findWith(v, key, depth + 1)
    if (hit) return hit
  }
  return undefined
}

export async function fullCase(name: string, k: Known): Promise<Scanned> {
  const s = await scanSuggest(name, k)
  expectShape(s)
  expectTightened(s, k)
  expectMinimalProfile(s, k)
  expectSnippetsAgree(s)
  await expectConfirmedByDocker(s, k)
  return s
}

// Images two suites share

export const NOTHING: Known = {
  body: `ENTRYPOINT ["/bin/sleep", "3600"]`,
  caps: [],
  tmpfs: [],
  user: 'nonroot'
}

export const HTTPD_8080: Known = {
  body: `RUN mkdir -p /www && echo hello > /www/index.html
EXPOSE 8080
ENTRYPOINT ["/bin/httpd", "-f", "-p", "8080", "-h", "/www"]`,
  caps: [],
  tmpfs: [],
  user: 'nonroot',
  expect: { ports: [8080] }
}
