// Which host paths a bind mount must not expose. Kept as data so docs/rules/LP521.md and LP522.md can
// list exactly what is checked.

import { posix } from 'node:path'

/** Socket file names of container engines: whoever can connect to one is root on the host. */
export const RUNTIME_SOCKET_NAMES = [
  'docker.sock',
  'containerd.sock',
  'podman.sock',
  'crio.sock',
  'cri-dockerd.sock',
  'dockershim.sock',
  'buildkitd.sock'
]

/** Directories that hold those sockets (binding the directory exposes the socket inside). */
export const RUNTIME_SOCKET_DIRS = [
  '/run',
  '/var/run',
  '/run/docker',
  '/var/run/docker',
  '/run/containerd',
  '/var/run/containerd',
  '/run/podman',
  '/var/run/podman',
  '/run/crio',
  '/var/run/crio',
  '/run/buildkit'
]

/** The path itself or anything below it is sensitive. */
export const SENSITIVE_TREES = [
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/var/log',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/containers',
  '/var/lib/kubelet'
]

/** Sensitive as a whole, not every path below (a project folder under /home is fine). */
export const SENSITIVE_EXACT = ['/home', '/var', '/var/lib', '/opt', '/srv', '/mnt', '/media']

/** Credential folders and files under any home directory. */
export const CREDENTIAL_SEGMENTS = [
  '.ssh',
  '.docker',
  '.kube',
  '.aws',
  '.azure',
  '.gnupg',
  '.netrc',
  '.config/gcloud'
]

/** Harmless when read-only: time zone and CA certificates are commonly shared with the host. */
export const BENIGN_READ_ONLY = [
  '/etc/localtime',
  '/etc/timezone',
  '/usr/share/zoneinfo',
  '/etc/ssl/certs',
  '/etc/pki/ca-trust',
  '/etc/ca-certificates',
  '/usr/share/ca-certificates'
]

/** `/var//run/./docker.sock/` -> `/var/run/docker.sock`; relative paths stay relative. */
export function normaliseHostPath(path: string): string {
  const normal = posix.normalize(path)
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal
}

function under(path: string, tree: string): boolean {
  return path === tree || path.startsWith(`${tree}/`)
}

/** Why this bind source exposes a container engine's API, or undefined. */
export function runtimeSocketExposure(source: string): string | undefined {
  if (!source.startsWith('/')) return undefined
  const path = normaliseHostPath(source)
  const name = posix.basename(path)
  if (RUNTIME_SOCKET_NAMES.includes(name)) return `the ${name} socket`
  if (RUNTIME_SOCKET_DIRS.includes(path)) return `${path}, which holds the engine's socket`
  if (/^\/run\/user\/\d+$/.test(path)) return `${path}, which holds a rootless engine's socket`
  return undefined
}

export interface SensitivePath {
  path: string
  /** True for `/` itself: read-only does not make it acceptable. */
  hostRoot: boolean
  why: string
}

/** Why this bind source is a sensitive host path, or undefined. */
export function sensitiveHostPath(source: string, readOnly: boolean): SensitivePath | undefined {
  if (!source.startsWith('/')) return undefined
  const path = normaliseHostPath(source)
  if (path === '/') return { path, hostRoot: true, why: "the host's whole filesystem" }
  if (readOnly && BENIGN_READ_ONLY.some(p => under(path, p))) return undefined
  const tree = SENSITIVE_TREES.find(t => under(path, t))
  if (tree) return { path, hostRoot: false, why: `${tree} of the host` }
  if (SENSITIVE_EXACT.includes(path)) return { path, hostRoot: false, why: `all of the host's ${path}` }
  if (/^\/home\/[^/]+$/.test(path)) return { path, hostRoot: false, why: "a user's whole home folder" }
  const credential = CREDENTIAL_SEGMENTS.find(seg => path.includes(`/${seg}/`) || path.endsWith(`/${seg}`))
  if (credential) return { path, hostRoot: false, why: `credentials (${credential})` }
  return undefined
}
