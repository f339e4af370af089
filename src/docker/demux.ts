// Splits a non-TTY container log buffer into stdout and stderr. Each frame is an 8-byte header
// [stream (1 stdout, 2 stderr), 0, 0, 0, uint32 big-endian size] followed by that many bytes.
export function demuxLogs(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = []
  const err: Buffer[] = []
  let offset = 0
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset]
    const size = buffer.readUInt32BE(offset + 4)
    const payload = buffer.subarray(offset + 8, offset + 8 + size)
    if (kind === 2) err.push(payload)
    else out.push(payload)
    offset += 8 + size
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }
}
