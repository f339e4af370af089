// LABEL RUN= (Atomic / Red Hat): the image's own `docker run` command is its declared deployment, read with
// the run-options parser, judged and located at the LABEL line.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { labelDeployment } from '../../src/deployment/label'
import { buildModel } from '../../src/dockerfile/model'
import { silentLogger } from '../../src/logger'
import { parseRunOptions } from '../../src/profile/parse'
import { runScan } from '../../src/scan/scan'
import { DEFAULT_SETTINGS } from '../../src/settings'

// corpus (atomic tools images, e.g. the rhel7 tools and sssd images): privileged, host namespaces, / mounted
const ATOMIC = [
  'FROM registry.access.redhat.com/rhel7',
  'LABEL name="tools" \\',
  '      RUN="docker run -it --name NAME --privileged --ipc=host --net=host --pid=host -e HOST=/host -e NAME=NAME -e IMAGE=IMAGE -v /run:/run -v /:/host IMAGE"',
  'CMD ["/usr/bin/bash"]',
  ''
].join('\n')

describe('labelDeployment', () => {
  it('reads the flags between `run` and the image, skipping ${OPT1}-style placeholders', () => {
    const model = buildModel(
      "FROM centos\nLABEL RUN='/usr/bin/docker run -d --net=host --privileged ${OPT1} --name ${NAME} ${IMAGE} ${OPT3}'\nCMD x\n",
      'Dockerfile'
    )
    const { deployment, problem } = labelDeployment(model)
    expect(problem).toBeUndefined()
    expect(deployment).toMatchObject({
      source: 'label',
      name: 'LABEL RUN (line 2)',
      file: 'Dockerfile',
      at: { line: 2 }
    })
    expect(deployment?.profile).toMatchObject({ declared: true, privileged: true, network: 'host' })
  })

  it('prefers RUN over INSTALL, takes the last one along the lineage, and ignores other labels', () => {
    const model = buildModel(
      'FROM a AS base\nLABEL RUN="docker run --pid=host IMAGE"\nFROM base\nLABEL INSTALL="docker run --privileged IMAGE" version=1\nCMD x\n',
      'Dockerfile'
    )
    expect(labelDeployment(model).deployment?.profile).toMatchObject({ pid: 'host', privileged: false })
    expect(labelDeployment(buildModel('FROM a\nLABEL version=1\nCMD x\n', 'Dockerfile'))).toEqual({})
  })

  it('says in one line why a label is not read', () => {
    const bad = labelDeployment(
      buildModel('FROM a\nLABEL RUN="docker run --frobnicate IMAGE"\nCMD x\n', 'Dockerfile')
    )
    expect(bad.problem).toEqual({ line: 2, message: 'LABEL RUN is not read: unknown flag --frobnicate' })
    const notRun = labelDeployment(
      buildModel('FROM a\nLABEL RUN="kubectl apply -f x"\nCMD x\n', 'Dockerfile')
    )
    expect(notRun.problem?.message).toMatch(/not a `docker run`/)
  })

  it('parses the same flags run-options would', () => {
    const model = buildModel(ATOMIC, 'Dockerfile')
    const profile = labelDeployment(model).deployment?.profile
    const expected = parseRunOptions(
      '-it --name NAME --privileged --ipc=host --net=host --pid=host -e HOST=/host -e NAME=NAME -e IMAGE=IMAGE -v /run:/run -v /:/host'
    )
    expect(profile?.mounts).toEqual(expected.mounts)
    expect([profile?.pid, profile?.ipc, profile?.network]).toEqual(['host', 'host', 'host'])
  })
})

describe('a scan of an image with LABEL RUN', () => {
  const repo = mkdtempSync(join(tmpdir(), 'lp-label-'))
  afterAll(() => rmSync(repo, { recursive: true, force: true }))
  writeFileSync(join(repo, 'Dockerfile'), ATOMIC)
  const scan = (extra = {}) =>
    runScan(
      { ...DEFAULT_SETTINGS, paths: ['Dockerfile'], cwd: repo, repoRoot: repo, build: false, ...extra },
      { logger: silentLogger, runId: 'label' }
    )

  it('judges it under its own run command, findings at the LABEL line, no Docker-defaults note', async () => {
    const [result] = (await scan()).results
    expect(result.target).toMatchObject({ source: 'label', name: 'LABEL RUN (line 2)' })
    const at = (id: string) => result.findings.filter(f => f.ruleId === id).map(f => `${f.file}:${f.line}`)
    expect(at('LP220')).toEqual(['Dockerfile:2'])
    expect(at('LP520')).toEqual(['Dockerfile:2', 'Dockerfile:2', 'Dockerfile:2'])
    expect(at('LP522')).toEqual(['Dockerfile:2'])
    expect(at('LP200')).toEqual([])
    expect(result.rows.find(r => r.principle === 'host-protection')?.verdict).toBe('fail')
  })

  it('leaves the label aside when run-options are declared', async () => {
    const [result] = (
      await scan({ profile: parseRunOptions('--cap-drop ALL'), runOptions: '--cap-drop ALL' })
    ).results
    expect(result.target?.source).toBe('run-options')
    expect(result.findings.filter(f => f.ruleId === 'LP220')).toEqual([])
  })
})
