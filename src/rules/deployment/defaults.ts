// With no deployment declared, the deployment is Docker's defaults: said once per image, as a note, instead
// of a warning per default on every Dockerfile that nobody could fix in the file it points at.
import { DOCKER_DEFAULT_CAPS } from '../../profile/capabilities'
import type { Principle } from '../../principles'
import type { Rule } from '../types'
import { noDeploymentDeclared } from './vocabulary'

/** The principles whose verdict rests on Docker's defaults when nothing is declared (the table shows them as warn). */
export const ASSUMED_PRINCIPLES: readonly Principle[] = ['runtime-hardening', 'no-escalation']

export const dockerDefaultsAssumed: Rule = {
  meta: {
    id: 'LP200',
    name: 'docker-defaults-assumed',
    principle: 'runtime-hardening',
    evidence: 'deployment',
    level: 'note',
    securitySeverity: 3.0,
    title: "No deployment is declared: Docker's defaults are assumed",
    description:
      'Nothing says how this image runs: no run-options, no compose service and no Kubernetes container names it. ' +
      `It is judged (and probed) under Docker's defaults: ${DOCKER_DEFAULT_CAPS.length} capabilities kept, ` +
      "no-new-privileges off, the daemon's default seccomp and AppArmor profiles, the image's own user. Those " +
      'defaults are not the hardened deployment most images need, but they are not written in the Dockerfile either, ' +
      'so this is one note per image rather than a finding per default. Runtime Hardening and No Escalation show ' +
      '"Docker defaults assumed" (warn) in the table until a deployment is declared.',
    fix: 'Declare the deployment: `run-options` (`--cap-drop ALL --security-opt no-new-privileges`), a compose file, or a Kubernetes manifest, in the scanned folders or named as a deployment file.'
  },
  check(ctx) {
    if (!noDeploymentDeclared(ctx)) return []
    const measured = ctx.probe
      ? {
          measured: {
            no_new_privs: ctx.probe.no_new_privs.value,
            cap_bnd: ctx.probe.capabilities.sets.bounding.raw,
            cap_eff: ctx.probe.capabilities.sets.effective.raw,
            seccomp: ctx.probe.seccomp.mode
          }
        }
      : {}
    const nnp =
      ctx.probe?.no_new_privs.value === true
        ? ' (measured on: the daemon sets no-new-privileges for every container)'
        : ''
    return [
      {
        message:
          `No deployment declared: judged under Docker's defaults (${DOCKER_DEFAULT_CAPS.length} default capabilities kept, ` +
          `no-new-privileges off${nnp}, default seccomp and AppArmor profiles, the image's own user). Declare how it runs ` +
          'with run-options, a compose file or a Kubernetes manifest to judge the real deployment.',
        properties: {
          assumed_principles: [...ASSUMED_PRINCIPLES],
          assumed: {
            capabilities: [...DOCKER_DEFAULT_CAPS],
            no_new_privileges: false,
            seccomp: 'default',
            apparmor: 'default',
            user: 'image'
          },
          ...measured
        }
      }
    ]
  }
}
