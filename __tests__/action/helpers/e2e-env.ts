// What the bundled-action e2e suites share: prerequisites (the bundle, a Docker daemon), the tokens the
// API stand-in knows, and checks on what a step printed.
import { expect } from '@jest/globals'
import { createDockerClient } from '../../../src/docker/client'
import { BUNDLE, bundleExists } from './runner'
import { parseRunnerOutput, readLines, type CompareMode, type RunnerCommand } from './runner-parser'

export const IN_CI = process.env.CI === 'true'
export const WORKFLOW_TOKEN = 'ghs_workflowtoken0000000000000000000000'
export const SHA = 'c0ffee0000000000000000000000000000000001'

async function dockerAnswers(): Promise<boolean> {
  try {
    await createDockerClient().ping()
    return true
  } catch {
    return false
  }
}

/** '' when the bundle exists (and, if asked, a daemon answers); else why the suite is skipped. */
export async function missingPrerequisite(needDocker: boolean): Promise<string> {
  if (!bundleExists()) return `${BUNDLE} is missing (run npm run package)`
  if (needDocker && !(await dockerAnswers())) return 'no Docker daemon answers'
  return ''
}

/** No stack trace on either stream, and every workflow command one line. */
export function expectNoStackTrace(run: { stdout: string; stderr: string }): void {
  expect(run.stderr).not.toMatch(/^\s+at /m)
  expect(run.stdout).not.toMatch(/^\s+at /m)
  expect(run.stderr).not.toMatch(/\b(TypeError|SyntaxError|ReferenceError)\b/)
}

/** The commands the runner would carry out for a step's stdout and stderr (it reads both). */
export function runnerCommands(
  run: { stdout: string; stderr: string },
  mode: CompareMode = 'ordinal'
): RunnerCommand[] {
  return [...parseRunnerOutput(run.stdout, mode).commands, ...parseRunnerOutput(run.stderr, mode).commands]
}

/** Both ways the runner may compare strings (ordinal, or ICU's culture-sensitive comparison). */
export const COMPARE_MODES: CompareMode[] = ['ordinal', 'icu']

export const warningsOf = (run: { stdout: string; stderr: string }): string[] =>
  runnerCommands(run)
    .filter(c => c.name === 'warning')
    .map(c => c.data)

export const linesOf = (text: string): string[] => readLines(text)
