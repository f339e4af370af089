// A passing candidate as a compose service snippet and a Kubernetes container securityContext. Pure.
import { sortCaps } from '../profile/capabilities'
import { isRootUser, tmpfsValues, type Candidate } from './candidate'

/** A YAML scalar that reads back as the same string (quoted unless plainly safe). */
function scalar(value: string): string {
  return /^[A-Za-z_/][\w./-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value)
    ? value
    : JSON.stringify(value)
}

function list(key: string, items: string[], indent = ''): string[] {
  return items.length ? [`${indent}${key}:`, ...items.map(i => `${indent}  - ${scalar(i)}`)] : []
}

export function composeSnippet(c: Candidate): string {
  const lines = [
    ...list('cap_drop', ['ALL']),
    ...list('cap_add', sortCaps([...c.caps])),
    ...list('security_opt', ['no-new-privileges:true']),
    ...(c.readOnly ? ['read_only: true', ...list('tmpfs', tmpfsValues(c))] : []),
    ...(c.user !== undefined ? [`user: ${JSON.stringify(c.user)}`] : []),
    ...c.hostNamespaces.map(ns => (ns === 'network' ? 'network_mode: host' : `${ns}: host`))
  ]
  return `${lines.join('\n')}\n`
}

/** uid and gid of a numeric `--user`; undefined for names (Kubernetes needs numbers). */
function numericUser(user: string | undefined): { uid?: number; gid?: number } {
  if (user === undefined) return {}
  const m = /^(\d+)(?::(\d+))?$/.exec(user)
  if (!m) return {}
  return { uid: Number(m[1]), ...(m[2] !== undefined ? { gid: Number(m[2]) } : {}) }
}

/** A kept root user is said as runAsUser: 0, so the cluster's runAsNonRoot defaults do not reject it. */
export function kubernetesSnippet(c: Candidate): string {
  const { uid, gid } = numericUser(c.user)
  const root = c.user === undefined ? c.imageUserRoot : isRootUser(c.user)
  const lines = [
    'securityContext:',
    '  allowPrivilegeEscalation: false',
    `  readOnlyRootFilesystem: ${c.readOnly}`
  ]
  if (root) lines.push('  runAsNonRoot: false', '  runAsUser: 0')
  else {
    lines.push('  runAsNonRoot: true')
    if (uid !== undefined) lines.push(`  runAsUser: ${uid}`)
    if (gid !== undefined) lines.push(`  runAsGroup: ${gid}`)
  }
  lines.push(
    '  capabilities:',
    ...list('drop', ['ALL'], '    '),
    ...list('add', sortCaps([...c.caps]), '    ')
  )
  lines.push(
    '  seccompProfile:',
    '    type: RuntimeDefault',
    '  appArmorProfile:',
    '    type: RuntimeDefault'
  )
  if (c.readOnly && c.writable.length)
    lines.push(`# writable paths: mount an emptyDir volume at ${[...c.writable].sort().join(', ')}`)
  // Pod-level fields, not securityContext ones; Kubernetes has no host UTS namespace switch.
  const pod = c.hostNamespaces.flatMap(
    ns => ({ pid: ['hostPID'], ipc: ['hostIPC'], network: ['hostNetwork'], uts: [] })[ns]
  )
  if (pod.length) lines.push(`# pod spec: ${pod.map(k => `${k}: true`).join(', ')}`)
  return `${lines.join('\n')}\n`
}
