// Deployment flags that decide which capabilities and devices the container gets.
import {
  DANGEROUS_CAPS,
  DOCKER_DEFAULT_CAPS,
  dockerCapabilitySet,
  isDangerousCap
} from '../../profile/capabilities'
import { parseDevice } from '../../profile/devices'
import type { Rule, RuleHit } from '../types'
import { noDeploymentDeclared, say, sayCapAdd, subjectOf } from './vocabulary'

export const privilegedContainer: Rule = {
  meta: {
    id: 'LP220',
    name: 'privileged-container',
    principle: 'runtime-hardening',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 9.5,
    title: 'The container runs with --privileged',
    description:
      '`--privileged` gives the container every capability, all host devices, and turns seccomp and AppArmor/SELinux ' +
      'off. `--cap-drop` and `--security-opt` are ignored. A root process in a privileged container is root on the ' +
      'host in all but name; escaping takes one mount.',
    fix: 'Remove `--privileged`; add back only the capability or `--device` the workload needs.'
  },
  check(ctx) {
    const { profile } = ctx
    if (!profile.privileged) return []
    const ignored = profile.capDrop.length > 0 ? ' Its capability drops are ignored.' : ''
    return [
      {
        field: 'privileged',
        message: `${say(ctx, 'privileged')} gives the container every capability and host device and turns seccomp and the LSM off.${ignored}`,
        properties: { flag: '--privileged' }
      }
    ]
  }
}

export const capabilitiesNotDropped: Rule = {
  meta: {
    id: 'LP221',
    name: 'capabilities-not-dropped',
    principle: 'runtime-hardening',
    evidence: 'deployment',
    level: 'warning',
    securitySeverity: 5.0,
    title: 'The container keeps capabilities it did not ask for (no --cap-drop=ALL)',
    description:
      `Docker gives every container ${DOCKER_DEFAULT_CAPS.length} capabilities by default (${DOCKER_DEFAULT_CAPS.join(', ')}). ` +
      'A root process uses them directly, and a non-root process regains them through any setuid-root or file-capability ' +
      'binary. Most services need none or only NET_BIND_SERVICE.',
    fix: 'Add `--cap-drop=ALL`, then `--cap-add` only what the workload needs (often nothing).'
  },
  check(ctx) {
    const { profile } = ctx
    // Privileged and --cap-add ALL have their own, stronger findings; with no deployment declared, LP200
    // says once which defaults were assumed (a finding here could not be fixed in the file it points at).
    if (profile.privileged || profile.capAdd.includes('ALL') || noDeploymentDeclared(ctx)) return []
    const kept = dockerCapabilitySet(profile).filter(cap => !profile.capAdd.includes(cap))
    if (kept.length === 0) return []
    return [
      {
        ...(profile.capDrop.length ? { field: `capDrop:${profile.capDrop[0]}` } : {}),
        message: `${subjectOf(ctx)} keeps ${kept.length} capabilities it never asked for (${kept.join(', ')}): no ${say(ctx, 'dropAll')}.`,
        properties: { kept, capDrop: profile.capDrop }
      }
    ]
  }
}

export const dangerousCapabilityAdded: Rule = {
  meta: {
    id: 'LP222',
    name: 'dangerous-capability-added',
    principle: 'runtime-hardening',
    evidence: 'deployment',
    level: 'error',
    securitySeverity: 8.5,
    title: 'The deployment adds a dangerous capability',
    description:
      'Some capabilities reach past the container: SYS_ADMIN (mounts, namespaces), SYS_MODULE (kernel modules), ' +
      'SYS_PTRACE, SYS_RAWIO, DAC_READ_SEARCH (open_by_handle_at escape), NET_ADMIN, BPF, PERFMON, SYS_BOOT, ' +
      'MAC_ADMIN, MAC_OVERRIDE, SYS_TIME, SYSLOG and LINUX_IMMUTABLE. `--cap-add ALL` includes all of them.',
    fix: 'Remove the `--cap-add` of the dangerous capability; find the narrower capability or a helper outside the container.'
  },
  check(ctx) {
    const { profile } = ctx
    if (profile.capAdd.includes('ALL')) {
      return [
        {
          field: 'capAdd:ALL',
          message: `${sayCapAdd(ctx, ['ALL'])} grants every capability, including ${Object.keys(DANGEROUS_CAPS).join(', ')}.`,
          properties: { capabilities: ['ALL'] }
        }
      ]
    }
    const dangerous = profile.capAdd.filter(isDangerousCap)
    if (dangerous.length === 0) return []
    const why = dangerous.map(cap => `${cap} (${DANGEROUS_CAPS[cap]})`)
    return [
      {
        field: `capAdd:${dangerous[0]}`,
        message: `${sayCapAdd(ctx, dangerous)} grants dangerous ${dangerous.length === 1 ? 'capability' : 'capabilities'}: ${why.join('; ')}.`,
        properties: { capabilities: dangerous }
      }
    ]
  }
}

export const hostDeviceExposed: Rule = {
  meta: {
    id: 'LP223',
    name: 'host-device-exposed',
    principle: 'runtime-hardening',
    evidence: 'deployment',
    level: 'warning',
    securitySeverity: 6.5,
    title: 'A host device is exposed to the container',
    description:
      '`--device` gives the container direct access to a host device node, bypassing the device cgroup that normally ' +
      'blocks it; a block device means the raw host disk, `/dev/mem` or `/dev/kmsg` the kernel. ' +
      '`--device-cgroup-rule` widens the same allow list for device nodes the container creates.',
    fix: 'Remove the `--device`/`--device-cgroup-rule`, or narrow it to the one device and `r`/`rw` permissions it needs.'
  },
  check({ profile }) {
    const hits: RuleHit[] = profile.devices.map((device, index) => {
      const mapping = parseDevice(device)
      return {
        field: `devices:${index}`,
        message: `--device ${device} gives the container access to the host device ${mapping.PathOnHost} (${mapping.CgroupPermissions}).`,
        properties: {
          flag: `--device ${device}`,
          device: mapping.PathOnHost,
          permissions: mapping.CgroupPermissions
        }
      }
    })
    for (const rule of profile.deviceCgroupRules ?? []) {
      hits.push({
        message: `--device-cgroup-rule '${rule}' lets the container use host device nodes it creates.`,
        properties: {
          flag: `--device-cgroup-rule ${rule}`,
          device: rule,
          permissions: rule.split(' ').pop() ?? ''
        }
      })
    }
    return hits
  }
}
