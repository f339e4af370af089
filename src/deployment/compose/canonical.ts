// One shape per compose key before merging, as compose-go's transform.Canonical does: `build: ./dir` is
// `{context: ./dir}`, `extends: svc` is `{service: svc}`, a short volume is the long form, `tmpfs: /run`
// is a list, `sysctls` and `build.args` lists are maps. Every node keeps the line it was written on.
// `environment` is dropped here: its values are never kept (they are how secrets are passed).
import type { LocatedNode } from '../yaml'
import { entry, failAt, mapNode, scalarNode, scalarText, type MapNode } from './tree'

export function canonicalService(service: LocatedNode, name: string): LocatedNode {
  if (service.kind !== 'map') return service
  const e = service.entries
  delete e.environment
  delete e.env_file
  const build = entry(service, 'build')
  if (build?.kind === 'scalar') e.build = mapNode(build.at, withEntry('context', build))
  const args = entry(e.build, 'args')
  if (args?.kind === 'seq' && e.build.kind === 'map') e.build.entries.args = listToMap(args.items, args.at)
  const extendsNode = entry(service, 'extends')
  if (extendsNode?.kind === 'scalar') e.extends = mapNode(extendsNode.at, withEntry('service', extendsNode))
  const tmpfs = entry(service, 'tmpfs')
  if (tmpfs?.kind === 'scalar') e.tmpfs = { kind: 'seq', at: tmpfs.at, items: [tmpfs] }
  const sysctls = entry(service, 'sysctls')
  if (sysctls?.kind === 'seq') e.sysctls = listToMap(sysctls.items, sysctls.at)
  const volumes = entry(service, 'volumes')
  if (volumes?.kind === 'seq') {
    volumes.items = volumes.items.map(item =>
      item.kind === 'scalar' && typeof item.value === 'string'
        ? shortVolume(item.value, item, `services.${name}.volumes`)
        : item
    )
  }
  return service
}

function withEntry(key: string, node: LocatedNode): Record<string, LocatedNode> {
  const entries: Record<string, LocatedNode> = Object.create(null)
  entries[key] = node
  return entries
}

/** `[A=1, B]` -> `{A: 1, B: null}`; each entry keeps its item's line. */
function listToMap(items: LocatedNode[], at: LocatedNode['at']): MapNode {
  const out = mapNode(at)
  for (const item of items) {
    const text = scalarText(item) ?? ''
    const eq = text.indexOf('=')
    out.entries[eq < 0 ? text : text.slice(0, eq)] = scalarNode(item.at, eq < 0 ? null : text.slice(eq + 1))
  }
  return out
}

/**
 * compose-go format.ParseVolume: `[SOURCE:]TARGET[:MODES]`, split on `:` (a Windows drive letter kept);
 * a source starting with `.`, `/` or `~` is a bind, anything else a named volume; no source, anonymous.
 */
export function shortVolume(spec: string, item: LocatedNode, path: string): MapNode {
  const fail = (why: string) => failAt(item.at, path, `invalid volume ${JSON.stringify(spec)}: ${why}`)
  if (!spec) throw fail('empty')
  const parts: string[] = []
  let buffer = ''
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]
    if (c === ':' && !(buffer.length === 1 && /[A-Za-z]/.test(buffer) && parts.length === 0)) {
      if (!buffer) throw fail('empty section between colons')
      parts.push(buffer)
      buffer = ''
    } else buffer += c
  }
  if (!buffer) throw fail('empty section between colons')
  parts.push(buffer)
  if (parts.length > 3) throw fail('too many colons')
  const [source, target, modes] =
    parts.length === 1 ? ['', parts[0], ''] : [parts[0], parts[1], parts[2] ?? '']
  const at = item.at
  const out = mapNode(at)
  const bind = /^[./~]/.test(source) || source.startsWith('\\\\') || /^[A-Za-z]:/.test(source)
  out.entries.type = scalarNode(at, bind ? 'bind' : 'volume')
  if (source) out.entries.source = scalarNode(at, source)
  out.entries.target = scalarNode(at, target)
  const options = modes ? modes.split(',') : []
  if (options.includes('ro')) out.entries.read_only = scalarNode(at, true)
  const propagation = options.find(o => /^r?(shared|slave|private)$/.test(o))
  if (propagation && bind)
    out.entries.bind = mapNode(at, withEntry('propagation', scalarNode(at, propagation)))
  if (options.includes('nocopy') && !bind)
    out.entries.volume = mapNode(at, withEntry('nocopy', scalarNode(at, true)))
  // `z`/`Z` (SELinux relabel) and consistency flags change no privilege.
  return out
}
