// The `docker run` flags run-options understands: which take a value, and their short forms.
// Flags that matter for privilege are applied by ./parse.ts; the rest are accepted and ignored, but the
// table must still know whether they take a value, or the next word would be misread.

export type FlagArity = 'bool' | 'value'

/** Flags that change what the container may do. */
export const PRIVILEGE_FLAGS: Readonly<Record<string, FlagArity>> = {
  user: 'value',
  'group-add': 'value',
  privileged: 'bool',
  'cap-add': 'value',
  'cap-drop': 'value',
  'security-opt': 'value',
  userns: 'value',
  pid: 'value',
  ipc: 'value',
  network: 'value',
  net: 'value',
  uts: 'value',
  cgroupns: 'value',
  'read-only': 'bool',
  device: 'value',
  'device-cgroup-rule': 'value',
  volume: 'value',
  mount: 'value',
  tmpfs: 'value',
  sysctl: 'value',
  init: 'bool',
  'use-api-socket': 'bool'
}

/** Common flags with no bearing on privilege: accepted, ignored. */
export const IGNORED_FLAGS: Readonly<Record<string, FlagArity>> = {
  // booleans
  detach: 'bool',
  interactive: 'bool',
  tty: 'bool',
  rm: 'bool',
  'publish-all': 'bool',
  quiet: 'bool',
  'sig-proxy': 'bool',
  'oom-kill-disable': 'bool',
  'no-healthcheck': 'bool',
  'disable-content-trust': 'bool',
  // with a value
  'add-host': 'value',
  annotation: 'value',
  attach: 'value',
  'blkio-weight': 'value',
  'blkio-weight-device': 'value',
  'cgroup-parent': 'value',
  cidfile: 'value',
  'cpu-count': 'value',
  'cpu-percent': 'value',
  'cpu-period': 'value',
  'cpu-quota': 'value',
  'cpu-rt-period': 'value',
  'cpu-rt-runtime': 'value',
  'cpu-shares': 'value',
  cpus: 'value',
  'cpuset-cpus': 'value',
  'cpuset-mems': 'value',
  'detach-keys': 'value',
  'device-read-bps': 'value',
  'device-read-iops': 'value',
  'device-write-bps': 'value',
  'device-write-iops': 'value',
  dns: 'value',
  'dns-opt': 'value',
  'dns-option': 'value',
  'dns-search': 'value',
  domainname: 'value',
  entrypoint: 'value',
  env: 'value',
  'env-file': 'value',
  expose: 'value',
  gpus: 'value',
  'health-cmd': 'value',
  'health-interval': 'value',
  'health-retries': 'value',
  'health-start-interval': 'value',
  'health-start-period': 'value',
  'health-timeout': 'value',
  hostname: 'value',
  ip: 'value',
  ip6: 'value',
  isolation: 'value',
  'kernel-memory': 'value',
  label: 'value',
  'label-file': 'value',
  link: 'value',
  'link-local-ip': 'value',
  'log-driver': 'value',
  'log-opt': 'value',
  'mac-address': 'value',
  memory: 'value',
  'memory-reservation': 'value',
  'memory-swap': 'value',
  'memory-swappiness': 'value',
  name: 'value',
  'net-alias': 'value',
  'network-alias': 'value',
  'oom-score-adj': 'value',
  'pids-limit': 'value',
  platform: 'value',
  publish: 'value',
  pull: 'value',
  restart: 'value',
  runtime: 'value',
  'shm-size': 'value',
  'stop-signal': 'value',
  'stop-timeout': 'value',
  'storage-opt': 'value',
  ulimit: 'value',
  'volume-driver': 'value',
  'volumes-from': 'value',
  workdir: 'value'
}

/** docker run's one-letter forms. */
export const SHORT_FLAGS: Readonly<Record<string, string>> = {
  a: 'attach',
  c: 'cpu-shares',
  d: 'detach',
  e: 'env',
  h: 'hostname',
  i: 'interactive',
  l: 'label',
  m: 'memory',
  p: 'publish',
  P: 'publish-all',
  q: 'quiet',
  t: 'tty',
  u: 'user',
  v: 'volume',
  w: 'workdir'
}

export function flagArity(name: string): FlagArity | undefined {
  if (Object.hasOwn(PRIVILEGE_FLAGS, name)) return PRIVILEGE_FLAGS[name]
  if (Object.hasOwn(IGNORED_FLAGS, name)) return IGNORED_FLAGS[name]
  return undefined
}

export function shortFlagName(letter: string): string | undefined {
  return Object.hasOwn(SHORT_FLAGS, letter) ? SHORT_FLAGS[letter] : undefined
}
