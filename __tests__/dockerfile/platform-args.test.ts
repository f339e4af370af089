// BuildKit's automatic platform ARGs have the build platform's values (linux/amd64 unless --platform), in the
// global scope without a declaration and inside a stage once declared with `ARG NAME`.
import { describe, expect, it } from '@jest/globals'
import { buildModel, platformArgValues } from '../../src/dockerfile/model'
import { defaultProfile } from '../../src/profile/parse'
import { evaluateRules } from '../../src/rules/engine'
import { ALL_RULES } from '../../src/rules/registry'
import { principleRows } from '../../src/scan/rows'
import { df, hits, model } from './lint-helper'

describe('platform ARGs', () => {
  it('gives FROM the linux/amd64 values without a declaration', () => {
    // corpus 1453 (docker/buildx): FROM binaries-$TARGETOS, every binaries-* stage FROM scratch.
    const m = model(
      df(
        'FROM scratch AS binaries-linux',
        'COPY --from=build /out /',
        'FROM scratch AS binaries-darwin',
        'COPY --from=build /out /',
        'FROM binaries-$TARGETOS AS binaries',
        'FROM binaries'
      )
    )
    expect(m.stages[2].baseImage).toBe('binaries-linux')
    expect(m.stages[2].baseStageIndex).toBe(0)
    expect(hits(df('FROM alpine AS base-linux', 'USER 1000', 'FROM base-$TARGETOS'), 'LP105')).toEqual([])
    expect(
      model(df('FROM alpine AS base-linux', 'USER 1000', 'FROM base-$TARGETOS')).finalStage.user.kind
    ).toBe('non-root')
  })

  it('resolves every platform ARG, with an empty variant for amd64', () => {
    const m = model(
      df(
        'FROM scratch',
        'ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT',
        'ENV P=$TARGETPLATFORM O=$TARGETOS A=$TARGETARCH V=x${TARGETVARIANT}x BP=$BUILDPLATFORM BO=$BUILDOS BA=$BUILDARCH BV=x${BUILDVARIANT}x'
      )
    )
    expect(m.finalStage.env).toEqual({
      P: 'linux/amd64',
      O: 'linux',
      A: 'amd64',
      V: 'xx',
      BP: 'linux/amd64',
      BO: 'linux',
      BA: 'amd64',
      BV: 'xx'
    })
  })

  it('resolves a platform ARG inside a stage only once the stage declares it', () => {
    const declared = model(df('FROM alpine', 'ARG TARGETARCH', 'USER ${TARGETARCH:+1000}'))
    expect(declared.finalStage.user).toMatchObject({ kind: 'non-root', value: '1000' })
    const undeclared = model(df('FROM alpine', 'USER ${TARGETARCH}'))
    expect(undeclared.finalStage.user.kind).toBe('unknown')
  })

  it('takes the target platform from the build option and lets --build-arg override a value', () => {
    const text = df(
      'FROM scratch',
      'ARG TARGETPLATFORM TARGETARCH TARGETVARIANT BUILDARCH',
      'ENV T=$TARGETPLATFORM A=$TARGETARCH V=$TARGETVARIANT B=$BUILDARCH'
    )
    expect(model(text, { platform: 'linux/arm/v7' }).finalStage.env).toEqual({
      T: 'linux/arm/v7',
      A: 'arm',
      V: 'v7',
      B: 'amd64'
    })
    expect(model(text, { buildArgs: { TARGETARCH: 'riscv64' } }).finalStage.env.A).toBe('riscv64')
    expect(platformArgValues('linux/arm64').get('TARGETOS')).toEqual({ state: 'set', value: 'linux' })
  })

  it('keeps the build target values in a stage FROM --platform=$BUILDPLATFORM (the cross-compile pattern)', () => {
    // `FROM --platform=$BUILDPLATFORM golang AS build` + `ARG TARGETOS TARGETARCH` + `GOOS=$TARGETOS go build`:
    // FROM --platform picks the stage's base image platform, TARGET* stay the build's target.
    const m = model(
      df('FROM --platform=linux/arm64 alpine', 'ARG TARGETARCH BUILDARCH', 'ENV A=$TARGETARCH B=$BUILDARCH')
    )
    expect(m.finalStage.env).toEqual({ A: 'amd64', B: 'amd64' })
  })

  it('reaches the root stage behind `FROM buildkit-$TARGETOS${BUILDKIT_DEBUG:+-debug}`', () => {
    // corpus 1462 (moby/buildkit): the final stage is buildkit-linux, which sets no USER: root (LP101), not LP105.
    const text = df(
      'ARG BUILDKIT_DEBUG',
      'FROM alpine AS buildkit-linux',
      'ENTRYPOINT ["buildkitd"]',
      'FROM alpine AS buildkit-linux-debug',
      'ENTRYPOINT ["buildkitd", "--debug"]',
      'FROM buildkit-$TARGETOS${BUILDKIT_DEBUG:+-debug} AS buildkit'
    )
    expect(model(text).finalStage.baseStageIndex).toBe(0)
    expect(hits(text, 'LP105')).toEqual([])
    expect(hits(text, 'LP101')).toHaveLength(1)
    expect(model(text, { buildArgs: { BUILDKIT_DEBUG: '1' } }).finalStage.baseStageIndex).toBe(1)
  })
})

describe('no empty user', () => {
  it('describes an inherited base-image user by its source, not as an empty USER', () => {
    // corpus 0444 (microservices-demo emailservice): FROM python AS base ... FROM base, no USER: the row read "USER  = root".
    const m = model(df('FROM python:3.12-alpine AS base', 'RUN true', 'FROM base'))
    expect(m.finalStage.user).toMatchObject({ kind: 'root', source: 'base-image-default', inheritedFrom: 0 })
    expect(m.finalStage.user.reason).toMatch(/^inherited from stage 'base'/)
    const scratch = model(df('FROM scratch AS base', 'FROM base')).finalStage.user
    expect(scratch).toMatchObject({ kind: 'root', source: 'scratch-default', uid: 0 })
  })

  it('keeps inherited USER values as inherited-stage users with their value', () => {
    const m = model(df('FROM alpine AS base', 'USER root', 'FROM base'))
    expect(m.finalStage.user).toMatchObject({
      kind: 'root',
      source: 'inherited-stage',
      value: 'root',
      line: 2
    })
  })

  it('never leaves an empty value when USER expands to the empty string', () => {
    const user = model(df('FROM alpine', 'ARG U=', 'USER $U')).finalStage.user
    expect(user.kind).toBe('root')
    expect(user.value).toBeUndefined()
    expect(user.raw).toBe('$U')
    expect(user.reason).toMatch(/USER \$U on line 3 expands to the empty string/)
  })
})

describe('rows never render an empty user', () => {
  const cell = (text: string): string => {
    const model = buildModel(text, 'Dockerfile')
    const profile = defaultProfile()
    const findings = evaluateRules(ALL_RULES, { model, profile })
    const rows = principleRows({ model, profile, findings, notMeasuredReason: 'static only' })
    return rows.find(r => r.principle === 'least-privilege')?.dockerfile ?? ''
  }

  it.each([
    ['an inherited unknown-root base', df('FROM python:3.12-alpine AS base', 'FROM base')],
    ['an inherited scratch base', df('FROM scratch AS base', 'FROM base', 'CMD ["/app"]')],
    ['a chain of three stages', df('FROM debian AS a', 'FROM a AS b', 'FROM b')],
    ['USER expanding to the empty string', df('FROM alpine', 'ARG U=', 'USER $U')],
    ['USER expanding to blanks', df('FROM alpine', 'ENV U=" "', 'USER $U')],
    ['an inherited empty USER', df('FROM alpine AS base', 'ARG U=', 'USER ${U}', 'FROM base')]
  ])('%s', (_, text) => {
    const shown = cell(text)
    expect(shown).not.toMatch(/USER\s{2}|USER\s*(=|\(|$)/)
    expect(shown.trim()).not.toBe('')
  })
})
