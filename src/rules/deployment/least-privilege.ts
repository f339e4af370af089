// Deployment flags that decide who the process runs as.
import { redactValue } from '../../profile/redact'
import type { Rule } from '../types'

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
  check({ profile, model }) {
    if (profile.user === undefined || !isRootUserFlag(profile.user)) return []
    const imageUser = model.finalStage.user
    const overrides = imageUser.kind === 'non-root'
    const name = imageUser.value ?? imageUser.raw
    // The profile keeps the real value for the probe; a token in it (`root:<token>`) is never shown.
    const user = redactValue(profile.user)
    const message = overrides
      ? `--user ${user} runs the container as root, overriding the image's non-root user${name ? ` ${name}` : ''}.`
      : `--user ${user} runs the container as root.`
    return [
      {
        message,
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
