// Rules over the deployment profile (docker run flags). Pure: they read ctx.profile and the Dockerfile model.
// With no flags the profile is Docker's defaults and they judge those (hits then carry `defaults: true`).
import type { Rule } from '../types'
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
