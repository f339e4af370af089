import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dockerfileRules } from '../../src/rules/dockerfile'
import { PRINCIPLES } from '../../src/principles'
import { df, hits, lint } from '../dockerfile/lint-helper'

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
      'LP403'
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

  it('fires for FROM scratch without USER', () => {
    const [hit] = hits(df('FROM scratch', 'COPY app /app'), 'LP101')
    expect(hit.message).toMatch(/starts FROM scratch and sets no USER/)
    expect(hit.properties).toMatchObject({ cause: 'scratch' })
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

  it('does not fire once a build arg supplies the value', () => {
    expect(
      hits(df('FROM alpine', 'ARG APP_UID', 'USER ${APP_UID}'), 'LP105', { buildArgs: { APP_UID: '1000' } })
    ).toEqual([])
  })
})
