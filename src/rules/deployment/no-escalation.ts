// Deployment flags that decide whether the process can gain privileges after start.
import type { Rule } from '../types'
import { noDeploymentDeclared, say, subjectOf } from './vocabulary'

export const noNewPrivilegesNotSet: Rule = {
  meta: {
    id: 'LP420',
    name: 'no-new-privileges-not-set',
    principle: 'no-escalation',
    evidence: 'deployment',
    level: 'warning',
    securitySeverity: 5.5,
    title: 'no-new-privileges is not set',
    description:
      'Without `no-new-privileges` a process can gain privileges by executing a setuid-root binary (su, sudo, passwd, ' +
      "mount) or a binary with file capabilities: a non-root user regains the container's whole bounding set. With it, " +
      'the kernel ignores setuid bits and file capabilities. It maps to Kubernetes `allowPrivilegeEscalation: false`. ' +
      'A daemon-wide `no-new-privileges` in daemon.json is not visible here; the measured rule LP440 sees it.',
    fix: 'Add `--security-opt no-new-privileges` (Kubernetes: `allowPrivilegeEscalation: false`).'
  },
  check(ctx) {
    const { profile, deployment } = ctx
    const value = profile.securityOpt.noNewPrivileges
    // With no deployment declared, LP200 names this default once.
    if (value === true || noDeploymentDeclared(ctx)) return []
    const platform = deployment?.platformDefaults['securityOpt.noNewPrivileges']
    const message = platform
      ? `No ${say(ctx, 'noNewPrivileges')}: ${platform}, so setuid binaries and file capabilities can still raise privileges.`
      : value === false
        ? `${say(ctx, 'noNewPrivilegesFalse')} explicitly lets setuid binaries and file capabilities raise privileges.`
        : `${subjectOf(ctx)} does not set ${say(ctx, 'noNewPrivileges')}: setuid binaries and file capabilities can still raise privileges.`
    return [
      {
        field: 'securityOpt.noNewPrivileges',
        message,
        properties: { noNewPrivileges: value ?? null }
      }
    ]
  }
}
