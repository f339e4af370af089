// Deployment flags that turn the kernel's confinement (seccomp, AppArmor, SELinux) off.
import { labelDisablesSelinux } from '../../profile/security-opt'
import type { Rule, RuleHit } from '../types'
import { say } from './vocabulary'

export const seccompUnconfined: Rule = {
  meta: {
    id: 'LP320',
    name: 'seccomp-unconfined',
    principle: 'kernel-isolation',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 8.0,
    title: 'Seccomp is turned off with --security-opt seccomp=unconfined',
    description:
      "Docker's default seccomp profile blocks about 50 system calls that containers do not need and that are the " +
      'usual way into kernel bugs (keyctl, bpf, userfaultfd, unshare of new namespaces, mount, kexec ...). ' +
      '`seccomp=unconfined` removes that filter, leaving the whole kernel attack surface open.',
    fix: 'Remove `--security-opt seccomp=unconfined`; if one syscall is missing, use a custom profile that allows just it.'
  },
  check(ctx) {
    const { profile, deployment } = ctx
    const hits: RuleHit[] = []
    // Privileged containers run without seccomp (and without the LSM profile) whatever profile is named, in
    // Docker and in Kubernetes' runtimes alike: Kernel Isolation fails with them, statically as measured.
    if (profile.privileged) {
      const named = profile.securityOpt.seccomp !== undefined && profile.securityOpt.seccomp !== 'unconfined'
      hits.push({
        field: 'privileged',
        message: `${say(ctx, 'privileged')} turns seccomp and AppArmor/SELinux confinement off${named ? '; the seccomp profile it names is ignored' : ''}.`,
        properties: { flag: say(ctx, 'privileged'), cause: 'privileged' }
      })
    }
    // An unconfined seccomp setting is a second cause: removing privileged alone would still leave it off.
    if (profile.securityOpt.seccomp !== 'unconfined') return hits
    // Kubernetes' own default when seccompProfile is absent: say so, and point at the container.
    const platform = deployment?.platformDefaults['securityOpt.seccomp']
    hits.push({
      field: 'securityOpt.seccomp',
      message: platform
        ? `No seccompProfile: ${platform}; the system-call filter is off (set seccompProfile.type: RuntimeDefault).`
        : `${say(ctx, 'seccompUnconfined')} turns the system-call filter off.`,
      properties: {
        flag: '--security-opt seccomp=unconfined',
        ...(platform ? { platformDefault: true } : {})
      }
    })
    return hits
  }
}

export const lsmUnconfined: Rule = {
  meta: {
    id: 'LP321',
    name: 'lsm-unconfined',
    principle: 'kernel-isolation',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 7.5,
    title: 'AppArmor or SELinux confinement is turned off',
    description:
      'On hosts with AppArmor (Ubuntu, Debian) Docker confines containers with the `docker-default` profile; on SELinux ' +
      'hosts (Fedora, RHEL) with the `container_t` type. `apparmor=unconfined`, `label=disable` and `label=type:spc_t` ' +
      'remove that layer, which blocks writes to /proc and /sys and mounts that lead out of the container.',
    fix: 'Remove `--security-opt apparmor=unconfined` / `label=disable`; write a narrower profile if the default blocks something.'
  },
  check(ctx) {
    const { profile } = ctx
    const hits: RuleHit[] = []
    if (profile.securityOpt.apparmor === 'unconfined') {
      hits.push({
        field: 'securityOpt.apparmor',
        message: `${say(ctx, 'apparmorUnconfined')} turns AppArmor confinement off.`,
        properties: { flag: '--security-opt apparmor=unconfined' }
      })
    }
    for (const label of profile.securityOpt.labels.filter(labelDisablesSelinux)) {
      hits.push({
        field: 'securityOpt.labels',
        message: `--security-opt label=${label} turns SELinux confinement off.`,
        properties: { flag: `--security-opt label=${label}` }
      })
    }
    return hits
  }
}
