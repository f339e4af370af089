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

  it('uses the probe identity when no workload process was seen, and changes nothing without a probe', () => {
    expect(reconcileWithMeasurement([staticRoot], measured(65532, []))[0].level).toBe('note')
    expect(reconcileWithMeasurement([staticRoot], undefined)).toEqual([staticRoot])
  })
})
