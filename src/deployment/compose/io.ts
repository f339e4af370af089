// The file access readCompose needs, for callers that read the real file system: regular files only (a
// FIFO or a device named as a compose or .env file cannot block the process), at most the deployment-file
// cap, opened non-blocking and checked again on the open descriptor.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs'
import { MAX_DEPLOYMENT_BYTES } from '../yaml'

export interface ComposeFiles {
  readFile(path: string): string
  exists(path: string): boolean
}

export function composeFileSystem(maxBytes = MAX_DEPLOYMENT_BYTES): ComposeFiles {
  return {
    exists: path => {
      try {
        statSync(path)
        return true
      } catch {
        return false
      }
    },
    readFile: path => {
      if (!statSync(path).isFile()) throw new Error('not a regular file')
      const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0))
      try {
        const stats = fstatSync(fd)
        if (!stats.isFile()) throw new Error('not a regular file')
        if (stats.size > maxBytes) throw new Error(`larger than ${maxBytes} bytes`)
        const buffer = Buffer.alloc(maxBytes + 1)
        let total = 0
        while (total < buffer.length) {
          const n = readSync(fd, buffer, total, buffer.length - total, null)
          if (n === 0) break
          total += n
        }
        if (total > maxBytes) throw new Error(`larger than ${maxBytes} bytes`)
        return buffer.subarray(0, total).toString('utf8')
      } finally {
        closeSync(fd)
      }
    }
  }
}
