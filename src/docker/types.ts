import type { ProbeReport } from './probe-report'

/** What `GET /images/{id}/json` says about the image. */
export interface ImageFacts {
  ref: string
  id: string
  /** Config.User, '' when unset. */
  user: string
  entrypoint: string[]
  cmd: string[]
  exposedPorts: string[]
  architecture: string
  os: string
}

/** What `GET /info` and `/version` say about the daemon. */
export interface DaemonFacts {
  serverVersion: string
  apiVersion: string
  kernelVersion: string
  operatingSystem: string
  architecture: string
  cgroupVersion: string
  /** Raw `SecurityOptions` entries. */
  securityOptions: string[]
  seccompProfile?: string
  apparmor: boolean
  selinux: boolean
  userns: boolean
  rootless: boolean
  /** True when the daemon is reached over TCP/SSH, so bind mounts of local files do not work. */
  remote: boolean
}

export interface WorkloadProcess {
  pid: number
  uid: number
  euid: number
  gid: number
  args: string
}

/** The image's own entrypoint/cmd run for a short window under the profile. */
export interface WorkloadReport {
  /** `measured`: processes were read; otherwise why not. */
  status: 'measured' | 'exited' | 'failed'
  detail?: string
  /** Processes seen via the Engine API `top` (numeric columns). */
  processes: WorkloadProcess[]
  /** Probe run in a sidecar sharing the workload's PID namespace, reading pid 1. */
  probe?: ProbeReport
  /** How long it was watched and why that ended; absent when it never started. */
  window?: WorkloadWindow
  /** Set when status is `exited`: its exit code and the last lines of its output (bounded, raw). */
  exitCode?: number
  outputTail?: string
}

/** The observation window of a workload: it ends when its identity settles, at the cap, or when it exits. */
export interface WorkloadWindow {
  /** From the start of the container to the end of the observation (the sidecar probe comes after). */
  observedMs: number
  ended: 'settled' | 'cap' | 'exited'
  /** The cap (the configured window) and the quiet period that counts as settled. */
  capMs: number
  quietMs: number
  /** `top` samples taken. */
  samples: number
}

/** One measurement run: everything the docker layer learned about one image under one profile. */
export interface Measurement {
  image: ImageFacts
  daemon: DaemonFacts
  probe?: ProbeReport
  workload?: WorkloadReport
  /** How the probe got into the container. */
  injection?: 'bind-mount' | 'copy'
  /**
   * Where the probe measured itself: an exec in the workload container (same process spec, so the same
   * report) when the workload runs under exactly the declared profile, else a probe container of its own.
   */
  probedIn?: 'workload' | 'probe-container'
}
