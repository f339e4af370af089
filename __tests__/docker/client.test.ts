// The client: DOCKER_HOST/TLS handling, API version negotiation, the daemon's facts, and one fast clear
// line when no daemon answers.
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  connectDocker,
  dockerOptionsFromEnv,
  negotiateApiVersion,
  apiVersionOf
} from '../../src/docker/client'
import { daemonFactsFrom, probeArch } from '../../src/docker/daemon-facts'
import { OperationalError } from '../../src/errors'
import { silentLogger } from '../../src/logger'
import { dockerOrSkip } from './helpers'

describe('connection settings from the environment', () => {
  it('uses a unix socket from DOCKER_HOST, and tcp with TLS files when DOCKER_TLS_VERIFY is set', () => {
    expect(dockerOptionsFromEnv({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toMatchObject({
      socketPath: '/run/user/1000/docker.sock',
      host: undefined
    })
    const certs = mkdtempSync(join(tmpdir(), 'lp-certs-'))
    try {
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, f), `fake ${f}`)
      const tls = dockerOptionsFromEnv({
        DOCKER_HOST: 'tcp://docker.example:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: certs
      })
      expect(tls).toMatchObject({
        protocol: 'https',
        host: 'docker.example',
        port: '2376',
        socketPath: undefined
      })
      expect(String((tls as { ca: Buffer }).ca)).toBe('fake ca.pem')
      expect(String((tls as { key: Buffer }).key)).toBe('fake key.pem')
    } finally {
      rmSync(certs, { recursive: true })
    }
    expect(dockerOptionsFromEnv({ DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toMatchObject({
      protocol: 'http',
      port: '2375'
    })
    expect(dockerOptionsFromEnv({ DOCKER_HOST: 'ssh://me@build-host' })).toMatchObject({
      protocol: 'ssh',
      username: 'me',
      host: 'build-host'
    })
  })

  it('negotiates the lower of the daemon and client API versions', () => {
    expect(negotiateApiVersion('1.41', '1.47')).toBe('1.41')
    expect(negotiateApiVersion('1.51', '1.47')).toBe('1.47')
    expect(negotiateApiVersion('', '1.47')).toBe('1.47')
  })

  it('parses SecurityOptions into seccomp profile, userns and rootless flags', () => {
    const facts = daemonFactsFrom(
      {
        SecurityOptions: ['name=seccomp,profile=default', 'name=rootless', 'name=cgroupns'],
        CgroupVersion: '2',
        Architecture: 'aarch64'
      },
      { ApiVersion: '1.43', Version: '24.0.7' },
      false
    )
    expect(facts).toMatchObject({
      seccompProfile: 'default',
      rootless: true,
      userns: false,
      apparmor: false,
      cgroupVersion: '2',
      serverVersion: '24.0.7'
    })
    expect(probeArch(facts.architecture)).toBe('arm64')
    expect(probeArch('x86_64')).toBe('amd64')
    expect(probeArch('s390x')).toBeUndefined()
  })
})

describe('an unreachable daemon', () => {
  it('fails fast with one line naming the dead socket', async () => {
    const dead = join(tmpdir(), `lp-no-daemon-${process.pid}.sock`)
    const started = Date.now()
    const attempt = connectDocker(silentLogger, { env: { DOCKER_HOST: `unix://${dead}` }, timeoutMs: 2000 })
    const error = (await attempt.catch((e: unknown) => e)) as OperationalError
    expect(error).toBeInstanceOf(OperationalError)
    expect(error.kind).toBe('daemon-unreachable')
    expect(error.message).toBe(
      `Docker daemon not reachable at unix://${dead}: connect ENOENT; start one (scripts/start-docker.sh) or run with --no-build`
    )
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('fails fast on a closed TCP port too', async () => {
    const error = (await connectDocker(silentLogger, {
      env: { DOCKER_HOST: 'tcp://127.0.0.1:1' },
      timeoutMs: 2000
    }).catch((e: unknown) => e)) as OperationalError
    expect(error.kind).toBe('daemon-unreachable')
    expect(error.message).toMatch(
      /^Docker daemon not reachable at tcp:\/\/127\.0\.0\.1:1: connect ECONNREFUSED;/
    )
  })
})

const session = await dockerOrSkip('client tests against the daemon')
;(session ? describe : describe.skip)('the local daemon', () => {
  it('answers with its facts and a pinned API version', () => {
    const { docker, daemon } = session!
    expect(daemon.remote).toBe(false)
    expect(daemon.serverVersion).toMatch(/^\d+\.\d+/)
    expect(daemon.securityOptions.some(o => o.startsWith('name=seccomp'))).toBe(true)
    expect(daemon.seccompProfile).toMatch(/^(default|builtin)$/)
    expect(probeArch(daemon.architecture)).toBeDefined()
    expect(apiVersionOf(docker)).toBe(negotiateApiVersion(daemon.apiVersion))
  })
})
