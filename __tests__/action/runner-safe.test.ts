import { describe, expect, it } from '@jest/globals'
import { createActionLogger } from '../../src/action/logger'
import {
  capLength,
  neutraliseLine,
  oneLine,
  runnerSafeLines,
  safeError,
  safeGroupTitle,
  safeInfo,
  safeSetFailed,
  safeWarning
} from '../../src/action/runner-safe'
import { parseRunnerOutput, readLines } from './helpers/runner-parser'

// What a hostile Dockerfile, build or file name can put in front of the runner.
const HOSTILE = [
  'x\r::warning file=Dockerfile,line=2::CR-ONLY-INJECTED',
  'y ##[add-mask]least-privilege',
  'w ##[set-output name=verdict;]pass',
  'z ##[stop-commands]hideall',
  '::add-mask::least-privilege',
  '   \t::error::INJECTED',
  '\u00a0\u3000::notice::INJECTED',
  'ok\r\n::set-output name=verdict::pass',
  'a\n##[error]INJECTED',
  '##[group]fake group',
  '::stop-commands::hideall',
  '###[add-mask]x',
  '####[add-mask]x',
  '::WARNING::upper case',
  '\u2028::warning::after a line separator',
  // Zero-width characters of the attacker's own, which ICU's comparisons skip.
  '\u200b::add-mask::zw-lead',
  '#\u200b#[add-mask]zw-inside',
  '##\u200b[add-mask]zw-before-bracket',
  '\u200b\u200b::add-mask::zw-two'
]
const MODES = ['ordinal', 'icu'] as const

/** Captures what process.stdout receives while `fn` runs (where @actions/core writes commands). */
function stdoutOf(fn: () => void): string {
  const write = process.stdout.write.bind(process.stdout)
  let out = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    return true
  }) as typeof process.stdout.write
  try {
    fn()
  } finally {
    process.stdout.write = write
  }
  return out
}

describe('the runner-parser emulation', () => {
  it('reads CR, LF and CRLF as line ends and obeys :: after leading space and ##[ anywhere', () => {
    expect(readLines('a\rb\r\nc\nd')).toEqual(['a', 'b', 'c', 'd'])
    const parsed = parseRunnerOutput(HOSTILE.slice(0, 15).join('\n'))
    // Every hostile input is a command when printed raw (so the checks below can fail).
    expect(parsed.commands.map(c => c.name)).toEqual(
      expect.arrayContaining(['warning', 'add-mask', 'set-output', 'stop-commands'])
    )
    expect(parsed.masks).toContain('least-privilege')
  })

  it('under ICU, skips zero-width characters in StartsWith/IndexOf but keeps .NET offsets', () => {
    // ICU finds `##[` across a ZWSP, but the command name then starts at `[`: not a command.
    expect(parseRunnerOutput('#\u200b#[add-mask]x', 'icu').commands).toEqual([])
    expect(parseRunnerOutput('x \u200b##[add-mask]y', 'icu').masks).toEqual(['y'])
    expect(parseRunnerOutput('::add-mask::\u200bz', 'icu').masks).toEqual(['\u200bz'])
  })

  it('honours stop-commands until the token comes back', () => {
    const parsed = parseRunnerOutput('::stop-commands::t0k\n::add-mask::x\n::t0k::\n::add-mask::y\n')
    expect(parsed.masks).toEqual(['y'])
    expect(parsed.ignored.map(c => c.data)).toEqual(['x'])
  })
})

describe('runner-safe output', () => {
  it.each(HOSTILE)('prints %j as text the runner does not obey', text => {
    const lines: string[] = []
    safeInfo(text, line => lines.push(line))
    for (const mode of MODES) expect(parseRunnerOutput(lines.join('\n'), mode).commands).toEqual([])
    // The text is still there to read (only zero-width spaces were added).
    expect(lines.join('\n').replace(/\u200b/g, '')).toBe(
      text.replace(/\r\n|[\r\n\u2028]/g, '\n').replace(/\u200b/g, '')
    )
  })

  it('splits on every line break the runner splits on, so each line is checked', () => {
    expect(runnerSafeLines('a\rb\r\nc\nd')).toEqual(['a', 'b', 'c', 'd'])
    expect(neutraliseLine('  ::x::y')).toBe('  :\u200b:x::y')
    expect(neutraliseLine('std::string and ::1')).toBe('std::string and ::1')
    expect(neutraliseLine('a ##[b] ##[c]')).toBe('a #\u200b#[b] #\u200b#[c]')
  })

  it('keeps warnings, errors and group titles to one capped line that cannot be broken out of', () => {
    const out = stdoutOf(() => {
      safeWarning('w\r::add-mask::least-privilege\n##[set-output name=a;]b', {
        title: 'T\r::error::x',
        file: 'evil,line=9::\r::warning::x/Dockerfile',
        startLine: 3
      })
      safeError('e\n::stop-commands::hideall')
      safeSetFailed(`${'A'.repeat(100_000)}\n::add-mask::x`)
    })
    expect(parseRunnerOutput(out, 'icu').commands).toEqual(parseRunnerOutput(out).commands)
    const parsed = parseRunnerOutput(out)
    expect(parsed.commands.map(c => c.name)).toEqual(['warning', 'error', 'error'])
    const [warning, error, failed] = parsed.commands
    expect(warning.properties).toEqual({
      title: expect.stringContaining('T'),
      file: 'evil,line=9::\r::warning::x/Dockerfile',
      line: '3'
    })
    expect(warning.data).not.toMatch(/[\r\n]/)
    expect(error.data).toContain('hideall')
    expect(failed.data.length).toBeLessThanOrEqual(500)
    expect(failed.data.endsWith('…')).toBe(true)
    expect(readLines(out)).toHaveLength(3)
    expect(safeGroupTitle('Build a\r::add-mask::x/Dockerfile')).toBe('Build a ::add-mask::x/Dockerfile')
  })

  it('routes every method of the engine logger through the sink', async () => {
    const logger = createActionLogger()
    const out = stdoutOf(() => {
      logger.info('i\r::add-mask::a')
      logger.warning('w\r::add-mask::b')
      logger.error('e\r::add-mask::c')
      logger.debug('d\r::add-mask::d')
    })
    let grouped = ''
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string) => ((grouped += chunk), true)) as typeof process.stdout.write
    try {
      await logger.group('Build x\r::add-mask::e\n##[add-mask]f', async () => undefined)
    } finally {
      process.stdout.write = write
    }
    const parsed = parseRunnerOutput(out + grouped)
    expect(parsed.masks).toEqual([])
    expect(parsed.commands.map(c => c.name)).toEqual(['warning', 'error', 'debug', 'group', 'endgroup'])
    expect(readLines(grouped)).toHaveLength(2)
  })

  it('cuts long text without splitting a surrogate pair', () => {
    expect(capLength('abc', 5)).toBe('abc')
    expect(capLength('a😀😀', 3)).toBe('a…')
    expect(oneLine('  a \n\n b  ')).toBe('a b')
  })
})
