// A declared deployment: where and how one image runs, read from a compose service, a Kubernetes
// container or `docker run` flags, as the one RuntimeProfile the rules judge and the probe runs, plus the
// file and line of every value so a finding can point at the line where its fix goes.
import type { Pragma } from '../dockerfile/types'
import type { RuntimeProfile } from '../profile/types'
import type { SourceLocation } from './yaml'

export type { SourceLocation } from './yaml'

/** `label`: the image's own `LABEL RUN=` command (src/deployment/label.ts). */
export type DeploymentSource = 'run-options' | 'compose' | 'kubernetes' | 'label'

/** How the deployment names its image: a Dockerfile to build, an image reference, or both (compose). */
export interface ImageLink {
  /** Compose `build`: the Dockerfile it builds, as an absolute path, and the build settings. */
  build?: {
    context: string
    dockerfile: string
    target?: string
    args: Record<string, string>
  }
  /** The image reference as written (compose `image`, a Kubernetes container's `image`). */
  image?: string
}

/**
 * Profile field keys used in `locations`: `user`, `privileged`, `readOnly`, `capAdd:<CAP>`, `capDrop:<CAP>`,
 * `securityOpt.noNewPrivileges`, `securityOpt.seccomp`, `securityOpt.apparmor`, `securityOpt.labels`,
 * `userns`, `pid`, `ipc`, `network`, `devices:<index>`, `mounts:<index>`, `sysctls:<name>`, `groupAdd`, `init`.
 */
export type ProfileField = string

export interface Deployment {
  source: DeploymentSource
  /** Display name: `compose.yaml service worker`, `k8s/api.yaml Deployment/api container app`. */
  name: string
  /** The file it was read from, relative to the repository root ('' for run-options). */
  file: string
  /** The service or container entry: where a finding about a missing key points. */
  at?: SourceLocation
  link: ImageLink
  profile: RuntimeProfile
  /** Where each value of the profile was written (a null-prototype map keyed by ProfileField). */
  locations: Record<ProfileField, SourceLocation>
  /**
   * Values the platform supplies when the key is absent, which are not Docker's (Kubernetes: seccomp
   * Unconfined, allowPrivilegeEscalation true), by ProfileField, with the reason shown in reports.
   */
  platformDefaults: Record<ProfileField, string>
  /**
   * `# least-privilege ignore=…` comments of the files this deployment was read from, by repo-relative file
   * (a null-prototype map): they suppress the findings located in those files (src/deployment/pragmas.ts).
   */
  pragmas?: Record<string, Pragma[]>
  /** Kubernetes facts that have no `docker run` equivalent but change the verdict. */
  kubernetes?: {
    runAsNonRoot?: boolean
    runAsUser?: number
    runAsGroup?: number
    /** `hostUsers: false`: the pod gets a user namespace. */
    hostUsers?: boolean
    procMount?: string
    /** `initContainers`, `containers` or `ephemeralContainers`. */
    containerKind: 'containers' | 'initContainers' | 'ephemeralContainers'
  }
}

/** What reading one deployment file gives: its deployments, and notes for what it skipped (unknown kinds). */
export interface DeploymentFile {
  file: string
  deployments: Deployment[]
  notes: { line: number; message: string }[]
}
