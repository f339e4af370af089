// Pathological Dockerfiles finish quickly, keep the file's other findings, name the limit they hit in a
// notification, and produce a small SARIF log that validates. Run through the in-process scan pipeline.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../src/logger'
import { buildSarif } from '../../src/report/sarif'
import { ruleMetas } from '../../src/rules/registry'
import { runScan } from '../../src/scan/scan'
import type { ScanReport, ScanResult } from '../../src/scan/types'
import { DEFAULT_SETTINGS } from '../../src/settings'
import { githubProblems, schemaErrors } from '../report/sarif-schema'

const times = (n: number, text: string): string => text.repeat(n)

/** name -> [Dockerfile text, limit the notification must name (or undefined), rule ids that must survive]. */
const CASES: Record<string, [string, string | undefined, string[]]> = {
  'sudo-exec-160': [
    `FROM scratch\nUSER root\nRUN sudo${times(160, ' -exec')}\n`,
    undefined,
    ['LP101', 'LP402']
  ],
  'chmod-exec-2000': [
    `FROM scratch\nRUN chmod 4755 /x${times(2000, ' -exec')}\n`,
    'MAX_SHELL_NESTING',
    ['LP101', 'LP401']
  ],
  'proto-toString': ['FROM scratch\nUSER root\nRUN sudo toString x\n', undefined, ['LP101', 'LP402']],
  'proto-names': [
    [
      'ARG __proto__=1',
      'FROM scratch AS toString',
      'ENV constructor=1 hasOwnProperty=2 valueOf=3 __proto__=4',
      'FROM toString AS __proto__',
      'RUN constructor install sudo && hasOwnProperty x && __proto__ y',
      'RUN valueOf install sudo',
      'COPY --from=constructor /a /b',
      'RUN sudo true',
      'USER ${__proto__}',
      ''
    ].join('\n'),
    undefined,
    ['LP402']
  ],
  'nested-10000': [
    `FROM scratch\nUSER ${times(10_000, '${a:-')}x${times(10_000, '}')}\nUSER root\n`,
    'MAX_EXPANSION_DEPTH',
    ['LP101']
  ],
  'nested-env-10000': [
    `FROM scratch\nENV A=${times(10_000, '${a:-')}x${times(10_000, '}')}\nRUN sudo true\n`,
    'MAX_EXPANSION_DEPTH',
    ['LP101', 'LP402']
  ],
  'env-doubling-30': [
    `FROM scratch\nENV A=xx\n${times(30, 'ENV A=$A$A\n')}USER $A\nRUN sudo true\n`,
    'MAX_EXPANDED_VALUE_LENGTH',
    ['LP105', 'LP402']
  ],
  'arg-doubling-copy-30': [
    `ARG A=xx\n${times(30, 'ARG A=$A$A\n')}FROM scratch\nARG A\nCOPY --chown=$A --chmod=4755 a /b\n`,
    'MAX_EXPANDED_VALUE_LENGTH',
    ['LP101', 'LP401']
  ],
  'env-budget': [
    `FROM scratch\nENV A=${'x'.repeat(60_000)}\n${times(40, 'COPY --chmod=4755 a $A\n')}`,
    'MAX_EXPANSION_OUTPUT_PER_FILE',
    ['LP101', 'LP401']
  ],
  'unclosed-200k': [
    `FROM scratch\nUSER ${times(200_000, '${')}\nRUN sudo true\n`,
    'MAX_EXPANDED_VALUE_LENGTH',
    ['LP402']
  ],
  'stages-2000': [`${times(2000, 'FROM scratch\n')}`, undefined, ['LP101']],
  'chain-3000': [
    `FROM scratch AS s0\n${Array.from({ length: 3000 }, (_, i) => `FROM s${i} AS s${i + 1}\nCOPY --from=s${i} /a /a\nRUN chmod u+s /b${i}\n`).join('')}`,
    undefined,
    ['LP101', 'LP401']
  ],
  'expose-expansion': [
    `FROM scratch\nENV P="${times(5000, '80 ')}"\nEXPOSE $P\nUSER 1000\n`,
    'MAX_PORTS_PER_EXPOSE_WORD',
    ['LP104']
  ]
}

let root: string
let report: ScanReport
const resultOf = (name: string): ScanResult => report.results.find(r => r.file === `${name}/Dockerfile`)!

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lp-limits-'))
  for (const [name, [text]] of Object.entries(CASES)) {
    mkdirSync(join(root, name))
    writeFileSync(join(root, name, 'Dockerfile'), text)
  }
  report = await runScan(
    { ...DEFAULT_SETTINGS, build: false, paths: ['.'], cwd: root, repoRoot: root },
    { logger: silentLogger, runId: 'limits-test' }
  )
}, 60_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('a pathological Dockerfile', () => {
  it.each(Object.keys(CASES))(
    '%s is scanned without an internal error and keeps its other findings',
    name => {
      const [, , rules] = CASES[name]
      const result = resultOf(name)
      expect(result.notifications.filter(n => n.kind === 'internal-error')).toEqual([])
      const found = result.findings.map(f => f.ruleId)
      for (const rule of rules) expect(found).toContain(rule)
    }
  )

  it.each(
    Object.entries(CASES)
      .filter(([, [, limit]]) => limit !== undefined)
      .map(([name]) => name)
  )('%s names the limit it reached in a warning on its line', name => {
    const [, limit] = CASES[name]
    const notes = resultOf(name).notifications.filter(n => n.message.includes(limit!))
    expect(notes.length).toBeGreaterThan(0)
    expect(notes[0]).toEqual(expect.objectContaining({ level: 'warning', file: `${name}/Dockerfile` }))
    expect(notes[0].line).toBeGreaterThan(0)
  })

  it('yields a SARIF log that validates and stays small', () => {
    const log = buildSarif(report, ruleMetas(), { repoRoot: root })
    expect(schemaErrors(log)).toEqual([])
    expect(githubProblems(log)).toEqual([])
    // Thirteen files, some built to expand into gigabytes: the whole log stays under a few MB.
    expect(JSON.stringify(log).length).toBeLessThan(4 * 1024 * 1024)
    for (const result of log.runs[0].results ?? []) {
      expect(JSON.stringify(result).length).toBeLessThan(16 * 1024)
    }
  })

  it('names the instruction, the line and the variable whose value grew past the length limit', () => {
    const note = resultOf('env-doubling-30').notifications.find(n =>
      n.message.includes('MAX_EXPANDED_VALUE_LENGTH')
    )
    // xx doubled 15 times is 65,536 characters; the 16th doubling, on line 18, is the first too long.
    expect(note?.line).toBe(18)
    expect(note?.message).toMatch(
      /^line 18: ENV A \(at \$A\): the expanded value is longer than 65536 characters/
    )
  })

  it('reports a prototype-named command like any other word', () => {
    const result = resultOf('proto-toString')
    expect(result.findings.find(f => f.ruleId === 'LP402')?.message).toContain('invokes sudo')
  })

  it('resolves prototype-named variables and stages by their own values only', () => {
    const model = resultOf('proto-names').model!
    expect(model.stages.map(s => s.name)).toEqual(['tostring', '__proto__'])
    expect(model.stages[1].baseStageIndex).toBe(0)
    // The global ARG is not re-declared in the stage, so USER ${__proto__} takes the ENV value 4.
    expect(model.finalStage.user.value).toBe('4')
    expect(model.finalStage.env.constructor).toBe('1')
    expect(model.stages[0].env.toString).toBeUndefined()
    expect(Object.keys(model.finalStage.env)).toEqual(
      expect.arrayContaining(['constructor', 'hasOwnProperty', 'valueOf', '__proto__'])
    )
  })
})

/** Scans one Dockerfile in-process, as the CLI does with --no-build. */
async function scanText(text: string, target?: string): Promise<ScanResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lp-limits-one-'))
  try {
    writeFileSync(join(dir, 'Dockerfile'), text)
    const scanned = await runScan(
      {
        ...DEFAULT_SETTINGS,
        build: false,
        paths: ['.'],
        cwd: dir,
        repoRoot: dir,
        ...(target ? { target } : {})
      },
      { logger: silentLogger, runId: 'limits-test' }
    )
    return scanned.results[0]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const ruleIds = (result: ScanResult): string[] => result.findings.map(f => f.ruleId)
const errors = (result: ScanResult): string[] =>
  result.notifications.filter(n => n.level === 'error').map(n => n.message)

describe('padding a Dockerfile never hides the image that ships', () => {
  it('a final USER root after 1,200 stages is still an error', async () => {
    const stages = Array.from({ length: 1200 }, (_, i) => `FROM scratch AS s${i}\nUSER 1000\n`).join('')
    const result = await scanText(`${stages}FROM scratch\nUSER root\n`)
    expect(result.model?.stages).toHaveLength(1201)
    expect(ruleIds(result)).toContain('LP101')
    expect(result.notifications).toEqual([])
  }, 60_000)

  it('a final USER root after 200,000 instructions is still an error', async () => {
    const result = await scanText(`FROM scratch\nUSER 1000\n${times(200_000, 'RUN true\n')}USER root\n`)
    expect(result.findings.find(f => f.ruleId === 'LP101')?.line).toBe(200_003)
    expect(result.notifications).toEqual([])
  }, 180_000)

  it('--target deep in a 50,000-stage chain resolves', async () => {
    const lines = ['FROM scratch AS s0', 'USER root']
    for (let i = 1; i < 50_000; i++) lines.push(`FROM s${i - 1} AS s${i}`, 'USER 1000')
    const result = await scanText(`${lines.join('\n')}\n`, 's25000')
    expect(errors(result)).toEqual([])
    expect(result.model?.finalStage.name).toBe('s25000')
    expect(result.model?.finalStage.user).toEqual(
      expect.objectContaining({ kind: 'non-root', value: '1000' })
    )
    expect(ruleIds(result)).not.toContain('LP101')
  }, 60_000)

  it('a root user inherited through 50,000 chained stages is still an error', async () => {
    const lines = ['FROM scratch AS s0', 'ENV UID=0', 'USER $UID']
    for (let i = 1; i < 50_000; i++) lines.push(`FROM s${i - 1} AS s${i}`)
    const result = await scanText(`${lines.join('\n')}\n`)
    expect(ruleIds(result)).toContain('LP101')
    expect(result.model?.finalStage.env.UID).toBe('0')
  }, 60_000)

  it('an unknown --target names a few stages, not all 50,000', async () => {
    const stages = Array.from({ length: 50_000 }, (_, i) => `FROM scratch AS s${i}\n`).join('')
    const result = await scanText(stages, 'nope')
    expect(errors(result)).toHaveLength(1)
    expect(errors(result)[0]).toMatch(/target stage "nope" not found \(stages: s0, s1, .* and 49980 more\)$/)
  }, 60_000)

  it('padding ARGs cannot hide USER root', async () => {
    const padding = Array.from({ length: 1000 }, (_, i) => `ARG P${i}=1\n`).join('')
    for (const text of [
      `FROM scratch\n${padding}ARG UID=0\nUSER $UID\n`,
      `${padding}ARG UID=0\nFROM scratch\nARG UID\nUSER $UID\n`,
      `FROM scratch\n${padding.replace(/ARG/g, 'ENV')}ENV UID=0\nUSER $UID\n`
    ]) {
      const result = await scanText(text)
      // The value past the limit is unknown, never judged non-root: a root finding or an unresolved warning.
      expect(ruleIds(result)).toEqual(expect.arrayContaining([expect.stringMatching(/^LP10[15]$/)]))
      expect(result.notifications.map(n => n.message).join('\n')).toContain('MAX_VARIABLES_PER_STAGE')
    }
  }, 60_000)

  it('variables inherited past the copy limit are unresolved, never a pass', async () => {
    const env = Array.from({ length: 1000 }, (_, i) => `ENV E${i}=${i}\n`).join('')
    const chain = Array.from({ length: 1100 }, (_, i) => `FROM s${i} AS s${i + 1}\nENV X=${i}\n`).join('')
    const result = await scanText(`FROM scratch AS s0\nENV UID=0\n${env}${chain}USER $UID\n`)
    expect(ruleIds(result)).toContain('LP105')
    expect(result.notifications.map(n => n.message).join('\n')).toContain('MAX_INHERITED_VARIABLES_PER_FILE')
  }, 60_000)

  it('a setuid chmod nested past the shell-nesting limit is reported as not checked', async () => {
    const result = await scanText(`FROM scratch\nRUN ${times(8, 'sudo ')}chmod u+s /x\nUSER 1000\n`)
    const notes = result.notifications.filter(n => n.message.includes('MAX_SHELL_NESTING'))
    expect(notes).toEqual([expect.objectContaining({ level: 'warning', line: 2 })])
    expect(ruleIds(result)).toContain('LP402')
  }, 60_000)
})
