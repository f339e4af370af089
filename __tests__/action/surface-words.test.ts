// The action speaks in its inputs, the CLI in its flags: a scan read from the action's inputs reports
// `build: false`, never `--no-build`, and an unreachable daemon is a one-line heading with the daemon's
// full error behind it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readSettings } from '../../src/action/inputs'
import { silentLogger } from '../../src/logger'
import { renderMarkdown } from '../../src/report/markdown'
import { buildSarif } from '../../src/report/sarif'
import { ruleMetas } from '../../src/rules/registry'
import { runScan } from '../../src/scan/scan'
import {
  daemonUnreachable,
  headingAndDetail,
  MAX_HEADING_CHARS,
  notBuiltReason,
  probeOffReason
} from '../../src/scan/wording'

/** Flags of the CLI an action user cannot type. */
const CLI_FLAGS = /--(?:no-build|probe|image|deployment|sarif|format|fail-on|config|keep-image)\b/

let ws: string
beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'lp-surface-'))
  writeFileSync(join(ws, 'Dockerfile'), 'FROM scratch\nCOPY app /app\nUSER 1000\nENTRYPOINT ["/app"]\n')
})
afterAll(() => rmSync(ws, { recursive: true, force: true }))

const actionEnv = (inputs: Record<string, string>): NodeJS.ProcessEnv => ({
  GITHUB_WORKSPACE: ws,
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
})
const DEAD = { DOCKER_HOST: 'unix:///nonexistent/least-privilege/docker.sock' }

describe('words that fit the surface', () => {
  it('says why nothing was measured in the words of each surface', () => {
    expect(notBuiltReason('cli')).toBe('static only (--no-build)')
    expect(notBuiltReason(undefined)).toBe('static only (--no-build)')
    expect(notBuiltReason('action')).toBe('static only (build: false)')
    expect(probeOffReason('action')).toBe('probing is disabled (probe: false)')
    expect(probeOffReason('cli')).toBe('probing is disabled')
  })

  it('a static action scan reports build: false and no CLI flag, in the summary and in SARIF', async () => {
    const settings = readSettings(actionEnv({ build: 'false' }))
    const report = await runScan(settings, { logger: silentLogger, runId: 'surface-test' })
    expect(report.results[0].notMeasuredReason).toBe('static only (build: false)')
    const summary = renderMarkdown(report, ruleMetas(), {})
    expect(summary).toContain('build: false')
    expect(summary).not.toMatch(CLI_FLAGS)
    const sarif = JSON.stringify(buildSarif(report, ruleMetas(), { repoRoot: ws }).runs[0].invocations)
    expect(sarif).not.toMatch(CLI_FLAGS)
  })

  it('an unreachable daemon under the action: a one-line heading in input words, the full error as detail', async () => {
    const settings = readSettings(actionEnv({}))
    const report = await runScan(settings, { logger: silentLogger, runId: 'surface-test', dockerEnv: DEAD })
    const note = report.notifications.find(n => n.kind === 'daemon-unreachable')
    expect(note?.level).toBe('warning')
    expect(note?.message).toBe(
      'Docker daemon not reachable at unix:///nonexistent/least-privilege/docker.sock (connect ENOENT): static checks only ' +
        '(building and probing need Docker on the runner; build: false skips them)'
    )
    expect(note?.detail).toMatch(/^Docker daemon not reachable at unix:\/\/\/nonexistent\/.*ENOENT/)
    expect(`${note?.message}\n${note?.detail}`).not.toMatch(CLI_FLAGS)
    expect(`${note?.detail}`).not.toContain('scripts/start-docker.sh')
    expect(renderMarkdown(report, ruleMetas(), {})).not.toMatch(CLI_FLAGS)
  })

  it('the CLI says what to type, and probe: true (or --probe true) makes the missing daemon an error', () => {
    const error = new Error(
      'Docker daemon not reachable at unix:///x: connect ENOENT; start one (scripts/start-docker.sh) or run with --no-build'
    )
    const cli = daemonUnreachable({ surface: 'cli', probe: 'auto' }, 'unix:///x', error)
    expect(cli).toEqual({
      level: 'warning',
      message:
        'Docker daemon not reachable at unix:///x (connect ENOENT): static checks only (start a Docker daemon, or pass --no-build to skip building)',
      detail: 'Docker daemon not reachable at unix:///x: connect ENOENT'
    })
    expect(daemonUnreachable({ surface: 'action', probe: 'true' }, 'unix:///x', error)).toMatchObject({
      level: 'error',
      message:
        'Docker daemon not reachable at unix:///x (connect ENOENT), but probe: true needs one: the scan is incomplete'
    })
    expect(
      daemonUnreachable({ surface: 'cli', probe: 'auto', image: 'app:1' }, 'unix:///x', error).message
    ).toBe(
      'Docker daemon not reachable at unix:///x (connect ENOENT), but --image needs one: the scan is incomplete'
    )
  })

  it("a failure heading is one short line with the repo-relative file; the daemon's whole error is the detail", () => {
    const daemonText = `build of /home/runner/work/app/svc/Dockerfile failed: [2/3] RUN make: ${'x'.repeat(300)}\nmake: *** Error 2\n\u001b[31mred\u001b[0m`
    const { message, detail } = headingAndDetail(new Error(daemonText), {
      absolute: '/home/runner/work/app/svc/Dockerfile',
      file: 'svc/Dockerfile'
    })
    expect(message).not.toContain('\n')
    expect(message.length).toBeLessThanOrEqual(MAX_HEADING_CHARS)
    expect(message).toMatch(/^build of svc\/Dockerfile failed: \[2\/3\] RUN make: x+…$/)
    expect(detail).toContain('make: *** Error 2')
    expect(detail).toContain('red')
    expect(detail).not.toContain('\u001b')
    expect(detail).not.toContain('/home/runner')
    // A short one-line error is its own heading, with nothing behind it.
    expect(headingAndDetail(new Error('the probe timed out after 30 s'))).toEqual({
      message: 'the probe timed out after 30 s'
    })
  })
})
