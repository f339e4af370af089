// One merged compose service -> Deployment: the RuntimeProfile it runs with (through the same parser as
// `docker run` flags, so a compose value and the equivalent flag give the same profile and the same
// validation), the file and line of every value, and the Dockerfile or image it runs.
import { isAbsolute, resolve } from 'node:path'
import { UsageError } from '../../errors'
import { profileFromArgs } from '../../profile/parse'
import type { Deployment, ImageLink, ProfileField, SourceLocation } from '../types'
import type { LocatedNode } from '../yaml'
import { entry, failAt, keyText, scalarText, type MapNode } from './tree'

export interface ServiceContext {
  /** Display name of the project's first compose file (relative to the repository root). */
  mainFile: string
  exists(path: string): boolean
  lookup(name: string): string | undefined
  /** Repository-relative form of an absolute path, for messages. */
  shown(path: string): string
  notes: { line: number; message: string }[]
  /**
   * Top-level named volumes that are host directories (`driver_opts: {type: none, o: bind, device: /srv}`,
   * the local driver's bind form): a service mount of one is a bind mount of that host path.
   */
  hostVolumes: Record<string, string>
}

interface Flag {
  flag: string
  value?: string
  field?: ProfileField
  node: LocatedNode
  key: string
}

/** Compose keys that decide no privilege and are not read (the docs list them with the reason). */
const MODES_WITH_SERVICE = new Set(['pid', 'ipc'])

export function serviceDeployment(name: string, service: MapNode, ctx: ServiceContext): Deployment {
  const where = (key: string) => `services.${keyText(name)}.${key}`
  const flags: Flag[] = []
  const text = (key: string): string | undefined => {
    const node = entry(service, key)
    if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined
    const value = scalarText(node)
    if (value === undefined) throw failAt(node.at, where(key), 'must be a string')
    return value
  }
  const bool = (key: string, flag: string, field: ProfileField) => {
    const node = entry(service, key)
    if (node?.kind === 'scalar' && typeof node.value === 'boolean')
      flags.push({ flag: node.value ? flag : `${flag}=false`, field, node, key })
  }
  const single = (key: string, flag: string, field: ProfileField) => {
    const value = text(key)
    if (value !== undefined) flags.push({ flag, value, field, node: entry(service, key)!, key })
  }
  const list = (key: string, each: (item: LocatedNode, index: number) => void) => {
    const node = entry(service, key)
    if (node?.kind === 'seq') node.items.forEach(each)
  }

  single('user', '--user', 'user')
  bool('privileged', '--privileged', 'privileged')
  bool('read_only', '--read-only', 'readOnly')
  bool('init', '--init', 'init')
  for (const [key, flag, field] of [
    ['cap_add', '--cap-add', 'capAdd'],
    ['cap_drop', '--cap-drop', 'capDrop']
  ] as const) {
    list(key, item => {
      const value = scalarText(item) ?? ''
      flags.push({
        flag,
        value,
        field: `${field}:${value.trim().toUpperCase().replace(/^CAP_/, '')}`,
        node: item,
        key
      })
    })
  }
  list('security_opt', item =>
    flags.push({ flag: '--security-opt', value: scalarText(item) ?? '', node: item, key: 'security_opt' })
  )
  single('userns_mode', '--userns', 'userns')
  single('pid', '--pid', 'pid')
  single('ipc', '--ipc', 'ipc')
  single('uts', '--uts', 'uts')
  single('cgroup', '--cgroupns', 'cgroupns')
  single('network_mode', '--network', 'network')
  let devices = 0
  list('devices', item => {
    flags.push({
      flag: '--device',
      value: deviceText(item),
      field: `devices:${devices++}`,
      node: item,
      key: 'devices'
    })
  })
  list('device_cgroup_rules', item =>
    flags.push({
      flag: '--device-cgroup-rule',
      value: scalarText(item) ?? '',
      node: item,
      key: 'device_cgroup_rules'
    })
  )
  let mounts = 0
  list('volumes', item => {
    const value = mountText(item, where('volumes'), ctx)
    if (value !== undefined)
      flags.push({ flag: '--mount', value, field: `mounts:${mounts++}`, node: item, key: 'volumes' })
  })
  list('tmpfs', item =>
    flags.push({
      flag: '--tmpfs',
      value: scalarText(item) ?? '',
      field: `mounts:${mounts++}`,
      node: item,
      key: 'tmpfs'
    })
  )
  const sysctls = entry(service, 'sysctls')
  if (sysctls?.kind === 'map') {
    for (const [key, node] of Object.entries(sysctls.entries)) {
      flags.push({
        flag: '--sysctl',
        value: `${key}=${scalarText(node) ?? ''}`,
        field: `sysctls:${key}`,
        node,
        key: 'sysctls'
      })
    }
  }
  list('group_add', item =>
    flags.push({ flag: '--group-add', value: scalarText(item) ?? '', node: item, key: 'group_add' })
  )

  // Each value alone first, so an error names the line it is on; then all together, as docker would.
  const words = (f: Flag): string[] => {
    const value =
      f.value !== undefined && MODES_WITH_SERVICE.has(f.key)
        ? f.value.replace(/^service:/, 'container:')
        : f.value
    return value === undefined ? [f.flag] : [f.flag, value]
  }
  for (const f of flags) {
    try {
      profileFromArgs(words(f))
    } catch (error) {
      if (!(error instanceof UsageError)) throw error
      throw failAt(f.node.at, where(f.key), error.message.replace(/^run-options: /, ''))
    }
  }
  const profile = profileFromArgs(flags.flatMap(words))
  profile.declared = true
  // `service:db` shares the namespace of that service's container; kept as written.
  for (const key of MODES_WITH_SERVICE) {
    const value = text(key)
    if (value !== undefined) profile[key as 'pid' | 'ipc'] = value
  }

  const locations: Record<ProfileField, SourceLocation> = Object.create(null)
  for (const f of flags) {
    if (f.field) locations[f.field] = f.node.at
    if (f.key === 'security_opt') {
      const opt = (f.value ?? '').trim()
      const field = /^no-new-privileges/.test(opt)
        ? 'securityOpt.noNewPrivileges'
        : /^seccomp[:=]/.test(opt)
          ? 'securityOpt.seccomp'
          : /^apparmor[:=]/.test(opt)
            ? 'securityOpt.apparmor'
            : /^label[:=]/.test(opt)
              ? 'securityOpt.labels'
              : /^systempaths[:=]/.test(opt)
                ? 'securityOpt.systemPaths'
                : undefined
      if (field) locations[field] = f.node.at
    }
  }
  const groupAdd = entry(service, 'group_add')
  if (groupAdd && profile.groupAdd.length) locations.groupAdd = groupAdd.at

  return {
    source: 'compose',
    name: `${ctx.mainFile} service ${name}`,
    file: ctx.mainFile,
    at: service.at,
    link: imageLink(name, service, ctx),
    profile,
    locations,
    platformDefaults: Object.create(null) as Record<ProfileField, string>
  }
}

function deviceText(item: LocatedNode): string {
  if (item.kind !== 'map') return scalarText(item) ?? ''
  const source = scalarText(entry(item, 'source')) ?? ''
  const target = scalarText(entry(item, 'target')) ?? source
  const permissions = scalarText(entry(item, 'permissions')) ?? 'rwm'
  return `${source}:${target}:${permissions}`
}

/** A long-syntax volume as the equivalent `--mount` value (CSV, quoted where needed). */
function mountText(item: LocatedNode, path: string, ctx: ServiceContext): string | undefined {
  if (item.kind !== 'map') return undefined
  let type = scalarText(entry(item, 'type')) ?? 'volume'
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
    ctx.notes.push({
      line: item.at.line,
      message: `${path}: a ${type} mount is not judged (only bind, volume and tmpfs mounts change privilege here)`
    })
    return undefined
  }
  let source = scalarText(entry(item, 'source'))
  const hostPath = type === 'volume' && source ? ctx.hostVolumes[source] : undefined
  if (hostPath !== undefined) {
    source = hostPath
    type = 'bind'
  }
  const fields = [`type=${type}`]
  if (source && type !== 'tmpfs') fields.push(`source=${source}`)
  fields.push(`target=${scalarText(entry(item, 'target')) ?? ''}`)
  if (
    entry(item, 'read_only')?.kind === 'scalar' &&
    (entry(item, 'read_only') as { value: unknown }).value === true
  )
    fields.push('readonly')
  const propagation = scalarText(entry(entry(item, 'bind'), 'propagation'))
  if (propagation && type === 'bind') fields.push(`bind-propagation=${propagation}`)
  const nocopy = entry(entry(item, 'volume'), 'nocopy')
  if (type === 'volume' && nocopy?.kind === 'scalar' && nocopy.value === true) fields.push('volume-nocopy')
  const subpath = scalarText(entry(entry(item, 'volume'), 'subpath'))
  if (type === 'volume' && subpath) fields.push(`volume-subpath=${subpath}`)
  const size = scalarText(entry(entry(item, 'tmpfs'), 'size'))
  if (type === 'tmpfs' && size) fields.push(`tmpfs-size=${size}`)
  const mode = scalarText(entry(entry(item, 'tmpfs'), 'mode'))
  if (type === 'tmpfs' && mode) fields.push(`tmpfs-mode=${mode}`)
  return fields.map(csvField).join(',')
}

function csvField(field: string): string {
  return /[",\n]/.test(field) || field.startsWith(' ') ? `"${field.replace(/"/g, '""')}"` : field
}

const REMOTE_CONTEXT = /^([a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i

function imageLink(name: string, service: MapNode, ctx: ServiceContext): ImageLink {
  const link: ImageLink = {}
  const image = scalarText(entry(service, 'image'))
  if (image) link.image = image
  const build = entry(service, 'build')
  if (build?.kind !== 'map') return link
  const path = `services.${keyText(name)}.build`
  const contextNode = entry(build, 'context')
  const context = scalarText(contextNode) ?? '.'
  if (REMOTE_CONTEXT.test(context)) {
    ctx.notes.push({
      line: build.at.line,
      message: `${path}: remote build context ${JSON.stringify(context)} is not built or judged`
    })
    return link
  }
  if (entry(build, 'dockerfile_inline')) {
    ctx.notes.push({ line: build.at.line, message: `${path}: an inline Dockerfile is not judged` })
    return link
  }
  // Paths were made absolute against the project directory (or an extended file's folder) already.
  const contextPath = resolve(context)
  const dockerfileNode = entry(build, 'dockerfile')
  const dockerfile = scalarText(dockerfileNode) ?? 'Dockerfile'
  const dockerfilePath = isAbsolute(dockerfile) ? dockerfile : resolve(contextPath, dockerfile)
  if (!ctx.exists(contextPath))
    throw failAt((contextNode ?? build).at, path, `build context ${ctx.shown(contextPath)} does not exist`)
  if (!ctx.exists(dockerfilePath))
    throw failAt(
      (dockerfileNode ?? contextNode ?? build).at,
      path,
      `Dockerfile ${ctx.shown(dockerfilePath)} does not exist`
    )
  const args: Record<string, string> = Object.create(null)
  const argsNode = entry(build, 'args')
  if (argsNode?.kind === 'map') {
    for (const [key, node] of Object.entries(argsNode.entries)) {
      // `ARG` with no value takes the variable from the environment, or is left out (compose-go).
      const value = scalarText(node) ?? ctx.lookup(key)
      if (value !== undefined) args[key] = value
    }
  }
  link.build = { context: contextPath, dockerfile: dockerfilePath, args }
  const target = scalarText(entry(build, 'target'))
  if (target) link.build.target = target
  return link
}
