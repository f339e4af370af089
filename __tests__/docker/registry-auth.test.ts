// The Docker config as docker login and docker/login-action write it, read without a daemon: where the
// file is, which registry a reference pulls from, and that no secret ever reaches a message.
import { afterAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { helperCredential, lookupCredential } from '../../src/docker/credential-helper'
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
    const lookup = {
      helper: 'desktop',
      helperProblem: 'docker-credential-desktop is not installed (not on PATH)'
    }
    const error = pullFailure('ghcr.io/o/app:1', 'unauthorized: authentication required', config, lookup)
    expect(error.message).toContain(
      'leaves them to docker-credential-desktop, and docker-credential-desktop is not installed (not on PATH)'
    )
  })

  it('is no credentials when missing, and says so without repeating its text when it is not JSON', () => {
    expect(readDockerConfig({ DOCKER_CONFIG: configDir() }).auths.size).toBe(0)
    const dir = configDir('{"auths": {"ghcr.io": {"auth": "c2VjcmV0LXZhbHVl"}')
    const config = readDockerConfig({ DOCKER_CONFIG: dir })
    expect(config.problem).toBe(`${join(dir, 'config.json')} is not valid JSON`)
    const error = pullFailure('ghcr.io/o/app:1', 'no basic auth credentials', config, {})
    expect(error.message).toContain('is not valid JSON')
    expect(error.message).not.toContain('c2VjcmV0LXZhbHVl')
  })

  it('scrubs a password and its base64 form out of a daemon message', () => {
    const dir = configDir(JSON.stringify({ auths: { 'ghcr.io': { auth: b64('octo:hunter2-secret') } } }))
    const config = readDockerConfig({ DOCKER_CONFIG: dir })
    const said = `denied: bad login octo hunter2-secret ${b64('octo:hunter2-secret')}`
    const lookup = { credential: credentialFor(config, 'ghcr.io') }
    const message = pullFailure('ghcr.io/o/app:1', said, config, lookup).message
    expect(message).toContain('ghcr.io refused the credentials of octo')
    expect(message).not.toContain('hunter2')
    expect(message).not.toContain(b64('octo:hunter2-secret'))
  })
})

/** A fake `docker-credential-<name>` on a PATH of its own: prints `answer` for `server`, else exits 1. */
function fakeHelper(name: string, server: string, answer: string): Record<string, string> {
  const dir = configDir()
  const script = join(dir, `docker-credential-${name}`)
  writeFileSync(
    script,
    `#!/bin/sh\nread -r server\nif [ "$1" = get ] && [ "$server" = '${server}' ]; then printf '%s' '${answer}'; exit 0; fi\n` +
      'echo "credentials not found in native keychain"; exit 1\n'
  )
  chmodSync(script, 0o755)
  return { PATH: `${dir}:/usr/bin:/bin` }
}

describe('credential helpers', () => {
  it('are asked for the registry on stdin, credHelpers before credsStore before auths', async () => {
    const env = fakeHelper(
      'lpunit',
      'ghcr.io',
      '{"ServerURL":"ghcr.io","Username":"octo","Secret":"from-helper"}'
    )
    const dir = configDir(
      JSON.stringify({
        credHelpers: { 'ghcr.io': 'lpunit' },
        credsStore: 'absent',
        auths: { 'ghcr.io': { auth: b64('octo:from-file') } }
      })
    )
    const config = readDockerConfig({ DOCKER_CONFIG: dir })
    expect(await lookupCredential(config, 'ghcr.io', env)).toEqual({
      credential: { username: 'octo', password: 'from-helper', serveraddress: 'ghcr.io' },
      helper: 'lpunit'
    })
    // quay.io has no credHelpers entry, credsStore's helper is missing and the file has none for it.
    const other = await lookupCredential(config, 'quay.io', env)
    expect(other).toEqual({
      helper: 'absent',
      helperProblem: 'docker-credential-absent is not installed (not on PATH)'
    })
  })

  it('give Docker Hub under its historical URL, and a <token> user as an identity token', async () => {
    const env = fakeHelper('lphub', 'https://index.docker.io/v1/', '{"Username":"<token>","Secret":"tok-1"}')
    expect(await helperCredential('lphub', 'docker.io', env)).toEqual({
      credential: { identitytoken: 'tok-1', serveraddress: 'https://index.docker.io/v1/' }
    })
  })

  it('that fail or print something else are a reason without their output, and never a hang', async () => {
    const env = fakeHelper('lpbad', 'ghcr.io', 'not json secret-value')
    expect(await helperCredential('lpbad', 'ghcr.io', env)).toEqual({
      problem: 'docker-credential-lpbad did not print JSON'
    })
    expect(await helperCredential('lpbad', 'quay.io', env)).toEqual({
      problem: 'docker-credential-lpbad has no credentials for quay.io'
    })
    expect((await helperCredential('../evil', 'ghcr.io', env)).problem).toContain('is not valid')
    const slow = configDir()
    writeFileSync(join(slow, 'docker-credential-lpslow'), '#!/bin/sh\nexec sleep 30\n')
    chmodSync(join(slow, 'docker-credential-lpslow'), 0o755)
    const started = Date.now()
    expect(await helperCredential('lpslow', 'ghcr.io', { PATH: `${slow}:/usr/bin:/bin` }, 500)).toEqual({
      problem: 'docker-credential-lpslow did not answer within 0.5 s'
    })
    expect(Date.now() - started).toBeLessThan(10_000)
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
