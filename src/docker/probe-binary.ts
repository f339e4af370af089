// Finds the static probe binary for the daemon's architecture: dist/probe/probe-linux-<arch>, next to the
// bundle when installed, at the repo root in development. LEAST_PRIVILEGE_PROBE_DIR overrides.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { OperationalError } from '../errors'
import { probeArch } from './daemon-facts'

export const PROBE_TARGET = '/.least-privilege-probe'

function ancestors(start: string): string[] {
  const out: string[] = []
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    out.push(dir)
    if (dirname(dir) === dir) return out
  }
}

/** Folders to look in, most specific first. */
function searchRoots(): string[] {
  const roots: string[] = []
  // The ncc bundle is CommonJS and has __dirname; under ESM test runners it is absent.
  if (typeof __dirname === 'string') roots.push(__dirname)
  if (process.argv[1]) roots.push(dirname(process.argv[1]))
  roots.push(process.cwd())
  return roots
}

export function findProbeBinary(architecture: string, env: NodeJS.ProcessEnv = process.env): string {
  const arch = probeArch(architecture)
  if (!arch) {
    throw new OperationalError(
      `no probe binary for daemon architecture '${architecture}' (amd64 and arm64 are built)`,
      'probe-failed'
    )
  }
  const name = `probe-linux-${arch}`
  const candidates: string[] = []
  if (env.LEAST_PRIVILEGE_PROBE_DIR) candidates.push(join(env.LEAST_PRIVILEGE_PROBE_DIR, name))
  for (const root of searchRoots()) {
    for (const dir of ancestors(root)) {
      candidates.push(join(dir, 'dist', 'probe', name))
    }
  }
  const found = candidates.find(path => existsSync(path))
  if (!found)
    throw new OperationalError(
      `probe binary ${name} not found (looked next to the bundle and in dist/probe)`,
      'probe-failed'
    )
  return found
}
