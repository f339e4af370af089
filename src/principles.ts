// The five principles. Their slugs are a contract: SARIF tags, config keys and table rows use them.
export const PRINCIPLES = [
  'least-privilege',
  'runtime-hardening',
  'kernel-isolation',
  'no-escalation',
  'host-protection'
] as const

export type Principle = (typeof PRINCIPLES)[number]

export const PRINCIPLE_NAMES: Record<Principle, string> = {
  'least-privilege': 'Least Privilege',
  'runtime-hardening': 'Runtime Hardening',
  'kernel-isolation': 'Kernel Isolation',
  'no-escalation': 'No Escalation',
  'host-protection': 'Host Protection'
}

export const PRINCIPLE_MEANINGS: Record<Principle, string> = {
  'least-privilege': 'the process does not run as root',
  'runtime-hardening': 'only the capabilities it needs',
  'kernel-isolation': 'seccomp and an LSM confine it',
  'no-escalation': 'it cannot gain privileges later',
  'host-protection': 'an escape lands as an unprivileged host user'
}
