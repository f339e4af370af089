// Builds the DockerfileModel from text: stages, inheritance, ARG/ENV expansion, effective USER, the
// instruction facts the rules read, and pragmas. One pass over dockerfile-ast's instructions; never throws
// on messy input except for the two cases a scan cannot go on from (no FROM; unknown --target stage).
import { DockerfileParser, type Instruction } from 'dockerfile-ast'
import { UsageError } from '../errors'
import { ACCOUNT_TEXT, AccountTable, accountsInRun, describeAccount } from './accounts'
import { ExpansionBudget, expandWord, type Expansion, type VarLookup, type VarState } from './expand'
import { argumentText, parseProperties, sourceLines, splitFlags, splitWords } from './instruction-text'
import { lookupKnownImage } from './known-images'
import {
  MAX_EXPANDED_VALUE_LENGTH,
  MAX_EXPANSION_DEPTH,
  MAX_EXPANSION_OUTPUT_PER_FILE,
  MAX_INHERITED_VARIABLES_PER_FILE,
  MAX_PORTS_PER_EXPOSE_WORD,
  MAX_PROBLEMS_PER_FILE,
  MAX_SHELL_NESTING,
  MAX_VARIABLES_PER_STAGE,
  clip
} from './limits'
import { finalLineage, stageLabel } from './lineage'
import { parsePragma } from './pragmas'
import type {
  CopyFact,
  DockerfileModel,
  EffectiveUser,
  ExposeFact,
  ModelProblem,
  Pragma,
  ProcessFact,
  RunLabelFact,
  RunFact,
  Stage,
  StageFacts,
  UserFact
} from './types'
import { classifyUser } from './user'
// The shell reader is pure text work shared with the rules; the model reads RUNs once here so that a RUN
// nested past MAX_SHELL_NESTING is reported with the file's other problems.
import { READ_BY_RULES, nestingCut } from '../rules/dockerfile/shell'

export interface BuildModelOptions {
  /** `--target`: the stage that becomes the image (case-insensitive). Default: the last stage. */
  target?: string
  /** `--build-arg` values; they override the defaults of declared ARGs only, as the builder does. */
  buildArgs?: Record<string, string>
  /** The build's target platform (`--platform`), `os/arch[/variant]`; default linux/amd64. */
  platform?: string
}

/** Platform ARGs the builder predefines in the global scope; their values depend on the build machine. */
const PLATFORM_ARGS = new Set([
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT'
])

/** The platform the builder runs on; the CI machines are linux/amd64. */
const BUILD_PLATFORM = 'linux/amd64'

/**
 * BuildKit's values for its automatic platform ARGs: TARGET* for the build's target platform, BUILD* for
 * the builder's. `linux/arm/v7` gives TARGETVARIANT `v7`; amd64 has no variant (the empty string).
 */
export function platformArgValues(platform = BUILD_PLATFORM): Map<string, VarState> {
  const values = new Map<string, VarState>()
  const parts = (which: 'TARGET' | 'BUILD', text: string) => {
    const [os = '', arch = '', variant = ''] = text.toLowerCase().split('/')
    values.set(`${which}PLATFORM`, { state: 'set', value: text.toLowerCase() })
    values.set(`${which}OS`, { state: 'set', value: os })
    values.set(`${which}ARCH`, { state: 'set', value: arch })
    values.set(`${which}VARIANT`, { state: 'set', value: variant })
  }
  parts('TARGET', platform)
  parts('BUILD', BUILD_PLATFORM)
  return values
}

const UNKNOWN: VarState = { state: 'unknown' }
const UNSET: VarState = { state: 'unset' }

interface StageState {
  stage: Stage
  facts: StageFacts
  args: Map<string, VarState>
  env: Map<string, VarState>
  /** Raw ENV values for Stage.env (expanded, unresolved parts left as written). */
  envText: Map<string, string>
  /** Undeclared names expand to '' when every base in the chain is scratch; else they may come from the base image. */
  baseEnvKnown: boolean
  /** True once MAX_VARIABLES_PER_STAGE names are kept: names not kept are unknown, not unset. */
  variablesCapped: boolean
  /**
   * The parent stage whose args, env and envText maps this stage still shares (copy on first write): a
   * chain of 600,000 stages that declare nothing then copies nothing, instead of every name at every FROM.
   */
  sharesWith?: StageState
  lastLine: number
}

/** What every instruction handler needs: the escape character, the file's bounds and its problems. */
interface ModelContext {
  escapeChar: string
  budget: ExpansionBudget
  /** ARG/ENV entries copied from parent stages so far (MAX_INHERITED_VARIABLES_PER_FILE). */
  inherited: { copied: number; reported: boolean }
  problem(line: number, message: string): void
  /** Expands one word against `lookup` within the file's bounds; a bound reached is reported once here. */
  expand(raw: string, lookup: VarLookup, line: number, what: string, quotes?: boolean): Expansion
}

const LIMIT_TEXT: Record<NonNullable<Expansion['limited']>, string> = {
  MAX_EXPANSION_DEPTH: `variable references nested more than ${MAX_EXPANSION_DEPTH} deep (limit MAX_EXPANSION_DEPTH) are left as written`,
  MAX_EXPANDED_VALUE_LENGTH: `the expanded value is longer than ${MAX_EXPANDED_VALUE_LENGTH} characters (limit MAX_EXPANDED_VALUE_LENGTH) and is cut there`,
  MAX_EXPANSION_OUTPUT_PER_FILE: `variable substitution in this file reached ${MAX_EXPANSION_OUTPUT_PER_FILE} characters (limit MAX_EXPANSION_OUTPUT_PER_FILE), so later references are left as written`
}

function modelContext(escapeChar: string, problems: ModelProblem[]): ModelContext {
  let dropped = 0
  let budgetReported = false
  const ctx: ModelContext = {
    escapeChar,
    budget: new ExpansionBudget(),
    inherited: { copied: 0, reported: false },
    problem(line, message) {
      if (problems.length < MAX_PROBLEMS_PER_FILE) problems.push({ line, message })
      else if (problems.length === MAX_PROBLEMS_PER_FILE) {
        problems.push({ line, message: '' })
        dropped = 1
      } else dropped++
      if (dropped > 0) {
        problems[MAX_PROBLEMS_PER_FILE].message =
          `${dropped} more problem(s) from this line on are not listed (limit MAX_PROBLEMS_PER_FILE = ${MAX_PROBLEMS_PER_FILE})`
      }
    },
    expand(raw, lookup, line, what, quotes = true) {
      const expanded = expandWord(raw, lookup, escapeChar, quotes, ctx.budget)
      if (expanded.limited) {
        const once = expanded.limited === 'MAX_EXPANSION_OUTPUT_PER_FILE'
        if (!once || !budgetReported) {
          const at = expanded.limitedAt !== undefined ? ` (at $${clip(expanded.limitedAt, 100)})` : ''
          ctx.problem(line, `${what}${at}: ${LIMIT_TEXT[expanded.limited]}; it is treated as unresolved`)
        }
        if (once) budgetReported = true
      }
      return expanded
    }
  }
  return ctx
}

/** True when the expansion gave the value the builder would: no unknown variable and no bound reached. */
function resolved(expanded: Expansion): boolean {
  return expanded.unresolved.length === 0 && !expanded.limited
}

export function buildModel(text: string, file: string, options: BuildModelOptions = {}): DockerfileModel {
  const dockerfile = DockerfileParser.parse(text)
  const escapeChar = dockerfile.getEscapeCharacter()
  const buildArgs = options.buildArgs ?? {}
  const problems: ModelProblem[] = []
  const ctx = modelContext(escapeChar, problems)
  const globals = new Map<string, VarState>()
  const globalScope = { capped: false }
  const states: StageState[] = []
  const instructions = dockerfile.getInstructions()
  // Build args override the platform values, as `--build-arg TARGETOS=...` does in the builder.
  const platform = platformArgValues(options.platform)
  for (const name of PLATFORM_ARGS) {
    if (hasOwn(buildArgs, name)) platform.set(name, { state: 'set', value: buildArgs[name] })
  }

  // The platform ARGs are defined in the global scope without a declaration, so `FROM base-$TARGETOS` works.
  const globalLookup: VarLookup = name => {
    const declared = globals.get(name)
    if (declared) return declared
    const predefined = platform.get(name)
    if (predefined) return predefined
    return globalScope.capped ? UNKNOWN : UNSET
  }

  const lines = sourceLines(text)
  // Stage names to their first stage, so FROM and COPY --from find a stage without scanning them all.
  const byName = new Map<string, StageState>()
  let current: StageState | undefined
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword()
    const range = instruction.getRange()
    const line = range.start.line + 1
    const endLine = range.end.line + 1
    // Every instruction and every stage is modelled: the 4 MiB file cap bounds them (about 600,000 stages,
    // 2,000,000 instructions) and each costs constant work here, so no cap can leave the final stage unread.
    if (keyword === 'FROM') {
      const args = argumentText(lines, range, escapeChar)
      current = openStage(args, line, states, byName, globalLookup, ctx)
      states.push(current)
      if (current.stage.name !== undefined && !byName.has(current.stage.name))
        byName.set(current.stage.name, current)
      continue
    }
    if (!current) {
      if (keyword === 'ARG') {
        declareArgs(
          argumentText(lines, range, escapeChar),
          line,
          { vars: globals, capped: globalScope },
          globals,
          globalLookup,
          buildArgs,
          platform,
          ctx
        )
      } else ctx.problem(line, `${keyword} before the first FROM is ignored by the builder`)
      continue
    }
    current.lastLine = endLine
    const state = current
    const lookup = scopeLookup(state)
    if (keyword === 'ARG' || keyword === 'ENV') ownScope(state, line, ctx)
    switch (keyword) {
      case 'ARG':
        declareArgs(
          argumentText(lines, range, escapeChar),
          line,
          { vars: state.args, capped: stageCap(state) },
          globals,
          lookup,
          buildArgs,
          platform,
          ctx
        )
        break
      case 'ENV':
        declareEnv(argumentText(lines, range, escapeChar), line, state, lookup, ctx)
        break
      case 'USER':
        applyUser(argumentText(lines, range, escapeChar), line, state, lookup, ctx)
        break
      case 'RUN': {
        const run = recordRun(splitFlags(argumentText(lines, range, escapeChar)).rest, line, endLine, state)
        if (ACCOUNT_TEXT.test(run.text)) recordAccounts(run, line, state, lookup, ctx)
        if (READ_BY_RULES.test(run.text) && nestingCut(run)) {
          ctx.problem(
            line,
            `RUN nests commands more than ${MAX_SHELL_NESTING} deep (sh -c, sudo, -exec; limit MAX_SHELL_NESTING); the commands nested deeper are read flat, by name`
          )
        }
        break
      }
      case 'COPY':
      case 'ADD':
        recordCopy(argumentText(lines, range, escapeChar), keyword, line, endLine, state, byName, lookup, ctx)
        break
      case 'EXPOSE':
        recordExpose(argumentText(lines, range, escapeChar), line, state, lookup, ctx)
        break
      case 'CMD':
      case 'ENTRYPOINT':
        recordProcess(argumentText(lines, range, escapeChar), keyword, line, endLine, state)
        break
      case 'LABEL':
        recordRunLabels(argumentText(lines, range, escapeChar), line, endLine, state, escapeChar)
        break
    }
  }

  if (states.length === 0) {
    throw new UsageError(`${file}: no FROM instruction, so this is not a Dockerfile that can be built`)
  }
  const stages = states.map(finishStage)
  const finalStage = selectTarget(stages, options.target, file)
  const model: DockerfileModel = {
    file,
    sourceLines: lines,
    stages,
    finalStage,
    pragmas: collectPragmas(
      commentLines(dockerfile.getComments(), dockerfile.getDirectives(), lines),
      instructions
    ),
    problems,
    directives: { escape: escapeChar }
  }
  resolveAccounts(model)
  for (const directive of dockerfile.getDirectives()) {
    if (directive.getName().toLowerCase() === 'syntax') model.directives!.syntax = directive.getValue()
  }
  return model
}

function finishStage(state: StageState): Stage {
  const stage = state.stage
  stage.endLine = state.lastLine
  stage.facts = state.facts
  if (state.sharesWith) {
    // Same ENV as the parent (finished first: it comes earlier in the file), so the same frozen record.
    stage.env = state.sharesWith.stage.env
    return stage
  }
  // No prototype: ENV names come from the file, and `env.constructor` must be an ENV value or nothing.
  stage.env = Object.assign(Object.create(null) as Record<string, string>, Object.fromEntries(state.envText))
  return stage
}

function selectTarget(stages: Stage[], target: string | undefined, file: string): Stage {
  if (target === undefined || target === '') return stages[stages.length - 1]
  const wanted = target.toLowerCase()
  const found = stages.find(stage => stage.name === wanted)
  if (found) return found
  const names = stages.map(stage => stage.name).filter(name => name !== undefined)
  // A file may name 600,000 stages: the message lists the first few.
  const listed = names.slice(0, 20).map(name => clip(name, 100))
  const more = names.length > listed.length ? ` and ${names.length - listed.length} more` : ''
  const known = names.length > 0 ? `stages: ${listed.join(', ')}${more}` : 'no stage has a name'
  throw new UsageError(`${file}: target stage "${target}" not found (${known})`)
}

function scopeLookup(state: StageState): VarLookup {
  // ENV wins over ARG of the same name, as in the builder.
  return name =>
    state.env.get(name) ??
    state.args.get(name) ??
    (state.baseEnvKnown && !state.variablesCapped ? UNSET : UNKNOWN)
}

/** Gives the stage its own copies of the scope maps it shares with its parent, before it changes them. */
function ownScope(state: StageState, line: number, ctx: ModelContext): void {
  if (!state.sharesWith) return
  const cost = state.args.size + state.env.size
  if (ctx.inherited.copied + cost > MAX_INHERITED_VARIABLES_PER_FILE) {
    // Fail closed: the inherited names become unknown (not unset), so nothing that uses them passes.
    if (!ctx.inherited.reported) {
      ctx.problem(
        line,
        `child stages copied more than ${MAX_INHERITED_VARIABLES_PER_FILE} inherited ARG/ENV entries (limit MAX_INHERITED_VARIABLES_PER_FILE): from this stage on, a stage that declares a variable treats the ones it inherits as unresolved`
      )
      ctx.inherited.reported = true
    }
    state.args = new Map()
    state.env = new Map()
    state.envText = new Map()
    state.variablesCapped = true
    state.sharesWith = undefined
    return
  }
  ctx.inherited.copied += cost
  state.args = new Map(state.args)
  state.env = new Map(state.env)
  state.envText = new Map(state.envText)
  state.sharesWith = undefined
}

function hasOwn(record: Record<string, string>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key)
}

/** The stage's "names are capped" flag as a settable box, for declareArgs. */
function stageCap(state: StageState): { capped: boolean } {
  return {
    get capped() {
      return state.variablesCapped
    },
    set capped(value: boolean) {
      state.variablesCapped = value
    }
  }
}

/**
 * Keeps a variable unless the scope already holds MAX_VARIABLES_PER_STAGE other names; the first name
 * refused is reported. Returns whether it was kept.
 */
function keepVariable(
  vars: Map<string, unknown>,
  name: string,
  line: number,
  cap: { capped: boolean },
  ctx: ModelContext
): boolean {
  if (vars.has(name) || vars.size < MAX_VARIABLES_PER_STAGE) return true
  if (!cap.capped) {
    ctx.problem(
      line,
      `more than ${MAX_VARIABLES_PER_STAGE} ARG/ENV names in one stage (limit MAX_VARIABLES_PER_STAGE): ${clip(name, 100)} and later new names are treated as unresolved`
    )
  }
  cap.capped = true
  return false
}

function openStage(
  fromArgs: string,
  line: number,
  states: StageState[],
  byName: Map<string, StageState>,
  globalLookup: VarLookup,
  ctx: ModelContext
): StageState {
  const args = splitWords(splitFlags(fromArgs).rest, ctx.escapeChar)
  const rawImage = args[0] ?? ''
  if (rawImage === '') ctx.problem(line, 'FROM without an image')
  const image = ctx.expand(rawImage, globalLookup, line, 'FROM')
  const name = args.length >= 3 && args[1].toLowerCase() === 'as' ? args[2].toLowerCase() : undefined
  const stage: Stage = {
    index: states.length,
    fromLine: line,
    baseImage: image.value,
    user: { kind: 'root', source: 'base-image-default' },
    env: {}
  }
  if (name !== undefined) stage.name = name
  const state: StageState = {
    stage,
    facts: { users: [], runs: [], copies: [], exposes: [] },
    args: new Map(),
    env: new Map(),
    envText: new Map(),
    baseEnvKnown: false,
    variablesCapped: false,
    lastLine: line
  }
  const parent = resolved(image) ? byName.get(image.value.toLowerCase()) : undefined
  if (parent) {
    // A child stage starts from its parent's image config and build scope: USER, ENV and ARG values.
    stage.baseStageIndex = parent.stage.index
    stage.user = inheritUser(parent.stage)
    state.args = parent.args
    state.env = parent.env
    state.envText = parent.envText
    state.sharesWith = parent.sharesWith ?? parent
    state.baseEnvKnown = parent.baseEnvKnown
    state.variablesCapped = parent.variablesCapped
  } else {
    stage.user = baseImageUser(rawImage, image)
    state.baseEnvKnown = resolved(image) && image.value.toLowerCase() === 'scratch'
  }
  return state
}

function inheritUser(parent: Stage): EffectiveUser {
  // A user the base image decided stays described as such (a row then reads "no USER: root by default",
  // never an empty `USER  = root`); only a USER instruction makes it an inherited USER.
  const byUser = parent.user.source === 'user-instruction' || parent.user.source === 'inherited-stage'
  const user: EffectiveUser = {
    ...parent.user,
    source: byUser ? 'inherited-stage' : parent.user.source,
    inheritedFrom: parent.index
  }
  user.reason = `inherited from stage ${stageLabel(parent)} (FROM on line ${parent.fromLine})${
    parent.user.reason ? `: ${parent.user.reason}` : ''
  }`
  return user
}

function baseImageUser(rawImage: string, image: Expansion): EffectiveUser {
  if (image.limited) {
    return {
      kind: 'unknown',
      source: 'base-image-default',
      reason: `the base image \`${clip(rawImage, 200)}\` could not be expanded within the limit ${image.limited}, so its default user is unknown until the build and probe measure it`
    }
  }
  if (image.unresolved.length > 0) {
    return {
      kind: 'unknown',
      source: 'base-image-default',
      reason: `the base image \`${rawImage}\` depends on ${describeVars(image.unresolved)}, so its default user is unknown until the build and probe measure it`
    }
  }
  if (image.value.toLowerCase() === 'scratch') {
    return {
      kind: 'root',
      source: 'scratch-default',
      uid: 0,
      reason: 'FROM scratch has no default user, so it runs as root (uid 0)'
    }
  }
  const known = lookupKnownImage(image.value)
  if (known) {
    return {
      kind: 'non-root',
      source: 'known-base-image',
      value: known.user,
      uid: known.uid,
      reason: `\`${image.value}\` runs as ${known.user}${known.uid !== undefined ? ` (uid ${known.uid})` : ''} by default (${known.source})`
    }
  }
  return {
    kind: 'root',
    source: 'base-image-default',
    reason: `\`${image.value}\` is not a base image known to run as non-root, so it runs as root as Docker does by default; the build and probe measure the real user`
  }
}

function describeVars(names: string[]): string {
  return names.length === 1
    ? `$${names[0]}, which has no value`
    : `${names.map(n => `$${n}`).join(', ')}, which have no value`
}

/** ARG [name[=default] ...]. `scope` receives the values; `globals` feeds re-declared global ARGs. */
function declareArgs(
  args: string,
  line: number,
  target: { vars: Map<string, VarState>; capped: { capped: boolean } },
  globals: Map<string, VarState>,
  lookup: VarLookup,
  buildArgs: Record<string, string>,
  platform: Map<string, VarState>,
  ctx: ModelContext
): void {
  const scope = target.vars
  for (const { name, raw } of parseProperties(args, ctx.escapeChar, false)) {
    if (name === '') continue
    if (!keepVariable(scope, name, line, target.capped, ctx)) continue
    if (hasOwn(buildArgs, name)) {
      scope.set(name, { state: 'set', value: buildArgs[name] })
      continue
    }
    if (raw !== null) {
      const expanded = ctx.expand(raw, lookup, line, `ARG ${clip(name, 100)}`)
      scope.set(name, resolved(expanded) ? { state: 'set', value: expanded.value } : UNKNOWN)
      continue
    }
    // `ARG X` without a default: inside a stage it takes the global value, if any; a platform ARG has the
    // builder's value (inside a stage only once declared); else it must be supplied.
    const global = scope === globals ? undefined : globals.get(name)
    scope.set(name, global ?? platform.get(name) ?? UNKNOWN)
  }
}

function declareEnv(
  args: string,
  line: number,
  state: StageState,
  lookup: VarLookup,
  ctx: ModelContext
): void {
  // All values of one ENV line are expanded against the scope before that line, as the builder does.
  const updates: Array<[string, Expansion]> = []
  for (const { name, raw } of parseProperties(args, ctx.escapeChar, true)) {
    if (name === '') continue
    updates.push([name, ctx.expand(raw ?? '', lookup, line, `ENV ${clip(name, 100)}`)])
  }
  const cap = stageCap(state)
  for (const [name, expanded] of updates) {
    if (!keepVariable(state.env, name, line, cap, ctx)) continue
    state.env.set(name, resolved(expanded) ? { state: 'set', value: expanded.value } : UNKNOWN)
    state.envText.set(name, expanded.value)
  }
}

function applyUser(
  args: string,
  line: number,
  state: StageState,
  lookup: VarLookup,
  ctx: ModelContext
): void {
  const raw = args.trim()
  if (raw === '') {
    ctx.problem(line, 'USER without a value')
    return
  }
  const expanded = ctx.expand(raw, lookup, line, 'USER')
  const fact: UserFact = { line, raw, value: expanded.value, kind: 'unknown' }
  const user: EffectiveUser = {
    kind: 'unknown',
    raw,
    value: expanded.value,
    source: 'user-instruction',
    line
  }
  if (expanded.limited) {
    fact.unresolved = expanded.unresolved
    user.reason = `USER ${clip(raw, 200)} cannot be resolved statically: its expansion reached the limit ${expanded.limited}; the build and probe measure the user`
  } else if (expanded.unresolved.length > 0) {
    fact.unresolved = expanded.unresolved
    user.reason = unresolvedUserReason(raw, expanded.unresolved, state)
  } else {
    const classified = classifyUser(expanded.value)
    fact.kind = user.kind = classified.kind
    if (classified.uid !== undefined) fact.uid = user.uid = classified.uid
    if (classified.gid !== undefined) user.gid = classified.gid
    if (expanded.value.trim() === '') {
      // `USER $EMPTY`: the builder sets no user, so the process runs as root. Say so instead of an empty value.
      delete user.value
      user.uid = 0
      user.reason = `USER ${clip(raw, 200)} on line ${line} expands to the empty string, which sets no user: the process runs as root (uid 0)`
    }
  }
  state.facts.users.push(fact)
  state.stage.user = user
}

function unresolvedUserReason(raw: string, names: string[], state: StageState): string {
  const notes = names.map(name =>
    state.args.has(name)
      ? `ARG ${name} has no default value`
      : `${name} is not declared in this stage (a global ARG must be re-declared with \`ARG ${name}\`; it may also come from the base image's ENV)`
  )
  return `USER ${clip(raw, 200)} cannot be resolved statically: ${notes.join('; ')}; the build and probe measure the user`
}

/** Users and groups the RUN creates, with ids written as `$VAR` expanded from the stage's ARG/ENV. */
function recordAccounts(
  run: RunFact,
  line: number,
  state: StageState,
  lookup: VarLookup,
  ctx: ModelContext
): void {
  const found = accountsInRun(run, word => {
    const expanded = ctx.expand(word, lookup, line, 'RUN user id', false)
    return resolved(expanded) ? expanded.value : undefined
  })
  if (found.length === 0) return
  const accounts = (state.facts.accounts ??= [])
  for (const fact of found) accounts.push(fact)
}

/**
 * Resolves named USERs of the final image's lineage against the accounts created along it. The runtime
 * reads /etc/passwd of the image, so each stage's user is resolved against the accounts at that stage's
 * end (a user created in a parent stage exists in the child). One pass over the lineage.
 */
function resolveAccounts(model: DockerfileModel): void {
  const lineage = finalLineage(model).reverse()
  const known = lookupKnownImage(lineage[0].baseImage)
  const baseUser = known && known.uid !== undefined ? { user: known.user, uid: known.uid } : undefined
  if (!baseUser && !lineage.some(stage => stage.facts?.accounts?.length)) return
  const table = new AccountTable()
  for (const stage of lineage) {
    for (const fact of stage.facts?.accounts ?? []) table.add(fact)
    for (const fact of stage.facts?.users ?? []) resolveUserFact(fact, table, baseUser)
    resolveEffectiveUser(stage.user, table, baseUser)
  }
}

function resolveUserFact(
  fact: UserFact,
  table: AccountTable,
  baseUser: { user: string; uid: number } | undefined
): void {
  if (fact.kind !== 'non-root') return
  const found = table.resolve(fact.value, baseUser)
  if (found.account) fact.account = found.account
  if (found.uid !== undefined) fact.uid = found.uid
  if (found.uid === 0) fact.kind = 'root'
  else if (found.mayBeRoot) fact.kind = 'unknown'
}

function resolveEffectiveUser(
  user: EffectiveUser,
  table: AccountTable,
  baseUser: { user: string; uid: number } | undefined
): void {
  // Only a name can be redefined; root spelled as root stays root whatever the files say.
  if (user.kind !== 'non-root' || user.value === undefined) return
  if (user.source !== 'user-instruction' && user.source !== 'inherited-stage') return
  const found = table.resolve(user.value, baseUser)
  if (found.account) user.account = found.account
  if (found.gid !== undefined) user.gid = found.gid
  if (found.uid === undefined) {
    if (found.mayBeRoot && found.account) {
      user.kind = 'unknown'
      user.reason = `USER ${clip(user.raw ?? user.value, 200)} cannot be resolved statically: ${clip(found.account.name, 100)} is created with uid ${clip(found.account.idText ?? '?', 100)} (${describeAccount(found.account)}), which has no value here, and duplicate uids are allowed, so it may be 0; the build and probe measure the user`
    }
    return
  }
  user.uid = found.uid
  if (found.uid !== 0) return
  user.kind = 'root'
  const how = found.account ? describeAccount(found.account) : 'it has uid 0'
  user.reason = `${clip(found.account?.name ?? user.value, 100)} is another name for root: ${how}`
}

function recordRun(content: string, line: number, endLine: number, state: StageState): RunFact {
  const trimmed = content.trim()
  let run: RunFact | undefined
  if (trimmed.startsWith('[')) {
    const argv = parseExecForm(trimmed)
    if (argv) run = { line, endLine, form: 'exec', text: argv.join(' '), argv, heredoc: false }
  }
  run ??= { line, endLine, form: 'shell', text: trimmed, heredoc: trimmed.includes('<<') }
  state.facts.runs.push(run)
  return run
}

/** Exec form is a JSON array of strings; anything else is shell form, as in the builder. */
function parseExecForm(text: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text)
    return Array.isArray(parsed) && parsed.every(item => typeof item === 'string') ? parsed : undefined
  } catch {
    return undefined
  }
}

/** Labels this tool reads as a declared deployment; other labels are not kept. */
const RUN_LABEL_KEYS = new Set(['RUN', 'INSTALL'])

function recordRunLabels(
  args: string,
  line: number,
  endLine: number,
  state: StageState,
  escapeChar: string
): void {
  for (const property of parseProperties(args, escapeChar, true)) {
    const key = unquote(property.name).toUpperCase()
    if (!RUN_LABEL_KEYS.has(key) || property.raw === null) continue
    const fact: RunLabelFact = {
      key: key as RunLabelFact['key'],
      value: unquote(property.raw),
      line,
      endLine
    }
    ;(state.facts.runLabels ??= []).push(fact)
  }
}

/** `"a \"b\""` -> `a "b"`, `'a'` -> `a`; bare words as they are. */
function unquote(text: string): string {
  const t = text.trim()
  if (t.length >= 2 && t[0] === "'" && t[t.length - 1] === "'") return t.slice(1, -1)
  if (t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"')
    return t.slice(1, -1).replace(/\\(["\\])/g, '$1')
  return t
}

/** CMD / ENTRYPOINT: exec form when the arguments are a JSON array of strings, else shell form. */
function recordProcess(
  content: string,
  keyword: 'CMD' | 'ENTRYPOINT',
  line: number,
  endLine: number,
  state: StageState
): void {
  const trimmed = content.trim()
  const argv = trimmed.startsWith('[') ? parseExecForm(trimmed) : undefined
  const fact: ProcessFact = argv
    ? { instruction: keyword, line, endLine, form: 'exec', text: argv.join(' '), argv }
    : { instruction: keyword, line, endLine, form: 'shell', text: trimmed }
  ;(state.facts.processes ??= []).push(fact)
}

function recordCopy(
  args: string,
  keyword: 'COPY' | 'ADD',
  line: number,
  endLine: number,
  state: StageState,
  byName: Map<string, StageState>,
  lookup: VarLookup,
  ctx: ModelContext
): void {
  const escapeChar = ctx.escapeChar
  const fact: CopyFact = { instruction: keyword, line, endLine, sources: [] }
  const { flags, rest } = splitFlags(args)
  for (const flag of flags) {
    if (flag.value === null) continue
    const name = flag.name.toLowerCase()
    if (name !== 'from' && name !== 'chmod' && name !== 'chown') continue
    const expanded = ctx.expand(flag.value, lookup, line, `${keyword} --${name}`).value
    if (name === 'from') fact.from = expanded
    else if (name === 'chmod') fact.chmod = expanded
    else if (name === 'chown') fact.chown = expanded
  }
  if (fact.from !== undefined) {
    const wanted = fact.from.toLowerCase()
    const named = byName.get(wanted)
    const index = /^\d+$/.test(wanted) ? Number(wanted) : undefined
    if (named && named !== state) fact.fromStageIndex = named.stage.index
    else if (index !== undefined && index < state.stage.index) fact.fromStageIndex = index
  }
  const content = rest.trim()
  const exec = content.startsWith('[') ? parseExecForm(content) : undefined
  let words: string[]
  if (exec) words = exec
  else {
    // Heredoc sources (`COPY <<EOF /dest`): only the first line holds sources and destination.
    const head = content.includes('<<') ? content.split('\n', 1)[0] : content
    words = splitWords(head, escapeChar).map(word => ctx.expand(word, lookup, line, keyword).value)
  }
  if (words.length > 0) {
    fact.dest = words[words.length - 1]
    fact.sources = words.slice(0, -1)
  }
  state.facts.copies.push(fact)
}

function recordExpose(
  args: string,
  line: number,
  state: StageState,
  lookup: VarLookup,
  ctx: ModelContext
): void {
  for (const raw of splitWords(args, ctx.escapeChar)) {
    const expanded = ctx.expand(raw, lookup, line, 'EXPOSE').value
    // Only an expanded variable can turn one word into several ports; a written word is one port.
    const words = expanded === raw ? [raw] : expanded.split(/\s+/)
    if (words.length > MAX_PORTS_PER_EXPOSE_WORD) {
      ctx.problem(
        line,
        `EXPOSE ${clip(raw, 100)} expands to ${words.length} ports; only the first ${MAX_PORTS_PER_EXPOSE_WORD} are checked (limit MAX_PORTS_PER_EXPOSE_WORD)`
      )
      words.length = MAX_PORTS_PER_EXPOSE_WORD
    }
    for (const word of words) {
      if (word === '') continue
      const match = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(word)
      const fact: ExposeFact = {
        line,
        raw,
        protocol: (match?.[3] ?? word.split('/')[1] ?? 'tcp').toLowerCase()
      }
      if (match) {
        fact.port = Number(match[1])
        if (match[2] !== undefined) fact.endPort = Number(match[2])
      }
      state.facts.exposes.push(fact)
    }
  }
}

interface CommentLine {
  /** 0-based line. */
  line: number
  /** Text after `#`. */
  content: string
}

/**
 * Comments in line order. dockerfile-ast reads any leading `# word ... =value` comment as a parser
 * directive (BuildKit does not), so `# hadolint global ignore=...` on line 1 arrives as a directive.
 */
function commentLines(
  comments: Array<{ getContent(): string; getRange(): { start: { line: number } } }>,
  directives: Array<{ getRange(): { start: { line: number } } }>,
  lines: string[]
): CommentLine[] {
  const result: CommentLine[] = comments.map(comment => ({
    line: comment.getRange().start.line,
    content: comment.getContent()
  }))
  for (const directive of directives) {
    const line = directive.getRange().start.line
    result.push({ line, content: (lines[line] ?? '').replace(/^\s*#/, '') })
  }
  return result.sort((a, b) => a.line - b.line)
}

function collectPragmas(comments: CommentLine[], instructions: Instruction[]): Pragma[] {
  const pragmas: Pragma[] = []
  let next = 0
  for (const comment of comments) {
    if (!/least-privilege|hadolint/i.test(comment.content)) continue
    const line = comment.line + 1
    const pragma = parsePragma(comment.content, line)
    if (!pragma) continue
    if (pragma.scope === 'instruction') {
      // The instruction that contains the comment (inside a continuation) or the next one after it.
      while (next < instructions.length && instructions[next].getRange().end.line + 1 < line) next++
      const target = instructions[next]
      if (!target) continue
      pragma.appliesToLine = target.getRange().start.line + 1
      pragma.appliesToEndLine = target.getRange().end.line + 1
    }
    pragmas.push(pragma)
  }
  return pragmas
}
