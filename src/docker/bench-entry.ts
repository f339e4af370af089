// A small command-line entry over the docker layer, bundled by bench/probe.mjs (and the signal test) so
// that timings and signal handling exercise the same code path a scan uses. Not part of the action bundle.
//   probe  IMAGE N               -> {"ms":[...]}   runProbe N times on a ready image
//   scan   DOCKERFILE CONTEXT N  -> {"ms":[...]}   build + measure + cleanup, N times
//   hang   IMAGE RUN_ID          -> prints READY <container id>, then waits in a probe that never ends
import { performance } from 'node:perf_hooks'
import { describeError } from '../errors'
import { silentLogger } from '../logger'
import { defaultProfile } from '../profile/parse'
import { buildImage } from './build'
import { connectDocker } from './client'
import { measureImage } from './measure'
import { runProbe } from './probe-run'
import { installSignalCleanup, interruptedBy, newRunId, ResourceTracker, resourceLabels } from './resources'

async function main(argv: string[]): Promise<void> {
  const [command, a, b, c] = argv
  const { docker, daemon } = await connectDocker(silentLogger)
  const profile = defaultProfile()
  if (command === 'probe') {
    const tracker = new ResourceTracker()
    const ms: number[] = []
    for (let i = 0; i < Number(b); i++) {
      const start = performance.now()
      await runProbe(docker, {
        image: a,
        profile,
        daemon,
        runId: newRunId('bench'),
        logger: silentLogger,
        tracker
      })
      ms.push(performance.now() - start)
    }
    process.stdout.write(`${JSON.stringify({ ms })}\n`)
  } else if (command === 'scan') {
    const ms: number[] = []
    for (let i = 0; i < Number(c); i++) {
      const start = performance.now()
      const runId = newRunId('bench')
      const tracker = new ResourceTracker()
      try {
        const { tag } = await buildImage(docker, {
          dockerfile: a,
          context: b,
          buildArgs: {},
          tag: `least-privilege-bench:${runId}`,
          labels: resourceLabels(runId),
          logger: silentLogger,
          tracker
        })
        await measureImage(docker, daemon, {
          image: tag,
          profile,
          runId,
          probeTimeoutMs: 30_000,
          workloadWindowMs: 2_000,
          logger: silentLogger,
          tracker
        })
      } finally {
        await tracker.cleanup(docker)
      }
      ms.push(performance.now() - start)
    }
    process.stdout.write(`${JSON.stringify({ ms })}\n`)
  } else if (command === 'hang') {
    let announced = false
    const tracker = new ResourceTracker(r => {
      if (!announced && r.containers.length > 0) {
        announced = true
        process.stdout.write(`READY ${r.containers[0]}\n`)
      }
    })
    installSignalCleanup(tracker, docker, silentLogger)
    await runProbe(docker, {
      image: a,
      profile,
      daemon,
      runId: b,
      logger: silentLogger,
      tracker,
      timeoutMs: 120_000,
      command: { entrypoint: ['/bin/sleep'], cmd: ['300'] }
    })
  } else {
    throw new Error(`unknown command '${command}' (probe | scan | hang)`)
  }
}

main(process.argv.slice(2)).catch(error => {
  // The signal handler is removing our containers and will exit with 128+signal itself.
  if (interruptedBy()) return
  process.stderr.write(`${describeError(error)}\n`)
  process.exit(2)
})
