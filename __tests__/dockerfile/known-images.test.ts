import { describe, expect, it } from '@jest/globals'
import {
  KNOWN_NONROOT_IMAGES,
  KNOWN_ROOT_IMAGES,
  classifyBaseImage,
  isWindowsBaseImage,
  lookupKnownImage,
  parseImageRef
} from '../../src/dockerfile/known-images'

describe('parseImageRef', () => {
  it('normalises like Docker', () => {
    expect(parseImageRef('alpine')).toEqual({
      registry: 'docker.io',
      repository: 'library/alpine',
      tag: 'latest'
    })
    expect(parseImageRef('docker.io/library/alpine:3.20')).toEqual({
      registry: 'docker.io',
      repository: 'library/alpine',
      tag: '3.20'
    })
    expect(parseImageRef('localhost:5000/app:1@sha256:abc')).toEqual({
      registry: 'localhost:5000',
      repository: 'app',
      tag: '1',
      digest: 'sha256:abc'
    })
    expect(parseImageRef('Bitnami/Redis')?.repository).toBe('bitnami/redis')
    expect(parseImageRef('index.docker.io/bitnami/redis')?.registry).toBe('docker.io')
    expect(parseImageRef('  ')).toBeUndefined()
  })
})

describe('lookupKnownImage', () => {
  it.each([
    ['gcr.io/distroless/static:nonroot', 65532],
    ['gcr.io/distroless/static-debian12:nonroot', 65532],
    ['gcr.io/distroless/base:debug-nonroot', 65532],
    ['gcr.io/distroless/java21-debian12:nonroot-amd64', 65532],
    ['gcr.io/distroless/static:nonroot@sha256:0123', 65532],
    ['cgr.dev/chainguard/static:latest', 65532],
    ['cgr.dev/chainguard/python', 65532],
    ['nginxinc/nginx-unprivileged:1.27-alpine', 101],
    ['docker.io/nginxinc/nginx-unprivileged', 101],
    ['bitnami/redis:7.2', 1001],
    ['registry.access.redhat.com/ubi9/nodejs-20:latest', 1001],
    ['mcr.microsoft.com/dotnet/runtime:8.0-jammy-chiseled', 1654]
  ])('%s runs as uid %d', (image, uid) => {
    expect(lookupKnownImage(image)?.uid).toBe(uid)
  })

  it.each([
    'gcr.io/distroless/static',
    'gcr.io/distroless/static:latest',
    'gcr.io/distroless/base:debug',
    'cgr.dev/chainguard/python:latest-dev',
    'cgr.dev/chainguard/wolfi-base',
    'bitnami/minideb:bookworm',
    'nginx:1.27',
    'alpine:3.20',
    'registry.access.redhat.com/ubi9/ubi-minimal',
    'mcr.microsoft.com/windows/servercore:ltsc2022',
    'mcr.microsoft.com/windows/nanoserver:sac2016',
    'mcr.microsoft.com/dotnet/runtime:8.0',
    'example.com/distroless/static:nonroot'
  ])('%s is not in the table (root by default)', image => {
    expect(lookupKnownImage(image)).toBeUndefined()
  })

  it('documents a source, a user and a non-zero uid (where the image fixes one) for every entry', () => {
    for (const entry of KNOWN_NONROOT_IMAGES) {
      expect(entry.source).toMatch(/^https:\/\//)
      expect(entry.user).not.toMatch(/^(root|0|ContainerAdministrator)$/i)
      if (entry.uid !== undefined) expect(entry.uid).toBeGreaterThan(0)
      else expect(entry.windows === true || /[a-z]/.test(entry.user)).toBe(true)
    }
    for (const entry of KNOWN_ROOT_IMAGES) {
      expect(entry.source).toMatch(/^https:\/\//)
      expect(entry.user).toMatch(/^(root|ContainerAdministrator)$/)
    }
  })
})

describe('classifyBaseImage: known non-root, known root, unknown', () => {
  it.each([
    // corpus 0263 (docker-library/haproxy ends in USER haproxy) and 0203 (memcached, USER memcache)
    ['haproxy:3.0', 'haproxy', 99],
    ['memcached:1.6-alpine', 'memcache', 11211],
    ['elasticsearch:8.15.0', '1000', 1000],
    ['kibana:8.15.0', '1000', 1000],
    ['docker.io/library/logstash:8.15.0', '1000', 1000],
    ['grafana/grafana-oss:11.0.0', 'grafana', 472],
    ['grafana/loki:3.0.0', '10001', 10001],
    ['jenkins/jenkins:lts-jdk17', 'jenkins', 1000],
    ['prom/prometheus:v2.53.0', 'nobody', 65534],
    ['prom/node-exporter', 'nobody', 65534],
    ['quay.io/prometheus/alertmanager:v0.27.0', 'nobody', 65534],
    ['quay.io/prometheuscommunity/postgres-exporter', 'nobody', 65534],
    ['quay.io/keycloak/keycloak:25.0', '1000', 1000],
    ['registry.k8s.io/pause:3.9', '65535:65535', 65535],
    ['solr:9', 'solr', 8983],
    ['sonarqube:community', 'sonarqube', 1000],
    ['kong:3.7', 'kong', 1000],
    ['jetty:12', 'jetty', undefined],
    ['odoo:17', 'odoo', undefined],
    ['gitea/gitea:1.22-rootless', '1000:1000', 1000],
    ['mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled', 'app', 1654]
  ])('%s is known non-root (%s)', (image, user, uid) => {
    const known = classifyBaseImage(image)
    expect(known.kind).toBe('non-root')
    if (known.kind === 'non-root') {
      expect(known.image.user).toBe(user)
      expect(known.image.uid).toBe(uid)
    }
  })

  it.each([
    'alpine:3.22',
    'debian:bookworm-slim',
    'ubuntu:24.04',
    'node:20-alpine',
    'python:3.12',
    'golang:1.23',
    'traefik:v3',
    'nginx:1.27',
    'arm32v7/alpine',
    'eclipse-temurin:21-jre',
    'gcr.io/distroless/static-debian12',
    'mcr.microsoft.com/dotnet/aspnet:8.0',
    'prom/busybox',
    'postgres:16',
    'registry.access.redhat.com/ubi9/ubi-minimal',
    'ghcr.io/linuxserver/baseimage-alpine:3.20'
  ])('%s is known root', image => {
    expect(classifyBaseImage(image).kind).toBe('root')
  })

  it('says which root images step down in their own entrypoint', () => {
    const postgres = classifyBaseImage('postgres:16-alpine')
    expect(postgres.kind === 'root' && postgres.image.stepsDownTo).toBe('postgres')
    const alpine = classifyBaseImage('alpine')
    expect(alpine.kind === 'root' && alpine.image.stepsDownTo).toBeUndefined()
  })

  it.each([
    'bats-jenkins',
    'mycorp/base:1',
    'registry.example.com/team/app:2',
    'easypi/alpine-arm',
    'grafana/promtail'
  ])('%s is unknown (the base image decides)', image => {
    expect(classifyBaseImage(image)).toEqual({ kind: 'unknown' })
  })
})

describe('Windows base images', () => {
  it.each([
    // corpus 1147 (nanoserver:1809), 1213 (ltsc2019), 1174 (1803), 1137 (insider 17046), 1226 (insider 18334)
    'mcr.microsoft.com/windows/nanoserver:1809',
    'mcr.microsoft.com/windows/nanoserver:ltsc2019',
    'mcr.microsoft.com/windows/nanoserver:ltsc2022-amd64',
    'mcr.microsoft.com/windows/nanoserver:1803',
    'mcr.microsoft.com/windows/nanoserver:10.0.17763.1039',
    'mcr.microsoft.com/windows/nanoserver-insider:10.0.17046.1000',
    'mcr.microsoft.com/nanoserver-insider:10.0.17744.1001',
    'mcr.microsoft.com/windows/nanoserver/insider:10.0.18334.1',
    'mcr.microsoft.com/powershell:nanoserver-1809',
    'golang:1.23-nanoserver-ltsc2022'
  ])('%s (Nano Server 1709 or later) defaults to ContainerUser', image => {
    expect(lookupKnownImage(image)).toMatchObject({ user: 'ContainerUser', windows: true })
    expect(isWindowsBaseImage(image)).toBe(true)
  })

  it.each([
    'mcr.microsoft.com/windows/nanoserver:sac2016',
    'mcr.microsoft.com/windows/nanoserver:10.0.14393.2068',
    'mcr.microsoft.com/windows/servercore:ltsc2022',
    'mcr.microsoft.com/windowsservercore-insider:10.0.17744.1001',
    'mcr.microsoft.com/windows:1809',
    'microsoft/iis',
    'mcr.microsoft.com/dotnet/framework/sdk:4.8',
    'python:2.7.14-windowsservercore',
    'golang:1.9-nanoserver'
  ])('%s defaults to ContainerAdministrator', image => {
    const known = classifyBaseImage(image)
    expect(known.kind).toBe('root')
    expect(known.kind === 'root' && known.image.user).toBe('ContainerAdministrator')
    expect(isWindowsBaseImage(image)).toBe(true)
  })

  it('recognises Windows image names it does not know (stefanscherer/node-windows)', () => {
    expect(isWindowsBaseImage('stefanscherer/node-windows:10')).toBe(true)
    expect(classifyBaseImage('stefanscherer/node-windows:10').kind).toBe('unknown')
    expect(isWindowsBaseImage('alpine:3.20')).toBe(false)
  })
})
