// State shared between the main and post steps. The runner passes saved state to the post step as
// STATE_<name> variables; `isPost` is saved on the first run, so its presence means "this is post".
import * as core from '@actions/core'

const IS_POST = 'isPost'
const RUN_ID = 'runId'
const RESOURCES = 'resources'

/** What main created in Docker and post must remove. */
export interface SavedResources {
  containers: string[]
  images: string[]
}

export function isPost(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env[`STATE_${IS_POST}`])
}

export function markMainStarted(): void {
  core.saveState(IS_POST, 'true')
}

export function saveRunId(runId: string): void {
  core.saveState(RUN_ID, runId)
}

export function savedRunId(env: NodeJS.ProcessEnv = process.env): string {
  return env[`STATE_${RUN_ID}`] ?? ''
}

export function saveResources(resources: SavedResources): void {
  core.saveState(RESOURCES, JSON.stringify(resources))
}

/** The saved resources; anything unreadable counts as nothing saved (post then relies on the label sweep). */
export function savedResources(env: NodeJS.ProcessEnv = process.env): SavedResources {
  try {
    const parsed = JSON.parse(env[`STATE_${RESOURCES}`] || '{}') as Partial<SavedResources>
    const strings = (v: unknown): string[] =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []
    return { containers: strings(parsed.containers), images: strings(parsed.images) }
  } catch {
    return { containers: [], images: [] }
  }
}
