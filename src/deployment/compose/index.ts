// The Compose reader: compose files (a project given as `-f a -f b`) -> one Deployment per service, every
// value with the file and line where it was written. Pure: reading files and the environment is injected.
// Order per file as compose-go: parse, interpolate, validate against the schema, canonical form, extends;
// then files merged in order, paths resolved against the project directory (the first file's folder).
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { UsageError } from '../../errors'
import type { DeploymentFile } from '../types'
import type { Pragma } from '../../dockerfile/types'
import { yamlPragmas } from '../pragmas'
import { parseYamlDocuments, type SourceLocation } from '../yaml'
import { canonicalService } from './canonical'
import { parseDotenv } from './dotenv'
import { interpolateTree, type Lookup } from './interpolate'
import { dropResets, mergeFiles, mergeService, uniqueService } from './merge'
import { validateCompose } from './schema'
import { serviceDeployment } from './service-profile'
import { clone, entry, failAt, keyText, mapNode, scalarText, type MapNode } from './tree'

export { substitute } from './interpolate'
export { parseDotenv } from './dotenv'

/** Services in one project. */
export const MAX_SERVICES = 1_000
/** `extends` chain length (compose has no limit; a real chain is 2 or 3 deep). */
export const MAX_EXTENDS_DEPTH = 32
/** Files read for one project: `-f` files plus files named by `extends.file`. */
export const MAX_FILES = 64

/** Compose's default names, in its order of preference (compose-go cli.DefaultFileNames). */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml']
export const COMPOSE_OVERRIDE_NAMES = [
  'compose.override.yml',
  'compose.override.yaml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml'
]

export interface ComposeReadOptions {
  /** Reads a file (absolute path); throws when it cannot. */
  readFile(path: string): string
  exists(path: string): boolean
  /** The environment; wins over the `.env` file. */
  env: Record<string, string | undefined>
  /** Absolute; relative file names are resolved against it, and files are named relative to it. */
  repoRoot: string
}

export function isComposeFileName(name: string): boolean {
  const base = basename(name)
  return COMPOSE_FILE_NAMES.includes(base) || COMPOSE_OVERRIDE_NAMES.includes(base)
}

/**
 * The compose projects in a folder listing (paths of files): per folder, the first default name compose
 * would pick and the first override file beside it, as `docker compose` run in that folder reads them.
 */
export function findComposeFiles(listing: readonly string[]): string[][] {
  const byDir = new Map<string, Set<string>>()
  for (const path of listing) {
    if (!isComposeFileName(path)) continue
    const dir = dirname(path)
    if (!byDir.has(dir)) byDir.set(dir, new Set())
    byDir.get(dir)!.add(basename(path))
  }
  const projects: string[][] = []
  for (const [dir, names] of [...byDir].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const main = COMPOSE_FILE_NAMES.find(n => names.has(n))
    if (!main) continue
    const override = COMPOSE_OVERRIDE_NAMES.find(n => names.has(n))
    const join2 = (n: string) => (dir === '.' ? n : `${dir}/${n}`)
    projects.push(override ? [join2(main), join2(override)] : [join2(main)])
  }
  return projects
}

interface Loaded {
  root: MapNode
  services: Record<string, MapNode>
}

/** Reads one compose project (its files in `-f` order) into its deployments. */
export function readCompose(files: readonly string[], opts: ComposeReadOptions): DeploymentFile {
  if (!files.length) throw new UsageError('compose: no compose file given')
  const abs = files.map(f => resolve(opts.repoRoot, f))
  const projectDir = dirname(abs[0])
  const shown = (path: string) => {
    const rel = relative(opts.repoRoot, path)
    const outside = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)
    return rel && !outside ? rel.split(sep).join('/') : path
  }
  const mainFile = shown(abs[0])
  const environment: Lookup = name => (Object.hasOwn(opts.env, name) ? opts.env[name] : undefined)
  const dotenvPath = join(projectDir, '.env')
  const dotenv = opts.exists(dotenvPath)
    ? parseDotenv(opts.readFile(dotenvPath), shown(dotenvPath), environment)
    : Object.create(null)
  const lookup: Lookup = name => environment(name) ?? (Object.hasOwn(dotenv, name) ? dotenv[name] : undefined)
  const home = environment('HOME')
  const notes: DeploymentFile['notes'] = []
  const unset = new Map<string, SourceLocation>()
  let reads = 0

  // A file named by many `extends.file` entries is read once; its resolved services are shared (copied on use).
  const cache = new Map<string, Loaded>()
  /** Suppression comments of every file read, by shown name: a finding located in one may be suppressed there. */
  const pragmas: Record<string, Pragma[]> = Object.create(null)
  const load = (path: string, baseDir: string, cached = false): Loaded => {
    const key = `${path}\0${baseDir}`
    const seen = cached ? cache.get(key) : undefined
    if (seen) return seen
    if (++reads > MAX_FILES) throw new UsageError(`${mainFile}: more than ${MAX_FILES} compose files to read`)
    const name = shown(path)
    let text: string
    try {
      text = opts.readFile(path)
    } catch (error) {
      throw new UsageError(`${name}: cannot be read: ${(error as Error).message.split('\n')[0]}`)
    }
    pragmas[name] ??= yamlPragmas(text)
    let root: MapNode | undefined
    for (const doc of parseYamlDocuments(text, name, { merge: true })) {
      const tree = doc.tree()
      if (!tree || (tree.kind === 'scalar' && tree.value === null)) continue
      if (tree.kind !== 'map') throw failAt(tree.at, '', 'a compose file is a mapping (services: ...)')
      interpolateTree(tree, lookup, unset)
      validateCompose(tree)
      root = root ? mergeFiles(root, tree) : tree
    }
    root ??= mapNode({ file: name, line: 1, column: 1 })
    const servicesNode = entry(root, 'services')
    const services: Record<string, MapNode> = Object.create(null)
    if (servicesNode?.kind === 'map') {
      const names = Object.keys(servicesNode.entries)
      if (names.length > MAX_SERVICES)
        throw failAt(servicesNode.at, 'services', `more than ${MAX_SERVICES} services`)
      for (const service of names) {
        let node = servicesNode.entries[service]
        // `web:` with nothing under it is a service with no settings.
        if (node.kind === 'scalar' && node.value === null)
          node = servicesNode.entries[service] = mapNode(node.at)
        if (node.kind !== 'map') throw failAt(node.at, `services.${keyText(service)}`, 'must be a mapping')
        canonicalService(node, service)
        uniqueService(node)
        resolvePaths(node, baseDir, home)
        services[service] = node
      }
    }
    if (entry(root, 'include'))
      notes.push({
        line: entry(root, 'include')!.at.line,
        message: `${name}: include is not read; the included files are not judged`
      })
    const loaded = { root, services }
    if (cached) cache.set(key, loaded)
    return loaded
  }

  const applyExtends = (loaded: Loaded, path: string): void => {
    const resolveService = (
      name: string,
      services: Record<string, MapNode>,
      file: string,
      chain: string[]
    ): MapNode => {
      const service = services[name]
      const ext = entry(service, 'extends')
      if (!ext) return service
      const id = `${file}\0${name}`
      const where = `services.${keyText(name)}.extends`
      if (chain.includes(id)) {
        const cycle = [...chain, id].map(c => c.split('\0')[1]).join(' -> ')
        throw failAt(ext.at, where, `circular extends: ${cycle}`)
      }
      if (chain.length >= MAX_EXTENDS_DEPTH)
        throw failAt(ext.at, where, `extends deeper than ${MAX_EXTENDS_DEPTH} levels`)
      const ref = scalarText(entry(ext, 'service'))
      if (!ref) throw failAt(ext.at, where, 'needs a service')
      const fileNode = entry(ext, 'file')
      let base: MapNode
      if (fileNode) {
        // `extends.file` was resolved against its own file's folder (resolvePaths).
        const other = scalarText(fileNode) ?? ''
        // Compose reads any path; a scan reads only the repository it judges.
        if (shown(other) === other)
          throw failAt(fileNode.at, where, `file ${other} is outside the repository`)
        if (!opts.exists(other)) throw failAt(fileNode.at, where, `file ${shown(other)} does not exist`)
        const loadedOther = load(other, dirname(other), true)
        if (!Object.hasOwn(loadedOther.services, ref))
          throw failAt(ext.at, where, `service ${JSON.stringify(ref)} not found in ${shown(other)}`)
        base = resolveService(ref, loadedOther.services, other, [...chain, id])
      } else {
        if (!Object.hasOwn(services, ref))
          throw failAt(ext.at, where, `service ${JSON.stringify(ref)} not found`)
        base = resolveService(ref, services, file, [...chain, id])
      }
      delete service.entries.extends
      const merged = mergeService(clone(base), service) as MapNode
      // The service keeps its own key line (a finding about a missing key points at this service).
      merged.at = service.at
      uniqueService(merged)
      services[name] = merged
      return merged
    }
    for (const name of Object.keys(loaded.services)) resolveService(name, loaded.services, path, [])
    const servicesNode = entry(loaded.root, 'services')
    if (servicesNode?.kind === 'map')
      for (const name of Object.keys(loaded.services)) servicesNode.entries[name] = loaded.services[name]
  }

  let model: MapNode | undefined
  for (const path of abs) {
    const loaded = load(path, projectDir)
    applyExtends(loaded, path)
    if (!model) {
      dropResets(loaded.root)
      model = loaded.root
    } else {
      model = mergeFiles(model, loaded.root)
    }
  }
  dropResets(model!)
  const servicesNode = entry(model, 'services')
  const deployments = []
  const hostVolumes = hostVolumesOf(model!, projectDir, home)
  if (servicesNode?.kind === 'map') {
    for (const [name, service] of Object.entries(servicesNode.entries)) {
      if (service.kind !== 'map') continue
      uniqueService(service)
      deployments.push({
        ...serviceDeployment(name, service, {
          mainFile,
          exists: opts.exists,
          lookup,
          shown,
          notes,
          hostVolumes
        }),
        pragmas
      })
    }
  }
  for (const [name, at] of [...unset].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const where = at.file === mainFile ? '' : `${at.file}: line ${at.line}: `
    notes.push({
      line: at.file === mainFile ? at.line : 1,
      message: `${where}variable ${name} is not set: a blank string is used (as docker compose does)`
    })
  }
  return { file: mainFile, deployments, notes }
}

/**
 * Named volumes of the local driver in its bind form (`driver_opts: {type: none, o: bind, device: PATH}`):
 * name -> absolute host path (relative devices resolve against the project directory, as compose-go does).
 */
function hostVolumesOf(model: MapNode, projectDir: string, home: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  const volumes = entry(model, 'volumes')
  if (volumes?.kind !== 'map') return out
  for (const [name, volume] of Object.entries(volumes.entries)) {
    const driver = scalarText(entry(volume, 'driver')) ?? 'local'
    const options = entry(volume, 'driver_opts')
    const o = (scalarText(entry(options, 'o')) ?? '').split(',')
    const device = scalarText(entry(options, 'device'))
    if (driver !== 'local' || !device || !(o.includes('bind') || o.includes('rbind'))) continue
    const path =
      device === '~' || device.startsWith('~/') ? (home ? join(home, device.slice(1)) : device) : device
    out[name] = isAbsolute(path) ? path : resolve(projectDir, path)
  }
  return out
}

/** Relative build contexts, bind sources and `extends.file` made absolute against `dir`; `~` is $HOME. */
function resolvePaths(service: MapNode, dir: string, home: string | undefined): void {
  const absolute = (path: string): string => {
    if (path === '~' || path.startsWith('~/')) return home ? join(home, path.slice(1)) : path
    return isAbsolute(path) ? path : resolve(dir, path)
  }
  const context = entry(entry(service, 'build'), 'context')
  const build = entry(service, 'build')
  if (build?.kind === 'map') {
    if (context?.kind === 'scalar' && typeof context.value === 'string') {
      if (!/^([a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i.test(context.value))
        context.value = absolute(context.value)
    } else if (!context) {
      build.entries.context = { kind: 'scalar', at: build.at, value: resolve(dir) }
    }
  }
  const file = entry(entry(service, 'extends'), 'file')
  if (file?.kind === 'scalar' && typeof file.value === 'string') file.value = absolute(file.value)
  const volumes = entry(service, 'volumes')
  if (volumes?.kind === 'seq') {
    for (const item of volumes.items) {
      if (scalarText(entry(item, 'type')) !== 'bind') continue
      const source = entry(item, 'source')
      if (source?.kind === 'scalar' && typeof source.value === 'string') source.value = absolute(source.value)
    }
  }
}
