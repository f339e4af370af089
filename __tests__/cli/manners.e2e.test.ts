// The bundled CLI as a new user meets it: help and version (answered without loading the scanner), flag
// mistakes, SARIF on stdout, output that fits the terminal, and the JSON report against its schema.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import stringWidth from 'string-width'
import { schemaErrors } from '../report/sarif-schema'
import { reportSchemaErrors } from '../report/report-schema'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli/index.js')
const haveBundle = existsSync(cli)
if (!haveBundle && process.env.CI !== 'true')
  console.warn('SKIPPED CLI manners e2e: dist/cli/index.js missing (npm run package)')
const describeBundle = haveBundle || process.env.CI === 'true' ? describe : describe.skip

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lp-cli-manners-'))
  cpSync(join(root, 'examples'), join(work, 'examples'), { recursive: true })
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

function run(args: string[], env: NodeJS.ProcessEnv = {}, entry = cli) {
  const result = spawnSync(process.execPath, [entry, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, COLUMNS: undefined, ...env },
    timeout: 120_000
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describeBundle('least-privilege CLI manners (bundled)', () => {
  it.each([[['--help']], [['scan', '--help']], [['scan', 'x', '-h']], [[]]])(
    '%j prints the usage, exit 0',
    args => {
      const { code, stdout, stderr } = run(args)
      expect(code).toBe(0)
      expect(stderr).toBe('')
      expect(stdout).toMatch(/^Usage: least-privilege scan \[options\] PATH\.\.\./)
      for (const flag of ['--sarif-category', '--format text|json|markdown|sarif', '--version'])
        expect(stdout).toContain(flag)
      for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(90)
    }
  )

  it('prints the version', () => {
    const { code, stdout } = run(['--version'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^least-privilege \d+\.\d+\.\d+\n$/)
  })

  it('answers --help, --version and flag mistakes without loading the scanner bundle', () => {
    // The entry alone, with no dist/index.js beside it: whatever needs the scanner (dockerode) cannot load.
    const alone = mkdtempSync(join(tmpdir(), 'lp-cli-alone-'))
    try {
      const entry = join(alone, 'cli', 'index.js')
      cpSync(join(root, 'dist', 'cli'), join(alone, 'cli'), { recursive: true })
      copyFileSync(cli, entry)
      expect(run(['--help'], {}, entry)).toMatchObject({ code: 0, stderr: '' })
      expect(run(['--version'], {}, entry)).toMatchObject({ code: 0, stderr: '' })
      expect(run(['scan', '--sarf', 'x'], {}, entry)).toMatchObject({ code: 2 })
      // A real scan does need the bundle: proof that the cases above did not load it.
      const scan = run(['scan', '--no-build', 'examples/secure'], {}, entry)
      expect(scan.code).not.toBe(0)
      expect(scan.stderr).toContain('index.js')
    } finally {
      rmSync(alone, { recursive: true, force: true })
    }
  })

  it.each([
    [
      ['scan', '--sarf', 'out.sarif', 'examples'],
      'unknown option --sarf: did you mean --sarif? (see --help)'
    ],
    [
      ['scan', '--sarif', '--format', 'json', 'examples'],
      '--sarif needs a value, but got the option --format (a value starting with "-" is written --sarif=VALUE)'
    ],
    [['sacn', 'examples'], 'unknown command "sacn": did you mean "scan"? (see --help)'],
    [['scan', '--format', 'yaml', 'examples'], '--format expects text, json, markdown, sarif; got "yaml"']
  ])('exits 2 with one line for %j', (args, message) => {
    const { code, stdout, stderr } = run(args)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(`least-privilege: ${message}\n`)
  })

  it('--format sarif writes the SARIF log to stdout, in the category --sarif-category names', () => {
    const { code, stdout, stderr } = run([
      'scan',
      '--no-build',
      '--format',
      'sarif',
      '--sarif-category',
      'cli-scan/insecure',
      'examples/insecure'
    ])
    expect(stderr).not.toContain('internal error')
    expect(code).toBe(1)
    const log = JSON.parse(stdout)
    expect(schemaErrors(log)).toEqual([])
    expect(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('LP101')
    expect(log.runs[0].automationDetails.id).toMatch(/^cli-scan\/insecure\//)
  })

  it('--format sarif and --sarif FILE give the same log', () => {
    const file = join(work, 'same.sarif')
    const { stdout } = run(['scan', '--no-build', '--format', 'sarif', '--sarif', file, 'examples/insecure'])
    expect(stdout).toBe(
      `${JSON.stringify(JSON.parse(spawnSync('cat', [file], { encoding: 'utf8' }).stdout), null, 2)}\n`
    )
  })

  it.each([
    [{}, 100],
    [{ COLUMNS: '60' }, 60],
    [{ COLUMNS: '132' }, 132]
  ])('text output with %j fits %i columns, and is not coloured off a terminal', (env, columns) => {
    const { stdout } = run(['scan', '--no-build', 'examples'], { NO_COLOR: undefined, ...env })
    expect(stdout).toContain('Least Privilege')
    expect(stdout).not.toContain('\u001b')
    const widths = stdout.split('\n').map(l => stringWidth(l))
    expect(Math.max(...widths)).toBeLessThanOrEqual(columns)
  })

  it('colours with FORCE_COLOR or --color, not with NO_COLOR', () => {
    expect(
      run(['scan', '--no-build', 'examples/insecure'], { NO_COLOR: undefined, FORCE_COLOR: '1' }).stdout
    ).toContain('\u001b[')
    expect(run(['scan', '--no-build', '--color', 'examples/insecure']).stdout).toContain('\u001b[')
    expect(run(['scan', '--no-build', 'examples/insecure'], { NO_COLOR: '1' }).stdout).not.toContain(
      '\u001b['
    )
  })

  it('prints a JSON report that validates against schema/report.schema.json', () => {
    for (const path of ['examples', 'examples/insecure']) {
      const { stdout } = run(['scan', '--no-build', '--format', 'json', path])
      const report = JSON.parse(stdout)
      expect(report.results.length).toBeGreaterThan(0)
      expect(reportSchemaErrors(report)).toEqual([])
    }
  })
})
