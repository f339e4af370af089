// toHostConfig against the real daemon: the fields it sends are accepted, mean what the profile says, and a
// container started from them has the capabilities and no_new_privs the flags ask for.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { buildImage } from '../../src/docker/build'
import { daemonMessage, readLogs, waitFor } from '../../src/docker/container-run'
import { removeContainer, removeImage } from '../../src/docker/resources'
import { silentLogger } from '../../src/logger'
import { toHostConfig } from '../../src/profile/host-config'
import { parseRunOptions } from '../../src/profile/parse'
import { dockerOrSkip, fixtureContext, labels, testRunId, type DockerSession } from '../docker/helpers'

const session: DockerSession | undefined = await dockerOrSkip('profile/host-config.docker')
const suite = session ? describe : describe.skip

suite('toHostConfig on the real daemon', () => {
  const docker = session?.docker as Docker
  const runId = testRunId()
  const tag = `lp-profile-test:${runId}`
  const containers: string[] = []
  const bindDir = mkdtempSync(join(tmpdir(), 'lp-bind-'))
  let cleanupContext = () => {}

  beforeAll(async () => {
    const ctx = fixtureContext('root')
    cleanupContext = ctx.cleanup
    await buildImage(docker, {
      dockerfile: join(ctx.dir, 'Dockerfile'),
      context: ctx.dir,
      buildArgs: {},
      tag,
      labels: labels(runId),
      logger: silentLogger
    })
  })

  afterAll(async () => {
    for (const id of containers) await removeContainer(docker, id)
    await removeImage(docker, tag)
    cleanupContext()
    rmSync(bindDir, { recursive: true, force: true })
  })

  async function create(flags: string, cmd: string[] = ['true']): Promise<Docker.Container> {
    const { User, HostConfig } = toHostConfig(parseRunOptions(flags))
    const container = await docker.createContainer({
      Image: tag,
      Cmd: cmd,
      Labels: labels(runId),
      ...(User !== undefined ? { User } : {}),
      HostConfig: { NetworkMode: 'none', ...HostConfig }
    } as Docker.ContainerCreateOptions)
    containers.push(container.id)
    return container
  }

  it('is accepted by the daemon and read back unchanged', async () => {
    const container = await create(
      `--user 1001:1001 --cap-drop=all --cap-add net_bind_service --security-opt no-new-privileges:true ` +
        `--security-opt seccomp=unconfined --security-opt apparmor=docker-default --security-opt label=type:container_t ` +
        `--read-only --tmpfs /tmp:rw,size=1m --mount type=bind,src=${bindDir},dst=/data,readonly -v /:/host:ro ` +
        `--device /dev/null:/dev/xnull:r --sysctl net.ipv4.ip_unprivileged_port_start=1024 --group-add 27 --init ` +
        `--ipc private --uts host --pid host --security-opt systempaths=unconfined`
    )
    const info = await container.inspect()
    const hc = info.HostConfig as unknown as Record<string, unknown>
    expect(info.Config.User).toBe('1001:1001')
    expect(hc.CapDrop).toEqual(['ALL'])
    expect(hc.CapAdd).toEqual(['CAP_NET_BIND_SERVICE'])
    expect(hc.SecurityOpt).toEqual([
      'no-new-privileges=true',
      'seccomp=unconfined',
      'apparmor=docker-default',
      'label=type:container_t'
    ])
    expect(hc.ReadonlyRootfs).toBe(true)
    expect(hc.Tmpfs).toEqual({ '/tmp': 'rw,size=1m' })
    expect(hc.Mounts).toEqual([
      expect.objectContaining({ Type: 'bind', Source: bindDir, Target: '/data', ReadOnly: true }),
      expect.objectContaining({ Type: 'bind', Source: '/', Target: '/host', ReadOnly: true })
    ])
    expect(hc.Devices).toEqual([
      { PathOnHost: '/dev/null', PathInContainer: '/dev/xnull', CgroupPermissions: 'r' }
    ])
    expect(hc.Sysctls).toEqual({ 'net.ipv4.ip_unprivileged_port_start': '1024' })
    expect(hc.GroupAdd).toEqual(['27'])
    expect(hc.Init).toBe(true)
    expect(hc.IpcMode).toBe('private')
    expect(hc.UTSMode).toBe('host')
    expect(hc.PidMode).toBe('host')
    expect(hc.MaskedPaths).toEqual([])
  })

  it('starts a container that has exactly what the flags grant', async () => {
    const container = await create(
      '--user 1001 --cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges --read-only',
      ['/bin/cat', '/proc/self/status']
    )
    await container.start()
    expect(await waitFor(container, 30_000)).toEqual({ statusCode: 0 })
    const status = (await readLogs(container)).stdout
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]
    expect(field('Uid')).toBe('1001\t1001\t1001\t1001')
    expect(field('CapBnd')).toBe('0000000000000400')
    expect(field('CapEff')).toBe('0000000000000000')
    expect(field('NoNewPrivs')).toBe('1')
    expect(field('Seccomp')).toBe('2')
  })

  it('the daemon rejects a comma-separated capability list, as the parser does', async () => {
    const outcome = await docker
      .createContainer({
        Image: tag,
        Labels: labels(runId),
        HostConfig: { CapAdd: ['CAP_NET_ADMIN,SYS_TIME'] }
      } as Docker.ContainerCreateOptions)
      .then(
        container => {
          containers.push(container.id)
          return 'created'
        },
        (error: unknown) => daemonMessage(error)
      )
    expect(outcome).toMatch(/unknown capability: "CAP_NET_ADMIN,SYS_TIME"/)
    expect(() => parseRunOptions('--cap-add NET_ADMIN,SYS_TIME')).toThrow(/one capability per flag/)
  })
})
