// Splits `least-privilege ...` argv into the command and its options, with no I/O and no imports beyond
// errors: the lazy entry (./index.ts) answers --help, --version and flag mistakes with it before the
// scanner is loaded, and args.ts reads the same tokens, so both always agree.
import { UsageError } from '../errors'

interface OptionSpec {
  /** Takes a value (`--sarif FILE` or `--sarif=FILE`). */
  value: boolean
  /**
   * The value may itself start with "-" in the separate form: run-options are docker flags. It still never
   * takes one of our own options, so `--run-options --format json` is an error, not a flag string.
   */
  dashValue?: boolean
}

export const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  '--no-build': { value: false },
  '--image': { value: true },
  '--run-options': { value: true, dashValue: true },
  '--deployment': { value: true },
  '--exclude': { value: true },
  '--no-gitignore': { value: false },
  '--config': { value: true },
  '--probe': { value: true },
  '--sarif': { value: true },
  '--sarif-category': { value: true },
  '--format': { value: true },
  '--fail-on': { value: true },
  '--baseline': { value: true },
  '--target': { value: true },
  '--context': { value: true },
  '--build-arg': { value: true },
  '--keep-image': { value: false },
  '--suggest': { value: false },
  '--probe-timeout': { value: true },
  '--build-timeout': { value: true },
  '--jobs': { value: true },
  '--repo-root': { value: true },
  '--only-target': { value: true },
  '--json': { value: false },
  '--color': { value: false },
  '--no-color': { value: false },
  '-h': { value: false },
  '--help': { value: false },
  '--version': { value: false }
}

const COMMANDS = ['scan', 'targets']

export type Token = { kind: 'option'; name: string; value?: string } | { kind: 'path'; value: string }

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'scan'; tokens: Token[] }
  /** `least-privilege targets [--json] [options] PATH...`: the scan's options, its targets listed. */
  | { kind: 'targets'; tokens: Token[] }

/** Optimal-string-alignment distance (a swap of two letters is one edit); inputs are short, bounded by the caller. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0)
  ])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The known word closest to `typed`, when it is close enough to be a typo: a few edits, or a prefix either way. */
export function suggestion(typed: string, known: readonly string[]): string | undefined {
  if (typed.length > 64) return undefined
  const bare = (s: string): string => s.replace(/^-+/, '').toLowerCase()
  const word = bare(typed)
  if (word.length < 2) return undefined
  let best: { name: string; score: number } | undefined
  for (const name of known) {
    const candidate = bare(name)
    if (candidate.length < 2) continue
    let score = distance(word, candidate)
    // `--form` for --format, `--sarif-file` for --sarif: a prefix is nearly as good as one edit.
    if (word.length >= 3 && (candidate.startsWith(word) || word.startsWith(candidate)))
      score = Math.min(score, 1.5)
    const limit = candidate.length > 8 ? 3 : 2
    if (score <= limit && (!best || score < best.score)) best = { name, score }
  }
  return best?.name
}

function unknownOption(name: string): UsageError {
  const near = suggestion(name, Object.keys(OPTIONS))
  return new UsageError(`unknown option ${name}${near ? `: did you mean ${near}?` : ''} (see --help)`)
}

/** Whether `arg` is one of our own options (`--format` or `--format=json`). */
function isOwnOption(arg: string): boolean {
  const eq = arg.indexOf('=')
  return Object.hasOwn(OPTIONS, eq > 0 ? arg.slice(0, eq) : arg)
}

/** The value after `name` in the separate form, or a one-line error naming `name`. */
function separateValue(name: string, spec: OptionSpec, next: string | undefined): string {
  if (next === undefined) throw new UsageError(`${name} needs a value (see --help)`)
  // "-" is a value (stdin for --deployment); so is a negative number (refused later as out of range).
  const looksLikeFlag = next.startsWith('-') && next !== '-' && !/^-\d/.test(next)
  if (looksLikeFlag && (!spec.dashValue || isOwnOption(next))) {
    const what = isOwnOption(next) ? `the option ${next.split('=')[0]}` : `"${next.slice(0, 60)}"`
    throw new UsageError(
      `${name} needs a value, but got ${what} (a value starting with "-" is written ${name}=VALUE)`
    )
  }
  return next
}

/**
 * The command and, for `scan`, its options and paths in order. `-h`/`--help` (or `--version`) among the
 * options answers at once, as far as the options before it are well formed.
 */
export function commandOf(argv: readonly string[]): Command {
  const first = argv[0]
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') return { kind: 'help' }
  if (first === '--version' || first === 'version') return { kind: 'version' }
  if (first !== 'scan' && first !== 'targets') {
    const near = first.startsWith('-') ? undefined : suggestion(first, COMMANDS)
    const hint = near ? `did you mean "${near}"?` : 'expected "scan" or "targets"'
    throw new UsageError(`unknown command "${first.slice(0, 60)}": ${hint} (see --help)`)
  }
  const tokens: Token[] = []
  const args = argv.slice(1)
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') {
      // A loop, not push(...): xargs can pass more paths than a call has room for arguments.
      for (const path of args.slice(i + 1)) tokens.push({ kind: 'path', value: path })
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      tokens.push({ kind: 'path', value: arg })
      continue
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    const name = eq > 0 ? arg.slice(0, eq) : arg
    const spec = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined
    if (!spec) throw unknownOption(name)
    if (name === '-h' || name === '--help') return { kind: 'help' }
    if (name === '--version') return { kind: 'version' }
    if (!spec.value) {
      if (eq > 0) throw new UsageError(`${name} takes no value`)
      tokens.push({ kind: 'option', name })
    } else if (eq > 0) {
      tokens.push({ kind: 'option', name, value: arg.slice(eq + 1) })
    } else {
      tokens.push({ kind: 'option', name, value: separateValue(name, spec, args[++i]) })
    }
  }
  return { kind: first, tokens }
}
