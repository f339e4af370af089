// Measured user-namespace mapping: where an escape would land on the host.
import type { Rule } from '../types'
import { canRegainBoundingSet, effectiveUid, measuredBasics } from './facts'

export const noUserNamespace: Rule = {
  meta: {
    id: 'LP540',
    name: 'no-user-namespace',
    principle: 'host-protection',
    evidence: 'measured',
    level: 'warning',
    securitySeverity: 5.0,
    title: 'Root in the container is root on the host (no user namespace)',
    description:
      'The probe read the identity uid_map (`0 0 4294967295`): container uids are host uids. It matters when the ' +
      'process is root, or can become root through a setuid binary with no_new_privs off: a container escape then ' +
      'lands as host root. A non-root process without that path is not reported: its escape lands as an ' +
      "unprivileged host uid. Always a warning, never an error: GitHub's hosted runners have no userns remapping, so " +
      'most CI measurements look like this.',
    fix: 'Run the process non-root; where you deploy, enable `userns-remap`, rootless Docker, or Kubernetes `hostUsers: false`.'
  },
  check({ probe, daemon, deployment }) {
    if (!probe || probe.userns.identity !== true) return []
    const uid = effectiveUid(probe)
    // `hostUsers: false` gives the pod its own user namespace on the cluster; Docker cannot make one for a
    // single container, so the probe ran without it. Say so, rather than claim root is host root there.
    if (deployment?.kubernetes?.hostUsers === false) {
      if (uid !== 0 && !canRegainBoundingSet(probe)) return []
      return [
        {
          message:
            'Measured without a user namespace, because Docker cannot give one container its own; the pod sets ' +
            'hostUsers: false, so on the cluster container root maps to an unprivileged host uid.',
          level: 'note',
          properties: { ...measuredBasics(probe), uid_map: probe.userns.uid_map, host_users: false }
        }
      ]
    }
    const optedOut =
      daemon && (daemon.userns || daemon.rootless)
        ? ' The daemon remaps users, so this container opted out (--userns=host).'
        : ''
    if (uid === 0) {
      return [
        {
          message: `uid 0 in the container is uid 0 on the host: the uid_map is the identity map, no user namespace.${optedOut}`,
          properties: { ...measuredBasics(probe), uid_map: probe.userns.uid_map }
        }
      ]
    }
    if (canRegainBoundingSet(probe)) {
      return [
        {
          message: `The process (uid ${uid}) can become root through a setuid binary, and root in the container is root on the host: no user namespace.${optedOut}`,
          properties: { ...measuredBasics(probe), uid_map: probe.userns.uid_map }
        }
      ]
    }
    return []
  }
}
