// The new-findings gate (`--baseline REF`, input `fail-on-new`): the same paths are scanned at the base commit,
// statically (files from git, no build, no probe), judged with the head's settings, and every head finding is
// marked new or unchanged; base findings gone at the head are the fixed ones. The gate then fails only on new
// findings (./outcome). A base that cannot be read is an error notification: the check must not pass blind.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { loadDeployments } from '../../deployment/load'
import type { Deployment } from '../../deployment/types'
import { clip } from '../../dockerfile/limits'
import { UsageError, describeError } from '../../errors'
import { splitLines } from '../../fingerprints'
import type { Finding } from '../../findings'
import type { Settings } from '../../settings'
import { alertsOf, type Alert } from '../alerts'
import type { BaselineSummary, FixedFinding, Notification, ScanReport } from '../types'
import { discoverDockerfiles, looksLikeDockerfile } from '../discover'
import { holdsDeployments } from '../target-list'
import { compareWithBase } from './compare'
import { changedSince, gitLocation, hasObject, type ChangedPath } from './git'
import { materializeTree, type BaseTree } from './tree'

/** Fixed findings listed by name in the report (all are counted). */
export const MAX_LISTED_FIXED = 1000

export type StaticScan = (settings: Settings) => Promise<ScanReport>

/** Marks the head report's findings new/unchanged against `settings.baseline` and adds the summary. */
export async function withBaseline(
  report: ScanReport,
  settings: Settings,
  scan: StaticScan
): Promise<ScanReport> {
  const baseline = settings.baseline
  if (!baseline) return report
  let tree: BaseTree | undefined
  try {
    const changes = changedSince(settings.repoRoot, baseline.commit)
    const location = gitLocation(settings.repoRoot, 'baseline')
    tree = prefixExists(settings.repoRoot, baseline.commit, location.prefix)
      ? await materializeTree(location, baseline.commit)
      : undefined
    const baseSettings = tree ? rebased(settings, tree.root, renamesOf(changes)) : undefined
    // No path of the scan existed at the base: everything is new there, nothing was fixed.
    const baseReport = baseSettings && baseSettings.paths.length > 0 ? await scan(baseSettings) : undefined
    return marked(report, settings, baseReport, tree?.root, changes)
  } catch (error) {
    const note: Notification = {
      level: 'error',
      kind: 'baseline-failed',
      message: `the base commit ${baseline.ref} (${baseline.commit.slice(0, 12)}) could not be scanned: ${describeError(error).replace(/^Error: /, '')}`
    }
    return { ...report, notifications: [...report.notifications, note] }
  } finally {
    tree?.remove()
  }
}

/** repoRoot's folder existed at the commit (a repository root always did). */
function prefixExists(repoRoot: string, commit: string, prefix: string): boolean {
  return prefix === '' || hasObject(repoRoot, `${commit}:${prefix.replace(/\/$/, '')}`)
}

/**
 * The head's settings pointed at the base's files: same flags, config and excludes; static only. What the
 * base cannot give is left out rather than failing the gate: a path or a Dockerfile the change adds, a
 * deployment file the change adds or repairs (its findings then count as new).
 */
export function rebased(
  settings: Settings,
  baseRoot: string,
  renames: ReadonlyMap<string, string> = new Map()
): Settings {
  const map = (path: string): string => {
    const rel = relative(settings.repoRoot, path)
    if (rel.startsWith('..') || isAbsolute(rel)) return path
    // A file renamed since the base is read under its base name (its findings are renamed back after).
    return join(baseRoot, renames.get(rel.split(sep).join('/')) ?? rel)
  }
  const existing = settings.paths.map(p => map(resolve(settings.cwd, p))).filter(p => existsSync(p))
  // A folder searched at the head holds files renamed into it from elsewhere: those are read at the base too.
  for (const given of settings.paths) {
    const folder = relative(settings.repoRoot, resolve(settings.cwd, given)).split(sep).join('/')
    if (folder.startsWith('..') || isAbsolute(folder) || !isDirectory(resolve(settings.cwd, given))) continue
    for (const [after, before] of renames) {
      const under = folder === '' || after.startsWith(`${folder}/`)
      const outside = folder !== '' && !before.startsWith(`${folder}/`)
      if (under && outside && looksLikeDockerfile(basename(before))) existing.push(join(baseRoot, before))
    }
  }
  const dockerfileOptions: Settings['dockerfileOptions'] = Object.create(null)
  for (const [file, options] of Object.entries(settings.dockerfileOptions)) {
    dockerfileOptions[map(file)] = {
      ...options,
      ...(options.context ? { context: map(options.context) } : {})
    }
  }
  const images: Settings['images'] = Object.create(null)
  for (const [name, file] of Object.entries(settings.images)) images[name] = map(file)
  const named = (settings.deploymentFiles ?? [])
    .filter(f => f !== '-')
    .map(map)
    .filter(f => isFile(f))
  const deployments = baseDeployments(settings, named, existing, baseRoot)
  // A manifest read from standard input is the same text at both commits.
  const fromStdin = (settings.deploymentFiles ?? []).includes('-')
    ? settings.deployments.filter(d => d.file === '<stdin>')
    : []
  const base: Settings = {
    ...settings,
    paths: existing,
    cwd: baseRoot,
    repoRoot: baseRoot,
    dockerfileOptions,
    images,
    deployments: [...deployments, ...fromStdin],
    deploymentNotes: [],
    build: false,
    probe: 'false',
    keepImage: false,
    sarifFile: ''
  }
  delete base.image
  delete base.baseline
  if (settings.context) base.context = map(settings.context)
  base.paths = existing.filter(path => {
    try {
      discoverDockerfiles([path], baseRoot, baseRoot, folder => holdsDeployments(base, folder), base)
      return true
    } catch (error) {
      if (error instanceof UsageError) return false // nothing to scan there at the base
      throw error
    }
  })
  return base
}

/** The base's deployments, read as the head's were; a file that does not read there is left out alone. */
function baseDeployments(
  settings: Settings,
  named: string[],
  folders: string[],
  baseRoot: string
): Deployment[] {
  const options = {
    cwd: baseRoot,
    repoRoot: baseRoot,
    env: process.env,
    kubeletSeccompDefault: settings.kubernetesSeccompDefault === 'runtime-default',
    gitignore: settings.gitignore,
    exclude: settings.exclude
  }
  const load = (files: string[], paths: string[]): Deployment[] | undefined => {
    try {
      return loadDeployments(files, paths, options).deployments
    } catch (error) {
      if (error instanceof UsageError) return undefined
      throw error
    }
  }
  const together = load(named, folders)
  if (together) return together
  // One at a time: a file the change repairs must not hide the others.
  const seen = new Set<string>()
  const out: Deployment[] = []
  for (const one of [...named.map(f => load([f], [])), ...folders.map(f => load([], [f]))]) {
    for (const d of one ?? []) {
      const key = `${d.file}\0${d.at?.line ?? 0}\0${d.name}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(d)
    }
  }
  return out
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * Base path -> the head paths its findings may have moved to: renames and copies (from a file the change
 * modified), as git detects them. A rename is a copy whose source is gone: one rule for both, so a file moved
 * away and replaced at its old path gets one verdict whether or not the change is staged.
 */
function copiesOf(changes: readonly ChangedPath[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const c of changes)
    if (c.status === 'R' || c.status === 'C') out.set(c.before, [...(out.get(c.before) ?? []), c.after])
  return out
}

/** Head path -> base path of each file git sees as renamed since the base. */
function renamesOf(changes: readonly ChangedPath[]): Map<string, string> {
  return new Map(changes.filter(c => c.status === 'R').map(c => [c.after, c.before]))
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function linesReader(root: string): (file: string) => string[] | undefined {
  return file => {
    try {
      return splitLines(readFileSync(isAbsolute(file) ? file : join(root, file), 'utf8'))
    } catch {
      return undefined
    }
  }
}

function marked(
  report: ScanReport,
  settings: Settings,
  baseReport: ScanReport | undefined,
  baseRoot: string | undefined,
  changes: readonly ChangedPath[]
): ScanReport {
  const baseline = settings.baseline as NonNullable<Settings['baseline']>
  const base = baseReport
  const headToBase = new Map(changes.filter(c => c.status === 'R').map(c => [c.after, c.before]))
  const contentChanged = new Set(changes.filter(c => c.status !== 'D').map(c => c.after))
  const baseLinesAt = baseRoot ? linesReader(baseRoot) : () => undefined
  const headAlerts = alertsOf(report)
  const comparison = compareWithBase({
    head: headAlerts,
    headLines: linesReader(settings.repoRoot),
    base: base ? alertsOf(base) : [],
    baseLines: baseLinesAt,
    copies: copiesOf(changes),
    changed: file =>
      contentChanged.has(file) || !baseRoot || !existsSync(join(baseRoot, headToBase.get(file) ?? file))
  })
  const stateOf = new Map<Finding, 'new' | 'unchanged'>()
  headAlerts.forEach((alert, i) => {
    for (const finding of alert.members) stateOf.set(finding, comparison.states[i])
  })
  let fresh = 0
  let unchanged = 0
  headAlerts.forEach((alert, i) => {
    if (alert.finding.suppression) return
    if (comparison.states[i] === 'new') fresh++
    else unchanged++
  })
  const summary: BaselineSummary = {
    ref: baseline.ref,
    commit: baseline.commit,
    new: fresh,
    fixed: comparison.fixed.length,
    unchanged,
    fixedFindings: comparison.fixed.slice(0, MAX_LISTED_FIXED).map(fixedFinding)
  }
  return {
    ...report,
    results: report.results.map(result => ({
      ...result,
      findings: result.findings.map(f => {
        const state = stateOf.get(f)
        return state ? { ...f, baselineState: state } : f
      })
    })),
    baseline: summary
  }
}

function fixedFinding(alert: Alert): FixedFinding {
  const f = alert.finding
  return {
    ruleId: f.ruleId,
    level: f.level,
    file: alert.file,
    line: f.line,
    ...(f.endLine !== undefined ? { endLine: f.endLine } : {}),
    message: clip(f.message)
  }
}
