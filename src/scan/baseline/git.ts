// The git calls of the baseline gate: resolve a ref to a commit, list what changed since it, stream its tree.
// git runs without a shell (argument arrays, `--end-of-options` before anything the user wrote), with a
// timeout and a cap on what it may print, and with `safe.directory` set for this call only: on a runner the
// workspace may belong to another uid, and a refusal there must not look like an unknown ref.
import { spawn, spawnSync } from 'node:child_process'
import type { Readable } from 'node:stream'
import { UsageError } from '../../errors'

/** Generous for a local repository; a stalled git (a lock, a network filesystem) still ends. */
export const GIT_TIMEOUT_MS = 120_000
/** `git diff --name-status` of a monorepo PR is a few KiB; this bounds a pathological one. */
const MAX_GIT_OUTPUT_BYTES = 64 * 1024 * 1024

function gitArgs(repoRoot: string, args: readonly string[]): string[] {
  return ['-c', `safe.directory=${repoRoot}`, '-c', 'core.quotepath=off', ...args]
}

/** The first line git wrote to stderr, without its `fatal: ` prefix, for an error that names the input. */
function gitReason(stderr: string): string {
  const line = stderr.split(/\r?\n/).find(l => l.trim() !== '') ?? 'git failed'
  return line.replace(/^(fatal|error): /, '').slice(0, 300)
}

/** Runs git synchronously (settings are read synchronously); stdout as text. */
function gitSync(repoRoot: string, args: readonly string[]): { ok: boolean; stdout: string; stderr: string } {
  const run = spawnSync('git', gitArgs(repoRoot, args), {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: GIT_TIMEOUT_MS,
    maxBuffer: MAX_GIT_OUTPUT_BYTES,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }
  })
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UsageError(`${'git'} is not installed: the baseline needs it`)
    return { ok: false, stdout: '', stderr: run.error.message }
  }
  return { ok: run.status === 0, stdout: run.stdout, stderr: run.stderr }
}

/** Where `repoRoot` sits inside its git work tree (`''` at the top, else `sub/dir/`). */
export interface GitLocation {
  /** Path of `repoRoot` relative to the work tree's top, with a trailing `/` (or empty). */
  prefix: string
  /** The work tree's top folder: git archive runs there (from a subfolder it would archive only that). */
  top: string
}

/** The repository `repoRoot` is in; a one-line error naming `what` (the flag or input) when it is none. */
export function gitLocation(repoRoot: string, what: string): GitLocation {
  const run = gitSync(repoRoot, ['rev-parse', '--show-prefix', '--show-toplevel'])
  if (!run.ok)
    throw new UsageError(`${what}: ${repoRoot} is not inside a git repository (${gitReason(run.stderr)})`)
  const [prefix = '', top = repoRoot] = run.stdout.split('\n')
  return { prefix: prefix.trim(), top: top.trim() || repoRoot }
}

/** True when the object (`sha`, `sha:path`) exists locally. */
export function hasObject(repoRoot: string, name: string): boolean {
  return gitSync(repoRoot, ['cat-file', '-e', '--end-of-options', name]).ok
}

/** True when the commit object is present locally. */
export function hasCommit(repoRoot: string, commit: string): boolean {
  return gitSync(repoRoot, ['cat-file', '-e', '--end-of-options', `${commit}^{commit}`]).ok
}

/** The full commit id `ref` names; a one-line UsageError naming `what` and the ref when it names none. */
export function resolveCommit(repoRoot: string, ref: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  if (ref.trim() === '' || /[\u0000-\u001f\u007f]/.test(ref))
    throw new UsageError(`${what}: ${JSON.stringify(ref)} is not a git revision`)
  gitLocation(repoRoot, what)
  const run = gitSync(repoRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
  const commit = run.stdout.trim()
  if (!run.ok || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit))
    throw new UsageError(
      `${what}: ${JSON.stringify(ref)} is not a commit in this repository (fetch it first, e.g. with actions/checkout fetch-depth: 0)`
    )
  return commit
}

/**
 * Fetches one commit from `origin` (a shallow PR checkout lacks the base): true when it is present after.
 * Uses the credentials actions/checkout left in the repository's config; never prompts.
 */
export function fetchCommit(repoRoot: string, commit: string): boolean {
  if (hasCommit(repoRoot, commit)) return true
  gitSync(repoRoot, ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', 'origin', commit])
  return hasCommit(repoRoot, commit)
}

/** One path that differs between the base commit and the files on disk, as git reports it (rename-aware). */
export interface ChangedPath {
  /** A added, D deleted, M modified, R renamed, C copied, T type changed. */
  status: string
  /** The path at the base (for A: the path on disk). Relative to repoRoot, forward slashes. */
  before: string
  /** The path on disk (for D: the path at the base). */
  after: string
}

/** Parses `git diff --name-status -z` output: `R100\0old\0new\0M\0path\0...`. */
export function parseNameStatus(output: string): ChangedPath[] {
  const fields = output.split('\0')
  const out: ChangedPath[] = []
  for (let i = 0; i < fields.length;) {
    const status = fields[i++]
    if (!status) continue
    const kind = status[0]
    if (kind === 'R' || kind === 'C') {
      const before = fields[i++] ?? ''
      const after = fields[i++] ?? ''
      out.push({ status: kind, before, after })
    } else {
      const path = fields[i++] ?? ''
      out.push({ status: kind, before: path, after: path })
    }
  }
  return out
}

/**
 * What differs between `commit` and the work tree under `repoRoot` (tracked files; untracked ones are new by
 * absence). Paths relative to repoRoot.
 */
export function changedSince(repoRoot: string, commit: string): ChangedPath[] {
  const run = gitSync(repoRoot, [
    'diff',
    '--name-status',
    '-z',
    // -C as well as -M: a file moved away and replaced by a new one at its old path is a rename before
    // `git add` and a copy from a modified file after it; both are followed, so the index never decides.
    // (A copy of an unmodified file is not reported: it is new code.)
    '-M',
    '-C',
    '--relative',
    '--no-ext-diff',
    '--no-textconv',
    '--ignore-submodules',
    commit,
    '--'
  ])
  if (!run.ok) throw new Error(`git diff against ${commit.slice(0, 12)} failed: ${gitReason(run.stderr)}`)
  return parseNameStatus(run.stdout)
}

/** A running `git archive`: its tar on stdout, and how it ended. */
export interface ArchiveStream {
  tar: Readable
  /** Resolves when git exits 0; rejects with git's reason otherwise (or on timeout). */
  done: Promise<void>
  kill: () => void
}

/** Streams the tree of `commit` at `prefix` (repoRoot inside the work tree) as a tar. */
export function archiveTree(location: GitLocation, commit: string): ArchiveStream {
  const { prefix, top } = location
  const treeish = prefix === '' ? commit : `${commit}:${prefix.replace(/\/$/, '')}`
  const child = spawn('git', gitArgs(top, ['archive', '--format=tar', '--end-of-options', treeish]), {
    cwd: top,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }
  })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), GIT_TIMEOUT_MS)
  const done = new Promise<void>((resolveDone, reject) => {
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolveDone()
      else
        reject(
          new Error(
            `git archive ${treeish.slice(0, 60)} failed: ${signal ? `stopped by ${signal}` : gitReason(stderr)}`
          )
        )
    })
  })
  return { tar: child.stdout, done, kill: () => child.kill('SIGKILL') }
}
