import { describe, expect, it } from '@jest/globals'
import { parseYamlDocuments } from '../../src/deployment/yaml'

describe('parseYamlDocuments', () => {
  const text = [
    'apiVersion: v1', //          1
    'kind: ConfigMap', //         2
    '---', //                     3
    'kind: Pod', //               4
    'spec:', //                   5
    '  containers:', //           6
    '    - name: app', //         7
    '      securityContext:', //  8
    '        privileged: true', // 9
    '    - name: __proto__', //   10
    ''
  ].join('\n')

  it('gives every document as data, with the line of any key or sequence item', () => {
    const docs = parseYamlDocuments(text, 'k8s/pod.yaml')
    expect(docs).toHaveLength(2)
    expect(docs[1].locate(['spec', 'containers', 0, 'securityContext', 'privileged'])).toEqual({
      file: 'k8s/pod.yaml',
      line: 9,
      column: 9
    })
    expect(docs[1].locate(['spec', 'containers', 1])?.line).toBe(10)
    expect(docs[1].locate(['spec', 'missing'])).toBeUndefined()
  })

  it('keeps object-property names as plain data', () => {
    const [doc] = parseYamlDocuments('__proto__: {polluted: true}\nconstructor: 1\n', 'x.yaml')
    const value = doc.value as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBeNull()
    expect((value.__proto__ as Record<string, unknown>).polluted).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('rejects invalid YAML with one line naming the file and line', () => {
    expect(() => parseYamlDocuments('a: 1\nb: [unclosed\n', 'compose.yaml')).toThrow(
      /^compose\.yaml: line \d+: invalid YAML: /
    )
    expect(() => parseYamlDocuments('a: 1\na: 2\n', 'compose.yaml')).toThrow(
      /compose\.yaml: line 2: invalid YAML/
    )
  })

  it('ends an alias bomb with a one-line error instead of exhausting memory', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 12; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`
      )
    expect(() => parseYamlDocuments(lines.join('\n'), 'bomb.yaml')).toThrow(/^bomb\.yaml: .*alias/i)
  })
})
