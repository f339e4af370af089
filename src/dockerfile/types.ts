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
  source:
    'user-instruction' | 'inherited-stage' | 'known-base-image' | 'base-image-default' | 'scratch-default'
  /** 1-based line of the USER instruction that decided it (this file), when one did. */
  line?: number
  /** Human explanation, e.g. why it is unknown or which known image set it. */
  reason?: string
  /** Numeric primary gid, when the group part is a number or names a group the Dockerfile creates. */
  gid?: number
  /** The account the Dockerfile creates for a named user (`useradd -u 1001 app`), when the name is one. */
  account?: AccountFact
  /** Index of the stage this user was inherited from (through `FROM <stage>`), when it was. */
  inheritedFrom?: number
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
  /** Last 1-based line of the stage (the line before the next FROM, or the file's last instruction). */
  endLine?: number
  /** What the stage's own instructions do, for the rules (see StageFacts). Inherited stages are not copied in. */
  facts?: StageFacts
}

/** One USER instruction, expanded and classified. */
export interface UserFact {
  line: number
  /** Argument as written. */
  raw: string
  /** After ARG/ENV expansion; unresolved variables are left as written. */
  value: string
  kind: UserKind
  /** Names of variables that could not be resolved statically. */
  unresolved?: string[]
  /** Numeric uid: the user part as a number, or the uid of the account the Dockerfile creates for the name. */
  uid?: number
  /** The account the name resolved to, when the Dockerfile creates it (a uid-0 alias makes `kind` root). */
  account?: AccountFact
}

/**
 * A user or group the Dockerfile creates: `useradd`/`adduser`/`groupadd`/`addgroup` in a RUN, a line
 * appended to /etc/passwd or /etc/group, or a `usermod -u` that changes an existing user's uid.
 */
export interface AccountFact {
  kind: 'user' | 'group'
  name: string
  /** Numeric uid (user) or gid (group) when given and resolved; undefined when the tool picks it. */
  id?: number
  /** The id as written, when it is not a number after ARG/ENV expansion (`-u $UID` without a value). */
  idText?: string
  /** Primary group of a user as written (`-g app`, busybox `-G app`, a passwd line's gid). */
  group?: string
  /** Duplicate ids are allowed (`useradd -o`, a passwd line): an unresolved uid may then be 0. */
  nonUnique?: boolean
  /** How it was created: `useradd`, `adduser`, `groupadd`, `addgroup`, `usermod`, `/etc/passwd`, `/etc/group`. */
  via: string
  /** 1-based line of the RUN instruction that creates it. */
  line: number
}

/** One RUN instruction. */
export interface RunFact {
  line: number
  endLine: number
  form: 'shell' | 'exec'
  /**
   * Shell text with continuations joined (shell form, heredoc bodies included since RUN executes them), or
   * the exec-form argv joined with spaces. Not variable-expanded: the shell expands at run time.
   */
  text: string
  /** Exec-form argv. */
  argv?: string[]
  heredoc: boolean
}

/** One COPY or ADD instruction; flag values are expanded. */
export interface CopyFact {
  instruction: 'COPY' | 'ADD'
  line: number
  endLine: number
  from?: string
  /** Stage index when `--from` names (or numbers) an earlier stage. */
  fromStageIndex?: number
  chmod?: string
  chown?: string
  sources: string[]
  dest?: string
}

/** One port of an EXPOSE instruction (`80`, `80/udp`, `8000-8010`). */
export interface ExposeFact {
  line: number
  raw: string
  /** First port of the range; undefined when not a number after expansion. */
  port?: number
  endPort?: number
  protocol: string
}

/** One CMD or ENTRYPOINT instruction (what the image starts). */
export interface ProcessFact {
  instruction: 'CMD' | 'ENTRYPOINT'
  line: number
  endLine: number
  form: 'shell' | 'exec'
  /** Shell text with continuations joined, or the exec-form argv joined with spaces. Not expanded. */
  text: string
  /** Exec-form argv. */
  argv?: string[]
}

/** `LABEL RUN=` / `INSTALL=`: the `docker run` command an image documents for itself (Atomic convention). */
export interface RunLabelFact {
  key: 'RUN' | 'INSTALL'
  /** The command, unquoted, not expanded. */
  value: string
  line: number
  endLine: number
}

/** Per-stage instruction facts the rules read; lines are 1-based. */
export interface StageFacts {
  users: UserFact[]
  runs: RunFact[]
  copies: CopyFact[]
  exposes: ExposeFact[]
  /** CMD and ENTRYPOINT instructions in file order (absent on models built before they were recorded). */
  processes?: ProcessFact[]
  /** Users and groups this stage's RUNs create, in file order (see ./accounts.ts). */
  accounts?: AccountFact[]
  /** `LABEL RUN=` / `INSTALL=` commands, in file order (src/deployment/label.ts reads them). */
  runLabels?: RunLabelFact[]
}

/** A build-context file the Dockerfile copies into the image (an entrypoint script), read at scan time as text. */
export interface ContextFile {
  /** Path relative to the build context, forward slashes, as the COPY/ADD source names it. */
  path: string
  /** Where the final image has it (absolute, forward slashes). */
  imagePath: string
  text: string
  /** True when the file was longer than the read bound and `text` holds only its start. */
  truncated?: boolean
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
  /** 1-based last line of that instruction (continuations, heredocs). */
  appliesToEndLine?: number
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
  /** Parser directives at the top of the file. */
  directives?: { escape: string; syntax?: string }
  /**
   * Entrypoint scripts the Dockerfile copies from the build context, read (never run) at scan time next to
   * the Dockerfile; absent when the scan did not read them (unit tests, files not present).
   */
  contextFiles?: ContextFile[]
  /**
   * The file's physical lines, kept so a finding inside a multi-line instruction can point at the line of
   * the command that causes it (src/rules/dockerfile/locate.ts). Not reported.
   */
  sourceLines?: readonly string[]
}
