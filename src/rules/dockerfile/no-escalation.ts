// No Escalation, from the Dockerfile: nothing in the image lets the process gain privileges later
// (setuid/setgid files, sudo, world-writable files another user can swap out).
import { factsOf, reachesFinalImage, stageLabel } from '../../dockerfile/lineage'
import { MAX_LISTED_PATHS, clip } from '../../dockerfile/limits'
import type { CopyFact, DockerfileModel, Stage } from '../../dockerfile/types'
import type { Rule, RuleHit } from '../types'
import { commandLocation } from './locate'
import { commandsOf, findScope, imageCopies, imageModeChanges, quote, type ModeChange } from './commands'
import {
  accountFileReached,
  describeTargets,
  onlyDirectories,
  removedLater,
  strippedLater,
  targetsOf
} from './mode-targets'
import { analyzeMode, modeOfCommand, type ModeBits } from './modes'
import { sudoItemsByStage } from './sudo-facts'

/** The command as a message quotes it; a find's -exec chmod is quoted with its find. */
function quoteChange(change: ModeChange): string {
  const text = quote(change.command)
  return change.find ? `${change.find.text} -exec ${text}` : text
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
        // A find's `{}` stands for what it matches below its starting paths.
        const find = command.via?.base === 'find' ? findScope(command.via) : undefined
        if (bits && (bits.setuid || bits.setgid) && !mode.directories && !find?.directoriesOnly) {
          for (const path of find ? find.paths : mode.targets) targets.push({ line: run.line, path })
        }
      }
    }
    ownTargets.set(stage, targets)
  }
  return targets
}

/** A setuid target with its order in the old per-stage listing: nearest stage first, then file order. */
interface Entry extends SetuidTarget {
  rank: number
}

/**
 * Active setuid targets while walking the stage tree: for each distinct normalised path (sorted once), the
 * targets of the stages on the current root path, and a Fenwick tree of how many each path has, so a prefix
 * query jumps from one active path to the next instead of scanning inactive ones.
 */
class ActiveTargets {
  readonly keys: string[]
  private readonly at = new Map<string, number>()
  private readonly stacks: Entry[][]
  private readonly tree: Int32Array

  constructor(keys: Iterable<string>) {
    this.keys = [...new Set(keys)].sort()
    this.keys.forEach((key, i) => this.at.set(key, i))
    this.stacks = this.keys.map(() => [])
    this.tree = new Int32Array(this.keys.length + 1)
  }

  push(key: string, entry: Entry): void {
    const i = this.at.get(key)!
    this.stacks[i].push(entry)
    this.add(i, 1)
  }

  pop(key: string): void {
    const i = this.at.get(key)!
    this.stacks[i].pop()
    this.add(i, -1)
  }

  /** Active targets of one path. */
  of(i: number): Entry[] {
    return this.stacks[i]
  }

  indexOf(key: string): number | undefined {
    return this.at.get(key)
  }

  /** First position >= `from` whose path has an active target, or keys.length. */
  nextActive(from: number): number {
    // Count of active targets before `from`, then the smallest position whose prefix count exceeds it.
    let before = 0
    for (let i = from; i > 0; i -= i & -i) before += this.tree[i]
    let pos = 0
    let remaining = before + 1
    for (let step = 1 << Math.floor(Math.log2(this.tree.length || 1)); step > 0; step >>= 1) {
      const next = pos + step
      if (next < this.tree.length && this.tree[next] < remaining) {
        pos = next
        remaining -= this.tree[next]
      }
    }
    return pos
  }

  private add(i: number, delta: number): void {
    for (let j = i + 1; j < this.tree.length; j += j & -j) this.tree[j] += delta
  }
}

/**
 * For each COPY --from of the final image, the setuid/setgid targets its sources may carry from the source
 * stage and its ancestors: a source carries a target when one contains the other (`/` and `.` carry
 * everything; a glob source carries what starts with its fixed part). At most MAX_LISTED_PATHS + 1 per copy,
 * enough to tell that there are more. One depth-first walk over the stages involved, adding a stage's
 * targets on the way down and removing them on the way up, so the work is linear in stages and targets (times
 * a logarithm), not stages times ancestors.
 */
function carriedByCopies(model: DockerfileModel, copies: CopyFact[]): Map<CopyFact, SetuidTarget[]> {
  const result = new Map<CopyFact, SetuidTarget[]>()
  const parentOf = (stage: Stage): Stage | undefined =>
    stage.baseStageIndex !== undefined && stage.baseStageIndex < stage.index
      ? model.stages[stage.baseStageIndex]
      : undefined
  const bySource = new Map<number, CopyFact[]>()
  for (const copy of copies) {
    const list = bySource.get(copy.fromStageIndex!)
    if (list) list.push(copy)
    else bySource.set(copy.fromStageIndex!, [copy])
  }
  // The stages involved: every queried source and its ancestors, each marked once.
  const involved = new Set<number>()
  const children = new Map<number, Stage[]>()
  const roots: Stage[] = []
  for (const index of bySource.keys()) {
    for (let stage: Stage | undefined = model.stages[index]; stage && !involved.has(stage.index);) {
      involved.add(stage.index)
      const parent = parentOf(stage)
      if (!parent) roots.push(stage)
      else {
        const list = children.get(parent.index)
        if (list) list.push(stage)
        else children.set(parent.index, [stage])
      }
      stage = parent
    }
  }
  const keys: string[] = []
  for (const index of involved)
    for (const target of stageTargets(model.stages[index])) keys.push(normalisePath(target.path))
  if (keys.length === 0) return result
  const active = new ActiveTargets(keys)
  const limit = MAX_LISTED_PATHS + 1
  const answer = (sources: string[]): SetuidTarget[] => {
    const found = new Set<Entry>()
    const takeAt = (i: number): void => {
      const stack = active.of(i)
      for (let k = stack.length - 1; k >= 0 && found.size < limit; k--) found.add(stack[k])
    }
    const takePrefix = (prefix: string): void => {
      for (let i = active.nextActive(lowerBound(active.keys, prefix)); i < active.keys.length;) {
        if (found.size >= limit || !active.keys[i].startsWith(prefix)) return
        takeAt(i)
        i = active.nextActive(i + 1)
      }
    }
    for (const source of sources) {
      if (found.size >= limit) break
      const s = normalisePath(source)
      if (s === '/' || s === '.') {
        takePrefix('')
        continue
      }
      const exact = active.indexOf(s)
      if (exact !== undefined) takeAt(exact)
      takePrefix(source.search(/[*?[]/) >= 0 ? s : `${s}/`)
    }
    return [...found].sort((a, b) => a.rank - b.rank)
  }
  // Iterative walk: a chain may be 600,000 stages deep.
  const walk: Array<{ stage: Stage; leaving: boolean }> = roots.map(stage => ({ stage, leaving: false }))
  while (walk.length > 0) {
    const { stage, leaving } = walk.pop()!
    const own = stageTargets(stage)
    if (leaving) {
      for (let k = own.length - 1; k >= 0; k--) active.pop(normalisePath(own[k].path))
      continue
    }
    // Nearest stage first (higher index), then file order within the stage.
    own.forEach((target, k) =>
      active.push(normalisePath(target.path), {
        ...target,
        rank: (model.stages.length - stage.index) * 2 ** 21 + k
      })
    )
    for (const copy of bySource.get(stage.index) ?? []) {
      if (copy.sources.length > 0) result.set(copy, answer(copy.sources))
    }
    walk.push({ stage, leaving: true })
    for (const child of children.get(stage.index) ?? []) walk.push({ stage: child, leaving: false })
  }
  return result
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
      "A setuid (or setgid) executable runs with its owner's (or group's) privileges whoever starts it, so a non-root process can become root through it unless no-new-privileges is set. Setting the bit in a builder stage whose files are copied selectively is not a problem; only stages that reach the final image count. A setgid directory only makes new files inherit its group and is not reported when the Dockerfile shows it is a directory; a setgid bit on a path that may be a file is a warning.",
    fix: 'Remove the setuid/setgid bit (`chmod u+s`/`g+s`, `4xxx`/`2xxx`, `--chmod`); grant a file capability or run the tool as the right user instead.'
  },
  check({ model }) {
    const hits: RuleHit[] = []
    for (const change of imageModeChanges(model)) {
      const { run, mode, bits } = change
      // The physical line of the command in a multi-line RUN (messages and the location agree).
      const at = commandLocation(model, run, change.command)
      const what = escalationBits(bits)
      // On directories setuid is ignored and setgid only passes the group on to new files.
      if (!what || mode.directories || change.find?.directoriesOnly) continue
      const targets = targetsOf(change)
      const live = targets.filter(
        target =>
          !onlyDirectories(model, change, target) &&
          !removedLater(model, change, target) &&
          strippedLater(model, change, target) === undefined
      )
      if (targets.length > 0 && live.length === 0) continue
      const on = live.length > 0 ? ` on ${describeTargets(change, listPaths(live))}` : ''
      const message = bits.setuid
        ? `\`${quoteChange(change)}\` on line ${at.line} sets ${what}${on} in the final image; whoever runs such a file gets its owner's privileges.`
        : `\`${quoteChange(change)}\` on line ${at.line} sets ${what}${on} in the final image; if that is an executable, whoever runs it gets its group's privileges. On a directory setgid only makes new files inherit the group, which is no escalation: show it with \`mkdir -m 2775\`, \`install -d\`, a trailing slash or \`find … -type d\`; on an executable, remove g+s.`
      hits.push({
        message,
        ...at,
        level: bits.setuid ? 'error' : 'warning',
        properties: {
          mode: clip(mode.mode),
          paths: live.slice(0, MAX_LISTED_PATHS).map(p => clip(p)),
          ...(change.find ? { find: clip(change.find.text) } : {})
        }
      })
    }
    const copies = imageCopies(model)
    const fromOutside = copies
      .map(({ copy }) => copy)
      .filter(copy => {
        const source = copy.fromStageIndex === undefined ? undefined : model.stages[copy.fromStageIndex]
        return source !== undefined && copy.sources.length > 0 && !reachesFinalImage(model, source)
      })
    const carriedBy = carriedByCopies(model, fromOutside)
    for (const { copy } of copies) {
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
      const carried = carriedBy.get(copy) ?? []
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
      'sudo is a setuid-root program: in an image it gives a non-root process a documented way back to root, and NOPASSWD rules remove the last barrier. Docker builds run as root already, so sudo is never needed in a RUN; at runtime it undoes the USER instruction. One finding per stage of the final image lists every line that installs, grants, invokes or starts sudo; root running `sudo -u app` during the build is a drop and sudoers edits that remove grants take rights away, so neither counts.',
    fix: 'Remove sudo: run build steps as root before USER, and drop privileges at runtime with USER (or gosu/su-exec in an entrypoint).',
    hadolintEquivalents: ['DL3004']
  },
  check({ model }) {
    const hits: RuleHit[] = []
    // One finding per stage: the lines are one fact, sudo in the image, with the ways it is set up.
    for (const [stage, items] of sudoItemsByStage(model)) {
      const where = stage === model.finalStage ? '' : ` (stage ${stageLabel(stage)}, part of the final image)`
      const listed = items.slice(0, MAX_LISTED_PATHS * 2).map(item => `${item.reason} (line ${item.line})`)
      const more = items.length > listed.length ? `, and ${items.length - listed.length} more` : ''
      const first = items[0]
      hits.push({
        message: `sudo is in the final image${where}: ${listed.join('; ')}${more}. sudo gives a non-root process a way back to root${items.some(item => item.drop) ? '; drop privileges with gosu, su-exec or setpriv instead, which leave no way back' : ''}.`,
        line: first.line,
        endLine: first.endLine,
        level: items.some(item => item.level === 'error') ? 'error' : 'warning',
        properties: {
          reasons: [...new Set(items.map(item => item.reason))].slice(0, 50),
          lines: [...new Set(items.map(item => item.line))].slice(0, 50)
        }
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
      'A world-writable file (mode xxx2, xxx3, xxx6, xxx7, `o+w`, `a+w`) can be replaced by any user in the container, so a non-root process can plant code that a more privileged process (root, an entrypoint, cron) later runs. Directories with the sticky bit (e.g. 1777 on /tmp) are the standard shared temp layout, and paths removed again before the image is committed (a mktemp directory deleted in the same RUN) ship nothing: neither is reported. Account and sudoers files are LP404.',
    fix: 'Give the path to the user that needs it (`chown 10001:10001 /data && chmod 750 /data` or `COPY --chown`) instead of opening it to everyone.'
  },
  check({ model }) {
    const hits: RuleHit[] = []
    for (const change of imageModeChanges(model)) {
      const { run, mode, bits } = change
      // The physical line of the command in a multi-line RUN (messages and the location agree).
      const at = commandLocation(model, run, change.command)
      if (!bits.otherWrite || bits.sticky) continue
      const targets = targetsOf(change)
      // Removed again before the image is committed (a mktemp dir), or an account file (LP404): not here.
      const live = targets.filter(
        target => !removedLater(model, change, target) && accountFileReached(change, target) === undefined
      )
      if (targets.length > 0 && live.length === 0) continue
      const paths = live.length > 0 ? describeTargets(change, listPaths(live)) : 'files'
      const them = live.length === 1 && !change.find && !mode.recursive ? 'it' : 'them'
      hits.push({
        message: `\`${quoteChange(change)}\` on line ${at.line} makes ${paths} world-writable in the final image; any user can replace ${them}.`,
        ...at,
        properties: {
          mode: clip(mode.mode),
          paths: live.slice(0, MAX_LISTED_PATHS).map(p => clip(p)),
          ...(change.find ? { find: clip(change.find.text) } : {})
        }
      })
    }
    for (const { copy } of imageCopies(model)) {
      const bits = copy.chmod !== undefined ? analyzeMode(copy.chmod) : undefined
      if (!bits || !bits.otherWrite || bits.sticky || accountFileOfCopy(copy.dest) !== undefined) continue
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

function accountFileOfCopy(dest: string | undefined): string | undefined {
  if (dest === undefined) return undefined
  const path = dest.replace(/\/+$/, '')
  return /^\/etc\/(?:passwd|shadow|group|gshadow|sudoers)$/.test(path) || path.startsWith('/etc/sudoers.d')
    ? path
    : undefined
}

export const accountFilesWritable: Rule = {
  meta: {
    id: 'LP404',
    name: 'account-files-writable',
    principle: 'no-escalation',
    evidence: 'dockerfile',
    level: 'error',
    securitySeverity: 8.5,
    title: 'An account or sudoers file is writable by its group or by everyone',
    description:
      'Whoever can write /etc/passwd, /etc/shadow, /etc/group or sudoers can add a uid-0 account, set a password for root, join a privileged group or grant itself sudo, and then become root through su, sudo or login. Group write counts too: images meant for arbitrary uids run with gid 0, the group these files belong to.',
    fix: 'Keep /etc/passwd, /etc/group (0644), /etc/shadow (0640) and sudoers (0440) root-owned; create users at build time with useradd, or use nss_wrapper for arbitrary uids.'
  },
  check({ model }) {
    const hits: RuleHit[] = []
    for (const change of imageModeChanges(model)) {
      const { run, mode, bits } = change
      // The physical line of the command in a multi-line RUN (messages and the location agree).
      const at = commandLocation(model, run, change.command)
      if (!bits.groupWrite && !bits.otherWrite) continue
      const targets = targetsOf(change).filter(target => !removedLater(model, change, target))
      const reached = targets
        .map(target => accountFileReached(change, target))
        .filter((path): path is string => path !== undefined)
      if (reached.length === 0) continue
      const by = bits.otherWrite
        ? 'every user'
        : "the file's group (gid 0, which arbitrary-uid images run with)"
      // With every setuid bit stripped afterwards, no su or sudo is left to turn the write into root.
      const stripped =
        sudoItemsByStage(model).size === 0 ? strippedLater(model, change, '/usr/bin/su') : undefined
      const message = stripped
        ? `\`${quoteChange(change)}\` on line ${at.line} makes ${listPaths(reached)} writable by ${by}; the image strips the setuid bits afterwards (line ${stripped}), so su and sudo cannot turn that into root. Keep it that way, or use nss_wrapper instead.`
        : `\`${quoteChange(change)}\` on line ${at.line} makes ${listPaths(reached)} writable by ${by}; a writer can add a uid-0 account or grant itself sudo, a direct path to root.`
      hits.push({
        message,
        ...at,
        ...(stripped ? { level: 'note' as const } : {}),
        properties: { mode: clip(mode.mode), paths: reached.slice(0, MAX_LISTED_PATHS).map(p => clip(p)) }
      })
    }
    for (const { copy } of imageCopies(model)) {
      const bits = copy.chmod !== undefined ? analyzeMode(copy.chmod) : undefined
      const path = accountFileOfCopy(copy.dest)
      if (!bits || (!bits.groupWrite && !bits.otherWrite) || path === undefined) continue
      hits.push({
        message: `${copy.instruction} --chmod=${clip(copy.chmod ?? '')} on line ${copy.line} makes ${clip(path)} writable by ${bits.otherWrite ? 'every user' : 'its group'}; a writer can add a uid-0 account or grant itself sudo, a direct path to root.`,
        line: copy.line,
        endLine: copy.endLine,
        properties: { mode: clip(copy.chmod ?? ''), paths: [clip(path)] }
      })
    }
    return hits
  }
}

export const noEscalationRules: Rule[] = [setuidBitSet, sudoUsed, worldWritableMode, accountFilesWritable]
