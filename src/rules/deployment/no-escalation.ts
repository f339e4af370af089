// Deployment flags that decide whether the process can gain privileges after start.
import type { Rule } from '../types'

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
  check({ profile, deployment }) {
    const value = profile.securityOpt.noNewPrivileges
    if (value === true) return []
    const platform = deployment?.platformDefaults['securityOpt.noNewPrivileges']
    const message = platform
      ? `No allowPrivilegeEscalation: false: ${platform}, so setuid binaries and file capabilities can still raise privileges.`
      : value === false
        ? '--security-opt no-new-privileges=false explicitly lets setuid binaries and file capabilities raise privileges.'
        : profile.declared
          ? 'no --security-opt no-new-privileges: setuid binaries and file capabilities can still raise privileges.'
          : "Docker's defaults do not set no-new-privileges: setuid binaries and file capabilities can still raise privileges."
    return [
      {
        field: 'securityOpt.noNewPrivileges',
        message,
        properties: { noNewPrivileges: value ?? null, ...(profile.declared ? {} : { defaults: true }) }
      }
    ]
  }
}
