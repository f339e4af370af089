// Rules over measurements: the probe report, the running workload, image and daemon facts. Pure; all return
// nothing when no probe ran (the verdict is then "not measured", decided elsewhere).
import type { Rule } from '../types'
import { lsmRequestedNotActive, lsmUnconfinedMeasured, noLsm, seccompOffMeasured } from './kernel-isolation'
import { measuredRoot, workloadUserDiffers } from './least-privilege'
import { noNewPrivsOffMeasured, setuidFilesPresent } from './no-escalation'
import { noUserNamespace } from './host-protection'
import { capabilitiesBeyondDeclared, fullBoundingSet, inertCapAdd } from './runtime-hardening'

export const measuredRules: Rule[] = [
  measuredRoot,
  workloadUserDiffers,
  capabilitiesBeyondDeclared,
  fullBoundingSet,
  inertCapAdd,
  seccompOffMeasured,
  lsmUnconfinedMeasured,
  lsmRequestedNotActive,
  noLsm,
  noNewPrivsOffMeasured,
  setuidFilesPresent,
  noUserNamespace
]
