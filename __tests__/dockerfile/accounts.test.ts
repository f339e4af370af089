// Users the Dockerfile creates: a named USER resolves to the uid it is created with, along the lineage,
// and a uid-0 alias is root.
import { describe, expect, it } from '@jest/globals'
import { df, hits, model } from './lint-helper'

const user = (...lines: string[]) => model(df(...lines)).finalStage.user

describe('accounts: a named USER resolves to the uid the Dockerfile creates it with', () => {
  it('reads shadow useradd with -u, bundled short options, --uid= and -g', () => {
    expect(user('FROM debian', 'RUN useradd -u 1001 -g app -m app', 'USER app')).toMatchObject({
      kind: 'non-root',
      uid: 1001
    })
    expect(user('FROM debian', 'RUN useradd -rmu 999 svc', 'USER svc').uid).toBe(999)
    expect(user('FROM debian', 'RUN useradd --uid=4242 --shell /bin/sh bob', 'USER bob').uid).toBe(4242)
    expect(user('FROM debian', 'RUN useradd -u1234 tom', 'USER tom').uid).toBe(1234)
  })

  it('reads busybox adduser (-D -u -G, where -g is the GECOS field) and addgroup -S -g', () => {
    const found = user(
      'FROM alpine',
      'RUN addgroup -S -g 1000 app && adduser -D -g "App user" -u 1001 -G app app',
      'USER app:app'
    )
    expect(found).toMatchObject({ kind: 'non-root', uid: 1001, gid: 1000 })
    expect(found.account).toMatchObject({ name: 'app', id: 1001, group: 'app', via: 'adduser', line: 2 })
  })

  it('reads Debian adduser --system --uid and ignores `adduser USER GROUP`, which adds to a group', () => {
    expect(user('FROM debian', 'RUN adduser --system --uid 999 --group svc', 'USER svc').uid).toBe(999)
    const m = model(df('FROM debian', 'RUN adduser app sudo', 'USER app'))
    expect(m.finalStage.user.uid).toBeUndefined()
    expect(m.finalStage.facts?.accounts ?? []).toEqual([])
  })

  it('expands ids written with ARG and ENV values, as the RUN environment has them', () => {
    // corpus 0398 (jenkinsci/docker alpine): ARG uid=1000 ... adduser -u "${uid}" ... USER ${user}
    expect(
      user(
        'FROM alpine',
        'ARG user=jenkins',
        'ARG uid=1000',
        'RUN adduser -D -u "${uid}" "${user}"',
        'USER ${user}'
      )
    ).toMatchObject({ value: 'jenkins', uid: 1000 })
    expect(user('FROM alpine', 'ENV APP_UID=2000', 'RUN adduser -D -u $APP_UID app', 'USER app').uid).toBe(
      2000
    )
  })

  it('does not trust an ARG value that the RUN assigns itself', () => {
    const found = user('FROM alpine', 'ARG uid=1000', 'RUN uid=5000 && adduser -D -u $uid app', 'USER app')
    expect(found.kind).toBe('non-root')
    expect(found.uid).toBeUndefined()
    expect(found.account?.idText).toBe('$uid')
  })

  it('reads lines appended to /etc/passwd and /etc/group, also through tee', () => {
    expect(
      user(
        'FROM alpine',
        "RUN echo 'app:x:1001:1001::/home/app:/bin/sh' >> /etc/passwd && echo 'app:x:1001:' >>/etc/group",
        'USER app'
      )
    ).toMatchObject({ kind: 'non-root', uid: 1001, gid: 1001 })
    expect(
      user('FROM alpine', "RUN printf 'svc:x:77:77::/:/sbin/nologin\\n' | tee -a /etc/passwd", 'USER svc').uid
    ).toBe(77)
  })

  it('knows a user created in a parent stage in the child stage', () => {
    const m = model(
      df('FROM debian AS base', 'RUN useradd -u 1500 app', 'FROM base AS app', 'USER app', 'FROM app')
    )
    expect(m.finalStage.user).toMatchObject({ kind: 'non-root', uid: 1500, source: 'inherited-stage' })
  })

  it('resolves against the image the stage ends with: a user created after USER still counts', () => {
    expect(user('FROM debian', 'USER app', 'RUN useradd -u 1600 app').uid).toBe(1600)
  })

  it('does not take accounts from a stage that only lends files', () => {
    const m = model(df('FROM debian AS build', 'RUN useradd -u 1700 app', 'FROM debian', 'USER app'))
    expect(m.finalStage.user.uid).toBeUndefined()
  })

  it('applies usermod -u to the account it changes', () => {
    expect(user('FROM debian', 'RUN useradd -u 1000 app && usermod -u 2000 app', 'USER app').uid).toBe(2000)
    // A user of the base image whose uid the Dockerfile sets.
    expect(user('FROM node:20', 'RUN usermod -u 1234 node', 'USER node').uid).toBe(1234)
  })

  it('resolves a name the known base image defines', () => {
    expect(user('FROM jenkins/jenkins:lts', 'USER jenkins')).toMatchObject({ kind: 'non-root', uid: 1000 })
  })
})

describe('accounts: uid-0 aliases are root', () => {
  it('makes USER root for useradd -o -u 0, also with an id from an ARG', () => {
    // Review probe s32: `useradd -o -u 0 -g 0 toor` / `USER toor` was reported as a non-root name.
    const found = user('FROM debian', 'RUN useradd -o -u 0 -g 0 toor', 'USER toor')
    expect(found).toMatchObject({ kind: 'root', uid: 0 })
    expect(found.reason).toMatch(/toor is another name for root: useradd -o on line 2 gives it uid 0/)
    expect(
      user('FROM debian', 'ARG OPS_UID=0', 'RUN useradd --non-unique --uid $OPS_UID ops', 'USER ops').kind
    ).toBe('root')
  })

  it('makes USER root for a passwd line with uid 0 and for usermod -o -u 0', () => {
    expect(user('FROM alpine', "RUN echo 'ops:x:0:0::/root:/bin/sh' >> /etc/passwd", 'USER ops').kind).toBe(
      'root'
    )
    expect(user('FROM debian', 'RUN useradd -u 1000 app && usermod -o -u 0 app', 'USER app:app').kind).toBe(
      'root'
    )
  })

  it('fires LP101 for the alias and never suggests USER 0 through LP103', () => {
    const text = df('FROM debian', 'RUN useradd -o -u 0 -g 0 toor', 'USER toor')
    expect(hits(text, 'LP101')).toHaveLength(1)
    expect(hits(text, 'LP103')).toEqual([])
    // The alias reaches the final stage through a parent stage too.
    const inherited = df('FROM debian AS base', 'RUN useradd -o -u 0 ops', 'USER ops', 'FROM base')
    expect(model(inherited).finalStage.user.kind).toBe('root')
    expect(hits(inherited, 'LP101')).toHaveLength(1)
  })

  it('treats a duplicate-allowed account whose uid cannot be resolved as unresolved, not as non-root', () => {
    const found = user('FROM debian', 'ARG OPS_UID', 'RUN useradd -o -u "$OPS_UID" ops', 'USER ops')
    expect(found.kind).toBe('unknown')
    expect(found.reason).toMatch(/^USER ops cannot be resolved statically: .*may be 0/)
    expect(
      hits(df('FROM debian', 'ARG OPS_UID', 'RUN useradd -o -u "$OPS_UID" ops', 'USER ops'), 'LP105')
    ).toHaveLength(1)
    // Without -o useradd refuses a uid in use, so an unknown uid is not root.
    expect(user('FROM debian', 'ARG APP_UID', 'RUN useradd -u "$APP_UID" app', 'USER app').kind).toBe(
      'non-root'
    )
  })

  it('keeps USER root root whatever the Dockerfile does to the root account', () => {
    expect(user('FROM debian', 'RUN usermod -o -u 1000 root', 'USER root').kind).toBe('root')
  })
})

describe('LP103 suggests the numeric uid it resolved', () => {
  it('suggests USER uid, with the gid when USER names a group', () => {
    // corpus 0398 (jenkinsci/docker): the review asked for "USER 1000".
    const jenkins = hits(
      df(
        'FROM alpine',
        'ARG user=jenkins',
        'ARG uid=1000',
        'RUN adduser -D -u "${uid}" "${user}"',
        'USER ${user}'
      ),
      'LP103'
    )
    expect(jenkins).toHaveLength(1)
    expect(jenkins[0].message).toMatch(/use USER 1000 instead/)
    expect(jenkins[0].properties).toMatchObject({ uid: 1000 })
    const grouped = hits(
      df('FROM alpine', 'RUN addgroup -g 3000 app && adduser -D -u 3001 -G app app', 'USER app:app'),
      'LP103'
    )
    expect(grouped[0].message).toMatch(/use USER 3001:3000 instead/)
  })

  it('falls back to "the numeric uid" when the uid is not known', () => {
    const found = hits(df('FROM debian', 'RUN useradd app', 'USER app'), 'LP103')
    expect(found[0].message).toMatch(/use the numeric uid instead/)
  })
})

describe('accounts: bounds', () => {
  it('reads a RUN creating thousands of users in linear work', () => {
    const many = Array.from({ length: 2000 }, (_, i) => `useradd -u ${10000 + i} u${i}`).join(' && ')
    const m = model(df('FROM debian', `RUN ${many}`, 'USER u1999'))
    expect(m.finalStage.facts?.accounts).toHaveLength(2000)
    expect(m.finalStage.user.uid).toBe(11999)
  })

  it('stops checking shell assignments after a bound and leaves further ids unresolved', () => {
    const args = Array.from({ length: 150 }, (_, i) => `ARG U${i}=${2000 + i}`)
    const run = Array.from({ length: 150 }, (_, i) => `useradd -u $U${i} n${i}`).join(' && ')
    const m = model(df('FROM debian', ...args, `RUN ${run}`, 'USER n149'))
    expect(m.finalStage.user.uid).toBeUndefined()
    expect(model(df('FROM debian', ...args, `RUN ${run}`, 'USER n0')).finalStage.user.uid).toBe(2000)
  })
})

describe('accounts: forms written other ways', () => {
  it('reads passwd lines from a heredoc written to /etc/passwd', () => {
    expect(
      user('FROM alpine', 'RUN cat >> /etc/passwd <<EOF', 'ops:x:0:0:ops:/root:/bin/sh', 'EOF', 'USER ops')
        .kind
    ).toBe('root')
    expect(
      user(
        'FROM alpine',
        "RUN <<'END' tee -a /etc/passwd",
        'svc:x:4000:4000::/srv:/sbin/nologin',
        'END',
        'USER svc'
      ).uid
    ).toBe(4000)
    // A heredoc written elsewhere defines nothing.
    expect(
      user('FROM alpine', 'RUN cat > /tmp/passwd <<EOF', 'ops:x:0:0::/:/bin/sh', 'EOF', 'USER ops').kind
    ).toBe('non-root')
  })

  it('reads options after the name and --non-unique long forms', () => {
    expect(user('FROM debian', 'RUN useradd -m app -s /bin/bash -u 1200 -G sudo', 'USER app').uid).toBe(1200)
    expect(user('FROM debian', 'RUN useradd --non-unique --uid 0 --gid 0 admin2', 'USER admin2').kind).toBe(
      'root'
    )
  })
})

describe('accounts: more independent forms', () => {
  it.each([
    [
      'long options after set -eux;',
      [
        'RUN set -eux; groupadd --system --gid 10001 app; useradd --system --uid 10001 --gid app --no-create-home app',
        'USER app:app'
      ],
      { kind: 'non-root', uid: 10001, gid: 10001 }
    ],
    [
      'Debian addgroup --gid and adduser --ingroup',
      [
        'RUN addgroup --gid 2000 app && adduser --uid 2001 --ingroup app --disabled-password --gecos "" app',
        'USER app'
      ],
      { kind: 'non-root', uid: 2001, gid: 2000 }
    ],
    ['exec form', ['RUN ["useradd", "-u", "3000", "app"]', 'USER app'], { uid: 3000 }],
    ['inside sh -c', ["RUN sh -c 'useradd -u 4000 app'", 'USER app'], { uid: 4000 }],
    ['busybox adduser', ['RUN busybox adduser -D -u 4100 app', 'USER app'], { uid: 4100 }],
    [
      'a passwd line through tee with output discarded',
      ['RUN echo "toor:x:0:0::/root:/bin/sh" | tee -a /etc/passwd > /dev/null', 'USER toor'],
      { kind: 'root', uid: 0 }
    ],
    [
      'printf with a format and the line as its argument',
      ["RUN printf '%s\\n' 'ops:x:0:0::/:/bin/sh' >> /etc/passwd", 'USER ops'],
      { kind: 'root' }
    ],
    [
      'useradd -ou 0 with redirections and || true',
      ['RUN useradd -ou 0 -M -N root2 2>/dev/null || true', 'USER root2'],
      { kind: 'root' }
    ]
  ])('%s', (_, lines, expected) => {
    expect(user('FROM debian', ...lines)).toMatchObject(expected)
  })
})
