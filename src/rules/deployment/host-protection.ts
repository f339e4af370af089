// Deployment flags that join host namespaces or hand host resources (sockets, paths) to the container.
import type { Rule, RuleHit } from '../types'
import { runtimeSocketExposure, sensitiveHostPath } from './host-paths'
import { say, sayHostNamespace } from './vocabulary'

const NAMESPACES = [
  {
    key: 'pid',
    flag: '--pid',
    why: 'sees every host process and can signal them (and ptrace them with SYS_PTRACE)',
    level: 'error'
  },
  {
    key: 'network',
    flag: '--network',
    why: "shares the host's network stack: services bound to the host's 127.0.0.1, and the host firewall with NET_ADMIN",
    level: 'error'
  },
  { key: 'ipc', flag: '--ipc', why: "shares the host's SysV IPC objects and /dev/shm", level: 'error' },
  {
    key: 'uts',
    flag: '--uts',
    why: "shares the host's hostname, which it can change with SYS_ADMIN",
    level: 'warning'
  },
  { key: 'cgroupns', flag: '--cgroupns', why: "sees the host's whole cgroup tree", level: 'warning' }
] as const

export const hostNamespaceShared: Rule = {
  meta: {
    id: 'LP520',
    name: 'host-namespace-shared',
    principle: 'host-protection',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 8.0,
    title: 'The container shares a host namespace',
    description:
      'Namespaces are what makes a container see only itself. `--pid=host` shows it every host process, ' +
      "`--network=host` the host's network stack (including services listening only on 127.0.0.1), `--ipc=host` the " +
      "host's shared memory. `--uts=host` and `--cgroupns=host` are reported as warnings: they leak less.",
    fix: 'Remove `--pid/--ipc/--network/--uts=host`; publish ports with `-p` instead of `--network=host`.'
  },
  check(ctx) {
    return NAMESPACES.filter(ns => ctx.profile[ns.key] === 'host').map(ns => ({
      field: ns.key,
      message: `${sayHostNamespace(ctx, ns.key)}: the container ${ns.why}.`,
      level: ns.level,
      properties: { flag: `${ns.flag}=host`, namespace: ns.key }
    }))
  }
}

export const dockerSocketMounted: Rule = {
  meta: {
    id: 'LP521',
    name: 'docker-socket-mounted',
    principle: 'host-protection',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 9.5,
    title: "A container engine's socket is mounted into the container",
    description:
      'Whoever can talk to the Docker (or containerd, Podman, CRI-O, BuildKit) socket can start a privileged container ' +
      "with the host's / mounted: that is root on the host. A read-only mount does not help, because connecting to a " +
      'socket is not a write. Binding /run or /var/run exposes the socket too.',
    fix: 'Remove the socket mount; if the workload must drive Docker, use a narrowly scoped API proxy or a rootless daemon.'
  },
  check({ profile }) {
    const hits: RuleHit[] = []
    for (const [index, mount] of profile.mounts.entries()) {
      if (mount.type !== 'bind') continue
      const exposure = runtimeSocketExposure(mount.source)
      if (!exposure) continue
      hits.push({
        field: `mounts:${index}`,
        message: `${mount.flag} mounts ${exposure} into the container: control of it is root on the host${mount.readOnly ? ' (read-only does not stop connecting to a socket)' : ''}.`,
        properties: { flag: mount.flag, source: mount.source, target: mount.target, readOnly: mount.readOnly }
      })
    }
    return hits
  }
}

export const sensitiveHostPathMounted: Rule = {
  meta: {
    id: 'LP522',
    name: 'sensitive-host-path-mounted',
    principle: 'host-protection',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 8.5,
    title: 'A sensitive host path is mounted into the container',
    description:
      "Bind-mounting the host's /, /etc, /proc, /sys, /dev, /boot, /root, /usr, /var/log, /var/lib/docker (and other " +
      'engine state), a whole home folder or a credentials folder (.ssh, .docker, .kube, .aws ...) hands host files to ' +
      'the container: writing them is a host compromise, reading them leaks secrets. Read-only lowers this to a ' +
      "warning, except for the host's / itself.",
    fix: 'Mount only the folder the workload needs (read-only where possible), or use a named volume.'
  },
  check({ profile }) {
    const hits: RuleHit[] = []
    for (const [index, mount] of profile.mounts.entries()) {
      if (mount.type !== 'bind' || runtimeSocketExposure(mount.source)) continue
      const sensitive = sensitiveHostPath(mount.source, mount.readOnly)
      if (!sensitive) continue
      const access = mount.readOnly ? 'read-only' : 'writable'
      hits.push({
        field: `mounts:${index}`,
        message: `${mount.flag} mounts ${sensitive.why} (${sensitive.path}, ${access}) into the container.`,
        level: mount.readOnly && !sensitive.hostRoot ? 'warning' : 'error',
        properties: {
          flag: mount.flag,
          source: sensitive.path,
          target: mount.target,
          readOnly: mount.readOnly
        }
      })
    }
    return hits
  }
}

export const hostUserNamespace: Rule = {
  meta: {
    id: 'LP523',
    name: 'host-user-namespace',
    principle: 'host-protection',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 7.0,
    title: 'The container opts out of user-namespace remapping with --userns=host',
    description:
      'On a daemon with `userns-remap` (or rootless Docker), uid 0 in a container is an unprivileged uid on the host. ' +
      '`--userns=host` opts this container out, so its root is the host root again.',
    fix: 'Remove `--userns=host`.'
  },
  check(ctx) {
    const { profile, daemon } = ctx
    if (profile.userns !== 'host') return []
    const remapped = daemon ? daemon.userns || daemon.rootless : undefined
    const note =
      remapped === false
        ? ' This daemon does not remap users, so today it changes nothing; it defeats remapping where enabled.'
        : ''
    return [
      {
        field: 'userns',
        message: `${say(ctx, 'usernsHost')} makes root in the container the host's root.${note}`,
        properties: { flag: '--userns=host', daemonRemaps: remapped ?? null }
      }
    ]
  }
}
