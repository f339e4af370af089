// The verified least-privilege profile on the real daemon (issue 12 item 6): for each busybox image the
// minimal profile is known by construction; the suggestion must be exactly it, and the docker CLI running
// the image with the suggested flags must confirm it (still running, listening, healthy, or same exit).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from '@jest/globals'
import { parseCli } from '../../src/cli/args'
import { ResourceTracker } from '../../src/docker/resources'
import { renderJson } from '../../src/report/json'
import { ruleMetas } from '../../src/rules/registry'
import { runScan } from '../../src/scan/scan'
import { reportSchemaErrors } from '../report/report-schema'
import { silentLogger } from '../../src/logger'
import { RESOURCE_LABEL } from '../../src/meta'
import { parseRunOptions } from '../../src/profile/parse'
import { splitRunOptions } from '../../src/profile/split'
import { suggestProfile } from '../../src/suggest/suggest'
import type { Suggestion } from '../../src/suggest/types'
import { dockerOrSkip, fixtureContext, removeDirectly, testRunId, type DockerSession } from './helpers'
import { TestImages } from './images'

const run = promisify(execFile)
const session: DockerSession | undefined = await dockerOrSkip('suggest tests')
const describeDocker = session ? describe : describe.skip
const WINDOW_MS = 1500

describeDocker('the suggested profile on the real daemon', () => {
  const { docker, daemon } = session!
  const runId = testRunId()
  const tracker = new ResourceTracker()
  const images = new TestImages(docker, runId, tracker)
  const started: string[] = []

  afterAll(async () => {
    for (const id of started) await run('docker', ['rm', '-f', id]).catch(() => undefined)
    await tracker.cleanup(docker)
    images.removeContexts()
  })

  async function suggest(name: string, runOptions = ''): Promise<{ image: string; s: Suggestion }> {
    const image = await images.get(name)
    const s = await suggestProfile(docker, {
      image,
      declared: parseRunOptions(runOptions),
      daemon,
      runId,
      windowMs: WINDOW_MS,
      logger: silentLogger,
      tracker
    })
    return { image, s }
  }

  /** `docker run -d` with the suggested flags, split by the run-options rules (no shell). */
  async function runWith(s: Suggestion, image: string): Promise<string> {
    const args = ['run', '-d', '--network', 'none', '--label', `${RESOURCE_LABEL}=${runId}`]
    const { stdout } = await run('docker', [...args, ...splitRunOptions(s.docker), image])
    const id = stdout.trim()
    started.push(id)
    await new Promise(r => setTimeout(r, WINDOW_MS))
    return id
  }

  async function running(id: string): Promise<boolean> {
    const { stdout } = await run('docker', ['inspect', '-f', '{{.State.Running}}', id])
    return stdout.trim() === 'true'
  }

  it('a chown-then-drop entrypoint needs CHOWN, SETGID, SETUID and root, and keeps its data tmpfs', async () => {
    const { image, s } = await suggest('suggest-chown', '--tmpfs /data')
    expect(s.status).toBe('verified')
    expect(s.docker).toBe(
      '--cap-drop ALL --cap-add CHOWN --cap-add SETGID --cap-add SETUID --security-opt no-new-privileges --read-only --tmpfs /data'
    )
    expect(s.needs.map(n => `${n.kind}:${n.value}`).sort()).toEqual(
      ['capability:CHOWN', 'capability:SETGID', 'capability:SETUID', 'user:root'].sort()
    )
    const chown = s.needs.find(n => n.value === 'CHOWN')!
    expect(chown.evidence).toMatch(/exits 1 with `chown: \/data: Operation not permitted`/)
    expect(s.trials).toBeLessThanOrEqual(24)
    expect(await running(await runWith(s, image))).toBe(true)
  })

  it('a pinger needs NET_RAW as root', async () => {
    const { image, s } = await suggest('suggest-netraw')
    expect(s.status).toBe('verified')
    expect(s.docker).toBe('--cap-drop ALL --cap-add NET_RAW --security-opt no-new-privileges --read-only')
    expect(s.needs.map(n => `${n.kind}:${n.value}`).sort()).toEqual(['capability:NET_RAW', 'user:root'])
    expect(await running(await runWith(s, image))).toBe(true)
  })

  it('a workload writing /var/cache/app gets a tmpfs there and a non-root user', async () => {
    const { image, s } = await suggest('suggest-cache')
    expect(s.status).toBe('verified')
    expect(s.docker).toBe(
      '--cap-drop ALL --security-opt no-new-privileges --read-only --tmpfs /var/cache/app:uid=65534,gid=65534 --user 65534:65534'
    )
    expect(s.needs).toEqual([expect.objectContaining({ kind: 'writable-path', value: '/var/cache/app' })])
    expect(s.needs[0].evidence).toMatch(/Read-only file system/)
    expect(await running(await runWith(s, image))).toBe(true)
  })

  it('a web server that needs nothing gets everything dropped and still listens on 8080', async () => {
    const { image, s } = await suggest('suggest-nothing')
    expect(s.status).toBe('verified')
    expect(s.docker).toBe('--cap-drop ALL --security-opt no-new-privileges --read-only --user 65534:65534')
    expect(s.needs).toEqual([])
    expect(s.verified).toEqual({
      outcome: 'running',
      windowMs: WINDOW_MS,
      ports: ['tcp/8080'],
      healthcheck: 'none'
    })
    expect(s.trials).toBe(2)
    const id = await runWith(s, image)
    expect(await running(id)).toBe(true)
    const { stdout } = await run('docker', ['exec', id, 'netstat', '-ltn'])
    expect(stdout).toMatch(/:8080\s/)
  })

  it('drops declared host namespaces and capabilities the workload does not need', async () => {
    const { s } = await suggest('suggest-nothing', '--pid host --ipc host --cap-add NET_ADMIN --user 0')
    expect(s.status).toBe('verified')
    expect(s.docker).toBe('--cap-drop ALL --security-opt no-new-privileges --read-only --user 65534:65534')
    expect(s.needs).toEqual([])
    expect(s.trials).toBe(2)
  })

  it('a workload that exits at once is verified by exiting the same way', async () => {
    const { image, s } = await suggest('suggest-exits')
    expect(s.status).toBe('verified')
    expect(s.docker).toBe('--cap-drop ALL --security-opt no-new-privileges --read-only --user 65534:65534')
    expect(s.verified.outcome).toBe('exited-as-declared')
    const { stdout } = await run('docker', [
      'run',
      '--network',
      'none',
      '--label',
      `${RESOURCE_LABEL}=${runId}`,
      '--rm',
      ...splitRunOptions(s.docker),
      image
    ])
    expect(stdout).toBe('')
  })

  it('a HEALTHCHECK that needs NET_RAW keeps NET_RAW and root, and Docker reports it healthy', async () => {
    const { image, s } = await suggest('suggest-health')
    expect(s.status).toBe('verified')
    expect(s.docker).toBe('--cap-drop ALL --cap-add NET_RAW --security-opt no-new-privileges --read-only')
    expect(s.verified.healthcheck).toBe('passed')
    expect(s.needs.find(n => n.value === 'NET_RAW')?.evidence).toMatch(/HEALTHCHECK exits 1/)
    const id = await runWith(s, image)
    let health = ''
    for (let i = 0; i < 20 && health !== 'healthy'; i++) {
      await new Promise(r => setTimeout(r, 500))
      health = (await run('docker', ['inspect', '-f', '{{.State.Health.Status}}', id])).stdout.trim()
    }
    expect(health).toBe('healthy')
  })

  it('scan --suggest puts the suggestion in the JSON report, schema-valid, and leaves the verdicts alone', async () => {
    const ctx = fixtureContext('suggest-nothing')
    const scanRun = testRunId()
    try {
      const settingsOf = (extra: string[]) => {
        const command = parseCli(['scan', ctx.dir, '--run-options', '--cap-add NET_ADMIN', ...extra], ctx.dir)
        if (command.kind !== 'scan') throw new Error('expected a scan')
        return { ...command.settings, workloadWindowMs: WINDOW_MS }
      }
      const plain = await runScan(settingsOf([]), { logger: silentLogger, runId: scanRun })
      const suggested = await runScan(settingsOf(['--suggest']), { logger: silentLogger, runId: scanRun })
      expect(plain.results[0].suggestion).toBeUndefined()
      const json = renderJson(suggested, ruleMetas()) as unknown as {
        results: Array<{ suggestion?: Record<string, unknown> }>
      }
      expect(reportSchemaErrors(json)).toEqual([])
      expect(json.results[0].suggestion).toMatchObject({
        status: 'verified',
        docker: '--cap-drop ALL --security-opt no-new-privileges --read-only --user 65534:65534',
        needs: [],
        verified: { outcome: 'running', window_ms: WINDOW_MS, ports: ['tcp/8080'], healthcheck: 'none' }
      })
      expect(suggested.results[0].rows).toEqual(plain.results[0].rows)
      expect(suggested.results[0].findings.map(f => f.ruleId)).toEqual(
        plain.results[0].findings.map(f => f.ruleId)
      )
    } finally {
      await removeDirectly(docker, scanRun).catch(() => undefined)
      ctx.cleanup()
    }
  })
})
