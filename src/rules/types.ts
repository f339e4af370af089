import type { Deployment, ProfileField } from '../deployment/types'
import type { DockerfileModel } from '../dockerfile/types'
import type { DaemonFacts, ImageFacts, WorkloadReport } from '../docker/types'
import type { ProbeReport } from '../docker/probe-report'
import type { Evidence, Level } from '../findings'
import type { Principle } from '../principles'
import type { RuntimeProfile } from '../profile/types'

/** Static description of a rule: everything SARIF `rules[]` and the docs need. */
export interface RuleMeta {
  /** Stable id, `LP` + principle digit + two digits (LP101). Never reuse or renumber. */
  id: string
  /** kebab-case name, e.g. `final-stage-runs-as-root`. */
  name: string
  principle: Principle
  evidence: Evidence
  level: Level
  /** GitHub security-severity, 0.1..10. */
  securitySeverity: number
  /** One line: what is wrong. */
  title: string
  /** A few sentences: why it matters. */
  description: string
  /** One line: how to fix it. */
  fix: string
  /** hadolint rule ids whose `# hadolint ignore=` also suppresses this rule. */
  hadolintEquivalents?: string[]
}

/** Everything a rule may look at. Rules are pure: no I/O, no clock, no randomness. */
export interface RuleContext {
  model: DockerfileModel
  profile: RuntimeProfile
  /**
   * The declared deployment the profile came from (compose service, Kubernetes container); undefined for
   * run-options or Docker's defaults. Deployment findings then point at its file and line.
   */
  deployment?: Deployment
  image?: ImageFacts
  daemon?: DaemonFacts
  probe?: ProbeReport
  workload?: WorkloadReport
}

/** One occurrence; the engine turns it into a Finding. */
export interface RuleHit {
  message: string
  /** 1-based; defaults to the final stage's FROM line. */
  line?: number
  endLine?: number
  /**
   * The profile field this hit is about (deployment rules): with a declared deployment the finding points
   * at the line that sets it (`deployment.locations[field]`), or at the service/container when unset.
   */
  field?: ProfileField
  /** Overrides the rule's default level for this hit. */
  level?: Level
  properties?: Record<string, unknown>
}

export interface Rule {
  meta: RuleMeta
  check(ctx: RuleContext): RuleHit[]
}
