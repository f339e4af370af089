// A small fixed-seed run of the fuzz harness (bench/fuzz.mjs runs the large ones): mutated corpus files
// through the whole static path, each ending without a crash, an internal error, a stack trace or an
// invalid SARIF log. The same seed gives the same inputs everywhere, so a failure here replays by index.
import { afterAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkInput, type Problem } from '../../bench/fuzz/check'
import { mutant, prng } from '../../bench/fuzz/mutate'
import { schemaErrors } from '../report/sarif-schema'

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/files', import.meta.url))
const INPUTS = 300
const SEED = 20261201

const dir = mkdtempSync(join(tmpdir(), 'lp-fuzz-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the mutation generator', () => {
  it('is deterministic for a seed and varies with the index', () => {
    const corpus = ['FROM scratch\nUSER 1000\n', 'FROM alpine\nRUN chmod u+s /bin/x\n']
    expect(mutant(corpus, 7, 3)).toBe(mutant(corpus, 7, 3))
    const distinct = new Set(Array.from({ length: 50 }, (_, i) => mutant(corpus, 7, i)))
    expect(distinct.size).toBeGreaterThan(40)
    const random = prng(1)
    expect(random()).not.toBe(random())
  })
})

const corpusPresent = existsSync(CORPUS)
if (!corpusPresent) {
  // The shared corpus sits beside the repository on the team's machines and in CI; say so when absent.
  console.warn(`SKIPPED fuzz run: no corpus at ${CORPUS}`)
}

;(corpusPresent ? describe : describe.skip)(`${INPUTS} mutated corpus files (seed ${SEED})`, () => {
  it('all go through model, rules, SARIF and every renderer without a crash, internal error or invalid SARIF', async () => {
    const corpus = readdirSync(CORPUS)
      .sort()
      .slice(0, 400)
      .map(name => readFileSync(join(CORPUS, name), 'utf8'))
    const failures: { index: number; problems: Problem[] }[] = []
    for (let index = 0; index < INPUTS; index++) {
      // The budget only catches runaway inputs; speed is measured by bench/, not asserted here.
      const { problems } = await checkInput(mutant(corpus, SEED, index), {
        dir,
        validateSarif: schemaErrors,
        budgetMs: 20_000
      })
      if (problems.length > 0) failures.push({ index, problems })
    }
    expect(failures).toEqual([])
  }, 600_000)
})
