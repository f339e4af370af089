// bench/scaling: node bench/scaling.mjs [RUNS] [FAMILY ...]
// Bundles bench/scaling-entry.ts with ncc (the same compiler as dist/) and runs the whole static path
// (read -> model -> rules -> suppressions -> SARIF; the JSON/text/markdown renderers are timed on the side,
// not judged) on input families that double in size, one fresh process per size so peak memory is per
// size. Prints time (median and fastest of RUNS, default 5), the time ratio per doubling and peak RSS, then
// a table; exits 1 when a family's ratio at the large end exceeds 2.2x (linear is 2x). That ratio is judged
// on the fastest run (other processes only add time) over the last two doublings (geometric mean), so one
// noisy size does not decide alone. Times under 30 ms are too noisy to judge and are not held to the bound.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const runs = Number(process.argv[2] ?? 5)
const wanted = process.argv.slice(3)
const MAX_RATIO = 2.2
const MIN_MS = 30

/** Sizes per family, doubling; the last pair is judged. Units: lines, stages, words, KiB. */
const SIZES = {
  lines: [12_500, 25_000, 50_000, 100_000, 200_000],
  stages: [12_500, 25_000, 50_000, 100_000, 200_000],
  'chained-stages': [125, 250, 500, 1000, 2000, 4000],
  findings: [5_000, 10_000, 20_000, 40_000, 80_000],
  continuations: [5_000, 10_000, 20_000, 40_000, 80_000],
  'var-refs': [16_000, 32_000, 64_000, 128_000, 256_000],
  'var-nested': [16_000, 32_000, 64_000, 128_000, 256_000],
  'var-unclosed': [32_000, 64_000, 128_000, 256_000, 512_000],
  'exec-words': [2_000, 4_000, 8_000, 16_000, 32_000],
  'megabyte-lines': [256, 512, 1024, 2048, 4095]
}

const out = mkdtempSync(join(tmpdir(), 'lp-scaling-'))
const rows = []
let failed = []
try {
  execFileSync(
    join(root, 'node_modules/.bin/ncc'),
    ['build', join(root, 'bench/scaling-entry.ts'), '-o', out, '--quiet', '--transpile-only'],
    {
      cwd: root,
      stdio: 'inherit'
    }
  )
  for (const [family, sizes] of Object.entries(SIZES)) {
    if (wanted.length > 0 && !wanted.includes(family)) continue
    let previous
    for (const size of sizes) {
      const child = spawnSync(
        process.execPath,
        ['--expose-gc', join(out, 'index.js'), family, String(size), String(runs)],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
          timeout: 600_000
        }
      )
      if (child.status !== 0) {
        console.log(
          `${family} ${size}: FAILED (exit ${child.status ?? child.signal}): ${(child.stderr ?? '').split('\n').slice(0, 3).join(' | ')}`
        )
        failed.push(`${family}: crashed at ${size}`)
        break
      }
      const r = JSON.parse(child.stdout.trim().split('\n').pop())
      // Time ratio per doubling of the input (normalised when a step is not exactly 2x).
      r.ratio = previous ? (r.ms / previous.ms) * (2 / (size / previous.size)) : undefined
      rows.push(r)
      const errors = Object.entries(r.errors ?? {}).map(([step, message]) => `${step}: ${message}`)
      if (errors.length > 0) r.note = `renderer error (not judged): ${errors.join('; ')}`
      console.log(
        `${family.padEnd(15)} size ${String(size).padStart(7)}  ${r.ms.toFixed(1).padStart(9)} ms` +
          `  x${r.ratio === undefined ? '  -  ' : r.ratio.toFixed(2)}  peak rss ${r.peakRssMiB.toFixed(0).padStart(5)} MiB` +
          `  findings ${r.findings}  notes ${r.notifications}  input ${r.bytes.input} B  sarif ${r.bytes.sarif} B` +
          `  renderers ${r.renderMs.toFixed(0)} ms  steps ${JSON.stringify(r.stageMs)}${r.note ? `  ${r.note}` : ''}`
      )
      previous = r
    }
    // Judged over the last two doublings (geometric mean), so one noisy size does not decide alone.
    const mine = rows.filter(r => r.family === family)
    const last = mine[mine.length - 1]
    const base = mine[mine.length - 3]
    if (last && base) {
      // The fastest of the runs: load from other processes on a shared machine only ever adds time.
      const judged = Math.sqrt((last.minMs / base.minMs) * (4 / (last.size / base.size)))
      last.judged = judged
      if (judged > MAX_RATIO && last.minMs >= MIN_MS) {
        failed.push(`${family}: x${judged.toFixed(2)} per doubling over sizes ${base.size}..${last.size}`)
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}

console.log(
  `\n| family | size | ms (median of ${runs}) | fastest ms | ratio per doubling | peak RSS MiB | findings | notifications | SARIF bytes | judged x per doubling | renderers ms (not judged) |`
)
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for (const r of rows) {
  console.log(
    `| ${r.family} | ${r.size} | ${r.ms.toFixed(1)} | ${r.minMs.toFixed(1)} | ${r.ratio === undefined ? '' : r.ratio.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} | ${r.findings} | ${r.notifications} | ${r.bytes.sarif} | ${r.judged === undefined ? '' : r.judged.toFixed(2)} | ${r.renderMs.toFixed(0)}${r.note ? ` (${r.note})` : ''} |`
  )
}
if (failed.length > 0) {
  console.log(`\nNOT linear (ratio per doubling above ${MAX_RATIO}x at the large end): ${failed.join('; ')}`)
  process.exitCode = 1
} else {
  console.log(`\nall families within ${MAX_RATIO}x per doubling at the large end`)
}
