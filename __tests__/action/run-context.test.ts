import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { readRunContext } from '../../src/action/run-context'

const dir = mkdtempSync(join(tmpdir(), 'lp-run-context-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text)
  return join(dir, name)
}
const ctx = (path: string | undefined) =>
  readRunContext({
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_EVENT_PATH: path
  })

describe('the event payload', () => {
  it('gives the pull request number and fork status', () => {
    const path = file(
      'ok.json',
      JSON.stringify({ number: 7, pull_request: { number: 7, head: { repo: { full_name: 'x/app' } } } })
    )
    expect(ctx(path)).toMatchObject({ pullNumber: 7, fromFork: true, payloadProblem: undefined })
  })

  it('is quietly missing when the variable or the file is', () => {
    expect(ctx(undefined).payloadProblem).toBeUndefined()
    expect(ctx(join(dir, 'absent.json')).payloadProblem).toBeUndefined()
  })

  it.each([
    ['a directory', () => dir, /is not a file/],
    ['bad JSON', () => file('bad.json', '{"number": '), /is not valid JSON/],
    ['an empty file', () => file('empty.json', ''), /is empty/],
    ['/dev/null', () => '/dev/null', /is not a file/],
    ['JSON null', () => file('null.json', 'null'), /is not a JSON object/],
    ['a JSON array', () => file('array.json', '[1]'), /is not a JSON object/]
  ])('that is %s is one line naming GITHUB_EVENT_PATH, and no pull request', (_what, path, why) => {
    const result = ctx(path())
    expect(result.payloadProblem).toMatch(/^GITHUB_EVENT_PATH \S+ /)
    expect(result.payloadProblem).toMatch(why)
    expect(result.payloadProblem).not.toMatch(/\n/)
    expect(result).toMatchObject({ pullNumber: undefined, fromFork: false })
  })
})
