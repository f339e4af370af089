// bench/cli-start: cold start of the CLI's cheap answers next to Node itself. `--help` and `--version` are
// answered by the small dist/cli/index.js (src/cli/index.ts) without loading dist/index.js (dockerode);
// "whole bundle" loads that bundle the way a scan does, for comparison. Printed, not asserted.
// Target (issue 10): `--help` under 100 ms on the project's machines, next to `node -e 0`.
// Usage: node bench/cli-start.mjs [--runs N] [--cli path/to/cli/index.js]   (npm run package first)
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const root = new URL('..', import.meta.url).pathname
const flag = name => {
  const at = process.argv.indexOf(name)
  return at > 0 ? process.argv[at + 1] : undefined
}
const RUNS = Number(flag('--runs') ?? 15)
const cli = flag('--cli') ?? join(root, 'dist', 'cli', 'index.js')
if (!existsSync(cli)) {
  console.error(`bench/cli-start: ${cli} is missing: run npm run package first`)
  process.exit(2)
}
const bundle = join(cli, '..', '..', 'index.js')

// Loads the full bundle as the scan path does, then stops before any work (no argv: its own help).
const work = mkdtempSync(join(tmpdir(), 'lp-bench-cli-'))
const loadBundle = join(work, 'load-bundle.cjs')
writeFileSync(
  loadBundle,
  `globalThis.__leastPrivilegeCli = true\nprocess.argv = [process.argv[0], 'x', '--version']\nrequire(${JSON.stringify(bundle)})\n`
)

const cases = [
  ['node -e 0', ['-e', '0']],
  ['least-privilege --help', [cli, '--help']],
  ['least-privilege --version', [cli, '--version']],
  ['least-privilege scan --bogus (usage error)', [cli, 'scan', '--bogus']],
  ['whole bundle loaded (what a scan starts with)', [loadBundle]]
]

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const once = args => {
  const start = performance.now()
  try {
    execFileSync(process.execPath, args, { stdio: 'ignore' })
  } catch {
    // A usage error exits 2 on purpose; only the time matters here.
  }
  return performance.now() - start
}

// Interleaved, after one warm-up each, so a busy machine slows every case alike.
const times = cases.map(() => [])
for (const [, args] of cases) once(args)
for (let r = 0; r < RUNS; r++) cases.forEach(([, args], i) => times[i].push(once(args)))
rmSync(work, { recursive: true, force: true })

const base = median(times[0])
console.log(`bench/cli-start: ${RUNS} runs each, Node ${process.version}, median (min-max) wall time`)
cases.forEach(([name], i) => {
  const m = median(times[i])
  const d = m - base
  const extra = i === 0 ? '' : `  (${d >= 0 ? '+' : '-'}${Math.abs(d).toFixed(1)} ms vs node -e 0)`
  console.log(
    `  ${name.padEnd(48)} ${m.toFixed(1).padStart(7)} ms  (${Math.min(...times[i]).toFixed(1)}-${Math.max(...times[i]).toFixed(1)})${extra}`
  )
})
