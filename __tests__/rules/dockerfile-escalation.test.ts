import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { df, hits } from '../dockerfile/lint-helper'

const fixture = (name: string) => readFileSync(join(process.cwd(), '__fixtures__/dockerfiles', name), 'utf8')

describe('LP201 file-capabilities-set', () => {
  it('fires for setcap in the final image with the capabilities and file', () => {
    const [hit] = hits(
      df(
        'FROM debian',
        'RUN apt-get install -y libcap2-bin && setcap cap_net_bind_service=+ep /usr/bin/node'
      ),
      'LP201'
    )
    expect(hit).toMatchObject({ line: 2, level: 'note', principle: 'runtime-hardening' })
    expect(hit.properties).toEqual({ capabilities: 'cap_net_bind_service=+ep', file: '/usr/bin/node' })
  })

  it('does not fire for setcap -r, getcap, or a builder stage', () => {
    expect(hits(df('FROM debian', 'RUN setcap -r /usr/bin/x && getcap /usr/bin/x'), 'LP201')).toEqual([])
    expect(
      hits(
        df('FROM debian AS b', 'RUN setcap cap_net_raw+ep /x', 'FROM debian', 'COPY --from=b /y /y'),
        'LP201'
      )
    ).toEqual([])
  })
})

describe('LP401 setuid-bit-set', () => {
  it.each([
    ['chmod 4755 /usr/local/bin/tool', 'error'],
    ['chmod 04755 /usr/local/bin/tool', 'error'],
    ['chmod 6755 /usr/local/bin/tool', 'error'],
    ['chmod u+s /usr/local/bin/tool', 'error'],
    ['chmod +s /usr/local/bin/tool', 'error'],
    ['chmod a+s /usr/local/bin/tool', 'error'],
    ['chmod -R u+rwx,u+s /opt/x', 'error'],
    ['install -m 4755 tool /usr/local/bin/tool', 'error'],
    ['find /opt -name tool -exec chmod u+s {} \\;', 'error'],
    ['chmod g+s /srv/shared', 'warning'],
    ['chmod 2775 /srv/shared', 'warning']
  ])('fires for `%s` (%s)', (command, level) => {
    const [hit, ...rest] = hits(df('FROM alpine', 'USER 1000', `RUN set -e && ${command}`), 'LP401')
    expect(rest).toEqual([])
    expect(hit).toMatchObject({ line: 3, level, principle: 'no-escalation' })
  })

  it.each([
    'chmod 755 /x',
    'chmod u-s /x',
    'chmod -s /x',
    'chmod 0644 /x',
    'chmod +x /x',
    'chmod $MODE /x',
    'echo chmod u+s'
  ])('does not fire for `%s`', command => {
    expect(hits(df('FROM alpine', `RUN ${command}`), 'LP401')).toEqual([])
  })

  it('fires for COPY/ADD --chmod with setuid modes, also among other flags', () => {
    const found = hits(
      df(
        'FROM alpine AS b',
        'FROM alpine',
        'COPY --from=b --chmod=4755 /t /usr/bin/t',
        'ADD --chmod=u+s x /x'
      ),
      'LP401'
    )
    expect(found.map(f => [f.line, f.level])).toEqual([
      [3, 'error'],
      [4, 'error']
    ])
  })

  it('does not fire for setgid/setuid modes on directories created by install -d or mkdir -m', () => {
    const text = df('FROM alpine', 'RUN install -d -o pg -m 3777 /var/run/pg && mkdir -m 2775 /srv/shared')
    expect(hits(text, 'LP401')).toEqual([])
  })

  it('says whose privileges a setgid file hands out', () => {
    expect(hits(df('FROM alpine', 'RUN chmod g+s /usr/bin/tool'), 'LP401')[0].message).toMatch(
      /its group's privileges/
    )
  })

  it('does not fire for chmod u+s in a builder stage only', () => {
    const text = df(
      'FROM alpine AS build',
      'RUN chmod u+s /build/tool',
      'FROM alpine',
      'COPY --from=build /build/app /app'
    )
    expect(hits(text, 'LP401')).toEqual([])
  })

  it('notes a COPY --from that carries a path the builder made setuid', () => {
    const found = hits(
      fixture('multistage-root-builder.Dockerfile').replace('/out/app /app', '/src/tool /tool'),
      'LP401'
    )
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ level: 'note', line: 8 })
    expect(found[0].message).toMatch(/copies \/src\/tool, which stage 'build' made setuid\/setgid \(line 4\)/)
    expect(hits(fixture('multistage-root-builder.Dockerfile'), 'LP401')).toEqual([])
  })

  it('counts stages the final stage is built FROM', () => {
    expect(
      hits(df('FROM alpine AS base', 'RUN chmod 4755 /bin/x', 'FROM base', 'USER 1000'), 'LP401')
    ).toHaveLength(1)
  })
})

describe('LP402 sudo-used', () => {
  it.each([
    ['RUN sudo apt-get update', 'invokes sudo'],
    ['RUN apt-get update && sudo apt-get install -y curl', 'invokes sudo'],
    ['RUN true; sudo -u root id', 'invokes sudo'],
    ['RUN echo hi | sudo tee /etc/x', 'invokes sudo'],
    ['RUN ["sudo", "id"]', 'invokes sudo'],
    ['RUN ["/bin/sh", "-c", "sudo id"]', 'invokes sudo'],
    ['RUN sh -c "make && sudo make install"', 'invokes sudo'],
    ['RUN apt-get update && apt-get install -y --no-install-recommends curl sudo', 'installs sudo'],
    ['RUN apk add --no-cache sudo=1.9.15-r0', 'installs sudo'],
    ['RUN dnf install -y sudo', 'installs sudo'],
    ['RUN echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app', 'writes a NOPASSWD sudoers rule'],
    ['RUN echo "app ALL=(ALL) ALL" >> /etc/sudoers', 'configures sudoers']
  ])('fires for %s', (instruction, reason) => {
    const [hit] = hits(df('FROM debian', instruction, 'USER 1000'), 'LP402')
    expect(hit).toMatchObject({ line: 2, level: 'error' })
    expect(hit.properties?.reasons).toContain(reason)
  })

  it('fires for a COPY of a sudoers file', () => {
    expect(hits(df('FROM debian', 'COPY app.sudoers /etc/sudoers.d/app'), 'LP402')).toHaveLength(1)
  })

  it.each([
    'RUN echo sudo',
    'RUN apt-get install -y sudoku',
    'RUN pseudo-build',
    'RUN apt-get remove sudo',
    'RUN grep -r sudo /etc/group'
  ])('does not fire for %s', instruction => {
    expect(hits(df('FROM debian', instruction), 'LP402')).toEqual([])
  })

  it('does not fire for sudo used only in a builder stage', () => {
    expect(hits(fixture('multistage-root-builder.Dockerfile'), 'LP402')).toEqual([])
  })
})

describe('LP403 world-writable-mode', () => {
  it.each([
    'chmod 777 /data',
    'chmod 0666 /data/f',
    'chmod -R 777 /app',
    'chmod o+w /data',
    'chmod a+rwx /data',
    'chmod 2777 /srv',
    'mkdir -m 777 /data'
  ])('fires for `%s`', command => {
    const [hit] = hits(df('FROM alpine', `RUN ${command}`), 'LP403')
    expect(hit).toMatchObject({ line: 2, level: 'warning' })
  })

  it.each([
    'chmod 1777 /tmp',
    'chmod 755 /app',
    'chmod +w /app',
    'chmod u+w,g+w /app',
    'chmod a+rwxt /scratch'
  ])('does not fire for `%s` (sticky dirs are the shared-temp layout)', command => {
    expect(hits(df('FROM alpine', `RUN ${command}`), 'LP403')).toEqual([])
  })

  it('fires for COPY --chmod=777 but not in a builder stage', () => {
    expect(hits(df('FROM alpine', 'COPY --chmod=777 run.sh /run.sh'), 'LP403')).toHaveLength(1)
    expect(hits(df('FROM alpine AS b', 'RUN chmod 777 /x', 'FROM alpine'), 'LP403')).toEqual([])
  })
})
