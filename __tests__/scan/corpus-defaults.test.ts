// The shared corpus scanned as a user would with no deployment declared: Docker's defaults are said once per
// Dockerfile as a note (LP200), never as a warning per default, and one cause is never two results.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { silentLogger } from '../../src/logger'
import { CAUSES } from '../../src/rules/causes'
import { runScan } from '../../src/scan/scan'
import { DEFAULT_SETTINGS } from '../../src/settings'

const CORPUS = process.env.LP_CORPUS_DIR ?? join(process.cwd(), '../shared/corpus/files')

describe('shared corpus, no deployment declared', () => {
  const present = existsSync(CORPUS)
  if (!present)
    console.warn(`SKIPPED: corpus defaults test, no corpus at ${CORPUS} (set LP_CORPUS_DIR to run it)`)
  const run = present ? it : it.skip

  run(
    'has at most one default-profile result per Dockerfile, at note, and no cause reported twice',
    async () => {
      const files = readdirSync(CORPUS).sort()
      const report = await runScan(
        { ...DEFAULT_SETTINGS, paths: files, cwd: CORPUS, repoRoot: CORPUS, build: false, probe: 'false' },
        { logger: silentLogger, runId: 'corpus-defaults' }
      )
      expect(report.results.length).toBe(files.length)
      const overDefaults: string[] = []
      const twice: string[] = []
      let notes = 0
      let labelled = 0
      for (const result of report.results) {
        // An image whose own LABEL RUN= documents its docker run command is judged under it (a declared deployment).
        if (result.target?.source === 'label') {
          labelled++
          continue
        }
        expect(result.target?.source).toBe('none')
        const defaults = result.findings.filter(f => f.evidence === 'deployment')
        notes += defaults.length
        if (defaults.length > 1 || defaults.some(f => f.ruleId !== 'LP200' || f.level !== 'note'))
          overDefaults.push(`${result.file}: ${defaults.map(f => `${f.ruleId}/${f.level}`).join(', ')}`)
        const ids = new Set(result.findings.map(f => f.ruleId))
        for (const cause of CAUSES)
          if (ids.has(cause.measured) && cause.declared.some(id => ids.has(id)))
            twice.push(`${result.file}: ${cause.measured}`)
      }
      expect(overDefaults).toEqual([])
      expect(twice).toEqual([])
      // Every modelled Dockerfile gets its one note (files without FROM have no model and no findings).
      expect(notes).toBe(report.results.filter(r => r.model && r.target?.source === 'none').length)
      expect(labelled).toBeGreaterThan(0) // the Atomic images of the corpus (LABEL RUN="docker run --privileged ...")
    }
  )
})
