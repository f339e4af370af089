// Least Privilege, from the Dockerfile: the process the final image starts does not run as root.
import { isWindowsBaseImage } from '../../dockerfile/known-images'
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

/** True when the image is built on a Windows base, where uids and privileged ports do not apply. */
function isWindowsImage(model: DockerfileModel): boolean {
  const lineage = finalLineage(model)
  return isWindowsBaseImage(lineage[lineage.length - 1].baseImage)
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
      'The image that is shipped starts its process as root (uid 0). A bug or a compromised dependency then acts as root inside the container, and as root on the host after any container escape when user namespaces are not remapped. Only the final stage (or the --target stage) counts: builder stages may run as root.',
    fix: 'Add `USER <uid>:<gid>` (numeric, non-zero) as the last USER of the final stage, after creating that user.',
    hadolintEquivalents: ['DL3002']
  },
  check(ctx) {
    return runByDeployment(ctx, finalStageRootHits(ctx.model))
  }
}

function finalStageRootHits(model: DockerfileModel): RuleHit[] {
  const final = model.finalStage
  if (final.user.kind !== 'root') return []
  const users = lineageUsers(model)
  const last = users[users.length - 1]
  const properties: Record<string, unknown> = {
    user: clip(final.user.value ?? 'root'),
    source: final.user.source
  }
  if (!last) {
    const lineage = finalLineage(model)
    const origin = lineage[lineage.length - 1]
    // A chain may be 600,000 stages long: the message names the nearest few.
    const ancestors = lineage.slice(1, 11).map(stage => clip(stageLabel(stage), 100))
    const more = lineage.length > 11 ? ` and ${lineage.length - 11} more` : ''
    const chain =
      lineage.length > 1 ? ` (nor do the stages it builds on: ${ancestors.join(', ')}${more})` : ''
    if (final.user.source === 'scratch-default' || origin.baseImage.toLowerCase() === 'scratch') {
      return [
        {
          message: `The final stage runs as root: it starts FROM scratch and sets no USER${chain}. A scratch image has no default user, so its process runs as uid 0.`,
          properties: { ...properties, cause: 'scratch' }
        }
      ]
    }
    return [
      {
        message: `The final stage runs as root: it sets no USER${chain}, and its base image \`${clip(origin.baseImage)}\` is not known to run as non-root, so Docker's default, root, applies. The build and probe measure the real user.`,
        properties: { ...properties, cause: 'no-user', baseImage: clip(origin.baseImage) }
      }
    ]
  }
  const earlierNonRoot = users
    .slice(0, -1)
    .filter(user => user.kind === 'non-root')
    .pop()
  if (earlierNonRoot) {
    return [
      {
        message: `The final stage switches back to root: USER ${clip(last.raw)} on line ${last.line} comes after USER ${clip(earlierNonRoot.raw)} on line ${earlierNonRoot.line}, so the image runs as root.`,
        line: last.line,
        properties: { ...properties, cause: 'switched-back-to-root', nonRootLine: earlierNonRoot.line }
      }
    ]
  }
  if (last.stage.index === final.index) {
    return [
      {
        message: `The final stage runs as root: USER ${clip(last.raw)} on line ${last.line} is root.`,
        line: last.line,
        properties: { ...properties, cause: 'explicit-root' }
      }
    ]
  }
  return [
    {
      message: `The final stage runs as root, inherited from stage ${stageLabel(last.stage)}: USER ${clip(last.raw)} on line ${last.line} is root and the final stage sets no USER of its own.`,
      properties: {
        ...properties,
        cause: 'inherited-root',
        rootLine: last.line,
        fromStage: last.stage.index
      }
    }
  ]
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

function builderOnlyUserHits(model: DockerfileModel): RuleHit[] {
  if (model.finalStage.user.kind !== 'root') return []
  const lineage = new Set(finalLineage(model).map(stage => stage.index))
  for (const stage of model.stages) {
    if (lineage.has(stage.index)) continue
    const user = factsOf(stage).users.find(fact => fact.kind === 'non-root')
    if (!user) continue
    return [
      {
        message: `USER ${clip(user.raw)} is set only in stage ${stageLabel(stage)} (line ${user.line}), which does not reach the final image, so the final stage runs as root.`,
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
