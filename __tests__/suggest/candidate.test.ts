// What the suggestion carries over from the declared flags: resource limits stay (a suggestion tightens the
// deployment, it never loosens it; acceptance case "declared --network none --pids-limit 64 --memory 64m").
import { describe, expect, it } from '@jest/globals'
import { loadRuntimeProfile } from '../../src/profile/load'
import { carriedArgs, declaredLimits } from '../../src/suggest/candidate'

describe('declaredLimits', () => {
  it('keeps memory, pids, CPU and ulimit flags in every spelling, as --name value pairs', () => {
    expect(
      declaredLimits([
        '--memory',
        '64m',
        '--pids-limit=64',
        '-m',
        '32m',
        '--cpus',
        '0.5',
        '--ulimit',
        'nofile=1024'
      ])
    ).toEqual([
      '--memory',
      '64m',
      '--pids-limit',
      '64',
      '--memory',
      '32m',
      '--cpus',
      '0.5',
      '--ulimit',
      'nofile=1024'
    ])
    expect(declaredLimits(['-m64m', '--user', '1000', '--cap-add', 'NET_ADMIN'])).toEqual(['--memory', '64m'])
  })

  it('carriedArgs keeps the declared limits beside the network', () => {
    const profile = loadRuntimeProfile(
      '--network none --pids-limit 64 --memory 64m --pid host',
      process.cwd()
    )
    expect(carriedArgs(profile)).toEqual(['--network', 'none', '--pids-limit', '64', '--memory', '64m'])
  })
})
