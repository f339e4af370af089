// The bundled CLI (node dist/cli/index.js) through the fault proxy: SIGINT/SIGTERM in the middle of a
// two-Dockerfile run keep the finished one's results, mark the other interrupted, leave nothing behind and
// exit 130/143; a stalled DELETE is bounded and named with the command that removes what is left.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy'
import { BUSYBOX, dockerOrSkip, leftBehind, removeDirectly, type DockerSession } from './helpers'

const root = fileURLToPath(new URL('../..', import.meta.url))
// LEAST_PRIVILEGE_TEST_CLI: another bundle of the same shim, for a tree whose dist/ is being rebuilt.
const cli = process.env.LEAST_PRIVILEGE_TEST_CLI ?? join(root, 'dist/cli/index.js')
const session: DockerSession | undefined = await dockerOrSkip('CLI daemon fault tests')
const haveBundle = existsSync(cli) || process.env.CI === 'true'
if (!haveBundle) console.warn('SKIPPED CLI daemon fault tests: dist/cli/index.js missing (npm run package)')
const describeDocker = session && haveBundle ? describe : describe.skip

const CEILING_MS = 90_000

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
  runId: string
}

/** Starts the CLI; `interrupt` (if given) sends a signal once `ready(stderr)` holds. */
function runCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  interrupt?: { signal: NodeJS.Signals; ready: (stderr: string) => boolean }
): Promise<Run> {
  const started = Date.now()
  const child = spawn(process.execPath, [cli, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', LEAST_PRIVILEGE_DEBUG: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  let sent = false
  const killer = setTimeout(() => child.kill('SIGKILL'), CEILING_MS + 30_000)
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    if (interrupt && !sent && interrupt.ready(stderr)) {
      sent = true
      child.kill(interrupt.signal)
    }
  })
  return new Promise(resolve =>
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      const runId = /run id (\S+)/.exec(stderr)?.[1] ?? ''
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, runId })
    })
  )
}

/** `fast/` builds at once; `slow/` has a RUN step that sleeps far past the signal. */
function writeTwoDockerfiles(dir: string): void {
  const steps: Record<string, string> = {
    fast: '',
    slow: 'RUN ["/bin/busybox", "sh", "-c", "echo slow-step-started; sleep 120"]\n'
  }
  for (const [name, run] of Object.entries(steps)) {
    mkdirSync(join(dir, name))
    copyFileSync(BUSYBOX, join(dir, name, 'busybox'))
    chmodSync(join(dir, name, 'busybox'), 0o755)
    writeFileSync(
      join(dir, name, 'Dockerfile'),
      `FROM scratch\nCOPY busybox /bin/busybox\n${run}CMD ["/bin/busybox", "sleep", "30"]\n`
    )
  }
}

describeDocker('the bundled CLI through a faulty daemon', () => {
  const { docker } = session!
  let proxy: FaultProxy
  let work: string
  const runIds: string[] = []

  beforeAll(async () => {
    proxy = await startFaultProxy()
    work = mkdtempSync(join(tmpdir(), 'lp-faults-cli-'))
    writeTwoDockerfiles(work)
  })

  afterAll(async () => {
    await proxy.close()
    for (const runId of runIds) await removeDirectly(docker, runId).catch(() => undefined)
    rmSync(work, { recursive: true, force: true })
  })

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const)(
    "on %s mid-run reports the finished Dockerfile, marks the other's measurement interrupted, leaves nothing, exits %i",
    async (signal, expected) => {
      proxy.setRules([])
      const sarif = join(work, `${signal}.sarif`)
      const run = await runCli(
        // --jobs 1: slow/'s build output is printed live (with more jobs it waits until slow/ finishes).
        ['scan', '--jobs', '1', '--format', 'json', '--sarif', sarif, 'fast/Dockerfile', 'slow/Dockerfile'],
        work,
        { DOCKER_HOST: proxy.dockerHost },
        // fast/ is done (built and probed) once slow/'s build has begun.
        { signal, ready: err => /Build slow\/Dockerfile/.test(err) && /slow-step-started/.test(err) }
      )
      runIds.push(run.runId)
      expect(run.runId).toMatch(/^cli-/)
      expect(run.ms).toBeLessThan(CEILING_MS)
      expect(run.code).toBe(expected)
      expect(run.stderr).not.toMatch(/\n\s+at /)

      const report = JSON.parse(run.stdout) as {
        results: Array<{
          file: string
          not_measured_reason: string | null
          measurement: unknown
          rows: Array<{ verdict: string; measured: string }>
        }>
      }
      const byFile = Object.fromEntries(report.results.map(r => [r.file, r]))
      expect(Object.keys(byFile).sort()).toEqual(['fast/Dockerfile', 'slow/Dockerfile'])
      expect(byFile['fast/Dockerfile'].measurement).not.toBeNull()
      expect(JSON.stringify(byFile['fast/Dockerfile'])).not.toContain('interrupted')
      expect(byFile['slow/Dockerfile'].not_measured_reason).toBe(`interrupted by ${signal}`)
      expect(byFile['slow/Dockerfile'].measurement).toBeNull()
      expect(byFile['slow/Dockerfile'].rows.map(r => r.measured)).toEqual(
        Array(5).fill(`not measured: interrupted by ${signal}`)
      )

      const log = JSON.parse(readFileSync(sarif, 'utf8'))
      const results = log.runs[0].results as Array<{
        ruleId: string
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>
      }>
      const uris = results.map(r => r.locations[0].physicalLocation.artifactLocation.uri)
      // Both run as root (LP101): the finished one measured, the interrupted one from its static checks.
      expect(uris).toContain('fast/Dockerfile')
      expect(uris).toContain('slow/Dockerfile')
      const notes = log.runs[0].invocations[0].toolExecutionNotifications as Array<{
        message: { text: string }
        descriptor?: { id: string }
      }>
      expect(
        notes.some(
          n => n.descriptor?.id === 'interrupted' && n.message.text.includes(`interrupted by ${signal}`)
        )
      ).toBe(true)

      expect(await leftBehind(docker, run.runId)).toEqual([])
    }
  )

  it('bounds a stalled cleanup and names what is left with the command that removes it', async () => {
    proxy.setRules([{ match: /^DELETE /, action: { kind: 'stall' } }])
    const run = await runCli(['scan', '--format', 'json', 'fast/Dockerfile'], work, {
      DOCKER_HOST: proxy.dockerHost
    })
    runIds.push(run.runId)
    expect(run.ms).toBeLessThan(CEILING_MS)
    expect(run.stderr).toMatch(
      /warning: cleanup failed: could not remove container [0-9a-f]{64} .*docker rm -f [0-9a-f]{64}/
    )
    expect(run.stderr).toMatch(/docker rmi least-privilege-scan:cli-/)
    const report = JSON.parse(run.stdout) as { notifications: Array<{ kind: string; message: string }> }
    expect(
      report.notifications.some(n => n.kind === 'cleanup-failed' && n.message.includes('docker rm -f'))
    ).toBe(true)
    expect(await leftBehind(docker, run.runId)).not.toEqual([]) // the daemon never removed them: said so
  })
})
