import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ContextFile } from '../../src/dockerfile/types'
import type { Finding } from '../../src/findings'
import type { RuntimeProfile } from '../../src/profile/types'
import { dockerfileRules } from '../../src/rules/dockerfile'
import { finalStageRunsAsRoot } from '../../src/rules/dockerfile/least-privilege'
import { evaluateRules } from '../../src/rules/engine'
import { PRINCIPLES } from '../../src/principles'
import { df, hits, lint, model } from '../dockerfile/lint-helper'

const fixture = (name: string) => readFileSync(join(process.cwd(), '__fixtures__/dockerfiles', name), 'utf8')

describe('dockerfile rule metadata', () => {
  it('has unique LP ids, kebab-case names, one principle, a one-line fix and a severity', () => {
    const ids = dockerfileRules.map(rule => rule.meta.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.sort()).toEqual([
      'LP101',
      'LP102',
      'LP103',
      'LP104',
      'LP105',
      'LP201',
      'LP401',
      'LP402',
      'LP403',
      'LP404'
    ])
    for (const { meta } of dockerfileRules) {
      expect(meta.name).toMatch(/^[a-z]+(-[a-z]+)+$/)
      expect(PRINCIPLES).toContain(meta.principle)
      expect(meta.id[2]).toBe(String(PRINCIPLES.indexOf(meta.principle) + 1))
      expect(meta.fix).not.toContain('\n')
      expect(meta.evidence).toBe('dockerfile')
      expect(meta.securitySeverity).toBeGreaterThan(0)
      expect(meta.securitySeverity).toBeLessThanOrEqual(10)
    }
  })

  it('has a docs page per rule with the fix and how to suppress', () => {
    for (const { meta } of dockerfileRules) {
      const page = readFileSync(join(process.cwd(), 'docs/rules', `${meta.id}.md`), 'utf8')
      expect(page.startsWith(`# ${meta.id} ${meta.name}\n`)).toBe(true)
      expect(page).toContain('## Fix')
      expect(page).toContain('# before')
      expect(page).toContain('# after')
      expect(page).toContain(`ignore=${meta.id}`)
    }
  })
})

describe('LP101 final-stage-runs-as-root', () => {
  it('fires when there is no USER at all, at the FROM line, saying the probe measures it', () => {
    const [hit, ...rest] = hits(df('FROM node:20', 'RUN npm ci', 'CMD ["node", "x"]'), 'LP101')
    expect(rest).toEqual([])
    expect(hit).toMatchObject({ line: 1, level: 'error', principle: 'least-privilege' })
    expect(hit.message).toMatch(
      /^The final stage runs as root: it sets no USER, and its base image `node:20`/
    )
    expect(hit.message).toMatch(/build and probe measure the real user/)
    expect(hit.properties).toMatchObject({ cause: 'no-user' })
  })

  it('fires for FROM scratch without USER when the image runs something', () => {
    const [hit] = hits(df('FROM scratch', 'COPY app /app', 'ENTRYPOINT ["/app"]'), 'LP101')
    expect(hit.message).toMatch(/starts FROM scratch and sets no USER/)
    expect(hit).toMatchObject({ level: 'error', properties: { cause: 'scratch' } })
  })

  it.each(['root', '0', '00', '0:0', 'root:root', '0:1000'])(
    'fires for an explicit USER %s at its line',
    value => {
      const [hit] = hits(df('FROM alpine', 'RUN true', `USER ${value}`), 'LP101')
      expect(hit).toMatchObject({ line: 3 })
      expect(hit.properties).toMatchObject({ cause: 'explicit-root' })
    }
  )

  it('says when the final stage switches back to root after a non-root USER', () => {
    const [hit] = hits(df('FROM alpine', 'USER 1000', 'RUN id', 'USER root', 'CMD ["sh"]'), 'LP101')
    expect(hit.line).toBe(4)
    expect(hit.message).toMatch(
      /^The final stage switches back to root: USER root on line 4 comes after USER 1000 on line 2/
    )
  })

  it('says when root is inherited from a parent stage', () => {
    const [hit] = hits(df('FROM alpine AS base', 'USER 0', 'FROM base', 'CMD ["sh"]'), 'LP101')
    expect(hit.line).toBe(3)
    expect(hit.message).toMatch(/inherited from stage 'base': USER 0 on line 2 is root/)
  })

  it('does not fire for a root builder and a non-root final stage (multi-stage)', () => {
    expect(
      hits(df('FROM golang AS build', 'USER root', 'RUN go build', 'FROM alpine', 'USER 10001'), 'LP101')
    ).toEqual([])
    expect(hits(fixture('multistage-root-builder.Dockerfile'), 'LP101')).toEqual([])
  })

  it('does not fire when USER is inherited from a non-root parent stage', () => {
    expect(hits(fixture('inherited-user.Dockerfile'), 'LP101')).toEqual([])
  })

  it('does not fire for ARG/ENV users that resolve to non-root', () => {
    expect(hits(fixture('arg-user.Dockerfile'), 'LP101')).toEqual([])
    expect(hits(df('FROM alpine', 'ENV APP_UID=1001', 'USER $APP_UID'), 'LP101')).toEqual([])
  })

  it('fires when an ARG user resolves to root (default or build arg)', () => {
    expect(hits(df('FROM alpine', 'ARG UID=0', 'USER ${UID}'), 'LP101')).toHaveLength(1)
    expect(hits(fixture('arg-user.Dockerfile'), 'LP101', { buildArgs: { UID: '0' } })).toHaveLength(1)
  })

  it('does not fire for distroless :nonroot or other known non-root bases without USER', () => {
    expect(hits(df('FROM gcr.io/distroless/static-debian12:nonroot', 'COPY app /'), 'LP101')).toEqual([])
    expect(hits(df('FROM nginxinc/nginx-unprivileged:1.27'), 'LP101')).toEqual([])
    expect(hits(df('FROM gcr.io/distroless/static-debian12', 'COPY app /'), 'LP101')).toHaveLength(1)
  })

  it('does not count USER lines inside heredocs', () => {
    expect(hits(fixture('heredoc-user.Dockerfile'), 'LP101')).toEqual([])
    expect(hits(df('FROM alpine', 'RUN <<EOT', 'USER 1000', 'EOT'), 'LP101')).toHaveLength(1)
  })

  it('judges the --target stage, not the last one', () => {
    const text = df('FROM alpine AS debug', 'CMD ["sh"]', 'FROM alpine AS release', 'USER 1000')
    expect(hits(text, 'LP101')).toEqual([])
    expect(hits(text, 'LP101', { target: 'debug' })).toHaveLength(1)
  })

  it('does not fire (LP105 instead) when the user is unresolvable', () => {
    const text = df('FROM alpine', 'ARG APP_UID', 'USER $APP_UID')
    expect(hits(text, 'LP101')).toEqual([])
    expect(hits(text, 'LP105')).toHaveLength(1)
  })

  it('reads the escape directive file correctly (ContainerUser is not root)', () => {
    expect(hits(fixture('windows-escape.Dockerfile'), 'LP101')).toEqual([])
  })
})

const entrypoint = (path: string, imagePath: string, ...lines: string[]): ContextFile => ({
  path,
  imagePath,
  text: `${lines.join('\n')}\n`
})

/** LP101 hits of a model the scan gave entrypoint scripts, as readContextFiles does. */
function withScripts(text: string, files: ContextFile[]): Finding[] {
  const built = model(text)
  built.contextFiles = files
  return evaluateRules([finalStageRunsAsRoot], { model: built, profile: {} as RuntimeProfile })
}

describe('LP101 privilege drops', () => {
  const postgresLike = df(
    'FROM debian:bookworm-slim',
    'RUN useradd -r svc && apt-get update && apt-get install -y gosu',
    'COPY docker-entrypoint.sh /usr/local/bin/',
    'ENTRYPOINT ["docker-entrypoint.sh"]',
    'CMD ["svc"]'
  )

  it('warns, naming the drop, when the entrypoint script read from the build context drops (gosu)', () => {
    const script = entrypoint(
      'docker-entrypoint.sh',
      '/usr/local/bin/docker-entrypoint.sh',
      '#!/bin/sh',
      'set -e',
      'if [ "$(id -u)" = 0 ]; then',
      '  chown -R svc /data',
      '  exec gosu svc "$0" "$@"',
      'fi',
      'exec "$@"'
    )
    const [hit, ...rest] = withScripts(postgresLike, [script])
    expect(rest).toEqual([])
    expect(hit).toMatchObject({ level: 'warning', line: 1 })
    expect(hit.message).toMatch(
      /^The final stage starts as root \(it sets no USER, and its base image `debian:bookworm-slim` runs as root by default\), then drops to `svc` with gosu in docker-entrypoint\.sh line 5/
    )
    expect(hit.message).toMatch(/prepare volume ownership at build time/)
    expect(hit.properties).toMatchObject({
      cause: 'drops-privileges',
      startsAs: 'no-user',
      drop_user: 'svc',
      drop_tool: 'gosu',
      drop_file: 'docker-entrypoint.sh',
      drop_line: 5
    })
  })

  it('keeps the error when the script read is a plain exec "$@", and says it was read', () => {
    const [hit] = withScripts(postgresLike, [
      entrypoint('docker-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh', '#!/bin/sh', 'exec "$@"')
    ])
    expect(hit).toMatchObject({ level: 'error', properties: { cause: 'no-user' } })
    expect(hit.message).toMatch(
      /docker-entrypoint\.sh \(read from the build context\) does not drop privileges/
    )
  })

  it('calls gosu installed with an unread entrypoint script a likely drop the build settles (corpus 0001, postgres)', () => {
    const [hit] = hits(postgresLike, 'LP101')
    expect(hit).toMatchObject({
      level: 'warning',
      properties: { cause: 'likely-drops-privileges', drop_tool: 'gosu' }
    })
    expect(hit.message).toMatch(
      /^The final stage starts as root and most likely drops to a service user in docker-entrypoint\.sh, which the scan did not read/
    )
    expect(hit.message).toMatch(/installs gosu \(line 2\)/)
    expect(hit.message).toMatch(/A likely drop that the build settles/)
    expect(hit.message).not.toMatch(/its process runs as root/)
  })

  it('sees su-exec from apk with the entrypoint in a multi-stage file (corpus 0206, rabbitmq)', () => {
    const text = df(
      'FROM alpine:3.23 AS build',
      'RUN make',
      'FROM alpine:3.23',
      'RUN apk add --no-cache su-exec',
      'COPY --from=build /out /opt/app',
      'COPY docker-entrypoint.sh /usr/local/bin/',
      'ENTRYPOINT ["docker-entrypoint.sh"]'
    )
    expect(hits(text, 'LP101')[0]).toMatchObject({
      line: 3,
      level: 'warning',
      properties: { drop_tool: 'su-exec' }
    })
  })

  it('warns for a drop in CMD itself, shell form (corpus 1019, privoxy)', () => {
    const [hit] = hits(
      df(
        'FROM debian',
        'RUN apt-get install -y privoxy gosu',
        'CMD gosu privoxy privoxy --no-daemon /etc/privoxy/config'
      ),
      'LP101'
    )
    expect(hit).toMatchObject({
      level: 'warning',
      line: 1,
      properties: { cause: 'drops-privileges', drop_user: 'privoxy' }
    })
    expect(hit.message).toMatch(/then drops to `privoxy` with gosu in CMD on line 3/)
  })

  it.each([
    ['ENTRYPOINT ["gosu", "app", "/app"]', 'gosu'],
    ['CMD ["su-exec", "app", "/app"]', 'su-exec'],
    ['ENTRYPOINT ["setpriv", "--reuid=1000", "--regid=1000", "--init-groups", "/app"]', 'setpriv'],
    ['ENTRYPOINT ["runuser", "-u", "app", "--", "/app"]', 'runuser'],
    ['ENTRYPOINT ["chroot", "--userspec=1000:1000", "/", "/app"]', 'chroot'],
    ['CMD ["s6-setuidgid", "app", "/app"]', 's6-setuidgid'],
    ['CMD su app -s /bin/sh -c /app', 'su'],
    // corpus 0413 (discourse_test): ENTRYPOINT ["sudo", "-E", "-u", "discourse", ...]
    ['ENTRYPOINT ["sudo", "-E", "-u", "discourse", "-H", "ruby", "script/docker_test.rb"]', 'sudo'],
    ['ENTRYPOINT ["/sbin/tini", "--", "gosu", "app", "/app"]', 'gosu']
  ])('warns for %s', (instruction, tool) => {
    const [hit] = hits(df('FROM debian', instruction), 'LP101')
    expect(hit).toMatchObject({
      level: 'warning',
      properties: { cause: 'drops-privileges', drop_tool: tool }
    })
  })

  it('does not take a drop to root, or a plain command, for a drop', () => {
    expect(hits(df('FROM debian', 'ENTRYPOINT ["gosu", "root", "/app"]'), 'LP101')[0].level).toBe('error')
    expect(hits(df('FROM debian', 'CMD ["su", "-c", "/app"]'), 'LP101')[0].level).toBe('error')
    expect(hits(df('FROM debian', 'CMD ["/app"]'), 'LP101')[0].level).toBe('error')
  })

  it('names the USER root line it starts from when root is explicit', () => {
    const [hit] = hits(df('FROM debian', 'USER root', 'ENTRYPOINT ["gosu", "app", "/app"]'), 'LP101')
    expect(hit).toMatchObject({ line: 2, level: 'warning' })
    expect(hit.message).toMatch(
      /^The final stage starts as root \(USER root on line 2 is root\), then drops to `app`/
    )
  })

  it("says when a known root base image's own entrypoint steps down (FROM postgres + config)", () => {
    const [hit] = hits(df('FROM postgres:16', 'COPY init.sql /docker-entrypoint-initdb.d/'), 'LP101')
    expect(hit).toMatchObject({
      level: 'warning',
      properties: { cause: 'base-entrypoint-drops', drop_user: 'postgres' }
    })
    expect(hit.message).toMatch(/steps down to `postgres` for the image.s server command/)
    // A Dockerfile ENTRYPOINT replaces the base image's one.
    expect(hits(df('FROM postgres:16', 'ENTRYPOINT ["/bin/sh"]'), 'LP101')[0].level).toBe('error')
  })

  it('a measured or declared non-root user still settles it (runByDeployment keeps wrapping)', () => {
    const built = model(df('FROM debian', 'ENTRYPOINT ["gosu", "app", "/app"]'))
    const [hit] = evaluateRules([finalStageRunsAsRoot], {
      model: built,
      profile: { user: '1000' } as RuntimeProfile
    })
    expect(hit).toMatchObject({ level: 'note', properties: { overridden_by_deployment: true } })
  })
})

describe('LP101 base images: known non-root, known root, unknown', () => {
  it.each([
    'haproxy:3.0',
    'memcached:1.6',
    'elasticsearch:8.15.0',
    'kibana:8.15.0',
    'prom/node-exporter',
    'registry.k8s.io/pause:3.9'
  ])('does not fire on %s with a config file copied in', image => {
    expect(hits(df(`FROM ${image}`, 'COPY app.cfg /etc/app/'), 'LP101')).toEqual([])
  })

  it('an unknown base is a warning that the base image decides (corpus 0409, FROM bats-jenkins)', () => {
    const [hit] = hits(df('FROM bats-jenkins', 'RUN jenkins-plugin-cli --plugins x'), 'LP101')
    expect(hit).toMatchObject({
      level: 'warning',
      properties: { cause: 'unknown-base', baseImageClass: 'unknown' }
    })
    expect(hit.message).toMatch(/its base image `bats-jenkins` is not one whose default user is known/)
    expect(hit.message).toMatch(
      /The base image decides whether it runs as root; the build and probe settle it/
    )
    expect(hit.message).not.toMatch(/Docker's default, root, applies/)
  })

  it('a known root base is still an error', () => {
    expect(hits(df('FROM alpine:3.22', 'COPY app /app'), 'LP101')[0]).toMatchObject({
      level: 'error',
      properties: { cause: 'no-user', baseImageClass: 'known-root' }
    })
  })
})

describe('LP101 images without a process', () => {
  it('is a note for FROM scratch with no CMD or ENTRYPOINT (corpus 1408, linuxserver docker-mods)', () => {
    const [hit] = hits(
      df('# syntax=docker/dockerfile:1', '', 'FROM scratch', 'LABEL maintainer="x"', 'COPY root/ /'),
      'LP101'
    )
    expect(hit).toMatchObject({ level: 'note', line: 3, properties: { cause: 'no-process' } })
    expect(hit.message).toMatch(/^The final stage has no process to run as root/)
  })

  it('is a note for a BuildKit export stage reached through scratch stages (corpus 1453, buildx binaries)', () => {
    const text = df(
      'FROM golang AS build',
      'RUN go build -o /out/app',
      'FROM scratch AS binaries-linux',
      'COPY --from=build /out/ /',
      'FROM binaries-linux'
    )
    expect(hits(text, 'LP101')[0]).toMatchObject({ level: 'note', properties: { cause: 'no-process' } })
  })

  it('is still an error when any stage of the lineage sets a process', () => {
    const text = df('FROM scratch AS base', 'COPY app /app', 'CMD ["/app"]', 'FROM base', 'COPY cfg /cfg')
    expect(hits(text, 'LP101')[0]).toMatchObject({ level: 'error', properties: { cause: 'scratch' } })
  })
})

describe('LP101 on Windows', () => {
  it.each(['mcr.microsoft.com/windows/nanoserver:1809', 'mcr.microsoft.com/windows/nanoserver:ltsc2019'])(
    'does not fire on %s without USER: Nano Server 1709+ runs as ContainerUser (corpus 1147, 1213)',
    image => {
      expect(hits(df(`FROM ${image}`, 'COPY app.exe C:/app/', 'CMD ["C:\\app\\app.exe"]'), 'LP101')).toEqual(
        []
      )
    }
  )

  it('uses Windows wording and the Windows fix for servercore (corpus 1111)', () => {
    const [hit] = hits(
      df('FROM mcr.microsoft.com/windows/servercore:ltsc2019', 'RUN powershell -Command Install-Thing'),
      'LP101'
    )
    expect(hit).toMatchObject({ level: 'error', properties: { windows: true } })
    expect(hit.message).toMatch(/runs as ContainerAdministrator/)
    expect(hit.message).toMatch(/Use `USER ContainerUser`/)
    expect(hit.message).not.toMatch(/root|uid/)
  })

  it('calls a Nano Server 2016 image ContainerAdministrator', () => {
    expect(hits(df('FROM mcr.microsoft.com/windows/nanoserver:sac2016'), 'LP101')[0].level).toBe('error')
  })

  it('an unknown Windows base (backtick escape) is a warning in Windows words', () => {
    const [hit] = hits(df('# escape=`', 'FROM stefanscherer/chocolatey', 'RUN choco install -y git'), 'LP101')
    expect(hit).toMatchObject({ level: 'warning', properties: { cause: 'unknown-base', windows: true } })
    expect(hit.message).toMatch(/USER ContainerUser/)
  })

  it('a USER added to the local Administrators group is an administrator (corpus 0410, jenkins windows)', () => {
    const text = df(
      '# escape=`',
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
      'ARG user=jenkins',
      'RUN New-LocalUser -Name $env:user -NoPassword | Out-Null ; `',
      '    Add-LocalGroupMember -Group "Administrators" -Member "${env:user}" ; `',
      '    New-Item -Type Directory -Force -Path "C:/ProgramData/Jenkins" | Out-Null',
      'USER ${user}'
    )
    const [hit] = hits(text, 'LP101')
    expect(hit).toMatchObject({
      level: 'error',
      line: 7,
      properties: { cause: 'windows-administrator', groupLine: 4 }
    })
    expect(hit.message).toMatch(/^USER \$\{user\} on line 7 is a member of the local Administrators group/)
    const net = df(
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
      'RUN net user app /add && net localgroup Administrators app /add',
      'USER app'
    )
    expect(hits(net, 'LP101')[0].properties).toMatchObject({ cause: 'windows-administrator' })
    const plain = df(
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
      'RUN net user app /add && net localgroup Users app /add',
      'USER app'
    )
    expect(hits(plain, 'LP101')).toEqual([])
  })
})

describe('LP102 user-only-in-builder-stage', () => {
  it('fires with LP101 when USER is set only in a builder stage', () => {
    const findings = lint(fixture('multistage-user-in-builder.Dockerfile'))
    const lp102 = findings.filter(f => f.ruleId === 'LP102')
    expect(lp102).toHaveLength(1)
    expect(lp102[0]).toMatchObject({ line: 7, level: 'warning' })
    expect(lp102[0].message).toMatch(
      /^USER node is set only in stage 'deps' \(line 2\), which does not reach the final image/
    )
    expect(findings.filter(f => f.ruleId === 'LP101')).toHaveLength(1)
  })

  it('does not fire when the final image is non-root or the builder USER is root', () => {
    expect(hits(df('FROM a AS b', 'USER 1000', 'FROM c', 'USER 1000'), 'LP102')).toEqual([])
    expect(hits(df('FROM a AS b', 'USER root', 'FROM c'), 'LP102')).toEqual([])
    expect(hits(df('FROM a AS b', 'USER 1000', 'FROM b'), 'LP102')).toEqual([])
  })
})

describe('LP103 user-not-numeric', () => {
  it('fires for a named final USER and suggests the uid created for it', () => {
    const [hit] = hits(df('FROM debian', 'RUN useradd -u 10001 -m app', 'USER app'), 'LP103')
    expect(hit).toMatchObject({ line: 3, level: 'note' })
    expect(hit.message).toMatch(/use USER 10001 instead/)
    expect(hits(df('FROM alpine', 'RUN adduser -D app', 'USER app:app'), 'LP103')[0].message).toMatch(
      /the numeric uid/
    )
  })

  it('does not fire for numeric users, root, known images, or builder-only names', () => {
    expect(hits(df('FROM alpine', 'USER 1000:app'), 'LP103')).toEqual([])
    expect(hits(df('FROM alpine', 'USER root'), 'LP103')).toEqual([])
    expect(hits(df('FROM gcr.io/distroless/static:nonroot'), 'LP103')).toEqual([])
    expect(hits(df('FROM alpine AS b', 'USER app', 'FROM alpine', 'USER 1000'), 'LP103')).toEqual([])
  })
})

describe('LP104 privileged-port-exposed', () => {
  it('fires per port below 1024 in the final image when non-root', () => {
    const found = hits(df('FROM alpine', 'EXPOSE 80 443/tcp 8080', 'USER 1000'), 'LP104')
    expect(found.map(f => f.properties?.port)).toEqual([80, 443])
    expect(found[0].message).toMatch(/Kubernetes/)
  })

  it('does not fire when root (LP101 covers it), for high ports, or in builder stages', () => {
    expect(hits(df('FROM alpine', 'EXPOSE 80'), 'LP104')).toEqual([])
    expect(hits(df('FROM alpine', 'EXPOSE 8080 1024', 'USER 1000'), 'LP104')).toEqual([])
    expect(hits(df('FROM alpine AS b', 'EXPOSE 80', 'FROM alpine', 'USER 1000'), 'LP104')).toEqual([])
  })
})

describe('Windows images', () => {
  it('treat ContainerAdministrator as root and skip uid/port notes', () => {
    const base = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022'
    expect(hits(df(base, 'USER ContainerAdministrator'), 'LP101')).toHaveLength(1)
    expect(hits(df(base, 'EXPOSE 80', 'USER ContainerUser'), 'LP104')).toEqual([])
    expect(hits(df(base, 'USER ContainerUser'), 'LP103')).toEqual([])
  })
})

describe('LP105 user-unresolved', () => {
  it('fires for USER with an ARG without default, naming it', () => {
    const [hit] = hits(df('FROM alpine', 'ARG APP_UID', 'USER ${APP_UID}'), 'LP105')
    expect(hit).toMatchObject({ line: 3, level: 'warning' })
    expect(hit.message).toMatch(
      /^USER \$\{APP_UID\} \(line 3\) cannot be resolved statically: ARG APP_UID has no default value/
    )
  })

  it('fires for FROM $UNRESOLVED at the FROM line', () => {
    const [hit] = hits(df('ARG BASE_IMAGE', 'FROM ${BASE_IMAGE}', 'RUN true'), 'LP105')
    expect(hit.line).toBe(2)
    expect(hit.message).toMatch(/\$BASE_IMAGE/)
  })

  it('does not fire for USER ${NB_UID} on a Jupyter image, whose ENV sets NB_UID=1000 (corpus 0502)', () => {
    const text = df(
      'FROM quay.io/jupyter/base-notebook:2026-07-28',
      'USER root',
      'RUN apt-get update',
      'USER ${NB_UID}'
    )
    expect(hits(text, 'LP105')).toEqual([])
    expect(hits(text, 'LP101')).toEqual([])
    // The same variable on a base that does not document it stays unresolved.
    expect(hits(df('FROM debian', 'USER ${NB_UID}'), 'LP105')).toHaveLength(1)
  })

  it('does not fire once a build arg supplies the value', () => {
    expect(
      hits(df('FROM alpine', 'ARG APP_UID', 'USER ${APP_UID}'), 'LP105', { buildArgs: { APP_UID: '1000' } })
    ).toEqual([])
  })
})

describe('LP102 next to the LP101 causes', () => {
  it('does not claim "set only in a builder" when the final stage set a non-root USER and switched back (corpus 0412)', () => {
    const text = df(
      'FROM alpine AS fetch',
      'USER app',
      'FROM debian',
      'USER discourse',
      'RUN make',
      'USER root'
    )
    expect(hits(text, 'LP102')).toEqual([])
    expect(hits(text, 'LP101')[0].properties).toMatchObject({ cause: 'switched-back-to-root' })
  })

  it('is silent for an image with no process and a note on an unknown base', () => {
    expect(
      hits(
        df('FROM golang AS b', 'USER 1000', 'RUN go build', 'FROM scratch', 'COPY --from=b /out /'),
        'LP102'
      )
    ).toEqual([])
    const [hit] = hits(
      df('FROM golang AS b', 'USER 1000', 'FROM mycorp/base', 'COPY --from=b /out /'),
      'LP102'
    )
    expect(hit).toMatchObject({ level: 'note' })
    expect(hit.message).toMatch(/base image's default user, which is not known here/)
  })

  // corpus 1462 (moby/buildkit): `rootless` is a second target of the file, built with --target, which no
  // stage builds on; its USER was not forgotten, so LP102 does not speak of it.
  it('is silent for a USER in a stage nothing builds on or copies from (another target)', () => {
    const text = df(
      'FROM alpine AS base',
      'FROM base AS rootless',
      'USER 1000:1000',
      'FROM base',
      'CMD ["/x"]'
    )
    expect(hits(text, 'LP102')).toEqual([])
    expect(hits(text, 'LP101')).toHaveLength(1)
    const builder = df(
      'FROM alpine AS b',
      'USER 1000',
      'RUN make',
      'FROM alpine',
      'COPY --from=b /out /',
      'CMD ["/x"]'
    )
    expect(hits(builder, 'LP102')).toHaveLength(1)
  })
})
