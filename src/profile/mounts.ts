// `-v/--volume`, `--mount` and `--tmpfs` values -> MountSpec, following the docker CLI and moby's Linux
// mount parser, so a flag set docker rejects is rejected here with a line naming the flag.

import { UsageError } from '../errors'
import type { MountSpec } from './types'

const VOLUME_MODES = new Set([
  'ro',
  'rw',
  'z',
  'Z',
  'shared',
  'rshared',
  'slave',
  'rslave',
  'private',
  'rprivate',
  'nocopy',
  'consistent',
  'cached',
  'delegated'
])

function fail(flag: string, value: string, why: string): UsageError {
  return new UsageError(`run-options: invalid ${flag} ${JSON.stringify(value)}: ${why}`)
}

/** Absolute (`/srv`) or explicitly relative (`./data`, `../x`, `.`) host paths are binds; other words are volume names. */
export function isHostPath(source: string): boolean {
  return source.startsWith('/') || source === '.' || source.startsWith('./') || source.startsWith('../')
}

/** `-v [SRC:]DST[:MODES]` (moby `linuxParser.ParseMountRaw`). */
export function parseVolume(value: string, flag = '--volume'): MountSpec {
  const parts = value.split(':')
  let source = ''
  let target: string
  let modes = ''
  if (parts.length === 1) {
    target = parts[0]
  } else if (parts.length === 2) {
    if (validModes(parts[1])) [target, modes] = parts
    else [source, target] = parts
  } else if (parts.length === 3) {
    ;[source, target, modes] = parts
  } else {
    throw fail(flag, value, 'expected [SOURCE:]TARGET[:MODES]')
  }
  if (!target.startsWith('/')) throw fail(flag, value, 'the container path must be absolute')
  if (modes && !validModes(modes)) throw fail(flag, value, `unknown mode in "${modes}"`)
  const modeList = modes ? modes.split(',') : []
  if (modeList.includes('ro') && modeList.includes('rw')) throw fail(flag, value, 'both ro and rw')
  const extra = modeList.filter(m => m !== 'ro' && m !== 'rw')
  const spec: MountSpec = {
    type: source && isHostPath(source) ? 'bind' : 'volume',
    source,
    target,
    readOnly: modeList.includes('ro'),
    flag: `${flag} ${value}`
  }
  if (extra.length) spec.options = extra.join(',')
  return spec
}

function validModes(modes: string): boolean {
  return modes.split(',').every(m => VOLUME_MODES.has(m))
}

const MOUNT_KEYS = new Set([
  'type',
  'source',
  'src',
  'target',
  'dst',
  'destination',
  'readonly',
  'ro',
  'bind-propagation',
  'bind-nonrecursive',
  'bind-recursive',
  'consistency',
  'volume-driver',
  'volume-label',
  'volume-nocopy',
  'volume-opt',
  'volume-subpath',
  'tmpfs-size',
  'tmpfs-mode'
])

/** `--mount type=bind,source=/a,target=/b,readonly` (docker CLI `opts.MountOpt`: CSV fields). */
export function parseMount(value: string): MountSpec {
  const flag = '--mount'
  let type = 'volume' // docker's default when type= is absent
  let source = ''
  let target = ''
  let readOnly = false
  const extra: string[] = []
  for (const field of splitCsv(value, flag)) {
    const eq = field.indexOf('=')
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase()
    const val = eq < 0 ? undefined : field.slice(eq + 1)
    if (!MOUNT_KEYS.has(key)) throw fail(flag, value, `unexpected key "${key}"`)
    if (
      val === undefined &&
      key !== 'readonly' &&
      key !== 'ro' &&
      !key.startsWith('bind-') &&
      key !== 'volume-nocopy'
    ) {
      throw fail(flag, value, `"${key}" needs a value`)
    }
    switch (key) {
      case 'type':
        type = val!.toLowerCase()
        break
      case 'source':
      case 'src':
        source = val!
        break
      case 'target':
      case 'dst':
      case 'destination':
        target = val!
        break
      case 'readonly':
      case 'ro': {
        const parsed = val === undefined ? true : parseBoolWord(val)
        if (parsed === undefined) throw fail(flag, value, `"${key}" takes true or false`)
        readOnly = parsed
        break
      }
      default:
        extra.push(field)
    }
  }
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
    throw fail(flag, value, `type=${type} is not supported (bind, volume or tmpfs)`)
  }
  if (!target) throw fail(flag, value, 'target= is required')
  if (!target.startsWith('/')) throw fail(flag, value, 'the target must be an absolute path')
  if (type === 'bind' && !source) throw fail(flag, value, 'a bind mount needs source=')
  if (type === 'tmpfs' && source) throw fail(flag, value, 'a tmpfs mount takes no source')
  const spec: MountSpec = { type, source, target, readOnly, flag: `${flag} ${value}` }
  if (extra.length) spec.options = extra.join(',')
  return spec
}

/** `--tmpfs /run[:rw,size=64m]`. */
export function parseTmpfs(value: string): MountSpec {
  const colon = value.indexOf(':')
  const target = colon < 0 ? value : value.slice(0, colon)
  const options = colon < 0 ? '' : value.slice(colon + 1)
  if (!target.startsWith('/')) throw fail('--tmpfs', value, 'the container path must be absolute')
  const spec: MountSpec = {
    type: 'tmpfs',
    source: '',
    target,
    readOnly: options.split(',').includes('ro'),
    flag: `--tmpfs ${value}`
  }
  if (options) spec.options = options
  return spec
}

/** Go's strconv.ParseBool, which docker uses for boolean flag values. */
export function parseBoolWord(word: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(word)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(word)) return false
  return undefined
}

/** One CSV record as Go's encoding/csv reads it: `"a,b"` keeps the comma, `""` inside quotes is a quote. */
function splitCsv(value: string, flag: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  let atFieldStart = true
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') {
        quoted = false
      } else {
        field += c
      }
    } else if (c === '"' && atFieldStart) {
      quoted = true
      atFieldStart = false
    } else if (c === ',') {
      fields.push(field)
      field = ''
      atFieldStart = true
    } else {
      field += c
      atFieldStart = false
    }
  }
  if (quoted) throw fail(flag, value, 'unbalanced double quote')
  fields.push(field)
  return fields.filter(f => f.length > 0)
}
