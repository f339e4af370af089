// The commands of each RUN in the stages that reach the final image, read once and shared by the rules.
import { factsOf, finalLineage } from '../../dockerfile/lineage'
import type { CopyFact, DockerfileModel, RunFact, Stage } from '../../dockerfile/types'
import { commandsOf } from './shell'
import { modeOfCommand, analyzeMode, type CommandMode, type ModeBits } from './modes'
import type { SimpleCommand } from './shell'

export { commandsOf }

export interface LocatedRun {
  stage: Stage
  run: RunFact
}

/** RUN instructions of the final stage and its ancestors, in file order. */
export function imageRuns(model: DockerfileModel): LocatedRun[] {
  return finalLineage(model)
    .reverse()
    .flatMap(stage => factsOf(stage).runs.map(run => ({ stage, run })))
}

export interface LocatedCopy {
  stage: Stage
  copy: CopyFact
}

/** COPY/ADD instructions of the final stage and its ancestors, in file order. */
export function imageCopies(model: DockerfileModel): LocatedCopy[] {
  return finalLineage(model)
    .reverse()
    .flatMap(stage => factsOf(stage).copies.map(copy => ({ stage, copy })))
}

/** Cheap pre-filter: only RUNs mentioning one of these can change a mode. */
const MODE_COMMANDS = /chmod|install|mkdir/

/** What a `find ... -exec chmod ... {}` reaches: the find's starting paths and predicates, not `{}`. */
export interface FindScope {
  /** Starting points (`find /usr/share/logstash ...`); `.` when none is given. */
  paths: string[]
  /** `-type d` limits the -exec to directories (and no `-o` offers another branch). */
  directoriesOnly: boolean
  /** `-name`/`-path`/`-regex` narrow what it matches. */
  narrowed: boolean
  /** The find command up to its first -exec, for messages: `find /usr/share/logstash -type d`. */
  text: string
}

export interface ModeChange {
  stage: Stage
  run: RunFact
  command: SimpleCommand
  /** Index of the command in `commandsOf(run)`, to tell what the RUN does before and after it. */
  position: number
  mode: CommandMode
  bits: ModeBits
  /** Set when the command runs from `find ... -exec`, whose `{}` stands for what the find matches. */
  find?: FindScope
}

const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir'])

/** The scope of a find command: starting points before the first expression word, predicates up to -exec. */
export function findScope(find: SimpleCommand): FindScope {
  const args = find.args
  let i = 0
  // Options that come before the starting points (-H, -L, -P, -O3, -D debugopts).
  while (i < args.length && /^-(?:[HLP]|O\d*|D)$/.test(args[i])) i += args[i] === '-D' ? 2 : 1
  const paths: string[] = []
  while (i < args.length && !/^[-(!]/.test(args[i])) paths.push(args[i++])
  let end = i
  while (end < args.length && !FIND_EXEC.has(args[end])) end++
  const expression = args.slice(i, end)
  const alternative = expression.some(word => word === '-o' || word === '-or' || word === ',')
  const typeAt = expression.indexOf('-type')
  const directoriesOnly = !alternative && typeAt >= 0 && expression[typeAt + 1] === 'd'
  const narrowed = expression.some(word =>
    /^-(?:i?name|i?path|i?wholename|i?regex|inum|samefile)$/.test(word)
  )
  const text = [find.name, ...args.slice(0, end)].join(' ')
  return {
    paths: paths.length > 0 ? paths : ['.'],
    directoriesOnly,
    narrowed,
    text: text.length > 80 ? `${text.slice(0, 79)}…` : text
  }
}

/** Every chmod/install/mkdir mode change in the RUNs of the final image, with its bits decoded. */
export function imageModeChanges(model: DockerfileModel): ModeChange[] {
  const changes: ModeChange[] = []
  for (const { stage, run } of imageRuns(model)) {
    if (!MODE_COMMANDS.test(run.text)) continue
    commandsOf(run).forEach((command, position) => {
      const mode = modeOfCommand(command.base, command.args)
      const bits = mode && analyzeMode(mode.mode)
      if (!mode || !bits) return
      const find = command.via?.base === 'find' ? findScope(command.via) : undefined
      changes.push({ stage, run, command, position, mode, bits, ...(find ? { find } : {}) })
    })
  }
  return changes
}

/** The command as a short quote for messages. */
export function quote(command: SimpleCommand, max = 80): string {
  const text = [command.name, ...command.args].join(' ')
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
