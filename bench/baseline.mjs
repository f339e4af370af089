// bench/baseline: what the new-findings gate (`--baseline REF`) costs, and that the cost grows linearly.
//
//   npm run package && node bench/baseline.mjs [--cli dist/cli/index.js] [--corpus DIR] [--sizes 100,200,400]
//
// For each size N it makes a temporary git repository holding N real Dockerfiles from the corpus (one folder
// each, committed), changes one of them in the work tree, and times `scan . --no-build --format json` without
// and with `--baseline HEAD` (the base tree written from git archive and scanned statically). It prints the
// seconds of both, the gate's own share, and the ratio of each size to the one before (a doubling bench:
// linear cost gives about 2.0). It asserts nothing; exit status 2 only when it could not run.
import { spawnSync } from 'node:child_process'
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : fallback
}
const cli = resolve(root, option('--cli', 'dist/cli/index.js'))
const corpus = resolve(root, option('--corpus', '../shared/corpus/files'))
const sizes = option('--sizes', '100,200,400').split(',').map(Number)

let files
try {
  files = readdirSync(corpus)
    .filter(f => !f.startsWith('.'))
    .sort()
} catch {
  console.error(`baseline: cannot read the corpus at ${corpus} (--corpus DIR)`)
  process.exit(2)
}
if (files.length < Math.max(...sizes)) {
  console.error(`baseline: the corpus has ${files.length} files, fewer than ${Math.max(...sizes)}`)
  process.exit(2)
}

function run(cmd, argv, cwd) {
  const out = spawnSync(cmd, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 })
  if (out.status !== 0 && out.status !== 1) {
    console.error(`baseline: ${cmd} ${argv.join(' ')} failed: ${(out.stderr || '').split('\n')[0]}`)
    process.exit(2)
  }
  return out
}

function timed(argv, cwd) {
  const start = process.hrtime.bigint()
  const out = run(process.execPath, [cli, ...argv], cwd)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return { seconds, report: JSON.parse(out.stdout) }
}

const rows = []
for (const size of sizes) {
  const repo = mkdtempSync(join(tmpdir(), 'lp-bench-baseline-'))
  try {
    run('git', ['init', '-q'], repo)
    for (let i = 0; i < size; i++) {
      mkdirSync(join(repo, `s${i}`))
      writeFileSync(join(repo, `s${i}`, 'Dockerfile'), readFileSync(join(corpus, files[i])))
    }
    run('git', ['add', '-A'], repo)
    run('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '-m', 'base'], repo)
    appendFileSync(join(repo, 's0', 'Dockerfile'), '\nRUN chmod u+s /usr/bin/find\n')
    const plain = timed(['scan', '.', '--no-build', '--format', 'json'], repo)
    const gated = timed(['scan', '.', '--no-build', '--format', 'json', '--baseline', 'HEAD'], repo)
    rows.push({ size, plain: plain.seconds, gated: gated.seconds, baseline: gated.report.baseline })
  } finally {
    rmSync(repo, { recursive: true, force: true })
  }
}

console.log(
  'Dockerfiles  scan s  --baseline s  gate share s  x previous (scan, --baseline)  new/fixed/unchanged'
)
rows.forEach((r, i) => {
  const prev = rows[i - 1]
  const ratio = prev ? `${(r.plain / prev.plain).toFixed(2)}, ${(r.gated / prev.gated).toFixed(2)}` : '-'
  const b = r.baseline
  console.log(
    `${String(r.size).padStart(11)}  ${r.plain.toFixed(2).padStart(6)}  ${r.gated.toFixed(2).padStart(12)}  ${(r.gated - r.plain).toFixed(2).padStart(12)}  ${ratio.padStart(28)}  ${b.new}/${b.fixed}/${b.unchanged}`
  )
})
