// Bundled by bench/lint.mjs: times our static scan against the dockerfile-ast parse floor and two peers,
// over the same in-memory files, in one process and one run.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DockerfileParser } from 'dockerfile-ast'
import { validate } from 'dockerfile-utils'
import { buildModel } from '../src/dockerfile/model'
import { defaultProfile } from '../src/profile/parse'
import { evaluateRules } from '../src/rules/engine'
import { ALL_RULES, ruleMetas } from '../src/rules/registry'
import { applySuppressions } from '../src/rules/suppress'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dockerfilelint = require('dockerfilelint') as { run(configPath: string, content: string): unknown[] }

interface Sample {
  name: string
  text: string
}

type Tool = (sample: Sample) => void

const folder = process.argv[2]
const rounds = Number(process.argv[3] ?? 5)
if (!folder) {
  process.stderr.write('usage: node bench/lint.mjs FOLDER [ROUNDS]\n')
  process.exit(2)
}

const samples: Sample[] = readdirSync(folder)
  .filter(name => statSync(join(folder, name)).isFile())
  .sort()
  .map(name => ({ name, text: readFileSync(join(folder, name), 'utf8') }))
const metas = ruleMetas()
const profile = defaultProfile()

const tools: Record<string, Tool> = {
  'dockerfile-ast parse (floor)': s => {
    DockerfileParser.parse(s.text)
  },
  'least-privilege static scan': s => {
    let model
    try {
      model = buildModel(s.text, s.name)
    } catch (error) {
      // A file without FROM is a diagnosis (UsageError), not a crash.
      if ((error as Error).name === 'UsageError') return
      throw error
    }
    const findings = evaluateRules(ALL_RULES, { model, profile })
    applySuppressions(findings, model, metas)
  },
  'dockerfile-utils validate': s => {
    validate(s.text)
  },
  'dockerfilelint run': s => {
    dockerfilelint.run('/nonexistent', s.text)
  }
}

function timeOnce(tool: Tool, crashes: Map<string, string>): number {
  const start = process.hrtime.bigint()
  for (const sample of samples) {
    try {
      tool(sample)
    } catch (error) {
      if (!crashes.has(sample.name))
        crashes.set(sample.name, String((error as Error)?.message ?? error).split('\n')[0])
    }
  }
  return Number(process.hrtime.bigint() - start) / 1e6
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const results: Record<string, { ms: number; crashes: Map<string, string> }> = {}
for (const [name, tool] of Object.entries(tools)) {
  const crashes = new Map<string, string>()
  timeOnce(tool, crashes) // warm-up: JIT and lazy requires
  const times: number[] = []
  for (let i = 0; i < rounds; i++) times.push(timeOnce(tool, crashes))
  results[name] = { ms: median(times), crashes }
}

const floor = results['dockerfile-ast parse (floor)'].ms
process.stdout.write(`files: ${samples.length} from ${folder}; rounds: ${rounds} (median shown)\n\n`)
process.stdout.write(
  `${'tool'.padEnd(32)}${'ms'.padStart(10)}${'files/s'.padStart(12)}${'x floor'.padStart(10)}${'crashes'.padStart(10)}\n`
)
for (const [name, { ms, crashes }] of Object.entries(results)) {
  const rate = (samples.length / (ms / 1000)).toFixed(0)
  process.stdout.write(
    `${name.padEnd(32)}${ms.toFixed(1).padStart(10)}${rate.padStart(12)}${(ms / floor).toFixed(2).padStart(10)}${String(crashes.size).padStart(10)}\n`
  )
}
for (const [name, { crashes }] of Object.entries(results)) {
  for (const [file, message] of [...crashes].slice(0, 5))
    process.stdout.write(`  crash in ${name}: ${file}: ${message}\n`)
}
const ours = results['least-privilege static scan']
const ratio = ours.ms / floor
process.stdout.write(
  `\nleast-privilege / parse floor: ${ratio.toFixed(2)}x (target <= 1.5x): ${ratio <= 1.5 ? 'met' : 'NOT met'}\n`
)
process.stdout.write(
  `heap used: ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} MiB, rss ${(process.memoryUsage().rss / 1048576).toFixed(1)} MiB\n`
)
if (ours.crashes.size > 0) process.exitCode = 1
