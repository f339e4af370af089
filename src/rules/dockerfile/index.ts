// Static rules over the Dockerfile model, one module per principle.
import type { Rule } from '../types'
import { leastPrivilegeRules } from './least-privilege'
import { noEscalationRules } from './no-escalation'
import { runtimeHardeningRules } from './runtime-hardening'

export const dockerfileRules: Rule[] = [
  ...leastPrivilegeRules,
  ...runtimeHardeningRules,
  ...noEscalationRules
]
