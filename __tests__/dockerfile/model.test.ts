import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from '../../src/errors'
import { buildModel } from '../../src/dockerfile/model'
import { finalLineage, reachesFinalImage } from '../../src/dockerfile/lineage'
import { df, model } from './lint-helper'

const fixture = (name: string) => readFileSync(join(process.cwd(), '__fixtures__/dockerfiles', name), 'utf8')

describe('buildModel: stages and target', () => {
  it('reads named stages (lowercased), FROM lines and the last stage as final', () => {
    const m = model(df('FROM golang:1.22 AS Build', 'RUN go build', '', 'from alpine:3.20', 'USER 1000'))
    expect(m.stages.map(s => [s.index, s.name, s.fromLine, s.baseImage])).toEqual([
      [0, 'build', 1, 'golang:1.22'],
      [1, undefined, 4, 'alpine:3.20']
    ])
    expect(m.finalStage.index).toBe(1)
    expect(m.stages[0].endLine).toBe(2)
  })

  it('selects --target case-insensitively', () => {
    const text = df('FROM alpine AS dev', 'USER root', 'FROM alpine AS prod', 'USER 1000')
    expect(model(text, { target: 'DEV' }).finalStage.user.kind).toBe('root')
    expect(model(text, { target: 'prod' }).finalStage.user.kind).toBe('non-root')
  })

  it('throws a one-line UsageError naming the file for an unknown target', () => {
    const build = () => buildModel(df('FROM alpine AS a'), 'svc/Dockerfile', { target: 'nope' })
    expect(build).toThrow(UsageError)
    expect(build).toThrow(/^svc\/Dockerfile: target stage "nope" not found \(stages: a\)$/)
  })

  it.each([
    ['an empty file', ''],
    ['only comments', '# just a comment\n# another\n'],
    ['no FROM', 'RUN echo hi\nCMD ["x"]\n'],
    ['binary noise', '\u0000\u0001FROM\u0000 x\n']
  ])('throws a UsageError for %s', (_label, text) => {
    expect(() => buildModel(text, 'Dockerfile.empty')).toThrow(
      new UsageError('Dockerfile.empty: no FROM instruction, so this is not a Dockerfile that can be built')
    )
  })

  it('never throws on messy input that has a FROM', () => {
    const messy = [
      'FROM',
      'FROM alpine\nUSER\nRUN\nEXPOSE\nCOPY\nENV\nARG\n',
      'FROM alpine\nRUN ["unterminated\nUSER "\nENV A="unterminated\n',
      'FROM alpine\r\nUSER 1000\r\n',
      'FROM alpine\nRUN <<EOF\nno terminator\n',
      'FROM alpine\nUSER ${\nUSER $\nEXPOSE ${X:-}\n',
      'FROM \u0000\u0001x\nUSER \u0000\n',
      'ONBUILD USER root\nFROM alpine\nONBUILD RUN sudo x\n'
    ]
    for (const text of messy) expect(() => model(text)).not.toThrow()
  })

  it('records instructions before the first FROM (other than ARG) as problems', () => {
    expect(model(df('RUN echo', 'FROM alpine')).problems).toEqual([
      { line: 1, message: 'RUN before the first FROM is ignored by the builder' }
    ])
  })
})

describe('buildModel: effective user', () => {
  it('defaults to root for a registry base with no USER, saying the probe measures it', () => {
    const user = model(df('FROM node:20')).finalStage.user
    expect(user).toMatchObject({ kind: 'root', source: 'base-image-default' })
    expect(user.reason).toMatch(/build and probe measure the real user/)
  })

  it('treats FROM scratch as root', () => {
    expect(model(df('FROM scratch', 'COPY app /')).finalStage.user).toMatchObject({
      kind: 'root',
      source: 'scratch-default',
      uid: 0
    })
  })

  it('knows distroless :nonroot runs as 65532', () => {
    expect(model(df('FROM gcr.io/distroless/static:nonroot')).finalStage.user).toMatchObject({
      kind: 'non-root',
      source: 'known-base-image',
      uid: 65532
    })
  })

  it.each(['root', '0', '00', '0:0', 'root:root', '0:1000', 'root:app'])('USER %s is root', value => {
    const user = model(df('FROM alpine', 'USER 1000', `USER ${value}`)).finalStage.user
    expect(user).toMatchObject({ kind: 'root', source: 'user-instruction', line: 3, raw: value })
  })

  it('reads lowercase instructions and continuation lines', () => {
    const m = model(df('from alpine', 'user \\', '  1000:1000', 'run echo a \\', '  && echo b'))
    expect(m.finalStage.user).toMatchObject({ kind: 'non-root', value: '1000:1000', uid: 1000, line: 2 })
    expect(m.finalStage.facts?.runs[0]).toMatchObject({ line: 4, endLine: 5, text: 'echo a   && echo b' })
  })

  it('does not treat USER lines inside heredoc bodies as instructions', () => {
    const m = model(fixture('heredoc-user.Dockerfile'))
    expect(m.finalStage.facts?.users.map(u => u.line)).toEqual([11])
    expect(m.finalStage.user).toMatchObject({ kind: 'non-root', uid: 10001 })
    const run = m.finalStage.facts!.runs[0]
    expect(run).toMatchObject({ line: 3, endLine: 7, heredoc: true, form: 'shell' })
    expect(run.text).toContain('adduser -D -u 10001 app')
    expect(m.finalStage.facts?.copies[0]).toMatchObject({
      instruction: 'COPY',
      sources: ['<<EOF'],
      dest: '/etc/motd'
    })
  })

  it('honours the escape directive (backtick) for continuations and keeps backslashes literal', () => {
    const m = model(fixture('windows-escape.Dockerfile'))
    expect(m.directives).toEqual({ escape: '`', syntax: 'docker/dockerfile:1' })
    expect(m.finalStage.user).toMatchObject({ kind: 'non-root', value: 'ContainerUser', line: 9 })
    expect(m.finalStage.facts?.runs[0]).toMatchObject({ line: 6, endLine: 7 })
    expect(m.finalStage.facts?.runs[0].text).toBe(
      'New-Item -ItemType Directory C:\\app ;     Set-Location C:\\app'
    )
    expect(m.finalStage.facts?.copies[0]).toMatchObject({ sources: ['app\\'], dest: 'C:\\app\\' })
  })

  it('a backtick is not a continuation without the directive', () => {
    const m = model(df('FROM alpine', 'RUN echo `', 'USER 1000'))
    expect(m.finalStage.user.kind).toBe('non-root')
  })
})

describe('buildModel: ARG, ENV and inheritance', () => {
  it('expands ARG defaults in USER (ARG UID=1001, USER ${UID}:${GID})', () => {
    const m = model(fixture('arg-user.Dockerfile'))
    expect(m.finalStage.baseImage).toBe('python:3.12-slim')
    expect(m.finalStage.user).toMatchObject({
      kind: 'non-root',
      value: '1001:1001',
      raw: '${UID}:${GID}',
      uid: 1001
    })
  })

  it('lets --build-arg override declared ARGs only', () => {
    const text = fixture('arg-user.Dockerfile')
    expect(model(text, { buildArgs: { UID: '0' } }).finalStage.user).toMatchObject({
      kind: 'root',
      value: '0:0'
    })
    expect(
      model(text, { buildArgs: { BASE: 'gcr.io/distroless/python3:nonroot' } }).finalStage.baseImage
    ).toBe('gcr.io/distroless/python3:nonroot')
    const undeclared = model(df('FROM alpine', 'USER ${U:-1000}'), { buildArgs: { U: '0' } })
    expect(undeclared.finalStage.user.value).toBe('1000')
  })

  it('expands ENV users, with ENV winning over an ARG of the same name', () => {
    expect(model(df('FROM alpine', 'ENV APP_USER=app', 'USER $APP_USER')).finalStage.user.value).toBe('app')
    const m = model(df('FROM alpine', 'ARG U=1', 'ENV U=0', 'USER $U'))
    expect(m.finalStage.user).toMatchObject({ kind: 'root', value: '0' })
    expect(m.finalStage.env).toEqual({ U: '0' })
  })

  it('expands all values of one ENV line against the scope before it', () => {
    const m = model(df('FROM scratch', 'ENV A=1', 'ENV A=2 B=$A', 'USER $B'))
    expect(m.finalStage.env).toEqual({ A: '2', B: '1' })
    expect(m.finalStage.user.value).toBe('1')
  })

  it('marks USER with an ARG that has no default as unknown, naming the variable', () => {
    const user = model(df('FROM alpine', 'ARG APP_UID', 'USER $APP_UID')).finalStage.user
    expect(user).toMatchObject({ kind: 'unknown', source: 'user-instruction', line: 3, raw: '$APP_UID' })
    expect(user.reason).toMatch(/ARG APP_UID has no default/)
  })

  it('makes global ARGs visible in a stage only after re-declaring them', () => {
    const notRedeclared = model(df('ARG UID=1001', 'FROM alpine', 'USER $UID')).finalStage.user
    expect(notRedeclared.kind).toBe('unknown')
    expect(notRedeclared.reason).toMatch(/re-declared with `ARG UID`/)
    expect(model(df('ARG UID=1001', 'FROM alpine', 'ARG UID', 'USER $UID')).finalStage.user).toMatchObject({
      kind: 'non-root',
      value: '1001'
    })
    expect(model(df('ARG UID=1001', 'FROM alpine', 'ARG UID=7', 'USER $UID')).finalStage.user.value).toBe('7')
  })

  it('expands global ARGs in FROM and reports FROM $UNRESOLVED as unknown', () => {
    expect(model(df('ARG TAG=3.20', 'FROM alpine:${TAG}')).finalStage.baseImage).toBe('alpine:3.20')
    const user = model(df('ARG BASE', 'FROM $BASE')).finalStage.user
    expect(user).toMatchObject({ kind: 'unknown', source: 'base-image-default' })
    expect(user.reason).toMatch(/\$BASE/)
    expect(model(df('ARG BASE', 'FROM ${BASE:-gcr.io/distroless/static:nonroot}')).finalStage.user.kind).toBe(
      'non-root'
    )
  })

  it('inherits USER, ENV and ARG values through FROM <stage>', () => {
    const m = model(fixture('inherited-user.Dockerfile'))
    expect(m.finalStage.baseStageIndex).toBe(0)
    expect(m.finalStage.user).toMatchObject({
      kind: 'non-root',
      source: 'inherited-stage',
      value: '10001:10001',
      line: 3
    })
    const scoped = model(
      df('FROM alpine AS base', 'ARG UID=1001', 'ENV HOME_DIR=/home/app', 'FROM BASE', 'USER $UID')
    )
    expect(scoped.finalStage.baseStageIndex).toBe(0)
    expect(scoped.finalStage.user.value).toBe('1001')
    expect(scoped.finalStage.env).toEqual({ HOME_DIR: '/home/app' })
  })

  it('inherits root from a parent stage that switched to root', () => {
    const m = model(df('FROM alpine AS base', 'USER 1000', 'USER root', 'FROM base'))
    expect(m.finalStage.user).toMatchObject({ kind: 'root', source: 'inherited-stage', line: 3 })
  })

  it('resolves undeclared names to empty below FROM scratch', () => {
    expect(model(df('FROM scratch', 'USER ${U:-65534}')).finalStage.user.value).toBe('65534')
    expect(model(df('FROM scratch', 'USER $U')).finalStage.user.kind).toBe('root')
  })
})

describe('buildModel: facts for the rules', () => {
  it('reads RUN shell and exec forms, flags and heredocs', () => {
    const runs = model(
      df(
        'FROM alpine',
        'RUN --mount=type=cache,target=/var/cache/apk apk add curl',
        'RUN ["sudo", "id"]',
        'RUN [not json'
      )
    ).finalStage.facts!.runs
    expect(runs).toEqual([
      { line: 2, endLine: 2, form: 'shell', text: 'apk add curl', heredoc: false },
      { line: 3, endLine: 3, form: 'exec', text: 'sudo id', argv: ['sudo', 'id'], heredoc: false },
      { line: 4, endLine: 4, form: 'shell', text: '[not json', heredoc: false }
    ])
  })

  it('reads COPY/ADD flags in any order (also with several flags) and resolves --from', () => {
    const m = model(
      df(
        'FROM alpine AS build',
        'ARG MODE=4755',
        'FROM alpine',
        'ARG OWNER=1000',
        'COPY --chmod=755 --from=build --chown=${OWNER}:${OWNER} /a /b /dest/',
        'ADD --chmod=777 https://example.com/x /x',
        'COPY --from=0 /c /c',
        'COPY --from=nginx:1.27 /etc/nginx /etc/nginx',
        'COPY ["a b", "/d"]'
      )
    )
    expect(m.finalStage.facts!.copies).toEqual([
      {
        instruction: 'COPY',
        line: 5,
        endLine: 5,
        from: 'build',
        fromStageIndex: 0,
        chmod: '755',
        chown: '1000:1000',
        sources: ['/a', '/b'],
        dest: '/dest/'
      },
      {
        instruction: 'ADD',
        line: 6,
        endLine: 6,
        chmod: '777',
        sources: ['https://example.com/x'],
        dest: '/x'
      },
      { instruction: 'COPY', line: 7, endLine: 7, from: '0', fromStageIndex: 0, sources: ['/c'], dest: '/c' },
      {
        instruction: 'COPY',
        line: 8,
        endLine: 8,
        from: 'nginx:1.27',
        sources: ['/etc/nginx'],
        dest: '/etc/nginx'
      },
      { instruction: 'COPY', line: 9, endLine: 9, sources: ['a b'], dest: '/d' }
    ])
  })

  it('reads EXPOSE ports, protocols, ranges and variables', () => {
    const exposes = model(df('FROM alpine', 'ARG PORT=80', 'EXPOSE $PORT 443/tcp 53/udp 8000-8010 ${NOPE}'))
      .finalStage.facts!.exposes
    expect(exposes.map(e => [e.port, e.endPort, e.protocol])).toEqual([
      [80, undefined, 'tcp'],
      [443, undefined, 'tcp'],
      [53, undefined, 'udp'],
      [8000, 8010, 'tcp'],
      [undefined, undefined, 'tcp']
    ])
  })

  it('tells which stages reach the final image', () => {
    const m = model(df('FROM alpine AS a', 'FROM a AS b', 'FROM alpine AS c', 'FROM b'))
    expect(finalLineage(m).map(s => s.index)).toEqual([3, 1, 0])
    expect(m.stages.map(s => reachesFinalImage(m, s))).toEqual([true, true, false, true])
  })
})

describe('buildModel: pragmas', () => {
  it('parses least-privilege and hadolint pragmas with their scope and target instruction', () => {
    const m = model(
      df(
        '# hadolint global ignore=DL3002',
        '# least-privilege ignore-file=LP101 - root is fine for this tool image',
        'FROM alpine',
        '# least-privilege ignore=LP402,lp401 sudo is needed by the test harness',
        '# an ordinary comment',
        'RUN apt-get install -y sudo \\',
        '  && true',
        '# hadolint ignore=DL3004 # legacy',
        'RUN sudo true',
        '# least-privilege ignore=LP999'
      )
    )
    expect(m.pragmas).toEqual([
      { source: 'hadolint', scope: 'file', rules: ['DL3002'], reason: '', line: 1 },
      {
        source: 'least-privilege',
        scope: 'file',
        rules: ['LP101'],
        reason: 'root is fine for this tool image',
        line: 2
      },
      {
        source: 'least-privilege',
        scope: 'instruction',
        rules: ['LP402', 'LP401'],
        reason: 'sudo is needed by the test harness',
        line: 4,
        appliesToLine: 6,
        appliesToEndLine: 7
      },
      {
        source: 'hadolint',
        scope: 'instruction',
        rules: ['DL3004'],
        reason: 'legacy',
        line: 8,
        appliesToLine: 9,
        appliesToEndLine: 9
      }
    ])
  })

  it('ignores look-alikes', () => {
    const m = model(
      df('FROM alpine', '# least-privilege ignored=LP101', '# hadolint ignore=DL3002x', '# hadolint ignore=')
    )
    expect(m.pragmas).toEqual([])
  })
})
