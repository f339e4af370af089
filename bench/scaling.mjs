// bench/scaling: node bench/scaling.mjs [RUNS] [FAMILY ...]
// Bundles bench/scaling-entry.ts with ncc (the same compiler as dist/) and runs the whole static path
// (read -> model -> rules -> suppressions -> SARIF) and every renderer (JSON, text, markdown, the 1 MiB job
// summary, the PR comment) on input families that double in size, one fresh process per size so peak
// memory is per size. Prints time (median and fastest of RUNS, default 5, after a warm-up run), the time
// ratio per doubling and peak RSS, then a table; exits 1 when a family's ratio at the large end exceeds
// 2.2x (linear is 2x), for the static path or for any renderer. That ratio is judged on CPU time (user +
// system of the process, which waiting for a busy machine's cores does not inflate as it does wall time),
// the fastest run (other processes only add time), over the last two doublings (geometric mean), so one
// noisy size does not decide alone; a ratio over the bound is measured a second time (the fastest of both
// is kept) before it counts. Times under 30 ms are too noisy to judge and are not held to the bound.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const runs = Number(process.argv[2] ?? 5)
const wanted = process.argv.slice(3)
const MAX_RATIO = 2.2
const MIN_MS = 30
const RENDERERS = ['json', 'text', 'markdown', 'summary', 'comment']
const JUDGED = ['static', ...RENDERERS]

/** Sizes per family, doubling; the last two doublings are judged. Units: lines, stages, words, KiB. */
const SIZES = {
  lines: [12_500, 25_000, 50_000, 100_000, 200_000],
  stages: [12_500, 25_000, 50_000, 100_000, 200_000],
  'chained-stages': [125, 250, 500, 1000, 2000, 4000],
  findings: [5_000, 10_000, 20_000, 40_000, 80_000],
  continuations: [5_000, 10_000, 20_000, 40_000, 80_000],
  'pragma-reason': [2_000, 4_000, 8_000, 16_000, 32_000],
  'var-refs': [16_000, 32_000, 64_000, 128_000, 256_000],
  'var-nested': [16_000, 32_000, 64_000, 128_000, 256_000],
  'var-unclosed': [32_000, 64_000, 128_000, 256_000, 512_000],
  'exec-words': [2_000, 4_000, 8_000, 16_000, 32_000],
  'megabyte-lines': [256, 512, 1024, 2048, 4095]
}

const load = () =>
  loadavg()
    .map(n => n.toFixed(2))
    .join(' ')
console.log(`load average ${load()} on ${cpus().length} CPUs at start`)

/** Fastest CPU milliseconds of one judged part of a run: `static` (up to SARIF) or a renderer. */
const fastest = (r, part) => (part === 'static' ? r.cpuMs : r.render?.[part]?.cpuMs)

function measure(entry, family, size) {
  const child = spawnSync(process.execPath, ['--expose-gc', entry, family, String(size), String(runs)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: 600_000
  })
  if (child.status !== 0) {
    const why = (child.stderr ?? '').split('\n').slice(0, 3).join(' | ')
    return { failed: `exit ${child.status ?? child.signal}: ${why}` }
  }
  return JSON.parse(child.stdout.trim().split('\n').pop())
}

/** Ratio per doubling over the last two doublings (geometric mean) of each judged part. */
function judge(base, last) {
  const out = {}
  for (const part of JUDGED) {
    const a = fastest(base, part)
    const b = fastest(last, part)
    if (a === undefined || b === undefined || a <= 0) continue
    out[part] = { ratio: Math.sqrt((b / a) * (4 / (last.size / base.size))), ms: b }
  }
  return out
}

const over = judged => Object.entries(judged).filter(([, j]) => j.ratio > MAX_RATIO && j.ms >= MIN_MS)

/** The faster of two measurements of one size, part by part (load only ever adds time). */
function faster(a, b) {
  if (b.failed) return a
  const render = { ...a.render }
  for (const part of RENDERERS) {
    if (b.render?.[part] && (!render[part] || b.render[part].cpuMs < render[part].cpuMs))
      render[part] = { ...render[part], cpuMs: b.render[part].cpuMs }
  }
  return { ...a, cpuMs: Math.min(a.cpuMs, b.cpuMs), render, remeasured: true }
}

const renderText = r =>
  RENDERERS.map(p => `${p} ${r.render?.[p]?.cpuMs?.toFixed(0) ?? '-'}`).join(', ') + ' cpu ms (fastest)'

const out = mkdtempSync(join(tmpdir(), 'lp-scaling-'))
const rows = []
const failed = []
try {
  execFileSync(
    join(root, 'node_modules/.bin/ncc'),
    ['build', join(root, 'bench/scaling-entry.ts'), '-o', out, '--quiet', '--transpile-only'],
    { cwd: root, stdio: 'inherit' }
  )
  const entry = join(out, 'index.js')
  for (const [family, sizes] of Object.entries(SIZES)) {
    if (wanted.length > 0 && !wanted.includes(family)) continue
    let previous
    const mine = []
    for (const size of sizes) {
      const r = measure(entry, family, size)
      if (r.failed) {
        console.log(`${family} ${size}: FAILED (${r.failed})`)
        failed.push(`${family}: crashed at ${size}`)
        break
      }
      // Time ratio per doubling of the input (normalised when a step is not exactly 2x).
      r.ratio = previous ? (r.ms / previous.ms) * (2 / (size / previous.size)) : undefined
      const errors = Object.entries(r.errors ?? {}).map(([step, message]) => `${step}: ${message}`)
      if (errors.length > 0) {
        r.note = `renderer error: ${errors.join('; ')}`
        failed.push(`${family} ${size}: ${r.note}`)
      }
      rows.push(r)
      mine.push(r)
      console.log(
        `${family.padEnd(15)} size ${String(size).padStart(7)}  ${r.ms.toFixed(1).padStart(9)} ms  cpu ${r.cpuMs.toFixed(1).padStart(9)} ms` +
          `  x${r.ratio === undefined ? '  -  ' : r.ratio.toFixed(2)}  peak rss ${r.peakRssMiB.toFixed(0).padStart(5)} MiB` +
          `  findings ${r.findings}  notes ${r.notifications}  bytes ${JSON.stringify(r.bytes)}` +
          `  renderers: ${renderText(r)}  steps ${JSON.stringify(r.stageMs)}${r.note ? `  ${r.note}` : ''}`
      )
      previous = r
    }
    if (mine.length < 3 || mine.length < sizes.length) continue
    let base = mine[mine.length - 3]
    let last = mine[mine.length - 1]
    let judged = judge(base, last)
    if (over(judged).length > 0) {
      // Confirm before failing: measure both ends again and keep the faster of each.
      console.log(
        `${family}: over ${MAX_RATIO}x (${over(judged)
          .map(([p, j]) => `${p} x${j.ratio.toFixed(2)}`)
          .join(', ')}), measuring again`
      )
      base = faster(base, measure(entry, family, base.size))
      last = faster(last, measure(entry, family, last.size))
      judged = judge(base, last)
    }
    mine[mine.length - 1].judged = judged
    for (const [part, j] of over(judged)) {
      failed.push(
        `${family} ${part}: x${j.ratio.toFixed(2)} per doubling over sizes ${base.size}..${last.size}`
      )
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}

const judgedText = r =>
  r.judged
    ? JUDGED.filter(p => r.judged[p])
        .map(p => `${p} ${r.judged[p].ratio.toFixed(2)}${r.judged[p].ms < MIN_MS ? ' (under 30 ms)' : ''}`)
        .join(', ')
    : ''
console.log(
  `\n| family | size | wall ms (median of ${runs}) | cpu ms (fastest) | wall ratio per doubling | peak RSS MiB | findings | notifications | SARIF bytes | JSON bytes | renderers cpu ms, fastest (${RENDERERS.join(' / ')}) | judged x per doubling (cpu) |`
)
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
for (const r of rows) {
  console.log(
    `| ${r.family} | ${r.size} | ${r.ms.toFixed(1)} | ${r.cpuMs.toFixed(1)} | ${r.ratio === undefined ? '' : r.ratio.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} | ${r.findings} | ${r.notifications} | ${r.bytes.sarif} | ${r.bytes.json} | ${RENDERERS.map(p => r.render?.[p]?.cpuMs?.toFixed(0) ?? '-').join(' / ')} | ${judgedText(r)}${r.note ? ` (${r.note})` : ''} |`
  )
}
console.log(`\nload average ${load()} at the end`)
if (failed.length > 0) {
  console.log(
    `\nNOT linear or not complete (ratio per doubling above ${MAX_RATIO}x at the large end): ${failed.join('; ')}`
  )
  process.exitCode = 1
} else {
  console.log(
    `\nall families within ${MAX_RATIO}x per doubling at the large end, static path and every renderer`
  )
}
