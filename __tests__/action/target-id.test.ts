// The action's target-id and list-targets inputs, read by readSettings: the id is checked against the plan
// when the settings are read (one line naming the input and how to list the ids), the category defaults to
// the target's, and the listing agrees with the CLI's ids.
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readSettings } from '../../src/action/inputs'
import { entriesOf, planOf, selectTarget } from '../../src/scan/target-list'

const root = fileURLToPath(new URL('../..', import.meta.url))
let ws: string
beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'lp-target-id-'))
  cpSync(join(root, 'examples', 'monorepo'), join(ws, 'examples', 'monorepo'), { recursive: true })
})
afterAll(() => rmSync(ws, { recursive: true, force: true }))

const env = (inputs: Record<string, string>): NodeJS.ProcessEnv => ({
  GITHUB_WORKSPACE: ws,
  INPUT_DOCKERFILE: 'examples/monorepo',
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
})

describe('action inputs list-targets and target-id', () => {
  it('lists the targets of the inputs, and target-id selects one with its category', () => {
    const listing = readSettings(env({ 'list-targets': 'true' }))
    expect(listing.listTargets).toBe(true)
    const entries = entriesOf(planOf(listing))
    expect(entries.map(e => e.name)).toEqual([
      'examples/monorepo/compose.yaml service api',
      'examples/monorepo/compose.yaml service worker',
      'examples/monorepo/k8s/api.yaml Deployment/api container api',
      'examples/monorepo/k8s/cleanup.yaml CronJob/cleanup container cleanup',
      'examples/monorepo/k8s/cleanup.yaml CronJob/cleanup init container migrate'
    ])
    for (const entry of entries) {
      const s = readSettings(env({ 'target-id': entry.id }))
      expect(s.onlyTarget).toBe(entry.id)
      expect(s.sarifCategory).toBe(entry.category)
      const plan = selectTarget(planOf(s), entry.id, 'action')
      expect(entriesOf(plan)).toEqual([entry])
    }
    // An explicit category wins.
    expect(readSettings(env({ 'target-id': entries[0].id, category: 'mine/' })).sarifCategory).toBe('mine/')
  })

  it('an unknown id fails when the settings are read, naming the input and how to list ids', () => {
    expect(() => readSettings(env({ 'target-id': 'api-00000000' }))).toThrow(
      'Input target-id: no target has the id "api-00000000" among the 5 these paths give; run the action with list-targets: true (output targets)'
    )
    expect(() => readSettings(env({ 'target-id': 'a b\nc' }))).toThrow(/^Input target-id: expected an id/)
    expect(() => readSettings(env({ 'target-id': 'x', 'list-targets': 'true' }))).toThrow(
      'Input target-id: list-targets: true lists every target; leave target-id empty there'
    )
    expect(() => readSettings(env({ 'list-targets': 'yes' }))).toThrow(
      'Input list-targets: expected true or false'
    )
  })
})
