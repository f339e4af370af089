// Rules over the deployment profile (docker run flags). Pure: they read ctx.profile and the Dockerfile model.
// With nothing declared the profile is Docker's defaults: LP200 says so once instead of a finding per default.
import type { Rule } from '../types'
import { dockerDefaultsAssumed } from './defaults'
import { lsmUnconfined, seccompUnconfined } from './kernel-isolation'
import { kubeletRefusesNonRoot, runtimeUserRoot } from './least-privilege'
import { noNewPrivilegesNotSet } from './no-escalation'
import {
  dockerSocketMounted,
  hostNamespaceShared,
  hostUserNamespace,
  sensitiveHostPathMounted
} from './host-protection'
import {
  capabilitiesNotDropped,
  dangerousCapabilityAdded,
  hostDeviceExposed,
  privilegedContainer
} from './runtime-hardening'

export const deploymentRules: Rule[] = [
  runtimeUserRoot,
  kubeletRefusesNonRoot,
  dockerDefaultsAssumed,
  privilegedContainer,
  capabilitiesNotDropped,
  dangerousCapabilityAdded,
  hostDeviceExposed,
  seccompUnconfined,
  lsmUnconfined,
  noNewPrivilegesNotSet,
  hostNamespaceShared,
  dockerSocketMounted,
  sensitiveHostPathMounted,
  hostUserNamespace
]
