import { createHash } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import {
  canonicalMatrix,
  defaultCategory,
  identityOf,
  LEGACY_MARKER_PATTERN,
  legacyStickyMarker,
  stickyMarker
} from '../../src/action/identity'

const ctx = { workflow: 'CI', job: 'scan' }
const id = (matrix = 'null', commentKey = '') => identityOf(ctx, { matrix, commentKey })

describe('the scan identity (sticky comment and code-scanning category)', () => {
  it('ignores how the runner formats the matrix: keys sorted, whitespace free', () => {
    const pretty = '{\n  "os": "ubuntu-latest",\n  "node": 20\n}'
    expect(canonicalMatrix(pretty)).toBe('{"node":20,"os":"ubuntu-latest"}')
    expect(canonicalMatrix('{"node":20,"os":"ubuntu-latest"}')).toBe(canonicalMatrix(pretty))
    for (const none of ['', 'null', ' null\n', '{}']) expect(canonicalMatrix(none)).toBe('')
    // Text a user wrote instead of the default names the entry as given.
    expect(canonicalMatrix('leg one')).toBe('leg one')
  })

  it('gives one marker per workflow, job, matrix entry and comment key', () => {
    const base = stickyMarker(id())
    expect(base).toMatch(/^<!-- least-privilege:v2:[0-9a-f]{16} -->$/)
    expect(stickyMarker(id())).toBe(base)
    const others = [
      stickyMarker(identityOf({ workflow: 'CI', job: 'other' }, { matrix: 'null', commentKey: '' })),
      stickyMarker(identityOf({ workflow: 'Nightly', job: 'scan' }, { matrix: 'null', commentKey: '' })),
      stickyMarker(id('{"os":"a"}')),
      stickyMarker(id('{"os":"b"}')),
      stickyMarker(id('null', 'api'))
    ]
    expect(new Set([base, ...others]).size).toBe(6)
    expect(LEGACY_MARKER_PATTERN.test(base)).toBe(false)
  })

  it('recomputes the earlier marker exactly as releases before v2 wrote it', () => {
    const old = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16)
    expect(legacyStickyMarker('CI', 'scan', ['b/Dockerfile', 'Dockerfile'])).toBe(
      `<!-- least-privilege:v1:${old('CI\nscan\nDockerfile\nb/Dockerfile')} -->`
    )
    expect(legacyStickyMarker('CI', 'scan', ['Dockerfile'])).toBe(
      '<!-- least-privilege:v1:d64dfd0dd6a33a5d -->'
    )
    expect(LEGACY_MARKER_PATTERN.test(legacyStickyMarker('x', 'y', []))).toBe(true)
  })

  it('defaults the category to workflow, job and matrix entry, never the Dockerfiles', () => {
    expect(defaultCategory(id())).toBe('least-privilege/ci/scan/')
    expect(defaultCategory(id('{\n  "os": "ubuntu-latest",\n  "node": 20\n}'))).toBe(
      'least-privilege/ci/scan/node=20,os=ubuntu-latest/'
    )
    expect(
      defaultCategory(
        identityOf({ workflow: 'Least privilege', job: 'scan' }, { matrix: 'null', commentKey: '' })
      )
    ).toBe('least-privilege/least-privilege/scan/')
  })

  it('hashes a matrix entry that would not survive as readable text, so two entries never share one', () => {
    const spaced = defaultCategory(id('{"os":"ubuntu latest"}'))
    const dashed = defaultCategory(id('{"os":"ubuntu-latest"}'))
    expect(spaced).toMatch(/^least-privilege\/ci\/scan\/matrix-[0-9a-f]{12}\/$/)
    expect(spaced).not.toBe(dashed)
    const nested = defaultCategory(id('{"include":{"a":1}}'))
    expect(nested).toMatch(/\/matrix-[0-9a-f]{12}\/$/)
    const long = defaultCategory(id(JSON.stringify({ image: 'x'.repeat(200) })))
    expect(long.length).toBeLessThan(100)
  })
})
