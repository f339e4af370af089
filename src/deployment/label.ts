// The Atomic / Red Hat convention: an image documents how it runs in `LABEL RUN="docker run ... IMAGE ..."`
// (and `INSTALL=`). That is a declared deployment of the image, read through the same flag parser as
// run-options, with its findings at the LABEL line. Pure: the model already holds the label text.
import { finalLineage, factsOf } from '../dockerfile/lineage'
import type { DockerfileModel, RunLabelFact } from '../dockerfile/types'
import { UsageError, describeError } from '../errors'
import { profileFromArgs } from '../profile/parse'
import { flagArity, shortFlagName } from '../profile/run-flags'
import { splitRunOptions } from '../profile/split'
import type { Deployment, SourceLocation } from './types'

/** Words of a label command looked at (a label is one line of flags; a runaway one is cut). */
const MAX_LABEL_WORDS = 1_000

/** `docker`, `/usr/bin/docker`, `podman` ...: the runtimes whose `run` takes docker run flags. */
const RUNTIME = /(^|\/)(docker|podman)$/
/** Atomic's placeholders for extra options (`${OPT1}`), expanded by `atomic run`, usually to nothing. */
const OPTION_PLACEHOLDER = /^\$\{?OPT\d\}?$/

export interface LabelRead {
  deployment?: Deployment
  /** Why a RUN label was not read (an unknown flag, no `docker run`), with its line. */
  problem?: { line: number; message: string }
}

/**
 * The deployment the final image's own `LABEL RUN=` (else `INSTALL=`) declares, if any. Labels are
 * inherited: the last one along the final stage's lineage counts.
 */
export function labelDeployment(model: DockerfileModel): LabelRead {
  const label = lastRunLabel(model)
  if (!label) return {}
  const flags = runFlags(label.value)
  if (!flags.ok)
    return { problem: { line: label.line, message: `LABEL ${label.key} is not read: ${flags.reason}` } }
  let profile
  try {
    profile = profileFromArgs(flags.words)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    const reason = describeError(error).replace(/^run-options: /, '')
    return { problem: { line: label.line, message: `LABEL ${label.key} is not read: ${reason}` } }
  }
  profile.declared = true
  const at: SourceLocation = { file: model.file, line: label.line, column: 1 }
  // Every value was written on the LABEL line: a null-prototype map whose misses fall back to `at`.
  const locations = Object.create(null) as Record<string, SourceLocation>
  return {
    deployment: {
      source: 'label',
      name: `LABEL ${label.key} (line ${label.line})`,
      file: model.file,
      at,
      link: {},
      profile,
      locations,
      platformDefaults: Object.create(null) as Record<string, string>
    }
  }
}

function lastRunLabel(model: DockerfileModel): RunLabelFact | undefined {
  let run: RunLabelFact | undefined
  let install: RunLabelFact | undefined
  // Lineage is final stage first: the first label met is the one the image has.
  for (const stage of finalLineage(model)) {
    for (const label of [...(factsOf(stage).runLabels ?? [])].reverse()) {
      if (label.key === 'RUN') run ??= label
      else install ??= label
    }
    if (run) break
  }
  return run ?? install
}

/** The `docker run` flags of a label command: the words between `run` and the image. */
function runFlags(command: string): { ok: true; words: string[] } | { ok: false; reason: string } {
  let words: string[]
  try {
    words = splitRunOptions(command).slice(0, MAX_LABEL_WORDS)
  } catch (error) {
    return { ok: false, reason: describeError(error).replace(/^run-options: /, '') }
  }
  const run = words.findIndex((word, i) => word === 'run' && i > 0 && RUNTIME.test(words[i - 1]))
  if (run < 0) return { ok: false, reason: 'it is not a `docker run` (or `podman run`) command' }
  const flags: string[] = []
  for (let i = run + 1; i < words.length; i++) {
    const word = words[i]
    if (OPTION_PLACEHOLDER.test(word)) continue
    if (!word.startsWith('-') || word === '-') break // the image: the flags end here
    flags.push(word)
    if (takesNextWord(word) && i + 1 < words.length) flags.push(words[++i])
  }
  return { ok: true, words: flags }
}

/** `--name x`, `-v a:b`, `-it` (no), `-e=X` (no): whether the flag's value is the next word. */
function takesNextWord(word: string): boolean {
  if (word.startsWith('--')) {
    if (word.includes('=')) return false
    return flagArity(word.slice(2)) === 'value'
  }
  // A short cluster: the first letter that takes a value eats the rest, or the next word if none is left.
  for (let k = 1; k < word.length; k++) {
    const name = shortFlagName(word[k])
    if (name && flagArity(name) === 'value') return k === word.length - 1
  }
  return false
}
