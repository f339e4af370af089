// Acceptance (issue 12, deliverables 3 and 6): `scan --suggest` on the images the issue names. Each image is
// written here with a known minimal profile (checked by hand with the docker CLI on Docker 20.10); the
// suggestion must be that profile, and the docker CLI running it must confirm it (see suggest-support.ts).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { requireDocker } from '../../support/docker-available'
import { CLI, docker, readFlags } from './support'
import {
  HTTPD_8080,
  type Known,
  NOTHING,
  cases,
  expectShape,
  expectTightened,
  fullCase,
  scanSuggest
} from './suggest-support'

const enabled = requireDocker('acceptance: scan --suggest on the real daemon')
const describeDocker = enabled ? describe : describe.skip

const T = 420_000

afterAll(async () => {
  for (const c of cases.splice(0)) await c.cleanup()
}, 120_000)

// ---------------------------------------------------------------------------------------------------------------
// The images

const CHOWN_DROP: Known = {
  body: `RUN mkdir -p /data
ENTRYPOINT ["/bin/sh", "-c", "chown 1000:1000 /data && exec su app -s /bin/sh -c 'echo ok > /data/ready && exec sleep 3600'"]`,
  caps: ['CHOWN', 'SETGID', 'SETUID'],
  tmpfs: ['/data'],
  user: 'root'
}

const NET_RAW: Known = {
  body: `ENTRYPOINT ["/bin/sh", "-c", "while ping -c 1 -W 1 127.0.0.1 >/dev/null; do sleep 1; done; echo ping failed; exit 1"]`,
  caps: ['NET_RAW'],
  tmpfs: [],
  user: 'root'
}

const VAR_CACHE: Known = {
  body: `RUN mkdir -p /var/cache/app
ENTRYPOINT ["/bin/sh", "-c", "while echo tick > /var/cache/app/state; do sleep 1; done; exit 1"]`,
  caps: [],
  tmpfs: ['/var/cache/app'],
  user: 'any'
}

const HEALTH_DAC: Known = {
  body: `RUN echo s3cret > /secret && chown 4242:4242 /secret && chmod 0400 /secret
HEALTHCHECK --interval=1s --timeout=2s --start-period=1s --retries=1 CMD ["/bin/cat", "/secret"]
ENTRYPOINT ["/bin/sleep", "3600"]`,
  caps: ['DAC_OVERRIDE'],
  tmpfs: [],
  user: 'root',
  expect: { healthy: true }
}

describeDocker('acceptance: scan --suggest (real daemon, bundled CLI)', () => {
  beforeAll(() => {
    expect(existsSync(CLI)).toBe(true)
  })

  it(
    'chown-then-drop entrypoint as root: needs exactly CHOWN, SETUID, SETGID, root and a tmpfs at /data',
    async () => {
      const s = await fullCase('chown', CHOWN_DROP)
      const chown = s.sugg.needs.find(n => n.value.toUpperCase().includes('CHOWN'))
      expect(chown!.evidence).toMatch(/chown|Operation not permitted|exit/i)
    },
    T
  )

  it(
    'ping in a loop: needs exactly NET_RAW (as root; non-root gets no effective caps)',
    async () => {
      await fullCase('netraw', NET_RAW)
    },
    T
  )

  it(
    'writes /var/cache/app: read-only with a tmpfs exactly there, a non-root user, no capabilities',
    async () => {
      await fullCase('varcache', VAR_CACHE)
    },
    T
  )

  it(
    'sleep: needs nothing, so no capability, no tmpfs, a non-root user, no needs listed',
    async () => {
      const s = await fullCase('nothing', NOTHING)
      expect(s.sugg.needs.filter(n => /cap|tmpfs|path|writ/i.test(n.kind))).toEqual([])
    },
    T
  )

  it(
    'exits at once (exit 3): the suggestion exits the same way, or is unverified and says so',
    async () => {
      const k: Known = {
        body: `ENTRYPOINT ["/bin/sh", "-c", "echo bye; exit 3"]`,
        caps: [],
        tmpfs: [],
        user: 'keep'
      }
      const s = await scanSuggest('exits', k)
      expectShape(s)
      expectTightened(s, k)
      if (s.sugg.status === 'verified') {
        // verified means "exits as it did under the declared profile": the docker CLI sees exit 3 and "bye"
        expect(JSON.stringify(s.sugg.verified.outcome)).toMatch(/exit/i)
        const res = await docker([
          'run',
          '--rm',
          '--label',
          `io.least-privilege.acceptance.measurement.ours=${s.c.nonce}`,
          ...s.tokens,
          s.image
        ])
        expect(res.code).toBe(3)
        expect(res.stdout).toContain('bye')
      } else {
        // unverified must say why in words that mention the exit
        expect(JSON.stringify(s.sugg)).toMatch(/exit/i)
      }
      expect(readFlags(s.tokens).capAdd).toEqual([])
    },
    T
  )

  it(
    'HEALTHCHECK reads a 0400 file of uid 4242 as root: needs exactly DAC_OVERRIDE, healthcheck verified',
    async () => {
      const s = await fullCase('health', HEALTH_DAC)
      expect(JSON.stringify(s.sugg.verified.healthcheck)).not.toMatch(/^(null|false|"none")$/)
      const need = s.sugg.needs.find(n => n.value.toUpperCase().includes('DAC_OVERRIDE'))
      expect(need!.evidence).toMatch(/health|Permission denied/i)
    },
    T
  )

  it(
    'httpd -p 8080: nothing needed, still listening on 8080 under the suggestion (verified.ports)',
    async () => {
      const s = await fullCase('httpd8080', HTTPD_8080)
      expect(JSON.stringify(s.sugg.verified.ports)).toContain('8080')
    },
    T
  )

  it(
    '--run-options "--pid host" on a sleep that does not need it: the suggestion drops --pid host',
    async () => {
      const s = await fullCase('pidhost', { ...NOTHING, runOptions: '--pid host' })
      expect(readFlags(s.tokens).namespaces.pid ?? '').not.toBe('host')
      expect(s.sugg.docker).not.toMatch(/--pid[ =]host/)
    },
    T
  )
})
