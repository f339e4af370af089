// The hand-over formats: docker flags that split back into the same words, compose keys the project's
// YAML reader reads as the same settings, and a securityContext with the fields Kubernetes expects.
import { describe, expect, it } from '@jest/globals'
import { parseYamlDocuments } from '../../src/deployment/yaml'
import { parseRunOptions } from '../../src/profile/parse'
import { splitRunOptions } from '../../src/profile/split'
import { candidateArgs, carriedArgs, joinArgs, type Candidate } from '../../src/suggest/candidate'
import { writablePaths } from '../../src/suggest/changes'
import { quotedOutput } from '../../src/suggest/evidence'
import { composeSnippet, kubernetesSnippet } from '../../src/suggest/snippets'
import { compareRuns } from '../../src/suggest/suggest'
import { healthcheckCommand } from '../../src/suggest/trial'

const nonRoot: Candidate = {
  caps: ['NET_BIND_SERVICE', 'CHOWN'],
  writable: ['/var/cache/app', '/tmp'],
  readOnly: true,
  user: '65534:65534',
  hostNamespaces: [],
  imageUserRoot: true
}
const root: Candidate = {
  ...nonRoot,
  user: undefined,
  caps: ['NET_RAW'],
  writable: [],
  hostNamespaces: ['pid']
}

function yaml(text: string): Record<string, unknown> {
  return parseYamlDocuments(text, 'snippet.yaml')[0].value as Record<string, unknown>
}

describe('docker flags', () => {
  it('are the tight flags in a fixed order, and parse as the profile they describe', () => {
    const text = joinArgs(candidateArgs(nonRoot))
    expect(text).toBe(
      '--cap-drop ALL --cap-add CHOWN --cap-add NET_BIND_SERVICE --security-opt no-new-privileges --read-only --tmpfs /tmp:uid=65534,gid=65534 --tmpfs /var/cache/app:uid=65534,gid=65534 --user 65534:65534'
    )
    const p = parseRunOptions(text)
    expect(p.capDrop).toEqual(['ALL'])
    expect(p.capAdd).toEqual(['CHOWN', 'NET_BIND_SERVICE'])
    expect(p.securityOpt.noNewPrivileges).toBe(true)
    expect(p.readOnly).toBe(true)
    expect(p.user).toBe('65534:65534')
    expect(p.mounts.map(m => m.target)).toEqual(['/tmp', '/var/cache/app'])
  })

  it('keep declared mounts, a non-host network and --init, quoted so they split back the same', () => {
    const declared = parseRunOptions("--network mynet --init -v 'my data:/data' --tmpfs /run --pid host")
    const args = candidateArgs(root, carriedArgs(declared))
    expect(splitRunOptions(joinArgs(args))).toEqual(args)
    expect(args.slice(-7)).toEqual([
      '--volume',
      'my data:/data',
      '--tmpfs',
      '/run',
      '--network',
      'mynet',
      '--init'
    ])
    expect(joinArgs(args)).toContain('--pid host')
  })
})

describe('compose snippet', () => {
  it('reads back as the same settings', () => {
    expect(yaml(composeSnippet(nonRoot))).toEqual({
      cap_drop: ['ALL'],
      cap_add: ['CHOWN', 'NET_BIND_SERVICE'],
      security_opt: ['no-new-privileges:true'],
      read_only: true,
      tmpfs: ['/tmp:uid=65534,gid=65534', '/var/cache/app:uid=65534,gid=65534'],
      user: '65534:65534'
    })
    expect(yaml(composeSnippet(root))).toEqual({
      cap_drop: ['ALL'],
      cap_add: ['NET_RAW'],
      security_opt: ['no-new-privileges:true'],
      read_only: true,
      pid: 'host'
    })
  })
})

describe('kubernetes securityContext', () => {
  it('drops ALL, adds back, no escalation, read-only root, non-root uid, RuntimeDefault seccomp', () => {
    expect(yaml(kubernetesSnippet(nonRoot))).toEqual({
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        capabilities: { drop: ['ALL'], add: ['CHOWN', 'NET_BIND_SERVICE'] },
        seccompProfile: { type: 'RuntimeDefault' },
        appArmorProfile: { type: 'RuntimeDefault' }
      }
    })
    expect(kubernetesSnippet(nonRoot)).toContain(
      '# writable paths: mount an emptyDir volume at /tmp, /var/cache/app'
    )
  })

  it('says root as runAsUser 0 when the image user must stay root', () => {
    const ctx = yaml(kubernetesSnippet(root)).securityContext as Record<string, unknown>
    expect(ctx.runAsNonRoot).toBe(false)
    expect(ctx.runAsUser).toBe(0)
    expect(kubernetesSnippet(root)).toContain('# pod spec: hostPID: true')
  })
})

describe('filesystem changes -> tmpfs folders', () => {
  it('mounts the folder a file was written in, a new folder itself, never /, never a declared mount', () => {
    const w = writablePaths(
      [
        { Path: '/var', Kind: 0 },
        { Path: '/var/cache', Kind: 0 },
        { Path: '/var/cache/app', Kind: 0 },
        { Path: '/var/cache/app/state', Kind: 1 },
        { Path: '/run', Kind: 0 },
        { Path: '/run/app', Kind: 1 },
        { Path: '/run/app/pid', Kind: 1 },
        { Path: '/root.txt', Kind: 1 },
        { Path: '/data/x', Kind: 1 },
        { Path: '/proc/1', Kind: 0 }
      ],
      ['/data']
    )
    expect(w.paths).toEqual(['/run/app', '/var/cache/app'])
    expect(w.atRoot).toEqual(['/root.txt'])
    expect(w.evidence['/var/cache/app']).toBe('under the declared profile it wrote /var/cache/app/state')
  })
})

describe('evidence and comparison', () => {
  it('quotes the last line of output without control characters or backticks, clipped', () => {
    expect(quotedOutput('start\nchown: /data: Operation not permitted\n')).toBe(
      'chown: /data: Operation not permitted'
    )
    expect(quotedOutput('a\u001b[31m`x`\u0007')).toBe("a[31m'x'")
    expect(quotedOutput('y'.repeat(500))).toHaveLength(160)
  })

  it('compares a run with the declared one: exit code, running, ports, healthcheck', () => {
    const running = { running: true, said: '', ports: ['tcp/8080'] }
    expect(compareRuns(running, { running: true, said: '', ports: ['tcp/8080', 'udp/53'] })).toEqual({
      pass: true
    })
    expect(compareRuns(running, { running: true, said: '', ports: [] })).toEqual({
      pass: false,
      failure: 'it no longer listens on tcp/8080'
    })
    expect(
      compareRuns(running, { running: false, exitCode: 1, said: 'chown: /data: Operation not permitted' })
    ).toEqual({
      pass: false,
      failure: 'the entrypoint exits 1 with `chown: /data: Operation not permitted`'
    })
    const exited = { running: false, exitCode: 0, said: '' }
    expect(compareRuns(exited, { running: false, exitCode: 0, said: '' })).toEqual({ pass: true })
    const healthy = { running: true, said: '', healthcheck: { passed: true, said: '' } }
    expect(
      compareRuns(healthy, {
        running: true,
        said: '',
        healthcheck: { passed: false, said: 'denied', exitCode: 1 }
      })
    ).toEqual({ pass: false, failure: 'its HEALTHCHECK exits 1 with `denied`' })
  })

  it('runs a HEALTHCHECK as Docker does', () => {
    expect(healthcheckCommand(['CMD', 'ping', '-c', '1', 'x'])).toEqual(['ping', '-c', '1', 'x'])
    expect(healthcheckCommand(['CMD-SHELL', 'wget -q localhost'])).toEqual([
      '/bin/sh',
      '-c',
      'wget -q localhost'
    ])
    expect(healthcheckCommand(['NONE'])).toBeUndefined()
    expect(healthcheckCommand(undefined)).toBeUndefined()
  })
})
