// Acceptance (issue 12, deliverable 3): `scan --suggest` on images the implementers may not have thought of:
// Docker's own port rule, root needed without capabilities, several and quoted write paths, writes the
// read-only root cannot take, late writes, over-granted declared profiles. Minimal profiles checked by hand
// with the docker CLI on Docker 20.10 (see suggest-support.ts for how each is judged).
import { afterAll, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { requireDocker } from '../../support/docker-available'
import { Case, cli, isRootUser, parseReport, readFlags, works } from './support'
import { HTTPD_8080, type Known, NOTHING, cases, expectShape, fullCase, scanSuggest } from './suggest-support'

const enabled = requireDocker('acceptance: scan --suggest (adversarial images) on the real daemon')
const describeDocker = enabled ? describe : describe.skip
const T = 420_000

afterAll(async () => {
  for (const c of cases.splice(0)) await c.cleanup()
}, 120_000)

describeDocker('acceptance: scan --suggest, images off the beaten path (real daemon, bundled CLI)', () => {
  it(
    'httpd -p 80 as root: Docker lets any user bind port 80 in its netns, so no NET_BIND_SERVICE, non-root',
    async () => {
      const s = await fullCase('httpd80', {
        ...HTTPD_8080,
        body: HTTPD_8080.body.replace(/8080/g, '80'),
        expect: { ports: [80] }
      })
      expect(JSON.stringify(s.sugg.verified.ports)).toContain('80')
    },
    T
  )

  it(
    'needs root but no capability (checks id -u): root kept with evidence, cap-drop ALL and nothing added',
    async () => {
      const s = await fullCase('rootonly', {
        body: `ENTRYPOINT ["/bin/sh", "-c", "[ \\"$(id -u)\\" = 0 ] || { echo must run as root; exit 1; }; exec sleep 3600"]`,
        caps: [],
        tmpfs: [],
        user: 'root'
      })
      const need = s.sugg.needs.find(n => /user/i.test(n.kind))
      expect(need).toBeDefined()
      expect(need!.evidence).toMatch(/root|exit/i)
    },
    T
  )

  it(
    'writes /tmp and /run/app (two paths): one tmpfs each, nothing broader',
    async () => {
      await fullCase('twopaths', {
        body: `RUN mkdir -p /run/app
ENTRYPOINT ["/bin/sh", "-c", "while echo a > /tmp/a && echo b > /run/app/pid; do sleep 1; done; exit 1"]`,
        caps: [],
        tmpfs: ['/tmp', '/run/app'],
        user: 'nonroot'
      })
    },
    T
  )

  it(
    'writes a path with a space ("/srv/my cache"): the tmpfs flag is quoted so the docker string splits right',
    async () => {
      await fullCase('space', {
        body: `RUN mkdir -p "/srv/my cache"
ENTRYPOINT ["/bin/sh", "-c", "while echo x > '/srv/my cache/x'; do sleep 1; done; exit 1"]`,
        caps: [],
        tmpfs: ['/srv/my cache'],
        user: 'nonroot'
      })
    },
    T
  )

  it(
    'writes a file directly in / (a pid file): no --tmpfs /, and the docker CLI keeps it alive',
    async () => {
      const k: Known = {
        body: `ENTRYPOINT ["/bin/sh", "-c", "while echo $$ > /app.pid; do sleep 1; done; exit 1"]`,
        caps: [],
        tmpfs: [],
        user: 'nonroot',
        readOnly: false
      }
      const s = await scanSuggest('rootfile', k)
      expectShape(s)
      const f = readFlags(s.tokens)
      expect(f.tmpfs).not.toContain('/')
      expect(f.capAdd).toEqual([])
      expect(s.sugg.status).toBe('verified')
      // a non-root user cannot write / (root-owned 0755) and read-only forbids it: the minimal profile is root
      // with a writable root filesystem, or whatever else the tool found that the docker CLI confirms
      expect(await works(s.c, s.tokens, s.image)).toBeNull()
    },
    T
  )

  it(
    'writes a log beside the config it reads in /etc/app: a tmpfs there would hide the config; still alive',
    async () => {
      const k: Known = {
        body: `RUN mkdir -p /etc/app && echo enabled > /etc/app/config && chmod 0777 /etc/app
ENTRYPOINT ["/bin/sh", "-c", "while grep -q enabled /etc/app/config && echo tick >> /etc/app/log; do sleep 1; done; echo config gone; exit 1"]`,
        caps: [],
        tmpfs: [],
        user: 'keep',
        readOnly: false
      }
      const s = await scanSuggest('etcapp', k)
      expectShape(s)
      expect(s.sugg.status).toBe('verified')
      expect(readFlags(s.tokens).capAdd).toEqual([])
      expect(await works(s.c, s.tokens, s.image)).toBeNull()
    },
    T
  )

  it(
    'writes only after a second with no new exec (read -t 1 on a FIFO): the tmpfs is still found',
    async () => {
      await fullCase('late', {
        body: `RUN mkdir -p /var/cache/late && mkfifo /wait && chmod 0666 /wait
ENTRYPOINT ["/bin/sh", "-c", "read -t 1 x <> /wait; while echo late > /var/cache/late/x; do read -t 1 x <> /wait; done; echo write failed; exit 1"]`,
        caps: [],
        tmpfs: ['/var/cache/late'],
        user: 'nonroot'
      })
    },
    T
  )

  it(
    // (--privileged itself cannot start on this host: runc "unable to apply caps"; the same over-grant in parts)
    'declared SYS_ADMIN, NET_ADMIN and seccomp=unconfined on a sleep: all dropped, nothing added',
    async () => {
      const s = await fullCase('overgrant', {
        ...NOTHING,
        runOptions: '--cap-add SYS_ADMIN --cap-add NET_ADMIN --security-opt seccomp=unconfined'
      })
      expect(s.sugg.docker).not.toMatch(/SYS_ADMIN|NET_ADMIN|unconfined/)
    },
    T
  )

  it(
    'declared "--user 1000 --cap-add NET_ADMIN" on a sleep: keeps the declared non-root user, drops NET_ADMIN',
    async () => {
      const s = await fullCase('declareduser', { ...NOTHING, runOptions: '--user 1000 --cap-add NET_ADMIN' })
      const f = readFlags(s.tokens)
      expect(f.user?.split(':')[0]).toBe('1000')
      expect(isRootUser(f.user)).toBe(false)
    },
    T
  )

  it(
    'alive either way, but listens on 8080 only when ping works: NET_RAW found through the port check',
    async () => {
      await fullCase('portgate', {
        body: `RUN mkdir -p /www && echo hi > /www/index.html
ENTRYPOINT ["/bin/sh", "-c", "if ping -c 1 -W 1 127.0.0.1 >/dev/null; then exec httpd -f -p 8080 -h /www; fi; exec sleep 3600"]`,
        caps: ['NET_RAW'],
        tmpfs: [],
        user: 'root',
        expect: { ports: [8080] }
      })
    },
    T
  )

  it(
    'HEALTHCHECK in shell form with the default 30 s interval: still checked, needs exactly DAC_OVERRIDE',
    async () => {
      const s = await fullCase('health30', {
        body: `RUN echo s3cret > /secret && chown 4242:4242 /secret && chmod 0400 /secret
HEALTHCHECK CMD cat /secret || exit 1
ENTRYPOINT ["/bin/sleep", "3600"]`,
        caps: ['DAC_OVERRIDE'],
        tmpfs: [],
        user: 'root',
        expect: { execOk: ['/bin/sh', '-c', 'cat /secret || exit 1'] }
      })
      expect(JSON.stringify(s.sugg.verified.healthcheck)).not.toMatch(/^"none"$/)
    },
    T
  )

  it(
    'a supervisor that watches its dropped child with kill -0: needs SETUID, SETGID and KILL',
    async () => {
      await fullCase('kill', {
        body: `ENTRYPOINT ["/bin/sh", "-c", "su app -s /bin/sh -c 'exec sleep 3600' & c=$!; sleep 0.3; while kill -0 $c; do sleep 1; done; echo child gone; exit 1"]`,
        caps: ['KILL', 'SETGID', 'SETUID'],
        tmpfs: [],
        user: 'root'
      })
    },
    T
  )

  it(
    'declared --cap-add DAC_READ_SEARCH, reads a 0400 file of another uid: exactly one of the two DAC caps stays',
    async () => {
      const s = await scanSuggest('ordac', {
        body: `RUN echo s3cret > /secret && chown 4242:4242 /secret && chmod 0400 /secret
ENTRYPOINT ["/bin/sh", "-c", "while cat /secret >/dev/null; do sleep 1; done; exit 1"]`,
        caps: [],
        tmpfs: [],
        user: 'root',
        runOptions: '--cap-add DAC_READ_SEARCH'
      })
      expectShape(s)
      const f = readFlags(s.tokens)
      expect(f.capAdd).toHaveLength(1) // either suffices; dropping each alone "works", dropping both does not
      expect(['DAC_OVERRIDE', 'DAC_READ_SEARCH']).toContain(f.capAdd[0])
      expect(await works(s.c, s.tokens, s.image)).toBeNull()
    },
    T
  )

  it(
    'needs the host pid namespace (counts /proc): the suggestion keeps --pid host, with a need',
    async () => {
      const s = await scanSuggest('needpid', {
        body: `ENTRYPOINT ["/bin/sh", "-c", "while [ $(ls -d /proc/[0-9]* | wc -l) -gt 30 ]; do sleep 1; done; echo not the host pid namespace; exit 1"]`,
        caps: [],
        tmpfs: [],
        user: 'any',
        runOptions: '--pid host'
      })
      expectShape(s)
      expect(readFlags(s.tokens).namespaces.pid).toBe('host')
      expect(s.sugg.needs.some(n => /pid/i.test(`${n.kind} ${n.value}`))).toBe(true)
      expect(await works(s.c, s.tokens, s.image)).toBeNull()
    },
    T
  )

  // Was a bug (fixed: declared resource limits are carried over): the suggestion kept --network none but
  // dropped the declared --pids-limit 64 and --memory 64m, so pasting it loosened the deployment.
  it(
    'declared --network none --pids-limit 64 --memory 64m on a sleep: the suggestion keeps them (tightened, never loosened)',
    async () => {
      const s = await fullCase('keeplimits', {
        ...NOTHING,
        runOptions: '--network none --pids-limit 64 --memory 64m'
      })
      const f = readFlags(s.tokens)
      expect(f.namespaces.network ?? f.namespaces.net).toBe('none')
      expect(s.sugg.docker).toMatch(/--pids-limit[ =]64\b/)
      expect(s.sugg.docker).toMatch(/--memory[ =]64m\b/)
    },
    T
  )

  it(
    '--suggest without a daemon measurement (--no-build): exit 0/1, no suggestion, no crash',
    async () => {
      const c = new Case('nobuild')
      cases.push(c)
      const file = c.dockerfile(NOTHING.body)
      const res = await cli([
        'scan',
        '--suggest',
        '--no-build',
        '--format',
        'json',
        '--repo-root',
        c.dir,
        file
      ])
      expect([0, 1]).toContain(res.code)
      const r = parseReport(res).results[0]
      expect(r.suggestion ?? null).toBeNull()
      expect(res.stderr).not.toMatch(/\n\s+at /)
      expect(path.basename(r.file)).toBe('Dockerfile')
    },
    T
  )
})
