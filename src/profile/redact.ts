// Secrets in `run-options` (`--env TOKEN=${{ secrets.X }}`, a token in a label, a password in a volume
// option) must never reach a report, a comment, a log or an error line. Redaction happens once, when the
// flags are parsed: the profile keeps only the redacted display form, and no output ever sees the raw text.

/** What a hidden value is shown as. */
export const REDACTED = '***'

// Known token shapes, matched anywhere in a word. Each is anchored on a non-alphanumeric boundary so a
// prefix inside a longer identifier (`X_ghp_…`) is still caught, but `ghp` in a plain word is not.
const TOKEN_PATTERNS: readonly RegExp[] = [
  /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{8,}/g, // GitHub tokens: ghp_, gho_, ghu_, ghs_, ghr_
  /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{8,}/g, // GitHub fine-grained tokens
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}/g, // AWS access key ids
  /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{6,}/g, // Slack tokens
  /(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g, // JWTs
  /-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|$)/g, // PEM keys
  /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}/g, // sk- API keys
  /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{16,}/g, // GitLab tokens
  /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{30,}/g // npm tokens
]

/** `NAME=value` where NAME says the value is secret: the value is hidden whatever it looks like. */
const SECRET_NAME =
  /(?:pass(?:word|wd|phrase)?|pwd|secret|token|credentials?|api[-_]?key|private[-_]?key|access[-_]?key|auth)$/i
/** `…key=value`: hidden only when the value looks random (a `key=env` label is not a secret). */
const KEY_NAME = /key$/i

// The name of a `name=value` pair, anywhere (also nested: `volume-opt=o=password=x`); the value runs to
// the next comma, semicolon, ampersand or blank.
const PAIR_NAME = /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]+)=/g
const VALUE_END = /[,;&\s]/g
/** How much of a value is looked at to judge whether it is random. */
const JUDGED_PREFIX = 256
// Credentials in a URL: `scheme://user:password@host`.
const URL_CREDENTIALS = /(\/\/[^\s/:@]*:)([^\s/@]+)@/g

/** True for a value that looks machine-generated: long, mixed character classes, high entropy. */
export function looksRandom(value: string): boolean {
  if (value.length < 16) return false
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(c => c.test(value)).length
  if (classes < 2) return false
  const counts = new Map<string, number>()
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let entropy = 0
  for (const n of counts.values()) {
    const p = n / value.length
    entropy -= p * Math.log2(p)
  }
  return entropy >= 3.5
}

// A run of letters and digits judged on its own: `Zq7Xk2Wp9Rm4Tt8V` inside any word of any flag.
const ALNUM_RUN = /[A-Za-z0-9]{16,}/g
// The pieces a word made of words splits into: `Production`, `API`, `2024`.
const WORD_PIECE = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g
/** Runs longer than this are judged on their first characters (the pieces regex stays bounded). */
const JUDGED_RUN = 256

/**
 * True for a run of letters and digits that looks like a generated token: at least 16 characters mixing
 * upper case, lower case and digits, with no dictionary structure. Structure is judged by how the run splits
 * into words and numbers: `MyService2024Production` is four pieces averaging six characters, a token like
 * `Zq7Xk2Wp9Rm4Tt8V` is eleven pieces averaging under two. Hex digests and UUIDs (one case) are kept.
 */
export function looksLikeToken(run: string): boolean {
  if (run.length < 16 || !/^[A-Za-z0-9]+$/.test(run)) return false
  if (!/[a-z]/.test(run) || !/[A-Z]/.test(run) || !/[0-9]/.test(run)) return false
  const judged = run.slice(0, JUDGED_RUN)
  const pieces = judged.match(WORD_PIECE)?.length ?? 1
  return judged.length / pieces < 3
}

/** Hides every run of letters and digits in `text` that looks like a generated token. */
function redactTokenRuns(text: string): string {
  return text.replace(ALNUM_RUN, run => (looksLikeToken(run) ? REDACTED : run))
}

// A keyless label that names something the docker way (`com.example.is-beta`, reverse-DNS, lower case)
// is shown even when it is long; any other random-looking keyless label is hidden.
const PLAIN_LABEL_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/

function secretValue(name: string, value: string): boolean {
  if (!value || value === REDACTED) return false
  return SECRET_NAME.test(name) || (KEY_NAME.test(name) && looksRandom(value))
}

/** Hides every token shape, secret-named `name=value` pair and URL password in free text. */
export function redactText(text: string): string {
  let out = text
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED)
  out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`)
  return redactTokenRuns(redactPairs(out))
}

/**
 * The display form of one value taken from run-options and kept raw in the profile because the probe needs
 * it (`profile.user`, a seccomp path, an AppArmor profile, capability names): reporters pass such values
 * through this before showing them, exactly as the profile's `args` were.
 */
export function redactValue(value: string): string {
  return redactText(value)
}

function redactPairs(text: string): string {
  let out = ''
  let copied = 0
  // Values of nested pairs end where the outer value ends: remembered, so the scan stays linear.
  let knownEnd = -1
  const names = new RegExp(PAIR_NAME.source, 'g')
  const ends = new RegExp(VALUE_END.source, 'g')
  for (let m = names.exec(text); m; m = names.exec(text)) {
    const name = m[1]
    if (!SECRET_NAME.test(name) && !KEY_NAME.test(name)) continue
    const start = m.index + m[0].length
    if (start >= knownEnd) {
      ends.lastIndex = start
      knownEnd = ends.exec(text)?.index ?? text.length
    }
    // Judged on a bounded prefix, so nested pairs in one huge value stay linear.
    const value = text.slice(start, Math.min(knownEnd, start + JUDGED_PREFIX))
    if (!secretValue(name, value)) continue
    out += text.slice(copied, start) + REDACTED
    copied = knownEnd
    names.lastIndex = knownEnd
  }
  return out + text.slice(copied)
}

/**
 * The display form of one flag value. `--env KEY=value` always hides the value (it is how secrets are
 * passed); `--env KEY` names a variable taken from the environment, which the tool never reads, so the
 * name alone is shown. A `--label` value (or a keyless label) is hidden when it looks like a secret.
 * Everything else goes through the token patterns and the token-run check, word by word.
 */
export function redactFlagValue(flag: string, value: string): string {
  if (flag === 'env') {
    const eq = value.indexOf('=')
    return eq < 0 ? redactText(value) : `${redactText(value.slice(0, eq))}=${REDACTED}`
  }
  if (flag === 'label') {
    const eq = value.indexOf('=')
    // `--label VALUE` with no `=`: the whole word is the thing that may be a secret.
    if (eq < 0) return looksRandom(value) && !PLAIN_LABEL_NAME.test(value) ? REDACTED : redactText(value)
    const name = eq < 0 ? value : value.slice(0, eq)
    const rest = eq < 0 ? '' : value.slice(eq + 1)
    if (eq >= 0 && rest && (secretValue(name, rest) || looksRandom(rest) || redactText(rest) !== rest)) {
      return `${redactText(name)}=${REDACTED}`
    }
  }
  return redactText(value)
}
