// The config file's policy over findings, applied once per target after the pragmas (./suppress.ts) and
// before the principle rows, so the rows, the gate and every report see the same levels and suppressions.
//   rules / overrides: a rule's level (off drops its findings), globally or per path glob, last entry wins
//   ignore:            marks findings suppressed with a reason; past its expiry it suppresses nothing and the
//                      findings carry `properties.expired_ignore` instead
// Pure: the date is passed in, globs are matched against repo-relative paths, nothing is read.
import { compileGlob } from '../walk/glob'
import type { Wildmatch } from '../walk/wildmatch'
import type { Finding, Level, Suppression } from '../findings'

export type RuleLevel = Level | 'off'

/** Where an entry is written: the config file (as named in messages) and the 1-based line. */
export interface PolicySource {
  file: string
  line: number
}

/** One `rules:` entry, or one rule of an `overrides[].rules`. */
export interface LevelEntry {
  rule: string
  level: RuleLevel
  /** Repo-relative globs; undefined: every file (`rules:`). */
  paths?: string[]
  at: PolicySource
}

/** One `ignore:` entry, or the rules a `.hadolint.yaml` `ignored:` id stands for. */
export interface IgnoreEntry {
  kind: 'config' | 'hadolint'
  rules: string[]
  /** Repo-relative globs; undefined: every file. */
  paths?: string[]
  reason: string
  /** YYYY-MM-DD: the ignore holds through that day (UTC). */
  expires?: string
  at: PolicySource
}

/** A notification the policy reading produced (the hadolint migration, a broken .hadolint.yaml). */
export interface PolicyNote {
  level: 'warning' | 'note'
  message: string
}

export interface Policy {
  /** In the order written: `rules:` first, then each override; a later matching entry wins. */
  levels: LevelEntry[]
  ignores: IgnoreEntry[]
  notes: PolicyNote[]
}

export const EMPTY_POLICY: Policy = Object.freeze({ levels: [], ignores: [], notes: [] }) as Policy

/** What one target's findings came out as, and which ignores (by index in policy.ignores) matched any. */
export interface PolicyOutcome {
  findings: Finding[]
  matchedIgnores: number[]
}

/** The structured note on a finding whose ignore expired (`properties.expired_ignore`). */
export interface ExpiredIgnore {
  file: string
  line: number
  reason: string
  expires: string
}

/** Today in UTC, as YYYY-MM-DD. */
export function utcDay(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10)
}

/** True when the ignore no longer holds on `today` (YYYY-MM-DD): its expiry day is before today. */
export function isExpired(entry: IgnoreEntry, today: string): boolean {
  return entry.expires !== undefined && entry.expires < today
}

const compiled = new Map<string, Wildmatch>()
/** Verdicts by glob and path: a file's 100,000 findings ask the same question 100,000 times. */
const verdicts = new Map<string, boolean>()

function globMatches(glob: string, path: string): boolean {
  const key = `${glob}\0${path}`
  const known = verdicts.get(key)
  if (known !== undefined) return known
  let matcher = compiled.get(glob)
  if (!matcher) {
    matcher = compileGlob(glob.replace(/^\.\//, ''))
    // Bounded: a config holds a few globs; the caps only keep a long-lived process from growing.
    if (compiled.size > 10_000) compiled.clear()
    compiled.set(glob, matcher)
  }
  const verdict = matcher.test(path)
  if (verdicts.size > 100_000) verdicts.clear()
  verdicts.set(key, verdict)
  return verdict
}

/** A glob list matches a finding when a glob matches its result's Dockerfile or the finding's own file. */
function pathsMatch(paths: string[] | undefined, files: readonly string[]): boolean {
  if (paths === undefined) return true
  return paths.some(glob => files.some(file => file !== '' && globMatches(glob, file)))
}

/**
 * Applies `policy` to one target's findings. `dockerfile` is ScanResult.file (the Dockerfile, or the
 * manifest of an image-only target); `today` is YYYY-MM-DD (UTC).
 */
export function applyPolicy(
  findings: Finding[],
  dockerfile: string,
  policy: Policy,
  today: string
): PolicyOutcome {
  if (policy.levels.length === 0 && policy.ignores.length === 0) return { findings, matchedIgnores: [] }
  const levelsByRule = groupByRule(policy.levels)
  const ignoresByRule = new Map<string, number[]>()
  policy.ignores.forEach((entry, index) => {
    for (const rule of entry.rules) {
      const list = ignoresByRule.get(rule) ?? []
      if (!list.includes(index)) list.push(index)
      ignoresByRule.set(rule, list)
    }
  })
  // One Suppression object per ignore, as for pragmas: an ignore may cover 100,000 findings.
  const built = new Map<number, Suppression>()
  const matched = new Set<number>()
  const out: Finding[] = []
  for (const finding of findings) {
    const files = finding.file && finding.file !== dockerfile ? [dockerfile, finding.file] : [dockerfile]
    let entry: LevelEntry | undefined
    for (const candidate of levelsByRule.get(finding.ruleId) ?? []) {
      if (pathsMatch(candidate.paths, files)) entry = candidate
    }
    if (entry?.level === 'off') continue
    let next: Finding = finding
    if (entry) {
      next = {
        ...finding,
        level: entry.level,
        properties: {
          ...(finding.properties ?? {}),
          default_level: finding.level,
          level_source: `${entry.at.file}: line ${entry.at.line}`
        }
      }
    }
    let expired: IgnoreEntry | undefined
    let holding: number | undefined
    for (const index of ignoresByRule.get(finding.ruleId) ?? []) {
      const ignore = policy.ignores[index]
      if (!pathsMatch(ignore.paths, files)) continue
      matched.add(index)
      if (isExpired(ignore, today)) {
        expired ??= ignore
        continue
      }
      holding ??= index
    }
    // A pragma in the file already suppresses it (and says why, where the reader looks first).
    if (holding !== undefined && !next.suppression) {
      let suppression = built.get(holding)
      if (!suppression) {
        suppression = toSuppression(policy.ignores[holding])
        built.set(holding, suppression)
      }
      next = { ...next, suppression: { ...suppression } }
    } else if (holding === undefined && expired && !next.suppression) {
      const note: ExpiredIgnore = {
        file: expired.at.file,
        line: expired.at.line,
        reason: expired.reason,
        expires: expired.expires as string
      }
      next = { ...next, properties: { ...(next.properties ?? {}), expired_ignore: note } }
    }
    out.push(next)
  }
  return { findings: out, matchedIgnores: [...matched].sort((a, b) => a - b) }
}

function groupByRule(levels: LevelEntry[]): Map<string, LevelEntry[]> {
  const byRule = new Map<string, LevelEntry[]>()
  for (const entry of levels) {
    const list = byRule.get(entry.rule) ?? []
    list.push(entry)
    byRule.set(entry.rule, list)
  }
  return byRule
}

function toSuppression(entry: IgnoreEntry): Suppression {
  return {
    kind: entry.kind,
    justification: entry.reason,
    line: entry.at.line,
    file: entry.at.file,
    ...(entry.expires !== undefined ? { expires: entry.expires } : {})
  }
}

/** `LP101 (legacy/**)`, `LP101, LP105`: an ignore or level entry as the notifications name it. */
function described(rules: string[], paths: string[] | undefined): string {
  return `${rules.join(', ')}${paths ? ` (${paths.join(', ')})` : ''}`
}

/**
 * The run's policy notifications: which rules are off (once), one warning per expired ignore, one note per
 * ignore that matched no finding in the whole run (`matched`: indices over every target), and the notes of
 * reading the policy (the hadolint migration).
 */
export function policyNotes(policy: Policy, matched: ReadonlySet<number>, today: string): PolicyNote[] {
  const notes: PolicyNote[] = [...policy.notes]
  const off = policy.levels.filter(entry => entry.level === 'off')
  if (off.length > 0) {
    const file = off[0].at.file
    const list = off.map(entry => `${described([entry.rule], entry.paths)} on line ${entry.at.line}`)
    notes.push({
      level: 'note',
      message: `${file}: rules turned off (not reported): ${list.join('; ')}`
    })
  }
  policy.ignores.forEach((entry, index) => {
    if (entry.kind !== 'config') return
    const what = `the ignore of ${described(entry.rules, entry.paths)}`
    if (isExpired(entry, today)) {
      notes.push({
        level: 'warning',
        message: `${entry.at.file}: line ${entry.at.line}: ${what} expired on ${entry.expires}: its findings are reported again`
      })
    } else if (!matched.has(index)) {
      notes.push({
        level: 'note',
        message: `${entry.at.file}: line ${entry.at.line}: ${what} matched no finding: remove it if it is no longer needed`
      })
    }
  })
  return notes
}

/** The expired-ignore note a finding carries, when it does (reporters render it). */
export function expiredIgnoreOf(finding: Finding): ExpiredIgnore | undefined {
  const value = finding.properties?.expired_ignore as Partial<ExpiredIgnore> | undefined
  if (!value || typeof value !== 'object') return undefined
  if (typeof value.file !== 'string' || typeof value.line !== 'number') return undefined
  if (typeof value.expires !== 'string' || typeof value.reason !== 'string') return undefined
  return value as ExpiredIgnore
}

/** `the ignore in .least-privilege.yml line 9 expired on 2026-01-31 (reason: …)`: plain text, unescaped. */
export function expiredIgnoreText(note: ExpiredIgnore): string {
  return `the ignore in ${note.file} line ${note.line} expired on ${note.expires} (reason: ${note.reason})`
}

/**
 * Where a suppression is written, for people: `inline pragma on line 4`, `ignore in .least-privilege.yml line 9,
 * until 2027-03-31`, `.hadolint.yaml line 2` (its justification names the hadolint id).
 */
export function suppressionSource(s: Suppression): string {
  if (s.file === undefined) return `${s.kind} pragma on line ${s.line}`
  if (s.kind === 'hadolint') return `${s.file} line ${s.line}`
  const until = s.expires !== undefined ? `, until ${s.expires}` : ''
  return `ignore in ${s.file} line ${s.line}${until}`
}
