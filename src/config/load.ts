// Reads the config file: `.least-privilege.yml` (or `.yaml`) at the repository root, or the file named with
// --config (action input `config`). Parsed with the deployment YAML reader (it keeps every key's line),
// validated against the shipped schema, and resolved: mapped Dockerfiles must exist, run-options are parsed
// (their seccomp file read) now, so any mistake is one line naming the file, line and key before any build.
import { existsSync, realpathSync, statSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { UsageError, describeError } from '../errors'
import type { FailOn } from '../findings'
import { composeFileSystem } from '../deployment/compose/io'
import { entry, keyText, scalarText, type MapNode } from '../deployment/compose/tree'
import { parseYamlDocuments, type LocatedNode, type SourceLocation } from '../deployment/yaml'
import { loadRuntimeProfile } from '../profile/load'
import { redactText } from '../profile/redact'
import { excludeProblem } from '../walk/exclude'
import { imageName } from './image-ref'
import { parsePolicy } from './policy'
import type { Config, DockerfileOptions, SeccompDefault } from './types'
import { validateConfig } from './validate'

export const CONFIG_FILE_NAMES = ['.least-privilege.yml', '.least-privilege.yaml'] as const

export interface ConfigLookup {
  /** Where the default file is looked for. */
  repoRoot: string
  /** --config / input `config`: an absolute path; it must exist. */
  explicit?: string
  /** How --config was written, for messages (default: the path relative to the repository root). */
  explicitName?: string
}

/** The config file to read, or undefined when there is none (an absent default file is fine). */
export function findConfigFile(lookup: ConfigLookup): { path: string; file: string } | undefined {
  if (lookup.explicit !== undefined) {
    const name = lookup.explicitName ?? displayName(lookup.explicit, lookup.repoRoot)
    if (!isFile(lookup.explicit)) {
      const why = existsSync(lookup.explicit) ? 'is not a file' : 'does not exist'
      throw new UsageError(`config file ${JSON.stringify(name)} ${why}`)
    }
    return { path: lookup.explicit, file: name }
  }
  const found = CONFIG_FILE_NAMES.map(name => resolve(lookup.repoRoot, name)).filter(isFile)
  if (found.length > 1)
    throw new UsageError(
      `both ${CONFIG_FILE_NAMES.join(' and ')} exist at the repository root: keep one (or name one with --config, action input config)`
    )
  if (!found[0]) return undefined
  const file = displayName(found[0], lookup.repoRoot)
  // A symlink out of the repository is not the repository's config (its text would reach error lines).
  if (!inside(realpathSync(lookup.repoRoot), realpathSync(found[0])))
    throw new UsageError(`${file} leads outside the repository through a symlink`)
  return { path: found[0], file }
}

/** Finds and reads the config file; undefined when there is none. */
export function loadConfig(
  lookup: ConfigLookup,
  read: (path: string) => string = readText
): Config | undefined {
  const found = findConfigFile(lookup)
  if (!found) return undefined
  let text: string
  try {
    text = read(found.path)
  } catch (error) {
    throw new UsageError(`${found.file}: cannot be read: ${describeError(error).replace(/^Error: /, '')}`)
  }
  return parseConfig(text, found.file, found.path, lookup.repoRoot)
}

/** Parses, validates and resolves config text read from `path` (named `file` in messages). */
export function parseConfig(text: string, file: string, path: string, repoRoot: string): Config {
  const docs = parseYamlDocuments(text, file)
  const nonEmpty = docs.filter(d => d.value !== null && d.value !== undefined)
  if (nonEmpty.length > 1)
    throw new UsageError(`${file}: line ${nonEmpty[1].tree()?.at.line ?? 1}: one YAML document expected`)
  const config: Config = {
    file,
    path,
    images: Object.create(null) as Record<string, string>,
    dockerfiles: Object.create(null) as Record<string, DockerfileOptions>
  }
  const root = nonEmpty[0]?.tree()
  if (!root) return config // an empty file: nothing configured
  validateConfig(root, file)
  const base = dirname(path)
  const top = root as MapNode
  const ctx: ResolveContext = { file, base, repoRoot }

  const images = entry(top, 'images')
  if (images?.kind === 'map') {
    const firstKey: Record<string, string> = Object.create(null)
    for (const [key, value] of Object.entries(images.entries)) {
      const where = `images.${keyText(key)}`
      const name = imageName(key)
      if (!name) throw fail(value.at, `${where}: not an image name`)
      if (name in firstKey)
        throw fail(value.at, `${where}: names the same image as ${JSON.stringify(firstKey[name])} (${name})`)
      firstKey[name] = key
      config.images[name] = existingPath(ctx, value, where, 'file')
    }
  }

  const dockerfiles = entry(top, 'dockerfiles')
  if (dockerfiles?.kind === 'map') {
    for (const [key, value] of Object.entries(dockerfiles.entries)) {
      const where = `dockerfiles.${keyText(key)}`
      const dockerfile = existingPath(ctx, { kind: 'scalar', at: value.at, value: key }, where, 'file')
      if (dockerfile in config.dockerfiles)
        throw fail(value.at, `${where}: the same Dockerfile is configured twice`)
      config.dockerfiles[dockerfile] = dockerfileOptions(ctx, value, where)
    }
  }

  const failOn = scalarText(entry(top, 'fail-on'))
  if (failOn !== undefined) config.failOn = failOn as FailOn
  const runOptions = entry(top, 'run-options')
  if (runOptions) {
    config.runOptions = scalarText(runOptions) ?? ''
    config.profile = runProfile(ctx, runOptions, 'run-options', config.runOptions)
  }
  const seccomp = scalarText(entry(entry(top, 'kubernetes'), 'seccomp-default'))
  if (seccomp !== undefined) config.seccompDefault = seccomp as SeccompDefault
  const exclude = entry(top, 'exclude')
  if (exclude?.kind === 'seq') config.exclude = exclude.items.map((item, i) => excludePattern(item, i))
  config.policy = parsePolicy(top, file)
  return config
}

interface ResolveContext {
  file: string
  /** The config file's folder: paths in it are relative to it. */
  base: string
  repoRoot: string
}

function dockerfileOptions(ctx: ResolveContext, node: LocatedNode, where: string): DockerfileOptions {
  const options: DockerfileOptions = { at: node.at }
  const runOptions = entry(node, 'run-options')
  if (runOptions) {
    options.runOptions = scalarText(runOptions) ?? ''
    options.profile = runProfile(ctx, runOptions, `${where}.run-options`, options.runOptions)
  }
  const args = entry(node, 'build-args')
  if (args?.kind === 'map') {
    options.buildArgs = Object.create(null) as Record<string, string>
    for (const [key, value] of Object.entries(args.entries)) options.buildArgs[key] = scalarText(value) ?? ''
  }
  const target = scalarText(entry(node, 'target'))
  if (target !== undefined) options.target = target
  const context = entry(node, 'context')
  if (context) options.context = existingPath(ctx, context, `${where}.context`, 'dir')
  return options
}

/** One `exclude:` glob (the schema made it a non-empty string); a bad pattern names its line. */
function excludePattern(node: LocatedNode, index: number): string {
  const pattern = scalarText(node) ?? ''
  const problem = excludeProblem(pattern)
  if (problem) throw fail(node.at, `exclude[${index}]: ${problem}`)
  return pattern
}

/** run-options parsed as --run-options is (seccomp files relative to the config file's folder). */
function runProfile(ctx: ResolveContext, node: LocatedNode, where: string, text: string) {
  try {
    return loadRuntimeProfile(text, ctx.base)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    // Already redacted by the profile reader.
    throw new UsageError(
      `${ctx.file}: line ${node.at.line}: ${where}: ${error.message.replace(/^run-options: /, '')}`
    )
  }
}

/** A path in the config file: relative to its folder, inside the repository, and existing. */
function existingPath(ctx: ResolveContext, node: LocatedNode, where: string, kind: 'file' | 'dir'): string {
  const given = scalarText(node) ?? ''
  const full = resolve(ctx.base, given)
  if (isAbsolute(given) || !inside(ctx.repoRoot, full))
    throw fail(
      node.at,
      `${where}: ${JSON.stringify(given)} must be a path inside the repository, relative to ${ctx.file}`
    )
  let stats
  try {
    stats = statSync(full)
  } catch {
    throw fail(node.at, `${where}: ${JSON.stringify(given)} does not exist`)
  }
  if (!inside(realpathSync(ctx.repoRoot), realpathSync(full)))
    throw fail(node.at, `${where}: ${JSON.stringify(given)} leads outside the repository through a symlink`)
  if (kind === 'file' && !stats.isFile())
    throw fail(node.at, `${where}: ${JSON.stringify(given)} is not a file`)
  if (kind === 'dir' && !stats.isDirectory())
    throw fail(node.at, `${where}: ${JSON.stringify(given)} is not a folder`)
  return full
}

function fail(at: SourceLocation, why: string): UsageError {
  return new UsageError(`${at.file}: line ${at.line}: ${redactText(why)}`)
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

function displayName(abs: string, repoRoot: string): string {
  return inside(repoRoot, abs) ? relative(repoRoot, abs).split(sep).join('/') : abs
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** A config file is a few lines; anything over this is refused (a regular file only, never a FIFO). */
export const MAX_CONFIG_BYTES = 1024 * 1024

function readText(path: string): string {
  return composeFileSystem(MAX_CONFIG_BYTES).readFile(path)
}
