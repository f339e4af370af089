// Bundled by bench/fuzz.mjs: the fuzz worker. Generates inputs [start, n) of a seeded run and checks each
// one in-process; prints one JSON line per input so the driver can tell a hang from slow progress.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv from 'ajv'
import { checkInput } from './fuzz/check'
import { mutant } from './fuzz/mutate'

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback
}

const corpusDir = arg('corpus', '')
const n = Number(arg('n', '1000'))
const seed = Number(arg('seed', '1'))
const start = Number(arg('start', '0'))
const budgetMs = Number(arg('budget', '2000'))
// Linear cost means time grows with size: the budget does too (the parse floor alone is about 1 s per MiB).
const budgetPerMiBMs = Number(arg('budget-per-mib', '1500'))
const work = arg('work', '/tmp/lp-fuzz')
const sampleEvery = Number(arg('sample-every', '0'))

const schema = JSON.parse(readFileSync(arg('schema', ''), 'utf8')) as Record<string, unknown>
// The schema says draft-04 but uses nothing whose meaning changed since; Ajv 8 reads it as draft-07.
delete schema.$schema
schema.$id = schema.id
delete schema.id
const ajv = new Ajv({ strict: false, allErrors: false, unicodeRegExp: false, validateFormats: false })
const validate = ajv.compile(schema)
const validateSarif = (log: unknown): string[] =>
  validate(log) ? [] : (validate.errors ?? []).map(e => `${e.instancePath} ${e.message ?? ''}`)

const corpus = readdirSync(corpusDir)
  .filter(name => statSync(join(corpusDir, name)).isFile())
  .sort()
  .map(name => readFileSync(join(corpusDir, name), 'utf8'))
const dir = join(work, 'input')
mkdirSync(dir, { recursive: true })
mkdirSync(join(work, 'sample'), { recursive: true })
mkdirSync(join(work, 'failed'), { recursive: true })

async function main(): Promise<void> {
  for (let index = start; index < n; index++) {
    const text = mutant(corpus, seed, index)
    if (sampleEvery > 0 && index % sampleEvery === 0)
      writeFileSync(join(work, 'sample', `${String(index).padStart(7, '0')}.Dockerfile`), text)
    const budget = budgetMs + (budgetPerMiBMs * text.length) / 1048576
    const { problems, ms } = await checkInput(text, { dir, validateSarif, budgetMs: Math.round(budget) })
    // A failing input is kept by the worker itself: the driver only learns of it after later ones were written.
    if (problems.length > 0) writeFileSync(join(work, 'failed', `${index}.Dockerfile`), text)
    const rss = Math.round(process.memoryUsage().rss / 1048576)
    process.stdout.write(
      `${JSON.stringify({ index, ms: Math.round(ms), bytes: text.length, rss, problems })}\n`
    )
  }
}

void main()
