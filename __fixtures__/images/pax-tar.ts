// A minimal POSIX (pax) tar writer for test images. It exists because the test needs what no
// build context can carry: setuid/setgid bits, a `security.capability` xattr and file names with
// raw bytes. Docker's ADD extracts all of these from a local tar archive.

export interface TarEntry {
  /** Raw bytes of the path inside the archive (may hold any byte but NUL). */
  name: Buffer
  content: Buffer
  /** Permission bits including setuid (0o4000) and setgid (0o2000). */
  mode: number
  /** Extended attributes, stored as `SCHILY.xattr.<name>` pax records. */
  xattrs?: Record<string, Buffer>
}

const BLOCK = 512

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0'
}

function header(name: Buffer, size: number, mode: number, type: '0' | 'x'): Buffer {
  if (name.length > 100) throw new Error(`tar name longer than 100 bytes: ${name.toString('latin1')}`)
  const h = Buffer.alloc(BLOCK)
  name.copy(h, 0)
  h.write(octal(mode, 8), 100, 'latin1')
  h.write(octal(0, 8), 108, 'latin1') // uid
  h.write(octal(0, 8), 116, 'latin1') // gid
  h.write(octal(size, 12), 124, 'latin1')
  h.write(octal(0, 12), 136, 'latin1') // mtime
  h.write(' '.repeat(8), 148, 'latin1') // checksum placeholder
  h.write(type, 156, 'latin1')
  h.write('ustar\u000000', 257, 'latin1')
  h.write('root', 265, 'latin1')
  h.write('root', 297, 'latin1')
  let sum = 0
  for (const byte of h) sum += byte
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
  return h
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)])
}

/** One pax record: "<length> <key>=<value>\n", where length counts the whole record in bytes. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')])
  let length = body.length + 1
  while (String(length).length + body.length !== length) length = String(length).length + body.length
  return Buffer.concat([Buffer.from(String(length)), body])
}

export function paxTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    const records = Object.entries(entry.xattrs ?? {}).map(([k, v]) => paxRecord(`SCHILY.xattr.${k}`, v))
    if (records.length > 0) {
      const pax = Buffer.concat(records)
      parts.push(header(Buffer.from('PaxHeaders/entry'), pax.length, 0o644, 'x'), padded(pax))
    }
    parts.push(header(entry.name, entry.content.length, entry.mode, '0'), padded(entry.content))
  }
  parts.push(Buffer.alloc(BLOCK * 2))
  return Buffer.concat(parts)
}

/** `security.capability` value (vfs_cap_data revision 2) granting the given capability bits, effective. */
export function fileCapsXattr(permittedBits: number[]): Buffer {
  const VFS_CAP_REVISION_2 = 0x02000000
  const VFS_CAP_FLAGS_EFFECTIVE = 0x000001
  let low = 0
  let high = 0
  for (const bit of permittedBits) {
    if (bit < 32) low |= 1 << bit
    else high |= 1 << (bit - 32)
  }
  const data = Buffer.alloc(20)
  data.writeUInt32LE(VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE, 0)
  data.writeUInt32LE(low >>> 0, 4) // permitted[0]
  data.writeUInt32LE(0, 8) // inheritable[0]
  data.writeUInt32LE(high >>> 0, 12) // permitted[1]
  data.writeUInt32LE(0, 16) // inheritable[1]
  return data
}
