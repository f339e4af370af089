// bench/probe: what the probe step and a whole scan cost next to the docker CLI doing the same work.
// Our side runs through src/docker (bundled from src/docker/bench-entry.ts with ncc, as the action is), so
// the figures are for the code a scan really uses (transpile-only: type errors are tsc's job, not the bench's). Usage: node bench/probe.mjs [--runs N]
// Target (issue 3): probe step <= 1.5x `docker run --rm IMAGE true`.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const root = new URL('..', import.meta.url).pathname
const runsFlag = process.argv.indexOf('--runs')
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5
const LABEL = 'io.least-privilege.run=bench-setup'
const arch = process.arch === 'arm64' ? 'arm64' : 'amd64'
const probe = join(root, 'dist', 'probe', `probe-linux-${arch}`)

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts })
const timed = fn => {
  const start = performance.now()
  fn()
  return performance.now() - start
}

const work = mkdtempSync(join(tmpdir(), 'lp-bench-'))
const bundleDir = join(work, 'bundle')
const busyboxImage = 'least-privilege-bench:busybox'
try {
  console.log(`bundling src/docker/bench-entry.ts with ncc ...`)
  run(
    join(root, 'node_modules', '.bin', 'ncc'),
    ['build', 'src/docker/bench-entry.ts', '-o', bundleDir, '--quiet', '--transpile-only'],
    { cwd: root }
  )
  const ours = (...args) => JSON.parse(run('node', [join(bundleDir, 'index.js'), ...args], { cwd: root })).ms

  // Setup (not timed): a busybox image from scratch, so `true` exists in it.
  const ctx = join(work, 'busybox')
  run('mkdir', ['-p', ctx])
  copyFileSync('/bin/busybox', join(ctx, 'busybox'))
  writeFileSync(
    join(ctx, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n'
  )
  run('docker', ['build', '-q', '--label', LABEL, '-t', busyboxImage, ctx], {
    env: { ...process.env, DOCKER_BUILDKIT: '0' }
  })

  // 1. Probe step: image ready -> probe report, against `docker run --rm IMAGE true`.
  ours('probe', busyboxImage, '1') // warm-up (first container start pays page-cache misses)
  const probeMs = ours('probe', busyboxImage, String(RUNS))
  const trueMs = Array.from({ length: RUNS }, () =>
    timed(() => run('docker', ['run', '--rm', busyboxImage, 'true']))
  )

  // 2. Whole scan of examples/secure: our build + probe + workload window (until settled, 2 s cap) + cleanup, against the
  //    docker CLI's build, probe run and image removal.
  const dockerfile = join(root, 'examples', 'secure', 'Dockerfile')
  const context = join(root, 'examples', 'secure')
  const scanMs = ours('scan', dockerfile, context, String(RUNS))
  const cliMs = Array.from({ length: RUNS }, (_, i) => {
    const tag = `least-privilege-bench:cli-${i}`
    return timed(() => {
      run('docker', ['build', '-q', '--label', LABEL, '-t', tag, '-f', dockerfile, context], {
        env: { ...process.env, DOCKER_BUILDKIT: '0' }
      })
      run('docker', [
        'run',
        '--rm',
        '--network',
        'none',
        '--mount',
        `type=bind,src=${probe},dst=/.least-privilege-probe,readonly`,
        '--entrypoint',
        '/.least-privilege-probe',
        tag
      ])
      run('docker', ['rmi', tag])
    })
  })

  const row = (name, a, b) => {
    const [ma, mb] = [median(a), median(b)]
    console.log(
      `${name.padEnd(46)} ours ${(ma / 1000).toFixed(2).padStart(6)} s   docker CLI ${(mb / 1000).toFixed(2).padStart(6)} s   ratio ${(ma / mb).toFixed(2)}x`
    )
    return ma / mb
  }
  console.log(
    `\nmedians of ${RUNS} runs (docker ${run('docker', ['version', '--format', '{{.Server.Version}}']).trim()})`
  )
  const probeRatio = row('probe step vs docker run --rm IMAGE true', probeMs, trueMs)
  row('scan examples/secure (build+probe+workload)', scanMs, cliMs)
  console.log(
    `\nprobe step target <= 1.5x: ${probeRatio <= 1.5 ? 'met' : 'NOT met'} (${probeRatio.toFixed(2)}x)`
  )
  process.exitCode = probeRatio <= 1.5 ? 0 : 1
} finally {
  try {
    run('docker', ['rmi', '-f', busyboxImage])
  } catch {
    // already gone
  }
  rmSync(work, { recursive: true, force: true })
}
