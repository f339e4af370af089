// The CLI's entry, bundled on its own into dist/cli/index.js (the package's `bin`). It answers --help,
// --version and mistyped flags from ./tokens and ./usage alone; only a scan loads the full bundle
// (dist/index.js, with dockerode), so help starts about as fast as Node itself and dockerode ships once.
import { describeError } from '../errors'
import { TOOL_VERSION } from '../meta'
import { commandOf } from './tokens'
import { USAGE } from './usage'

// webpack's name for the real, run-time `require`: the full bundle is loaded from disk, not bundled in.
declare const __non_webpack_require__: (id: string) => unknown

function loadScanner(): void {
  // src/index.ts reads this flag and runs the CLI instead of the action.
  ;(globalThis as Record<string, unknown>).__leastPrivilegeCli = true
  __non_webpack_require__('../index.js')
}

/**
 * `targets` only reads files: its module (bundled here, evaluated on first use so --help stays as fast) never
 * loads the scanner bundle or Docker code.
 */
function listTargets(argv: string[]): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runTargetsProcess } = require('./targets-command') as typeof import('./targets-command')
  return runTargetsProcess(argv)
}

function quick(argv: string[]): boolean {
  try {
    const command = commandOf(argv)
    if (command.kind === 'help') process.stdout.write(`${USAGE}\n`)
    else if (command.kind === 'version') process.stdout.write(`least-privilege ${TOOL_VERSION}\n`)
    else if (command.kind === 'targets') {
      process.exitCode = listTargets(argv)
      return true
    } else return false
    process.exitCode = 0
  } catch (error) {
    process.stderr.write(`least-privilege: ${describeError(error)}\n`)
    process.exitCode = 2
  }
  return true
}

if (!quick(process.argv.slice(2))) loadScanner()
