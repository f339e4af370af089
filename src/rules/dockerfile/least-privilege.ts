// Least Privilege, from the Dockerfile: the process the final image starts does not run as root.
import {
  dropToolInstalled,
  imageProcess,
  instructionDrop,
  scriptsDrop,
  unreadEntrypointScript,
  type Drop,
  type ImageProcess
} from '../../dockerfile/drops'
import { classifyBaseImage, isWindowsBaseImage } from '../../dockerfile/known-images'
import { clip } from '../../dockerfile/limits'
import { factsOf, finalLineage, stageLabel } from '../../dockerfile/lineage'
import type { DockerfileModel, Stage, UserFact } from '../../dockerfile/types'
import { classifyUser } from '../../dockerfile/user'
import { redactValue } from '../../profile/redact'
import { isRootUserFlag } from '../deployment/least-privilege'
import { sayUser } from '../deployment/vocabulary'
import type { Rule, RuleContext, RuleHit } from '../types'

interface LocatedUser extends UserFact {
  stage: Stage
}

/**
 * True when the image is built on a Windows base, where uids and privileged ports do not apply: a Windows
 * base image, or a Dockerfile written for Windows (the backtick escape directive).
 */
function isWindowsImage(model: DockerfileModel): boolean {
  const lineage = finalLineage(model)
  return isWindowsBaseImage(lineage[lineage.length - 1].baseImage) || model.directives?.escape === '`'
}

/** USER instructions of the final stage and its ancestors, in file order. */
function lineageUsers(model: DockerfileModel): LocatedUser[] {
  return finalLineage(model)
    .reverse()
    .flatMap(stage => factsOf(stage).users.map(user => ({ ...user, stage })))
}

export const finalStageRunsAsRoot: Rule = {
  meta: {
    id: 'LP101',
    name: 'final-stage-runs-as-root',
    principle: 'least-privilege',
    evidence: 'dockerfile',
    level: 'error',
    securitySeverity: 8.0,
    title: 'The final stage runs as root',
    description:
      'The image that is shipped starts its process as root (uid 0; ContainerAdministrator on Windows). A bug or a compromised dependency then acts as root inside the container, and as root on the host after any container escape when user namespaces are not remapped. Only the final stage (or the --target stage) counts: builder stages may run as root. An entrypoint that starts as root and then drops to another user (gosu, su-exec, setpriv ...) is a warning that names the drop; a base image whose default user is not known is a warning (the build and probe settle it); an image with no process at all (FROM scratch, no CMD or ENTRYPOINT) is a note.',
    fix: 'Add `USER <uid>:<gid>` (numeric, non-zero; on Windows `USER ContainerUser`) as the last USER of the final stage, after creating that user; if the entrypoint needs root only to prepare volumes before it drops privileges, do that at build time (chown), or keep the drop and run with --cap-drop ALL and no-new-privileges.',
    hadolintEquivalents: ['DL3002']
  },
  check(ctx) {
    return runByDeployment(ctx, finalStageRootHits(ctx.model))
  }
}

/** How the final stage comes to start as root (or as an unknown user), before any drop. */
interface StartsAs {
  /** The rule's properties.cause. */
  cause: string
  /** A clause that completes "The final stage ..." (no final period). */
  clause: string
  /** False when the base image decides and is not known (a warning, not a certain root). */
  certain: boolean
  line?: number
  properties: Record<string, unknown>
  /** The known root base image's own entrypoint steps down to this user. */
  baseStepsDownTo?: { user: string; source: string }
}

function finalStageRootHits(model: DockerfileModel): RuleHit[] {
  const final = model.finalStage
  const windows = isWindowsImage(model)
  if (final.user.kind === 'non-root') return windows ? administratorHits(model) : []
  if (final.user.kind !== 'root') return []
  const process = imageProcess(model)
  const properties: Record<string, unknown> = {
    user: clip(final.user.value ?? (windows ? 'ContainerAdministrator' : 'root')),
    source: final.user.source
  }
  const start = startsAs(model, process, windows)
  if (start === 'no-process') return [noProcessHit(model, properties)]
  const props = { ...properties, ...start.properties, cause: start.cause }
  const at = start.line !== undefined ? { line: start.line } : {}
  const level = start.certain ? undefined : ('warning' as const)
  if (windows) {
    return [
      {
        message: start.certain
          ? `The final stage ${start.clause}; ContainerAdministrator is the administrator account of Windows containers. Use \`USER ContainerUser\` (or a non-administrator account the Dockerfile creates) as the last USER.`
          : `The final stage ${start.clause}: it runs as ContainerAdministrator, the administrator account of Windows containers, if its base image does (Server Core images do); the base image decides and the build settles it. Use \`USER ContainerUser\` (or a non-administrator account the Dockerfile creates) as the last USER.`,
        ...at,
        ...(level ? { level } : {}),
        properties: { ...props, windows: true }
      }
    ]
  }
  const drop = instructionDrop(process) ?? scriptsDrop(process, model.contextFiles).drop
  if (drop) return [dropHit(start, withImageEnv(drop, model), props, at)]
  const scripts = scriptsDrop(process, model.contextFiles).read
  if (scripts.length === 0) {
    const likely = likelyDropHit(model, process, start, props, at)
    if (likely) return [likely]
  }
  if (start.baseStepsDownTo && !process.entrypoint) {
    const { user, source } = start.baseStepsDownTo
    return [
      {
        message: `The final stage starts as root, then its base image's own entrypoint steps down to \`${clip(user, 100)}\` for the image's server command: it ${becauseOf(start).replace(/^it /, '')}, and sets no ENTRYPOINT of its own. The setup before the drop runs as root; the build and probe measure the workload's user. ${DROP_FIX}`,
        ...at,
        level: 'warning',
        properties: {
          ...props,
          cause: 'base-entrypoint-drops',
          startsAs: start.cause,
          drop_user: user,
          drop_source: source
        }
      }
    ]
  }
  const readNote =
    scripts.length > 0
      ? ` ${scripts.map(file => clip(file.path, 100)).join(', ')} (read from the build context) ${scripts.length > 1 ? 'do' : 'does'} not drop privileges.`
      : ''
  const tail = start.certain
    ? ' The build and probe measure the real user.'
    : ' The base image decides whether it runs as root; the build and probe settle it.'
  return [
    {
      message: `The final stage ${start.clause}${start.cause === 'scratch' ? ', so its process runs as uid 0' : start.certain ? '' : ", so it runs as the base image's default user, which is not known here"}.${readNote}${tail}`,
      ...at,
      ...(level ? { level } : {}),
      properties: scripts.length > 0 ? { ...props, scripts_read: scripts.map(f => clip(f.path, 200)) } : props
    }
  ]
}

const DROP_FIX =
  'To start unprivileged, set USER to that user and prepare volume ownership at build time (chown in the Dockerfile); or keep the drop and run with --cap-drop ALL (adding back only what the setup needs, such as CHOWN, SETUID and SETGID) and no-new-privileges.'

/** Why the final stage starts as root, or 'no-process' when the image has nothing to run. */
function startsAs(model: DockerfileModel, process: ImageProcess, windows: boolean): StartsAs | 'no-process' {
  const final = model.finalStage
  const users = lineageUsers(model)
  const last = users[users.length - 1]
  if (!last) {
    const lineage = finalLineage(model)
    const origin = lineage[lineage.length - 1]
    // A chain may be 600,000 stages long: the message names the nearest few.
    const ancestors = lineage.slice(1, 11).map(stage => clip(stageLabel(stage), 100))
    const more = lineage.length > 11 ? ` and ${lineage.length - 11} more` : ''
    const chain =
      lineage.length > 1 ? ` (nor do the stages it builds on: ${ancestors.join(', ')}${more})` : ''
    if (final.user.source === 'scratch-default' || origin.baseImage.toLowerCase() === 'scratch') {
      if (process.none) return 'no-process'
      return {
        cause: 'scratch',
        clause: `runs as root: it starts FROM scratch and sets no USER${chain}. A scratch image has no default user`,
        certain: true,
        properties: {}
      }
    }
    const base = clip(origin.baseImage)
    const known = classifyBaseImage(origin.baseImage)
    if (known.kind === 'root') {
      const who = known.image.windows ? 'ContainerAdministrator' : 'root'
      return {
        cause: 'no-user',
        clause: `${windows ? 'runs as ContainerAdministrator' : 'runs as root'}: it sets no USER${chain}, and its base image \`${base}\` runs as ${who} by default`,
        certain: true,
        properties: { baseImage: base, baseImageClass: 'known-root', baseImageSource: known.image.source },
        ...(known.image.stepsDownTo
          ? { baseStepsDownTo: { user: known.image.stepsDownTo, source: known.image.source } }
          : {})
      }
    }
    return {
      cause: 'unknown-base',
      clause: `sets no USER${chain}, and its base image \`${base}\` is not one whose default user is known`,
      certain: false,
      properties: { baseImage: base, baseImageClass: 'unknown' }
    }
  }
  const earlierNonRoot = users
    .slice(0, -1)
    .filter(user => user.kind === 'non-root')
    .pop()
  if (earlierNonRoot) {
    return {
      cause: 'switched-back-to-root',
      clause: `switches back to ${windows ? 'ContainerAdministrator' : 'root'}: USER ${clip(last.raw)} on line ${last.line} comes after USER ${clip(earlierNonRoot.raw)} on line ${earlierNonRoot.line}`,
      certain: true,
      line: last.line,
      properties: { nonRootLine: earlierNonRoot.line }
    }
  }
  if (last.stage.index === final.index) {
    return {
      cause: 'explicit-root',
      clause: `runs as ${windows ? 'ContainerAdministrator' : 'root'}: USER ${clip(last.raw)} on line ${last.line} ${windows ? 'sets it' : 'is root'}`,
      certain: true,
      line: last.line,
      properties: {}
    }
  }
  return {
    cause: 'inherited-root',
    clause: `runs as ${windows ? 'ContainerAdministrator' : 'root'}, inherited from stage ${stageLabel(last.stage)}: USER ${clip(last.raw)} on line ${last.line} ${windows ? 'sets it' : 'is root'} and the final stage sets no USER of its own`,
    certain: true,
    properties: { rootLine: last.line, fromStage: last.stage.index }
  }
}

function dropHit(
  start: StartsAs,
  drop: Drop,
  props: Record<string, unknown>,
  at: { line?: number }
): RuleHit {
  const where =
    drop.where.kind === 'instruction'
      ? `in ${drop.where.instruction} on line ${drop.where.line}`
      : `in ${clip(drop.where.path, 200)} line ${drop.where.line}`
  const dropsTo = `drops to \`${clip(drop.user, 100)}\` with ${drop.tool} ${where} (\`${drop.command}\`)`
  const message = start.certain
    ? `The final stage starts as root (${becauseOf(start)}), then ${dropsTo}. What runs before the drop runs as root; the build and probe measure the workload's user.`
    : `The final stage ${dropsTo}; before that it runs as its base image's default user, which is not known here: it ${start.clause.replace(/^sets/, 'sets')}. The build and probe measure the workload's user.`
  return {
    message: `${message} ${DROP_FIX}`,
    ...(drop.where.kind === 'instruction' && at.line === undefined ? {} : at),
    level: 'warning',
    properties: {
      ...props,
      cause: 'drops-privileges',
      startsAs: start.cause,
      drop_user: clip(drop.user, 200),
      drop_tool: drop.tool,
      drop_file: drop.where.kind === 'script' ? clip(drop.where.path, 200) : null,
      drop_line: drop.where.line
    }
  }
}

/** The reason part of a StartsAs clause: "it sets no USER, and ..." or "USER root on line 4 is root". */
function becauseOf(start: StartsAs): string {
  const reason = start.clause.replace(/^runs as (root|ContainerAdministrator)(: |, )/, '')
  return reason.startsWith('switches') ? `it ${reason}` : reason
}

/** gosu/su-exec installed and an entrypoint script the scan could not read: a likely drop, said so. */
function likelyDropHit(
  model: DockerfileModel,
  process: ImageProcess,
  start: StartsAs,
  props: Record<string, unknown>,
  at: { line?: number }
): RuleHit | undefined {
  const tool = dropToolInstalled(model)
  if (!tool) return undefined
  const script = unreadEntrypointScript(model, process)
  if (script === undefined) return undefined
  const why = start.certain ? becauseOf(start).replace(/^it /, '') : start.clause
  const starts = start.certain ? 'starts as root' : "starts as its base image's default user (not known here)"
  return {
    message: `The final stage ${starts} and most likely drops to a service user in ${clip(script, 200)}, which the scan did not read (not found in the build context): it ${why}, installs ${tool.tool} (line ${tool.line}) and runs that script, the pattern of an entrypoint that steps down after root-only setup. A likely drop that the build settles: the build and probe measure the workload's user. ${DROP_FIX}`,
    ...at,
    level: 'warning',
    properties: {
      ...props,
      cause: 'likely-drops-privileges',
      startsAs: start.cause,
      drop_tool: tool.tool,
      drop_tool_line: tool.line,
      entrypoint: clip(script, 200)
    }
  }
}

/** FROM scratch with no CMD or ENTRYPOINT anywhere in the lineage: files for another image, not a process. */
function noProcessHit(model: DockerfileModel, properties: Record<string, unknown>): RuleHit {
  const lineage = finalLineage(model)
  const via = lineage.length > 1 ? ' (through the stages it builds on)' : ''
  return {
    message: `The final stage has no process to run as root: it starts FROM scratch${via}, sets no USER, and no stage sets CMD or ENTRYPOINT, so it is a payload or export image (files for another image or for a build output). Whatever runs it with a command runs that command as uid 0; add \`USER <uid>:<gid>\` if it is ever run.`,
    level: 'note',
    properties: { ...properties, cause: 'no-process' }
  }
}

/** Windows: the final USER is a member of the local Administrators group, which the Dockerfile added it to. */
function administratorHits(model: DockerfileModel): RuleHit[] {
  const user = model.finalStage.user
  if (user.value === undefined) return []
  const added = administratorsGroupAdd(model, user.value, user.raw)
  if (!added) return []
  return [
    {
      message: `USER ${clip(user.raw ?? user.value)}${user.line !== undefined ? ` on line ${user.line}` : ''} is a member of the local Administrators group (added on line ${added.line}), so the process runs with administrator rights, as ContainerAdministrator would. Run it as an account outside Administrators (\`USER ContainerUser\`, or grant the folders it needs with icacls).`,
      ...(user.line !== undefined ? { line: user.line } : {}),
      properties: {
        user: clip(user.value),
        cause: 'windows-administrator',
        groupLine: added.line,
        windows: true
      }
    }
  ]
}

/** The RUN that adds `user` (or the variable USER names, `$env:user`) to Administrators. */
function administratorsGroupAdd(
  model: DockerfileModel,
  value: string,
  raw: string | undefined
): { line: number } | undefined {
  const name = value.split(':')[0].toLowerCase()
  const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(raw ?? '')?.[1]?.toLowerCase()
  const members = (text: string): string[] => {
    const out: string[] = []
    for (const m of text.matchAll(/net\s+localgroup\s+"?administrators"?\s+"?([^\s"/;`]+)"?\s+\/add/gi))
      out.push(m[1])
    for (const m of text.matchAll(/add-localgroupmember\b[^;\n|]*/gi)) {
      if (!/-(group|name|sid)\s+["']?(administrators|s-1-5-32-544)\b/i.test(m[0])) continue
      const member = /-member\s+["']?([^\s"';]+)/i.exec(m[0])
      if (member) out.push(member[1])
    }
    return out
  }
  const refersTo = (member: string): boolean => {
    const lower = member.toLowerCase().replace(/^[^\\]+\\/, '')
    if (lower === name) return true
    const env = /^(?:\$\{?env:([a-z_][a-z0-9_]*)\}?|%([a-z_][a-z0-9_]*)%|\$\{?([a-z_][a-z0-9_]*)\}?)$/.exec(
      lower
    )
    const ref = env?.[1] ?? env?.[2] ?? env?.[3]
    return ref !== undefined && ref === variable
  }
  for (const stage of finalLineage(model).reverse()) {
    for (const run of factsOf(stage).runs) {
      if (!/administrators|s-1-5-32-544/i.test(run.text)) continue
      if (members(run.text).some(refersTo)) return { line: run.line }
    }
  }
  return undefined
}

export const userOnlyInBuilderStage: Rule = {
  meta: {
    id: 'LP102',
    name: 'user-only-in-builder-stage',
    principle: 'least-privilege',
    evidence: 'dockerfile',
    level: 'warning',
    securitySeverity: 5.0,
    title: 'A non-root USER is set only in a stage that does not reach the final image',
    description:
      'A USER instruction applies to the stage it is in and to stages built FROM that stage, not to stages that only copy files from it. A non-root USER in a builder stage therefore leaves the final image running as root, which is easy to miss when reading the file.',
    fix: 'Repeat the USER instruction in the final stage (after the last RUN that needs root).'
  },
  check(ctx) {
    return runByDeployment(ctx, builderOnlyUserHits(ctx.model))
  }
}

/**
 * `su-exec "$APP_USER"`: a user named through a variable the image's ENV sets is named by its value (the
 * script runs with the image's environment). Anything else stays as written.
 */
function withImageEnv(drop: Drop, model: DockerfileModel): Drop {
  const name = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(drop.user)?.[1]
  const value =
    name !== undefined && Object.hasOwn(model.finalStage.env, name) ? model.finalStage.env[name] : undefined
  return value ? { ...drop, user: value } : drop
}

/** Stages another stage builds FROM or copies files from. */
function stagesBuiltOn(model: DockerfileModel): Set<number> {
  const used = new Set<number>()
  for (const stage of model.stages) {
    if (stage.baseStageIndex !== undefined) used.add(stage.baseStageIndex)
    for (const copy of factsOf(stage).copies)
      if (copy.fromStageIndex !== undefined) used.add(copy.fromStageIndex)
  }
  return used
}

function builderOnlyUserHits(model: DockerfileModel): RuleHit[] {
  if (model.finalStage.user.kind !== 'root') return []
  // A non-root USER in the final lineage that a later USER root undoes is LP101's "switches back" (corpus
  // 0412), not a USER that never reached the image; an image with no process runs nothing as root.
  if (lineageUsers(model).some(user => user.kind === 'non-root')) return []
  const start = startsAs(model, imageProcess(model), isWindowsImage(model))
  if (start === 'no-process') return []
  const outcome = start.certain
    ? 'so the final stage runs as root'
    : "so the final stage runs as its base image's default user, which is not known here"
  const lineage = new Set(finalLineage(model).map(stage => stage.index))
  const used = stagesBuiltOn(model)
  for (const stage of model.stages) {
    // A stage nothing builds on or copies from is another target of the file (a `rootless` variant, built
    // with --target), not a builder whose USER was forgotten (corpus 1462).
    if (lineage.has(stage.index) || !used.has(stage.index)) continue
    const user = factsOf(stage).users.find(fact => fact.kind === 'non-root')
    if (!user) continue
    return [
      {
        message: `USER ${clip(user.raw)} is set only in stage ${stageLabel(stage)} (line ${user.line}), which does not reach the final image, ${outcome}.`,
        ...(start.certain ? {} : { level: 'note' as const }),
        properties: { builderStage: stage.index, userLine: user.line, user: clip(user.value) }
      }
    ]
  }
  return []
}

export const userNotNumeric: Rule = {
  meta: {
    id: 'LP103',
    name: 'user-not-numeric',
    principle: 'least-privilege',
    evidence: 'dockerfile',
    level: 'note',
    securitySeverity: 2.0,
    title: 'The final USER is a name, not a numeric uid',
    description:
      'Kubernetes `runAsNonRoot: true` can only verify a numeric USER; with a name such as `app` the kubelet refuses to start the pod ("image has non-numeric user") or needs an explicit runAsUser. A numeric uid also cannot be redefined by a later /etc/passwd change to mean root.',
    fix: 'Use the numeric uid (and gid) instead of the name, e.g. `USER 10001:10001`.',
    hadolintEquivalents: ['DL3066']
  },
  check({ model }) {
    const user = model.finalStage.user
    if (user.kind !== 'non-root' || user.line === undefined || user.value === undefined) return []
    if (isWindowsImage(model)) return []
    const { group, numeric } = classifyUser(user.value)
    if (numeric) return []
    // The model resolves the name to the uid the Dockerfile creates it with (./accounts.ts); never 0.
    const uid = user.uid !== undefined && user.uid !== 0 ? user.uid : undefined
    const gid = group !== undefined ? user.gid : undefined
    const suggestion =
      uid !== undefined ? `USER ${uid}${gid !== undefined ? `:${gid}` : ''}` : 'the numeric uid'
    return [
      {
        message: `USER ${clip(user.raw ?? user.value)} on line ${user.line} is a name, which Kubernetes runAsNonRoot cannot verify; use ${suggestion} instead.`,
        line: user.line,
        properties: { user: clip(user.value), ...(uid !== undefined ? { uid } : {}) }
      }
    ]
  }
}

export const privilegedPortExposed: Rule = {
  meta: {
    id: 'LP104',
    name: 'privileged-port-exposed',
    principle: 'least-privilege',
    evidence: 'dockerfile',
    level: 'note',
    securitySeverity: 2.0,
    title: 'A port below 1024 is exposed while the image runs as non-root',
    description:
      'Binding a port below 1024 needs CAP_NET_BIND_SERVICE unless the kernel allows it. Docker sets net.ipv4.ip_unprivileged_port_start=0 in a container network namespace, so the bind usually works under Docker, but not under Kubernetes, with --network host, or with other runtimes; people then add the capability or go back to root.',
    fix: 'Listen on a port of 1024 or above (e.g. 8080) and map it to the public port at deploy time.'
  },
  check({ model }) {
    if (model.finalStage.user.kind !== 'non-root' || isWindowsImage(model)) return []
    const hits: RuleHit[] = []
    const value = model.finalStage.user.value
    const who = value !== undefined ? ` user ${clip(value)}` : ''
    for (const stage of finalLineage(model).reverse()) {
      for (const expose of factsOf(stage).exposes) {
        if (expose.port === undefined || expose.port >= 1024) continue
        hits.push({
          message: `EXPOSE ${clip(expose.raw)} on line ${expose.line} is a privileged port (below 1024) while the image runs as non-root${who}; it binds under Docker, but not under Kubernetes or --network host without CAP_NET_BIND_SERVICE.`,
          line: expose.line,
          properties: { port: expose.port, protocol: expose.protocol }
        })
      }
    }
    return hits
  }
}

export const userUnresolved: Rule = {
  meta: {
    id: 'LP105',
    name: 'user-unresolved',
    principle: 'least-privilege',
    evidence: 'dockerfile',
    level: 'warning',
    securitySeverity: 5.0,
    title: 'The final user cannot be resolved from the Dockerfile',
    description:
      'The final USER (or the base image) depends on a variable with no value in the Dockerfile, such as an ARG without a default that must be passed with --build-arg, or a name that only the base image defines. Whether the image runs as root then depends on how it is built; the build and probe measure the real user.',
    fix: 'Give the ARG a non-root numeric default (`ARG APP_UID=10001`) or write the uid literally in USER.'
  },
  check(ctx) {
    return runByDeployment(ctx, unresolvedUserHits(ctx.model))
  }
}

function unresolvedUserHits(model: DockerfileModel): RuleHit[] {
  const user = model.finalStage.user
  if (user.kind !== 'unknown') return []
  // `USER ${NB_UID}` on a Jupyter image: the variable is the base image's documented ENV.
  if (resolvedByBaseEnv(model)?.kind === 'non-root') return []
  if (user.line !== undefined) {
    // The reason already reads "USER $X cannot be resolved statically: ...".
    const reason = user.reason ?? `USER ${clip(user.raw ?? '')} cannot be resolved statically`
    const inherited =
      user.source === 'inherited-stage'
        ? ` (line ${user.line}, inherited by the final stage)`
        : ` (line ${user.line})`
    return [
      {
        message: `${reason.replace(/^(USER \S+)/, `$1${inherited}`)}.`,
        line: user.line,
        properties: {
          raw: user.raw === undefined ? undefined : clip(user.raw),
          value: user.value === undefined ? undefined : clip(user.value)
        }
      }
    ]
  }
  return [
    {
      message: `The final user cannot be resolved statically: ${user.reason ?? 'the base image is unknown'}.`,
      properties: { baseImage: clip(model.finalStage.baseImage) }
    }
  ]
}

/** The final USER expanded with the known base image's documented ENV, when that resolves every variable. */
function resolvedByBaseEnv(model: DockerfileModel): { kind: 'root' | 'non-root'; value: string } | undefined {
  const user = model.finalStage.user
  if (user.raw === undefined || user.source !== 'user-instruction') return undefined
  const lineage = finalLineage(model)
  const known = classifyBaseImage(lineage[lineage.length - 1].baseImage)
  const env = known.kind === 'non-root' ? known.image.env : undefined
  if (!env) return undefined
  // Only a USER made of variable references the base image sets and literal text (no Dockerfile ARG/ENV
  // of the same name, which would win): anything else stays unresolved.
  const stageVars = new Set(Object.keys(model.finalStage.env))
  let unresolved = false
  const value = user.raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => {
    const name = (a ?? b) as string
    if (stageVars.has(name) || !Object.prototype.hasOwnProperty.call(env, name)) {
      unresolved = true
      return ''
    }
    return env[name]
  })
  if (unresolved || value.includes('$')) return undefined
  return { kind: classifyUser(value).kind, value }
}

/**
 * The user the deployment runs the container as, when it names a non-root one (`--user 1001`, compose
 * `user:`, Kubernetes `runAsUser`): the image's own user then only matters where it runs undeclared.
 */
function deploymentNonRootUser(ctx: RuleContext): string | undefined {
  const user = ctx.profile.user
  if (user === undefined || user === '' || isRootUserFlag(user)) return undefined
  return user
}

/**
 * A root (or unresolved) image user that the deployment overrides with a non-root one: a note about the image,
 * and the deployment decides the verdict. Without a declared non-root user the hits keep their level.
 */
function runByDeployment(ctx: RuleContext, hits: RuleHit[]): RuleHit[] {
  const user = deploymentNonRootUser(ctx)
  if (user === undefined || hits.length === 0) return hits
  // The profile keeps the real value for the probe; what is shown is redacted.
  const shown = clip(redactValue(user), 100)
  const setting = sayUser(ctx, shown)
  return hits.map(hit => ({
    ...hit,
    level: 'note',
    message: `${hit.message} The deployment runs it as ${setting}, so the container does not start as root; the image's default user still applies wherever it runs without that setting.`,
    properties: { ...hit.properties, deployment_user: shown, overridden_by_deployment: true }
  }))
}

export const leastPrivilegeRules: Rule[] = [
  finalStageRunsAsRoot,
  userOnlyInBuilderStage,
  userNotNumeric,
  privilegedPortExposed,
  userUnresolved
]
