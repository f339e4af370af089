// The action's entry (action.yml `main` and `post`): the saved `isPost` state tells the steps apart, as in
// actions/checkout; errors are one line and the post step only warns.
import { describeError } from '../errors'
import { redactTokens } from './inputs'
import { runMain } from './main'
import { runPost } from './post'
import { safeSetFailed, safeWarning } from './runner-safe'
import { isPost, markMainStarted } from './state'

export async function runAction(): Promise<void> {
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
