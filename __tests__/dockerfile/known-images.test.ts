import { describe, expect, it } from '@jest/globals'
import { KNOWN_NONROOT_IMAGES, lookupKnownImage, parseImageRef } from '../../src/dockerfile/known-images'

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
    'mcr.microsoft.com/dotnet/runtime:8.0',
    'example.com/distroless/static:nonroot'
  ])('%s is not in the table (root by default)', image => {
    expect(lookupKnownImage(image)).toBeUndefined()
  })

  it('documents a source and a non-zero uid for every entry', () => {
    for (const entry of KNOWN_NONROOT_IMAGES) {
      expect(entry.source).toMatch(/^https:\/\//)
      expect(entry.uid).toBeGreaterThan(0)
    }
  })
})
