// Hand-written rule metadata for report tests (the real registry lives in src/rules/). One or more rules per
// principle, with the ids, levels and severities the reporters must carry through unchanged.
import type { RuleMeta } from '../../src/rules/types'

export const fixtureRules: RuleMeta[] = [
  {
    id: 'LP101',
    name: 'final-stage-runs-as-root',
    principle: 'least-privilege',
    evidence: 'dockerfile',
    level: 'error',
    securitySeverity: 8,
    title: 'The final stage runs as root',
    description:
      'The image that ships runs its process as uid 0. A compromise of the process is a compromise of root inside the container.',
    fix: 'Add `USER 10001:10001` (a numeric non-root user) at the end of the final stage.',
    hadolintEquivalents: ['DL3002']
  },
  {
    id: 'LP103',
    name: 'named-user-not-verifiable',
    principle: 'least-privilege',
    evidence: 'dockerfile',
    level: 'note',
    securitySeverity: 2,
    title: 'USER names a user instead of a uid',
    description: 'Kubernetes runAsNonRoot cannot verify a named user; it needs a numeric uid.',
    fix: 'Use the numeric uid, e.g. `USER 10001`.'
  },
  {
    id: 'LP201',
    name: 'no-cap-drop-all',
    principle: 'runtime-hardening',
    evidence: 'deployment',
    level: 'warning',
    securitySeverity: 5.5,
    title: 'Capabilities are not dropped',
    description: 'Docker grants 14 capabilities by default; most workloads need none of them.',
    fix: 'Run with `--cap-drop ALL` and add back only what is needed.'
  },
  {
    id: 'LP202',
    name: 'dangerous-capability-measured',
    principle: 'runtime-hardening',
    evidence: 'measured',
    level: 'error',
    securitySeverity: 9.1,
    title: 'The container holds a dangerous capability',
    description: 'The probe measured a capability that allows escaping or controlling the host.',
    fix: 'Remove the `--cap-add` for it, or `--privileged`.'
  },
  {
    id: 'LP301',
    name: 'seccomp-unconfined',
    principle: 'kernel-isolation',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 7.5,
    title: 'Seccomp is disabled',
    description: 'Without seccomp the whole kernel syscall surface is reachable.',
    fix: 'Drop `--security-opt seccomp=unconfined`.'
  },
  {
    id: 'LP401',
    name: 'setuid-bit-set',
    principle: 'no-escalation',
    evidence: 'dockerfile',
    level: 'warning',
    securitySeverity: 6,
    title: 'A setuid or setgid bit is set',
    description: 'setuid binaries let a non-root process become root.',
    fix: 'Remove the `chmod u+s`; grant a file capability or restructure instead.'
  },
  {
    id: 'LP402',
    name: 'sudo-installed',
    principle: 'no-escalation',
    evidence: 'dockerfile',
    level: 'warning',
    securitySeverity: 6.5,
    title: 'sudo is installed',
    description: 'sudo in an image is a ready-made path back to root.',
    fix: 'Do not install sudo; run the steps that need root before `USER`.'
  },
  {
    id: 'LP403',
    name: 'no-new-privileges-missing',
    principle: 'no-escalation',
    evidence: 'deployment',
    level: 'warning',
    securitySeverity: 4.5,
    title: 'no-new-privileges is not set',
    description: 'Without no_new_privs, setuid binaries and file capabilities still raise privileges.',
    fix: 'Run with `--security-opt no-new-privileges`.'
  },
  {
    id: 'LP501',
    name: 'docker-socket-mounted',
    principle: 'host-protection',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 10,
    title: 'The Docker socket is mounted',
    description: 'Access to docker.sock is root on the host.',
    fix: 'Do not mount `/var/run/docker.sock`.'
  },
  {
    id: 'LP502',
    name: 'no-userns-remap',
    principle: 'host-protection',
    evidence: 'measured',
    level: 'warning',
    securitySeverity: 3.5,
    title: 'No user namespace remapping',
    description: 'uid 0 in the container is uid 0 on the host.',
    fix: 'Enable userns-remap on the daemon or use rootless Docker.'
  }
]
