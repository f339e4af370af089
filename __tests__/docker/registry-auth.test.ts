// The Docker config as docker login and docker/login-action write it, read without a daemon: where the
// file is, which registry a reference pulls from, and that no secret ever reaches a message.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pullFailure, pullParams } from '../../src/docker/pull'
import {
  buildRegistryConfig,
  credentialFor,
  dockerConfigFile,
  readDockerConfig,
  registryOf
} from '../../src/docker/registry-auth'

const dirs: string[] = []
afterAll(() => dirs.forEach(d => rmSync(d, { recursive: true, force: true })))

function configDir(text?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lp-docker-config-unit-'))
  dirs.push(dir)
  if (text !== undefined) writeFileSync(join(dir, 'config.json'), text)
  return dir
}

const b64 = (s: string): string => Buffer.from(s).toString('base64')

describe('the Docker config file', () => {
  it('is $DOCKER_CONFIG/config.json, else ~/.docker/config.json', () => {
    expect(dockerConfigFile({ DOCKER_CONFIG: '/cfg', HOME: '/home/u' })).toBe('/cfg/config.json')
    expect(dockerConfigFile({ HOME: '/home/u' })).toBe('/home/u/.docker/config.json')
  })

  it('reads auths.<registry>.auth (base64 user:password, a colon allowed in the password)', () => {
    const dir = configDir(
      JSON.stringify({
        auths: {
          'ghcr.io': { auth: b64('octo:pa:ss') },
          'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
          'registry.example:5000': { identitytoken: 'tok-123' }
        }
      })
    )
    const config = readDockerConfig({ DOCKER_CONFIG: dir })
    expect(config.problem).toBeUndefined()
    expect(credentialFor(config, 'ghcr.io')).toEqual({
      username: 'octo',
      password: 'pa:ss',
      serveraddress: 'ghcr.io'
    })
    expect(credentialFor(config, registryOf('library/alpine'))?.username).toBe('hubuser')
    expect(credentialFor(config, 'registry.example:5000')?.identitytoken).toBe('tok-123')
    expect(Object.keys(buildRegistryConfig(config)).sort()).toEqual([
      'ghcr.io',
      'https://index.docker.io/v1/',
      'registry.example:5000'
    ])
  })

  it('treats the empty entries a credential helper leaves as no credentials, and names the helper', () => {
    const dir = configDir(JSON.stringify({ credsStore: 'desktop', auths: { 'ghcr.io': {} } }))
    const config = readDockerConfig({ DOCKER_CONFIG: dir })
    expect(credentialFor(config, 'ghcr.io')).toBeUndefined()
    const error = pullFailure('ghcr.io/o/app:1', 'unauthorized: authentication required', config)
    expect(error.message).toContain('docker-credential-desktop, which least-privilege does not run')
  })

  it('is no credentials when missing, and says so without repeating its text when it is not JSON', () => {
    expect(readDockerConfig({ DOCKER_CONFIG: configDir() }).auths.size).toBe(0)
    const dir = configDir('{"auths": {"ghcr.io": {"auth": "c2VjcmV0LXZhbHVl"}')
    const config = readDockerConfig({ DOCKER_CONFIG: dir })
    expect(config.problem).toBe(`${join(dir, 'config.json')} is not valid JSON`)
    const error = pullFailure('ghcr.io/o/app:1', 'no basic auth credentials', config)
    expect(error.message).toContain('is not valid JSON')
    expect(error.message).not.toContain('c2VjcmV0LXZhbHVl')
  })

  it('scrubs a password and its base64 form out of a daemon message', () => {
    const dir = configDir(JSON.stringify({ auths: { 'ghcr.io': { auth: b64('octo:hunter2-secret') } } }))
    const config = readDockerConfig({ DOCKER_CONFIG: dir })
    const said = `denied: bad login octo hunter2-secret ${b64('octo:hunter2-secret')}`
    const message = pullFailure('ghcr.io/o/app:1', said, config).message
    expect(message).toContain('ghcr.io refused the credentials of octo')
    expect(message).not.toContain('hunter2')
    expect(message).not.toContain(b64('octo:hunter2-secret'))
  })
})

describe('image references', () => {
  it('pull from the host in their first component, else Docker Hub', () => {
    expect(registryOf('alpine')).toBe('docker.io')
    expect(registryOf('library/alpine:3')).toBe('docker.io')
    expect(registryOf('ghcr.io/o/app:1')).toBe('ghcr.io')
    expect(registryOf('127.0.0.1:5000/private/app')).toBe('127.0.0.1:5000')
    expect(registryOf('localhost/app')).toBe('localhost')
    expect(registryOf('index.docker.io/library/alpine')).toBe('docker.io')
  })

  it('always pull one tag: a reference without one asks for latest, never every tag', () => {
    expect(pullParams('alpine')).toEqual({ fromImage: 'alpine', tag: 'latest' })
    expect(pullParams('127.0.0.1:5000/app')).toEqual({ fromImage: '127.0.0.1:5000/app', tag: 'latest' })
    expect(pullParams('127.0.0.1:5000/app:v1')).toEqual({ fromImage: '127.0.0.1:5000/app', tag: 'v1' })
    expect(pullParams('ghcr.io/o/app@sha256:abc')).toEqual({ fromImage: 'ghcr.io/o/app@sha256:abc' })
  })
})
