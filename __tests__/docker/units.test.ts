// Pure parts of the docker layer: the safety settings on top of the profile, log demuxing, `top` rows,
// build progress and the probe output check.
import { describe, expect, it } from '@jest/globals'
import { BuildProgress, decodeBuildkitLog } from '../../src/docker/build-progress'
import { demuxLogs } from '../../src/docker/demux'
import { probeMount } from '../../src/docker/injection'
import { parseProbeOutput } from '../../src/docker/probe-output'
import { containerCreateOptions, workloadProfile } from '../../src/docker/safety'
import { parseTop } from '../../src/docker/top'
import { RESOURCE_LABEL } from '../../src/meta'
import { parseRunOptions } from '../../src/profile/parse'

describe('containerCreateOptions', () => {
  it('adds no network, limits, the label and no auto-remove on top of the profile', () => {
    const o = containerCreateOptions(parseRunOptions('--cap-drop ALL --read-only --user 1001'), {
      image: 'img',
      runId: 'run-1',
      mounts: [probeMount('/abs/probe')]
    })
    expect(o).toMatchObject({ Image: 'img', User: '1001', Labels: { [RESOURCE_LABEL]: 'run-1' }, Tty: false })
    expect(o.HostConfig).toMatchObject({
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      ReadonlyRootfs: true,
      Memory: 64 * 1024 * 1024,
      PidsLimit: 64,
      AutoRemove: false,
      Mounts: [{ Type: 'bind', Source: '/abs/probe', Target: '/.least-privilege-probe', ReadOnly: true }]
    })
  })

  it("keeps the profile's own network and mounts", () => {
    const o = containerCreateOptions(
      parseRunOptions('--network host -v /var/run/docker.sock:/var/run/docker.sock'),
      {
        image: 'img',
        runId: 'r',
        mounts: [probeMount('/p')]
      }
    )
    const host = o.HostConfig as { NetworkMode: string; Mounts: Array<{ Target: string }> }
    expect(host.NetworkMode).toBe('host')
    expect(host.Mounts.map(m => m.Target)).toEqual(['/var/run/docker.sock', '/.least-privilege-probe'])
  })
})

describe('demuxLogs', () => {
  it('splits 8-byte framed stdout and stderr', () => {
    const frame = (kind: number, text: string): Buffer => {
      const body = Buffer.from(text)
      const head = Buffer.alloc(8)
      head[0] = kind
      head.writeUInt32BE(body.length, 4)
      return Buffer.concat([head, body])
    }
    expect(demuxLogs(Buffer.concat([frame(1, '{"a":'), frame(2, 'warn\n'), frame(1, '1}')]))).toEqual({
      stdout: '{"a":1}',
      stderr: 'warn\n'
    })
  })
})

describe('parseTop', () => {
  it('reads numeric columns and keeps the whole command line', () => {
    expect(
      parseTop({
        Titles: ['PID', 'UID', 'EUID', 'GID', 'COMMAND'],
        Processes: [['4242', '1001', '1001', '1001', 'sleep 30 --x y']]
      })
    ).toEqual([{ pid: 4242, uid: 1001, euid: 1001, gid: 1001, args: 'sleep 30 --x y' }])
  })
})

describe('BuildProgress', () => {
  it('names the failing classic step and the daemon message on one line', () => {
    const p = new BuildProgress()
    p.add({ stream: 'Step 2/3 : RUN make\n' })
    p.add({ stream: ' ---> Running in 0123456789ab\n' })
    p.add({ errorDetail: { message: 'The command returned\na non-zero code: 2' }, error: 'x' })
    expect(p.failure()).toBe('Step 2/3 : RUN make: The command returned a non-zero code: 2')
  })

  it("decodes dockerode's base64 BuildKit log lines but leaves vertex lines and words alone", () => {
    expect(decodeBuildkitLog(Buffer.from('hello world\n').toString('base64'))).toBe('hello world')
    expect(decodeBuildkitLog('[sha256:14fb2] [2/2] RUN x')).toBe('[sha256:14fb2] [2/2] RUN x')
    expect(decodeBuildkitLog('abcd')).toBe('abcd')
  })
})

describe('parseProbeOutput', () => {
  it('rejects non-JSON and wrong schema versions with the first stderr line', () => {
    expect(() => parseProbeOutput('', 'exec format error\nmore', 1)).toThrow(
      'probe printed no report (exit code 1): exec format error'
    )
    expect(() => parseProbeOutput('{"schema_version":2}', '', 0)).toThrow(/schema_version 2, expected 1/)
    expect(() => parseProbeOutput('not json', '', 0)).toThrow(/not JSON/)
  })
})

describe('workloadProfile', () => {
  it('replaces host bind mounts with tmpfs at the same target and drops devices, keeping the rest', () => {
    const declared = parseRunOptions(
      '--user 1001 --cap-drop ALL -v /var/run/docker.sock:/var/run/docker.sock -v /etc:/host/etc:ro ' +
        '-v data:/data --tmpfs /tmp --device /dev/kmsg --device-cgroup-rule "c 1:3 mr" --pid host'
    )
    const contained = workloadProfile(declared)
    const options = containerCreateOptions(contained, { image: 'img', runId: 'r' })
    const host = options.HostConfig as Record<string, unknown>
    expect(host.Mounts).toEqual([
      { Type: 'tmpfs', Target: '/var/run/docker.sock', ReadOnly: false },
      { Type: 'tmpfs', Target: '/host/etc', ReadOnly: true },
      { Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false }
    ])
    expect(host.Tmpfs).toEqual({ '/tmp': '' })
    expect(host.Devices).toBeUndefined()
    expect(host.DeviceCgroupRules).toBeUndefined()
    expect(host.PidMode).toBe('host')
    expect(host.CapDrop).toEqual(['ALL'])
    expect(options.User).toBe('1001')
    // The declared profile itself is untouched: the rules judge what was declared.
    expect(declared.mounts.map(m => m.type)).toEqual(['bind', 'bind', 'volume', 'tmpfs'])
    expect(declared.devices).toHaveLength(1)
  })
})
