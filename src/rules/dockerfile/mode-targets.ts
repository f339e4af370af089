// What a mode change reaches in the final image: which targets are directories, which are removed again
// before the image is committed, which are account or sudoers files, and how to name them in a message.
import { factsOf, finalLineage } from '../../dockerfile/lineage'
import type { DockerfileModel, RunFact } from '../../dockerfile/types'
import { commandsOf, findScope, imageRuns, type ModeChange } from './commands'
import { operands, type SimpleCommand } from './shell'

/** Trailing slashes off (`/srv/` -> `/srv`), `/` stays `/`. */
export function normaliseTarget(path: string): string {
  return path.replace(/\/+$/, '') || '/'
}

/** `/a/b/c` -> `/a/b`, `/a`; `$D/x` -> `$D`. At most 64 levels: paths come from the Dockerfile. */
function ancestors(path: string): string[] {
  const out: string[] = []
  let rest = normaliseTarget(path)
  for (let i = 0; i < 64; i++) {
    const cut = rest.lastIndexOf('/')
    if (cut <= 0) break
    rest = rest.slice(0, cut)
    out.push(rest)
  }
  return out
}

const directoryCache = new WeakMap<DockerfileModel, Set<string>>()

/**
 * Paths the Dockerfile shows to be directories in the final image: what `mkdir` and `install -d` create,
 * and every parent of a path a RUN, COPY/ADD destination or ENV value of the image's stages names (a path
 * with something below it is a directory).
 */
export function knownDirectories(model: DockerfileModel): Set<string> {
  let dirs = directoryCache.get(model)
  if (dirs) return dirs
  dirs = new Set<string>()
  const mention = (word: string): void => {
    if (!word.includes('/') || word.length > 4096) return
    for (const parent of ancestors(word)) dirs!.add(parent)
    if (word.length > 1 && word.endsWith('/')) dirs!.add(normaliseTarget(word))
  }
  for (const { run } of imageRuns(model)) {
    for (const command of commandsOf(run)) {
      const creates =
        command.base === 'mkdir' ||
        (command.base === 'install' && command.args.some(a => a === '--directory' || /^-[A-Za-z]*d/.test(a)))
      for (const word of command.args) {
        mention(word)
        if (creates && !word.startsWith('-')) dirs.add(normaliseTarget(word))
      }
    }
  }
  for (const stage of finalLineage(model)) {
    for (const copy of factsOf(stage).copies) {
      if (copy.dest === undefined) continue
      mention(copy.dest)
      if (copy.sources.length > 1) dirs.add(normaliseTarget(copy.dest))
    }
    for (const value of Object.values(stage.env)) for (const part of value.split(/[:\s]+/)) mention(part)
  }
  directoryCache.set(model, dirs)
  return dirs
}

/** Commands that only shape a directory tree and put no file in it. */
const SHAPING = new Set(['mkdir', 'chown', 'chgrp', 'chmod', 'install'])

/**
 * True when `dir` was made by `mkdir` earlier in the same RUN and nothing between that and the change put
 * anything into it (only mkdir/chown/chgrp/chmod name it): a recursive chmod then reaches directories only.
 */
function createdEmptyBefore(change: ModeChange, dir: string): boolean {
  const commands = commandsOf(change.run)
  const under = (word: string): boolean => {
    const w = normaliseTarget(word)
    return w === dir || w.startsWith(`${dir}/`)
  }
  let made = -1
  // Bounded: a RUN of 100,000 commands is read near the change only (an unproven "empty" keeps the finding).
  for (let i = Math.max(0, change.position - MAX_NEARBY_COMMANDS); i < change.position; i++) {
    const command = commands[i]
    if (command.base === 'mkdir' && operands(command.args).some(under)) made = i
  }
  if (made < 0) return false
  for (let i = made + 1; i < change.position; i++) {
    const command = commands[i]
    if (command.via?.base === 'find') return false
    if (!SHAPING.has(command.base) && command.args.some(under)) return false
    if (command.base === 'cd') return false
  }
  return true
}

/**
 * True when the change reaches only directories: `mkdir -m`/`install -d`, `find -type d`, a trailing slash,
 * a path the Dockerfile shows is a directory, or (for `chmod -R`) a tree the same RUN just created empty.
 */
export function onlyDirectories(model: DockerfileModel, change: ModeChange, target: string): boolean {
  if (change.mode.directories || change.find?.directoriesOnly) return true
  if (change.find) return false
  if (target.length > 1 && target.endsWith('/')) return !change.mode.recursive
  const path = normaliseTarget(target)
  if (!knownDirectories(model).has(path)) return false
  return !change.mode.recursive || createdEmptyBefore(change, path)
}

function removes(command: { base: string; args: string[] }, target: string, literal: boolean): boolean {
  if (command.base !== 'rm') return false
  const recursive = command.args.some(a => a === '--recursive' || /^-[A-Za-z]*[rR]/.test(a))
  for (const word of operands(command.args)) {
    const path = normaliseTarget(word)
    if (path === target) return true
    if (!recursive) continue
    if (target.startsWith(path === '/' ? '/' : `${path}/`)) return true
    // `rm -rf /tmp/*` removes what is directly or deeper below /tmp.
    if (literal && path.endsWith('/*') && target.startsWith(path.slice(0, -1))) return true
  }
  return false
}

/**
 * True when the target is removed again before the image is committed: by an `rm` later in the same RUN
 * (also `rm -rf "$tempDir"` for a `$tempDir` made there), or, for a literal path, by a later RUN of the
 * final image. What is removed ships nothing, whatever its mode was.
 */
export function removedLater(model: DockerfileModel, change: ModeChange, target: string): boolean {
  const path = normaliseTarget(target)
  const literal = !/[$*?[`]/.test(path)
  const commands = commandsOf(change.run)
  const last = Math.min(commands.length, change.position + 1 + MAX_NEARBY_COMMANDS)
  for (let i = change.position + 1; i < last; i++) {
    if (removes(commands[i], path, literal)) return true
  }
  if (!literal || !path.startsWith('/')) return false
  const index = laterIndex(model)
  const at = index.runs.get(change.run)
  if (at === undefined) return false
  const after = (map: Map<string, number>, key: string): boolean => (map.get(key) ?? -1) > at
  if (after(index.removed, path)) return true
  for (const dir of [...ancestors(path), '/']) {
    if (dir === path) continue
    if (after(index.removedTree, dir) || after(index.removedBelow, dir)) return true
  }
  return false
}

/** Commands of the same RUN looked at around a change (before or after it): a bound on hostile RUNs. */
const MAX_NEARBY_COMMANDS = 256

/**
 * What later RUNs of the final image remove and strip, built once per model so each change is a few map
 * lookups (a file of 40,000 RUNs would otherwise compare every change with every later RUN). Values are
 * the index (in imageRuns order) of the last RUN that removes the path, or each RUN that strips below it.
 */
interface LaterIndex {
  runs: Map<RunFact, number>
  /** `rm PATH` (any flags). */
  removed: Map<string, number>
  /** `rm -r DIR`: everything below DIR. */
  removedTree: Map<string, number>
  /** `rm -r DIR/*`: everything below DIR. */
  removedBelow: Map<string, number>
  /** `find ROOT -perm ... -exec chmod u-s` roots, with the RUNs (index, line) in order. */
  strips: Map<string, Array<{ index: number; line: number }>>
}

const laterIndexes = new WeakMap<DockerfileModel, LaterIndex>()

function laterIndex(model: DockerfileModel): LaterIndex {
  const known = laterIndexes.get(model)
  if (known) return known
  const index: LaterIndex = {
    runs: new Map(),
    removed: new Map(),
    removedTree: new Map(),
    removedBelow: new Map(),
    strips: new Map()
  }
  imageRuns(model).forEach(({ run }, i) => {
    index.runs.set(run, i)
    const mayRemove = run.text.includes('rm')
    const mayStrip = run.text.includes('-perm')
    if (!mayRemove && !mayStrip) return
    for (const command of commandsOf(run)) {
      if (mayRemove && command.base === 'rm') {
        const recursive = command.args.some(a => a === '--recursive' || /^-[A-Za-z]*[rR]/.test(a))
        for (const word of operands(command.args)) {
          const path = normaliseTarget(word)
          index.removed.set(path, i)
          if (!recursive) continue
          if (path.endsWith('/*')) index.removedBelow.set(normaliseTarget(path.slice(0, -2)) || '/', i)
          else index.removedTree.set(path, i)
        }
      }
      if (mayStrip) {
        for (const root of strippedBy(command) ?? []) {
          const key = normaliseTarget(root)
          const list = index.strips.get(key) ?? []
          if (list[list.length - 1]?.index !== i) list.push({ index: i, line: run.line })
          index.strips.set(key, list)
        }
      }
    }
  })
  laterIndexes.set(model, index)
  return index
}

/** The first entry after `at` in a list sorted by index (binary search). */
function firstAfter(list: Array<{ index: number; line: number }>, at: number): number | undefined {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid].index <= at) lo = mid + 1
    else hi = mid
  }
  return list[lo]?.line
}

/** Files whose write access decides who is root: accounts, passwords, groups and sudo rules. */
const ACCOUNT_FILES = [
  '/etc/passwd',
  '/etc/shadow',
  '/etc/group',
  '/etc/gshadow',
  '/etc/sudoers',
  '/etc/sudoers.d'
]

/**
 * The account or sudoers file the target reaches, as a message names it: the file itself, a file in
 * /etc/sudoers.d, `/etc` (a writable /etc lets its writer replace them), or with `chmod -R` (or a find not
 * narrowed by name) `/` or `/etc` above them. Undefined otherwise.
 */
export function accountFileReached(change: ModeChange, target: string): string | undefined {
  const path = normaliseTarget(target)
  if (ACCOUNT_FILES.includes(path) || path.startsWith('/etc/sudoers.d/')) return path
  const recursive = change.mode.recursive === true || (change.find !== undefined && !change.find.narrowed)
  if (path === '/etc' && (recursive || !change.find)) return '/etc, which holds /etc/passwd and /etc/shadow'
  if (path === '/' && recursive) return '/etc/passwd, /etc/shadow and everything else below /'
  if (path === '/' && !change.find) return '/, which lets its writer replace /etc'
  return undefined
}

/** The targets of a change as a message names them: a find's `{}` becomes what the find matches. */
export function targetsOf(change: ModeChange): string[] {
  if (!change.find) return change.mode.targets
  return change.find.paths
}

/** How a message names what the change reaches: `/x, /y` or `what \`find /x -type d\` matches`. */
export function describeTargets(change: ModeChange, listed: string): string {
  return change.find ? `what \`${change.find.text}\` matches` : listed
}

/**
 * The paths whose setuid/setgid bits a command strips: `find P -perm /6000 -exec chmod ug-s {} +` (or
 * `a-s`, `-s`) and `find P -perm -4000 -delete`. Undefined for any other command.
 */
function strippedBy(command: SimpleCommand): string[] | undefined {
  const find = command.via?.base === 'find' ? command.via : command.base === 'find' ? command : undefined
  if (!find || !find.args.includes('-perm')) return undefined
  if (command === find) return find.args.includes('-delete') ? findScope(find).paths : undefined
  if (command.base !== 'chmod') return undefined
  const mode = operands(command.args)[0] ?? ''
  return /^[ugoa]*-[rwxXt]*s[rwxXst]*$/.test(mode) ? findScope(find).paths : undefined
}

const covers = (root: string, target: string): boolean => {
  const r = normaliseTarget(root)
  return r === '/' || target === r || target.startsWith(`${r}/`)
}

/**
 * The line of a later `find ... -perm ... -exec chmod u-s {} +` (same RUN, or a later RUN of the final
 * image) that strips the setuid/setgid bits from the target again, or undefined.
 */
export function strippedLater(
  model: DockerfileModel,
  change: ModeChange,
  target: string
): number | undefined {
  const path = normaliseTarget(target)
  if (!path.startsWith('/')) return undefined
  const commands = commandsOf(change.run)
  const last = Math.min(commands.length, change.position + 1 + MAX_NEARBY_COMMANDS)
  for (let i = change.position + 1; i < last; i++) {
    if (strippedBy(commands[i])?.some(root => covers(root, path))) return change.run.line
  }
  const index = laterIndex(model)
  const at = index.runs.get(change.run)
  if (at === undefined || index.strips.size === 0) return undefined
  let line: number | undefined
  for (const root of new Set([path, ...ancestors(path), '/'])) {
    const list = index.strips.get(root)
    const found = list ? firstAfter(list, at) : undefined
    if (found !== undefined && (line === undefined || found < line)) line = found
  }
  return line
}
