// A small command-line entry over the docker layer, bundled by bench/probe.mjs (and the signal test) so
// that timings and signal handling exercise the same code path a scan uses. Not part of the action bundle.
//   probe  IMAGE N               -> {"ms":[...]}   runProbe N times on a ready image
//   scan   DOCKERFILE CONTEXT N  -> {"ms":[...]}   build + measure + cleanup, N times
//   hang   IMAGE RUN_ID          -> prints READY <container id>, then waits in a probe that never ends
import { performance } from 'node:perf_hooks'
import { describeError } from '../errors'
import { silentLogger, type Logger } from '../logger'
import { defaultProfile } from '../profile/parse'
import { buildImage } from './build'
import { connectDocker } from './client'
import { measureImage } from './measure'
import { runProbe } from './probe-run'
import { installSignalCleanup, interruptedBy, newRunId, ResourceTracker, resourceLabels } from './resources'

// LEAST_PRIVILEGE_DEBUG=1: the docker layer's debug lines (step timings) on stderr, stdout stays JSON.
const logger: Logger =
  process.env.LEAST_PRIVILEGE_DEBUG === '1'
    ? { ...silentLogger, debug: message => process.stderr.write(`debug: ${message}\n`) }
    : silentLogger

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
      const at = (what: string): void =>
        logger.debug(`${what} at ${Math.round(performance.now() - start)} ms`)
      const runId = newRunId('bench')
      const tracker = new ResourceTracker()
      try {
        const { tag } = await buildImage(docker, {
          dockerfile: a,
          context: b,
          buildArgs: {},
          tag: `least-privilege-bench:${runId}`,
          labels: resourceLabels(runId),
          logger,
          tracker
        })
        at('built')
        await measureImage(docker, daemon, {
          image: tag,
          profile,
          runId,
          probeTimeoutMs: 30_000,
          workloadWindowMs: 2_000,
          logger,
          tracker
        })
        at('measured')
      } finally {
        await tracker.cleanup(docker)
        at('cleaned up')
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
