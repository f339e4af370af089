// `run-options` text -> the RuntimeProfile the scan uses, with every file it names already read. Called when
// the settings are read (CLI flags and action inputs alike), so a bad flag or a bad seccomp file fails before
// any build, with one line, also under --no-build.

import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs'
import { resolve } from 'node:path'
import { UsageError, describeError } from '../errors'
import { parseRunOptions } from './parse'
import { redactText } from './redact'
import type { RuntimeProfile } from './types'

/** A seccomp profile is a few KiB (Docker's default is about 25 KiB); anything this big is not one. */
export const MAX_SECCOMP_BYTES = 1024 * 1024

/** Parses `run-options` and reads the seccomp profile file it names, resolved against `cwd`. */
export function loadRuntimeProfile(runOptions: string, cwd: string): RuntimeProfile {
  const profile = parseRunOptions(runOptions)
  const seccomp = profile.securityOpt.seccomp
  if (seccomp !== undefined && seccomp !== 'unconfined' && seccomp !== 'builtin') {
    const path = resolve(cwd, seccomp)
    profile.securityOpt.seccompProfile = { path, json: readSeccompProfile(seccomp, path) }
  }
  return profile
}

/**
 * The profile's compact JSON. Only a regular file is read: a FIFO or a device (`/dev/zero`) would block
 * the event loop or never end. The open is non-blocking, so a FIFO swapped in after the stat cannot
 * block either, and the type is checked again on the open descriptor.
 */
export function readSeccompProfile(given: string, path: string, maxBytes = MAX_SECCOMP_BYTES): string {
  // The path comes from run-options and may hold a token: the whole line is redacted, as parse errors are.
  const fail = (why: string) =>
    new UsageError(redactText(`run-options: seccomp profile ${JSON.stringify(given)} ${why}`))
  let stats: Stats
  try {
    stats = statSync(path)
  } catch (error) {
    throw fail(`cannot be read: ${fsReason(error)}`)
  }
  if (!stats.isFile()) throw fail(`is not a regular file (it is ${kindOf(stats)})`)
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0))
  } catch (error) {
    throw fail(`cannot be read: ${fsReason(error)}`)
  }
  let bytes: Buffer
  try {
    const opened = fstatSync(fd)
    if (!opened.isFile()) throw fail(`is not a regular file (it is ${kindOf(opened)})`)
    if (opened.size > maxBytes) throw fail(`is larger than ${maxBytes} bytes`)
    bytes = readAtMost(fd, maxBytes + 1)
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw fail(`cannot be read: ${fsReason(error)}`)
  } finally {
    closeSync(fd)
  }
  // The file may have grown after the fstat.
  if (bytes.length > maxBytes) throw fail(`is larger than ${maxBytes} bytes`)
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
  } catch {
    throw fail('is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail('is not a seccomp profile (expected a JSON object)')
  }
  return JSON.stringify(parsed)
}

/** `ENOENT: no such file or directory`, without the path (already named) or an `Error:` prefix. */
function fsReason(error: unknown): string {
  const text = describeError(error).replace(/^Error: /, '')
  return text.replace(/, \w+ '.*'$/, '')
}

function readAtMost(fd: number, limit: number): Buffer {
  const buffer = Buffer.alloc(limit)
  let total = 0
  while (total < limit) {
    const n = readSync(fd, buffer, total, limit - total, null)
    if (n === 0) break
    total += n
  }
  return buffer.subarray(0, total)
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a FIFO'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isSocket()) return 'a socket'
  return 'not a file'
}
