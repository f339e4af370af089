import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { ProbeReport } from '../../src/docker/probe-report'
import type { WorkloadReport } from '../../src/docker/types'
import { PRINCIPLES } from '../../src/principles'
import { measuredRules } from '../../src/rules/measured'
import { decodeCapMask } from '../../src/profile/capabilities'
import { boundingSetIsFull } from '../../src/rules/measured/runtime-hardening'
import type { RuleContext, RuleHit } from '../../src/rules/types'
import { probeFixture, ruleContext } from '../../__fixtures__/probe-reports/context'

function hits(id: string, ctx: RuleContext): RuleHit[] {
  const rule = measuredRules.find(r => r.meta.id === id)
  if (!rule) throw new Error(`no rule ${id}`)
  return rule.check(ctx)
}
/** Rule `id` over probe fixture `fixture` measured under `flags` (undefined = Docker defaults). */
const run = (id: string, fixture: string, flags?: string, extra: Partial<RuleContext> = {}) =>
  hits(id, ruleContext(flags, { probe: probeFixture(fixture), ...extra }))
const ids = (fixture: string, flags?: string, extra: Partial<RuleContext> = {}) =>
  measuredRules.flatMap(r =>
    r.check(ruleContext(flags, { probe: probeFixture(fixture), ...extra })).map(() => r.meta.id)
  )

function modified(fixture: string, change: (p: ProbeReport) => void): ProbeReport {
  const probe = probeFixture(fixture)
  change(probe)
  return probe
}
function workload(processes: Array<[pid: number, euid: number]>, probe?: ProbeReport): WorkloadReport {
  return {
    status: 'measured',
    processes: processes.map(([pid, euid]) => ({
      pid,
      uid: euid,
      euid,
      gid: euid,
      args: `/app --pid ${pid}`
    })),
    ...(probe ? { probe } : {})
  }
}

describe('measured rule metadata', () => {
  it('has a docs page per rule with its name, fix, before/after and suppression', () => {
    for (const { meta } of measuredRules) {
      const page = readFileSync(new URL(`../../docs/rules/${meta.id}.md`, import.meta.url), 'utf8')
      expect(page.startsWith(`# ${meta.id} ${meta.name}\n`)).toBe(true)
      expect(page).toContain(meta.fix)
      expect(page).toContain('Before:')
      expect(page).toContain('After:')
      expect(page).toContain(`ignore-file=${meta.id}`)
    }
  })
  it('has the agreed ids, one principle each, matching the id digit', () => {
    expect(measuredRules.map(r => r.meta.id)).toEqual([
      'LP140',
      'LP141',
      'LP240',
      'LP241',
      'LP242',
      'LP340',
      'LP341',
      'LP342',
      'LP343',
      'LP440',
      'LP441',
      'LP540'
    ])
    for (const { meta } of measuredRules) {
      expect(meta.evidence).toBe('measured')
      expect(PRINCIPLES[Number(meta.id[2]) - 1]).toBe(meta.principle)
      expect(meta.fix).not.toContain('\n')
    }
    expect(measuredRules.find(r => r.meta.id === 'LP540')?.meta.level).toBe('warning')
  })

  it('every rule returns nothing without a probe report', () => {
    for (const rule of measuredRules) {
      expect(
        rule.check(ruleContext('--privileged --cap-add ALL --user 0', { workload: workload([[1, 0]]) }))
      ).toEqual([])
    }
  })
})

describe('the observed matrix, end to end', () => {
  it.each([
    ['default-root', undefined, ['LP140', 'LP343', 'LP540']],
    ['user-1001', undefined, ['LP343']],
    ['cap-drop-all-root', '--cap-drop ALL', ['LP140', 'LP343', 'LP440', 'LP540']],
    [
      'cap-drop-all-nbs-1001',
      '--user 1001 --cap-drop ALL --cap-add NET_BIND_SERVICE',
      ['LP242', 'LP343', 'LP440']
    ],
    ['cap-add-nbs-1001', '--cap-add NET_BIND_SERVICE', ['LP242', 'LP343', 'LP440']],
    ['cap-add-sys-admin-root', '--cap-add SYS_ADMIN', ['LP140', 'LP343', 'LP440', 'LP540']],
    ['privileged-1001', '--privileged', ['LP241', 'LP340', 'LP343', 'LP440']],
    [
      'seccomp-unconfined-root',
      '--security-opt seccomp=unconfined',
      ['LP140', 'LP340', 'LP343', 'LP440', 'LP540']
    ],
    ['nnp-root', '--security-opt no-new-privileges', ['LP140', 'LP343', 'LP540']],
    ['read-only-root', '--read-only', ['LP140', 'LP343', 'LP440', 'LP540']],
    ['setuid-1001', undefined, ['LP343', 'LP441', 'LP540']],
    ['setuid-nnp-1001', '--security-opt no-new-privileges', ['LP343', 'LP441']],
    ['userns-remap-root', undefined, ['LP140', 'LP343']],
    ['apparmor-default-root', undefined, ['LP140', 'LP540']],
    ['apparmor-unconfined-root', '--security-opt apparmor=unconfined', ['LP140', 'LP341', 'LP440', 'LP540']],
    ['selinux-spc-root', '--security-opt label=disable', ['LP140', 'LP341', 'LP440', 'LP540']]
  ])('%s under %s -> %j', (fixture, flags, expected) => {
    expect(ids(fixture, flags)).toEqual(expected)
  })
})

describe('LP140 measured-root', () => {
  it('reports uid 0 with the measured values', () => {
    const [hit] = run('LP140', 'default-root')
    expect(hit.message).toBe("The container's process was measured running as root (effective uid 0).")
    expect(hit.properties).toMatchObject({
      uid: 0,
      cap_eff: '00000000a80425fb',
      cap_bnd: '00000000a80425fb',
      host_uid: 0
    })
  })
  it('mentions the host uid in a user namespace, still as an error', () => {
    const [hit] = run('LP140', 'userns-remap-root')
    expect(hit.level).toBeUndefined()
    expect(hit.message).toMatch(/uid 0 is host uid 231072/)
  })
  it('does not fire for uid 1001', () => {
    expect(run('LP140', 'user-1001')).toEqual([])
  })
  it('lets the measured workload decide: a gosu drop is not root', () => {
    expect(run('LP140', 'default-root', undefined, { workload: workload([[1, 1001]]) })).toEqual([])
    expect(
      run('LP140', 'default-root', undefined, { workload: workload([], probeFixture('user-1001')) })
    ).toEqual([])
  })
  it('reports a root workload process by its command; the pids, which change per run, go to properties', () => {
    const [hit] = run('LP140', 'default-root', undefined, {
      workload: workload([
        [1, 1001],
        [9, 0],
        [7, 0]
      ])
    })
    expect(hit.message).toBe('The running workload is root: "/app --pid 7" runs with effective uid 0.')
    expect(hit.properties).toMatchObject({
      workload_root_pids: [9, 7],
      workload_root_processes: [
        { pid: 9, args: '/app --pid 9' },
        { pid: 7, args: '/app --pid 7' }
      ]
    })
  })
  it('says the same whatever the pids of the same processes are', () => {
    const at = (pids: [number, number]) =>
      run('LP140', 'default-root', undefined, {
        workload: {
          ...workload([[pids[0], 0]]),
          processes: [{ ...workload([[pids[0], 0]]).processes[0], args: '/app' }]
        }
      })[0].message
    expect(at([7, 0])).toBe(at([4242, 0]))
  })
  it('falls back to the probe when the workload exited', () => {
    const exited: WorkloadReport = { status: 'exited', processes: [] }
    expect(run('LP140', 'default-root', undefined, { workload: exited })).toHaveLength(1)
  })
})

describe('LP141 workload-user-differs', () => {
  it('notes an image that starts as root and drops privileges', () => {
    const [hit] = run('LP141', 'default-root', undefined, { workload: workload([[1, 1001]]) })
    expect(hit.level).toBeUndefined()
    expect(hit.message).toMatch(/starts as root, but its workload runs as uid 1001/)
    expect(hit.properties).toMatchObject({ start_uid: 0, workload_uids: [1001] })
  })
  it('is an error when a non-root image ends up running root', () => {
    const [hit] = run('LP141', 'user-1001', undefined, {
      workload: workload([
        [1, 1001],
        [9, 0]
      ])
    })
    expect(hit.level).toBe('error')
    expect(hit.message).toBe(
      'The image starts as uid 1001, but its workload runs as root: privileges were raised after start, e.g. by a setuid binary.'
    )
    expect(hit.properties).toMatchObject({ workload_pids: [1, 9], workload_root_pids: [9] })
  })
  it('uses the sidecar probe of the workload too', () => {
    expect(
      run('LP141', 'default-root', undefined, { workload: workload([], probeFixture('user-1001')) })
    ).toHaveLength(1)
  })
  it.each([
    ['user-1001', [[1, 1001]]],
    ['default-root', [[1, 0]]],
    ['default-root', []]
  ] as Array<[string, Array<[number, number]>]>)('%s with workload %j does not fire', (fixture, procs) => {
    expect(run('LP141', fixture, undefined, { workload: workload(procs) })).toEqual([])
  })
})

describe('LP240 capabilities-beyond-declared', () => {
  it('does not fire when the measured set is what the flags grant', () => {
    expect(run('LP240', 'cap-add-sys-admin-root', '--cap-add SYS_ADMIN')).toEqual([])
    expect(run('LP240', 'cap-drop-all-nbs-1001', '--cap-drop ALL --cap-add NET_BIND_SERVICE')).toEqual([])
    expect(run('LP240', 'privileged-1001', '--privileged')).toEqual([])
    expect(run('LP240', 'default-root')).toEqual([])
  })
  it('is an error for an effective dangerous capability the flags do not grant', () => {
    const [hit] = run('LP240', 'cap-add-sys-admin-root')
    expect(hit.level).toBe('error')
    expect(hit.message).toMatch(/beyond what Docker's defaults grant: SYS_ADMIN \(1 of them effective\)/)
    expect(hit.properties).toMatchObject({
      extra_bounding: ['SYS_ADMIN'],
      extra_effective: ['SYS_ADMIN'],
      defaults: true
    })
  })
  it('compares against cap-drop ALL', () => {
    const [hit] = run('LP240', 'default-root', '--cap-drop ALL')
    expect(hit.properties?.extra_bounding).toHaveLength(14)
  })
  it('is a warning for harmless extras only in the bounding set of a non-root process', () => {
    const [hit] = run('LP240', 'user-1001', '--cap-drop ALL --cap-add CHOWN')
    expect(hit.level).toBe('warning')
    expect(hit.properties?.extra_bounding).not.toContain('CHOWN')
  })
  it('is an error for a privileged bounding set measured where it was not declared', () => {
    expect(run('LP240', 'privileged-1001', '--user 1001')[0].level).toBe('error')
  })
})

describe('LP241 full-bounding-set', () => {
  it('fires on the privileged measurement that lacks only SYS_RESOURCE (test-VM quirk)', () => {
    const [hit] = run('LP241', 'privileged-1001', '--privileged')
    expect(hit.message).toMatch(/CapBnd 0000003ffeffffff/)
    // The words match the set it reports: one capability is missing, and the message names it.
    expect(hit.message).toMatch(/^The bounding set holds every capability but SYS_RESOURCE \(/)
    expect(hit.properties).toMatchObject({ missing: ['SYS_RESOURCE'] })
  })
  it('says when a non-root process can reach the set through setuid binaries', () => {
    const probe = modified('setuid-1001', p => {
      p.capabilities.sets.bounding = probeFixture('privileged-1001').capabilities.sets.bounding
    })
    expect(hits('LP241', ruleContext('--privileged', { probe }))[0].message).toMatch(
      /setuid-root\/file-cap binaries exist/
    )
  })
  it('trusts the probe when it says full', () => {
    const probe = modified('default-root', p => (p.capabilities.full_bounding = true))
    expect(hits('LP241', ruleContext(undefined, { probe }))[0].message).toMatch(/process is root/)
  })
  it('does not fire on the default or an added set', () => {
    expect(run('LP241', 'default-root')).toEqual([])
    expect(run('LP241', 'cap-add-sys-admin-root')).toEqual([])
  })
  it('needs all classic capabilities (0-37) but one', () => {
    expect(boundingSetIsFull(decodeCapMask('0000003fffffffff'), 40, false)).toEqual({
      full: true,
      missing: []
    })
    expect(boundingSetIsFull(decodeCapMask('0000003ffeffffff'), 40, false)).toEqual({
      full: true,
      missing: ['SYS_RESOURCE']
    })
    expect(boundingSetIsFull(decodeCapMask('0000003ffedfffff'), 40, false).full).toBe(false)
    expect(boundingSetIsFull(decodeCapMask('00000000a80425fb'), 40, true).full).toBe(true)
  })

  it('decodes the raw mask when the probe left names empty', () => {
    const probe = modified('privileged-1001', p => (p.capabilities.sets.bounding.names = []))
    expect(hits('LP241', ruleContext('--privileged', { probe }))).toHaveLength(1)
  })
})

describe('LP242 inert-cap-add', () => {
  it('notes --cap-add for a non-root process with an empty effective set', () => {
    const [hit] = run('LP242', 'cap-add-nbs-1001', '--cap-add NET_BIND_SERVICE')
    expect(hit.message).toBe(
      '--cap-add NET_BIND_SERVICE is inert: the process runs as uid 1001 and its effective set is 0000000000000000.'
    )
    expect(hit.properties).toMatchObject({ inert: ['NET_BIND_SERVICE'], uid: 1001 })
  })
  it('does not fire for root, where the capability is effective', () => {
    expect(run('LP242', 'cap-add-sys-admin-root', '--cap-add SYS_ADMIN')).toEqual([])
  })
  it('does not fire when a setuid-root binary can still use it (no_new_privs off)', () => {
    expect(run('LP242', 'setuid-1001', '--cap-add NET_BIND_SERVICE')).toEqual([])
  })
  it('fires when no_new_privs neutralises the setuid binary', () => {
    expect(
      run('LP242', 'setuid-nnp-1001', '--cap-add NET_BIND_SERVICE --security-opt no-new-privileges')
    ).toHaveLength(1)
  })
  it('does not fire when the capability is effective (ambient or file caps)', () => {
    const probe = modified('cap-add-nbs-1001', p => {
      p.capabilities.sets.effective = { raw: '0000000000000400', names: ['NET_BIND_SERVICE'] }
    })
    expect(hits('LP242', ruleContext('--cap-add NET_BIND_SERVICE', { probe }))).toEqual([])
  })
  it('hedges when the image was not scanned for file capabilities', () => {
    const probe = modified('cap-add-nbs-1001', p => (p.privileged_files.scanned = false))
    expect(hits('LP242', ruleContext('--cap-add NET_BIND_SERVICE', { probe }))[0].message).toMatch(
      /not scanned/
    )
  })
  it('does not fire without cap-add', () => {
    expect(run('LP242', 'user-1001')).toEqual([])
  })
})

describe('LP340 seccomp-off-measured', () => {
  it('names the cause', () => {
    expect(run('LP340', 'privileged-1001', '--privileged')[0].message).toMatch(/\(--privileged\)/)
    expect(run('LP340', 'seccomp-unconfined-root', '--security-opt seccomp=unconfined')[0].message).toMatch(
      /seccomp=unconfined/
    )
    expect(run('LP340', 'seccomp-unconfined-root')[0].properties).toEqual({
      seccomp_raw: '0',
      seccomp_mode: 'disabled',
      seccomp_filters: 0
    })
  })
  it('does not fire under the default filter', () => {
    expect(run('LP340', 'default-root')).toEqual([])
  })
})

describe('LP341 lsm-unconfined-measured', () => {
  it('fires on AppArmor unconfined and SELinux spc_t', () => {
    expect(run('LP341', 'apparmor-unconfined-root')[0].message).toBe(
      'The AppArmor label "unconfined" says unconfined.'
    )
    expect(run('LP341', 'selinux-spc-root')[0].message).toMatch(/SELinux label "system_u:system_r:spc_t:s0"/)
  })
  it('fires on an AppArmor profile in complain mode', () => {
    const probe = modified('apparmor-default-root', p => {
      p.lsm.label = 'docker-default (complain)'
      p.lsm.label_mode = 'complain'
    })
    expect(hits('LP341', ruleContext(undefined, { probe }))[0].message).toMatch(/complain mode/)
  })
  it('does not call a host without an LSM unconfined', () => {
    expect(run('LP341', 'default-root')).toEqual([])
    expect(run('LP341', 'apparmor-default-root')).toEqual([])
  })
})

describe('LP342 lsm-requested-not-active', () => {
  it('warns when apparmor= or label= was requested where no such LSM runs', () => {
    expect(run('LP342', 'default-root', '--security-opt apparmor=docker-default')[0].message).toMatch(
      /apparmor=docker-default was requested, but no AppArmor label was measured/
    )
    expect(run('LP342', 'default-root', '--security-opt label=type:container_t')[0].message).toMatch(
      /no SELinux label/
    )
    expect(run('LP342', 'selinux-spc-root', '--security-opt apparmor=docker-default')).toHaveLength(1)
  })
  it('does not fire when the LSM is there, nothing was requested, or confinement was turned off on purpose', () => {
    expect(run('LP342', 'apparmor-default-root', '--security-opt apparmor=docker-default')).toEqual([])
    expect(run('LP342', 'default-root')).toEqual([])
    expect(
      run('LP342', 'default-root', '--security-opt apparmor=unconfined --security-opt label=disable')
    ).toEqual([])
  })
  it('does not guess when the label could not be read', () => {
    const probe = modified('default-root', p => p.errors.push({ item: 'lsm.label', errno: 'EACCES' }))
    expect(hits('LP342', ruleContext('--security-opt apparmor=x', { probe }))).toEqual([])
  })
})

describe('LP343 no-lsm', () => {
  it('notes a host with no label-providing LSM', () => {
    const [hit] = run('LP343', 'default-root')
    expect(hit.message).toMatch(/no label-providing LSM is active/)
    expect(hit.properties).toMatchObject({ lsm_label: null, apparmor_enabled: false, selinux_enabled: false })
  })
  it('does not fire when a label is present, or unreadable', () => {
    expect(run('LP343', 'apparmor-default-root')).toEqual([])
    expect(run('LP343', 'apparmor-unconfined-root')).toEqual([])
    const probe = modified('default-root', p => p.errors.push({ item: 'lsm.label', errno: 'EACCES' }))
    expect(hits('LP343', ruleContext(undefined, { probe }))).toEqual([])
  })
})

describe('LP440 no-new-privs-off-measured', () => {
  it('warns on NoNewPrivs 0 and notes a request that did not take effect', () => {
    expect(run('LP440', 'default-root')).toEqual([]) // undeclared: LP200 carries the measurement
    expect(run('LP440', 'default-root', '--read-only')[0].properties).toMatchObject({
      no_new_privs: false,
      no_new_privs_raw: '0'
    })
    expect(run('LP440', 'default-root', '--security-opt no-new-privileges')[0].message).toMatch(
      /although the flags request it/
    )
  })
  it('does not fire on NoNewPrivs 1', () => {
    expect(run('LP440', 'nnp-root', '--security-opt no-new-privileges')).toEqual([])
  })
})

describe('LP441 setuid-files-present', () => {
  it('is an error when a non-root process can use a setuid-root binary now', () => {
    const [hit] = run('LP441', 'setuid-1001')
    expect(hit.level).toBe('error')
    expect(hit.message).toBe(
      '2 setuid/setgid/file-capability files in the image: /usr/bin/su, /usr/bin/wall. The process (uid 1001) can run /usr/bin/su to regain the bounding set.'
    )
    expect(hit.properties).toMatchObject({ count: 2, truncated: false })
  })
  it('lists the files in path order, whatever order the probe walked them in', () => {
    const probe = probeFixture('setuid-1001')
    const reversed = {
      ...probe,
      privileged_files: { ...probe.privileged_files, files: [...probe.privileged_files.files].reverse() }
    }
    expect(hits('LP441', ruleContext(undefined, { probe: reversed }))[0].message).toBe(
      run('LP441', 'setuid-1001')[0].message
    )
  })
  it('is a note under no_new_privs', () => {
    expect(run('LP441', 'setuid-nnp-1001', '--security-opt no-new-privileges')[0].level).toBe('note')
  })
  it('is a warning for root, or setgid-only files', () => {
    const root = modified('setuid-1001', p => (p.identity.uid.effective = 0))
    expect(hits('LP441', ruleContext(undefined, { probe: root }))[0].level).toBe('warning')
    const setgidOnly = modified('setuid-1001', p => {
      p.privileged_files.files = p.privileged_files.files.filter(f => !f.setuid)
      p.privileged_files.count = 1
    })
    expect(hits('LP441', ruleContext(undefined, { probe: setgidOnly }))[0].level).toBe('warning')
  })
  it('caps the list and keeps the count', () => {
    const many = modified('setuid-1001', p => {
      const file = p.privileged_files.files[1]
      p.privileged_files.files = Array.from({ length: 50 }, (_, i) => ({ ...file, path: `/bin/f${i}` }))
      p.privileged_files.count = 73
      p.privileged_files.truncated = true
    })
    const [hit] = hits('LP441', ruleContext(undefined, { probe: many }))
    expect(hit.message).toMatch(
      /^73 setuid.*: \/bin\/f0, \/bin\/f1, \/bin\/f10, \/bin\/f11, \/bin\/f12 and 45 more\./
    )
    expect((hit.properties?.files as unknown[]).length).toBe(20)
    expect(hit.properties).toMatchObject({ count: 73, truncated: true })
  })
  it('does not fire on a clean or unscanned image', () => {
    expect(run('LP441', 'user-1001')).toEqual([])
    const unscanned = modified('setuid-1001', p => (p.privileged_files.scanned = false))
    expect(hits('LP441', ruleContext(undefined, { probe: unscanned }))).toEqual([])
  })
})

describe('LP540 no-user-namespace', () => {
  it('warns (never errors) when root in the container is host root', () => {
    const [hit] = run('LP540', 'default-root')
    expect(hit.level).toBeUndefined()
    expect(hit.message).toMatch(/uid 0 in the container is uid 0 on the host/)
    expect(hit.properties).toMatchObject({ uid_map: '0 0 4294967295' })
  })
  it('warns for non-root when a setuid path to root exists', () => {
    expect(run('LP540', 'setuid-1001')[0].message).toMatch(/can become root through a setuid binary/)
  })
  it('does not fire under userns remapping or for plain non-root', () => {
    expect(run('LP540', 'userns-remap-root')).toEqual([])
    expect(run('LP540', 'user-1001')).toEqual([])
    expect(run('LP540', 'setuid-nnp-1001')).toEqual([])
  })
})
