// Words that fit the surface: the action's reports name its inputs (`build: false`), the CLI's name its
// flags (`--no-build`), so no report tells a user about an option they cannot type. Also the shape of an
// operational notification: a one-line heading, and the daemon's full error as its detail.
import type { Settings } from '../settings'
import type { Notification } from './types'

export type Surface = NonNullable<Settings['surface']>

/** How each surface spells the options the scan's messages mention. */
const SPELLING = {
  noBuild: { cli: '--no-build', action: 'build: false' },
  noProbe: { cli: '--probe false', action: 'probe: false' },
  probeTrue: { cli: '--probe true', action: 'probe: true' },
  image: { cli: '--image', action: 'the image input' }
} as const

export function say(surface: Surface | undefined, option: keyof typeof SPELLING): string {
  return SPELLING[option][surface ?? 'cli']
}

/** Why nothing was measured because the user turned building off. */
export function notBuiltReason(surface: Surface | undefined): string {
  return `static only (${say(surface, 'noBuild')})`
}

/** Why nothing was measured because the user turned probing off. */
export function probeOffReason(surface: Surface | undefined): string {
  // The CLI's wording is older than this module and tests and scripts read it.
  return surface === 'action' ? `probing is disabled (${say(surface, 'noProbe')})` : 'probing is disabled'
}

/** The usage error for an image given while several Dockerfiles were found. */
export function imageNeedsOneDockerfile(surface: Surface | undefined, found: number): string {
  const what = surface === 'action' ? 'Input image' : '--image'
  return `${what} applies to one Dockerfile, but ${found} were found; name one Dockerfile`
}

/** The longest heading; the full text goes to the detail. */
export const MAX_HEADING_CHARS = 200
/** The longest detail: the daemon's error, all of its lines. */
export const MAX_DETAIL_CHARS = 8_000

// The hint docker/client.ts appends for developers of this repository; the heading carries the surface's own.
const CLIENT_HINT = /;\s*start one \([^)]*\) or run with --no-build\.?/

/**
 * The notification for an unreachable daemon: a heading in the surface's words (what happens now, and
 * what the user can do), and the client's full error as the detail.
 */
export function daemonUnreachable(
  settings: Pick<Settings, 'surface' | 'probe' | 'image'>,
  endpoint: string,
  error: unknown
): Pick<Notification, 'level' | 'message' | 'detail'> {
  const s = settings.surface
  const requested = settings.probe === 'true' || (settings.image !== undefined && settings.probe !== 'false')
  const detail = fullText(error).replace(CLIENT_HINT, '')
  // The short cause (`connect ENOENT`, a timeout) stays in the heading: not every report shows the detail.
  const cause = detail.split('\n')[0].replace(/^Docker daemon not reachable at \S+?: /, '')
  const why = cause && cause.length <= 80 && cause !== detail.split('\n')[0] ? ` (${cause})` : ''
  const where = `Docker daemon not reachable at ${oneLine(endpoint, 100)}${why}`
  const asked = settings.probe === 'true' ? say(s, 'probeTrue') : say(s, 'image')
  const message = requested
    ? `${where}, but ${asked} needs one: the scan is incomplete`
    : s === 'action'
      ? `${where}: static checks only (building and probing need Docker on the runner; ${say(s, 'noBuild')} skips them)`
      : `${where}: static checks only (start a Docker daemon, or pass ${say(s, 'noBuild')} to skip building)`
  return { level: requested ? 'error' : 'warning', message, ...(detail ? { detail } : {}) }
}

/**
 * A one-line heading and the full text of an operational error (a build, probe or daemon failure). The
 * Dockerfile's absolute path, as the daemon saw it, is written as the repo-relative `file`.
 */
export function headingAndDetail(
  error: unknown,
  paths?: { absolute: string; file: string }
): Pick<Notification, 'message' | 'detail'> {
  const relative = (text: string): string =>
    paths && paths.absolute ? text.split(paths.absolute).join(paths.file) : text
  const full = relative(fullText(error))
  const message = oneLine(full, MAX_HEADING_CHARS) || 'unknown error'
  return full && full !== message ? { message, detail: full } : { message }
}

// Control characters but the newline and tab: a daemon's error text is untrusted.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g

/** All of an error's text, control characters but newlines removed, capped. */
function fullText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error ?? '')
  const clean = text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROL, '').trim()
  return clean.length <= MAX_DETAIL_CHARS ? clean : `${clean.slice(0, MAX_DETAIL_CHARS - 1)}…`
}

/** The first line, cut at a word near `max` with an ellipsis. */
function oneLine(text: string, max: number): string {
  const line = text.split('\n')[0].trim()
  if (line.length <= max) return line
  let cut = line.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  if (space > max * 0.6) cut = cut.slice(0, space)
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  return `${cut}…`
}
