// A fault-injecting HTTP proxy for the Docker Engine API on a unix socket, in front of the real daemon.
// Point DOCKER_HOST=unix://<socketPath> at it; rules chosen by method+path regex and nth occurrence make
// the daemon look stalled, lost or broken at exactly one step, while everything else passes through.
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type FaultAction =
  /** Read the request, never answer, never forward. */
  | { kind: 'stall' }
  /** Forward the request (the daemon acts), never send the answer back. */
  | { kind: 'hang_after' }
  /** Forward, pass the first `bytes` bytes of the answer, then drop the connection. */
  | { kind: 'drop'; bytes: number }
  /** Answer with an HTTP error and a JSON `message`, without forwarding. */
  | { kind: 'error'; status?: number; message?: string }
  /** Forward, read the whole answer, then close the client's connection without a byte. */
  | { kind: 'lost' }

export interface FaultRule {
  /** Matched against `METHOD /path?query`, e.g. /^POST .*\/containers\/create/. */
  match: RegExp
  /** Only the nth matching request (1-based); every matching request when unset. */
  nth?: number
  action: FaultAction
}

export interface ProxiedRequest {
  line: string
  action: FaultAction['kind'] | 'pass'
}

export interface FaultProxy {
  socketPath: string
  /** DOCKER_HOST value for clients. */
  dockerHost: string
  /** Every request seen, in order, with what was done to it. */
  requests: ProxiedRequest[]
  /** Replaces the rules (counts and the request log start again). */
  setRules(rules: FaultRule[]): void
  close(): Promise<void>
}

const HEAD_END = Buffer.from('\r\n\r\n')
/** A request head larger than this is not Docker's: the connection is closed (a bound on untrusted input). */
const MAX_HEAD_BYTES = 64 * 1024

interface Head {
  line: string
  upgrade: boolean
  /** The head to send upstream: `Connection: close` so one connection carries one request. */
  forward: Buffer
}

function parseHead(raw: Buffer): Head {
  const lines = raw.toString('latin1').split('\r\n')
  const [method = '', target = ''] = lines[0].split(' ')
  const headers = lines.slice(1).filter(l => l !== '')
  const value = (name: string): string =>
    headers
      .filter(h => h.toLowerCase().startsWith(`${name}:`))
      .map(h =>
        h
          .slice(name.length + 1)
          .trim()
          .toLowerCase()
      )
      .join(',')
  const upgrade = value('upgrade') !== '' || value('connection').includes('upgrade')
  const kept = upgrade ? headers : headers.filter(h => !/^(connection|keep-alive):/i.test(h))
  const forward = Buffer.from(
    [lines[0], ...kept, ...(upgrade ? [] : ['Connection: close']), '', ''].join('\r\n')
  )
  return { line: `${method} ${target}`, upgrade, forward }
}

export async function startFaultProxy(
  opts: { upstream?: string; rules?: FaultRule[]; socketPath?: string } = {}
): Promise<FaultProxy> {
  const upstream = opts.upstream ?? '/var/run/docker.sock'
  const socketPath = opts.socketPath ?? join(tmpdir(), `lp-fault-${randomBytes(4).toString('hex')}.sock`)
  let rules = opts.rules ?? []
  let counts = new Map<FaultRule, number>()
  const requests: ProxiedRequest[] = []
  const sockets = new Set<Socket>()

  const choose = (line: string): FaultAction | undefined => {
    for (const rule of rules) {
      if (!rule.match.test(line)) continue
      const n = (counts.get(rule) ?? 0) + 1
      counts.set(rule, n)
      if (rule.nth === undefined || rule.nth === n) return rule.action
    }
    return undefined
  }

  const track = (socket: Socket): Socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    return socket
  }

  const handle = (client: Socket): void => {
    track(client)
    let buffered = Buffer.alloc(0)
    const onHead = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf(HEAD_END)
      if (end < 0) {
        if (buffered.length > MAX_HEAD_BYTES) client.destroy()
        return
      }
      client.off('data', onHead)
      const head = parseHead(buffered.subarray(0, end + HEAD_END.length))
      const rest = buffered.subarray(end + HEAD_END.length)
      const action = choose(head.line)
      requests.push({ line: head.line, action: action?.kind ?? 'pass' })
      dispatch(client, head, rest, action)
    }
    client.on('data', onHead)
  }

  const dispatch = (client: Socket, head: Head, rest: Buffer, action: FaultAction | undefined): void => {
    if (action?.kind === 'stall') {
      client.resume() // read and discard the body; never answer
      return
    }
    if (action?.kind === 'error') {
      const body = JSON.stringify({ message: action.message ?? 'injected fault' })
      const status = action.status ?? 500
      client.end(
        `HTTP/1.1 ${status} Injected Fault\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
      )
      return
    }
    const daemon = track(createConnection(upstream))
    daemon.write(head.forward)
    if (rest.length) daemon.write(rest)
    client.on('data', chunk => daemon.write(chunk))
    client.on('close', () => daemon.destroy())
    let sent = 0
    daemon.on('data', (chunk: Buffer) => {
      if (!action) return void client.write(chunk)
      if (action.kind === 'drop') {
        const take = chunk.subarray(0, Math.max(0, action.bytes - sent))
        sent += take.length
        if (take.length) client.write(take)
        if (sent >= action.bytes) {
          client.destroy()
          daemon.destroy()
        }
      }
      // hang_after and lost: the answer is read and withheld
    })
    daemon.on('end', () => {
      if (!action) client.end()
      else if (action.kind === 'lost') client.destroy()
      // hang_after: the client keeps waiting for an answer that never comes
    })
    if (head.upgrade) client.on('end', () => daemon.end())
  }

  rmSync(socketPath, { force: true })
  const server: Server = createServer(handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(socketPath, () => resolve())
  })
  return {
    socketPath,
    dockerHost: `unix://${socketPath}`,
    requests,
    setRules(next) {
      rules = next
      counts = new Map()
      requests.length = 0
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => {
          rmSync(socketPath, { force: true })
          resolve()
        })
      })
  }
}
