// A stand-in for a misbehaving Docker daemon on a unix socket: it hangs, closes, answers garbage or an
// endless body, or answers only _ping/version/info (so a build starts and then never progresses).
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { tempDir } from './cli'

export type Behaviour = 'hang' | 'close' | 'garbage' | 'http500' | 'endless' | 'ping-then-hang'

const INFO = JSON.stringify({
  ID: 'fake',
  ServerVersion: '20.10.24',
  OSType: 'linux',
  Architecture: 'x86_64',
  SecurityOptions: ['name=seccomp,profile=default']
})
const VERSION = JSON.stringify({
  Version: '20.10.24',
  ApiVersion: '1.41',
  MinAPIVersion: '1.12',
  Os: 'linux',
  Arch: 'amd64'
})

/** Answers _ping, /version and /info like Docker 20.10, and never answers anything else. */
function pingThenHang(socket: Socket): void {
  let seen = ''
  socket.on('data', (chunk: Buffer) => {
    seen = (seen + chunk.toString('latin1')).slice(-65536)
    for (;;) {
      const m = /(GET|HEAD) (\S+) HTTP\/1\.[01]\r\n/.exec(seen)
      if (!m) break
      seen = seen.slice(m.index + m[0].length)
      const path = m[2]
      const body = /_ping/.test(path)
        ? 'OK'
        : /\/version/.test(path)
          ? VERSION
          : /\/info/.test(path)
            ? INFO
            : undefined
      if (body === undefined) continue
      const type = body === 'OK' ? 'text/plain' : 'application/json'
      socket.write(
        `HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${m[1] === 'HEAD' ? '' : body}`
      )
    }
  })
}

export async function fakeDaemon(
  behaviour: Behaviour
): Promise<{ path: string; close: () => Promise<void> }> {
  const dir = tempDir('lp-sock-')
  const path = join(dir, 'docker.sock')
  const sockets = new Set<Socket>()
  const server: Server = createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    if (behaviour === 'ping-then-hang') pingThenHang(socket)
    else if (behaviour === 'close') socket.destroy()
    else if (behaviour === 'garbage') socket.end('\u0000\u0001garbage ::add-mask::PWNED\r\n\r\n')
    else if (behaviour === 'http500')
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 35\r\n\r\n{"message":"daemon exploded\\nPWN"}'
        )
      )
    else if (behaviour === 'endless')
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'
        )
        const chunk = Buffer.alloc(65536, 'a')
        const pump = (): void => {
          while (!socket.destroyed && socket.write(`10000\r\n${chunk.toString()}\r\n`));
          if (!socket.destroyed) socket.once('drain', pump)
        }
        pump()
      })
    // hang: accept and never answer
  })
  await new Promise<void>(r => server.listen(path, r))
  return {
    path,
    close: () =>
      new Promise<void>(r => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      })
  }
}
