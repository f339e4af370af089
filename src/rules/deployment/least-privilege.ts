// Deployment flags that decide who the process runs as.
import { kubeletRefusal } from '../../deployment/kubernetes/refusal'
import { redactValue } from '../../profile/redact'
import type { Rule, RuleContext } from '../types'
import { sayUser } from './vocabulary'

/** `root`, `0`, `00`, `0:0`, `root:docker`: the user part names uid 0. */
export function isRootUserFlag(user: string): boolean {
  const name = user.split(':')[0]
  return name === 'root' || /^0+$/.test(name)
}

export const runtimeUserRoot: Rule = {
  meta: {
    id: 'LP120',
    name: 'runtime-user-root',
    principle: 'least-privilege',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 8.0,
    title: 'The deployment runs the container as root with --user',
    description:
      'A `--user 0` or `--user root` flag overrides the image: the process runs as uid 0 with every capability ' +
      "in the container's bounding set, whatever USER the Dockerfile chose. Any bug in the process is then a root " +
      'compromise of the container and a short step from the host.',
    fix: 'Drop `--user root`/`--user 0`, or pass the non-root uid the image was built for, e.g. `--user 1001:1001`.'
  },
  check(ctx) {
    const { profile, model } = ctx
    if (profile.user === undefined || !isRootUserFlag(profile.user)) return []
    const imageUser = model.finalStage.user
    const overrides = imageUser.kind === 'non-root'
    const name = imageUser.value ?? imageUser.raw
    // The profile keeps the real value for the probe; a token in it (`root:<token>`) is never shown.
    const user = redactValue(profile.user)
    const setting = sayUser(ctx, user)
    const message = overrides
      ? `${setting} runs the container as root, overriding the image's non-root user${name ? ` ${name}` : ''}.`
      : `${setting} runs the container as root.`
    return [
      {
        message,
        field: 'user',
        ...(overrides && imageUser.line ? { line: imageUser.line } : {}),
        properties: {
          flag: `--user ${user}`,
          imageUser: imageUser.value ?? null,
          imageUserKind: imageUser.kind
        }
      }
    ]
  }
}

/**
 * The image's `User` as the container runtime reads it: the inspected Config.User when the image was
 * built, else the Dockerfile's final USER (expanded); `''` for no USER on scratch; undefined when unknown.
 */
function imageUserOf(ctx: RuleContext): string | undefined {
  if (ctx.image) return ctx.image.user
  const user = ctx.model.finalStage.user
  if (user.kind === 'unknown') return undefined
  if (user.source === 'scratch-default') return ''
  if (user.source === 'base-image-default') return undefined
  return user.value
}

export const kubeletRefusesNonRoot: Rule = {
  meta: {
    id: 'LP121',
    name: 'kubelet-refuses-run-as-non-root',
    principle: 'least-privilege',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 5.0,
    title: 'The kubelet refuses to start the container: runAsNonRoot cannot be verified for this image',
    description:
      '`runAsNonRoot: true` asks the kubelet to check, when it creates the container, that it will not run as uid 0. ' +
      'Without `runAsUser` it checks the image: no USER (root), `USER 0`, or a user name it cannot verify ' +
      '(`USER app`) makes it refuse, and the pod stays in CreateContainerConfigError: the deployment never runs.',
    fix: 'Set `runAsUser` to a non-zero uid in the securityContext, or give the image a numeric non-root `USER 10001:10001`.'
  },
  check(ctx) {
    const { deployment } = ctx
    if (!deployment?.kubernetes?.runAsNonRoot) return []
    const imageUser = imageUserOf(ctx)
    const refusal = kubeletRefusal(deployment, imageUser)
    if (!refusal) return []
    return [
      {
        field: 'runAsNonRoot',
        message: `The kubelet will refuse to start ${deployment.name}: ${refusal}.`,
        properties: {
          refusal,
          imageUser: imageUser ?? null,
          imageUserFrom: ctx.image ? 'image' : 'dockerfile',
          runAsUser: deployment.kubernetes.runAsUser ?? null
        }
      }
    ]
  }
}
