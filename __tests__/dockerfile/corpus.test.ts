// Robustness: the model and every static rule over the shared corpus of public Dockerfiles, without an
// exception. Timing is printed for the record, never asserted.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DockerfileParser } from 'dockerfile-ast'
import { UsageError } from '../../src/errors'
import { lint } from './lint-helper'

const CORPUS = process.env.LP_CORPUS_DIR ?? join(process.cwd(), '../shared/corpus/files')

describe('shared corpus', () => {
  const present = existsSync(CORPUS)
  if (!present) {
    console.warn(`SKIPPED: corpus robustness test, no corpus at ${CORPUS} (set LP_CORPUS_DIR to run it)`)
  }
  const run = present ? it : it.skip

  run('models and lints every file without an exception (no FROM is the only usage error)', () => {
    const files = readdirSync(CORPUS).sort()
    const texts = files.map(name => readFileSync(join(CORPUS, name), 'utf8'))
    const unexpected: string[] = []
    let usageErrors = 0
    let findings = 0
    const started = process.hrtime.bigint()
    texts.forEach((text, index) => {
      try {
        findings += lint(text).length
      } catch (error) {
        // A file the parser finds no FROM in is a usage error by contract; anything else is a bug.
        const hasFrom = DockerfileParser.parse(text)
          .getInstructions()
          .some(instruction => instruction.getKeyword() === 'FROM')
        if (error instanceof UsageError && !hasFrom) usageErrors++
        else unexpected.push(`${files[index]}: ${String(error)}`)
      }
    })
    const lintMs = Number(process.hrtime.bigint() - started) / 1e6
    const parseStarted = process.hrtime.bigint()
    for (const text of texts) DockerfileParser.parse(text)
    const parseMs = Number(process.hrtime.bigint() - parseStarted) / 1e6
    console.info(
      `corpus: ${files.length} files, ${findings} findings, ${usageErrors} without FROM; model+rules ${lintMs.toFixed(0)} ms, dockerfile-ast parse alone ${parseMs.toFixed(0)} ms (one cold pass each, not a benchmark)`
    )
    expect(unexpected).toEqual([])
    expect(files.length).toBeGreaterThan(0)
  })
})
