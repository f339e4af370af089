// Which stages end up in the image: the final stage and the stages it is built FROM, transitively.
// Files a stage only lends through `COPY --from` are not part of that lineage.
import type { DockerfileModel, Stage, StageFacts } from './types'

const NO_FACTS: StageFacts = { users: [], runs: [], copies: [], exposes: [] }

const lineages = new WeakMap<DockerfileModel, { stages: Stage[]; indices: Set<number> }>()

function lineageOf(model: DockerfileModel): { stages: Stage[]; indices: Set<number> } {
  let entry = lineages.get(model)
  if (!entry || entry.stages[0] !== model.finalStage) {
    const stages = walkLineage(model)
    entry = { stages, indices: new Set(stages.map(stage => stage.index)) }
    lineages.set(model, entry)
  }
  return entry
}

/** The final stage first, then its parent stage, grandparent ... (a fresh array: callers may reverse it). */
export function finalLineage(model: DockerfileModel): Stage[] {
  return [...lineageOf(model).stages]
}

function walkLineage(model: DockerfileModel): Stage[] {
  const lineage: Stage[] = []
  const seen = new Set<number>()
  let stage: Stage | undefined = model.finalStage
  while (stage && !seen.has(stage.index)) {
    seen.add(stage.index)
    lineage.push(stage)
    stage = stage.baseStageIndex === undefined ? undefined : model.stages[stage.baseStageIndex]
  }
  return lineage
}

/** True when the stage's filesystem and config become part of the final image. */
export function reachesFinalImage(model: DockerfileModel, stage: Stage): boolean {
  return lineageOf(model).indices.has(stage.index)
}

export function factsOf(stage: Stage): StageFacts {
  return stage.facts ?? NO_FACTS
}

/** `'builder'` or `#0` for unnamed stages, for messages. */
export function stageLabel(stage: Stage): string {
  return stage.name !== undefined ? `'${stage.name}'` : `#${stage.index}`
}
