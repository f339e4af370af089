// bench/precision: re-grades today's static findings against the corpus review's sheets and prints precision.
//
//   npm run package                 # or: flock /tmp/lp/package9.lock npm run package (the bundle is what runs)
//   node bench/precision.mjs [--cli dist/cli/index.js] [--review DIR] [--corpus DIR] [--json OUT.json]
//                            [--baseline REPORT.json]
//
// Defaults: --review ../shared/reference/corpus-review, --corpus ../shared/corpus/files (relative to the repo).
// It scans the review's sampled files (per-file-readings.tsv) once with
// `node <cli> scan --no-build --format json <files>`, and matches each Dockerfile finding to a graded one
// (graded-findings.tsv: corpus id, rule, line, grade TP/TPm/FP) by corpus id + rule + line, or, when the line
// moved, by corpus id + rule + a line inside the instruction the graded line starts (findings now point at
// the physical line of the command). Docker-defaults findings (LP200, properties.defaults) are not
// Dockerfile findings and are left out, as in the review.
//
// It prints, per rule and overall: expert precision TP/n and strict precision (TP+TPm)/n over the graded
// findings still reported; graded findings that disappeared (an FP gone is fixed, a TPm gone is a misleading
// finding removed or replaced, a TP gone is a LOST TRUE POSITIVE and is printed loudly, unless a finding of
// the same rule now lists its line in properties.lines: merged, one finding per cause); and every new
// finding the sheet does not grade, for a human to grade (n with new ones counted as FP is the lower
// bound). With --baseline (the `scan --format json` report of the graded commit, db99fa8, on the same files)
// it also lists graded findings whose level or message changed since, whose grade a human should look at
// again (a TPm "runs as root" that now names the gosu drop may be a TP).
// It prints figures and asserts nothing: the exit status is 0 unless it could not run (2).
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, join, resolve } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const require = createRequire(join(root, 'package.json'))

function usage(message) {
  console.error(`precision: ${message}`)
  console.error(
    'usage: node bench/precision.mjs [--cli dist/cli/index.js] [--review DIR] [--corpus DIR] [--json OUT.json]'
  )
  process.exit(2)
}

const options = {
  cli: join(root, 'dist/cli/index.js'),
  review: resolve(root, '../shared/reference/corpus-review'),
  corpus: resolve(root, '../shared/corpus/files'),
  json: undefined,
  baseline: undefined
}
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, '')
  if (!(name in options) || argv[i + 1] === undefined) usage(`unknown option or missing value: ${argv[i]}`)
  options[name] = resolve(argv[++i])
}

/** Rows of a TSV file, cells split on tabs; empty lines skipped. */
function tsv(file) {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(line => line.trim() !== '')
      .map(line => line.split('\t'))
  } catch (error) {
    return usage(`cannot read ${file}: ${error.message}`)
  }
}

const sampled = tsv(join(options.review, 'per-file-readings.tsv')).map(([id, strata, reading]) => ({
  id,
  strata,
  reading
}))
const graded = tsv(join(options.review, 'graded-findings.tsv')).map(([id, rule, line, grade, why]) => ({
  id,
  rule,
  line: Number(line),
  grade,
  why: why ?? ''
}))
for (const row of graded) {
  if (!['TP', 'TPm', 'FP'].includes(row.grade))
    usage(`graded-findings.tsv: unknown grade ${row.grade} for ${row.id}`)
}

let corpusNames
try {
  corpusNames = readdirSync(options.corpus)
} catch (error) {
  usage(`cannot read the corpus folder ${options.corpus}: ${error.message}`)
}
const fileOf = new Map()
for (const name of corpusNames) {
  const id = name.slice(0, name.indexOf('_'))
  if (!fileOf.has(id)) fileOf.set(id, join(options.corpus, name))
}
const missing = sampled.filter(file => !fileOf.has(file.id)).map(file => file.id)
if (missing.length > 0) usage(`corpus files not found for ${missing.join(', ')}`)

// One batch run, as the review did.
const files = sampled.map(file => fileOf.get(file.id))
const run = spawnSync(process.execPath, [options.cli, 'scan', '--no-build', '--format', 'json', ...files], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 512 * 1024 * 1024,
  timeout: 300_000
})
let report
try {
  report = JSON.parse(run.stdout)
} catch {
  usage(`${options.cli} gave no JSON (exit ${run.status}): ${(run.stderr || '').trim().split('\n')[0]}`)
}

/** Instruction spans of a Dockerfile (1-based first and last line), for findings whose line moved. */
const { DockerfileParser } = require('dockerfile-ast')
function instructionSpans(file) {
  const spans = new Map()
  for (const instruction of DockerfileParser.parse(readFileSync(file, 'utf8')).getInstructions()) {
    const range = instruction.getRange()
    spans.set(range.start.line + 1, range.end.line + 1)
  }
  return spans
}

const isDockerfileFinding = finding => finding.rule_id !== 'LP200' && finding.properties?.defaults !== true
const today = new Map()
for (const result of report.results ?? []) {
  const name = basename(result.file)
  const id = name.slice(0, name.indexOf('_'))
  const list = today.get(id) ?? []
  for (const finding of result.findings ?? []) if (isDockerfileFinding(finding)) list.push(finding)
  today.set(id, list)
}

const matched = []
const merged = []
const gone = []
const fresh = []
for (const { id } of sampled) {
  const findings = [...(today.get(id) ?? [])]
  const rows = graded.filter(row => row.id === id)
  const left = []
  // Exact id + rule + line first, then a line inside the graded instruction.
  for (const row of rows) {
    const at = findings.findIndex(f => f.rule_id === row.rule && f.line === row.line)
    if (at >= 0) matched.push({ ...row, finding: findings.splice(at, 1)[0] })
    else left.push(row)
  }
  if (left.length > 0) {
    const spans = instructionSpans(fileOf.get(id))
    for (const row of left) {
      const end = spans.get(row.line) ?? row.line
      const at = findings.findIndex(f => f.rule_id === row.rule && f.line >= row.line && f.line <= end)
      if (at >= 0) {
        matched.push({ ...row, finding: findings.splice(at, 1)[0], moved: true })
        continue
      }
      // One finding per cause now lists the lines it stands for (`properties.lines`).
      const into = (today.get(id) ?? []).find(
        f =>
          f.rule_id === row.rule &&
          Array.isArray(f.properties?.lines) &&
          f.properties.lines.some(line => line >= row.line && line <= end)
      )
      if (into) merged.push({ ...row, into })
      else gone.push(row)
    }
  }
  for (const finding of findings) fresh.push({ id, finding })
}

const RULES = [...new Set([...graded.map(r => r.rule), ...fresh.map(f => f.finding.rule_id)])].sort()
const pct = (part, whole) => (whole === 0 ? '   -  ' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`)
const count = (list, grade) => list.filter(row => row.grade === grade).length

function figures(rule) {
  const pick = list =>
    rule === undefined ? list : list.filter(row => (row.rule ?? row.finding.rule_id) === rule)
  const kept = pick(matched)
  const lostRows = pick(gone)
  const added = pick(fresh.map(f => ({ ...f, rule: f.finding.rule_id })))
  const sheet = pick(graded)
  const tp = count(kept, 'TP')
  const tpm = count(kept, 'TPm')
  const n = kept.length
  return {
    rule: rule ?? 'all',
    sheet: { n: sheet.length, tp: count(sheet, 'TP'), tpm: count(sheet, 'TPm'), fp: count(sheet, 'FP') },
    n,
    tp,
    tpm,
    fp: count(kept, 'FP'),
    expert: n === 0 ? null : tp / n,
    strict: n === 0 ? null : (tp + tpm) / n,
    expertLowerBound: n + added.length === 0 ? null : tp / (n + added.length),
    new: added.length,
    goneFP: count(lostRows, 'FP'),
    goneTPm: count(lostRows, 'TPm'),
    lostTP: count(lostRows, 'TP'),
    merged: pick(merged).length
  }
}

const rows = [...RULES.map(figures), figures(undefined)]
const header = [
  'rule ',
  'sheet n',
  'sheet expert',
  'sheet strict',
  '| now n',
  'TP',
  'TPm',
  'FP',
  'expert',
  'strict',
  '| new',
  'expert if new=FP',
  '| gone FP (fixed)',
  'gone TPm',
  'LOST TP',
  'merged'
]
console.log(`precision on the review's sample: ${sampled.length} files, ${graded.length} graded findings`)
console.log(`cli: ${options.cli} (exit ${run.status}); findings now: ${matched.length + fresh.length}\n`)
console.log(header.join('\t'))
for (const row of rows) {
  console.log(
    [
      row.rule.padEnd(5),
      row.sheet.n,
      pct(row.sheet.tp, row.sheet.n),
      pct(row.sheet.tp + row.sheet.tpm, row.sheet.n),
      `| ${row.n}`,
      row.tp,
      row.tpm,
      row.fp,
      pct(row.tp, row.n),
      pct(row.tp + row.tpm, row.n),
      `| ${row.new}`,
      pct(row.tp, row.n + row.new),
      `| ${row.goneFP}`,
      row.goneTPm,
      row.lostTP,
      row.merged
    ].join('\t')
  )
}

const where = f => `${f.rule_id}@${f.line} ${f.level}`
const section = (title, list, show) => {
  if (list.length === 0) return
  console.log(`\n${title} (${list.length}):`)
  for (const item of list) console.log(`  ${show(item)}`)
}
const lost = gone.filter(row => row.grade === 'TP')
if (lost.length > 0) {
  const text = lost.map(row => `  ${row.id} ${row.rule}@${row.line}: ${row.why}`).join('\n')
  console.log(
    `\n!!!!!!!! LOST TRUE POSITIVES (${lost.length}): graded TP, no longer reported !!!!!!!!\n${text}`
  )
  console.error(`precision: LOST ${lost.length} TRUE POSITIVE(S):\n${text}`)
}
section(
  'graded FP gone (fixed)',
  gone.filter(row => row.grade === 'FP'),
  row => `${row.id} ${row.rule}@${row.line}: ${row.why}`
)
section(
  'graded TPm gone (misleading finding removed or replaced; see new findings of the same file)',
  gone.filter(row => row.grade === 'TPm'),
  row => `${row.id} ${row.rule}@${row.line}: ${row.why}`
)
section(
  'graded findings merged into one finding of the same rule (its properties.lines), not counted again',
  merged,
  m => `${m.id} ${m.rule}@${m.line} (${m.grade}) -> ${m.into.rule_id}@${m.into.line}`
)
section(
  'graded findings now at another line of the same instruction',
  matched.filter(m => m.moved),
  m => `${m.id} ${m.rule}@${m.line} -> line ${m.finding.line} (${m.grade})`
)
if (options.baseline) {
  let base
  try {
    base = JSON.parse(readFileSync(options.baseline, 'utf8'))
  } catch (error) {
    usage(`cannot read the baseline ${options.baseline}: ${error.message}`)
  }
  const before = new Map()
  for (const result of base.results ?? []) {
    const name = basename(result.file)
    for (const f of result.findings ?? [])
      before.set(`${name.slice(0, name.indexOf('_'))} ${f.rule_id}@${f.line}`, f)
  }
  section(
    'graded findings whose level or message changed since the baseline: grade again',
    matched.filter(m => {
      const old = before.get(`${m.id} ${m.rule}@${m.line}`)
      return old && (old.level !== m.finding.level || old.message !== m.finding.message)
    }),
    m =>
      `${m.id} ${where(m.finding)} (${m.grade}, was ${before.get(`${m.id} ${m.rule}@${m.line}`).level}): ${m.finding.message.replace(/\s+/g, ' ').slice(0, 300)}`
  )
}
section(
  'graded FP still reported',
  matched.filter(m => m.grade === 'FP'),
  m => `${m.id} ${where(m.finding)}: ${m.why}`
)
section(
  'error-level results graded FP',
  matched.filter(m => m.grade === 'FP' && m.finding.level === 'error'),
  m => `${m.id} ${where(m.finding)}`
)
section(
  'NEW findings not in the sheet, to grade',
  fresh,
  ({ id, finding }) => `${id} ${where(finding)}: ${finding.message.replace(/\s+/g, ' ').slice(0, 300)}`
)

if (options.json) {
  writeFileSync(
    options.json,
    `${JSON.stringify({ cli: options.cli, exit: run.status, rows, lost, gone, merged, matched, new: fresh }, null, 2)}\n`
  )
}
