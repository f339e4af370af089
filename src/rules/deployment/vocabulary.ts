// How a setting is written where the deployment is declared: a finding about a Kubernetes container names
// `allowPrivilegeEscalation: false`, one about a compose service `security_opt: [no-new-privileges:true]`,
// and one about run-options the `docker run` flag, so the message reads like the file the fix goes in.
import type { RuleContext } from '../types'

/** A `LABEL RUN=` command is written in docker run flags. */
export type Dialect = 'run-options' | 'compose' | 'kubernetes'

export function dialectOf(ctx: Pick<RuleContext, 'deployment'>): Dialect {
  const source = ctx.deployment?.source
  return source === 'compose' || source === 'kubernetes' ? source : 'run-options'
}

type Phrases = Record<Dialect, string>

const PHRASES = {
  privileged: {
    'run-options': '--privileged',
    compose: 'privileged: true',
    kubernetes: 'securityContext.privileged: true'
  },
  dropAll: {
    'run-options': '--cap-drop=ALL',
    compose: 'cap_drop: [ALL]',
    kubernetes: 'capabilities.drop: [ALL]'
  },
  noNewPrivileges: {
    'run-options': '--security-opt no-new-privileges',
    compose: 'security_opt: [no-new-privileges:true]',
    kubernetes: 'allowPrivilegeEscalation: false'
  },
  noNewPrivilegesFalse: {
    'run-options': '--security-opt no-new-privileges=false',
    compose: 'security_opt: [no-new-privileges:false]',
    kubernetes: 'allowPrivilegeEscalation: true'
  },
  seccompUnconfined: {
    'run-options': '--security-opt seccomp=unconfined',
    compose: 'security_opt: [seccomp:unconfined]',
    kubernetes: 'seccompProfile.type: Unconfined'
  },
  apparmorUnconfined: {
    'run-options': '--security-opt apparmor=unconfined',
    compose: 'security_opt: [apparmor:unconfined]',
    kubernetes: 'appArmorProfile.type: Unconfined'
  },
  usernsHost: {
    'run-options': '--userns=host',
    compose: 'userns_mode: host',
    kubernetes: 'hostUsers: true'
  }
} satisfies Record<string, Phrases>

export type Phrase = keyof typeof PHRASES

/** The phrase for `key` in the deployment's own syntax. */
export function say(ctx: Pick<RuleContext, 'deployment'>, key: Phrase): string {
  return PHRASES[key][dialectOf(ctx)]
}

/** `--cap-add NET_ADMIN` / `cap_add: [NET_ADMIN]` / `capabilities.add: [NET_ADMIN]`. */
export function sayCapAdd(ctx: Pick<RuleContext, 'deployment'>, caps: readonly string[]): string {
  const list = caps.join(', ')
  switch (dialectOf(ctx)) {
    case 'compose':
      return `cap_add: [${list}]`
    case 'kubernetes':
      return `capabilities.add: [${list}]`
    default:
      return caps.map(cap => `--cap-add ${cap}`).join(' ')
  }
}

/** `--user 0` / `user: "0"` / `runAsUser: 0`. */
export function sayUser(ctx: Pick<RuleContext, 'deployment'>, user: string): string {
  switch (dialectOf(ctx)) {
    case 'compose':
      return `user: ${JSON.stringify(user)}`
    case 'kubernetes':
      return `runAsUser: ${user.split(':')[0]}`
    default:
      return `--user ${user}`
  }
}

const NAMESPACE_PHRASES: Record<string, Partial<Phrases>> = {
  pid: { 'run-options': '--pid=host', compose: 'pid: host', kubernetes: 'hostPID: true' },
  ipc: { 'run-options': '--ipc=host', compose: 'ipc: host', kubernetes: 'hostIPC: true' },
  network: {
    'run-options': '--network=host',
    compose: 'network_mode: host',
    kubernetes: 'hostNetwork: true'
  },
  uts: { 'run-options': '--uts=host', compose: 'uts: host' },
  cgroupns: { 'run-options': '--cgroupns=host', compose: 'cgroup: host' }
}

/** How a host namespace is joined in the deployment's syntax (falls back to the docker run flag). */
export function sayHostNamespace(ctx: Pick<RuleContext, 'deployment'>, namespace: string): string {
  const phrases = NAMESPACE_PHRASES[namespace]
  return phrases?.[dialectOf(ctx)] ?? phrases?.['run-options'] ?? `--${namespace}=host`
}

/** "the deployment" / "this compose service" / "this Kubernetes container", for sentences. */
export function subjectOf(ctx: Pick<RuleContext, 'deployment' | 'profile'>): string {
  switch (ctx.deployment?.source) {
    case 'compose':
      return 'The compose service'
    case 'kubernetes':
      return 'The Kubernetes container'
    case 'label':
      return "The image's LABEL RUN"
    default:
      return ctx.profile.declared ? 'The deployment' : "Docker's defaults"
  }
}

/** True when nothing declares how the image runs: judged under Docker's defaults (LP200 says so once). */
export function noDeploymentDeclared(ctx: Pick<RuleContext, 'deployment' | 'profile'>): boolean {
  return ctx.deployment === undefined && !ctx.profile.declared
}
