// The REST client for comments and uploads: @actions/github's Octokit, pointed at GITHUB_API_URL.
import * as github from '@actions/github'

export type GitHubClient = ReturnType<typeof github.getOctokit>

export function createGitHubClient(token: string, apiUrl = process.env.GITHUB_API_URL): GitHubClient {
  return github.getOctokit(token, apiUrl ? { baseUrl: apiUrl.replace(/\/+$/, '') } : {})
}

/** The HTTP status of an Octokit RequestError, or undefined for anything else. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** The API's own one-line message (`Resource not accessible by integration`), without the docs URL. */
export function apiMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } } | null)?.response?.data
  const text =
    typeof data?.message === 'string' ? data.message : error instanceof Error ? error.message : String(error)
  return text
    .split('\n')[0]
    .replace(/ - https:\/\/docs\.github\.com\S*$/, '')
    .trim()
}
