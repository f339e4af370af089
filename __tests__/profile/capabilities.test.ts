import { describe, expect, it } from '@jest/globals'
import {
  CAPABILITIES,
  DANGEROUS_CAPS,
  DOCKER_DEFAULT_CAPS,
  capabilityNumber,
  decodeCapMask,
  dockerCapabilitySet,
  encodeCapMask,
  isDangerousCap,
  normaliseCapability,
  sortCaps
} from '../../src/profile/capabilities'

describe('capability table', () => {
  it('knows all 41 capabilities with their kernel numbers', () => {
    expect(CAPABILITIES).toHaveLength(41)
    expect(capabilityNumber('CHOWN')).toBe(0)
    expect(capabilityNumber('NET_BIND_SERVICE')).toBe(10)
    expect(capabilityNumber('SYS_ADMIN')).toBe(21)
    expect(capabilityNumber('SETFCAP')).toBe(31)
    expect(capabilityNumber('AUDIT_READ')).toBe(37)
    expect(capabilityNumber('CHECKPOINT_RESTORE')).toBe(40)
    expect(capabilityNumber('NET_BLAH')).toBeUndefined()
  })

  it("encodes Docker's default set as the mask observed in every default container", () => {
    expect(DOCKER_DEFAULT_CAPS).toHaveLength(14)
    expect(encodeCapMask(DOCKER_DEFAULT_CAPS)).toBe('00000000a80425fb')
  })

  it('decodes /proc masks, naming unknown bits cap_N', () => {
    expect(decodeCapMask('0000000000000400')).toEqual(['NET_BIND_SERVICE'])
    expect(sortCaps(decodeCapMask('00000000a80425fb'))).toEqual(sortCaps([...DOCKER_DEFAULT_CAPS]))
    expect(decodeCapMask('0000000000000000')).toEqual([])
    expect(decodeCapMask('0000003ffeffffff')).toHaveLength(37)
    expect(decodeCapMask('0000060000000001')).toEqual(['CHOWN', 'cap_41', 'cap_42'])
    expect(encodeCapMask(['CHOWN', 'cap_41'])).toBe('0000020000000001')
  })

  it('normalises names in any case, with or without CAP_', () => {
    expect(normaliseCapability('cap_net_admin')).toBe('NET_ADMIN')
    expect(normaliseCapability('CAP_NET_ADMIN')).toBe('NET_ADMIN')
    expect(normaliseCapability('Sys_Admin')).toBe('SYS_ADMIN')
    expect(normaliseCapability('all')).toBe('ALL')
    expect(normaliseCapability('CAP_ALL')).toBeUndefined()
    expect(normaliseCapability('NET_BLAH')).toBeUndefined()
  })

  it('calls escape-class capabilities dangerous, but not the Docker defaults DAC_OVERRIDE and SETFCAP', () => {
    for (const cap of ['SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'DAC_READ_SEARCH', 'NET_ADMIN', 'BPF']) {
      expect(isDangerousCap(cap)).toBe(true)
    }
    expect(isDangerousCap('DAC_OVERRIDE')).toBe(false)
    expect(isDangerousCap('SETFCAP')).toBe(false)
    expect(isDangerousCap('NET_BIND_SERVICE')).toBe(false)
    expect(isDangerousCap('constructor')).toBe(false)
    for (const cap of Object.keys(DANGEROUS_CAPS)) expect(CAPABILITIES).toContain(cap)
  })
})

describe('dockerCapabilitySet (moby TweakCapabilities)', () => {
  const flags = (capAdd: string[] = [], capDrop: string[] = [], privileged = false) => ({
    capAdd,
    capDrop,
    privileged
  })

  it('gives the 14 defaults with no flags', () => {
    expect(encodeCapMask(dockerCapabilitySet(flags()))).toBe('00000000a80425fb')
  })

  it('drops, then adds', () => {
    expect(encodeCapMask(dockerCapabilitySet(flags(['SYS_ADMIN'])))).toBe('00000000a82425fb')
    expect(dockerCapabilitySet(flags([], ['NET_RAW', 'MKNOD']))).not.toContain('NET_RAW')
    expect(dockerCapabilitySet(flags(['NET_RAW'], ['NET_RAW']))).toContain('NET_RAW')
  })

  it('drop ALL keeps only the adds', () => {
    expect(dockerCapabilitySet(flags([], ['ALL']))).toEqual([])
    expect(encodeCapMask(dockerCapabilitySet(flags(['NET_BIND_SERVICE'], ['ALL'])))).toBe('0000000000000400')
  })

  it('add ALL wins over drop ALL and keeps other drops', () => {
    expect(dockerCapabilitySet(flags(['ALL'], ['ALL']), 37)).toHaveLength(38)
    expect(encodeCapMask(dockerCapabilitySet(flags(['ALL'], ['SYS_RESOURCE']), 37))).toBe('0000003ffeffffff')
  })

  it('privileged ignores drops and gives everything up to the last cap', () => {
    expect(encodeCapMask(dockerCapabilitySet(flags([], ['ALL'], true), 40))).toBe('000001ffffffffff')
  })
})
