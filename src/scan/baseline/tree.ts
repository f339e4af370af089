// The base commit's files, written into a temporary folder from `git archive`, so the same readers that
// scan the work tree (discovery, deployments, context files) scan the base: no second implementation.
// Bounded: entries, bytes per file (a file over the readers' own limit is cut just past it, so they refuse it
// as they would at the head) and bytes in all. Only regular files and folders are written, each checked to
// stay inside the folder; symlinks are left out, as the folder search never follows them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { extract } from 'tar-stream'
import { MAX_FILE_BYTES } from '../../dockerfile/limits'
import { archiveTree, type GitLocation } from './git'

export const MAX_BASE_ENTRIES = 500_000
export const MAX_BASE_BYTES = 1024 * 1024 * 1024
/** One byte past the largest file any reader accepts: a bigger file is refused alike at both commits. */
const KEEP_BYTES_PER_FILE = MAX_FILE_BYTES + 1

export interface BaseTree {
  /** Absolute folder holding the base's files at the same relative paths as under repoRoot. */
  root: string
  remove: () => void
}

/** Writes the tree of `commit` (at the location's prefix in the work tree) into a new temporary folder. */
export async function materializeTree(location: GitLocation, commit: string): Promise<BaseTree> {
  const root = mkdtempSync(join(tmpdir(), 'least-privilege-base-'))
  const remove = (): void => rmSync(root, { recursive: true, force: true })
  try {
    await writeArchive(location, commit, root)
  } catch (error) {
    remove()
    throw error
  }
  return { root, remove }
}

async function writeArchive(location: GitLocation, commit: string, root: string): Promise<void> {
  const archive = archiveTree(location, commit)
  const unpack = extract()
  let entries = 0
  let total = 0
  const inside = root.endsWith(sep) ? root : root + sep
  const finished = new Promise<void>((resolveDone, reject) => {
    unpack.on('entry', (header, stream, next) => {
      const fail = (error: Error): void => {
        archive.kill()
        stream.resume()
        reject(error)
      }
      if (++entries > MAX_BASE_ENTRIES)
        return fail(new Error(`the base tree has more than ${MAX_BASE_ENTRIES} entries`))
      const target = resolve(root, header.name)
      const kind = header.type
      if (!target.startsWith(inside) || (kind !== 'file' && kind !== 'directory')) {
        stream.resume()
        stream.on('end', () => next())
        return
      }
      if (kind === 'directory') {
        mkdirSync(target, { recursive: true })
        stream.resume()
        stream.on('end', () => next())
        return
      }
      const chunks: Buffer[] = []
      let kept = 0
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer
        if (kept >= KEEP_BYTES_PER_FILE) return
        const part = chunk.subarray(0, KEEP_BYTES_PER_FILE - kept)
        kept += part.length
        chunks.push(part)
      })
      stream.on('end', () => {
        total += kept
        if (total > MAX_BASE_BYTES)
          return fail(new Error(`the base tree holds more than ${MAX_BASE_BYTES / 1024 ** 3} GiB`))
        try {
          mkdirSync(resolve(target, '..'), { recursive: true })
          writeFileSync(target, Buffer.concat(chunks), { mode: (header.mode ?? 0o644) & 0o777 })
        } catch (error) {
          return fail(error as Error)
        }
        next()
      })
    })
    unpack.on('finish', () => resolveDone())
    unpack.on('error', reject)
  })
  archive.tar.pipe(unpack)
  await Promise.all([finished, archive.done])
}
