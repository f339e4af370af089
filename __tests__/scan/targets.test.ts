// Declared deployments as scan targets: which files a folder search reads, how deployments pair with
// Dockerfiles (compose build, the config file's `images:`, --image) or stand alone as image-only targets,
// where deployment findings point, and the kubelet's runAsNonRoot refusal as a finding.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readKubernetesManifest } from '../../src/deployment/kubernetes'
import { loadDeployments, stdinReader } from '../../src/deployment/load'
import { UsageError } from '../../src/errors'
import { evaluateRules } from '../../src/rules/engine'
import { deploymentRules } from '../../src/rules/deployment'
import { DEFAULT_SETTINGS, type Settings } from '../../src/settings'
import { discoverDockerfiles } from '../../src/scan/discover'
import type { DockerfileOptions } from '../../src/config/types'
import {
  buildKey,
  jobFile,
  planTargets,
  type DockerfileJob,
  type ImageJob,
  type Job
} from '../../src/scan/targets'
import { NON_ROOT_USER, ROOT_USER, ruleContext } from '../../__fixtures__/probe-reports/context'

let repo: string
const write = (file: string, text: string): void => {
  mkdirSync(join(repo, file, '..'), { recursive: true })
  writeFileSync(join(repo, file), text)
}
const POD = (name: string, image: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lp-targets-'))
  write('svc/a/Dockerfile', 'FROM scratch\nUSER 1001\n')
  write('svc/b/Dockerfile', 'FROM scratch\n')
  write('other/Dockerfile', 'FROM scratch\n')
  write(
    'compose.yaml',
    'services:\n  a1:\n    build: ./svc/a\n  a2:\n    build: ./svc/a\n    cap_drop: [ALL]\n  b:\n    build:\n      context: ./svc/b\n  cache:\n    image: redis:7\n'
  )
  write('k8s/pod.yaml', POD('p', 'registry.example/a:1'))
  write(
    'k8s/pod.json',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'j' },
      spec: { containers: [{ name: 'c', image: 'j:1' }] }
    })
  )
  write('k8s/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n')
  write('k8s/values.yaml', 'replicas: 3\n')
  write('node_modules/pkg/pod.yaml', POD('hidden', 'h:1'))
  write('node_modules/pkg/compose.yaml', 'services:\n  x:\n    image: x\n')
  write('.git/pod.yaml', POD('git', 'g:1'))
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))

const load = (named: string[], folders: string[]) =>
  loadDeployments(named, folders, { cwd: repo, repoRoot: repo, env: {} })

const dockerfileJobs = (jobs: Job[]): DockerfileJob[] =>
  jobs.filter((j): j is DockerfileJob => j.kind === 'dockerfile')

function settings(extra: Partial<Settings> = {}): Settings {
  return { ...DEFAULT_SETTINGS, paths: ['.'], cwd: repo, repoRoot: repo, ...extra }
}

describe('loadDeployments', () => {
  it('finds compose files by name and manifests by content in folders, skipping node_modules and .git', () => {
    const loaded = load([], ['.'])
    expect(loaded.deployments.map(d => d.name)).toEqual([
      'compose.yaml service a1',
      'compose.yaml service a2',
      'compose.yaml service b',
      'compose.yaml service cache',
      'k8s/pod.json Pod/j container c',
      'k8s/pod.yaml Pod/p container c'
    ])
  })

  it('reads a named file whatever its name, and reads each file once', () => {
    write('deploy/prod.yml', 'services:\n  web:\n    build: ../svc/b\n')
    const loaded = load(['deploy/prod.yml', 'k8s/pod.yaml'], ['k8s'])
    expect(loaded.deployments.map(d => [d.source, d.name])).toEqual([
      ['compose', 'deploy/prod.yml service web'],
      ['kubernetes', 'k8s/pod.yaml Pod/p container c'],
      ['kubernetes', 'k8s/pod.json Pod/j container c']
    ])
  })

  it('reads `-` from standard input as a manifest named <stdin>, and refuses a missing file in one line', () => {
    const loaded = loadDeployments(['-'], [], {
      cwd: repo,
      repoRoot: repo,
      env: {},
      readStdin: () => POD('s', 's:1')
    })
    expect(loaded.deployments.map(d => [d.file, d.name])).toEqual([['<stdin>', '<stdin> Pod/s container c']])
    expect(() => load(['missing.yaml'], [])).toThrow(
      new UsageError('missing.yaml: cannot be read: ENOENT: no such file or directory')
    )
  })

  it('bounds standard input to the reader limit', () => {
    const endless = stdinReader(buffer => buffer.fill(0x61).length)
    expect(endless).toThrow(/<stdin>: larger than \d+ bytes/)
    const chunks = [Buffer.from('apiVersion: v1\n'), Buffer.from('kind: Pod\n')]
    const reader = stdinReader(buffer => {
      const next = chunks.shift()
      if (!next) return 0
      next.copy(buffer)
      return next.length
    })
    expect(reader()).toBe('apiVersion: v1\nkind: Pod\n')
  })

  it('reads a compose seccomp profile file relative to the compose file, and refuses a bad one with its line', () => {
    write('sec/profile.json', '{"defaultAction":"SCMP_ACT_ERRNO"}')
    write(
      'sec/compose.yaml',
      'services:\n  s:\n    image: x\n    security_opt:\n      - seccomp:profile.json\n'
    )
    const [ok] = load(['sec/compose.yaml'], []).deployments
    expect(ok.profile.securityOpt.seccompProfile?.json).toBe('{"defaultAction":"SCMP_ACT_ERRNO"}')
    write(
      'sec2/compose.yaml',
      'services:\n  s:\n    image: x\n    security_opt:\n      - seccomp:nope.json\n'
    )
    expect(() => load(['sec2/compose.yaml'], [])).toThrow(
      /^sec2\/compose\.yaml: line 5: seccomp profile "nope\.json" cannot be read/
    )
  })
})

describe('planTargets', () => {
  const plan = (extra: Partial<Settings> = {}) => {
    // Named files, not a search of the whole folder: other tests add files to it.
    const s = settings({ deployments: load(['compose.yaml'], ['k8s']).deployments, ...extra })
    return planTargets(discoverDockerfiles(['svc/a', 'other'], repo, repo), s)
  }

  it('pairs each compose service with the Dockerfile its build names, also one discovery did not find', () => {
    const jobs = dockerfileJobs(plan().jobs)
    expect(jobs.map(j => [j.dockerfile.file, j.target.name, j.target.source])).toEqual([
      ['svc/a/Dockerfile', 'compose.yaml service a1', 'compose'],
      ['svc/a/Dockerfile', 'compose.yaml service a2', 'compose'],
      ['other/Dockerfile', "Docker's defaults", 'none'],
      ['svc/b/Dockerfile', 'compose.yaml service b', 'compose']
    ])
    // Two services on one Dockerfile with the same build settings: one build.
    expect(buildKey(jobs[0])).toBe(buildKey(jobs[1]))
    expect(buildKey(jobs[0])).not.toBe(buildKey(jobs[3]))
  })

  it('judges an image no Dockerfile builds on its deployment alone, with a note on how to map it', () => {
    const { jobs, notifications } = plan()
    const images = jobs.filter((j): j is ImageJob => j.kind === 'image')
    expect(images.map(j => [j.image, j.file, j.target.name, j.target.line])).toEqual([
      ['redis:7', 'compose.yaml', 'compose.yaml service cache', 10],
      ['j:1', 'k8s/pod.json', 'k8s/pod.json Pod/j container c', 1],
      ['registry.example/a:1', 'k8s/pod.yaml', 'k8s/pod.yaml Pod/p container c', 7]
    ])
    expect(notifications.map(n => [n.level, n.kind, n.file, n.line])).toEqual([
      ['note', 'unlinked-deployment', 'compose.yaml', 10],
      ['note', 'unlinked-deployment', 'k8s/pod.json', 1],
      ['note', 'unlinked-deployment', 'k8s/pod.yaml', 7]
    ])
    expect(notifications[2].message).toBe(
      'k8s/pod.yaml Pod/p container c: image registry.example/a:1 is built by no scanned Dockerfile, so it is judged from the deployment alone; to judge it with its Dockerfile, map it under `images:` in .least-privilege.yml (registry.example/a: path/to/Dockerfile)'
    )
  })

  it('links a container to the Dockerfile `images:` maps its image to, also one discovery did not find', () => {
    const images = Object.assign(Object.create(null) as Record<string, string>, {
      'registry.example/a': join(repo, 'svc/b/Dockerfile'),
      redis: join(repo, 'other/Dockerfile')
    })
    const s = settings({ deployments: load(['compose.yaml'], ['k8s']).deployments, images })
    const { jobs, notifications } = planTargets(discoverDockerfiles(['other'], repo, repo), s)
    expect(jobs.map(j => [j.kind, jobFile(j), j.target.name])).toEqual([
      ['dockerfile', 'other/Dockerfile', 'compose.yaml service cache'],
      ['dockerfile', 'svc/a/Dockerfile', 'compose.yaml service a1'],
      ['dockerfile', 'svc/a/Dockerfile', 'compose.yaml service a2'],
      ['dockerfile', 'svc/b/Dockerfile', 'compose.yaml service b'],
      ['dockerfile', 'svc/b/Dockerfile', 'k8s/pod.yaml Pod/p container c'],
      ['image', 'k8s/pod.json', 'k8s/pod.json Pod/j container c']
    ])
    expect(notifications.map(n => n.file)).toEqual(['k8s/pod.json'])
    // The mapped Kubernetes container and the compose service share one build of svc/b.
    const b = dockerfileJobs(jobs).filter(j => j.dockerfile.file === 'svc/b/Dockerfile')
    expect(buildKey(b[0])).toBe(buildKey(b[1]))
  })

  it('links a container to the one Dockerfile when its image is the --image reference', () => {
    const deployments = load(['k8s/pod.yaml'], []).deployments
    const s = settings({ deployments, image: 'registry.example/a:1' })
    const { jobs, notifications } = planTargets(discoverDockerfiles(['svc/a'], repo, repo), s)
    expect(jobs.map(j => j.target)).toEqual([
      { name: 'k8s/pod.yaml Pod/p container c', source: 'kubernetes', file: 'k8s/pod.yaml', line: 7 }
    ])
    expect(notifications).toEqual([])
  })

  it('names run-options as the target of a Dockerfile without a declared deployment when flags are given', () => {
    const s = settings({ profile: { ...DEFAULT_SETTINGS.profile, declared: true } })
    const { jobs } = planTargets(discoverDockerfiles(['other'], repo, repo), s)
    expect(jobs.map(j => j.target)).toEqual([{ name: 'run-options', source: 'run-options' }])
  })

  it("uses the config file's per-Dockerfile run-options and build settings for a Dockerfile without a deployment", () => {
    const profile = { ...DEFAULT_SETTINGS.profile, declared: true, privileged: true }
    const dockerfileOptions = Object.assign(Object.create(null) as Record<string, DockerfileOptions>, {
      [join(repo, 'other/Dockerfile')]: {
        at: { file: '.least-privilege.yml', line: 3, column: 3 },
        profile,
        runOptions: '--privileged',
        buildArgs: { A: 'config', B: 'config' },
        target: 'final'
      }
    })
    const s = settings({ dockerfileOptions, configFile: '.least-privilege.yml', buildArgs: { B: 'flag' } })
    const [job, plain] = dockerfileJobs(
      planTargets(discoverDockerfiles(['other', 'svc/b'], repo, repo), s).jobs
    )
    expect(job.profile).toBe(profile)
    expect(job.target).toEqual({ name: 'run-options (.least-privilege.yml)', source: 'run-options' })
    expect(job.build).toEqual({ target: 'final', buildArgs: { A: 'config', B: 'flag' } })
    // Another Dockerfile keeps the global settings.
    expect(plain.profile).toBeUndefined()
    expect(plain.target.source).toBe('none')
  })
})

describe('deployment finding locations', () => {
  const manifest = [
    'apiVersion: v1', // 1
    'kind: Pod', // 2
    'metadata:', // 3
    '  name: p', // 4
    'spec:', // 5
    '  hostPID: true', // 6
    '  containers:', // 7
    '    - name: c', // 8
    '      image: x:1', // 9
    '      securityContext:', // 10
    '        runAsNonRoot: true', // 11
    '        privileged: true' // 12
  ].join('\n')
  const [deployment] = readKubernetesManifest(manifest, 'k8s/p.yaml').deployments

  it('point at the key that sets the value, or at the container for a missing key', () => {
    const findings = evaluateRules(
      deploymentRules,
      ruleContext(undefined, { deployment, profile: deployment.profile })
    )
    const at = Object.fromEntries(findings.map(f => [f.ruleId, `${f.file}:${f.line}`]))
    expect(at).toMatchObject({
      LP220: 'k8s/p.yaml:12', // privileged: true
      LP520: 'k8s/p.yaml:6', // hostPID: true
      LP420: 'k8s/p.yaml:8' // no allowPrivilegeEscalation: the container entry
    })
  })

  it('stay on the Dockerfile for run-options', () => {
    const findings = evaluateRules(deploymentRules, ruleContext('--privileged'))
    expect(findings.find(f => f.ruleId === 'LP220')).toMatchObject({ file: 'Dockerfile', line: 1 })
  })

  it('report the kubelet refusal at runAsNonRoot, judged by the image user', () => {
    const refusal = (extra: Parameters<typeof ruleContext>[1]) =>
      evaluateRules(
        deploymentRules,
        ruleContext(undefined, { deployment, profile: deployment.profile, ...extra })
      ).filter(f => f.ruleId === 'LP121')
    expect(refusal({ user: ROOT_USER })).toEqual([
      expect.objectContaining({
        file: 'k8s/p.yaml',
        line: 11,
        level: 'error',
        message:
          'The kubelet will refuse to start k8s/p.yaml Pod/p container c: container has runAsNonRoot and image will run as root.'
      })
    ])
    expect(refusal({ user: NON_ROOT_USER })).toEqual([])
    // The built image's Config.User wins over the Dockerfile's guess.
    const image = {
      ref: 'x',
      id: 'sha256:1',
      user: 'app',
      entrypoint: [],
      cmd: [],
      exposedPorts: [],
      architecture: 'amd64',
      os: 'linux'
    }
    expect(refusal({ user: NON_ROOT_USER, image })[0].message).toContain('image has non-numeric user (app)')
  })
})
