// `--device SRC[:DST][:PERMS]` as the docker CLI parses it (`parseDevice`): the middle part is the
// container path unless it looks like permissions.

import { UsageError } from '../errors'

export interface DeviceMapping {
  PathOnHost: string
  PathInContainer: string
  CgroupPermissions: string
}

export function parseDevice(value: string): DeviceMapping {
  const parts = value.split(':')
  if (parts.length > 3 || !parts[0]) {
    throw new UsageError(
      `run-options: invalid --device ${JSON.stringify(value)}: expected HOST[:CONTAINER][:rwm]`
    )
  }
  let target = ''
  let permissions = 'rwm'
  if (parts.length === 3) permissions = parts[2]
  if (parts.length >= 2) {
    if (validDeviceMode(parts[1])) permissions = parts[1]
    else target = parts[1]
  }
  if (!validDeviceMode(permissions)) {
    throw new UsageError(
      `run-options: invalid --device ${JSON.stringify(value)}: permissions are some of r, w, m`
    )
  }
  return { PathOnHost: parts[0], PathInContainer: target || parts[0], CgroupPermissions: permissions }
}

function validDeviceMode(mode: string): boolean {
  if (!mode || mode.length > 3) return false
  return [...mode].every((c, i) => 'rwm'.includes(c) && mode.indexOf(c) === i)
}
