// Precision acceptance cases (issue 9, "Done when"): Dockerfiles written independently from the rule pages
// and Docker/shell semantics, in forms the corpus review does not show, run through the bundled CLI as a
// user would (`scan ... --no-build --format json`, no shell). A case marked `it.failing` names the suspected
// bug (expected vs actual); a fix flips it.
import { execFile } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

const CLI = resolve(process.cwd(), 'dist/cli/index.js')

interface Finding {
  rule_id: string
  level: string
  line: number
  message: string
  properties: Record<string, unknown>
}
interface Notification {
  level: string
  kind: string
  message: string
  file: string | null
}
interface Result {
  file: string
  findings: Finding[]
  notifications: Notification[]
}
interface Report {
  results: Result[]
  notifications: Notification[]
}
interface Run {
  code: number
  stdout: string
  stderr: string
  report: Report | null
}

const roots: string[] = []
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

/** Writes the files (path -> text) into a fresh folder and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'lp-precision-'))
  roots.push(root)
  for (const [name, text] of Object.entries(files)) {
    const path = join(root, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
  }
  return root
}

function cli(args: string[], cwd: string): Promise<Run> {
  return new Promise(done => {
    execFile(
      process.execPath,
      [CLI, 'scan', ...args, '--no-build', '--format', 'json'],
      { cwd, timeout: 60000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        let report: Report | null = null
        try {
          report = JSON.parse(stdout) as Report
        } catch {
          report = null
        }
        done({ code, stdout, stderr, report })
      }
    )
  })
}

/** Scans one Dockerfile (plus its build-context files) and returns its findings and exit status. */
async function scan(
  dockerfile: string,
  context: Record<string, string> = {}
): Promise<Run & { findings: Finding[] }> {
  const root = tree({ Dockerfile: dockerfile, ...context })
  const run = await cli([join(root, 'Dockerfile')], root)
  if (!run.report) throw new Error(`no JSON report (exit ${run.code}): ${run.stderr}`)
  return { ...run, findings: run.report.results.flatMap(r => r.findings) }
}

const df = (...lines: string[]): string => lines.join('\n') + '\n'
const rule = (findings: Finding[], id: string): Finding[] => findings.filter(f => f.rule_id === id)
const only = (findings: Finding[], id: string): Finding => {
  const hits = rule(findings, id)
  expect(hits.map(f => `${f.rule_id}:${f.level}@${f.line}`)).toHaveLength(1)
  return hits[0]
}

describe('privilege drops in ENTRYPOINT/CMD', () => {
  const drops: [string, string, string][] = [
    ['gosu, exec form', 'ENTRYPOINT ["gosu", "svc", "/srv/bin/server"]', 'gosu'],
    ['su-exec, shell form with user:group', 'CMD su-exec svc:svc /srv/bin/server --port 8080', 'su-exec'],
    [
      'setpriv --reuid',
      'ENTRYPOINT ["setpriv", "--reuid=svc", "--regid=svc", "--init-groups", "/srv/bin/server"]',
      'setpriv'
    ],
    ['runuser -u, shell form', 'CMD runuser -u svc -- /srv/bin/server', 'runuser'],
    ['chroot --userspec', 'ENTRYPOINT ["chroot", "--userspec=svc:svc", "/", "/srv/bin/server"]', 'chroot'],
    ['s6-setuidgid', 'CMD ["s6-setuidgid", "svc", "/srv/bin/server"]', 's6-setuidgid'],
    ['su USER -c, exec form', 'CMD ["su", "svc", "-c", "/srv/bin/server"]', 'su'],
    ['su USER -s, shell form', 'CMD su svc -s /bin/sh -c "exec /srv/bin/server"', 'su'],
    [
      'gosu behind tini --',
      'ENTRYPOINT ["/sbin/tini", "--", "gosu", "svc"]\nCMD ["/srv/bin/server"]',
      'gosu'
    ],
    ['su-exec behind dumb-init, shell form', 'ENTRYPOINT dumb-init su-exec svc /srv/bin/server', 'su-exec']
  ]
  it.each(drops)(
    '%s: root at start with a visible drop is a warning naming the drop',
    async (_name, start, tool) => {
      const { findings, code } = await scan(
        df('FROM debian:bookworm-slim', 'RUN groupadd -g 10001 svc && useradd -u 10001 -g svc svc', start)
      )
      const f = only(findings, 'LP101')
      expect(f.level).toBe('warning')
      expect(f.properties.cause).toBe('drops-privileges')
      expect(f.message).toContain('svc')
      expect(f.message).toContain(tool)
      expect(code).toBe(0)
    }
  )

  it('an entrypoint script copied from the build context that drops: warning naming the script and its line', async () => {
    const script = df(
      '#!/bin/sh',
      'set -eu',
      'mkdir -p /var/lib/svc',
      'chown -R svc:svc /var/lib/svc',
      'exec su-exec svc "$@"'
    )
    const { findings } = await scan(
      df(
        'FROM alpine:3.20',
        'RUN addgroup -S -g 10001 svc && adduser -S -u 10001 -G svc svc && apk add --no-cache su-exec',
        'COPY scripts/start.sh /usr/local/bin/',
        'ENTRYPOINT ["start.sh"]',
        'CMD ["/srv/bin/server"]'
      ),
      { 'scripts/start.sh': script }
    )
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.properties.cause).toBe('drops-privileges')
    expect(f.message).toContain('svc')
    expect(f.message).toContain('start.sh')
    expect(f.message).toMatch(/line 5\b/)
  })

  it('an entrypoint script behind tini that drops with setpriv is a warning', async () => {
    const script = df(
      '#!/bin/bash',
      'if [ "$1" = server ]; then',
      '  exec setpriv --reuid=10001 --regid=10001 --clear-groups "$@"',
      'fi',
      'exec "$@"'
    )
    const { findings } = await scan(
      df(
        'FROM ubuntu:24.04',
        'COPY --chmod=0755 entry.sh /entry.sh',
        'ENTRYPOINT ["/usr/bin/tini", "--", "/entry.sh"]',
        'CMD ["server"]'
      ),
      { 'entry.sh': script }
    )
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.properties.cause).toBe('drops-privileges')
    expect(f.message).toContain('setpriv')
  })

  it('an entrypoint script that only does exec "$@" is no drop: the error stays', async () => {
    const { findings, code } = await scan(
      df(
        'FROM python:3.12-slim',
        'COPY docker/entry.sh /usr/local/bin/entry.sh',
        'ENTRYPOINT ["entry.sh"]',
        'CMD ["python", "-m", "app"]'
      ),
      { 'docker/entry.sh': df('#!/bin/sh', 'set -e', 'python -m app.migrate', 'exec "$@"') }
    )
    const f = only(findings, 'LP101')
    expect(f.level).toBe('error')
    expect(code).toBe(1)
  })
})

describe('base images, three-valued', () => {
  it.each([
    [
      'haproxy with a config file',
      df('FROM haproxy:2.9-alpine', 'COPY haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg')
    ],
    [
      'grafana with provisioning',
      df('FROM grafana/grafana:11.1.0', 'COPY provisioning /etc/grafana/provisioning')
    ],
    ['memcached with a CMD', df('FROM memcached:1.6-bookworm', 'CMD ["memcached", "-m", "256"]')],
    [
      'Windows nanoserver 1809',
      df(
        'FROM mcr.microsoft.com/windows/nanoserver:1809',
        'COPY app.exe C:/app/app.exe',
        'CMD ["C:\\\\app\\\\app.exe"]'
      )
    ]
  ])('%s: a known non-root base is no LP101 error', async (_name, text) => {
    const { findings, code } = await scan(text)
    expect(rule(findings, 'LP101').filter(f => f.level === 'error')).toEqual([])
    expect(code).toBe(0)
  })

  it.each([
    ['python', df('FROM python:3.11-slim-bookworm', 'WORKDIR /app', 'CMD ["python", "app.py"]')],
    ['node', df('FROM node:22-alpine', 'WORKDIR /app', 'CMD ["node", "index.js"]')],
    [
      'Windows servercore',
      df(
        'FROM mcr.microsoft.com/windows/servercore:ltsc2019',
        'COPY app C:/app',
        'CMD ["C:\\\\app\\\\app.exe"]'
      )
    ]
  ])('%s: a known root base with no USER is an LP101 error', async (_name, text) => {
    const { findings, code } = await scan(text)
    expect(only(findings, 'LP101').level).toBe('error')
    expect(code).toBe(1)
  })

  it('a private base image is a warning (the base decides), not an error', async () => {
    const { findings, code } = await scan(
      df(
        'FROM artifactory.corp.example:5000/platform/jre-base:17.0.9',
        'COPY app.jar /opt/app.jar',
        'CMD ["java", "-jar", "/opt/app.jar"]'
      )
    )
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.properties.cause).toBe('unknown-base')
    expect(code).toBe(0)
  })

  it('a Windows USER added to Administrators with net localgroup is an error', async () => {
    const { findings } = await scan(
      df(
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        'RUN net user svcacct Passw0rd! /add && net localgroup Administrators svcacct /add',
        'USER svcacct',
        'CMD ["C:\\\\app\\\\app.exe"]'
      )
    )
    const f = only(findings, 'LP101')
    expect(f.level).toBe('error')
    expect(f.properties.cause).toBe('windows-administrator')
  })

  it('a Windows USER added to Administrators with Add-LocalGroupMember is an error', async () => {
    const { findings } = await scan(
      df(
        '# escape=`',
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        'SHELL ["powershell", "-Command"]',
        'RUN New-LocalUser -Name worker -NoPassword; `',
        '    Add-LocalGroupMember -Group Administrators -Member worker',
        'USER worker',
        'CMD ["C:\\app\\app.exe"]'
      )
    )
    expect(only(findings, 'LP101').level).toBe('error')
  })
})

describe('users the Dockerfile creates', () => {
  it('useradd -o -u 0 then USER of that name is root: LP101 error, LP103 never suggests 0', async () => {
    const { findings, code } = await scan(
      df(
        'FROM debian:bookworm-slim',
        'RUN useradd --non-unique --uid 0 --gid 0 --no-create-home ops',
        'USER ops',
        'CMD ["/srv/bin/server"]'
      )
    )
    expect(only(findings, 'LP101').level).toBe('error')
    for (const f of rule(findings, 'LP103')) expect(f.message).not.toMatch(/USER 0\b/)
    expect(code).toBe(1)
  })

  it('useradd -ou 0 (clustered short options) is root too', async () => {
    const { findings } = await scan(df('FROM ubuntu:24.04', 'RUN useradd -ou 0 -g 0 maint', 'USER maint'))
    expect(only(findings, 'LP101').level).toBe('error')
  })

  it('a passwd line with uid 0 written with printf makes the name root', async () => {
    const { findings } = await scan(
      df(
        'FROM alpine:3.20',
        "RUN printf 'backup:x:0:0:backup:/root:/bin/sh\\n' >> /etc/passwd",
        'USER backup',
        'CMD ["/bin/backup"]'
      )
    )
    expect(only(findings, 'LP101').level).toBe('error')
  })

  it('a non-root useradd resolves: no LP101 and LP103 suggests that uid', async () => {
    const { findings } = await scan(
      df(
        'FROM debian:bookworm-slim',
        'RUN useradd --system --uid 4242 worker',
        'USER worker',
        'CMD ["/srv/bin/server"]'
      )
    )
    expect(rule(findings, 'LP101')).toEqual([])
    expect(only(findings, 'LP103').message).toContain('4242')
  })
})

describe('images without a process', () => {
  it('FROM scratch with COPY only and no CMD/ENTRYPOINT anywhere: LP101 note only', async () => {
    const { findings, code } = await scan(df('FROM scratch', 'COPY dist/ /', 'COPY LICENSE /LICENSE'))
    const f = only(findings, 'LP101')
    expect(f.level).toBe('note')
    expect(f.properties.cause).toBe('no-process')
    expect(code).toBe(0)
  })

  it('an export stage FROM scratch after a builder, no CMD anywhere: LP101 note', async () => {
    const { findings } = await scan(
      df(
        'FROM golang:1.22 AS build',
        'WORKDIR /src',
        'COPY . .',
        'RUN go build -o /out/tool ./cmd/tool',
        '',
        'FROM scratch AS export',
        'COPY --from=build /out/ /'
      )
    )
    expect(only(findings, 'LP101').level).toBe('note')
  })

  it('FROM scratch with an ENTRYPOINT is still an error', async () => {
    const { findings } = await scan(df('FROM scratch', 'COPY server /server', 'ENTRYPOINT ["/server"]'))
    expect(only(findings, 'LP101').level).toBe('error')
  })
})

// A final USER that is non-root keeps LP101 out of the mode cases.
const base = (...lines: string[]): string =>
  df('FROM debian:bookworm-slim', ...lines, 'USER 10001:10001', 'CMD ["/srv/bin/server"]')

describe('modes', () => {
  it.each([
    [
      'mkdir then chmod g+s',
      base(
        'RUN mkdir -p /srv/shared/uploads \\',
        ' && chgrp -R 0 /srv/shared \\',
        ' && chmod g+s /srv/shared/uploads'
      )
    ],
    [
      'find -type d -exec chmod g+s',
      base('COPY site/ /var/www/site/', 'RUN find /var/www/site -type d -exec chmod g+s {} \\;')
    ],
    ['octal 2775 on a mkdir-made directory in a later RUN', base('RUN mkdir /data', 'RUN chmod 2775 /data')]
  ])('setgid on a directory (%s) is no LP401', async (_name, text) => {
    const { findings } = await scan(text)
    expect(rule(findings, 'LP401')).toEqual([])
  })

  it('setgid on a file is an LP401 warning', async () => {
    const { findings } = await scan(
      base('COPY mailer /usr/local/bin/mailer', 'RUN chmod g+s /usr/local/bin/mailer')
    )
    expect(only(findings, 'LP401').level).toBe('warning')
  })

  it('a world-writable build dir created and removed in the same RUN ships nothing: no LP403', async () => {
    const { findings } = await scan(
      base(
        'RUN work=$(mktemp -d /tmp/build.XXXXXX) \\',
        ' && chmod a+rwx "$work" \\',
        ' && cd "$work" && tar -xf /dev/null \\',
        ' && cd / && rm -rf "$work"'
      )
    )
    expect(rule(findings, 'LP403')).toEqual([])
  })

  it('a literal world-writable dir removed in the same RUN: no LP403', async () => {
    const { findings } = await scan(
      base('RUN mkdir -m 0777 /opt/stage && cp -r /usr/share/doc /opt/stage/ && rm -r /opt/stage')
    )
    expect(rule(findings, 'LP403')).toEqual([])
  })

  it('chmod o+w on a shipped path is an LP403 warning', async () => {
    const { findings } = await scan(base('COPY app.yml /etc/app/app.yml', 'RUN chmod o+w /etc/app/app.yml'))
    const f = only(findings, 'LP403')
    expect(f.level).toBe('warning')
    expect(f.line).toBe(3)
  })

  it.each([
    ['/etc/passwd', 'RUN chmod 0666 /etc/passwd'],
    ['/etc/shadow', 'RUN chmod o+rw /etc/shadow'],
    ['/etc/sudoers', 'RUN chmod a+w /etc/sudoers'],
    ['/etc/sudoers.d', 'RUN chmod -R g+w /etc/sudoers.d']
  ])('write access to %s is an LP404 error, not an LP403 warning', async (_path, line) => {
    const { findings, code } = await scan(base(line))
    expect(only(findings, 'LP404').level).toBe('error')
    expect(rule(findings, 'LP403')).toEqual([])
    expect(code).toBe(1)
  })

  it('setuid on line N of a multi-line RUN: the finding is at line N', async () => {
    const { findings } = await scan(
      base(
        'RUN set -eux; \\', // 2
        '    apt-get update; \\', // 3
        '    apt-get install -y --no-install-recommends iputils-ping; \\', // 4
        '    install -m 0755 /usr/bin/ping /usr/local/bin/ping2; \\', // 5
        '    chmod u+s /usr/local/bin/ping2; \\', // 6
        '    rm -rf /var/lib/apt/lists/*' // 7
      )
    )
    const f = only(findings, 'LP401')
    expect(f.level).toBe('error')
    expect(f.line).toBe(6)
  })
})

describe('file capabilities', () => {
  it('setcap cap_sys_admin is at least a warning naming the capability', async () => {
    const { findings } = await scan(
      base('COPY mounter /usr/local/bin/mounter', 'RUN setcap cap_sys_admin+ep /usr/local/bin/mounter')
    )
    const f = only(findings, 'LP201')
    expect(['warning', 'error']).toContain(f.level)
    expect(f.message.toLowerCase()).toContain('cap_sys_admin')
  })

  it('setcap with cap_net_admin among others (=eip) names it and is at least a warning', async () => {
    const { findings } = await scan(
      base("RUN setcap 'cap_net_bind_service,cap_net_admin=eip' /usr/local/bin/vpn")
    )
    const f = only(findings, 'LP201')
    expect(['warning', 'error']).toContain(f.level)
    expect(f.message.toLowerCase()).toContain('cap_net_admin')
  })

  it('cap_net_bind_service alone stays a note', async () => {
    const { findings } = await scan(base('RUN setcap cap_net_bind_service=+ep /usr/local/bin/server'))
    expect(only(findings, 'LP201').level).toBe('note')
  })
})

describe('sudo', () => {
  it('sudo installed and granted in one stage: one finding listing every line', async () => {
    const { findings } = await scan(
      df(
        'FROM ubuntu:24.04',
        'RUN apt-get update && apt-get install -y --no-install-recommends sudo curl',
        'RUN useradd -u 10001 -m dev',
        "RUN echo 'dev ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/dev && chmod 0440 /etc/sudoers.d/dev",
        'USER 10001',
        'CMD ["bash"]'
      )
    )
    const f = only(findings, 'LP402')
    expect(f.level).toBe('error')
    expect(f.line).toBe(2)
    expect(f.properties.lines).toEqual(expect.arrayContaining([2, 4]))
  })

  it('root running sudo -u app during the build is not a finding', async () => {
    const { findings } = await scan(
      df(
        'FROM registry.corp.example/devbox:3',
        'RUN sudo -u builder /opt/tools/warm-cache.sh',
        'RUN sudo -H -u builder pip install --user tox',
        'USER 10001',
        'CMD ["/srv/bin/server"]'
      )
    )
    expect(rule(findings, 'LP402')).toEqual([])
  })

  it('sudo in the final CMD run by the non-root USER is an error', async () => {
    const { findings } = await scan(
      df('FROM registry.corp.example/devbox:3', 'USER 10001', 'CMD ["sudo", "/usr/local/bin/start"]')
    )
    const f = only(findings, 'LP402')
    expect(f.level).toBe('error')
    expect(f.line).toBe(3)
  })
})

describe('BuildKit automatic platform ARGs', () => {
  it('FROM stage-$TARGETOS resolves to the linux stage', async () => {
    const { findings } = await scan(
      df(
        'ARG TARGETOS',
        'FROM alpine:3.20 AS stage-linux',
        'RUN adduser -D -u 10001 app',
        'USER 10001',
        '',
        'FROM alpine:3.20 AS stage-darwin',
        '',
        'FROM stage-$TARGETOS',
        'CMD ["/bin/app"]'
      )
    )
    expect(rule(findings, 'LP101')).toEqual([])
    expect(rule(findings, 'LP105')).toEqual([])
  })

  it('FROM build-${TARGETARCH} resolves to the amd64 stage (root there is an error)', async () => {
    const { findings } = await scan(
      df(
        'ARG TARGETARCH',
        'FROM debian:bookworm-slim AS build-amd64',
        '',
        'FROM debian:bookworm-slim AS build-arm64',
        'USER 10001',
        '',
        'FROM build-${TARGETARCH}',
        'CMD ["/srv/bin/server"]'
      )
    )
    expect(only(findings, 'LP101').level).toBe('error')
    expect(rule(findings, 'LP105')).toEqual([])
  })
})

describe('LABEL RUN declared run commands', () => {
  it('docker run --privileged --pid=host -v /:/host IMAGE: findings at the LABEL line', async () => {
    const { findings, code } = await scan(
      df(
        'FROM registry.corp.example/agent:2',
        'USER 10001',
        'CMD ["/agent"]',
        'LABEL RUN="docker run -d --name NAME --privileged --pid=host -v /:/host IMAGE"'
      )
    )
    expect(only(findings, 'LP220').line).toBe(4)
    expect(only(findings, 'LP520').line).toBe(4)
    expect(only(findings, 'LP522').line).toBe(4)
    expect(code).toBe(1)
  })

  it('podman run with the docker socket, as a multi-key LABEL: LP521 at the LABEL line', async () => {
    const { findings } = await scan(
      df(
        'FROM registry.corp.example/agent:2',
        'USER 10001',
        'LABEL name="agent" \\',
        '      RUN="podman run --rm -v /var/run/docker.sock:/var/run/docker.sock IMAGE"'
      )
    )
    expect([3, 4]).toContain(only(findings, 'LP521').line)
  })
})

describe('files that are not Dockerfiles', () => {
  const files = {
    'svc/Dockerfile': base(),
    'templates/Dockerfile.tmpl': df('FROM {{ .Base }}', 'RUN {{ .Install }}', 'CMD ["/app"]'),
    'fixtures/Dockerfile': df('# only comments', 'RUN echo hello')
  }

  it('a folder search skips a template and a file without FROM with a warning, and the exit status is not 2', async () => {
    const root = tree(files)
    const run = await cli([root], root)
    expect(run.code).not.toBe(2)
    expect(run.report).not.toBeNull()
    const report = run.report as Report
    const notes = [...report.notifications, ...report.results.flatMap(r => r.notifications)]
    const warned = notes.filter(n => n.level === 'warning').map(n => `${n.file ?? ''} ${n.message}`)
    expect(warned.some(w => w.includes('Dockerfile.tmpl'))).toBe(true)
    expect(warned.some(w => w.includes('fixtures/Dockerfile'))).toBe(true)
    expect(notes.filter(n => n.level === 'error')).toEqual([])
    const judged = report.results.filter(r => r.findings.some(f => f.rule_id === 'LP101'))
    expect(judged.map(r => r.file)).toEqual([])
  })

  it.each([['templates/Dockerfile.tmpl'], ['fixtures/Dockerfile']])(
    'naming %s explicitly exits 2',
    async name => {
      const root = tree(files)
      const run = await cli([join(root, name)], root)
      expect(run.code).toBe(2)
    }
  )
})

describe('more privilege-drop forms', () => {
  it.each([
    [
      'gosu by absolute path inside sh -c',
      'ENTRYPOINT ["/bin/sh", "-c", "chown -R svc /data && exec /usr/local/bin/gosu svc /srv/bin/server"]'
    ],
    [
      'setpriv --reuid with a separate value',
      'CMD ["setpriv", "--reuid", "10001", "--regid", "10001", "--clear-groups", "/srv/bin/server"]'
    ],
    ['su -c before the user', 'CMD ["su", "-c", "/srv/bin/server", "svc"]'],
    ['shell form with exec', 'CMD exec chroot --userspec=10001:10001 / /srv/bin/server']
  ])('%s is a drop: LP101 warning', async (_name, start) => {
    const { findings } = await scan(df('FROM debian:bookworm-slim', 'RUN useradd -u 10001 svc', start))
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.properties.cause).toBe('drops-privileges')
  })

  it.each([
    ['gosu root', 'ENTRYPOINT ["gosu", "root", "/srv/bin/server"]'],
    ['su-exec 0:0', 'ENTRYPOINT ["su-exec", "0:0", "/srv/bin/server"]'],
    [
      'setpriv --reuid=0',
      'ENTRYPOINT ["setpriv", "--reuid=0", "--regid=0", "--clear-groups", "/srv/bin/server"]'
    ]
  ])('a "drop" to root (%s) is no drop: LP101 stays an error', async (_name, start) => {
    const { findings } = await scan(df('FROM debian:bookworm-slim', start))
    expect(only(findings, 'LP101').level).toBe('error')
  })

  it('gosu used only during the build (RUN) is no drop of the process', async () => {
    const { findings } = await scan(
      df('FROM debian:bookworm-slim', 'RUN useradd -u 10001 svc && gosu svc true', 'CMD ["/srv/bin/server"]')
    )
    expect(only(findings, 'LP101').level).toBe('error')
  })

  it('an entrypoint script that mentions gosu only in a comment is no drop', async () => {
    const { findings } = await scan(
      df('FROM python:3.12', 'COPY entry.sh /entry.sh', 'ENTRYPOINT ["/entry.sh"]'),
      { 'entry.sh': df('#!/bin/sh', '# TODO: step down with gosu app once volumes are fixed', 'exec "$@"') }
    )
    expect(only(findings, 'LP101').level).toBe('error')
  })

  // Found by this suite (fixed): the scripts an entrypoint script runs were not read from the build context.
  it('an entrypoint script that execs a second script that drops is a warning', async () => {
    const { findings } = await scan(
      df(
        'FROM alpine:3.20',
        'RUN adduser -D -u 10001 svc',
        'COPY bin/ /opt/bin/',
        'ENTRYPOINT ["/bin/sh", "/opt/bin/entry.sh"]'
      ),
      {
        'bin/entry.sh': df('#!/bin/sh', 'set -e', '. /opt/bin/env.sh', 'exec /opt/bin/run.sh "$@"'),
        'bin/env.sh': df('export APP_ENV=prod'),
        'bin/run.sh': df('#!/bin/sh', 'exec su-exec svc /srv/bin/server "$@"')
      }
    )
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.message).toContain('run.sh')
  })

  it('root dropping with sudo -u in ENTRYPOINT (sudo from the base): LP101 drop warning and LP402 warning', async () => {
    const { findings } = await scan(
      df('FROM registry.corp.example/devbox:3', 'ENTRYPOINT ["sudo", "-u", "svc", "/srv/bin/server"]')
    )
    const lp101 = only(findings, 'LP101')
    expect(lp101.level).toBe('warning')
    expect(lp101.properties.cause).toBe('drops-privileges')
    expect(only(findings, 'LP402').level).toBe('warning')
  })

  it('sudo installed and used to drop in ENTRYPOINT: one LP402 error (the install) listing both lines', async () => {
    const { findings } = await scan(
      df(
        'FROM debian:bookworm-slim',
        'RUN apt-get update && apt-get install -y sudo && useradd -u 10001 svc',
        'ENTRYPOINT ["sudo", "-u", "svc", "/srv/bin/server"]'
      )
    )
    expect(only(findings, 'LP101').level).toBe('warning')
    const f = only(findings, 'LP402')
    expect(f.level).toBe('error')
    expect(f.properties.lines).toEqual(expect.arrayContaining([2, 3]))
  })
})

describe('more base-image forms', () => {
  it.each([
    [
      'docker.io/library/haproxy with a digest',
      'FROM docker.io/library/haproxy:2.9@sha256:' + 'a'.repeat(64)
    ],
    ['distroless :nonroot', 'FROM gcr.io/distroless/static-debian12:nonroot'],
    ['Chainguard', 'FROM cgr.dev/chainguard/static:latest'],
    ['bitnami', 'FROM bitnami/redis:7.2'],
    ['nginx-unprivileged', 'FROM nginxinc/nginx-unprivileged:1.27-alpine'],
    ['.NET chiseled', 'FROM mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled'],
    ['prometheus', 'FROM prom/prometheus:v2.53.0'],
    ['nanoserver ltsc2022', 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022'],
    ['powershell nanoserver-1809', 'FROM mcr.microsoft.com/powershell:lts-nanoserver-1809'],
    ['haproxy through ARG default', 'ARG BASE=haproxy:3.0\nFROM ${BASE}'],
    ['haproxy through an earlier stage', 'FROM haproxy:2.9 AS base\nFROM base']
  ])('%s: no LP101 error', async (_name, from) => {
    const { findings } = await scan(df(from, 'COPY conf /etc/app/conf'))
    expect(rule(findings, 'LP101').filter(f => f.level === 'error')).toEqual([])
  })

  it.each([
    ['distroless without :nonroot', 'FROM gcr.io/distroless/static-debian12'],
    ['alpine without a tag', 'FROM alpine'],
    ['golang by digest', 'FROM golang@sha256:' + 'b'.repeat(64)],
    ['nanoserver sac2016', 'FROM mcr.microsoft.com/windows/nanoserver:sac2016'],
    ['haproxy switched to root', 'FROM haproxy:2.9\nUSER root']
  ])('%s: LP101 error', async (_name, from) => {
    const { findings } = await scan(df(from, 'COPY conf /etc/app/conf', 'CMD ["/app"]'))
    expect(only(findings, 'LP101').level).toBe('error')
  })

  it('Windows servercore root finding uses Windows words and fix', async () => {
    const { findings } = await scan(df('FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'CMD ["cmd"]'))
    const f = only(findings, 'LP101')
    expect(`${f.message}`).toContain('ContainerAdministrator')
    expect(JSON.stringify(f)).toContain('ContainerUser')
    expect(f.message).not.toMatch(/uid 0|10001/)
  })
})

describe('more uid-0 aliases', () => {
  it('usermod -o -u 0 on a created user makes it root', async () => {
    const { findings } = await scan(
      df('FROM debian:bookworm-slim', 'RUN useradd -u 1001 app && usermod -o -u 0 app', 'USER app')
    )
    expect(only(findings, 'LP101').level).toBe('error')
  })

  it('a passwd line with uid 0 appended with tee -a makes the name root', async () => {
    const { findings } = await scan(
      df(
        'FROM alpine:3.20',
        'RUN echo "svc:x:0:0::/root:/bin/sh" | tee -a /etc/passwd >/dev/null',
        'USER svc:svc'
      )
    )
    expect(only(findings, 'LP101').level).toBe('error')
  })

  it('useradd -o -u ${ID} with ARG ID=0 is root', async () => {
    const { findings } = await scan(
      df('FROM debian:bookworm-slim', 'ARG OPS_ID=0', 'RUN useradd -o -u ${OPS_ID} ops', 'USER ops')
    )
    expect(only(findings, 'LP101').level).toBe('error')
  })

  it('useradd -o -u ${ID} with no value may be uid 0: LP105', async () => {
    const { findings } = await scan(
      df('FROM debian:bookworm-slim', 'ARG OPS_ID', 'RUN useradd -o -u ${OPS_ID} ops', 'USER ops')
    )
    expect(rule(findings, 'LP105')).toHaveLength(1)
    expect(rule(findings, 'LP101').filter(f => f.level === 'error')).toEqual([])
  })
})

describe('more process-less images', () => {
  it('a scratch lineage of two stages, no CMD anywhere: note', async () => {
    const { findings } = await scan(
      df('FROM scratch AS rootfs', 'COPY rootfs/ /', 'FROM rootfs', 'COPY extra /extra')
    )
    expect(only(findings, 'LP101').level).toBe('note')
  })

  it('a scratch lineage whose first stage sets CMD: error', async () => {
    const { findings } = await scan(
      df('FROM scratch AS rootfs', 'COPY rootfs/ /', 'CMD ["/init"]', 'FROM rootfs', 'COPY extra /extra')
    )
    expect(only(findings, 'LP101').level).toBe('error')
  })
})

describe('more modes', () => {
  it.each([
    ['trailing slash', base('RUN chmod g+s /srv/shared/')],
    ['install -d -m 2775', base('RUN install -d -m 2775 -g 0 /srv/shared')],
    ['mkdir -m 2770', base('RUN mkdir -p -m 2770 /srv/shared')],
    ['path below it named by ENV', base('ENV APP_DATA=/opt/app/data', 'RUN chmod 2775 /opt/app')],
    [
      'path below it named by a COPY destination',
      base('COPY app.yml /opt/app/config/', 'RUN chmod g+s /opt/app/config')
    ]
  ])('setgid on a directory (%s) is no LP401', async (_name, text) => {
    const { findings } = await scan(text)
    expect(rule(findings, 'LP401')).toEqual([])
  })

  it('chmod -R g+s on a tree holding files is reported', async () => {
    const { findings } = await scan(base('COPY bin/ /opt/app/bin/', 'RUN chmod -R g+s /opt/app'))
    expect(rule(findings, 'LP401').length).toBeGreaterThan(0)
  })

  it('setgid through find with an -o branch is still reported', async () => {
    const { findings } = await scan(base("RUN find /opt/app -type d -o -name '*.bin' -exec chmod g+s {} +"))
    expect(rule(findings, 'LP401').length).toBeGreaterThan(0)
  })

  it('setgid through find -name on files is a warning that names the match, never {}', async () => {
    const { findings } = await scan(base("RUN find /opt/tools -name 'mail*' -exec chmod 2755 {} +"))
    const f = only(findings, 'LP401')
    expect(f.level).toBe('warning')
    // the command may be quoted, but the path it names is what the find matches, not `{}`
    expect(f.message).toContain('matches')
    expect(f.message).not.toMatch(/(on|sets the setgid bit on) `\{\}`/)
    expect(f.message).toContain('/opt/tools')
  })

  it('a mktemp dir made world-writable and not removed ships: LP403', async () => {
    const { findings } = await scan(
      base('RUN d="$(mktemp -d)" && chmod 777 "$d" && echo "$d" > /etc/app-tmp')
    )
    expect(rule(findings, 'LP403')).toHaveLength(1)
  })

  it('removing another path in the same RUN does not excuse a world-writable one', async () => {
    const { findings } = await scan(base('RUN mkdir /srv/drop && chmod 0777 /srv/drop && rm -rf /tmp/cache'))
    expect(rule(findings, 'LP403')).toHaveLength(1)
  })

  it('a world-writable dir removed by a later RUN: no LP403', async () => {
    const { findings } = await scan(base('RUN mkdir /scratch && chmod 777 /scratch', 'RUN rm -rf /scratch'))
    expect(rule(findings, 'LP403')).toEqual([])
  })

  it.each([
    ['sticky 1777', base('RUN mkdir -p /var/tmp/app && chmod 1777 /var/tmp/app')],
    ['+w without a class', base('RUN chmod +w /etc/app.conf')]
  ])('%s is no LP403', async (_name, text) => {
    const { findings } = await scan(text)
    expect(rule(findings, 'LP403')).toEqual([])
  })

  it('COPY --chmod=666 is LP403', async () => {
    const { findings } = await scan(base('COPY --chmod=666 app.yml /etc/app/app.yml'))
    expect(only(findings, 'LP403').line).toBe(2)
  })

  it.each([
    ['chmod g=u /etc/passwd', base('RUN chmod g=u /etc/passwd')],
    ['chmod 664 /etc/group', base('RUN chmod 664 /etc/group')],
    ['COPY --chmod=666 onto /etc/passwd', base('COPY --chmod=666 passwd /etc/passwd')],
    ['chmod g+w on a file in sudoers.d', base('RUN chmod g+w /etc/sudoers.d/app')],
    ['chmod 777 /etc', base('RUN chmod 777 /etc')]
  ])('%s is an LP404 error', async (_name, text) => {
    const { findings } = await scan(text)
    expect(only(findings, 'LP404').level).toBe('error')
  })

  it('a later strip of every setuid bit turns LP404 into a note', async () => {
    const { findings } = await scan(
      base('RUN chmod g=u /etc/passwd', 'RUN find / -xdev -perm -4000 -exec chmod ug-s {} +')
    )
    expect(only(findings, 'LP404').level).toBe('note')
  })

  it('chmod 0644 /etc/passwd is no finding', async () => {
    const { findings } = await scan(base('RUN chmod 0644 /etc/passwd'))
    expect(rule(findings, 'LP404')).toEqual([])
    expect(rule(findings, 'LP403')).toEqual([])
  })
})

describe('more exact lines', () => {
  it('a continuation with comment and blank lines inside still points at the physical line', async () => {
    const { findings } = await scan(
      base(
        'RUN set -eux; \\', // 2
        '# fetch the helper', // 3
        '    cp /bin/true /usr/local/bin/helper; \\', // 4
        '', // 5
        '    chmod 4755 /usr/local/bin/helper' // 6
      )
    )
    expect(only(findings, 'LP401').line).toBe(6)
  })

  it('world-writable and account-file modes on later lines of one RUN point at those lines', async () => {
    const { findings } = await scan(
      base(
        'RUN mkdir -p /srv/inbox \\', // 2
        ' && chmod 0777 /srv/inbox \\', // 3
        ' && true \\', // 4
        ' && chmod g+w /etc/passwd' // 5
      )
    )
    expect(only(findings, 'LP403').line).toBe(3)
    expect(only(findings, 'LP404').line).toBe(5)
  })

  it('setuid in a heredoc RUN points at the heredoc line', async () => {
    const { findings } = await scan(
      df(
        '# syntax=docker/dockerfile:1',
        'FROM debian:bookworm-slim',
        'RUN <<EOF',
        'set -e',
        'cp /bin/true /usr/local/bin/helper',
        'chmod u+s /usr/local/bin/helper',
        'EOF',
        'USER 10001'
      )
    )
    expect(only(findings, 'LP401').line).toBe(6)
  })

  it('setcap on line N of a RUN is at line N', async () => {
    const { findings } = await scan(
      base(
        'RUN apt-get update \\',
        ' && apt-get install -y libcap2-bin \\',
        ' && setcap cap_sys_ptrace+ep /usr/local/bin/dbg'
      )
    )
    expect(only(findings, 'LP201').line).toBe(4)
  })
})

describe('more file capabilities', () => {
  it.each([
    ['cap_setuid', 'setcap cap_setuid+ep /usr/local/bin/t', 'error'],
    ['cap_sys_ptrace', 'setcap cap_sys_ptrace=eip /usr/local/bin/t', 'warning'],
    ['cap_sys_module', "setcap 'cap_net_raw+ep cap_sys_module+ep' /usr/local/bin/t", 'warning'],
    ['CAP_DAC_READ_SEARCH', 'setcap CAP_DAC_READ_SEARCH+ep /usr/local/bin/t', 'warning']
  ])('%s: the level and the capability named', async (cap, cmd, level) => {
    const { findings } = await scan(base(`RUN ${cmd}`))
    const f = only(findings, 'LP201')
    expect(f.level).toBe(level)
    expect(f.message.toLowerCase()).toContain(cap.toLowerCase())
  })

  it('an effective-only set and setcap -r are not reported', async () => {
    const { findings } = await scan(
      base('RUN setcap cap_sys_admin+e /usr/local/bin/a && setcap -r /usr/local/bin/b')
    )
    expect(rule(findings, 'LP201')).toEqual([])
  })
})

describe('more sudo', () => {
  it('install, group membership and grant over three RUNs: one finding with all lines', async () => {
    const { findings } = await scan(
      df(
        'FROM alpine:3.20',
        'RUN apk add --no-cache sudo=1.9.15_p5-r0',
        'RUN adduser -D -u 10001 dev && addgroup dev wheel',
        "RUN sed -i 's/^# %wheel ALL=(ALL:ALL) NOPASSWD: ALL/%wheel ALL=(ALL:ALL) NOPASSWD: ALL/' /etc/sudoers",
        'USER 10001'
      )
    )
    const f = only(findings, 'LP402')
    expect(f.properties.lines).toEqual(expect.arrayContaining([2, 3, 4]))
    expect(f.message).toMatch(/wheel/)
  })

  it('sudoers edits that remove grants are not findings', async () => {
    const { findings } = await scan(
      df(
        'FROM registry.corp.example/devbox:3',
        "RUN sed -i 's/^%sudo/#%sudo/' /etc/sudoers && sed -i '/^%admin/d' /etc/sudoers && rm -f /etc/sudoers.d/dev",
        'USER 10001'
      )
    )
    expect(rule(findings, 'LP402')).toEqual([])
  })

  it('sudo only in a builder stage is not a finding', async () => {
    const { findings } = await scan(
      df(
        'FROM ubuntu:24.04 AS build',
        'RUN apt-get update && apt-get install -y sudo',
        'RUN sudo make',
        'FROM scratch',
        'COPY --from=build /out /',
        'USER 10001',
        'CMD ["/app"]'
      )
    )
    expect(rule(findings, 'LP402')).toEqual([])
  })

  it('a non-root USER running sudo during the build is a finding', async () => {
    const { findings } = await scan(
      df('FROM registry.corp.example/devbox:3', 'USER 10001', 'RUN sudo apt-get update', 'CMD ["/app"]')
    )
    expect(only(findings, 'LP402').line).toBe(3)
  })
})

describe('more platform ARGs', () => {
  it('FROM stage-$TARGETOS-$TARGETARCH without a global ARG declaration resolves (automatic ARGs are global)', async () => {
    const { findings } = await scan(
      df(
        'FROM alpine:3.20 AS stage-linux-amd64',
        'USER 10001',
        'FROM alpine:3.20 AS stage-linux-arm64',
        'FROM stage-$TARGETOS-$TARGETARCH',
        'CMD ["/app"]'
      )
    )
    expect(rule(findings, 'LP101')).toEqual([])
    expect(rule(findings, 'LP105')).toEqual([])
  })

  it('FROM tools-$BUILDOS resolves to linux', async () => {
    const { findings } = await scan(
      df(
        'ARG BUILDOS',
        'FROM debian:bookworm-slim AS tools-linux',
        'USER 10001',
        'FROM debian:bookworm-slim AS tools-windows',
        'FROM tools-$BUILDOS',
        'CMD ["/app"]'
      )
    )
    expect(rule(findings, 'LP101')).toEqual([])
  })
})

describe('more LABEL RUN', () => {
  it('INSTALL= is read when there is no RUN=', async () => {
    const { findings } = await scan(
      df(
        'FROM registry.corp.example/agent:2',
        'USER 10001',
        'LABEL INSTALL="docker run --rm --privileged -v /:/host IMAGE /install.sh"'
      )
    )
    expect(only(findings, 'LP220').line).toBe(3)
  })

  it('/usr/bin/docker run with ${OPT1} placeholders and --net=host: LP520 at the LABEL line', async () => {
    const { findings } = await scan(
      df(
        'FROM registry.corp.example/agent:2',
        'USER 10001',
        'LABEL RUN="/usr/bin/docker run -d ${OPT1} --net=host --name ${NAME} ${IMAGE} ${OPT2}"'
      )
    )
    expect(only(findings, 'LP520').line).toBe(3)
  })

  it('a LABEL RUN inherited from an earlier stage points at its line', async () => {
    const { findings } = await scan(
      df(
        'FROM registry.corp.example/agent:2 AS base',
        'LABEL RUN="docker run --privileged IMAGE"',
        'FROM base',
        'USER 10001'
      )
    )
    expect(only(findings, 'LP220').line).toBe(2)
  })

  it('--run-options wins over the label', async () => {
    const root = tree({
      Dockerfile: df(
        'FROM registry.corp.example/agent:2',
        'USER 10001',
        'LABEL RUN="docker run --privileged IMAGE"'
      )
    })
    const run = await cli(
      [join(root, 'Dockerfile'), '--run-options', '--cap-drop ALL --security-opt no-new-privileges'],
      root
    )
    expect(
      (run.report as Report).results.flatMap(r => r.findings).filter(f => f.rule_id === 'LP220')
    ).toEqual([])
  })

  it('a label that is not a docker run command is a warning with its line, and nothing else', async () => {
    const root = tree({
      Dockerfile: df(
        'FROM registry.corp.example/agent:2',
        'USER 10001',
        'LABEL RUN="docker run --frobnicate IMAGE"'
      )
    })
    const run = await cli([join(root, 'Dockerfile')], root)
    const report = run.report as Report
    const notes = [...report.notifications, ...report.results.flatMap(r => r.notifications)]
    expect(notes.some(n => n.level === 'warning' && /3/.test(`${JSON.stringify(n)}`))).toBe(true)
    expect(run.code).toBe(0)
  })
})

describe('more files that are not Dockerfiles', () => {
  it('a folder with a {{ }} header template, an empty Dockerfile and a failing Dockerfile exits 1, not 2', async () => {
    const root = tree({
      'a/Dockerfile.template': df(
        '{{ if .Slim }}',
        'FROM alpine:3.20',
        '{{ else }}',
        'FROM debian:bookworm',
        '{{ end }}'
      ),
      'b/Dockerfile': '',
      'c/Dockerfile': df('FROM python:3.12', 'CMD ["python"]')
    })
    const run = await cli([root], root)
    expect(run.code).toBe(1)
    const report = run.report as Report
    const notes = [...report.notifications, ...report.results.flatMap(r => r.notifications)]
    expect(notes.filter(n => n.level === 'error')).toEqual([])
    expect(notes.filter(n => n.level === 'warning').length).toBeGreaterThanOrEqual(2)
  })

  it('a folder holding only skipped files exits 0', async () => {
    const root = tree({ 'Dockerfile.tmpl': df('FROM {{ .Base }}'), 'x/Dockerfile': df('# nothing') })
    const run = await cli([root], root)
    expect(run.code).toBe(0)
  })

  it('an empty Dockerfile named explicitly exits 2 with a one-line reason', async () => {
    const root = tree({ Dockerfile: '' })
    const run = await cli([join(root, 'Dockerfile')], root)
    expect(run.code).toBe(2)
    expect(run.stderr.trim().split('\n').length).toBeGreaterThanOrEqual(1)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })
})

// The docker-library pattern: drop only when started as root, then re-exec the script as the service user.
const conditionalDrop = df(
  '#!/bin/sh',
  'set -e',
  'if [ "$(id -u)" = "0" ]; then',
  '  chown -R redis .',
  '  exec gosu redis "$0" "$@"',
  'fi',
  'exec "$@"'
)

describe('where the entrypoint script lands', () => {
  it.each([
    ['exec form, same name', 'COPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]'],
    [
      'shell form ENTRYPOINT with an argument',
      'COPY entrypoint.sh /entrypoint.sh\nENTRYPOINT /entrypoint.sh redis-server'
    ],
    ['shell form CMD', 'COPY entrypoint.sh /entrypoint.sh\nCMD /entrypoint.sh'],
    ['ADD into a folder on PATH', 'ADD entrypoint.sh /usr/local/bin/\nENTRYPOINT ["entrypoint.sh"]'],
    [
      'COPY into WORKDIR by absolute path',
      'WORKDIR /app\nCOPY entrypoint.sh /app/\nENTRYPOINT ["/app/entrypoint.sh"]'
    ]
  ])('%s: the conditional gosu drop is seen (line 5)', async (_name, lines) => {
    const { findings } = await scan(df('FROM debian:bookworm-slim', lines), {
      'entrypoint.sh': conditionalDrop
    })
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.message).toContain('redis')
    expect(f.message).toMatch(/line 5\b/)
  })

  // Found by this suite (fixed): a COPY that renames the script was not mapped to the program.
  it.each([
    [
      'renamed onto PATH',
      'COPY entrypoint.sh /usr/local/bin/docker-entrypoint\nENTRYPOINT ["docker-entrypoint"]'
    ],
    ['renamed at the root', 'COPY entrypoint.sh /ep.sh\nENTRYPOINT ["/ep.sh"]']
  ])('%s: a renamed entrypoint script is read and its drop seen', async (_name, lines) => {
    const { findings } = await scan(df('FROM debian:bookworm-slim', lines), {
      'entrypoint.sh': conditionalDrop
    })
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.message).toContain('redis')
  })

  // Found by this suite (fixed): `COPY entrypoint.sh .` into the WORKDIR was not followed.
  it.each([
    ['./entrypoint.sh', 'WORKDIR /app\nCOPY entrypoint.sh .\nENTRYPOINT ["./entrypoint.sh"]'],
    ['/app/entrypoint.sh', 'WORKDIR /app\nCOPY entrypoint.sh .\nENTRYPOINT ["/app/entrypoint.sh"]']
  ])('COPY into WORKDIR with "." and ENTRYPOINT %s: the drop is seen', async (_name, lines) => {
    const { findings } = await scan(df('FROM debian:bookworm-slim', lines), {
      'entrypoint.sh': conditionalDrop
    })
    expect(only(findings, 'LP101').level).toBe('warning')
  })
})

describe('more drop tools and deployment labels', () => {
  it.each([
    ['chpst -u', 'CMD ["chpst", "-u", "svc", "/srv/bin/server"]', 'chpst'],
    [
      'start-stop-daemon --chuid',
      'CMD start-stop-daemon --start --chuid svc --exec /srv/bin/server',
      'start-stop-daemon'
    ],
    [
      'tini ENTRYPOINT, gosu in CMD',
      'ENTRYPOINT ["tini", "--"]\nCMD ["gosu", "svc", "/srv/bin/server"]',
      'gosu'
    ]
  ])('%s is a drop', async (_name, lines, tool) => {
    const { findings } = await scan(df('FROM debian:bookworm-slim', lines))
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.message).toContain(tool)
  })

  it('USER ContainerAdministrator on nanoserver is an error', async () => {
    const { findings } = await scan(
      df('FROM mcr.microsoft.com/windows/nanoserver:ltsc2022', 'USER ContainerAdministrator', 'CMD ["cmd"]')
    )
    const f = only(findings, 'LP101')
    expect(f.level).toBe('error')
    expect(f.line).toBe(2)
  })

  it('LABEL RUN with --cap-add SYS_ADMIN and seccomp=unconfined: LP222 and LP320 at the LABEL line', async () => {
    const { findings } = await scan(
      df(
        'FROM registry.corp.example/agent:2',
        'USER 10001',
        'LABEL RUN="docker run --cap-add SYS_ADMIN --security-opt seccomp=unconfined IMAGE"'
      )
    )
    expect(only(findings, 'LP222').line).toBe(3)
    expect(only(findings, 'LP320').line).toBe(3)
  })
})

describe('more verdicts an expert signs', () => {
  it('LP103 suggests uid:gid the Dockerfile created for USER name:group', async () => {
    const { findings } = await scan(
      df(
        'FROM debian:bookworm-slim',
        'RUN groupadd -g 2000 app && useradd -u 2001 -g app app',
        'USER app:app'
      )
    )
    expect(only(findings, 'LP103').message).toContain('2001:2000')
  })

  it.each([
    [
      'stripped by a later find -perm -4000',
      base('RUN chmod u+s /usr/bin/ping', 'RUN find / -xdev -perm -4000 -exec chmod u-s {} +')
    ],
    ['removed in the same RUN', base('RUN cp /bin/true /x && chmod 4755 /x && /x && rm -f /x')]
  ])('a setuid bit that never ships (%s) is no LP401', async (_name, text) => {
    const { findings } = await scan(text)
    expect(rule(findings, 'LP401')).toEqual([])
  })

  it('a setuid file copied from a builder is an LP401 note on the COPY line', async () => {
    const { findings } = await scan(
      df(
        'FROM debian:bookworm-slim AS b',
        'RUN cp /bin/true /opt/x && chmod u+s /opt/x',
        'FROM debian:bookworm-slim',
        'COPY --from=b /opt/x /usr/local/bin/x',
        'USER 1'
      )
    )
    const f = only(findings, 'LP401')
    expect(f.level).toBe('note')
    expect(f.line).toBe(4)
  })

  it('servercore with USER ContainerUser is no LP101', async () => {
    const { findings } = await scan(
      df('FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'USER ContainerUser', 'CMD ["cmd"]')
    )
    expect(rule(findings, 'LP101')).toEqual([])
  })

  it('gosu installed and an entrypoint script not in the context: likely drop, a warning', async () => {
    const { findings } = await scan(
      df(
        'FROM golang:1.22 AS b',
        'RUN echo build',
        'FROM debian:bookworm-slim',
        'RUN apt-get update && apt-get install -y gosu',
        'COPY --from=b /src/docker-entrypoint.sh /usr/local/bin/',
        'ENTRYPOINT ["docker-entrypoint.sh"]'
      )
    )
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.properties.cause).toBe('likely-drops-privileges')
  })

  it('adding a user to the sudo group is named in the one sudo finding', async () => {
    const { findings } = await scan(
      df(
        'FROM debian:bookworm-slim',
        'RUN apt-get update && apt-get install -y sudo',
        'RUN useradd -u 1001 app && usermod -aG sudo app',
        'USER 1001'
      )
    )
    const f = only(findings, 'LP402')
    expect(f.properties.lines).toEqual([2, 3])
    expect(f.message).toMatch(/group sudo|sudo group/)
  })

  it('USER root then gosu in CMD: a drop warning', async () => {
    const { findings } = await scan(
      df('FROM debian:bookworm-slim', 'USER root', 'CMD ["gosu", "svc", "/srv/bin/server"]')
    )
    expect(only(findings, 'LP101').level).toBe('warning')
  })

  it('USER 0:1000 on a private base is root whatever the base: error', async () => {
    const { findings } = await scan(df('FROM registry.corp.example/base:1', 'USER 0:1000'))
    expect(only(findings, 'LP101').level).toBe('error')
  })

  // Found by this suite (fixed): a drop user named through the image's ENV is named by its value.
  it('a drop to a user named by the image ENV names the resolved user', async () => {
    const { findings } = await scan(
      df(
        'FROM alpine:3.20',
        'ENV APP_USER=svc',
        'COPY envdrop.sh /usr/local/bin/',
        'ENTRYPOINT ["envdrop.sh"]'
      ),
      { 'envdrop.sh': df('#!/bin/sh', 'exec su-exec "$APP_USER" "$@"') }
    )
    const f = only(findings, 'LP101')
    expect(f.level).toBe('warning')
    expect(f.message).toContain('`svc`')
  })
})
