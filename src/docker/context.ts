// The build context as a tar stream, with Docker's .dockerignore semantics (patterns relative to the context
// root, `!` exceptions, `**`, parent directories), symlinks kept as links and modes kept (setuid included).
// As BuildKit does, `<Dockerfile>.dockerignore` beside the Dockerfile is used instead of `<context>/.dockerignore`.
import { createReadStream, existsSync, readFileSync } from 'node:fs'
import { lstat, readdir, readlink, stat } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import ignore, { type Ignore } from '@balena/dockerignore'
import { pack, type Pack } from 'tar-stream'

export interface BuildContext {
  /** The tar stream to send as the request body. */
  tar: Readable
  /** The `dockerfile` build parameter: a path inside the tar (forward slashes). */
  dockerfile: string
}

/**
 * The ignore file a build of `dockerfilePath` in `contextDir` uses: BuildKit's Dockerfile-specific one
 * (`app/Dockerfile.prod.dockerignore` for `app/Dockerfile.prod`) when it exists, else `<context>/.dockerignore`
 * when that exists, else none. Never both: the specific file replaces the context's.
 */
export function dockerignoreFile(contextDir: string, dockerfilePath?: string): string | undefined {
  if (dockerfilePath) {
    const specific = join(dirname(dockerfilePath), `${basename(dockerfilePath)}.dockerignore`)
    if (existsSync(specific)) return specific
  }
  const shared = join(contextDir, '.dockerignore')
  return existsSync(shared) ? shared : undefined
}

/** The ignore matcher for a build of `dockerfilePath` in `contextDir` (see dockerignoreFile), or one that ignores nothing. */
export function readDockerignore(contextDir: string, dockerfilePath?: string): Ignore {
  const file = dockerignoreFile(contextDir, dockerfilePath)
  const matcher = ignore()
  if (file) matcher.add(readFileSync(file, 'utf8'))
  return matcher
}

function toPosix(path: string): string {
  return path.split(sep).join('/')
}

/** A path inside `dir` (not `dir` itself, not escaping it). */
function insideOf(dir: string, path: string): string | undefined {
  const rel = relative(dir, path)
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined
  return toPosix(rel)
}

/** True when some `!` exception could re-include something below `dir`, so an ignored dir must still be walked. */
function hasExceptions(dockerignoreText: string): boolean {
  return dockerignoreText.split(/\r?\n/).some(line => line.trim().startsWith('!'))
}

/**
 * Files that go into the context, relative and sorted, in the order they are written. The Dockerfile and the
 * ignore file in use are always sent, as the docker CLI does, even when a pattern matches them; with a
 * Dockerfile-specific ignore file, `.dockerignore` is an ordinary file of the context.
 */
export async function listContext(
  contextDir: string,
  alwaysInclude: string[] = [],
  dockerfilePath?: string
): Promise<string[]> {
  const ignoreFile = dockerignoreFile(contextDir, dockerfilePath)
  const matcher = readDockerignore(contextDir, dockerfilePath)
  const walkIgnored = ignoreFile !== undefined && hasExceptions(readFileSync(ignoreFile, 'utf8'))
  const ignoreInside = ignoreFile ? insideOf(contextDir, ignoreFile) : undefined
  const keep = new Set([...(ignoreInside ? [ignoreInside] : []), ...alwaysInclude])
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    const names = (await readdir(join(contextDir, dir))).sort()
    for (const name of names) {
      const rel = dir ? `${dir}/${name}` : name
      const info = await lstat(join(contextDir, rel))
      const ignored = !keep.has(rel) && matcher.ignores(rel)
      if (!ignored) out.push(rel)
      if (info.isDirectory() && (!ignored || walkIgnored)) await walk(rel)
    }
  }
  await walk('')
  return out
}

async function addEntry(tar: Pack, root: string, rel: string, name = rel): Promise<void> {
  const full = join(root, rel)
  const info = await lstat(full)
  // Owner 0:0 like the docker CLI's context (ChownOpts root); the mode keeps setuid/setgid/sticky bits.
  const header = { name, mode: info.mode & 0o7777, mtime: info.mtime, uid: 0, gid: 0 }
  if (info.isSymbolicLink()) {
    tar.entry({ ...header, type: 'symlink', linkname: await readlink(full) })
  } else if (info.isDirectory()) {
    tar.entry({ ...header, type: 'directory' })
  } else if (info.isFile()) {
    const entry = tar.entry({ ...header, type: 'file', size: info.size })
    await pipeline(createReadStream(full), entry)
  }
  // Sockets, FIFOs and devices are left out: a build cannot use them.
}

/**
 * Tars `contextDir` for `POST /build`. A Dockerfile outside the context is added under a unique name at the
 * root of the tar, which is then the `dockerfile` parameter.
 */
export async function createBuildContext(contextDir: string, dockerfilePath: string): Promise<BuildContext> {
  if (!(await stat(contextDir)).isDirectory())
    throw new Error(`build context ${contextDir} is not a directory`)
  const inside = insideOf(contextDir, dockerfilePath)
  const dockerfile = inside ?? `.least-privilege-dockerfile-${randomBytes(6).toString('hex')}`
  const files = await listContext(contextDir, inside ? [inside] : [], dockerfilePath)
  const tar = pack()
  void (async () => {
    try {
      for (const rel of files) await addEntry(tar, contextDir, rel)
      if (!inside) {
        const text = readFileSync(dockerfilePath)
        tar.entry({ name: dockerfile, mode: 0o644, uid: 0, gid: 0, size: text.length }, text)
      }
      tar.finalize()
    } catch (error) {
      tar.destroy(error as Error)
    }
  })()
  // tar-stream 3 packs into a streamx Readable: same pipe() contract as node streams.
  return { tar: tar as unknown as Readable, dockerfile }
}
