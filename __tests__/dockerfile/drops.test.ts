import { describe, expect, it } from '@jest/globals'
import {
  dropIn,
  dropToolInstalled,
  imageProcess,
  instructionDrop,
  scriptsDrop,
  unreadEntrypointScript
} from '../../src/dockerfile/drops'
import type { ContextFile } from '../../src/dockerfile/types'
import { simpleCommands } from '../../src/rules/dockerfile/shell'
import { df, model } from './lint-helper'

const first = (text: string) => {
  const [command] = simpleCommands(text)
  return dropIn(command)
}

describe('dropIn: privilege-drop tools and the user they switch to', () => {
  it.each([
    ['gosu postgres "$@"', 'gosu', 'postgres'],
    ['exec su-exec app:app /app', 'su-exec', 'app:app'],
    ['setpriv --reuid=1000 --regid=1000 --init-groups app', 'setpriv', '1000'],
    ['setpriv --reuid svc --regid svc --clear-groups app', 'setpriv', 'svc'],
    ['runuser -u www-data -- php-fpm', 'runuser', 'www-data'],
    ['runuser -l jenkins -c "java -jar x.jar"', 'runuser', 'jenkins'],
    ['chroot --userspec=nobody:nogroup / /bin/app', 'chroot', 'nobody:nogroup'],
    ['s6-setuidgid abc /app/run', 's6-setuidgid', 'abc'],
    ['su -c "redis-server" redis', 'su', 'redis'],
    ['su redis -s /bin/sh -c redis-server', 'su', 'redis'],
    ['su - app -c start', 'su', 'app'],
    ['sudo -E -u discourse -H ruby script.rb', 'sudo', 'discourse'],
    ['sudo --user=app make', 'sudo', 'app'],
    ['chpst -u nobody:nogroup daemon', 'chpst', 'nobody:nogroup'],
    ['gosu "$APP_USER" app', 'gosu', '$APP_USER'],
    ['start-stop-daemon --start --chuid app --exec /app', 'start-stop-daemon', 'app']
  ])('%s drops to the user', (text, tool, user) => {
    expect(first(text)).toEqual({ tool, user })
  })

  it.each([
    'exec "$@"',
    'gosu root true',
    'su -c "apt-get update"',
    'su root -c x',
    'sudo apt-get install -y x',
    'sudo -u 0 x',
    'setpriv --no-new-privs app',
    'gosu --version',
    'chroot /mnt /bin/sh'
  ])('%s is no drop', text => {
    expect(first(text)).toBeUndefined()
  })
})

describe('imageProcess', () => {
  it('takes the last ENTRYPOINT and CMD along the lineage, an ENTRYPOINT resetting an inherited CMD', () => {
    const built = model(df('FROM alpine AS base', 'CMD ["a"]', 'FROM base', 'ENTRYPOINT ["/e.sh"]'))
    const process = imageProcess(built)
    expect(process.entrypoint?.argv).toEqual(['/e.sh'])
    expect(process.cmd).toBeUndefined()
    const same = imageProcess(model(df('FROM alpine', 'CMD ["a"]', 'ENTRYPOINT ["/e.sh"]')))
    expect(same.cmd?.argv).toEqual(['a'])
  })

  it('says when no stage sets a process', () => {
    expect(imageProcess(model(df('FROM scratch', 'COPY root/ /'))).none).toBe(true)
    expect(imageProcess(model(df('FROM scratch AS a', 'CMD ["/x"]', 'FROM a'))).none).toBe(false)
  })
})

describe('instructionDrop', () => {
  it('sees a drop in shell-form CMD (corpus 1019, privoxy)', () => {
    const drop = instructionDrop(
      imageProcess(model(df('FROM debian', 'CMD gosu privoxy privoxy --no-daemon /etc/privoxy/config')))
    )
    expect(drop).toMatchObject({ tool: 'gosu', user: 'privoxy', where: { instruction: 'CMD', line: 2 } })
  })

  it('sees a drop behind tini and in an exec-form CMD passed to an exec-form ENTRYPOINT', () => {
    const viaTini = model(df('FROM alpine', 'ENTRYPOINT ["/sbin/tini", "--", "su-exec", "app", "/app"]'))
    expect(instructionDrop(imageProcess(viaTini))).toMatchObject({ tool: 'su-exec', user: 'app' })
    const viaCmd = model(
      df('FROM alpine', 'ENTRYPOINT ["/sbin/tini", "--"]', 'CMD ["gosu", "1000:1000", "x"]')
    )
    expect(instructionDrop(imageProcess(viaCmd))).toMatchObject({
      tool: 'gosu',
      where: { instruction: 'CMD' }
    })
  })

  it('ignores CMD under a shell-form ENTRYPOINT (the builder drops it)', () => {
    const built = model(df('FROM alpine', 'ENTRYPOINT /app', 'CMD ["gosu", "app", "x"]'))
    expect(instructionDrop(imageProcess(built))).toBeUndefined()
  })
})

const script = (path: string, imagePath: string, ...lines: string[]): ContextFile => ({
  path,
  imagePath,
  text: `${lines.join('\n')}\n`
})

describe('scriptsDrop: entrypoint scripts read from the build context', () => {
  const dockerfile = df(
    'FROM debian',
    'COPY docker-entrypoint.sh /usr/local/bin/',
    'ENTRYPOINT ["docker-entrypoint.sh"]',
    'CMD ["svc"]'
  )

  it('finds the drop and its line, continuation lines counted from their first line', () => {
    const files = [
      script(
        'docker-entrypoint.sh',
        '/usr/local/bin/docker-entrypoint.sh',
        '#!/bin/sh',
        'set -e',
        'chown -R svc /data \\',
        '  /var/log/svc',
        'exec gosu svc "$@"'
      )
    ]
    const reading = scriptsDrop(imageProcess(model(dockerfile)), files)
    expect(reading.drop).toMatchObject({
      tool: 'gosu',
      user: 'svc',
      where: { kind: 'script', path: 'docker-entrypoint.sh', line: 5 }
    })
  })

  it('reads `set -- su-exec app "$@"` then `exec "$@"` as a drop', () => {
    const files = [
      script(
        'docker-entrypoint.sh',
        '/usr/local/bin/docker-entrypoint.sh',
        'set -- su-exec app "$@"',
        'exec "$@"'
      )
    ]
    expect(scriptsDrop(imageProcess(model(dockerfile)), files).drop).toMatchObject({
      tool: 'su-exec',
      user: 'app'
    })
  })

  it('a plain exec "$@" script is no drop, but is read', () => {
    const files = [
      script('docker-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh', '#!/bin/sh', 'exec "$@"')
    ]
    const reading = scriptsDrop(imageProcess(model(dockerfile)), files)
    expect(reading.drop).toBeUndefined()
    expect(reading.read.map(f => f.path)).toEqual(['docker-entrypoint.sh'])
  })

  it('follows a script the entrypoint runs', () => {
    const files = [
      script('entrypoint.sh', '/entrypoint.sh', 'prepare', 'exec /usr/local/bin/start.sh "$@"'),
      script('start.sh', '/usr/local/bin/start.sh', '# start', 'exec runuser -u app -- /app')
    ]
    const built = model(df('FROM debian', 'COPY entrypoint.sh start.sh /', 'ENTRYPOINT ["/entrypoint.sh"]'))
    expect(scriptsDrop(imageProcess(built), files).drop).toMatchObject({
      tool: 'runuser',
      where: { path: 'start.sh', line: 2 }
    })
  })
})

describe('a likely drop when the script is not available', () => {
  it('sees gosu installed and the copied entrypoint script (corpus 0001, postgres)', () => {
    const built = model(
      df(
        'FROM alpine:3.22',
        'RUN set -eux; wget -O /usr/local/bin/gosu "https://x/gosu-$arch"; chmod +x /usr/local/bin/gosu; gosu nobody true',
        'COPY docker-entrypoint.sh /usr/local/bin/',
        'ENTRYPOINT ["docker-entrypoint.sh"]',
        'CMD ["postgres"]'
      )
    )
    expect(dropToolInstalled(built)).toEqual({ tool: 'gosu', line: 2 })
    expect(unreadEntrypointScript(built, imageProcess(built))).toBe('docker-entrypoint.sh')
  })

  it('sees su-exec from a package manager and gosu copied from its image', () => {
    expect(dropToolInstalled(model(df('FROM alpine', 'RUN apk add --no-cache su-exec tini')))?.tool).toBe(
      'su-exec'
    )
    expect(
      dropToolInstalled(model(df('FROM debian', 'COPY --from=tianon/gosu /gosu /usr/local/bin/')))?.tool
    ).toBe('gosu')
    expect(dropToolInstalled(model(df('FROM debian', 'RUN apt-get install -y curl')))).toBeUndefined()
  })

  it('does not count gosu installed only in a builder stage', () => {
    expect(
      dropToolInstalled(model(df('FROM debian AS b', 'RUN apt-get install gosu', 'FROM debian')))
    ).toBeUndefined()
  })
})
