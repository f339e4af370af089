// The one bundled entry. For the action (action.yml `main` and `post`) the saved `isPost` state tells the
// steps apart, as in actions/checkout; errors are one line and the post step only warns. The CLI's
// dist/cli/index.js is a shim that sets CLI_ENTRY_FLAG and loads this same bundle, so dockerode and its
// files ship once.
import { runMain } from './action/main'
import { runPost } from './action/post'
import { redactTokens } from './action/inputs'
import { safeSetFailed, safeWarning } from './action/runner-safe'
import { isPost, markMainStarted } from './action/state'
import { runCliProcess } from './cli/main'
import { describeError } from './errors'

async function entry(): Promise<void> {
  if (isPost()) {
    try {
      await runPost()
    } catch (error) {
      safeWarning(`Post step: ${describeError(error)}`)
    }
    return
  }
  markMainStarted()
  try {
    await runMain()
  } catch (error) {
    safeSetFailed(redactTokens(describeError(error)))
  }
}

/** Set on globalThis by dist/cli/index.js (written by scripts/package.mjs). */
const CLI_ENTRY_FLAG = '__leastPrivilegeCli'

if ((globalThis as Record<string, unknown>)[CLI_ENTRY_FLAG] === true)
  void runCliProcess(process.argv.slice(2))
else void entry()
