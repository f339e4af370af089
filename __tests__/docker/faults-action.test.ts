// The bundled action's main step cancelled by the runner (SIGINT) in the middle of a two-Dockerfile run:
// SARIF, the JSON report, outputs and the summary still cover the Dockerfile that finished, the other is
// marked interrupted, the step fails with 130, and nothing with the run label is left on the daemon.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RESOURCE_LABEL } from '../../src/meta'
import { BUNDLE, bundleExists, newTemp, ROOT, startMainStep, type RunnerJob } from '../action/helpers/runner'
import { BUSYBOX, dockerOrSkip, type DockerSession } from './helpers'

const session: DockerSession | undefined = await dockerOrSkip('action cancellation test')
const haveBundle = bundleExists() || process.env.CI === 'true'
if (!haveBundle) console.warn(`SKIPPED action cancellation test: ${BUNDLE} missing (npm run package)`)
const describeDocker = session && haveBundle ? describe : describe.skip

describeDocker('the bundled action cancelled mid-run', () => {
  const { docker } = session!
  let workspace: string
  let temp: string
  let runId = ''

  beforeAll(() => {
    workspace = newTemp('lp-cancel-ws-')
    temp = newTemp('lp-cancel-tmp-')
    const steps: Record<string, string> = {
      fast: '',
      slow: 'RUN ["/bin/busybox", "sh", "-c", "echo slow-step-started; sleep 120"]\n'
    }
    for (const [name, run] of Object.entries(steps)) {
      mkdirSync(join(workspace, name))
      copyFileSync(BUSYBOX, join(workspace, name, 'busybox'))
      chmodSync(join(workspace, name, 'busybox'), 0o755)
      writeFileSync(
        join(workspace, name, 'Dockerfile'),
        `FROM scratch\nCOPY busybox /bin/busybox\n${run}CMD ["/bin/busybox", "sleep", "30"]\n`
      )
    }
  })

  afterAll(async () => {
    if (runId) {
      const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })
      for (const c of await docker.listContainers({ all: true, filters }))
        await docker.getContainer(c.Id).remove({ force: true, v: true })
      for (const i of await docker.listImages({ filters }))
        await docker.getImage(i.Id).remove({ force: true })
    }
    rmSync(workspace, { recursive: true, force: true })
    rmSync(temp, { recursive: true, force: true })
  })

  it('writes SARIF, the JSON report and the summary for the finished Dockerfile, then fails with 130', async () => {
    const job: RunnerJob = {
      workspace,
      temp,
      eventName: 'push',
      eventFile: join(ROOT, '__fixtures__', 'events', 'push.json'),
      apiUrl: 'http://127.0.0.1:9', // never called: no comment, no upload
      token: 'ghs_unused000000000000000000000000000000',
      // jobs 1: slow/'s build output is printed live (with more jobs it waits until slow/ finishes).
      inputs: {
        dockerfile: 'fast/Dockerfile\nslow/Dockerfile',
        comment: 'false',
        'upload-sarif': 'false',
        jobs: '1'
      }
    }
    const started = Date.now()
    const step = startMainStep(job)
    let output = ''
    let sent = false
    const onData = (d: Buffer): void => {
      output += d.toString()
      if (!sent && /slow\/Dockerfile/.test(output) && /slow-step-started/.test(output)) {
        sent = true
        step.child.kill('SIGINT')
      }
    }
    step.child.stdout?.on('data', onData)
    step.child.stderr?.on('data', onData)
    const killer = setTimeout(() => step.child.kill('SIGKILL'), 120_000)
    const main = await step.done
    clearTimeout(killer)
    runId = main.state.runId ?? ''
    expect(sent).toBe(true)
    expect(Date.now() - started).toBeLessThan(90_000)
    expect(main.code).toBe(130)
    expect(main.stdout).toMatch(/::error::.*interrupted by SIGINT/)

    const sarif = JSON.parse(readFileSync(join(workspace, 'least-privilege.sarif'), 'utf8'))
    const uris = (
      sarif.runs[0].results as Array<{
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>
      }>
    ).map(r => r.locations[0].physicalLocation.artifactLocation.uri)
    expect(uris).toContain('fast/Dockerfile')
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          message: expect.objectContaining({ text: expect.stringContaining('interrupted by SIGINT') })
        })
      ])
    )

    const report = JSON.parse(readFileSync(main.outputs.report, 'utf8')) as {
      results: Array<{ file: string; not_measured_reason: string | null; measurement: unknown }>
    }
    const byFile = Object.fromEntries(report.results.map(r => [r.file, r]))
    expect(byFile['fast/Dockerfile'].measurement).not.toBeNull()
    expect(byFile['slow/Dockerfile'].not_measured_reason).toBe('interrupted by SIGINT')
    expect(byFile['slow/Dockerfile'].measurement).toBeNull()
    expect(main.summary).toContain('fast/Dockerfile')
    expect(main.summary).toContain('interrupted by SIGINT')

    const filters = JSON.stringify({ label: [`${RESOURCE_LABEL}=${runId}`] })
    expect(runId).not.toBe('')
    expect(await docker.listContainers({ all: true, filters })).toEqual([])
    expect(await docker.listImages({ filters })).toEqual([])
  })
})
