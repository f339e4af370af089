// bench/parallel: 20 targets scanned one at a time (--jobs 1) and with the default bound (the CPU count), one
// run each, as a ratio. Usage: node bench/parallel.mjs [--targets N] [--jobs N]
// Target (issue 12): on 2 CPUs the parallel scan takes at most 0.6x the sequential one.
//
// The targets are 20 Dockerfiles (not one Dockerfile under 20 compose services, which the build cache would
// build once): each is a busybox image FROM scratch with a RUN step of its own and a nonce per mode, so every
// target really builds (a container per RUN, a commit) in both runs, and each runs a workload that stays up
// (`sleep`) so the probe and the workload window are measured as a real scan measures them. The scan runs
// from a bundle of the working tree (ncc, transpile-only, as bench/probe.mjs), so dist/ need not be rebuilt.
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const root = new URL('..', import.meta.url).pathname
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name)
  return at > 0 ? Number(process.argv[at + 1]) : fallback
}
const TARGETS = flag('--targets', 20)
const JOBS = flag('--jobs', undefined)
if (!Number.isInteger(TARGETS) || TARGETS < 1 || TARGETS > 200) throw new Error('--targets expects 1..200')

const work = mkdtempSync(join(tmpdir(), 'lp-bench-parallel-'))
try {
  console.log('bundling src/index.ts with ncc ...')
  execFileSync(
    join(root, 'node_modules', '.bin', 'ncc'),
    ['build', 'src/index.ts', '-o', join(work, 'bundle'), '--quiet', '--transpile-only'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }
  )
  // The CLI shim, as scripts/package.mjs writes dist/cli/index.js: the flag, then the one bundle.
  writeFileSync(
    join(work, 'cli.cjs'),
    "globalThis.__leastPrivilegeCli = true\nrequire('./bundle/index.js')\n"
  )

  /** `count` distinct Dockerfiles under `dir`, each in its own folder with busybox beside it. */
  const targets = (dir, nonce) => {
    for (let i = 1; i <= TARGETS; i++) {
      const folder = join(dir, `t${String(i).padStart(2, '0')}`)
      mkdirSync(folder, { recursive: true })
      copyFileSync('/bin/busybox', join(folder, 'busybox'))
      writeFileSync(
        join(folder, 'Dockerfile'),
        [
          'FROM scratch',
          'COPY busybox /bin/busybox',
          'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
          `RUN mkdir -p /etc && echo ${nonce}-${i} > /etc/bench-target`,
          'USER 1000',
          'CMD ["sleep", "600"]',
          ''
        ].join('\n')
      )
    }
  }

  const scan = (mode, jobs) => {
    const dir = join(work, mode)
    targets(dir, randomBytes(6).toString('hex'))
    const args = [join(work, 'cli.cjs'), 'scan', dir, '--format', 'json', '--fail-on', 'never']
    if (jobs !== undefined) args.push('--jobs', String(jobs))
    const start = performance.now()
    const run = spawnSync('node', args, {
      cwd: work,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, LEAST_PRIVILEGE_PROBE_DIR: join(root, 'dist', 'probe'), COLUMNS: '100' }
    })
    const ms = performance.now() - start
    if (run.status !== 0) throw new Error(`${mode} scan exited ${run.status}: ${run.stderr.slice(-2000)}`)
    const report = JSON.parse(run.stdout)
    const measured = report.results.filter(r => r.measurement?.probe).length
    if (report.results.length !== TARGETS || measured !== TARGETS)
      throw new Error(`${mode}: ${report.results.length} results, ${measured} measured (want ${TARGETS})`)
    return ms
  }

  const cpuCount = availableParallelism()
  console.log(`CPUs: ${cpuCount} (os.availableParallelism; ${cpus().length} listed), targets: ${TARGETS}`)
  const sequential = scan('sequential', 1)
  console.log(`--jobs 1:                ${(sequential / 1000).toFixed(2)} s`)
  const parallel = scan('parallel', JOBS)
  const label = JOBS === undefined ? `default (${cpuCount})` : String(JOBS)
  console.log(`--jobs ${label}:`.padEnd(25) + `${(parallel / 1000).toFixed(2)} s`)
  console.log(`ratio parallel/sequential: ${(parallel / sequential).toFixed(2)}x (target on 2 CPUs: <= 0.6x)`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
