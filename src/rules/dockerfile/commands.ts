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

export interface ModeChange {
  run: RunFact
  command: SimpleCommand
  mode: CommandMode
  bits: ModeBits
}

/** Every chmod/install/mkdir mode change in the RUNs of the final image, with its bits decoded. */
export function imageModeChanges(model: DockerfileModel): ModeChange[] {
  const changes: ModeChange[] = []
  for (const { run } of imageRuns(model)) {
    if (!MODE_COMMANDS.test(run.text)) continue
    for (const command of commandsOf(run)) {
      const mode = modeOfCommand(command.base, command.args)
      const bits = mode && analyzeMode(mode.mode)
      if (mode && bits) changes.push({ run, command, mode, bits })
    }
  }
  return changes
}

/** The command as a short quote for messages. */
export function quote(command: SimpleCommand, max = 80): string {
  const text = [command.name, ...command.args].join(' ')
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
