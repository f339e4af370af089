// The one bundled entry, for the action (src/action/entry.ts) and the CLI: dist/cli/index.js is a shim
// that sets CLI_ENTRY_FLAG and loads this same bundle, so dockerode and its files ship once. Each side is
// required only when it runs, so the CLI never evaluates the action's modules (@actions/*, undici,
// octokit) and the action never evaluates the CLI's.
/* eslint-disable @typescript-eslint/no-require-imports */

/** Set on globalThis by dist/cli/index.js (written by scripts/package.mjs). */
const CLI_ENTRY_FLAG = '__leastPrivilegeCli'

if ((globalThis as Record<string, unknown>)[CLI_ENTRY_FLAG] === true) {
  const { runCliProcess } = require('./cli/main') as typeof import('./cli/main')
  void runCliProcess(process.argv.slice(2))
} else {
  const { runAction } = require('./action/entry') as typeof import('./action/entry')
  void runAction()
}
