// Entrypoint scripts the Dockerfile copies from the build context, read as text at scan time so the
// static rules (pure) can see a privilege drop in them. Bounded in size and count; files are never run,
// never passed through a shell, and never read from outside the build context (symlinks included).
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, sep } from 'node:path'
import { imageProcess, programPaths, scriptPrograms } from '../dockerfile/drops'
import { factsOf, finalLineage } from '../dockerfile/lineage'
import type { ContextFile, CopyFact, DockerfileModel } from '../dockerfile/types'
import { readDockerignore } from '../docker/context'

/** Scripts read per Dockerfile. */
export const MAX_CONTEXT_FILES = 8
/** Bytes read per script; a longer one is read up to here (`truncated`). */
export const MAX_CONTEXT_FILE_BYTES = 256 * 1024
/** Candidate paths tried per Dockerfile (COPY sources times programs). */
const MAX_CANDIDATES = 64

const basename = (path: string): string =>
  path.replace(/\/+$/, '').slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1)

interface Candidate {
  /** Source path relative to the context, as COPY names it (forward slashes). */
  source: string
  imagePath: string
}

/** Where each of `programs` may come from in the build context, as the final image's COPYs put them. */
function candidates(model: DockerfileModel, programs: readonly string[]): Candidate[] {
  if (programs.length === 0) return []
  const out: Candidate[] = []
  for (const stage of finalLineage(model)) {
    for (const copy of factsOf(stage).copies) {
      if (copy.from !== undefined || !copy.dest) continue
      for (const program of programs) {
        for (const candidate of fromCopy(copy, program)) {
          if (out.length >= MAX_CANDIDATES) return out
          if (!out.some(c => c.source === candidate.source)) out.push(candidate)
        }
      }
    }
  }
  return out
}

/** The context path a COPY takes `program` from: a source of the same name, or a folder holding it. */
function fromCopy(copy: CopyFact, program: string): Candidate[] {
  const dest = copy.dest ?? ''
  const name = basename(program)
  const out: Candidate[] = []
  for (const source of copy.sources) {
    if (/^[a-z]+:\/\//i.test(source) || /[*?[]/.test(source) || source.includes('$')) continue
    const clean = source.replace(/^\.\//, '')
    // `.` and `./` are the WORKDIR: a folder, like any dest ending in `/` or taking several sources.
    const toDir = dest.endsWith('/') || dest === '.' || dest.endsWith('/.') || copy.sources.length > 1
    // `COPY entrypoint.sh /usr/local/bin/docker-entrypoint`: one file copied under the program's name.
    if (!toDir && dest !== '' && (dest === program || basename(dest) === name) && !clean.endsWith('/')) {
      out.push({ source: clean, imagePath: dest.startsWith('/') ? dest : `/${dest}` })
      continue
    }
    if (basename(clean) === name) {
      const imagePath = toDir ? `${dest}${dest.endsWith('/') ? '' : '/'}${name}` : dest
      out.push({ source: clean, imagePath: imagePath.startsWith('/') ? imagePath : `/${imagePath}` })
      continue
    }
    // `COPY rootfs/ /`: a folder source lands under dest, so /usr/local/bin/x comes from rootfs/usr/local/bin/x.
    const root = dest.endsWith('/') ? dest : `${dest}/`
    if (
      program.startsWith('/') &&
      program.startsWith(root) &&
      (clean.endsWith('/') || clean === '.' || !clean.includes('.'))
    ) {
      const rel = program.slice(root.length)
      out.push({ source: `${clean.replace(/\/+$/, '')}/${rel}`.replace(/^\.\//, ''), imagePath: program })
    }
  }
  return out
}

/**
 * Reads the entrypoint scripts of the final image from `contextDir`, as far as they exist there: regular
 * files inside the context, text only, at most MAX_CONTEXT_FILES of MAX_CONTEXT_FILE_BYTES each. A file the
 * build's ignore file leaves out of the context (`<Dockerfile>.dockerignore`, else `.dockerignore`) never
 * reaches the image, so it is not read either.
 */
export function readContextFiles(
  model: DockerfileModel,
  contextDir: string,
  dockerfilePath?: string
): ContextFile[] {
  let root: string
  try {
    root = realpathSync(contextDir)
  } catch {
    return []
  }
  let ignored: (source: string) => boolean
  try {
    const matcher = readDockerignore(contextDir, dockerfilePath)
    ignored = source => matcher.ignores(source)
  } catch {
    ignored = () => false // an unreadable ignore file: the build reports it; the scripts are still worth reading
  }
  const files: ContextFile[] = []
  const tried = new Set<string>()
  // The entrypoint's own programs first, then the scripts those run (a chain of scripts), all bounded.
  let programs = programPaths(imageProcess(model))
  for (let round = 0; round < MAX_CONTEXT_FILES && programs.length > 0; round++) {
    const next: string[] = []
    for (const candidate of candidates(model, programs)) {
      if (files.length >= MAX_CONTEXT_FILES) return files
      if (tried.has(candidate.source)) continue
      tried.add(candidate.source)
      if (ignored(candidate.source)) continue
      const read = readInside(root, candidate.source)
      if (!read) continue
      const file: ContextFile = { path: candidate.source, imagePath: candidate.imagePath, ...read }
      files.push(file)
      next.push(...scriptPrograms(file))
    }
    programs = next
  }
  return files
}

function readInside(root: string, source: string): { text: string; truncated?: boolean } | undefined {
  if (isAbsolute(source) || source.split('/').includes('..')) return undefined
  let path: string
  try {
    path = realpathSync(join(root, ...source.split('/')))
  } catch {
    return undefined
  }
  const rel = relative(root, path)
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined
  let fd: number | undefined
  try {
    if (!statSync(path).isFile()) return undefined
    fd = openSync(path, 'r')
    const buffer = Buffer.alloc(MAX_CONTEXT_FILE_BYTES + 1)
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    const bytes = buffer.subarray(0, Math.min(length, MAX_CONTEXT_FILE_BYTES))
    if (bytes.includes(0)) return undefined
    const text = bytes.toString('utf8')
    return length > MAX_CONTEXT_FILE_BYTES ? { text, truncated: true } : { text }
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
