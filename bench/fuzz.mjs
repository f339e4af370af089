// bench/fuzz: node bench/fuzz.mjs [N] [--seed S] [--budget MS] [--budget-per-mib MS] [--corpus DIR] [--cli-sample K] [--out DIR]
// Mutates the shared corpus with a fixed seed and runs N inputs through the whole static path in-process
// (bench/fuzz-entry.ts, bundled with ncc like dist/), then a sample of them through the shipped CLI. Fails
// (exit 1) on any crash, internal error, stack trace, invalid SARIF, input over the time budget, or hang;
// each failing input is saved under --out so it can be replayed.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

const root = new URL('..', import.meta.url).pathname
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`)
  return at >= 0 ? args[at + 1] : fallback
}
const n = Number(args.find(a => /^\d+$/.test(a)) ?? 1000)
const seed = Number(option('seed', '1'))
const budgetMs = Number(option('budget', '2000'))
const budgetPerMiB = Number(option('budget-per-mib', '1500'))
const corpus = resolve(option('corpus', join(root, '../shared/corpus/files')))
const cliSample = Number(option('cli-sample', '500'))
const out = resolve(option('out', join(tmpdir(), 'lp-fuzz-failures')))
// No output for this long means the input under test hangs.
const hangMs = Math.max(60_000, budgetMs * 10)

if (!existsSync(corpus)) {
  console.error(`fuzz: corpus folder ${corpus} not found (pass --corpus DIR)`)
  process.exit(2)
}
const schema = createRequire(import.meta.url).resolve(
  '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'
)
const work = mkdtempSync(join(tmpdir(), 'lp-fuzz-'))
const bundle = join(work, 'bundle')
execFileSync(
  join(root, 'node_modules/.bin/ncc'),
  ['build', join(root, 'bench/fuzz-entry.ts'), '-o', bundle, '--quiet'],
  {
    cwd: root,
    stdio: 'inherit'
  }
)

const failures = []
const counts = { inputs: 0, slowestMs: 0, slowest: -1, maxRss: 0, bytes: 0 }
const started = Date.now()

function save(index, problems) {
  mkdirSync(out, { recursive: true })
  const file = join(out, `seed${seed}-${index}.Dockerfile`)
  // The worker kept the inputs it saw fail; for a hang or a crash, the input it was working on is current.
  const kept = join(work, 'failed', `${index}.Dockerfile`)
  const source = existsSync(kept) ? kept : join(work, 'input', 'Dockerfile')
  if (existsSync(source)) copyFileSync(source, file)
  failures.push({ index, file, problems })
}

/** Runs the worker from `start`; resolves with the next index to run (n when done). */
function runFrom(start) {
  return new Promise(done => {
    const sampleEvery = Math.max(1, Math.floor(n / Math.max(1, cliSample)))
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=4096',
        join(bundle, 'index.js'),
        '--corpus',
        corpus,
        '--n',
        String(n),
        '--seed',
        String(seed),
        '--start',
        String(start),
        '--budget',
        String(budgetMs),
        '--budget-per-mib',
        String(budgetPerMiB),
        '--schema',
        schema,
        '--work',
        work,
        '--sample-every',
        String(cliSample > 0 ? sampleEvery : 0)
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let next = start
    let stderr = ''
    let timer
    const arm = () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        save(next, [{ kind: 'hang', detail: `no answer within ${hangMs / 1000} s` }])
        child.kill('SIGKILL')
      }, hangMs)
    }
    arm()
    child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-4000)))
    createInterface({ input: child.stdout }).on('line', line => {
      arm()
      const row = JSON.parse(line)
      next = row.index + 1
      counts.inputs++
      counts.bytes += row.bytes
      counts.maxRss = Math.max(counts.maxRss, row.rss)
      if (row.ms > counts.slowestMs) Object.assign(counts, { slowestMs: row.ms, slowest: row.index })
      if (row.problems.length > 0) save(row.index, row.problems)
      if (counts.inputs % 10_000 === 0)
        console.log(
          `  ${counts.inputs} inputs, ${failures.length} failing, ${((Date.now() - started) / 1000).toFixed(0)} s`
        )
    })
    child.on('exit', code => {
      clearTimeout(timer)
      if (next < n && code !== null && code !== 0) {
        // The worker died (an abort, out of memory): that input is a crash.
        save(next, [
          {
            kind: 'crash',
            detail: `worker exited ${code}: ${stderr.split('\n').filter(Boolean).slice(-3).join(' | ')}`
          }
        ])
        return done(next + 1)
      }
      done(next < n && code === null ? next + 1 : next)
    })
  })
}

let next = 0
while (next < n) next = await runFrom(next)
const inProcessS = (Date.now() - started) / 1000

// The shipped CLI on a sample: exit status, one-line stderr, no stack trace, one result per file.
let cliLine = 'CLI sample: skipped'
const sampleDir = join(work, 'sample')
const sample = existsSync(sampleDir) ? readdirSync(sampleDir).map(name => join(sampleDir, name)) : []
if (sample.length > 0 && existsSync(join(root, 'dist/cli/index.js'))) {
  const bad = []
  for (let i = 0; i < sample.length; i += 100) {
    const batch = sample.slice(i, i + 100)
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'dist/cli/index.js'),
        'scan',
        '--no-build',
        '--format',
        'json',
        '--fail-on',
        'never',
        '--sarif',
        join(work, 'cli.sarif'),
        ...batch
      ],
      { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300_000 }
    )
    const stackTrace = /\n\s+at .+:\d+:\d+\)?/.test(run.stderr) || /FATAL ERROR/.test(run.stderr)
    let results = -1
    try {
      results = JSON.parse(run.stdout).results.length
    } catch {}
    if (
      ![0, 1, 2].includes(run.status) ||
      stackTrace ||
      run.stderr.includes('internal error') ||
      results !== batch.length
    )
      bad.push(
        `batch ${i / 100}: exit ${run.status}, ${results} results for ${batch.length} files, stderr: ${run.stderr.split('\n').find(l => /internal error|FATAL|    at /.test(l)) ?? run.stderr.split('\n')[0]}`
      )
  }
  cliLine = `CLI sample: ${sample.length} inputs through dist/cli/index.js, ${bad.length} bad batches`
  for (const line of bad.slice(0, 5))
    failures.push({ index: -1, file: '', problems: [{ kind: 'cli', detail: line }] })
}

const byKind = {}
for (const f of failures) for (const p of f.problems) byKind[p.kind] = (byKind[p.kind] ?? 0) + 1
console.log(
  `fuzz: seed ${seed}, ${counts.inputs}/${n} inputs (${(counts.bytes / 1048576).toFixed(0)} MiB) in ${inProcessS.toFixed(1)} s in-process`
)
console.log(
  `slowest input: #${counts.slowest} ${counts.slowestMs} ms (budget ${budgetMs} ms + ${budgetPerMiB} ms per MiB); worker peak RSS ${counts.maxRss} MiB`
)
console.log(cliLine)
console.log(
  `failing inputs: ${failures.length} ${JSON.stringify(byKind)}${failures.length ? `, saved under ${out}` : ''}`
)
for (const f of failures.slice(0, 20))
  console.log(`  #${f.index} ${f.file} ${f.problems.map(p => `${p.kind}: ${p.detail}`).join('; ')}`)
rmSync(work, { recursive: true, force: true })
process.exitCode = failures.length > 0 ? 1 : 0
