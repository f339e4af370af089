import { describe, expect, it } from '@jest/globals'
import { parseYamlDocuments, type LocatedNode } from '../../src/deployment/yaml'

const text = [
  'base: &base', //            1
  '  a: 1', //                 2
  '  b: 2', //                 3
  'list: &list [x, y]', //     4
  'svc:', //                   5
  '  <<: *base', //            6
  '  b: 3', //                 7
  '  items: *list', //         8
  '  gone: !reset null', //    9
  ''
].join('\n')

function entries(node: LocatedNode | undefined): Record<string, LocatedNode> {
  if (node?.kind !== 'map') throw new Error('not a map')
  return node.entries
}

describe('located YAML tree', () => {
  it('gives every value with the line of its key or item, merge keys and aliases resolved', () => {
    const [doc] = parseYamlDocuments(text, 'c.yaml', { merge: true })
    const svc = entries(entries(doc.tree()).svc)
    expect(Object.keys(svc).sort()).toEqual(['a', 'b', 'gone', 'items'])
    expect(svc.a).toEqual({ kind: 'scalar', at: { file: 'c.yaml', line: 2, column: 3 }, value: 1 })
    expect(svc.b).toMatchObject({ value: 3, at: { line: 7 } })
    const items = svc.items
    expect(items.kind === 'seq' && items.items.map(i => [i.at.line, i.kind === 'scalar' && i.value])).toEqual(
      [
        [4, 'x'],
        [4, 'y']
      ]
    )
    // A tag the YAML core schema does not know keeps its text as the value; the tag says what it means.
    expect(svc.gone).toMatchObject({ tag: '!reset', value: 'null', at: { line: 9 } })
    expect(Object.getPrototypeOf(svc)).toBeNull()
  })

  it('keeps << as a plain key without the merge option', () => {
    const [doc] = parseYamlDocuments(text, 'c.yaml')
    expect(Object.keys(entries(entries(doc.tree()).svc))).toContain('<<')
  })

  it('is undefined for an empty document', () => {
    expect(parseYamlDocuments('', 'e.yaml').map(d => d.tree())).toEqual([])
    expect(parseYamlDocuments('# only a comment\n', 'e.yaml')[0]?.tree()).toBeUndefined()
  })
})
