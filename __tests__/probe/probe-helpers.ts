// Shared by the probe suites: where the committed binaries are, and a validator for the probe's JSON
// built from probe-report.schema.json (the schema mirrors src/docker/probe-report.ts field for field).
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import Ajv from 'ajv'
import type { ProbeReport } from '../../src/docker/probe-report'

const execFileAsync = promisify(execFile)

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const PROBE_SOURCE = `${REPO_ROOT}probe/probe.c`
export const PROBE_AMD64 = `${REPO_ROOT}dist/probe/probe-linux-amd64`
export const PROBE_ARM64 = `${REPO_ROOT}dist/probe/probe-linux-arm64`
export const SCHEMA_FILE = fileURLToPath(new URL('./probe-report.schema.json', import.meta.url))

/** The marker probe.c puts in front of the embedded source hash. */
export const SOURCE_TAG = 'least-privilege-probe source-sha256='

const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema)

/** Parses probe stdout and checks it against the schema; throws with every schema error listed. */
export function parseReport(stdout: string): ProbeReport {
  const lines = stdout.split('\n').filter(Boolean)
  if (lines.length !== 1) throw new Error(`probe printed ${lines.length} lines, expected one JSON object`)
  const report = JSON.parse(lines[0]) as unknown
  if (!validate(report)) {
    const problems = (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`).join('; ')
    throw new Error(`probe report does not match the schema: ${problems}`)
  }
  return report as ProbeReport
}

export interface ProbeRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs a binary directly; resolves also on a non-zero exit so tests can assert the code. */
export async function runBinary(file: string, args: string[]): Promise<ProbeRun> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { timeout: 60_000, maxBuffer: 16 << 20 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as Error & { code?: number | string; stdout?: string; stderr?: string }
    if (typeof e.code !== 'number') throw error
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

/** Capability bits set in a /proc status hex mask. */
export function bitsOf(hex: string): number[] {
  const value = BigInt(`0x${hex || '0'}`)
  const bits: number[] = []
  for (let bit = 0; bit < 64; bit++) if ((value >> BigInt(bit)) & 1n) bits.push(bit)
  return bits
}
