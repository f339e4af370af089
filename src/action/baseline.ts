// Which commit the action judges a change against: input `baseline` (any ref) or, with `fail-on-new: true`,
// the pull request's base (on a push, the commit before it). A shallow checkout lacks that commit, so it is
// fetched (one commit, depth 1, with the credentials actions/checkout left). Errors name the input.
import { UsageError } from '../errors'
import { fetchCommit, resolveCommit } from '../scan/baseline/git'
import type { Settings } from '../settings'

export interface BaselineChoice {
  baseline?: NonNullable<Settings['baseline']>
  /** Why fail-on-new could not apply on this event (the full gate applies, with a warning). */
  skipped?: string
}

export function chooseBaseline(
  workspace: string,
  inputs: { baseline: string; failOnNew: boolean },
  event: { eventName: string; baseSha?: string; baseRef?: string }
): BaselineChoice {
  if (inputs.baseline !== '') {
    return {
      baseline: { ref: inputs.baseline, commit: resolveCommit(workspace, inputs.baseline, 'Input baseline') }
    }
  }
  if (!inputs.failOnNew) return {}
  const sha = event.baseSha
  if (!sha)
    return {
      skipped: `fail-on-new: a ${event.eventName || 'run'} event has no base commit, so every finding is judged (set the baseline input to compare with a ref)`
    }
  if (!fetchCommit(workspace, sha))
    throw new UsageError(
      `Input fail-on-new: the base commit ${sha.slice(0, 12)} is not in the checkout and could not be fetched from origin; check out with actions/checkout fetch-depth: 0`
    )
  const commit = resolveCommit(workspace, sha, 'Input fail-on-new')
  return { baseline: { ref: event.baseRef ?? sha.slice(0, 12), commit } }
}
