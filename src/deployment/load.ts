// Declared deployments for the settings: files named with --deployment (or `-` for stdin) and the compose
// files and Kubernetes manifests found in scanned folders, read into one list when the settings are read,
// so a bad file is a usage error (one line with the file and line) before any build.
import { statSync } from 'node:fs'
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { UsageError, describeError } from '../errors'
import { readSeccompProfile } from '../profile/load'
import { findComposeFiles, isComposeFileName, readCompose } from './compose'
import { composeFileSystem } from './compose/io'
import { looksLikeKubernetesManifest, readKubernetesManifest } from './kubernetes'
import type { Deployment, DeploymentFile } from './types'
import { MAX_DEPLOYMENT_BYTES } from './yaml'
import { walkFiles } from '../walk/walk'

/** YAML/JSON files read to tell whether they are manifests. */
export const MAX_MANIFEST_CANDIDATES = 2_000
/** Deployments from all files together. */
export const MAX_DEPLOYMENTS_TOTAL = 10_000

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json'])
export const STDIN_NAME = '<stdin>'

export interface DeploymentLoadOptions {
  cwd: string
  repoRoot: string
  env: Record<string, string | undefined>
  /** Reads standard input (for `-`); bounded by the caller. */
  readStdin?: () => string
  /**
   * The cluster's kubelets run with seccompDefault (config `kubernetes: {seccomp-default: runtime-default}`):
   * a container without seccompProfile gets the runtime's default profile instead of Unconfined.
   */
  kubeletSeccompDefault?: boolean
  /** Folder searches leave out what git ignores (default true) and what these globs exclude (src/walk/). */
  gitignore?: boolean
  exclude?: readonly string[]
}

export interface LoadedDeployments {
  deployments: Deployment[]
  /** What a reader skipped (unknown kinds, include), with the file and line. */
  notes: { file: string; line: number; message: string }[]
}

/** Reads the named files (`-` is stdin, read as a manifest) and the deployments found in `folders`. */
export function loadDeployments(
  named: readonly string[],
  folders: readonly string[],
  opts: DeploymentLoadOptions
): LoadedDeployments {
  const fs = composeFileSystem()
  const out: LoadedDeployments = { deployments: [], notes: [] }
  const seen = new Set<string>()
  const add = (file: DeploymentFile): void => {
    for (const deployment of file.deployments) {
      if (out.deployments.length >= MAX_DEPLOYMENTS_TOTAL)
        throw new UsageError(`more than ${MAX_DEPLOYMENTS_TOTAL} deployments declared, over the limit`)
      loadSeccompFile(deployment, opts.repoRoot)
      out.deployments.push(deployment)
    }
    for (const note of file.notes) out.notes.push({ file: file.file, ...note })
  }
  const compose = (files: string[]): void => {
    const key = files.map(f => resolve(opts.cwd, f)).join('\0')
    if (seen.has(key)) return
    seen.add(key)
    add(
      readCompose(
        files.map(f => resolve(opts.cwd, f)),
        { ...fs, env: opts.env, repoRoot: opts.repoRoot }
      )
    )
  }
  const manifest = (text: string, file: string, key: string): void => {
    if (seen.has(key)) return
    seen.add(key)
    add(readKubernetesManifest(text, file, { kubeletSeccompDefault: opts.kubeletSeccompDefault === true }))
  }

  for (const given of named) {
    if (given === '-') {
      if (!opts.readStdin) throw new UsageError('--deployment -: standard input cannot be read here')
      manifest(opts.readStdin(), STDIN_NAME, STDIN_NAME)
      continue
    }
    const abs = resolve(opts.cwd, given)
    let text: string
    try {
      text = fs.readFile(abs)
    } catch (error) {
      throw new UsageError(`${given}: cannot be read: ${fsReason(error)}`)
    }
    if (isComposeFileName(abs) || (!looksLikeKubernetesManifest(text) && /^services\s*:/m.test(text)))
      compose([abs])
    else manifest(text, displayName(abs, opts.repoRoot), abs)
  }

  for (const folder of folders) {
    const abs = resolve(opts.cwd, folder)
    if (!isDirectory(abs)) continue
    const listing = walkFiles(
      abs,
      { repoRoot: opts.repoRoot, gitignore: opts.gitignore ?? true, exclude: opts.exclude ?? [] },
      { shownAs: folder }
    )
    for (const project of findComposeFiles(listing)) compose(project)
    let candidates = 0
    for (const path of listing) {
      if (!MANIFEST_EXTENSIONS.has(extname(path).toLowerCase()) || isComposeFileName(path)) continue
      if (++candidates > MAX_MANIFEST_CANDIDATES) break
      let text: string
      try {
        text = fs.readFile(path)
      } catch {
        continue // unreadable or too big: not a manifest we could judge, and not named by the user
      }
      if (looksLikeKubernetesManifest(text)) manifest(text, displayName(path, opts.repoRoot), path)
    }
  }
  return out
}

/** Bounded stdin reader for the CLI (a manifest is at most the reader's size limit). */
export function stdinReader(read: (buffer: Buffer) => number): () => string {
  return () => {
    const buffer = Buffer.alloc(MAX_DEPLOYMENT_BYTES + 1)
    let total = 0
    while (total < buffer.length) {
      let n: number
      try {
        n = read(buffer.subarray(total))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EOF') break
        throw new UsageError(`${STDIN_NAME}: cannot be read: ${fsReason(error)}`)
      }
      if (n === 0) break
      total += n
    }
    if (total > MAX_DEPLOYMENT_BYTES)
      throw new UsageError(`${STDIN_NAME}: larger than ${MAX_DEPLOYMENT_BYTES} bytes`)
    return buffer.subarray(0, total).toString('utf8')
  }
}

/**
 * A compose `security_opt: seccomp:FILE` names a profile file relative to the project folder: read it now
 * (as run-options' file is), so the probe can send it and a bad file fails before any build.
 */
function loadSeccompFile(deployment: Deployment, repoRoot: string): void {
  const opts = deployment.profile.securityOpt
  const seccomp = opts.seccomp
  if (seccomp === undefined || seccomp === 'unconfined' || seccomp === 'builtin' || opts.seccompProfile)
    return
  const at = deployment.locations['securityOpt.seccomp']
  const base = dirname(resolve(repoRoot, deployment.file))
  const path = resolve(base, seccomp)
  try {
    opts.seccompProfile = { path, json: readSeccompProfile(seccomp, path) }
  } catch (error) {
    const where = at ? `${at.file}: line ${at.line}` : deployment.file
    throw new UsageError(`${where}: ${describeError(error).replace(/^run-options: /, '')}`)
  }
}

/** Repo-relative with forward slashes; a file outside the repository keeps its absolute path. */
function displayName(abs: string, repoRoot: string): string {
  const rel = relative(repoRoot, abs)
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return abs
  return rel.split(sep).join('/')
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function fsReason(error: unknown): string {
  return describeError(error)
    .replace(/^Error: /, '')
    .replace(/, \w+ '.*'$/, '')
}
