// The CLI's entry, bundled on its own into dist/cli/index.js (the package's `bin`). It answers --help,
// --version and mistyped flags from ./tokens and ./usage alone; only a scan loads the full bundle
// (dist/index.js, with dockerode), so help starts about as fast as Node itself and dockerode ships once.
// The bundle is loaded through a V8 code cache (./code-cache), so a repeated scan does not compile it again.
import { join } from 'node:path'
import { describeError } from '../errors'
import { TOOL_VERSION } from '../meta'
import { requireWithCodeCache } from './code-cache'
import { commandOf } from './tokens'
import { USAGE } from './usage'

function loadScanner(): void {
  // src/index.ts reads this flag and runs the CLI instead of the action.
  ;(globalThis as Record<string, unknown>).__leastPrivilegeCli = true
  // Loaded from disk beside this file (dist/cli/ -> dist/index.js), never bundled in.
  requireWithCodeCache(join(__dirname, '..', 'index.js'))
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
