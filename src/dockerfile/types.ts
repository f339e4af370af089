// The Dockerfile model: what the rules and reports read. Built by ./model.ts over dockerfile-ast.
// Lines are 1-based everywhere in this model.

export type UserKind = 'root' | 'non-root' | 'unknown'

/** The user a stage's process runs as, as far as the Dockerfile (and known base images) tell. */
export interface EffectiveUser {
  kind: UserKind
  /** Expanded USER value, e.g. `app`, `1001:1001`, `0`. Undefined when no USER applies. */
  value?: string
  /** USER argument exactly as written (before expansion). */
  raw?: string
  /** Numeric uid when the user part is a number. */
  uid?: number
  /** How it was determined. */
  source: 'user-instruction' | 'inherited-stage' | 'known-base-image' | 'base-image-default' | 'scratch-default'
  /** 1-based line of the USER instruction that decided it (this file), when one did. */
  line?: number
  /** Human explanation, e.g. why it is unknown or which known image set it. */
  reason?: string
}

export interface Stage {
  index: number
  /** `AS name`, lowercased as BuildKit does. */
  name?: string
  /** 1-based line of FROM. */
  fromLine: number
  /** FROM image after ARG expansion, as written otherwise (e.g. `alpine:3.20`, `scratch`, `builder`). */
  baseImage: string
  /** Index of the stage this one builds on, when FROM names an earlier stage. */
  baseStageIndex?: number
  /** Effective user at the end of this stage. */
  user: EffectiveUser
  /** Stage environment at its end (ENV plus inherited), for reports and rules. */
  env: Record<string, string>
}

/** A `# least-privilege ignore=` or `# hadolint ignore=` pragma. */
export interface Pragma {
  source: 'least-privilege' | 'hadolint'
  /** Rule ids as written (LP1xx or DLxxxx). */
  rules: string[]
  reason: string
  /** 1-based line of the comment. */
  line: number
  /** 1-based first line of the instruction it applies to; undefined for file-level pragmas. */
  appliesToLine?: number
  scope: 'instruction' | 'file'
}

export interface ModelProblem {
  line: number
  message: string
}

export interface DockerfileModel {
  /** Repo-relative path with forward slashes, as reported. */
  file: string
  stages: Stage[]
  /** The stage that becomes the image: `target` when given, else the last. */
  finalStage: Stage
  pragmas: Pragma[]
  /** Problems that did not stop modelling (unknown target, empty instruction ...). */
  problems: ModelProblem[]
}
