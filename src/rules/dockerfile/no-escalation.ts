// No Escalation, from the Dockerfile: nothing in the image lets the process gain privileges later
// (setuid/setgid files, sudo, world-writable files another user can swap out).
import { factsOf, reachesFinalImage, stageLabel } from '../../dockerfile/lineage'
import { MAX_LISTED_PATHS, clip } from '../../dockerfile/limits'
import type { DockerfileModel, Stage } from '../../dockerfile/types'
import type { Rule, RuleHit } from '../types'
import { commandsOf, imageCopies, imageModeChanges, imageRuns, quote } from './commands'
import { analyzeMode, modeOfCommand, type ModeBits } from './modes'

function whose(bits: ModeBits): string {
  return bits.setuid ? "its owner's" : "its group's"
}

function escalationBits(bits: ModeBits): string | undefined {
  if (bits.setuid && bits.setgid) return 'the setuid and setgid bits'
  if (bits.setuid) return 'the setuid bit'
  if (bits.setgid) return 'the setgid bit'
  return undefined
}

interface SetuidTarget {
  line: number
  path: string
}

/** Paths one stage's own RUNs chmod setuid/setgid, in order; read once per stage. */
const ownTargets = new WeakMap<Stage, SetuidTarget[]>()

function stageTargets(stage: Stage): SetuidTarget[] {
  let targets = ownTargets.get(stage)
  if (!targets) {
    targets = []
    for (const run of factsOf(stage).runs) {
      for (const command of commandsOf(run)) {
        const mode = modeOfCommand(command.base, command.args)
        const bits = mode && analyzeMode(mode.mode)
        if (bits && (bits.setuid || bits.setgid) && !mode.directories) {
          for (const path of mode.targets) targets.push({ line: run.line, path })
        }
      }
    }
    ownTargets.set(stage, targets)
  }
  return targets
}

/**
 * The setuid/setgid paths of a stage and its ancestors, indexed by normalised path so that each COPY
 * --from looks up its sources instead of comparing them with every target (built once per source stage).
 */
interface TargetIndex {
  targets: SetuidTarget[]
  /** Normalised paths, sorted, each with the positions in `targets` that have it. */
  sorted: string[]
  positions: Map<string, number[]>
}

const indexes = new WeakMap<Stage, TargetIndex>()

function targetIndex(model: DockerfileModel, stage: Stage): TargetIndex {
  let index = indexes.get(stage)
  if (index) return index
  const targets: SetuidTarget[] = []
  const seen = new Set<number>()
  for (let current: Stage | undefined = stage; current && !seen.has(current.index);) {
    seen.add(current.index)
    for (const target of stageTargets(current)) targets.push(target)
    current = current.baseStageIndex === undefined ? undefined : model.stages[current.baseStageIndex]
  }
  const positions = new Map<string, number[]>()
  targets.forEach((target, at) => {
    const key = normalisePath(target.path)
    const list = positions.get(key)
    if (list) list.push(at)
    else positions.set(key, [at])
  })
  index = { targets, sorted: [...positions.keys()].sort(), positions }
  indexes.set(stage, index)
  return index
}

/** First position in sorted `keys` whose key is >= `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid] < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Targets a copy of `sources` may carry, in file order: a source carries a target when one contains the
 * other (`/` and `.` carry everything; a glob source carries what starts with its fixed part). At most
 * MAX_LISTED_PATHS + 1 are collected, enough to tell that there are more.
 */
function carriedTargets(index: TargetIndex, sources: string[]): SetuidTarget[] {
  const found = new Set<number>()
  const limit = MAX_LISTED_PATHS + 1
  const take = (key: string): void => {
    for (const at of index.positions.get(key) ?? []) {
      if (found.size >= limit) return
      found.add(at)
    }
  }
  const takePrefix = (prefix: string): void => {
    for (let i = lowerBound(index.sorted, prefix); i < index.sorted.length && found.size < limit; i++) {
      if (!index.sorted[i].startsWith(prefix)) break
      take(index.sorted[i])
    }
  }
  for (const source of sources) {
    if (found.size >= limit) break
    const s = normalisePath(source)
    if (s === '/' || s === '.') {
      for (let at = 0; at < index.targets.length && found.size < limit; at++) found.add(at)
      continue
    }
    take(s)
    if (source.search(/[*?[]/) >= 0) takePrefix(s)
    else takePrefix(`${s}/`)
  }
  return [...found].sort((a, b) => a - b).map(at => index.targets[at])
}

function normalisePath(path: string): string {
  const glob = path.search(/[*?[]/)
  const cut = glob >= 0 ? path.slice(0, glob) : path
  return cut.replace(/\/+$/, '') || '/'
}

/** Paths for a message: at most MAX_LISTED_PATHS, each clipped, with the rest counted. */
function listPaths(paths: string[], more = false): string {
  const shown = paths.slice(0, MAX_LISTED_PATHS).map(path => clip(path, 200))
  const rest = paths.length - shown.length
  return rest > 0 || more ? `${shown.join(', ')} and more` : shown.join(', ')
}

export const setuidBitSet: Rule = {
  meta: {
    id: 'LP401',
    name: 'setuid-bit-set',
    principle: 'no-escalation',
    evidence: 'dockerfile',
    level: 'error',
    securitySeverity: 7.5,
    title: 'A setuid or setgid bit is set on a file in the final image',
    description:
      "A setuid (or setgid) executable runs with its owner's (or group's) privileges whoever starts it, so a non-root process can become root through it unless no-new-privileges is set. Setting the bit in a builder stage whose files are copied selectively is not a problem; only stages that reach the final image count. A setgid directory only makes new files inherit its group and is reported as a warning.",
    fix: 'Remove the `chmod u+s`/`4xxx` (or `--chmod`); grant a file capability or run the tool as the right user instead.'
  },
  check({ model }) {
    const hits: RuleHit[] = []
    for (const { run, command, mode, bits } of imageModeChanges(model)) {
      const what = escalationBits(bits)
      // On directories setuid is ignored and setgid only passes the group on to new files.
      if (!what || mode.directories) continue
      const paths = mode.targets.length > 0 ? ` on ${listPaths(mode.targets)}` : ''
      hits.push({
        message: `\`${quote(command)}\` on line ${run.line} sets ${what}${paths} in the final image; whoever runs such a file gets ${whose(bits)} privileges.`,
        line: run.line,
        endLine: run.endLine,
        level: bits.setuid ? 'error' : 'warning',
        properties: {
          mode: clip(mode.mode),
          paths: mode.targets.slice(0, MAX_LISTED_PATHS).map(p => clip(p))
        }
      })
    }
    for (const { copy } of imageCopies(model)) {
      if (copy.chmod !== undefined) {
        const bits = analyzeMode(copy.chmod)
        const what = bits && escalationBits(bits)
        if (bits && what) {
          hits.push({
            message: `${copy.instruction} --chmod=${clip(copy.chmod)} on line ${copy.line} sets ${what} on ${copy.dest !== undefined ? clip(copy.dest) : 'the copied files'} in the final image.`,
            line: copy.line,
            endLine: copy.endLine,
            level: bits.setuid ? 'error' : 'warning',
            properties: {
              mode: clip(copy.chmod),
              dest: copy.dest === undefined ? undefined : clip(copy.dest)
            }
          })
          continue
        }
      }
      // Files copied from a stage outside the image keep their mode bits: a note, since only the paths
      // actually copied matter and a glob or directory copy may or may not carry the setuid file.
      if (copy.fromStageIndex === undefined || copy.sources.length === 0) continue
      const source = model.stages[copy.fromStageIndex]
      if (!source || reachesFinalImage(model, source)) continue
      const carried = carriedTargets(targetIndex(model, source), copy.sources)
      if (carried.length === 0) continue
      const paths = carried.map(t => t.path)
      hits.push({
        message: `COPY --from=${clip(copy.from ?? '', 200)} on line ${copy.line} copies ${listPaths(paths, carried.length > MAX_LISTED_PATHS)}, which stage ${stageLabel(source)} made setuid/setgid (line ${carried[0].line}); the bit is kept in the final image.`,
        line: copy.line,
        endLine: copy.endLine,
        level: 'note',
        properties: { fromStage: source.index, paths: paths.slice(0, MAX_LISTED_PATHS).map(p => clip(p)) }
      })
    }
    return hits
  }
}

// A Map: command names come from the Dockerfile, and `toString` or `__proto__` must find nothing.
const INSTALLERS = new Map<string, Set<string>>([
  ['apt-get', new Set(['install'])],
  ['apt', new Set(['install'])],
  ['aptitude', new Set(['install'])],
  ['apk', new Set(['add'])],
  ['yum', new Set(['install'])],
  ['dnf', new Set(['install'])],
  ['microdnf', new Set(['install'])],
  ['tdnf', new Set(['install'])],
  ['zypper', new Set(['install', 'in'])],
  ['pacman', new Set(['-S', '-Sy', '-Syu', '--sync'])]
])

function installsSudo(base: string, args: string[]): boolean {
  const subcommands = INSTALLERS.get(base)
  if (!subcommands) return false
  const at = args.findIndex(arg => subcommands.has(arg))
  if (at < 0) return false
  return args.slice(at + 1).some(arg => /^sudo(?:[=<>~].*|-\d.*)?$/.test(arg))
}

export const sudoUsed: Rule = {
  meta: {
    id: 'LP402',
    name: 'sudo-used',
    principle: 'no-escalation',
    evidence: 'dockerfile',
    level: 'error',
    securitySeverity: 7.5,
    title: 'sudo is installed, invoked or configured in the final image',
    description:
      'sudo is a setuid-root program: in an image it gives a non-root process a documented way back to root, and NOPASSWD rules remove the last barrier. Docker builds run as root already, so sudo is never needed in a RUN; at runtime it undoes the USER instruction. Only stages that reach the final image count.',
    fix: 'Remove sudo: run build steps as root before USER, and drop privileges at runtime with USER (or gosu/su-exec in an entrypoint).',
    hadolintEquivalents: ['DL3004']
  },
  check({ model }) {
    const hits: RuleHit[] = []
    for (const { run } of imageRuns(model)) {
      // Every way this rule fires mentions sudo (the command, the package, sudoers, NOPASSWD).
      if (!/sudo|NOPASSWD/i.test(run.text)) continue
      const reasons: string[] = []
      const commands = commandsOf(run)
      if (commands.some(command => command.base === 'sudo')) reasons.push('invokes sudo')
      if (commands.some(command => installsSudo(command.base, command.args))) reasons.push('installs sudo')
      if (/NOPASSWD/.test(run.text)) reasons.push('writes a NOPASSWD sudoers rule')
      else if (
        /\/etc\/sudoers/.test(run.text) &&
        /(>|\btee\b|\bsed\b|\bcp\b|\binstall\b|\bmv\b)/.test(run.text)
      ) {
        reasons.push('configures sudoers')
      }
      if (reasons.length === 0) continue
      hits.push({
        message: `RUN on line ${run.line} ${reasons.join(' and ')} in the final image; sudo gives a non-root process a way back to root.`,
        line: run.line,
        endLine: run.endLine,
        properties: { reasons }
      })
    }
    for (const { copy } of imageCopies(model)) {
      const paths = [...copy.sources, copy.dest ?? '']
      if (!paths.some(path => /sudoers/.test(path))) continue
      hits.push({
        message: `${copy.instruction} on line ${copy.line} installs a sudoers file in the final image; sudo gives a non-root process a way back to root.`,
        line: copy.line,
        endLine: copy.endLine,
        properties: { reasons: ['copies a sudoers file'] }
      })
    }
    return hits
  }
}

export const worldWritableMode: Rule = {
  meta: {
    id: 'LP403',
    name: 'world-writable-mode',
    principle: 'no-escalation',
    evidence: 'dockerfile',
    level: 'warning',
    securitySeverity: 5.0,
    title: 'A file or directory in the final image is made world-writable',
    description:
      'A world-writable file (mode xxx2, xxx3, xxx6, xxx7, `o+w`, `a+w`) can be replaced by any user in the container, so a non-root process can plant code that a more privileged process (root, an entrypoint, cron) later runs. Directories with the sticky bit (e.g. 1777 on /tmp) are the standard shared temp layout and are not reported.',
    fix: 'Give the path to the user that needs it (`chown 10001:10001 /data && chmod 750 /data` or `COPY --chown`) instead of opening it to everyone.'
  },
  check({ model }) {
    const hits: RuleHit[] = []
    for (const { run, command, mode, bits } of imageModeChanges(model)) {
      if (!bits.otherWrite || bits.sticky) continue
      const paths = mode.targets.length > 0 ? ` ${listPaths(mode.targets)}` : ' files'
      hits.push({
        message: `\`${quote(command)}\` on line ${run.line} makes${paths} world-writable in the final image; any user can replace them.`,
        line: run.line,
        endLine: run.endLine,
        properties: {
          mode: clip(mode.mode),
          paths: mode.targets.slice(0, MAX_LISTED_PATHS).map(p => clip(p))
        }
      })
    }
    for (const { copy } of imageCopies(model)) {
      const bits = copy.chmod !== undefined ? analyzeMode(copy.chmod) : undefined
      if (!bits || !bits.otherWrite || bits.sticky) continue
      hits.push({
        message: `${copy.instruction} --chmod=${clip(copy.chmod ?? '')} on line ${copy.line} makes ${copy.dest !== undefined ? clip(copy.dest) : 'the copied files'} world-writable in the final image; any user can replace them.`,
        line: copy.line,
        endLine: copy.endLine,
        properties: {
          mode: clip(copy.chmod ?? ''),
          dest: copy.dest === undefined ? undefined : clip(copy.dest)
        }
      })
    }
    return hits
  }
}

export const noEscalationRules: Rule[] = [setuidBitSet, sudoUsed, worldWritableMode]
