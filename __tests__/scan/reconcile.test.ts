import { describe, expect, it } from '@jest/globals'
import type { Measurement } from '../../src/docker/types'
import type { Finding } from '../../src/findings'
import { reconcileWithMeasurement } from '../../src/scan/reconcile'

const staticRoot: Finding = {
  ruleId: 'LP101',
  principle: 'least-privilege',
  level: 'error',
  message: 'The final stage runs as root.',
  evidence: 'dockerfile',
  file: 'Dockerfile',
  line: 3
}

function measured(probeUid: number, workloadEuids: number[]): Measurement {
  return {
    image: {} as never,
    daemon: {} as never,
    probe: {
      identity: { uid: { real: probeUid, effective: probeUid, saved: probeUid, fs: probeUid } }
    } as never,
    workload: {
      status: 'measured',
      processes: workloadEuids.map((euid, pid) => ({ pid: pid + 1, uid: euid, euid, gid: euid, args: 'app' }))
    }
  }
}

describe('reconcileWithMeasurement', () => {
  it('lets a measured non-root workload overrule the static root guess, and says so', () => {
    const [result] = reconcileWithMeasurement([staticRoot], measured(0, [1001]))
    expect(result.level).toBe('note')
    expect(result.message).toContain('runs as uid 1001')
    expect(result.properties).toMatchObject({ measured_uid: 1001, static_level: 'error' })
  })

  it('keeps the finding when any workload process runs as root', () => {
    expect(reconcileWithMeasurement([staticRoot], measured(0, [0, 1001]))[0].level).toBe('error')
  })

  it('settles an unresolved static user with the measured uid, root included', () => {
    const unresolved: Finding = {
      ...staticRoot,
      ruleId: 'LP105',
      level: 'warning',
      message: 'USER $APP_UID is unresolved.'
    }
    const [nonRoot] = reconcileWithMeasurement([unresolved], measured(1001, []))
    expect(nonRoot).toMatchObject({
      level: 'note',
      properties: { measured_uid: 1001, static_level: 'warning' }
    })
    const [root] = reconcileWithMeasurement([unresolved], measured(0, []))
    expect(root.level).toBe('note')
    expect(root.message).toContain('uid 0 (root')
  })

  it('ignores an unreadable probe identity (-1)', () => {
    expect(reconcileWithMeasurement([staticRoot], measured(-1, []))[0].level).toBe('error')
  })

  it('uses the probe identity when no workload process was seen, and changes nothing without a probe', () => {
    expect(reconcileWithMeasurement([staticRoot], measured(65532, []))[0].level).toBe('note')
    expect(reconcileWithMeasurement([staticRoot], undefined)).toEqual([staticRoot])
  })
})
