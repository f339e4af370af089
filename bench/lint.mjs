// bench/lint: node bench/lint.mjs FOLDER [ROUNDS]
// Bundles bench/lint-entry.ts with ncc (the same compiler as dist/), runs it, then scans the same files once
// through the shipped CLI (dist/cli/index.js) to prove the whole folder goes through with no tool error.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const folder = resolve(process.argv[2] ?? '')
if (!process.argv[2]) {
  console.error('usage: node bench/lint.mjs FOLDER [ROUNDS]   (e.g. ../shared/corpus/files)')
  process.exit(2)
}
const out = mkdtempSync(join(tmpdir(), 'lp-bench-'))
try {
  execFileSync(
    join(root, 'node_modules/.bin/ncc'),
    ['build', join(root, 'bench/lint-entry.ts'), '-o', out, '--quiet'],
    {
      cwd: root,
      stdio: 'inherit'
    }
  )
  const bench = spawnSync(process.execPath, [join(out, 'index.js'), folder, process.argv[3] ?? '5'], {
    stdio: 'inherit'
  })
  if (bench.status !== 0) process.exitCode = bench.status ?? 1

  const files = readdirSync(folder)
    .map(name => join(folder, name))
    .filter(path => statSync(path).isFile())
  const started = process.hrtime.bigint()
  const cli = spawnSync(
    process.execPath,
    [
      join(root, 'dist/cli/index.js'),
      'scan',
      '--no-build',
      '--format',
      'json',
      '--fail-on',
      'never',
      ...files
    ],
    {
      maxBuffer: 1 << 30,
      encoding: 'utf8'
    }
  )
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  let summary = `exit ${cli.status}`
  try {
    const report = JSON.parse(cli.stdout)
    const results = report.results ?? []
    const kinds = {}
    for (const result of results)
      for (const n of result.notifications ?? []) kinds[n.kind] = (kinds[n.kind] ?? 0) + 1
    summary += `, ${results.length} results, notifications by kind ${JSON.stringify(kinds)}`
  } catch {
    summary += `, unreadable JSON; stderr: ${cli.stderr.split('\n')[0]}`
  }
  console.log(
    `\nCLI end to end (dist/cli/index.js scan --no-build, one process, ${files.length} files): ${ms.toFixed(0)} ms, ${summary}`
  )
  if (cli.stderr.includes('internal error')) {
    console.log(`CLI tool error: ${cli.stderr.split('\n')[0]}`)
    process.exitCode = 1
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
