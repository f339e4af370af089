// Shared helpers of the measurement acceptance suites (issue 12): busybox build contexts in temp folders,
// the bundled CLI run with execFile (never a shell), the docker CLI, and cleanup of exactly what a case made.
// Expectations come from the issue, the user docs and kernel/Docker semantics, not from src/.
import { execFile } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const CLI = process.env.LP_CLI_BUNDLE || path.join(REPO, 'dist/cli/index.js')
export const BUSYBOX = '/bin/busybox'
/** Every image built here (and so every container made from it, by the tool or by us) carries this label. */
export const CASE_LABEL = 'io.least-privilege.acceptance.measurement'
/** Containers we start ourselves carry this too, so the tool's leftovers can be told from ours. */
export const OURS_LABEL = 'io.least-privilege.acceptance.measurement.ours'

/** A busybox root file system with /etc/passwd (root, app 1000), a sticky /tmp and a place for data. */
export const BUSYBOX_HEADER = [
  'FROM scratch',
  'COPY busybox /bin/busybox',
  'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
  "RUN echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && echo 'app:x:1000:1000:app:/home/app:/bin/sh' >> /etc/passwd && \\",
  "    echo 'root:x:0:' > /etc/group && echo 'app:x:1000:' >> /etc/group && mkdir -p /tmp /home/app && chmod 1777 /tmp",
  ''
].join('\n')

export interface Exec {
  code: number
  stdout: string
  stderr: string
  ms: number
}

/** Runs a program without a shell; never rejects (the exit code is in the answer). */
export function run(
  file: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}
): Promise<Exec> {
  const started = Date.now()
  return new Promise(resolve => {
    execFile(
      file,
      args,
      {
        cwd: opts.cwd ?? REPO,
        timeout: opts.timeoutMs ?? 240_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', ...opts.env }
      },
      (error, stdout, stderr) => {
        const code =
          error === null
            ? 0
            : typeof (error as { code?: unknown }).code === 'number'
              ? (error as { code: number }).code
              : -1
        resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - started })
      }
    )
  })
}

export function cli(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}
) {
  return run(process.execPath, [CLI, ...args], opts)
}

export async function docker(args: string[], timeoutMs = 120_000): Promise<Exec> {
  return run('docker', args, { timeoutMs })
}

// ---------------------------------------------------------------------------------------------------------------
// Cases: a temp folder, a nonce, the images and containers it made

export class Case {
  readonly nonce: string
  readonly dir: string
  private readonly images: string[] = []

  constructor(name: string) {
    this.nonce = `${name}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    this.dir = mkdtempSync(path.join(tmpdir(), `lp-measure-${name}-`))
  }

  /** Writes a busybox Dockerfile (header + body + the case label) at `rel` and busybox beside it. */
  dockerfile(body: string, rel = 'Dockerfile', files: Record<string, string> = {}): string {
    const file = path.join(this.dir, rel)
    const folder = path.dirname(file)
    mkdirSync(folder, { recursive: true })
    if (!existsSync(path.join(folder, 'busybox'))) {
      copyFileSync(BUSYBOX, path.join(folder, 'busybox'))
      chmodSync(path.join(folder, 'busybox'), 0o755)
    }
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, name), text)
    writeFileSync(file, `${BUSYBOX_HEADER}${body.trim()}\nLABEL ${CASE_LABEL}="${this.nonce}"\n`)
    return file
  }

  write(rel: string, text: string): string {
    const file = path.join(this.dir, rel)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, text)
    return file
  }

  /** Builds `rel` with the docker CLI as the tag lpaccept-measure:<nonce>; the case removes it. */
  async build(rel = 'Dockerfile'): Promise<string> {
    const tag = `lpaccept-measure:${this.nonce
      .toLowerCase()
      .replace(/[^a-z0-9_.-]/g, '-')
      .slice(0, 120)}`
    const file = path.join(this.dir, rel)
    const res = await docker(['build', '-q', '-t', tag, '-f', file, path.dirname(file)], 300_000)
    if (res.code !== 0) throw new Error(`docker build ${rel} failed: ${res.stderr}`)
    this.images.push(tag)
    return tag
  }

  /** Containers carrying this case's label that we did not start: the tool's leftovers. */
  async toolLeftovers(): Promise<string[]> {
    const all = await docker(['ps', '-aq', '--filter', `label=${CASE_LABEL}=${this.nonce}`])
    const ours = await docker(['ps', '-aq', '--filter', `label=${OURS_LABEL}=${this.nonce}`])
    const mine = new Set(ours.stdout.split('\n').filter(Boolean))
    return all.stdout
      .split('\n')
      .filter(Boolean)
      .filter(id => !mine.has(id))
  }

  /** Starts IMAGE with FLAGS detached (our own label added); returns the container id or the error. */
  async start(flags: string[], image: string, cmd: string[] = []): Promise<{ id?: string; error?: string }> {
    const res = await docker(['run', '-d', '--label', `${OURS_LABEL}=${this.nonce}`, ...flags, image, ...cmd])
    if (res.code !== 0) return { error: res.stderr.trim() }
    return { id: res.stdout.trim() }
  }

  async cleanup(): Promise<void> {
    const ours = await docker(['ps', '-aq', '--filter', `label=${CASE_LABEL}=${this.nonce}`])
    const ids = ours.stdout.split('\n').filter(Boolean)
    if (ids.length > 0) await docker(['rm', '-f', '-v', ...ids])
    for (const tag of this.images) await docker(['rmi', '-f', tag])
    rmSync(this.dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Containers

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export interface State {
  running: boolean
  exitCode: number
  health: string | null
  logs: string
}

export async function state(id: string): Promise<State> {
  const res = await docker([
    'inspect',
    '-f',
    '{{.State.Running}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}',
    id
  ])
  const [running, exitCode, health] = res.stdout.trim().split(' ')
  const logs = await docker(['logs', '--tail', '20', id])
  return {
    running: running === 'true',
    exitCode: Number(exitCode),
    health: health === 'none' || health === undefined ? null : health,
    logs: `${logs.stdout}${logs.stderr}`.trim()
  }
}

/** TCP ports listening inside the container's network namespace (busybox netstat in the image). */
export async function listeningPorts(id: string): Promise<number[]> {
  const res = await docker(['exec', id, 'netstat', '-ltn'])
  const ports = new Set<number>()
  for (const line of res.stdout.split('\n')) {
    const m = /^tcp6?\s+\d+\s+\d+\s+\S*:(\d+)\s+\S+\s+LISTEN/.exec(line.trim())
    if (m) ports.add(Number(m[1]))
  }
  return [...ports].sort((a, b) => a - b)
}

export interface Expectation {
  /** ports that must be listening */
  ports?: number[]
  /** the image's HEALTHCHECK must report healthy */
  healthy?: boolean
  /** how long to watch before judging (ms) */
  watchMs?: number
  /** a command (the HEALTHCHECK's, for one with a long interval) that must succeed inside the container */
  execOk?: string[]
}

/**
 * Runs IMAGE under FLAGS and judges it as the verification does: still running after the watch,
 * listening on the expected ports, healthy when it has a HEALTHCHECK. Returns a one-line reason when not.
 */
export async function works(
  c: Case,
  flags: string[],
  image: string,
  want: Expectation = {}
): Promise<string | null> {
  const started = await c.start(flags, image)
  if (!started.id) return `docker run refused: ${started.error}`
  const id = started.id
  try {
    await sleep(want.watchMs ?? 4000)
    let s = await state(id)
    if (!s.running) return `exited ${s.exitCode}: ${s.logs.split('\n').slice(-3).join(' | ')}`
    if (want.ports && want.ports.length > 0) {
      const ports = await listeningPorts(id)
      for (const p of want.ports)
        if (!ports.includes(p)) return `not listening on ${p} (listening: ${ports.join(',')})`
    }
    if (want.execOk) {
      const res = await docker(['exec', id, ...want.execOk])
      if (res.code !== 0) return `${want.execOk.join(' ')} exits ${res.code}: ${res.stderr.trim()}`
    }
    if (want.healthy) {
      const deadline = Date.now() + 8000
      while (s.health !== 'healthy' && s.health !== 'unhealthy' && Date.now() < deadline) {
        await sleep(500)
        s = await state(id)
      }
      if (s.health !== 'healthy') return `health ${s.health}`
    }
    return null
  } finally {
    await docker(['rm', '-f', '-v', id])
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Flags: split like a shell would (the docs' rule for --run-options), then read the parts judged here

export function splitFlags(text: string): string[] {
  const out: string[] = []
  let cur = ''
  let inWord = false
  let quote: "'" | '"' | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote === "'") {
      if (ch === "'") quote = null
      else cur += ch
    } else if (quote === '"') {
      if (ch === '"') quote = null
      else if (ch === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) cur += text[++i]
      else cur += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      inWord = true
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i]
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur)
      cur = ''
      inWord = false
    } else {
      cur += ch
      inWord = true
    }
  }
  if (quote) throw new Error(`unbalanced quote in ${JSON.stringify(text)}`)
  if (inWord) out.push(cur)
  return out
}

export interface Flags {
  tokens: string[]
  capAdd: string[]
  capDrop: string[]
  tmpfs: string[]
  user: string | null
  readOnly: boolean
  privileged: boolean
  securityOpt: string[]
  namespaces: Record<string, string>
}

const VALUED = new Set([
  '--cap-add',
  '--cap-drop',
  '--tmpfs',
  '--user',
  '-u',
  '--security-opt',
  '--pid',
  '--ipc',
  '--network',
  '--net',
  '--uts',
  '--userns',
  '--cgroupns',
  '--mount',
  '-v',
  '--volume',
  '--sysctl',
  '--ulimit',
  '--group-add',
  '--device',
  '-e',
  '--env',
  '-p',
  '--publish'
])

const capName = (c: string): string => c.toUpperCase().replace(/^CAP_/, '')

export function readFlags(tokens: string[]): Flags {
  const f: Flags = {
    tokens,
    capAdd: [],
    capDrop: [],
    tmpfs: [],
    user: null,
    readOnly: false,
    privileged: false,
    securityOpt: [],
    namespaces: {}
  }
  for (let i = 0; i < tokens.length; i++) {
    let name = tokens[i]
    let value: string | undefined
    const eq = name.indexOf('=')
    if (name.startsWith('--') && eq > 0) {
      value = name.slice(eq + 1)
      name = name.slice(0, eq)
    } else if (VALUED.has(name)) value = tokens[++i]
    switch (name) {
      case '--cap-add':
        f.capAdd.push(...(value ?? '').split(',').filter(Boolean).map(capName))
        break
      case '--cap-drop':
        f.capDrop.push(...(value ?? '').split(',').filter(Boolean).map(capName))
        break
      case '--tmpfs':
        f.tmpfs.push((value ?? '').split(':')[0])
        break
      case '--user':
      case '-u':
        f.user = value ?? null
        break
      case '--read-only':
        f.readOnly = value === undefined || value === 'true'
        break
      case '--privileged':
        f.privileged = value === undefined || value === 'true'
        break
      case '--security-opt':
        f.securityOpt.push(value ?? '')
        break
      case '--pid':
      case '--ipc':
      case '--network':
      case '--net':
      case '--uts':
      case '--userns':
      case '--cgroupns':
        f.namespaces[name.replace(/^--/, '')] = value ?? ''
        break
    }
  }
  f.capAdd.sort()
  return f
}

/** FLAGS without one `--cap-add X` (also inside a comma list); null when X is not added by FLAGS. */
export function withoutCap(tokens: string[], cap: string): string[] {
  const out: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    let list: string | undefined
    if (t === '--cap-add') list = tokens[++i]
    else if (t.startsWith('--cap-add=')) list = t.slice('--cap-add='.length)
    else {
      out.push(t)
      continue
    }
    const kept = (list ?? '').split(',').filter(c => c && capName(c) !== cap)
    if (kept.length > 0) out.push('--cap-add', kept.join(','))
  }
  return out
}

/** FLAGS without the `--tmpfs` for PATH. */
export function withoutTmpfs(tokens: string[], target: string): string[] {
  const out: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    let v: string | undefined
    if (t === '--tmpfs') v = tokens[++i]
    else if (t.startsWith('--tmpfs=')) v = t.slice('--tmpfs='.length)
    else {
      out.push(t)
      continue
    }
    if ((v ?? '').split(':')[0] !== target) out.push('--tmpfs', v ?? '')
  }
  return out
}

/** True when the user names root (absent means the image's user). */
export function isRootUser(user: string | null): boolean {
  if (user === null) return false
  const name = user.split(':')[0]
  return name === '0' || name === 'root'
}

/** A non-root user: a uid other than 0 or a name other than root. */
export function isNonRootUser(user: string | null): boolean {
  return user !== null && user !== '' && !isRootUser(user)
}

// ---------------------------------------------------------------------------------------------------------------
// The report (only the parts judged here; the rest is unknown)

export interface Need {
  kind: string
  value: string
  evidence: string
}
export interface Suggestion {
  docker: string
  compose: string
  kubernetes: string
  needs: Need[]
  verified: { outcome: unknown; windowMs: unknown; ports: unknown; healthcheck: unknown } & Record<
    string,
    unknown
  >
  status: string
  limits: unknown
  trials: unknown
  [k: string]: unknown
}
export interface Workload {
  status: string
  detail?: string
  processes: Array<{ pid: number; uid: number; euid: number; args: string }>
  [k: string]: unknown
}
export interface Result {
  file: string
  target: { name: string; source: string; file: string | null; line: number | null }
  profile: { declared: boolean; args: string[] }
  rows: Array<{ principle: string; verdict: string }>
  findings: Array<{ rule_id: string; level: string; message: string; suppressed: boolean }>
  measurement: { image: { user: string; id: string }; workload?: Workload | null } | null
  not_measured_reason?: string | null
  suggestion?: Suggestion | null
  notifications: Array<{ level: string; kind: string; message: string }>
}
export interface Report {
  results: Result[]
  notifications: Array<{ level: string; kind: string; message: string }>
}

export function parseReport(res: Exec): Report {
  try {
    return JSON.parse(res.stdout) as Report
  } catch {
    throw new Error(
      `no JSON report on stdout (exit ${res.code}).\nstdout: ${res.stdout.slice(0, 2000)}\nstderr: ${res.stderr.slice(0, 4000)}`
    )
  }
}

/** One line, no stack trace: how every usage error must look. */
export function oneLine(stderr: string): string[] {
  return stderr.split('\n').filter(l => l.trim() !== '')
}
