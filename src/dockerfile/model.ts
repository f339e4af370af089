// Builds the DockerfileModel from text: stages, inheritance, ARG/ENV expansion, effective USER, the
// instruction facts the rules read, and pragmas. One pass over dockerfile-ast's instructions; never throws
// on messy input except for the two cases a scan cannot go on from (no FROM; unknown --target stage).
import { DockerfileParser, type Instruction } from 'dockerfile-ast'
import { UsageError } from '../errors'
import { expandWord, type Expansion, type VarLookup, type VarState } from './expand'
import { argumentText, parseProperties, sourceLines, splitFlags, splitWords } from './instruction-text'
import { lookupKnownImage } from './known-images'
import { stageLabel } from './lineage'
import { parsePragma } from './pragmas'
import type {
  CopyFact,
  DockerfileModel,
  EffectiveUser,
  ExposeFact,
  ModelProblem,
  Pragma,
  Stage,
  StageFacts,
  UserFact
} from './types'
import { classifyUser } from './user'

export interface BuildModelOptions {
  /** `--target`: the stage that becomes the image (case-insensitive). Default: the last stage. */
  target?: string
  /** `--build-arg` values; they override the defaults of declared ARGs only, as the builder does. */
  buildArgs?: Record<string, string>
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
  lastLine: number
}

export function buildModel(text: string, file: string, options: BuildModelOptions = {}): DockerfileModel {
  const dockerfile = DockerfileParser.parse(text)
  const escapeChar = dockerfile.getEscapeCharacter()
  const buildArgs = options.buildArgs ?? {}
  const problems: ModelProblem[] = []
  const globals = new Map<string, VarState>()
  const states: StageState[] = []
  const instructions = dockerfile.getInstructions()

  const globalLookup: VarLookup = name => {
    const declared = globals.get(name)
    if (declared) return declared
    if (PLATFORM_ARGS.has(name)) return name in buildArgs ? { state: 'set', value: buildArgs[name] } : UNKNOWN
    return UNSET
  }

  const lines = sourceLines(text)
  let current: StageState | undefined
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword()
    const range = instruction.getRange()
    const line = range.start.line + 1
    const endLine = range.end.line + 1
    if (keyword === 'FROM') {
      const args = argumentText(lines, range, escapeChar)
      current = openStage(args, line, states, globalLookup, escapeChar, problems)
      states.push(current)
      continue
    }
    if (!current) {
      if (keyword === 'ARG') {
        declareArgs(
          argumentText(lines, range, escapeChar),
          globals,
          globals,
          globalLookup,
          buildArgs,
          escapeChar
        )
      } else problems.push({ line, message: `${keyword} before the first FROM is ignored by the builder` })
      continue
    }
    current.lastLine = endLine
    const state = current
    const lookup = scopeLookup(state)
    switch (keyword) {
      case 'ARG':
        declareArgs(
          argumentText(lines, range, escapeChar),
          state.args,
          globals,
          lookup,
          buildArgs,
          escapeChar
        )
        break
      case 'ENV':
        declareEnv(argumentText(lines, range, escapeChar), state, lookup, escapeChar)
        break
      case 'USER':
        applyUser(argumentText(lines, range, escapeChar), line, state, lookup, escapeChar, problems)
        break
      case 'RUN':
        recordRun(splitFlags(argumentText(lines, range, escapeChar)).rest, line, endLine, state)
        break
      case 'COPY':
      case 'ADD':
        recordCopy(
          argumentText(lines, range, escapeChar),
          keyword,
          line,
          endLine,
          state,
          states,
          lookup,
          escapeChar
        )
        break
      case 'EXPOSE':
        recordExpose(argumentText(lines, range, escapeChar), line, state, lookup, escapeChar)
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
    stages,
    finalStage,
    pragmas: collectPragmas(
      commentLines(dockerfile.getComments(), dockerfile.getDirectives(), lines),
      instructions
    ),
    problems,
    directives: { escape: escapeChar }
  }
  for (const directive of dockerfile.getDirectives()) {
    if (directive.getName().toLowerCase() === 'syntax') model.directives!.syntax = directive.getValue()
  }
  return model
}

function finishStage(state: StageState): Stage {
  const stage = state.stage
  stage.endLine = state.lastLine
  stage.facts = state.facts
  stage.env = Object.fromEntries(state.envText)
  return stage
}

function selectTarget(stages: Stage[], target: string | undefined, file: string): Stage {
  if (target === undefined || target === '') return stages[stages.length - 1]
  const wanted = target.toLowerCase()
  const found = stages.find(stage => stage.name === wanted)
  if (found) return found
  const names = stages.map(stage => stage.name).filter(name => name !== undefined)
  const known = names.length > 0 ? `stages: ${names.join(', ')}` : 'no stage has a name'
  throw new UsageError(`${file}: target stage "${target}" not found (${known})`)
}

function scopeLookup(state: StageState): VarLookup {
  // ENV wins over ARG of the same name, as in the builder.
  return name => state.env.get(name) ?? state.args.get(name) ?? (state.baseEnvKnown ? UNSET : UNKNOWN)
}

function openStage(
  fromArgs: string,
  line: number,
  states: StageState[],
  globalLookup: VarLookup,
  escapeChar: string,
  problems: ModelProblem[]
): StageState {
  const args = splitWords(splitFlags(fromArgs).rest, escapeChar)
  const rawImage = args[0] ?? ''
  if (rawImage === '') problems.push({ line, message: 'FROM without an image' })
  const image = expandWord(rawImage, globalLookup, escapeChar)
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
    lastLine: line
  }
  const parent =
    image.unresolved.length === 0
      ? states.find(
          earlier => earlier.stage.name !== undefined && earlier.stage.name === image.value.toLowerCase()
        )
      : undefined
  if (parent) {
    // A child stage starts from its parent's image config and build scope: USER, ENV and ARG values.
    stage.baseStageIndex = parent.stage.index
    stage.user = inheritUser(parent.stage)
    state.args = new Map(parent.args)
    state.env = new Map(parent.env)
    state.envText = new Map(parent.envText)
    state.baseEnvKnown = parent.baseEnvKnown
  } else {
    stage.user = baseImageUser(rawImage, image)
    state.baseEnvKnown = image.unresolved.length === 0 && image.value.toLowerCase() === 'scratch'
  }
  return state
}

function inheritUser(parent: Stage): EffectiveUser {
  const user: EffectiveUser = { ...parent.user, source: 'inherited-stage' }
  user.reason = `inherited from stage ${stageLabel(parent)} (FROM on line ${parent.fromLine})${
    parent.user.reason ? `: ${parent.user.reason}` : ''
  }`
  return user
}

function baseImageUser(rawImage: string, image: Expansion): EffectiveUser {
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
      reason: `\`${image.value}\` runs as ${known.user} (uid ${known.uid}) by default (${known.source})`
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
  scope: Map<string, VarState>,
  globals: Map<string, VarState>,
  lookup: VarLookup,
  buildArgs: Record<string, string>,
  escapeChar: string
): void {
  for (const { name, raw } of parseProperties(args, escapeChar, false)) {
    if (name === '') continue
    if (Object.prototype.hasOwnProperty.call(buildArgs, name)) {
      scope.set(name, { state: 'set', value: buildArgs[name] })
      continue
    }
    if (raw !== null) {
      const expanded = expandWord(raw, lookup, escapeChar)
      scope.set(name, expanded.unresolved.length === 0 ? { state: 'set', value: expanded.value } : UNKNOWN)
      continue
    }
    // `ARG X` without a default: inside a stage it takes the global value, if any; else it must be supplied.
    const global = scope === globals ? undefined : globals.get(name)
    scope.set(name, global ?? UNKNOWN)
  }
}

function declareEnv(args: string, state: StageState, lookup: VarLookup, escapeChar: string): void {
  // All values of one ENV line are expanded against the scope before that line, as the builder does.
  const updates: Array<[string, Expansion]> = []
  for (const { name, raw } of parseProperties(args, escapeChar, true)) {
    if (name === '') continue
    updates.push([name, expandWord(raw ?? '', lookup, escapeChar)])
  }
  for (const [name, expanded] of updates) {
    state.env.set(name, expanded.unresolved.length === 0 ? { state: 'set', value: expanded.value } : UNKNOWN)
    state.envText.set(name, expanded.value)
  }
}

function applyUser(
  args: string,
  line: number,
  state: StageState,
  lookup: VarLookup,
  escapeChar: string,
  problems: ModelProblem[]
): void {
  const raw = args.trim()
  if (raw === '') {
    problems.push({ line, message: 'USER without a value' })
    return
  }
  const expanded = expandWord(raw, lookup, escapeChar)
  const fact: UserFact = { line, raw, value: expanded.value, kind: 'unknown' }
  const user: EffectiveUser = {
    kind: 'unknown',
    raw,
    value: expanded.value,
    source: 'user-instruction',
    line
  }
  if (expanded.unresolved.length > 0) {
    fact.unresolved = expanded.unresolved
    user.reason = unresolvedUserReason(raw, expanded.unresolved, state)
  } else {
    const classified = classifyUser(expanded.value)
    fact.kind = user.kind = classified.kind
    if (classified.uid !== undefined) user.uid = classified.uid
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
  return `USER ${raw} cannot be resolved statically: ${notes.join('; ')}; the build and probe measure the user`
}

function recordRun(content: string, line: number, endLine: number, state: StageState): void {
  const trimmed = content.trim()
  if (trimmed.startsWith('[')) {
    const argv = parseExecForm(trimmed)
    if (argv) {
      state.facts.runs.push({ line, endLine, form: 'exec', text: argv.join(' '), argv, heredoc: false })
      return
    }
  }
  state.facts.runs.push({ line, endLine, form: 'shell', text: trimmed, heredoc: trimmed.includes('<<') })
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

function recordCopy(
  args: string,
  keyword: 'COPY' | 'ADD',
  line: number,
  endLine: number,
  state: StageState,
  states: StageState[],
  lookup: VarLookup,
  escapeChar: string
): void {
  const fact: CopyFact = { instruction: keyword, line, endLine, sources: [] }
  const { flags, rest } = splitFlags(args)
  for (const flag of flags) {
    if (flag.value === null) continue
    const name = flag.name.toLowerCase()
    const expanded = expandWord(flag.value, lookup, escapeChar).value
    if (name === 'from') fact.from = expanded
    else if (name === 'chmod') fact.chmod = expanded
    else if (name === 'chown') fact.chown = expanded
  }
  if (fact.from !== undefined) {
    const wanted = fact.from.toLowerCase()
    const byName = states.find(other => other !== state && other.stage.name === wanted)
    const index = /^\d+$/.test(wanted) ? Number(wanted) : undefined
    if (byName) fact.fromStageIndex = byName.stage.index
    else if (index !== undefined && index < state.stage.index) fact.fromStageIndex = index
  }
  const content = rest.trim()
  const exec = content.startsWith('[') ? parseExecForm(content) : undefined
  let words: string[]
  if (exec) words = exec
  else {
    // Heredoc sources (`COPY <<EOF /dest`): only the first line holds sources and destination.
    const head = content.includes('<<') ? content.split('\n', 1)[0] : content
    words = splitWords(head, escapeChar).map(word => expandWord(word, lookup, escapeChar).value)
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
  escapeChar: string
): void {
  for (const raw of splitWords(args, escapeChar)) {
    const expanded = expandWord(raw, lookup, escapeChar).value
    for (const word of expanded.split(/\s+/)) {
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
