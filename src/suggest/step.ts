// The scan's suggestion step for one measured target: only with `--suggest` (input `suggest`), only when
// the probe ran, and never fatal: a suggestion that cannot be computed is a warning in the log, and the
// findings and verdicts are the same either way.
import type Docker from 'dockerode'
import { describeError } from '../errors'
import { Interrupted } from '../docker/call'
import type { Logger } from '../logger'
import type { RuntimeProfile } from '../profile/types'
import type { ResourceTracker } from '../docker/resources'
import type { DockerTimeouts } from '../docker/timeouts'
import type { DaemonFacts } from '../docker/types'
import { suggestProfile } from './suggest'
import type { Suggestion } from './types'

export interface SuggestStep {
  docker: Docker
  daemon: DaemonFacts
  image: string
  profile: RuntimeProfile
  runId: string
  windowMs: number
  probeTimeoutMs: number
  logger: Logger
  tracker: ResourceTracker
  timeouts?: Partial<DockerTimeouts>
  stop?: AbortSignal
  subject: string
}

export async function suggestionFor(step: SuggestStep): Promise<Suggestion | undefined> {
  const { logger } = step
  try {
    return await logger.group(`Suggest a profile for ${step.subject}`, async () => {
      const s = await suggestProfile(step.docker, { ...step, declared: step.profile })
      logger.info(
        s.status === 'verified'
          ? `verified in ${s.trials} runs: ${s.docker}`
          : `no verified profile after ${s.trials} runs: ${s.reason ?? ''}`
      )
      return s
    })
  } catch (error) {
    if (error instanceof Interrupted) throw error
    logger.warning(`no profile suggested for ${step.subject}: ${describeError(error)}`)
    return undefined
  }
}
