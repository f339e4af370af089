// SARIF upload through the REST API (POST /repos/{owner}/{repo}/code-scanning/sarifs), then polling
// the processing status with backoff as codeql-action does. Permission problems are warnings.
import { gzipSync } from 'node:zlib'
import type { Logger } from '../logger'
import {
  apiMessage,
  httpStatus,
  isRateLimited,
  objectData,
  UnexpectedAnswerError,
  type GitHubClient
} from './github-client'

/** GitHub rejects gzipped SARIF above 10 MB. */
export const SARIF_UPLOAD_LIMIT = 10 * 1024 * 1024

/** codeql-action: first check after 5 s, then doubling, 5 checks (about 155 s in all). */
export const DEFAULT_POLL_DELAYS_MS = [5_000, 10_000, 20_000, 40_000, 80_000]

export interface EncodedSarif {
  /** gzip, then base64: what the endpoint's `sarif` field takes. */
  base64: string
  rawBytes: number
  gzippedBytes: number
}

export function encodeSarif(json: string): EncodedSarif {
  const gz = gzipSync(Buffer.from(json, 'utf8'))
  return { base64: gz.toString('base64'), rawBytes: Buffer.byteLength(json), gzippedBytes: gz.length }
}

export interface UploadRequest {
  owner: string
  repo: string
  /** The SARIF document as JSON text. */
  sarif: string
  commitSha: string
  ref: string
  /** file:// URL of the checkout, used to relativise absolute URIs. */
  checkoutUri: string
  startedAt: string
  toolName: string
}

/** The whole wait for processing, checks included (codeql-action's schedule is about 155 s). */
export const DEFAULT_POLL_DEADLINE_MS = 200_000

export interface PollOptions {
  delaysMs: number[]
  /** Total time spent waiting for processing; DEFAULT_POLL_DEADLINE_MS by default. */
  deadlineMs?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  /** Gzipped size above which nothing is sent; GitHub's limit by default. */
  maxGzipBytes?: number
}

export type UploadOutcome = 'complete' | 'pending' | 'failed' | 'rejected' | 'too-large'

const sleepFor = (ms: number): Promise<void> => new Promise(done => setTimeout(done, ms))

/** Uploads and waits for processing. Never throws: every problem is a warning with a hint. */
export async function uploadSarif(
  client: GitHubClient,
  request: UploadRequest,
  logger: Logger,
  poll: PollOptions = { delaysMs: DEFAULT_POLL_DELAYS_MS }
): Promise<UploadOutcome> {
  const encoded = encodeSarif(request.sarif)
  logger.info(`SARIF: ${encoded.rawBytes} bytes, ${encoded.gzippedBytes} bytes gzipped`)
  const limit = poll.maxGzipBytes ?? SARIF_UPLOAD_LIMIT
  if (encoded.gzippedBytes > limit) {
    logger.warning(
      `SARIF upload skipped: ${encoded.gzippedBytes} bytes gzipped is above GitHub's limit of ${limit} bytes. The file is still written.`
    )
    return 'too-large'
  }
  let id: string
  try {
    const { data } = await client.rest.codeScanning.uploadSarif({
      owner: request.owner,
      repo: request.repo,
      commit_sha: request.commitSha,
      ref: request.ref,
      sarif: encoded.base64,
      checkout_uri: request.checkoutUri,
      started_at: request.startedAt,
      tool_name: request.toolName
    })
    const answer = objectData(data, 'uploading the SARIF').id
    if (typeof answer !== 'string' || !answer) throw new UnexpectedAnswerError('uploading the SARIF')
    id = answer
  } catch (error) {
    logger.warning(uploadHint(error))
    return 'rejected'
  }
  logger.info(`SARIF uploaded (id ${id}); waiting for processing`)
  return waitForProcessing(client, request, id, logger, poll)
}

async function waitForProcessing(
  client: GitHubClient,
  request: UploadRequest,
  id: string,
  logger: Logger,
  poll: PollOptions
): Promise<UploadOutcome> {
  const sleep = poll.sleep ?? sleepFor
  const now = poll.now ?? Date.now
  const deadline = now() + (poll.deadlineMs ?? DEFAULT_POLL_DEADLINE_MS)
  for (const delay of poll.delaysMs) {
    if (now() + delay >= deadline) break
    await sleep(delay)
    try {
      const { data } = await client.rest.codeScanning.getSarif({
        owner: request.owner,
        repo: request.repo,
        sarif_id: id
      })
      const status = objectData(data, 'reading the SARIF processing status')
      if (status.processing_status === 'complete') {
        logger.info('SARIF processing complete')
        return 'complete'
      }
      if (status.processing_status === 'failed') {
        const errors = Array.isArray(status.errors)
          ? status.errors.filter((e): e is string => typeof e === 'string')
          : []
        // GitHub's own processing errors, each one line and the whole capped, never the raw body.
        const reason = errors
          .map(e => e.split(/[\r\n]/)[0])
          .join('; ')
          .slice(0, 300)
        logger.warning(`Code scanning could not process the SARIF: ${reason || 'no reason given'}`)
        return 'failed'
      }
    } catch (error) {
      logger.warning(`Could not read the SARIF processing status (${apiMessage(error)}); not waiting further`)
      return 'pending'
    }
  }
  logger.warning('SARIF processing has not finished yet; code scanning will show the results when it does')
  return 'pending'
}

function uploadHint(error: unknown): string {
  const status = httpStatus(error)
  const reason = apiMessage(error)
  const head = status
    ? `SARIF upload failed (HTTP ${status}: ${reason}).`
    : `SARIF upload failed (${reason}).`
  if (isRateLimited(error))
    return `${head} The GitHub API rate limit is spent; the SARIF file is still written.`
  if (status === 403) {
    return (
      `${head} The job needs \`permissions: security-events: write\`. Pull requests from forks get a ` +
      'read-only token, and private repositories need GitHub Code Security (Advanced Security). ' +
      'The SARIF file is still written; github/codeql-action/upload-sarif can upload it.'
    )
  }
  if (status === 404) {
    return `${head} The repository was not found with this token, or code scanning is not available for it.`
  }
  if (status === 413) return `${head} The SARIF file is too large for code scanning.`
  return `${head} The SARIF file is still written.`
}
