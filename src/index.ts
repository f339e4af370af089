// The action's entry for both steps (action.yml `main` and `post`): the saved `isPost` state tells
// them apart, as in actions/checkout. Errors are one line; the post step only warns.
import * as core from '@actions/core'
import { runMain } from './action/main'
import { runPost } from './action/post'
import { isPost, markMainStarted } from './action/state'
import { describeError } from './errors'

async function entry(): Promise<void> {
  if (isPost()) {
    try {
      await runPost()
    } catch (error) {
      core.warning(`Post step: ${describeError(error)}`)
    }
    return
  }
  markMainStarted()
  try {
    await runMain()
  } catch (error) {
    core.setFailed(describeError(error))
  }
}

void entry()
