import { describe, expect, it } from '@jest/globals'
import { UsageError } from '../../src/errors'
import { parseRunOptions } from '../../src/profile/parse'
import { REDACTED, looksLikeToken, looksRandom, redactText, redactValue } from '../../src/profile/redact'

const TOKEN = 'ghs_TESTTOKEN0123456789abcdefABCDEF'

describe('redaction of run-options', () => {
  it.each([
    [`--env GITHUB_TOKEN=${TOKEN}`, ['--env', `GITHUB_TOKEN=${REDACTED}`]],
    [`-e DB_URL=postgres://u:hunter2@db/x`, ['-e', `DB_URL=${REDACTED}`]],
    [`--env=PLAIN=hello`, [`--env=PLAIN=${REDACTED}`]],
    [`-eA=b`, [`-eA=${REDACTED}`]],
    [`-e=A=b`, [`-e=A=${REDACTED}`]],
    [`-ite A=b`, ['-ite', `A=${REDACTED}`]],
    // A name alone takes its value from the environment, which the tool never reads: nothing to hide.
    [`-e HOME`, ['-e', 'HOME']]
  ])('hides every --env value in %j', (flags, args) => {
    expect(parseRunOptions(flags).args).toEqual(args)
  })

  it('hides secret-looking --label values and keeps plain ones', () => {
    const { args } = parseRunOptions(
      `--label team=payments -l api.token=abc --label=x=${TOKEN} --label sig=Zk9vQmFyQmF6MTIzNDU2Nzg5MGFiY2RlZg`
    )
    expect(args).toEqual([
      '--label',
      'team=payments',
      '-l',
      `api.token=${REDACTED}`,
      `--label=x=${REDACTED}`,
      '--label',
      `sig=${REDACTED}`
    ])
  })

  it.each([
    TOKEN,
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    'AKIAIOSFODNN7EXAMPLE',
    'xoxb-123456789012-abcdefghij',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'
  ])('hides the token %s in any flag value', token => {
    const { args } = parseRunOptions(`--hostname ${token} --log-opt tag=x-${token}`)
    expect(args.join(' ')).not.toContain(token)
    expect(args).toEqual(['--hostname', REDACTED, '--log-opt', `tag=x-${REDACTED}`])
  })

  it('hides secret-named pairs and URL passwords, keeps ordinary values', () => {
    expect(redactText('splunk-token=abc')).toBe(`splunk-token=${REDACTED}`)
    expect(redactText('type=volume,volume-opt=o=addr=10.0.0.1,username=me,password=hunter2')).toBe(
      `type=volume,volume-opt=o=addr=10.0.0.1,username=me,password=${REDACTED}`
    )
    expect(redactText('https://me:hunter2@example.com/x')).toBe(`https://me:${REDACTED}@example.com/x`)
    expect(redactText('key=prod')).toBe('key=prod')
    expect(redactText('access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(`access_key=${REDACTED}`)
    expect(redactText('signing.key=9fQ2xL7pR4tZ8mW1vB6nK3')).toBe(`signing.key=${REDACTED}`)
    expect(redactText('--cap-drop ALL --user 1000:1000 --read-only')).toBe(
      '--cap-drop ALL --user 1000:1000 --read-only'
    )
    expect(redactText('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toBe(REDACTED)
    expect(looksRandom('aaaaaaaaaaaaaaaaaaaa')).toBe(false)
  })

  it('redacts mount flag text quoted in findings', () => {
    const [mount] = parseRunOptions(
      '--mount type=volume,source=v,target=/d,volume-opt=o=password=hunter2'
    ).mounts
    expect(mount.flag).not.toContain('hunter2')
    expect(mount.options).not.toContain('hunter2')
  })

  it('redacts error messages too', () => {
    let message = ''
    try {
      parseRunOptions(`--user 1000 ${TOKEN}`)
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError)
      message = (error as Error).message
    }
    expect(message).toMatch(/^run-options: unexpected/)
    expect(message).not.toContain(TOKEN)
  })
})

describe('token-shaped words anywhere in run-options', () => {
  const CORE = 'Zq7Xk2Wp9Rm4Tt8V'
  const GHP = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'

  it('hides a keyless --label that looks random, and keeps a keyless label that names something', () => {
    expect(parseRunOptions(`--cap-drop ALL --label=${CORE}`).args).toEqual([
      '--cap-drop',
      'ALL',
      `--label=${REDACTED}`
    ])
    expect(parseRunOptions(`-l ${CORE}`).args).toEqual(['-l', REDACTED])
    expect(parseRunOptions('--label com.example.is-beta --label=stable').args).toEqual([
      '--label',
      'com.example.is-beta',
      '--label=stable'
    ])
  })

  it.each([
    ['--user', `--user ${GHP}`],
    ['--user with a group', `--user 1000:${CORE}`],
    ['--hostname', `--hostname ${CORE}`],
    ['-w', `-w /srv/${CORE}`],
    ['--name', `--name=${CORE}`],
    ['--entrypoint', `--entrypoint /bin/${GHP}`],
    ['a -v source path', `-v /srv/${GHP}:/data`],
    ['a --mount field', `--mount type=bind,src=/x/${CORE},dst=/d`],
    ['--add-host', `--add-host h-${CORE}:10.0.0.1`],
    ['--log-opt', `--log-opt tag=${CORE}`]
  ])('hides a token in %s', (_what, flags) => {
    const profile = parseRunOptions(flags)
    const shown = JSON.stringify({ args: profile.args, flags: profile.mounts.map(m => m.flag) })
    expect(shown).not.toContain(CORE)
    expect(shown).not.toContain(GHP)
    expect(shown).toContain(REDACTED)
  })

  it('keeps the real --user value for the probe, and redactValue hides it for display', () => {
    const profile = parseRunOptions(`--user ${GHP}`)
    expect(profile.user).toBe(GHP)
    expect(profile.args).toEqual(['--user', REDACTED])
    expect(redactValue(profile.user as string)).toBe(REDACTED)
    expect(redactValue(`1000:${CORE}`)).toBe(`1000:${REDACTED}`)
    expect(redactValue('1000:1000')).toBe('1000:1000')
    expect(redactValue('/etc/docker/seccomp.json')).toBe('/etc/docker/seccomp.json')
  })

  it('redacts an error message that quotes a token-shaped value', () => {
    for (const flags of [`--cap-add ${GHP}`, `--cap-add ${CORE}`, `--user 1000 ${CORE}`, `--pid ${CORE}`]) {
      let message = ''
      try {
        parseRunOptions(flags)
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError)
        message = (error as Error).message
      }
      expect(message).toMatch(/^run-options: /)
      expect(message).not.toContain(CORE)
      expect(message).not.toContain(GHP)
    }
  })

  it('tells generated tokens from words, numbers, digests and ids', () => {
    for (const token of [CORE, 'dGhpcyBpcyBhIHNlY3JldA', 'A1b2C3d4E5f6G7h8I9j0', 'x9Kq2LmP7vR4tN8wZ3bY']) {
      expect(looksLikeToken(token)).toBe(true)
    }
    for (const plain of [
      'MyService2024Production',
      'PostgresDatabase15Primary',
      'deadbeef0123456789abcdef01234567',
      'ABCDEF0123456789ABCDEF',
      'aaaaaaaaaaaaaaaaaaaaaaaa',
      'Zq7Xk2Wp9Rm4Tt8', // 15 characters
      'kubernetesClusterName'
    ]) {
      expect(looksLikeToken(plain)).toBe(false)
    }
    expect(redactText('--cap-drop ALL --name MyService2024Production -w /srv/app')).toBe(
      '--cap-drop ALL --name MyService2024Production -w /srv/app'
    )
  })
})

describe('sysctl names from input', () => {
  it('rejects __proto__ and other names docker does not allow, instead of dropping them', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'kernel.core_pattern']) {
      expect(() => parseRunOptions(`--sysctl ${name}=1`)).toThrow(UsageError)
      expect(() => parseRunOptions(`--sysctl ${name}=1`)).toThrow(`--sysctl "${name}" is not allowed`)
    }
  })

  it('keeps every allowed name as an own key of a prototype-free object', () => {
    const { sysctls } = parseRunOptions('--sysctl net.core.somaxconn=1024 --sysctl kernel.shmmax=1')
    expect(Object.getPrototypeOf(sysctls)).toBeNull()
    expect(Object.entries(sysctls)).toEqual([
      ['net.core.somaxconn', '1024'],
      ['kernel.shmmax', '1']
    ])
  })
})
