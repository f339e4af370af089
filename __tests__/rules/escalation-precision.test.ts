// The no-escalation and file-capability verdicts on the classes the corpus review graded (corpus ids cited),
// and on variations of them the review does not show.
import { describe, expect, it } from '@jest/globals'
import { setcapGrants } from '../../src/rules/dockerfile/file-caps'
import { sudoTarget } from '../../src/rules/dockerfile/sudo-facts'
import { df, hits } from '../dockerfile/lint-helper'

describe('setgid on directories is no escalation (LP401)', () => {
  it('ignores a setgid chmod limited to directories by find -type d, naming no `{}`', () => {
    // corpus 1315 (logstash): find /usr/share/logstash -type d -exec chmod g+s {} \;
    const text = df(
      'FROM ubuntu:24.04',
      'RUN mkdir -p /usr/share/logstash && find /usr/share/logstash -type d -exec chmod g+s {} \\;',
      'USER 1000'
    )
    expect(hits(text, 'LP401')).toEqual([])
  })

  it('ignores setgid on a path the Dockerfile shows is a directory', () => {
    // corpus 1314 (kibana): chmod g+ws /usr/share/kibana, a directory with config/kibana.yml below it
    const text = df(
      'FROM ubuntu:24.04',
      'COPY --chown=1000:0 config/kibana.yml /usr/share/kibana/config/kibana.yml',
      'RUN chmod g+ws /usr/share/kibana',
      'USER 1000'
    )
    expect(hits(text, 'LP401')).toEqual([])
    // The same through ENV PATH, or a directory made in an earlier RUN.
    expect(hits(df('FROM alpine', 'ENV PATH=/opt/app/bin:$PATH', 'RUN chmod g+s /opt/app'), 'LP401')).toEqual(
      []
    )
    expect(hits(df('FROM alpine', 'RUN mkdir /srv/team', 'RUN chmod 2775 /srv/team'), 'LP401')).toEqual([])
  })

  it('ignores chmod -R g+s on a tree the same RUN just created empty, and keeps the 777 warning', () => {
    // corpus 1238 (caddy): mkdir -p /var/www/html && chown -R 1001:0 /var/www && chmod -R 777 && chmod -R g+s
    const text = df(
      'FROM centos:7',
      'RUN mkdir -p /var/www/html && chown -R 1001:0 /var/www && chmod -R 777 /var/www && chmod -R g+s /var/www',
      'USER 1001'
    )
    expect(hits(text, 'LP401')).toEqual([])
    expect(hits(text, 'LP403')).toHaveLength(1)
  })

  it('ignores a trailing slash, mkdir -m and install -d', () => {
    expect(hits(df('FROM alpine', 'RUN chmod g+s /srv/shared/'), 'LP401')).toEqual([])
    expect(hits(df('FROM alpine', 'RUN install -d -m 2775 -g 0 /data'), 'LP401')).toEqual([])
  })

  it('still warns for chmod -R g+s on a tree that holds extracted files', () => {
    const text = df(
      'FROM alpine',
      'RUN mkdir -p /opt/app && tar -xzf app.tgz -C /opt/app && chmod -R g+s /opt/app'
    )
    const [hit, ...rest] = hits(text, 'LP401')
    expect(rest).toEqual([])
    expect(hit.level).toBe('warning')
  })

  it('gives a setgid bit on a possible file a setgid fix, not the setuid one', () => {
    const [hit] = hits(df('FROM alpine', 'RUN chmod g+s /usr/local/bin/report'), 'LP401')
    expect(hit.level).toBe('warning')
    expect(hit.message).toMatch(/if that is an executable, whoever runs it gets its group's privileges/)
    expect(hit.message).toMatch(/mkdir -m 2775/)
    expect(hit.message).toMatch(/remove g\+s/)
    expect(hit.message).not.toMatch(/u\+s/)
  })

  it('names what a find -exec chmod reaches instead of `{}`', () => {
    const [hit] = hits(df('FROM alpine', "RUN find /opt -name 'helper*' -exec chmod 4755 {} \\;"), 'LP401')
    expect(hit.level).toBe('error')
    expect(hit.message).toContain('on what `find /opt -name helper*` matches')
    expect(hit.message).not.toContain('on {}')
    expect(hit.properties).toMatchObject({ paths: ['/opt'], find: 'find /opt -name helper*' })
  })

  it('ignores a setuid bit removed again: the file deleted, or every setuid bit stripped later', () => {
    expect(
      hits(df('FROM alpine', 'RUN chmod u+s /tmp/probe && /tmp/probe && rm -f /tmp/probe'), 'LP401')
    ).toEqual([])
    // corpus 1314 (kibana) line 98: find / -xdev -perm -4000 -exec chmod u-s {} +
    const stripped = df(
      'FROM alpine',
      'RUN chmod u+s /usr/local/bin/helper',
      'RUN find / -xdev -perm -4000 -exec chmod u-s {} +'
    )
    expect(hits(stripped, 'LP401')).toEqual([])
    // A strip of another tree does not cover it.
    expect(
      hits(
        df(
          'FROM alpine',
          'RUN chmod u+s /usr/local/bin/helper && find /opt -perm -4000 -exec chmod u-s {} +'
        ),
        'LP401'
      )
    ).toHaveLength(1)
  })
})

describe('world-writable paths that never ship (LP403)', () => {
  it('ignores a mktemp directory made world-writable and removed in the same RUN', () => {
    // corpus 0353 (nginx) and 0367 (nginx-unprivileged): chmod 777 "$tempDir" ... rm -rf "$tempDir"
    const nginx = df(
      'FROM debian:bookworm-slim',
      'RUN set -x \\',
      '    && tempDir="$(mktemp -d)" \\',
      '    && chmod 777 "$tempDir" \\',
      '    && cd "$tempDir" && apt-get source nginx \\',
      '    && if [ -n "$tempDir" ]; then \\',
      '        apt-get purge -y --auto-remove \\',
      '        && rm -rf "$tempDir" /etc/apt/sources.list.d/temp.list; \\',
      '    fi'
    )
    expect(hits(nginx, 'LP403')).toEqual([])
    const variation = df('FROM alpine', 'RUN d=$(mktemp -d); chmod 0777 $d; make -C $d; rm -fr $d')
    expect(hits(variation, 'LP403')).toEqual([])
  })

  it('ignores a literal path removed by a later RUN, and still fires when nothing removes it', () => {
    expect(
      hits(df('FROM alpine', 'RUN mkdir /build && chmod 777 /build', 'RUN rm -rf /build'), 'LP403')
    ).toEqual([])
    expect(
      hits(df('FROM alpine', 'RUN mkdir /build && chmod 777 /build', 'RUN rm -rf /build/cache'), 'LP403')
    ).toHaveLength(1)
    expect(hits(df('FROM alpine', 'RUN d=$(mktemp -d) && chmod 777 $d'), 'LP403')).toHaveLength(1)
  })

  it('says "it" for one path and "them" for a tree', () => {
    expect(hits(df('FROM alpine', 'RUN chmod 666 /data/f'), 'LP403')[0].message).toMatch(/replace it\.$/)
    expect(hits(df('FROM alpine', 'RUN chmod -R 777 /data'), 'LP403')[0].message).toMatch(/replace them\.$/)
  })
})

describe('write access to account and sudoers files (LP404)', () => {
  it('is an error for group or other write to /etc/passwd and /etc/shadow, not an LP403 warning', () => {
    // review probe s18
    const text = df('FROM alpine', 'RUN chmod 666 /etc/passwd && chmod o+w /etc/shadow', 'USER 10001')
    const found = hits(text, 'LP404')
    expect(found.map(f => [f.level, f.properties?.paths])).toEqual([
      ['error', ['/etc/passwd']],
      ['error', ['/etc/shadow']]
    ])
    expect(found[0].message).toMatch(/writable by every user; a writer can add a uid-0 account/)
    expect(hits(text, 'LP403')).toEqual([])
  })

  it.each([
    ['chmod g+w /etc/passwd', '/etc/passwd'], // corpus 0507 (jupyter) line 91
    ['chmod g=u /etc/group', '/etc/group'],
    ['chmod 0660 /etc/sudoers', '/etc/sudoers'],
    ['chmod 775 /etc/sudoers.d', '/etc/sudoers.d'],
    ['chmod 664 /etc/sudoers.d/app', '/etc/sudoers.d/app'],
    ['chmod -R a+w /etc', '/etc, which holds /etc/passwd and /etc/shadow'],
    ['find / -exec chmod o+w {} +', '/etc/passwd, /etc/shadow and everything else below /']
  ])('fires for `%s`', (command, path) => {
    const [hit, ...rest] = hits(df('FROM alpine', `RUN ${command}`), 'LP404')
    expect(rest).toEqual([])
    expect(hit).toMatchObject({ level: 'error', line: 2, principle: 'no-escalation' })
    expect(hit.properties?.paths).toEqual([path])
  })

  it.each([
    'chmod 0440 /etc/sudoers.d/app',
    'chmod 644 /etc/passwd',
    'chmod -R g+w /etc/nginx', // corpus 0367 (nginx-unprivileged)
    "find / -name '*.conf' -exec chmod o+w {} +",
    'chmod u+w /etc/shadow'
  ])('does not fire for `%s`', command => {
    expect(hits(df('FROM alpine', `RUN ${command}`), 'LP404')).toEqual([])
  })

  it('fires for COPY --chmod onto an account file', () => {
    const [hit] = hits(df('FROM alpine', 'COPY --chmod=666 passwd /etc/passwd'), 'LP404')
    expect(hit).toMatchObject({ level: 'error', line: 2 })
  })

  it('is a note when every setuid bit is stripped afterwards, so no su or sudo can use it', () => {
    // corpus 1313 (elasticsearch): chmod g=u /etc/passwd && find / -xdev -perm -4000 -exec chmod ug-s {} +
    const text = df(
      'FROM redhat/ubi9-minimal',
      'RUN chmod g=u /etc/passwd && \\',
      '    find / -xdev -perm -4000 -exec chmod ug-s {} +',
      'USER 1000:0'
    )
    const [hit] = hits(text, 'LP404')
    expect(hit.level).toBe('note')
    expect(hit.message).toMatch(/strips the setuid bits afterwards \(line 2\)/)
  })
})

describe('sudo (LP402)', () => {
  it('reads the user sudo switches to', () => {
    expect(sudoTarget(['-u', 'app', 'id'])).toBe('app')
    expect(sudoTarget(['-E', '-u', 'discourse', '-H', 'git'])).toBe('discourse')
    expect(sudoTarget(['-Eu', 'app', 'id'])).toBe('app')
    expect(sudoTarget(['--user=app', 'id'])).toBe('app')
    expect(sudoTarget(['-uapp', 'id'])).toBe('app')
    expect(sudoTarget(['-g', 'staff', 'id'])).toBeUndefined()
    expect(sudoTarget(['id', '-u', 'x'])).toBeUndefined()
  })

  it('gives one finding for sudo in the image; root running sudo -u during the build is a drop', () => {
    // corpus 0411 (discourse image-base): sudo installed at line 88, then four `sudo -u discourse` RUNs
    const text = df(
      'FROM ruby:3.3 AS runtime',
      'RUN apt-get update && apt-get install -y gnupg sudo curl',
      'RUN useradd discourse && sudo -u discourse vips --version',
      'FROM runtime AS slim',
      'RUN sudo -u discourse git clone https://example.invalid/d.git /var/www/discourse',
      'FROM slim',
      "RUN sudo -u discourse /bin/bash -c 'yarn install'"
    )
    const [hit, ...rest] = hits(text, 'LP402')
    expect(rest).toEqual([])
    expect(hit).toMatchObject({ line: 2, level: 'error' })
    expect(hit.properties).toEqual({ reasons: ['installs sudo'], lines: [2] })
    expect(hit.message).toMatch(
      /^sudo is in the final image \(stage 'runtime', part of the final image\): installs sudo \(line 2\)\./
    )
  })

  it('lists every line of a stage in one finding, CMD sudo run by the non-root USER included', () => {
    // corpus 0941 (mediagoblin): sudo installed, NOPASSWD nginx/chown, then `CMD ... sudo nginx`
    const text = df(
      'FROM debian:bookworm',
      'RUN apt-get install -y nginx sudo',
      "RUN echo 'mediagoblin ALL=(ALL:ALL) NOPASSWD: /usr/sbin/nginx, /bin/chown' >> /etc/sudoers",
      'USER mediagoblin',
      'CMD set -xe && sudo nginx && sudo chown -hR mediagoblin /var/lib/mediagoblin && exec app'
    )
    const [hit, ...rest] = hits(text, 'LP402')
    expect(rest).toEqual([])
    expect(hit.properties?.lines).toEqual([2, 3, 5])
    expect(hit.message).toContain('installs sudo (line 2)')
    expect(hit.message).toContain('writes a NOPASSWD sudoers rule (line 3)')
    expect(hit.message).toContain('CMD runs sudo as mediagoblin at every start (line 5)')
  })

  it('fires for sudo in CMD as a non-root user when sudo comes from the base image', () => {
    // review probe s41
    const [hit] = hits(
      df('FROM mycorp/base-with-sudo:1', 'USER 1000', 'CMD sudo /usr/local/bin/start-as-root'),
      'LP402'
    )
    expect(hit).toMatchObject({ line: 3, level: 'error' })
  })

  it('warns for an ENTRYPOINT that drops with sudo, and not for the build-time drops', () => {
    // corpus 0413 (discourse_test): RUN sudo -E -u discourse ..., ENTRYPOINT ["sudo", "-E", "-u", "discourse", ...]
    const text = df(
      'ARG from_tag=slim',
      'FROM discourse/base:$from_tag',
      'RUN sudo -E -u discourse -H git config --global user.name "Your Name"',
      'ENTRYPOINT ["sudo", "-E", "-u", "discourse", "-H", "ruby", "script/docker_test.rb"]'
    )
    const [hit, ...rest] = hits(text, 'LP402')
    expect(rest).toEqual([])
    expect(hit).toMatchObject({ line: 4, level: 'warning' })
    expect(hit.message).toMatch(/ENTRYPOINT drops to discourse with sudo/)
    expect(hit.message).toMatch(/gosu, su-exec or setpriv/)
  })

  it('does not count sudoers edits that comment grants out', () => {
    // corpus 0507 (jupyter foundation) lines 85-87
    const removal =
      "RUN sed -i.bak -e 's/^%admin/#%admin/' /etc/sudoers && sed -i.bak -e 's/^%sudo/#%sudo/' /etc/sudoers"
    expect(hits(df('FROM ubuntu:24.04', removal), 'LP402')).toEqual([])
    expect(hits(df('FROM ubuntu:24.04', "RUN sed -i '/^%sudo/d' /etc/sudoers"), 'LP402')).toEqual([])
    const [hit, ...rest] = hits(df('FROM ubuntu:24.04', 'RUN apt-get install -y sudo', removal), 'LP402')
    expect(rest).toEqual([])
    expect(hit.properties?.lines).toEqual([2])
  })

  it('names a sed that enables a commented-out rule, and a Defaults change', () => {
    const wheel = "RUN sed -i 's/^# %wheel/%wheel/' /etc/sudoers"
    expect(hits(df('FROM fedora', wheel), 'LP402')[0].properties?.reasons).toEqual([
      'enables a commented-out sudoers rule'
    ])
    // corpus 1285 (postgres-centos7): s/.*requiretty$/#Defaults requiretty/ next to the install
    const [hit] = hits(
      df(
        'FROM centos:7',
        'RUN yum -y install sudo',
        "RUN sed -i 's/.*requiretty$/#Defaults requiretty/' /etc/sudoers"
      ),
      'LP402'
    )
    expect(hit.properties?.reasons).toEqual(['installs sudo', 'changes sudoers Defaults'])
  })

  it.each([
    ['useradd -rm -g root -G sudo -u 1000 test', 'adds test to group sudo'], // corpus 0829 (ansible)
    ['usermod -aG wheel app', 'adds app to group wheel'],
    ['usermod -a -G docker,sudo app', 'adds app to group sudo'],
    ['adduser app sudo', 'adds app to group sudo'],
    ['addgroup app wheel', 'adds app to group wheel'],
    ['gpasswd -a app sudo', 'adds app to group sudo']
  ])('names the group grant of `%s` next to the sudo install', (command, reason) => {
    const [hit] = hits(df('FROM debian', `RUN apt-get install -y sudo && ${command}`), 'LP402')
    expect(hit.properties?.reasons).toEqual(['installs sudo', reason])
    expect(hit.message).toContain(reason)
  })

  it('does not fire for a sudo group membership alone (inert without sudo)', () => {
    // review probe s17
    expect(hits(df('FROM debian', 'RUN useradd -m -G sudo app', 'USER app'), 'LP402')).toEqual([])
  })

  it('fires when a non-root USER runs sudo during the build, drop or not', () => {
    const [hit] = hits(df('FROM debian', 'USER app', 'RUN sudo -u postgres initdb'), 'LP402')
    expect(hit.properties?.reasons).toEqual(['runs sudo as app'])
  })

  it('ignores NOPASSWD in a comment', () => {
    expect(hits(df('FROM debian', 'RUN true # NOPASSWD is not used here'), 'LP402')).toEqual([])
  })
})

describe('file capabilities (LP201)', () => {
  it('reads setcap the way libcap does', () => {
    expect(setcapGrants(['cap_net_raw,cap_net_admin+eip', '/usr/bin/python3'])[0].raised).toEqual([
      'NET_ADMIN',
      'NET_RAW'
    ])
    expect(setcapGrants(['CAP_NET_RAW+eip CAP_NET_ADMIN+eip', '/usr/bin/dumpcap'])[0].raised).toEqual([
      'NET_ADMIN',
      'NET_RAW'
    ])
    expect(setcapGrants(['=ep', '/x'])[0].raised).toContain('SYS_ADMIN')
    expect(setcapGrants(['all=eip cap_sys_admin-ip', '/x'])[0].raised).not.toContain('SYS_ADMIN')
    expect(setcapGrants(['cap_net_admin+e', '/x'])[0].raised).toEqual([])
    expect(setcapGrants(['-q', 'cap_a+ep', '/a', 'cap_net_raw+ep', '/b']).map(g => g.file)).toEqual([
      '/a',
      '/b'
    ])
    expect(setcapGrants(['-v', 'cap_net_raw+ep', '/a'])).toEqual([])
    expect(setcapGrants(['-n', '1000', 'cap_net_raw+ep', '/a'])).toHaveLength(1)
  })

  it('warns for cap_sys_admin and names it', () => {
    // review probe s19
    const [hit] = hits(
      df('FROM debian', 'RUN setcap cap_sys_admin+ep /usr/bin/python3', 'USER 10001'),
      'LP201'
    )
    expect(hit.level).toBe('warning')
    expect(hit.message).toMatch(/cap_sys_admin is dangerous/)
    expect(hit.message).toMatch(
      /outside Docker's default set, so the exec fails with EPERM unless the deployment adds it/
    )
    expect(hit.properties?.dangerous).toEqual(['cap_sys_admin'])
  })

  it.each([
    ['cap_sys_ptrace+ep', 'warning'],
    ['cap_sys_module+ep', 'warning'],
    ['cap_dac_read_search+ep', 'warning'],
    ['cap_bpf+ep', 'warning'],
    ['cap_setgid+ep', 'warning'],
    ['cap_setuid+ep', 'error'],
    ['cap_dac_override+ep', 'error'],
    ['cap_chown,cap_fowner+ep', 'error'],
    ['=ep', 'error'],
    ['cap_net_bind_service=+ep', 'note'],
    ['cap_net_raw,cap_net_bind_service=+eip', 'note'] // corpus 0942 (metasploit)
  ])('rates `%s` as %s', (caps, level) => {
    const [hit, ...rest] = hits(df('FROM debian', `RUN setcap ${caps} /usr/bin/tool`), 'LP201')
    expect(rest).toEqual([])
    expect(hit.level).toBe(level)
  })

  it('warns for cap_net_admin on dumpcap, one finding per file set', () => {
    // corpus 0714 (wireshark): setcap 'CAP_NET_RAW+eip CAP_NET_ADMIN+eip' /usr/bin/dumpcap
    const [hit] = hits(
      df('FROM debian', "RUN setcap 'CAP_NET_RAW+eip CAP_NET_ADMIN+eip' /usr/bin/dumpcap"),
      'LP201'
    )
    expect(hit.level).toBe('warning')
    expect(hit.message).toMatch(/cap_net_admin is dangerous/)
    const two = hits(df('FROM debian', 'RUN setcap cap_net_raw+ep /bin/a cap_sys_ptrace+ep /bin/b'), 'LP201')
    expect(two.map(h => [h.properties?.file, h.level])).toEqual([
      ['/bin/a', 'note'],
      ['/bin/b', 'warning']
    ])
  })

  it('does not fire for setcap -r, -v or an effective-only set', () => {
    expect(
      hits(
        df('FROM debian', 'RUN setcap -r /x && setcap -v cap_net_raw+ep /x && setcap cap_net_raw+e /x'),
        'LP201'
      )
    ).toEqual([])
  })
})

describe('sudo removed again, and setgid directories copied from a builder', () => {
  it('does not report a sudo install that a later RUN purges', () => {
    const text = df(
      'FROM debian',
      'RUN apt-get install -y sudo && sudo -u nobody true',
      "RUN echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app",
      'RUN apt-get purge -y --auto-remove sudo',
      'USER app'
    )
    expect(hits(text, 'LP402')).toEqual([])
    // Installed again after the purge: reported.
    const again = text.replace('USER app', 'RUN apk add sudo\nUSER app')
    expect(hits(again, 'LP402').map(h => h.line)).toEqual([5])
  })

  it('does not note a COPY --from of directories a builder made setgid with find -type d', () => {
    const text = df(
      'FROM alpine AS build',
      'RUN mkdir -p /out/share && find /out -type d -exec chmod g+s {} +',
      'FROM alpine',
      'COPY --from=build /out /opt/app'
    )
    expect(hits(text, 'LP401')).toEqual([])
    expect(hits(text.replace('-type d ', ''), 'LP401')).toHaveLength(1)
  })
})
