// A stand-in for the parts of GitHub's REST API the action uses, as a real HTTP server on 127.0.0.1.
// It is written from GitHub's documented behaviour, not from the action's code: real pagination with
// Link headers, the 65,536-character body limit (422), 403 for read-only tokens and for editing
// someone else's comment, 403 on GET /user for installation tokens, SARIF decoding and a processing
// status that is pending before it is complete. Anything else is 404. `faults` make it misbehave the way
// a real API (or a proxy in front of it) sometimes does: never answer, 5xx, spent rate limit, a body
// that is not JSON, and a Link header whose next page loops back.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

export interface TokenInfo {
  login: string
  /** `Bot` for installation tokens (the workflow token is one), `User` for personal access tokens. */
  type: 'User' | 'Bot'
  /** Write access to pull requests and security events. */
  canWrite: boolean
}

export interface StoredComment {
  id: number
  node_id: string
  body: string
  user: { login: string; id: number; type: 'User' | 'Bot' }
  created_at: string
  updated_at: string
  html_url: string
  issue_url: string
}

export interface SarifUpload {
  id: string
  commit_sha: string
  ref: string
  checkout_uri?: string
  started_at?: string
  tool_name?: string
  /** The decoded SARIF document. */
  sarif: unknown
  polls: number
}

export interface RequestRecord {
  method: string
  path: string
  login?: string
  status: number
}

/** A misbehaviour for requests whose `METHOD /path` matches `match`, for the first `times` of them. */
export interface Fault {
  match: RegExp
  kind: 'stall' | 'status' | 'malformed-json' | 'html' | 'rate-limited'
  /** For `status` and `html`. */
  status?: number
  headers?: Record<string, string>
  /** For `status`: the JSON `message` (default `injected <status>`). */
  message?: string
  /** How many matching requests misbehave; all of them by default. */
  times?: number
}

export interface GitHubApiOptions {
  owner: string
  repo: string
  tokens: Record<string, TokenInfo>
  /** Status checks answered `pending` before `complete`. */
  pendingPolls?: number
  /** Gzipped SARIF above this is 413 (GitHub: 10 MB). */
  maxSarifGzipBytes?: number
}

export interface GitHubApi {
  url: string
  comments(issue: number): StoredComment[]
  /** Adds a comment as if `login` wrote it through the web UI. */
  seedComment(issue: number, login: string, type: 'User' | 'Bot', body: string): StoredComment
  uploads: SarifUpload[]
  requests: RequestRecord[]
  /** Active faults; tests replace the contents between runs. */
  faults: Fault[]
  /** When true, every page of comments says its next page is page 1. */
  linkCycle: boolean
  close(): Promise<void>
}

export const BODY_LIMIT = 65_536
const DOCS = 'https://docs.github.com/rest'

export async function startGitHubApi(options: GitHubApiOptions): Promise<GitHubApi> {
  const issues = new Map<number, StoredComment[]>()
  const uploads: SarifUpload[] = []
  const requests: RequestRecord[] = []
  const maxGzip = options.maxSarifGzipBytes ?? 10 * 1024 * 1024
  const pendingPolls = options.pendingPolls ?? 1
  let nextId = 1000
  let base = ''
  const faults: Fault[] = []
  const faultHits = new Map<Fault, number>()
  const api = { linkCycle: false }

  const commentsOf = (issue: number): StoredComment[] => {
    if (!issues.has(issue)) issues.set(issue, [])
    return issues.get(issue)!
  }
  const addComment = (issue: number, login: string, type: 'User' | 'Bot', body: string): StoredComment => {
    const id = nextId++
    const now = new Date().toISOString()
    const comment: StoredComment = {
      id,
      node_id: `IC_${id}`,
      body,
      user: { login, id: 10_000 + login.length, type },
      created_at: now,
      updated_at: now,
      html_url: `https://github.com/${options.owner}/${options.repo}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${base}/repos/${options.owner}/${options.repo}/issues/${issue}`
    }
    commentsOf(issue).push(comment)
    return comment
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base)
    const method = req.method ?? 'GET'
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const who = token ? options.tokens[token] : undefined
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      requests.push({ method, path: url.pathname + url.search, login: who?.login, status })
      send(res, status, body, headers)
    }
    const raw = await readBody(req)
    const fault = faults.find(f => f.match.test(`${method} ${url.pathname}`))
    if (fault) {
      const hits = (faultHits.get(fault) ?? 0) + 1
      faultHits.set(fault, hits)
      if (fault.times === undefined || hits <= fault.times) {
        requests.push({ method, path: url.pathname + url.search, login: who?.login, status: -1 })
        return misbehave(res, fault)
      }
    }
    if (!who) return reply(401, { message: 'Bad credentials', documentation_url: DOCS })
    const forbidden = (): void =>
      reply(403, {
        message: 'Resource not accessible by integration',
        documentation_url: DOCS,
        status: '403'
      })
    const notFound = (): void => reply(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })

    if (method === 'GET' && url.pathname === '/user') {
      if (who.type === 'Bot') return forbidden()
      return reply(200, { login: who.login, id: 10_000 + who.login.length, type: who.type })
    }

    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(url.pathname)
    if (!repoMatch || repoMatch[1] !== options.owner || repoMatch[2] !== options.repo) return notFound()
    const rest = repoMatch[3]

    let m = /^\/issues\/(\d+)\/comments$/.exec(rest)
    if (m && method === 'GET') {
      const all = commentsOf(Number(m[1]))
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30))
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1)
      const last = Math.max(1, Math.ceil(all.length / perPage))
      const link = (p: number, rel: string): string => {
        const u = new URL(url.pathname, base)
        u.searchParams.set('per_page', String(perPage))
        u.searchParams.set('page', String(p))
        return `<${u.href}>; rel="${rel}"`
      }
      const links: string[] = []
      if (page > 1) links.push(link(page - 1, 'prev'))
      if (api.linkCycle) links.push(link(1, 'next'))
      else if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
      if (page > 1) links.push(link(1, 'first'))
      return reply(
        200,
        all.slice((page - 1) * perPage, page * perPage),
        links.length ? { link: links.join(', ') } : {}
      )
    }
    if (m && method === 'POST') {
      if (!who.canWrite) return forbidden()
      const body = parseJson(raw)?.body
      const invalid = validateBody(body)
      if (invalid) return reply(422, invalid)
      return reply(201, addComment(Number(m[1]), who.login, who.type, body as string))
    }
    m = /^\/issues\/comments\/(\d+)$/.exec(rest)
    if (m && method === 'PATCH') {
      const comment = [...issues.values()].flat().find(c => c.id === Number(m![1]))
      if (!comment) return notFound()
      if (!who.canWrite || comment.user.login !== who.login) return forbidden()
      const body = parseJson(raw)?.body
      const invalid = validateBody(body)
      if (invalid) return reply(422, invalid)
      comment.body = body as string
      comment.updated_at = new Date().toISOString()
      return reply(200, comment)
    }

    if (rest === '/code-scanning/sarifs' && method === 'POST') {
      if (!who.canWrite) return forbidden()
      const payload = parseJson(raw) ?? {}
      if (typeof payload.commit_sha !== 'string' || !/^[0-9a-f]{40}$/.test(payload.commit_sha)) {
        return reply(422, { message: 'Invalid request: commit_sha must be a 40-character SHA' })
      }
      if (typeof payload.ref !== 'string' || !/^refs\/(heads|tags|pull)\//.test(payload.ref)) {
        return reply(422, { message: 'Invalid request: ref must be a full git reference' })
      }
      if (typeof payload.sarif !== 'string')
        return reply(422, { message: 'Invalid request: sarif is required' })
      const gz = Buffer.from(payload.sarif, 'base64')
      if (gz.length > maxGzip) return reply(413, { message: 'Payload Too Large: SARIF file is too large' })
      let sarif: { version?: unknown; runs?: unknown }
      try {
        sarif = JSON.parse(gunzipSync(gz).toString('utf8'))
      } catch {
        return reply(400, {
          message: 'Invalid SARIF: the sarif field must be gzip-compressed, base64-encoded JSON'
        })
      }
      if (sarif.version !== '2.1.0' || !Array.isArray(sarif.runs)) {
        return reply(400, { message: 'Invalid SARIF: expected version 2.1.0 with runs' })
      }
      const id = `sarif-${nextId++}`
      uploads.push({
        id,
        commit_sha: payload.commit_sha,
        ref: payload.ref,
        checkout_uri: payload.checkout_uri as string | undefined,
        started_at: payload.started_at as string | undefined,
        tool_name: payload.tool_name as string | undefined,
        sarif,
        polls: 0
      })
      return reply(202, {
        id,
        url: `${base}/repos/${options.owner}/${options.repo}/code-scanning/sarifs/${id}`
      })
    }
    m = /^\/code-scanning\/sarifs\/([^/]+)$/.exec(rest)
    if (m && method === 'GET') {
      const upload = uploads.find(u => u.id === m![1])
      if (!upload) return notFound()
      upload.polls++
      if (upload.polls <= pendingPolls) return reply(200, { processing_status: 'pending' })
      return reply(200, {
        processing_status: 'complete',
        analyses_url: `${base}/repos/${options.owner}/${options.repo}/code-scanning/analyses?sarif_id=${upload.id}`
      })
    }
    return notFound()
  }

  await new Promise<void>(ready => server.listen(0, '127.0.0.1', ready))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    comments: issue => [...commentsOf(issue)],
    seedComment: addComment,
    uploads,
    requests,
    faults,
    get linkCycle() {
      return api.linkCycle
    },
    set linkCycle(value: boolean) {
      api.linkCycle = value
    },
    close: () =>
      new Promise(done => {
        server.closeAllConnections()
        server.close(() => done())
      })
  }
}

function misbehave(res: ServerResponse, fault: Fault): void {
  if (fault.kind === 'stall') return // never answers; close() drops the connection
  if (fault.kind === 'malformed-json') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
    return void res.end('{not json]]')
  }
  if (fault.kind === 'html') {
    res.writeHead(fault.status ?? 201, { 'content-type': 'text/html; charset=utf-8' })
    return void res.end('<html><body><h1>Unicorn!</h1> secret internals here</body></html>')
  }
  if (fault.kind === 'rate-limited') {
    return send(
      res,
      403,
      { message: 'API rate limit exceeded for installation ID 1.', documentation_url: DOCS },
      {
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        ...fault.headers
      }
    )
  }
  send(
    res,
    fault.status ?? 502,
    { message: fault.message ?? `injected ${fault.status ?? 502}` },
    fault.headers
  )
}

function validateBody(body: unknown): unknown {
  if (typeof body !== 'string' || body === '') {
    return { message: 'Invalid request.\n\n"body" wasn\'t supplied.', documentation_url: DOCS, status: '422' }
  }
  if (body.length > BODY_LIMIT) {
    return {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: 'Body is too long (maximum is 65536 characters)'
        }
      ],
      documentation_url: DOCS,
      status: '422'
    }
  }
  return undefined
}

function parseJson(raw: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(raw) as unknown
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')))
    req.on('error', fail)
  })
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers
  })
  res.end(text)
}
