// `--listening` on the host: a tcp and a udp socket this process holds show up as `tcp/N` and `udp/N`
// (the probe reads /proc/self/net of its own network namespace, the one this test shares), and the field
// is absent without the option.
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { arch } from 'node:os'
import { describe, expect, it } from '@jest/globals'
import { PROBE_AMD64, parseReport, runBinary } from './probe-helpers'

const describeHost = arch() === 'x64' ? describe : describe.skip

describeHost('probe --listening on the host', () => {
  it('lists a listening tcp socket and a bound udp socket, schema-valid; nothing without the option', async () => {
    const server = createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const udp = createSocket('udp4')
    await new Promise<void>(resolve => udp.bind(0, '127.0.0.1', resolve))
    try {
      const tcpPort = (server.address() as { port: number }).port
      const udpPort = udp.address().port
      const report = parseReport((await runBinary(PROBE_AMD64, ['--no-walk', '--listening'])).stdout)
      expect(report.listening).toEqual(expect.arrayContaining([`tcp/${tcpPort}`, `udp/${udpPort}`]))
      expect(new Set(report.listening).size).toBe(report.listening?.length)
      const without = parseReport((await runBinary(PROBE_AMD64, ['--no-walk'])).stdout)
      expect(without.listening).toBeUndefined()
    } finally {
      server.close()
      udp.close()
    }
  })
})
