// Acceptance (issue 7): pathological and hostile inputs to the bundled CLI, written from the issue's "done
// when", README.md, docs/ and GitHub's SARIF limits (shared/reference/github-platform.md §1.4), not from the
// product's code. Static only (`--no-build`), no daemon needed; the daemon faults use stand-in sockets.
//
// Every Dockerfile case must finish (a generous hang guard, not a timing assertion) with exit 0 or 1, a SARIF
// that is schema-valid and within GitHub's limits (≤ 25,000 results per run, ≤ 10 MB gzipped) and under
// 20 MB, no internal error and no stack trace; where the file has an obvious finding (the final stage's
// `USER root`, a setuid chmod, sudo), that finding is still reported.
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  brief,
  cleanTemps,
  expectOneLineError,
  expectSane,
  results,
  runCli,
  sarifProblems,
  stderrProblems,
  tempDir,
  unsuppressed,
  type CliRun,
  type Expectations
} from './support/cli'
import { fakeDaemon, type Behaviour } from './support/fake-daemon'
import { secretSightings } from './support/untrusted'

afterAll(cleanTemps)

const CASE_MS = 180_000
const BASE = ['scan', '--no-build', '--no-color', '--format', 'json', '--sarif', 'out.sarif']

function scan(
  dockerfile: string | Buffer,
  extra: string[] = [],
  env?: Record<string, string>
): Promise<CliRun> {
  return runCli({ files: { Dockerfile: dockerfile }, args: [...BASE, ...extra, 'Dockerfile'], env })
}

/** The JSON report on stdout parses (it is the machine-readable output). */
function expectJsonReport(run: CliRun): void {
  let error = ''
  try {
    JSON.parse(run.stdout)
  } catch (e) {
    error = (e as Error).message
  }
  expect({ jsonReportError: error, run: brief(run) }).toEqual({ jsonReportError: '', run: brief(run) })
}

async function saneCase(
  dockerfile: string | Buffer,
  want: Expectations,
  extra: string[] = []
): Promise<void> {
  const run = await scan(dockerfile, extra)
  expectSane(run, want)
  expectJsonReport(run)
}

const df = (...lines: string[]): string => lines.join('\n') + '\n'
const ROOT_LAST = 'USER root'

// ${v0:-${v1:-...inner...}}
const nestDefault = (depth: number, inner: string): string => {
  let s = inner
  for (let i = depth - 1; i >= 0; i--) s = `\${v${i % 7}:-${s}}`
  return s
}
const unclosed = (n: number): string => '${'.repeat(n)

// ---------------------------------------------------------------------------------------------------------

describe('deep nesting of ${...:-...} in every instruction that expands variables', () => {
  const positions: [string, (nest: (inner: string) => string) => string[]][] = [
    ['ENV', n => [`ENV A=${n('x')}`]],
    ['ENV (two pairs)', n => [`ENV A=${n('x')} B=${n('y')}`]],
    ['ARG', n => [`ARG A=${n('x')}`]],
    ['global ARG + FROM', n => [`ARG B=${n('scratch')}`, 'FROM $B']],
    ['FROM', n => [`FROM ${n('scratch')}`]],
    ['FROM ... AS', n => [`FROM ${n('scratch')} AS s`]],
    ['EXPOSE', n => [`EXPOSE ${n('80')}`]],
    ['COPY --chown', n => [`COPY --chown=${n('0')}:${n('0')} a /a`]],
    ['COPY --chmod', n => [`COPY --chmod=${n('4755')} a /a`]],
    ['ADD --chown', n => [`ADD --chown=${n('0')} a /a`]],
    ['COPY --from', n => [`COPY --from=${n('b')} /a /a`]],
    ['LABEL', n => [`LABEL a=${n('x')}`]],
    ['WORKDIR', n => [`WORKDIR /${n('x')}`]],
    ['VOLUME', n => [`VOLUME /${n('x')}`]],
    ['STOPSIGNAL', n => [`STOPSIGNAL ${n('9')}`]],
    ['USER (not last)', n => [`USER ${n('1000')}`]],
    ['RUN (shell text)', n => [`RUN chmod 4755 ${n('/b')}`]],
    ['ONBUILD', n => [`ONBUILD USER ${n('root')}`]]
  ]
  for (const depth of [5_000, 20_000]) {
    for (const [where, lines] of positions) {
      it(
        `${where}, ${depth} deep, then USER root: still LP101`,
        async () => {
          const body = lines(inner => nestDefault(depth, inner))
          const from = body.some(l => l.startsWith('FROM')) ? [] : ['FROM scratch']
          await saneCase(df(...from, ...body, ROOT_LAST), { fire: ['LP101'] })
        },
        CASE_MS
      )
    }
    it(
      `the final USER itself ${depth} deep (defaults to root): LP101 or, if bounded, LP105`,
      async () => {
        await saneCase(df('FROM scratch', `USER ${nestDefault(depth, 'root')}`), {
          fire: [['LP101', 'LP105']]
        })
      },
      CASE_MS
    )
    it(
      `USER ${depth} deep with other operators (:+, -, +, :?) in a final stage`,
      async () => {
        let s = '0'
        const ops = [':+', '-', '+', ':-']
        for (let i = depth - 1; i >= 0; i--) s = `\${V${i % 5}${ops[i % ops.length]}${s}}`
        await saneCase(df('FROM scratch', 'ARG V0=1', `ENV X=${s}`, ROOT_LAST), { fire: ['LP101'] })
      },
      CASE_MS
    )
  }
})

describe('unclosed ${ x100k', () => {
  const positions: [string, string][] = [
    ['USER', 'USER '],
    ['ENV', 'ENV A='],
    ['ARG', 'ARG A='],
    ['LABEL', 'LABEL a='],
    ['EXPOSE', 'EXPOSE '],
    ['WORKDIR', 'WORKDIR /'],
    ['COPY --chown', 'COPY --chown='],
    ['COPY --from', 'COPY --from='],
    ['RUN', 'RUN chmod 4755 ']
  ]
  for (const [where, prefix] of positions) {
    it(
      `${where} with 100,000 unclosed \${, then USER root: LP101`,
      async () => {
        const tail = where === 'COPY --chown' || where === 'COPY --from' ? ' a /a' : ''
        await saneCase(df('FROM scratch', prefix + unclosed(100_000) + tail, ROOT_LAST), { fire: ['LP101'] })
      },
      CASE_MS
    )
  }
  it(
    'FROM with 100,000 unclosed ${ as the only stage base, then a clean final stage running as root',
    async () => {
      await saneCase(df(`FROM ${unclosed(100_000)} AS a`, 'FROM scratch', ROOT_LAST), { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    'a megabyte of $ and \\$ escapes, then USER root',
    async () => {
      await saneCase(df('FROM scratch', 'ENV A=' + '$'.repeat(500_000) + '\\$'.repeat(250_000), ROOT_LAST), {
        fire: ['LP101']
      })
    },
    CASE_MS
  )
})

describe('exponential expansion', () => {
  const doubling = (kw: 'ENV' | 'ARG', times: number): string[] => [
    `${kw} A=x`,
    ...Array.from({ length: times }, () => `${kw} A=$A$A`)
  ]
  for (const kw of ['ENV', 'ARG'] as const) {
    for (const times of [40, 64]) {
      it(
        `${kw} A=$A$A x${times}, then USER root: LP101`,
        async () => {
          await saneCase(df('FROM scratch', ...doubling(kw, times), ROOT_LAST), { fire: ['LP101'] })
        },
        CASE_MS
      )
    }
    it(
      `${kw} doubling x40 used everywhere (USER, EXPOSE, COPY --chown, WORKDIR, LABEL), then USER root`,
      async () => {
        await saneCase(
          df(
            'FROM scratch',
            ...doubling(kw, 40),
            'USER $A',
            'EXPOSE $A',
            'COPY --chown=$A:$A a /a',
            'WORKDIR /$A',
            'LABEL l=$A',
            'ENV B=${A}${A:-$A}${A:+$A}',
            ROOT_LAST
          ),
          { fire: ['LP101'] }
        )
      },
      CASE_MS
    )
  }
  it(
    'ENV with ten references per level, 20 levels (10^20 characters)',
    async () => {
      const lines = ['ENV L0=xxxxxxxxxx']
      for (let i = 1; i <= 20; i++) lines.push(`ENV L${i}=` + `$L${i - 1}`.repeat(10))
      await saneCase(df('FROM scratch', ...lines, 'USER $L20', ROOT_LAST), { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    'nested defaults doubling: ENV A=${A:-$A}${A:-$A} x40',
    async () => {
      await saneCase(
        df(
          'FROM scratch',
          'ENV A=x',
          ...Array.from({ length: 40 }, () => 'ENV A=${A:-$A}${A:-$A}'),
          ROOT_LAST
        ),
        { fire: ['LP101'] }
      )
    },
    CASE_MS
  )
  it(
    'global ARG doubling x40 into FROM, then a final stage as root',
    async () => {
      await saneCase(df(...doubling('ARG', 40), 'FROM $A AS big', 'FROM scratch', ROOT_LAST), {
        fire: ['LP101']
      })
    },
    CASE_MS
  )
  it(
    'a build arg doubled by ARG x40 (--build-arg A=yy)',
    async () => {
      await saneCase(
        df('FROM scratch', 'ARG A', ...Array.from({ length: 40 }, () => 'ARG A=$A$A'), 'USER $A', ROOT_LAST),
        { fire: ['LP101'] },
        ['--build-arg', 'A=yy']
      )
    },
    CASE_MS
  )
  it(
    'the final USER is the 2^40-character doubled value: bounded, no crash',
    async () => {
      const run = await scan(df('FROM scratch', ...doubling('ENV', 40), 'USER $A'))
      expectSane(run)
      expectJsonReport(run)
    },
    CASE_MS
  )
})

describe('tens of thousands of stages', () => {
  it(
    'FROM scratch x50,000: LP101 for the final stage',
    async () => {
      await saneCase(Array.from({ length: 50_000 }, () => 'FROM scratch').join('\n') + '\n', {
        fire: ['LP101']
      })
    },
    CASE_MS
  )
  it(
    '50,000 chained stages (FROM s{n-1} AS s{n}): the inherited root is found',
    async () => {
      const lines = ['FROM scratch AS s0', 'USER root']
      for (let i = 1; i < 50_000; i++) lines.push(`FROM s${i - 1} AS s${i}`)
      await saneCase(lines.join('\n') + '\n', { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    '50,000 chained stages inheriting USER 1000 from the first: no LP101 and no LP105',
    async () => {
      const lines = ['FROM scratch AS s0', 'USER 1000']
      for (let i = 1; i < 50_000; i++) lines.push(`FROM s${i - 1} AS s${i}`)
      await saneCase(lines.join('\n') + '\n', { absent: ['LP101', 'LP105'] })
    },
    CASE_MS
  )
  it(
    '50,000 stages each COPY --from the previous one, final stage as root',
    async () => {
      const lines = ['FROM scratch AS s0', 'RUN chmod 4755 /x']
      for (let i = 1; i < 50_000; i++) lines.push(`FROM scratch AS s${i}`, `COPY --from=s${i - 1} /x /x`)
      lines.push(ROOT_LAST)
      await saneCase(lines.join('\n') + '\n', { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    '50,000 chained stages with --target in the middle',
    async () => {
      const lines = ['FROM scratch AS s0', 'USER root']
      for (let i = 1; i < 50_000; i++) lines.push(`FROM s${i - 1} AS s${i}`, 'USER 1000')
      await saneCase(lines.join('\n') + '\n', { absent: ['LP101'] }, ['--target', 's25000'])
    },
    CASE_MS
  )
  it(
    'stages that name themselves and each other (FROM a AS a; FROM b AS c; FROM c AS b): bounded, final root found',
    async () => {
      await saneCase(df('FROM a AS a', 'FROM b AS c', 'FROM c AS b', 'FROM b', ROOT_LAST), {
        fire: ['LP101']
      })
    },
    CASE_MS
  )
  it(
    'a final stage that is its own base (FROM x AS x) and no USER: LP101 (base image x is root by default)',
    async () => {
      await saneCase(df('FROM x AS x'), { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    'COPY --from pointing at itself and at later stages',
    async () => {
      await saneCase(
        df(
          'FROM scratch AS a',
          'COPY --from=a /x /x',
          'COPY --from=b /y /y',
          'FROM scratch AS b',
          'COPY --from=b /z /z',
          ROOT_LAST
        ),
        { fire: ['LP101'] }
      )
    },
    CASE_MS
  )
})

describe('tens of thousands of lines and findings', () => {
  it(
    '40,000 RUN chmod 4755 /bN: LP401 kept, within GitHub limits',
    async () => {
      const lines = [
        'FROM scratch',
        ...Array.from({ length: 40_000 }, (_, i) => `RUN chmod 4755 /b${i}`),
        'USER 1000'
      ]
      await saneCase(lines.join('\n') + '\n', { fire: ['LP401'] })
    },
    CASE_MS
  )
  it(
    '40,000 RUN sudo id: LP402 kept',
    async () => {
      const lines = [
        'FROM scratch',
        ...Array.from({ length: 40_000 }, (_, i) => `RUN sudo id ${i}`),
        'USER 1000'
      ]
      await saneCase(lines.join('\n') + '\n', { fire: ['LP402'] })
    },
    CASE_MS
  )
  it(
    '40,000 mixed findings on one line each plus the final root',
    async () => {
      const kinds = [
        'RUN chmod 4755 /a',
        'RUN chmod 777 /w',
        'RUN sudo true',
        'EXPOSE 80',
        'RUN setcap cap_net_raw+ep /c',
        'USER app'
      ]
      const lines = [
        'FROM scratch',
        ...Array.from({ length: 40_000 }, (_, i) => `${kinds[i % kinds.length]}${i}`),
        ROOT_LAST
      ]
      await saneCase(lines.join('\n') + '\n', { fire: ['LP101', 'LP401', 'LP402'] })
    },
    CASE_MS
  )
  it(
    'one RUN with 100,000 chained chmod 4755 commands: LP401, bounded results',
    async () => {
      const run = 'RUN ' + Array.from({ length: 100_000 }, (_, i) => `chmod 4755 /x${i}`).join(' && ')
      await saneCase(df('FROM scratch', run, 'USER 1000'), { fire: ['LP401'] })
    },
    CASE_MS
  )
  it(
    'one chmod 4755 with 200,000 paths: LP401',
    async () => {
      const run = 'RUN chmod 4755 ' + Array.from({ length: 200_000 }, (_, i) => `/p${i}`).join(' ')
      await saneCase(df('FROM scratch', run, 'USER 1000'), { fire: ['LP401'] })
    },
    CASE_MS
  )
  it(
    '200,000 continuation lines in one RUN, then USER root',
    async () => {
      const run = 'RUN echo start \\\n' + '  a \\\n'.repeat(200_000) + '  end'
      await saneCase(df('FROM scratch', run, ROOT_LAST), { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    '200,000 continuation lines with comments and empty lines between, ending in sudo',
    async () => {
      const run = 'RUN true \\\n' + '# c\n\n  && true \\\n'.repeat(70_000) + '  && sudo id'
      await saneCase(df('FROM scratch', run, 'USER 1000'), { fire: ['LP402'] })
    },
    CASE_MS
  )
  it(
    'USER root split over 200,000 continuation lines',
    async () => {
      await saneCase(df('FROM scratch', 'USER \\\n' + '\\\n'.repeat(200_000) + 'root'), { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    '200,000 lines of RUN true, then USER root',
    async () => {
      await saneCase('FROM scratch\n' + 'RUN true\n'.repeat(200_000) + ROOT_LAST + '\n', { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    '100,000 suppression pragmas naming real and unknown rules, then USER root',
    async () => {
      const pragmas = Array.from(
        { length: 100_000 },
        (_, i) => `# least-privilege ignore=LP9${i % 100},X${i}`
      )
      await saneCase(df('FROM scratch', ...pragmas, ROOT_LAST), { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    '50,000 ENV pairs on one line and 50,000 ARG lines, then USER root',
    async () => {
      const env = 'ENV ' + Array.from({ length: 50_000 }, (_, i) => `E${i}=${i}`).join(' ')
      const args = Array.from({ length: 50_000 }, (_, i) => `ARG A${i}=${i}`)
      await saneCase(df('FROM scratch', env, ...args, ROOT_LAST), { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    'EXPOSE with 50,000 ports on one line (many privileged) in a non-root image: LP104, bounded',
    async () => {
      const ports = Array.from({ length: 50_000 }, (_, i) => `${(i % 1023) + 1}/tcp`).join(' ')
      await saneCase(df('FROM scratch', `EXPOSE ${ports}`, 'USER 1000'), { fire: ['LP104'] })
    },
    CASE_MS
  )
  for (const range of ['1-65535', '0-4294967295', '1-99999999999999999999', '80-1'])
    it(
      `EXPOSE ${range} (a port range): bounded`,
      async () => {
        await saneCase(df('FROM scratch', `EXPOSE ${range}`, ROOT_LAST), { fire: ['LP101'] })
      },
      CASE_MS
    )
})

describe('limits never hide the final stage', () => {
  it(
    '1,200 non-root stages, then a final stage with USER root: LP101',
    async () => {
      const stages = Array.from({ length: 1200 }, (_, i) => `FROM scratch AS s${i}\nUSER 1000`).join('\n')
      await saneCase(`${stages}\nFROM scratch\nUSER root\n`, { fire: ['LP101'] })
    },
    CASE_MS
  )
  it(
    'USER 1000, 200,000 RUN lines, then USER root: LP101',
    async () => {
      await saneCase('FROM scratch\nUSER 1000\n' + 'RUN true\n'.repeat(200_000) + 'USER root\n', {
        fire: ['LP101']
      })
    },
    CASE_MS
  )
  it(
    'USER 1000, 200,000 continuation lines, then USER root: LP101',
    async () => {
      await saneCase(
        'FROM scratch\nUSER 1000\nRUN true \\\n' + ' && true \\\n'.repeat(200_000) + ' && true\nUSER root\n',
        {
          fire: ['LP101']
        }
      )
    },
    CASE_MS
  )
  it(
    '50,000 ARG lines before the only FROM, then USER root: LP101',
    async () => {
      await saneCase(
        Array.from({ length: 50_000 }, (_, i) => `ARG A${i}=${i}`).join('\n') + '\nFROM scratch\nUSER root\n',
        {
          fire: ['LP101']
        }
      )
    },
    CASE_MS
  )
})

describe('megabyte lines', () => {
  const mb3 = 3 * 1024 * 1024
  const cases: [string, () => string, Expectations][] = [
    [
      'RUN echo <3 MB>',
      () => df('FROM scratch', 'RUN echo ' + 'a'.repeat(mb3), ROOT_LAST),
      { fire: ['LP101'] }
    ],
    ['a 3 MB comment', () => df('FROM scratch', '# ' + 'c'.repeat(mb3), ROOT_LAST), { fire: ['LP101'] }],
    [
      'LABEL of 3 MB',
      () => df('FROM scratch', `LABEL a="${'l'.repeat(mb3)}"`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'ENV of 3 MB',
      () => df('FROM scratch', `ENV A=${'e'.repeat(mb3)}`, 'USER $A', ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'USER of 3 MB zeros (uid 0 is root)',
      () => df('FROM scratch', `USER ${'0'.repeat(mb3)}`),
      { fire: ['LP101'] }
    ],
    ['USER name of 3 MB', () => df('FROM scratch', `USER ${'u'.repeat(mb3)}`), { absent: ['LP101'] }],
    [
      'chmod 4755 of a 3 MB path',
      () => df('FROM scratch', `RUN chmod 4755 /${'p'.repeat(mb3)}`, 'USER 1000'),
      { fire: ['LP401'] }
    ],
    [
      'sudo with a 3 MB argument',
      () => df('FROM scratch', `RUN sudo ${'s'.repeat(mb3)}`, 'USER 1000'),
      { fire: ['LP402'] }
    ],
    ['a 3 MB stage name', () => df(`FROM scratch AS ${'n'.repeat(mb3)}`, ROOT_LAST), { fire: ['LP101'] }],
    ['a 3 MB base image name', () => df(`FROM ${'i'.repeat(mb3)}`, ROOT_LAST), { fire: ['LP101'] }],
    [
      'a 3 MB suppression reason',
      () => df('FROM scratch', `# least-privilege ignore=LP101 ${'r'.repeat(mb3)}`, ROOT_LAST),
      { suppressed: ['LP101'] }
    ],
    [
      'a 3 MB line of unclosed quotes',
      () => df('FROM scratch', 'RUN echo ' + '"\''.repeat(mb3 / 2), ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'a 3 MB chmod mode (zeros then 4755)',
      () => df('FROM scratch', `RUN chmod ${'0'.repeat(mb3)}4755 /b`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      '3 MB of u+s,u+s,...',
      () => df('FROM scratch', `RUN chmod ${'u+s,'.repeat(mb3 / 4)}u+s /b`, 'USER 1000'),
      { fire: ['LP401'] }
    ],
    [
      'a 3 MB EXPOSE number',
      () => df('FROM scratch', `EXPOSE ${'9'.repeat(mb3)}`, ROOT_LAST),
      { fire: ['LP101'] }
    ]
  ]
  for (const [name, text, want] of cases) {
    it(name, async () => saneCase(text(), want), CASE_MS)
  }
  it(
    'a 3 MB file with no newline at all',
    async () => {
      await saneCase('FROM scratch\nUSER root\nRUN echo ' + 'z'.repeat(mb3), { fire: ['LP101'] })
    },
    CASE_MS
  )
})

describe('shell nesting and chains in RUN', () => {
  const cases: [string, () => string, Expectations][] = [
    [
      'sudo -u root x200 then id',
      () => df('FROM scratch', 'RUN ' + 'sudo -u root '.repeat(200) + 'id', 'USER 1000'),
      { fire: ['LP402'] }
    ],
    [
      'sudo -exec ... x200',
      () => df('FROM scratch', 'RUN sudo ' + '-exec sudo '.repeat(200) + 'id', 'USER 1000'),
      { fire: ['LP402'] }
    ],
    [
      'find -exec chains x200',
      () =>
        df(
          'FROM scratch',
          'RUN find / ' + '-exec find {} '.repeat(200) + '-exec chmod 4755 {} \\;',
          ROOT_LAST
        ),
      { fire: ['LP101'] }
    ],
    [
      'find -exec chains x5000 with sudo',
      () => df('FROM scratch', 'RUN find / ' + '-exec sudo find {} \\; '.repeat(5000), ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      '$( nested 10,000 deep',
      () => df('FROM scratch', 'RUN echo ' + '$('.repeat(10_000) + 'sudo id' + ')'.repeat(10_000), ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'unclosed $( x100,000',
      () => df('FROM scratch', 'RUN echo ' + '$('.repeat(100_000), ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      '( subshells 10,000 deep',
      () => df('FROM scratch', 'RUN ' + '('.repeat(10_000) + 'sudo id' + ')'.repeat(10_000), 'USER 1000'),
      { fire: ['LP402'] }
    ],
    [
      '{ groups 10,000 deep',
      () => df('FROM scratch', 'RUN ' + '{ '.repeat(10_000) + 'true; ' + '}; '.repeat(10_000), ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'if/then nested 5,000 deep',
      () =>
        df(
          'FROM scratch',
          'RUN ' + 'if true; then '.repeat(5000) + 'true; ' + 'fi; '.repeat(5000),
          ROOT_LAST
        ),
      { fire: ['LP101'] }
    ],
    [
      '100,000 && then sudo',
      () => df('FROM scratch', 'RUN ' + 'true && '.repeat(100_000) + 'sudo id', 'USER 1000'),
      { fire: ['LP402'] }
    ],
    [
      '100,000 ; then sudo',
      () => df('FROM scratch', 'RUN ' + 'true; '.repeat(100_000) + 'sudo id', 'USER 1000'),
      { fire: ['LP402'] }
    ],
    [
      '100,000 pipes then sudo',
      () => df('FROM scratch', 'RUN ' + 'cat | '.repeat(100_000) + 'sudo id', 'USER 1000'),
      { fire: ['LP402'] }
    ],
    [
      '10,000 RUN --mount flags before sudo',
      () =>
        df('FROM scratch', 'RUN ' + '--mount=type=cache,target=/c '.repeat(10_000) + 'sudo id', 'USER 1000'),
      { fire: ['LP402'] }
    ],
    [
      '10,000 COPY flags (--chown, --chmod, --from, --link) on one COPY',
      () =>
        df(
          'FROM scratch',
          'COPY ' + '--chown=0:0 --chmod=4755 --from=x --link '.repeat(2_500) + 'a /a',
          ROOT_LAST
        ),
      { fire: ['LP101'] }
    ],
    [
      '100,000 backslashes',
      () => df('FROM scratch', 'RUN echo ' + '\\\\'.repeat(100_000) + ' x', ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'unclosed quote over a megabyte',
      () => df('FROM scratch', 'RUN echo "' + 'q'.repeat(1_000_000), ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'sh -c nested 12 levels with sudo inside',
      () => {
        let cmd = 'sudo id'
        for (let i = 0; i < 12; i++) cmd = `sh -c "${cmd.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
        return df('FROM scratch', `RUN ${cmd}`, 'RUN sh -c "sudo id"', 'USER 1000')
      },
      { fire: ['LP402'] }
    ],
    [
      'backticks 1,000 deep (escaped)',
      () => df('FROM scratch', 'RUN echo ' + '`echo \\'.repeat(1000) + '`', ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'case/esac around arithmetic 5,000 deep',
      () =>
        df(
          'FROM scratch',
          'RUN case x in x) echo $((' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ')) ;; esac',
          ROOT_LAST
        ),
      { fire: ['LP101'] }
    ]
  ]
  for (const [name, text, want] of cases) it(name, async () => saneCase(text(), want), CASE_MS)
})

describe('JSON (exec) forms', () => {
  const elements = (n: number, f: (i: number) => string): string =>
    Array.from({ length: n }, (_, i) => JSON.stringify(f(i))).join(',')
  const cases: [string, () => string, Expectations][] = [
    [
      'RUN ["chmod","4755", 200,000 paths]',
      () => df('FROM scratch', `RUN ["chmod","4755",${elements(200_000, i => `/p${i}`)}]`, 'USER 1000'),
      { fire: ['LP401'] }
    ],
    [
      'RUN ["sudo", 200,000 args]',
      () => df('FROM scratch', `RUN ["sudo",${elements(200_000, i => `a${i}`)}]`, 'USER 1000'),
      { fire: ['LP402'] }
    ],
    [
      'CMD with 200,000 elements',
      () => df('FROM scratch', `CMD [${elements(200_000, i => `c${i}`)}]`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'ENTRYPOINT with 200,000 elements',
      () => df('FROM scratch', `ENTRYPOINT [${elements(200_000, i => `e${i}`)}]`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'SHELL with 200,000 elements',
      () => df('FROM scratch', `SHELL [${elements(200_000, i => `s${i}`)}]`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'COPY JSON with 200,000 sources',
      () => df('FROM scratch', `COPY [${elements(200_000, i => `f${i}`)},"/dst/"]`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'RUN [ nested 100,000 deep',
      () => df('FROM scratch', 'RUN ' + '['.repeat(100_000) + ']'.repeat(100_000), ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'RUN [ unclosed with 200,000 elements',
      () => df('FROM scratch', `RUN [${elements(200_000, i => `u${i}`)}`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'RUN {"__proto__": ...} (an object, not an array)',
      () =>
        df('FROM scratch', 'RUN {"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}', ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'exec form with strings of 1 MB escapes',
      () => df('FROM scratch', `RUN ["chmod","4755","${'\\u0041'.repeat(200_000)}"]`, 'USER 1000'),
      { fire: ['LP401'] }
    ]
  ]
  for (const [name, text, want] of cases) it(name, async () => saneCase(text(), want), CASE_MS)
})

describe('heredocs', () => {
  const cases: [string, () => string, Expectations][] = [
    [
      'unclosed RUN <<EOF over 100,000 lines after USER root',
      () =>
        df('FROM scratch', ROOT_LAST, 'RUN <<EOF', ...Array.from({ length: 100_000 }, (_, i) => `echo ${i}`)),
      { fire: ['LP101'] }
    ],
    [
      '10,000 heredoc markers on one RUN, none closed',
      () =>
        df('FROM scratch', ROOT_LAST, 'RUN ' + Array.from({ length: 10_000 }, (_, i) => `<<H${i}`).join(' ')),
      { fire: ['LP101'] }
    ],
    [
      'unclosed COPY <<EOF',
      () => df('FROM scratch', ROOT_LAST, 'COPY <<EOF /x', 'a'.repeat(100_000)),
      { fire: ['LP101'] }
    ],
    [
      'heredocs with a setuid chmod inside, closed',
      () => df('FROM scratch', 'RUN <<EOF', 'chmod 4755 /b', 'EOF', ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'a heredoc whose delimiter is __proto__',
      () => df('FROM scratch', 'RUN <<__proto__', 'true', '__proto__', ROOT_LAST),
      { fire: ['LP101'] }
    ]
  ]
  for (const [name, text, want] of cases) it(name, async () => saneCase(text(), want), CASE_MS)
})

describe('bytes that are not a Dockerfile', () => {
  it(
    'a megabyte of random bytes, NULs and invalid UTF-8: bounded, a SARIF, no crash',
    async () => {
      let seed = 42
      const bytes = Buffer.alloc(1024 * 1024)
      for (let i = 0; i < bytes.length; i++)
        bytes[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff
      const run = await scan(bytes)
      expect({ problems: [...stderrProblems(run), ...sarifProblems(run)], run: brief(run) }).toEqual({
        problems: [],
        run: brief(run)
      })
      expect([0, 1, 2]).toContain(run.code)
    },
    CASE_MS
  )
  it(
    'a UTF-16 Dockerfile with a BOM saying USER root: bounded, no crash',
    async () => {
      const run = await scan(Buffer.from('\ufeffFROM scratch\nUSER root\n', 'utf16le'))
      expect({ problems: [...stderrProblems(run), ...sarifProblems(run)], run: brief(run) }).toEqual({
        problems: [],
        run: brief(run)
      })
    },
    CASE_MS
  )
  it(
    'a UTF-8 BOM, CR-only line ends and NULs around USER root: LP101, or refused as binary (fails closed)',
    async () => {
      const run = await scan('\ufeffFROM scratch\r# \u0000\u0000\rUSER root\r')
      // A file with NUL bytes is refused as binary (exit 2, one line): the check fails, nothing passes unseen.
      if (run.code === 2)
        expect(run.stderr.trim()).toMatch(/^least-privilege: .*binary file \(contains NUL bytes\)[^\n]*$/)
      else expectSane(run, { fire: ['LP101'] })
    },
    CASE_MS
  )
})

// ---------------------------------------------------------------------------------------------------------
// Names of object properties in every position

const PROTO_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__defineGetter__',
  'isPrototypeOf'
]

describe.each(PROTO_NAMES)('the name %s', name => {
  const cases: [string, () => string, Expectations, string[]?][] = [
    [
      'as a stage name, the final stage as root',
      () => df(`FROM scratch AS ${name}`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'as a parent stage that ends as root',
      () => df(`FROM scratch AS ${name}`, ROOT_LAST, `FROM ${name}`),
      { fire: ['LP101'] }
    ],
    [
      'as a parent stage that ends as 1000',
      () => df(`FROM scratch AS ${name}`, 'USER 1000', `FROM ${name}`),
      { absent: ['LP101', 'LP105'] }
    ],
    [
      'as a parent stage used twice deep',
      () => df(`FROM scratch AS ${name}`, 'USER 1000', `FROM ${name} AS b`, 'FROM b'),
      { absent: ['LP101', 'LP105'] }
    ],
    [
      'as --target (that stage runs as root)',
      () => df(`FROM scratch AS ${name}`, ROOT_LAST, 'FROM scratch', 'USER 1000'),
      { fire: ['LP101'] },
      ['--target', name]
    ],
    [
      'as --target (that stage runs as 1000)',
      () => df(`FROM scratch AS ${name}`, 'USER 1000', 'FROM scratch', ROOT_LAST),
      { absent: ['LP101'] },
      ['--target', name]
    ],
    ['as a base image name (not a stage)', () => df(`FROM ${name}`, ROOT_LAST), { fire: ['LP101'] }],
    [
      'as an ARG without a default in USER',
      () => df('FROM scratch', `ARG ${name}`, `USER $${name}`),
      { fire: ['LP105'], absent: ['LP101'] }
    ],
    [
      'as a variable only the base image could define, in USER',
      () => df('FROM alpine:3.20', `USER \${${name}}`),
      { fire: ['LP105'], absent: ['LP101'] }
    ],
    [
      'as an undeclared variable with a root default',
      () => df('FROM scratch', `USER \${${name}:-root}`),
      { fire: ['LP101'] }
    ],
    [
      'as a build arg set to 0',
      () => df('FROM scratch', `ARG ${name}`, `USER $${name}`),
      { fire: ['LP101'] },
      ['--build-arg', `${name}=0`]
    ],
    [
      'as a build arg set to 1000',
      () => df('FROM scratch', `ARG ${name}`, `USER $${name}`),
      { absent: ['LP101', 'LP105'] },
      ['--build-arg', `${name}=1000`]
    ],
    [
      'as a build arg that the Dockerfile never declares',
      () => df('FROM scratch', ROOT_LAST),
      { fire: ['LP101'] },
      ['--build-arg', `${name}=x`]
    ],
    [
      'as an ENV name set to 0',
      () => df('FROM scratch', `ENV ${name}=0`, `USER $${name}`),
      { fire: ['LP101'] }
    ],
    [
      'as an ENV name set to 1000',
      () => df('FROM scratch', `ENV ${name}=1000`, `USER $${name}`),
      { absent: ['LP101', 'LP105'] }
    ],
    [
      'as a global ARG into FROM without a default',
      () => df(`ARG ${name}`, `FROM $${name}`),
      { fire: ['LP105'] }
    ],
    [
      'as an ARG with a default in a builder stage only',
      () => df('FROM scratch AS b', `ARG ${name}=0`, 'FROM alpine:3.20', `USER $${name}`),
      { fire: ['LP105'], absent: ['LP101'] }
    ],
    ['as a USER name', () => df('FROM scratch', `USER ${name}`), { fire: ['LP103'], absent: ['LP101'] }],
    ['as a USER name:group', () => df('FROM scratch', `USER ${name}:${name}`), { absent: ['LP101'] }],
    ['as a sudo subcommand', () => df('FROM scratch', `RUN sudo ${name}`, 'USER 1000'), { fire: ['LP402'] }],
    [
      // Run by a non-root USER: root running `sudo -u x` in a build only drops privileges (issue 9, no finding).
      'as a sudo -u user',
      () => df('FROM scratch', 'USER 1000', `RUN sudo -u ${name} id`),
      { fire: ['LP402'] }
    ],
    [
      'as a chmod target',
      () => df('FROM scratch', `RUN chmod 4755 /${name} ${name}`, 'USER 1000'),
      { fire: ['LP401'] }
    ],
    [
      'as a world-writable target',
      () => df('FROM scratch', `RUN chmod 777 /${name}`, 'USER 1000'),
      { fire: ['LP403'] }
    ],
    [
      'as a setcap target',
      () => df('FROM scratch', `RUN setcap cap_net_raw+ep /${name}`, 'USER 1000'),
      { fire: ['LP201'] }
    ],
    [
      'as a setcap capability',
      () => df('FROM scratch', `RUN setcap ${name}+ep /bin/x`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'as an unknown rule in an ignore pragma',
      () => df('FROM scratch', `# least-privilege ignore=${name}`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'next to LP101 in an ignore pragma (LP101 kept, suppressed or not)',
      () => df('FROM scratch', `# least-privilege ignore=${name},LP101 reason`, ROOT_LAST),
      { present: ['LP101'] }
    ],
    [
      'as an ignore-file rule',
      () => df(`# least-privilege ignore-file=${name}`, 'FROM scratch', ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'in a hadolint pragma',
      () => df('FROM scratch', `# hadolint ignore=${name}`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'as a LABEL key, COPY --from, --chown, WORKDIR, EXPOSE, VOLUME',
      () =>
        df(
          'FROM scratch',
          `LABEL ${name}=1 ${name}.x=2`,
          `COPY --from=${name} --chown=${name}:${name} /a /b`,
          `WORKDIR /${name}`,
          `EXPOSE ${name}`,
          `VOLUME ${name}`,
          ROOT_LAST
        ),
      { fire: ['LP101'] }
    ],
    [
      'as a parser directive and an instruction name',
      () => df(`# ${name}=x`, 'FROM scratch', `${name} x`, ROOT_LAST),
      { fire: ['LP101'] }
    ],
    [
      'as a COPY --chmod value',
      () => df('FROM scratch', `COPY --chmod=${name} a /a`, ROOT_LAST),
      { fire: ['LP101'] }
    ]
  ]
  for (const [what, text, want, extra] of cases)
    it(what, async () => saneCase(text(), want, extra ?? []), CASE_MS)

  it(
    'as a --target that does not exist: one-line error naming it',
    async () => {
      const run = await scan(df('FROM scratch AS other', 'USER 1000'), ['--target', name])
      expectOneLineError(run, new RegExp(name.replace(/[$_]/g, '.')))
    },
    CASE_MS
  )
  it(
    'as the Dockerfile name and its folder (Dockerfile.<name>, <name>/Dockerfile, <name>.Dockerfile)',
    async () => {
      const files = {
        [`Dockerfile.${name}`]: df('FROM scratch', ROOT_LAST),
        [`${name}/Dockerfile`]: df('FROM scratch', ROOT_LAST),
        [`${name}.Dockerfile`]: df('FROM scratch', ROOT_LAST)
      }
      const run = await runCli({ files, args: [...BASE, '.'] })
      expectSane(run, { fire: ['LP101'] })
      const uris = unsuppressed(run, 'LP101').map(
        r => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri
      )
      expect(uris.sort()).toEqual([`${name}.Dockerfile`, `${name}/Dockerfile`, `Dockerfile.${name}`].sort())
    },
    CASE_MS
  )
  for (const flags of [
    `--cap-add ${name}`,
    `--cap-drop ${name}`,
    `--user ${name}`,
    `--security-opt ${name}`,
    `--env ${name}=1 --label ${name}=2`,
    `--${name}`,
    `--userns ${name} --pid ${name}`
  ])
    it(
      `in run-options: ${flags} (a finding or a one-line error)`,
      async () => {
        const run = await scan(df('FROM scratch', ROOT_LAST), ['--run-options', flags])
        if (run.code === 2) expectOneLineError(run)
        else expectSane(run, { fire: ['LP101'] })
      },
      CASE_MS
    )
})

// ---------------------------------------------------------------------------------------------------------
// Folders

describe('folders', () => {
  it(
    'a Dockerfile 1,000 folders deep: found, with its repo-relative path',
    async () => {
      const deep = Array.from({ length: 1000 }, () => 'd').join('/')
      const run = await runCli({
        files: { [`${deep}/Dockerfile`]: df('FROM scratch', ROOT_LAST) },
        args: [...BASE, '.']
      })
      expectSane(run, { fire: ['LP101'] })
      expect(unsuppressed(run, 'LP101')[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
        `${deep}/Dockerfile`
      )
    },
    CASE_MS
  )
  it(
    'symlink loops (self, parent, each other) around a Dockerfile: bounded, the file reported a bounded number of times',
    async () => {
      const dir = tempDir()
      mkdirSync(join(dir, 'a/b'), { recursive: true })
      writeFileSync(join(dir, 'a/b/Dockerfile'), df('FROM scratch', ROOT_LAST))
      symlinkSync('.', join(dir, 'a/self'))
      symlinkSync('..', join(dir, 'a/b/up'))
      symlinkSync('../x2', join(dir, 'a/x1'))
      symlinkSync('x1', join(dir, 'x2'))
      const run = await runCli({ dir, args: [...BASE, '.'] })
      expectSane(run, { fire: ['LP101'] })
      expect(unsuppressed(run, 'LP101').length).toBeLessThanOrEqual(3)
    },
    CASE_MS
  )
  it(
    '5,000 Dockerfiles in one folder: every one reported',
    async () => {
      const files: Record<string, string> = {}
      for (let i = 0; i < 5000; i++) files[`Dockerfile.${i}`] = df('FROM scratch', ROOT_LAST)
      const run = await runCli({ files, args: [...BASE, '.'], timeoutMs: 170_000 })
      expectSane(run, { fire: ['LP101'] })
      expect(unsuppressed(run, 'LP101')).toHaveLength(5000)
    },
    CASE_MS
  )
  it(
    'a FIFO, a symlink to /dev/zero, a dangling symlink and an unreadable file named like Dockerfiles: bounded, the real one reported',
    async () => {
      const dir = tempDir()
      writeFileSync(join(dir, 'Dockerfile'), df('FROM scratch', ROOT_LAST))
      spawnSyncMkfifo(join(dir, 'Dockerfile.fifo'))
      symlinkSync('/dev/zero', join(dir, 'Dockerfile.zero'))
      symlinkSync('/nonexistent/x', join(dir, 'Dockerfile.dangling'))
      mkdirSync(join(dir, 'Containerfile'))
      writeFileSync(join(dir, 'Dockerfile.locked'), df('FROM scratch', ROOT_LAST))
      chmodSync(join(dir, 'Dockerfile.locked'), 0)
      const run = await runCli({ dir, args: [...BASE, '.'], timeoutMs: 60_000 })
      expect({ timedOut: run.timedOut, stderr: stderrProblems(run), sarif: sarifProblems(run) }).toEqual({
        timedOut: false,
        stderr: [],
        sarif: []
      })
      expect([0, 1, 2]).toContain(run.code)
      expect(
        results(run).some(
          r =>
            r.ruleId === 'LP101' && r.locations?.[0]?.physicalLocation?.artifactLocation?.uri === 'Dockerfile'
        )
      ).toBe(true)
    },
    CASE_MS
  )
})

describe('scanning a folder outside the working directory', () => {
  it(
    'scan ../other-repo (no git): SARIF with its results, paths relative to that folder',
    async () => {
      const dir = tempDir()
      mkdirSync(join(dir, 'here'))
      const run = await runCli({
        dir,
        files: { 'other-repo/svc/Dockerfile': df('FROM scratch', ROOT_LAST) },
        cwd: 'here',
        args: [...BASE, '../other-repo']
      })
      expectSane(run, { fire: ['LP101'] })
      expect(
        unsuppressed(run, 'LP101').map(r => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri)
      ).toEqual(['svc/Dockerfile'])
    },
    CASE_MS
  )
  it(
    'scan ../other-repo/sub of a git repository: paths relative to its top level',
    async () => {
      const dir = tempDir()
      mkdirSync(join(dir, 'here'))
      const files = { 'other-repo/sub/Dockerfile': df('FROM scratch', ROOT_LAST) }
      const git = await runProcess('git', ['init', '-q', join(dir, 'other-repo')], dir, files)
      expect(git).toBe(0)
      const run = await runCli({ dir, cwd: 'here', args: [...BASE, '../other-repo/sub'] })
      expectSane(run, { fire: ['LP101'] })
      expect(
        unsuppressed(run, 'LP101').map(r => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri)
      ).toEqual(['sub/Dockerfile'])
    },
    CASE_MS
  )
  it(
    'scan ../other-repo/Dockerfile (a file outside cwd): its results are in the SARIF',
    async () => {
      const dir = tempDir()
      mkdirSync(join(dir, 'here'))
      const run = await runCli({
        dir,
        files: { 'other-repo/Dockerfile': df('FROM scratch', 'RUN chmod 4755 /b', ROOT_LAST) },
        cwd: 'here',
        args: [...BASE, '../other-repo/Dockerfile']
      })
      expectSane(run, { fire: ['LP101', 'LP401'] })
    },
    CASE_MS
  )
})

function runProcess(
  cmd: string,
  args: string[],
  dir: string,
  files: Record<string, string>
): Promise<number | null> {
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true })
    writeFileSync(join(dir, rel), body)
  }
  return new Promise(resolve => spawn(cmd, args, { stdio: 'ignore' }).on('close', resolve))
}

// ---------------------------------------------------------------------------------------------------------
// Settings that are read from files or the environment

describe('--security-opt seccomp=PATH is checked when settings are read', () => {
  const bad: [string, (dir: string) => string][] = [
    [
      'a FIFO',
      dir => {
        const p = join(dir, 'fifo.json')
        spawnSyncMkfifo(p)
        return p
      }
    ],
    ['/dev/zero', () => '/dev/zero'],
    ['/dev/urandom', () => '/dev/urandom'],
    ['/etc/passwd (not JSON)', () => '/etc/passwd'],
    [
      'a folder',
      dir => {
        mkdirSync(join(dir, 'profile.json'))
        return join(dir, 'profile.json')
      }
    ],
    ['a missing file', dir => join(dir, 'missing.json')],
    [
      '64 MB of valid JSON (over any sane size cap)',
      dir => {
        const p = join(dir, 'huge.json')
        writeFileSync(p, `{"defaultAction":"SCMP_ACT_ERRNO","pad":"${'x'.repeat(64 * 1024 * 1024)}"}`)
        return p
      }
    ],
    [
      '2 MiB of valid JSON (over the documented 1 MiB cap)',
      dir => {
        const p = join(dir, 'big.json')
        writeFileSync(p, `{"defaultAction":"SCMP_ACT_ERRNO","pad":"${'x'.repeat(2 * 1024 * 1024)}"}`)
        return p
      }
    ],
    [
      'truncated JSON',
      dir => {
        const p = join(dir, 'bad.json')
        writeFileSync(p, '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [')
        return p
      }
    ]
  ]
  for (const [what, make] of bad) {
    it(
      `--no-build rejects ${what}: exit 2, one line`,
      async () => {
        const dir = tempDir()
        const path = make(dir)
        const run = await runCli({
          dir,
          files: { Dockerfile: df('FROM scratch', 'USER 1000') },
          args: [...BASE, '--run-options', `--security-opt seccomp=${path}`, 'Dockerfile'],
          timeoutMs: 30_000
        })
        expectOneLineError(run, /seccomp/i)
      },
      CASE_MS
    )
  }
  it(
    'a symlink to /dev/zero is rejected too',
    async () => {
      const dir = tempDir()
      symlinkSync('/dev/zero', join(dir, 'z.json'))
      const run = await runCli({
        dir,
        files: { Dockerfile: df('FROM scratch', 'USER 1000') },
        args: [...BASE, '--run-options', '--security-opt seccomp=z.json', 'Dockerfile'],
        timeoutMs: 30_000
      })
      expectOneLineError(run, /seccomp/i)
    },
    CASE_MS
  )
  it(
    'a small valid profile is accepted',
    async () => {
      const dir = tempDir()
      writeFileSync(
        join(dir, 'profile.json'),
        JSON.stringify({
          defaultAction: 'SCMP_ACT_ERRNO',
          syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }]
        })
      )
      const run = await runCli({
        dir,
        files: { Dockerfile: df('FROM scratch', ROOT_LAST) },
        args: [...BASE, '--run-options', '--security-opt seccomp=profile.json', 'Dockerfile']
      })
      expectSane(run, { fire: ['LP101'], absent: ['LP320'] })
    },
    CASE_MS
  )
})

function spawnSyncMkfifo(path: string): void {
  // mkfifo(1): node has no mkfifo of its own.
  const { status } = spawnSync('mkfifo', [path])
  if (status !== 0) throw new Error(`mkfifo ${path} failed`)
}

describe('GITHUB_EVENT_PATH that cannot be read', () => {
  const githubEnv = (eventPath: string): Record<string, string> => ({
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_WORKFLOW: 'wf',
    GITHUB_JOB: 'job',
    GITHUB_SHA: 'c0ffee0000000000000000000000000000000001'
  })
  const paths: [string, (dir: string) => string][] = [
    ['a folder', dir => dir],
    [
      'bad JSON',
      dir => {
        writeFileSync(join(dir, 'event.json'), '{"pull_request": {"number": 7,')
        return join(dir, 'event.json')
      }
    ],
    ['/dev/zero', () => '/dev/zero']
  ]
  for (const [what, make] of paths) {
    it(
      `the CLI under Actions with an event file that is ${what}: never read, the scan is unaffected`,
      async () => {
        const dir = tempDir()
        const run = await runCli({
          dir,
          files: { Dockerfile: df('FROM scratch', ROOT_LAST) },
          args: [...BASE, 'Dockerfile'],
          env: githubEnv(make(dir)),
          timeoutMs: 30_000
        })
        // The CLI has no use for the event payload (the action's main step fails on a broken one), so a
        // broken file changes nothing: the scan ends as it would without it, with no trace of the file.
        expect(run.code).toBe(1)
        expect(run.stderr).not.toMatch(/GITHUB_EVENT_PATH|EISDIR|JSON|\n\s+at /)
      },
      CASE_MS
    )
  }
})

describe('error lines are capped in length', () => {
  const big = 'x'.repeat(100_000)
  const cases: [string, string[]][] = [
    ['a 100 KB --target that does not exist', [...BASE, '--target', big, 'Dockerfile']],
    ['a 100 KB --fail-on', [...BASE, '--fail-on', big, 'Dockerfile']],
    ['a 100 KB unknown option', [...BASE, `--${big}`, 'Dockerfile']],
    [
      'a 100 KB bad run-option',
      [
        ...BASE,
        '--run-options',
        `--cap-add=${big.slice(0, 60_000)} --bogus-${big.slice(0, 50_000)}`,
        'Dockerfile'
      ]
    ],
    ['a 4,000-character missing path', [...BASE, Array.from({ length: 1000 }, () => 'abc').join('/')]],
    ['a 100 KB seccomp path', [...BASE, '--run-options', `--security-opt seccomp=/${big}`, 'Dockerfile']]
  ]
  for (const [what, args] of cases)
    it(
      `${what}: exit 2, one line of at most ${4096} characters`,
      async () => {
        const run = await runCli({ files: { Dockerfile: df('FROM scratch', 'USER 1000') }, args })
        expectOneLineError(run)
      },
      CASE_MS
    )
})

// ---------------------------------------------------------------------------------------------------------
// Secrets in the deployment never reach any output

describe('secrets in run-options appear in no output', () => {
  const CORE = 'Zq7Xk2Wp9Rm4Tt8V'
  const GHP = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'
  const variants: [string, string, string][] = [
    ['--env KEY=secret', `--env API_KEY=${CORE}`, CORE],
    ['--env with a quoted value holding spaces', `--env 'PASS=open sesame ${CORE}'`, CORE],
    ['--env value with a second =', `--env CONN=user=admin;pw=${CORE}`, CORE],
    ['--env given twice, tab-separated', `--env\tA=1 --env\tB=${CORE}`, CORE],
    ['-e KEY=secret across a newline', `-e A=1\n-e B=${CORE}`, CORE],
    ['--env KEY=secret inside --env-file-like noise', `--env-file /dev/null --env K=${CORE}`, CORE],
    ['an AWS key shape in --label', `--label aws=AKIAZQ7XK2WP9RM4TT8V`, 'AKIAZQ7XK2WP9RM4TT8V'],
    ['password= in a mount option', `--mount type=volume,src=v,dst=/d,volume-opt=o=password=${CORE}`, CORE],
    ['--env=KEY=secret with HTML/URL specials', `'--env=DB_PASS=<&>"%${CORE}'`, CORE],
    ['-e KEY=secret', `-e TOKEN=${CORE}`, CORE],
    ['-eKEY=secret (attached)', `-eTOKEN=${CORE}`, CORE],
    ['--label key=secret', `--label vault=${CORE}`, CORE],
    ['--label=secret', `--label=${CORE}`, CORE],
    ['a ghp_ token in --env', `--env GH=${GHP}`, GHP],
    ['a ghp_ token in --label', `--label t=${GHP}`, GHP],
    ['a ghp_ token as --hostname', `--hostname ${GHP}`, GHP],
    ['a ghp_ token in a mount path', `-v /srv/${GHP}:/data`, GHP],
    ['a ghp_ token in --user', `--user ${GHP}`, GHP],
    ['a ghp_ token as an unknown flag value', `--cap-add ${GHP}`, GHP],
    [
      'a github_pat_ token in --add-host',
      `--add-host h:${'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'}`,
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'
    ]
  ]
  for (const [what, flags, core] of variants) {
    for (const format of ['text', 'json', 'markdown']) {
      it(
        `${what}, --format ${format}`,
        async () => {
          const run = await runCli({
            files: { Dockerfile: df('FROM scratch', ROOT_LAST) },
            args: [
              'scan',
              '--no-build',
              '--no-color',
              '--format',
              format,
              '--sarif',
              'out.sarif',
              '--run-options',
              `--cap-drop ALL ${flags}`,
              'Dockerfile'
            ]
          })
          expect(stderrProblems(run)).toEqual([])
          expect([0, 1, 2]).toContain(run.code)
          const sarifText = run.sarifBytes ? JSON.stringify(run.sarif) : ''
          expect(secretSightings({ stdout: run.stdout, stderr: run.stderr, sarif: sarifText }, core)).toEqual(
            []
          )
        },
        CASE_MS
      )
    }
  }
})

describe('the terminal gets no control characters from untrusted text', () => {
  const hostile = '\u001b]0;PWNED\u0007\u001b[2J\u001b[31mred\u009b1m\u0008\u0008\u000bx\u007f'
  for (const format of ['text', 'markdown']) {
    it(
      `escape sequences in a path, a user and a file name (--format ${format})`,
      async () => {
        const name = `Dockerfile.\u001b[2Jx`
        const run = await runCli({
          files: {
            [name]: df(
              'FROM scratch',
              `RUN chmod 4755 "/b${hostile}"`,
              `RUN sudo "${hostile}"`,
              `USER "${hostile}"`
            )
          },
          args: ['scan', '--no-build', '--no-color', '--format', format, '--sarif', 'out.sarif', name]
        })
        expect({ problems: [...stderrProblems(run), ...sarifProblems(run)], code: run.code }).toEqual({
          problems: [],
          code: 1
        })
        // eslint-disable-next-line no-control-regex
        const controls = (run.stdout + run.stderr).match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g) ?? []
        expect({ controls: [...new Set(controls)].map(c => c.charCodeAt(0).toString(16)) }).toEqual({
          controls: []
        })
      },
      CASE_MS
    )
  }
})

// ---------------------------------------------------------------------------------------------------------
// Daemon faults and signals, against stand-in sockets (no daemon needed)

describe('daemon faults end bounded with one line and the static results', () => {
  for (const behaviour of ['hang', 'close', 'garbage', 'http500', 'endless'] as Behaviour[]) {
    it(
      `a daemon that ${behaviour}s: exit 1 or 2, one error line, SARIF with the static LP101`,
      async () => {
        const daemon = await fakeDaemon(behaviour)
        try {
          const run = await runCli({
            files: { Dockerfile: df('FROM scratch', ROOT_LAST) },
            args: ['scan', '--no-color', '--probe', 'auto', '--sarif', 'out.sarif', 'Dockerfile'],
            env: { DOCKER_HOST: `unix://${daemon.path}` },
            timeoutMs: 170_000
          })
          const problems = [...stderrProblems(run), ...sarifProblems(run)]
          if (run.timedOut) problems.push('did not finish')
          if (run.code !== 1 && run.code !== 2) problems.push(`exit ${run.code}`)
          const errorLines = run.stderr.split('\n').filter(l => l.trim() !== '')
          if (errorLines.length > 1) problems.push(`${errorLines.length} stderr lines`)
          if (!unsuppressed(run, 'LP101').length) problems.push('the static LP101 is missing')
          if (/::add-mask::PWNED/.test(run.stdout + run.stderr)) problems.push('daemon text echoed raw')
          expect({ problems, run: brief(run) }).toEqual({ problems: [], run: brief(run) })
        } finally {
          await daemon.close()
        }
      },
      CASE_MS
    )
  }
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130]
  ] as const) {
    it(
      `${signal} while the daemon hangs: exit ${code}, SARIF with the finished static results and the target marked interrupted`,
      async () => {
        const daemon = await fakeDaemon('ping-then-hang')
        try {
          const run = await runCli({
            files: {
              Dockerfile: df('FROM scratch', ROOT_LAST),
              'b/Dockerfile': df('FROM scratch', 'USER 1000')
            },
            args: ['scan', '--no-color', '--format', 'json', '--sarif', 'out.sarif', '.'],
            env: { DOCKER_HOST: `unix://${daemon.path}` },
            signal: { name: signal, afterMs: 3000 },
            timeoutMs: 60_000
          })
          const problems = [...stderrProblems(run), ...sarifProblems(run)]
          if (run.timedOut) problems.push('did not finish after the signal')
          if (run.code !== code) problems.push(`exit ${run.code} (signal ${run.signal}), expected ${code}`)
          const notes = run.sarif ? JSON.stringify(run.sarif.runs[0]?.invocations ?? []) : ''
          if (!/interrupt/i.test(notes + run.stdout)) problems.push('nothing marked interrupted')
          try {
            JSON.parse(run.stdout)
          } catch {
            problems.push('no JSON report on stdout')
          }
          expect({ problems, run: brief(run) }).toEqual({ problems: [], run: brief(run) })
        } finally {
          await daemon.close()
        }
      },
      CASE_MS
    )
  }
})
