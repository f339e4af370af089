// Loads the scanner bundle (dist/index.js, 5.6 MB) with a V8 code cache, so a repeated `scan` does not
// compile it again: about 200 ms of the CLI's start on the CI machine, more than the cached build it runs.
// Node 22's module.enableCompileCache() does the same, but the CLI also runs on Node 20.
//
// V8 checks a cache only against the source's length and its own version and flags, so a cache someone
// else could write would be code injection: the folder must be ours and not writable by others, each file
// ours, regular and not group- or world-writable; anything else is ignored and the bundle compiles as
// usual. The file name carries the bundle's SHA-256 and the Node version; older files are removed.
import { createHash } from 'node:crypto'
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  type Stats
} from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { Script } from 'node:vm'

/** Set to 1 (or any non-empty value but 0) to compile the bundle every time. */
export const NO_CACHE_ENV = 'LEAST_PRIVILEGE_NO_CODE_CACHE'
const PREFIX = 'bundle-'
const SUFFIX = '.v8'
/** A code cache of the bundle is about 2 MB; anything far larger is not ours. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024
/** Stale files removed per write: the folder holds only what we wrote, one per version. */
const MAX_STALE_REMOVED = 32

export type CacheState = 'hit' | 'written' | 'rejected' | 'off'

export interface CodeCacheOptions {
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  uid?: number
  home?: string
}

/** `$XDG_CACHE_HOME/least-privilege`, else `~/.cache/least-privilege`; undefined when off or unsafe to use. */
export function cacheFolder(options: CodeCacheOptions = {}): string | undefined {
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform
  const value = env[NO_CACHE_ENV]
  if (value !== undefined && value !== '' && value !== '0') return undefined
  if (platform === 'win32' || typeof process.getuid !== 'function') return undefined
  const xdg = env.XDG_CACHE_HOME
  const base = xdg && xdg.startsWith('/') ? xdg : join(options.home ?? safeHome(), '.cache')
  return base.startsWith('/') ? join(base, 'least-privilege') : undefined
}

function safeHome(): string {
  try {
    return homedir()
  } catch {
    return ''
  }
}

/** Ours, not writable by group or others, and of the expected kind (lstat: a symlink is neither). */
function trusted(stats: Stats, uid: number, kind: 'file' | 'dir'): boolean {
  const rightKind = kind === 'file' ? stats.isFile() : stats.isDirectory()
  return rightKind && stats.uid === uid && (stats.mode & 0o022) === 0
}

function readTrusted(file: string, uid: number): Buffer | undefined {
  let fd: number | undefined
  try {
    // O_NOFOLLOW: a symlink planted under the file's name is refused by the kernel, not followed.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW)
    const stats = fstatSync(fd)
    if (!trusted(stats, uid, 'file') || stats.size > MAX_CACHE_BYTES) return undefined
    return readFileSync(fd)
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** The folder, created 0700 when missing; undefined when it exists but is not safely ours. */
function ensureFolder(folder: string, uid: number): string | undefined {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    return trusted(lstatSync(folder), uid, 'dir') ? folder : undefined
  } catch {
    return undefined
  }
}

function writeCache(folder: string, name: string, data: Buffer): void {
  const file = join(folder, name)
  const temp = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(temp, data, { mode: 0o600, flag: 'wx' })
    renameSync(temp, file)
  } catch {
    rmSync(temp, { force: true })
    return
  }
  let removed = 0
  for (const entry of readdirSync(folder)) {
    if (removed >= MAX_STALE_REMOVED) break
    if (entry !== name && entry.startsWith(PREFIX) && entry.endsWith(SUFFIX)) {
      rmSync(join(folder, entry), { force: true })
      removed++
    }
  }
}

/**
 * Runs the CommonJS file as `require` would (its own `require`, `module`, `__dirname`) and reports what
 * the cache did. A missing or rejected cache is written when the process exits, after the run, so it holds
 * the functions the scan compiled too.
 */
export function requireWithCodeCache(file: string, options: CodeCacheOptions = {}): CacheState {
  const bytes = readFileSync(file)
  const source = bytes.toString('utf8')
  const uid = options.uid ?? process.getuid?.() ?? -1
  const folder = cacheFolder(options)
  const key = createHash('sha256').update(process.versions.v8).update('\0').update(bytes).digest('hex')
  const name = `${PREFIX}${key.slice(0, 32)}-${process.arch}${SUFFIX}`
  const usable = folder === undefined ? undefined : ensureFolder(folder, uid)
  const cachedData = usable === undefined ? undefined : readTrusted(join(usable, name), uid)
  // One line, as Node's own wrapper: the bundle's line numbers stay as they are in the file.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) })
  const state: CacheState =
    usable === undefined
      ? 'off'
      : cachedData && !script.cachedDataRejected
        ? 'hit'
        : cachedData
          ? 'rejected'
          : 'written'
  if (usable !== undefined && state !== 'hit') {
    process.once('exit', () => {
      try {
        writeCache(usable, name, script.createCachedData())
      } catch {
        // A cache is an optimisation: a full disk or a read-only home only costs the next start.
      }
    })
  }
  const module = { exports: {}, filename: file, id: file, loaded: false }
  const run = script.runInThisContext() as (...args: unknown[]) => void
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file))
  module.loaded = true
  return state
}
