import { describe, expect, it } from '@jest/globals'
import { analyzeMode, modeOfCommand } from '../../src/rules/dockerfile/modes'
import { execCommands, simpleCommands, tokenize } from '../../src/rules/dockerfile/shell'

const names = (text: string) => simpleCommands(text).map(command => command.base)

describe('shell reading', () => {
  it('tokenizes quotes, escapes, separators and comments', () => {
    expect(tokenize(`a 'b c' "d \\"e\\"" f\\ g && h;i|j || k # note\nl`)).toEqual([
      'a',
      'b c',
      'd "e"',
      'f g',
      '&&',
      'h',
      ';',
      'i',
      '|',
      'j',
      '||',
      'k',
      '\n',
      'l'
    ])
  })

  it('finds commands after separators, prefixes and assignments, and inside sh -c, sudo and find -exec', () => {
    expect(names('A=1 B=2 exec env -i sudo id')).toEqual(['sudo', 'id'])
    expect(names('if true; then chmod 755 x; fi')).toEqual(['true', 'chmod', 'fi'])
    expect(names('x=$(sudo cat /f)')).toEqual(['sudo', 'cat'])
    expect(names("bash -lc 'setcap cap_net_raw+ep /x'")).toEqual(['bash', 'setcap'])
    expect(names('find / -perm /4000 -exec chmod u-s {} +')).toEqual(['find', 'chmod'])
    expect(names('gosu app id')).toEqual(['gosu', 'id'])
    const [sudo, make] = execCommands(['/usr/bin/sudo', '-E', 'make'])
    expect(sudo).toEqual({ name: '/usr/bin/sudo', base: 'sudo', args: ['-E', 'make'] })
    // A nested command knows what runs it (find -exec, sudo), so rules can read the find's predicates.
    expect(make).toEqual({ name: 'make', base: 'make', args: [], via: sudo })
  })
})

describe('modes', () => {
  it.each([
    ['4755', { setuid: true, setgid: false, sticky: false, otherWrite: false, groupWrite: false }],
    ['04755', { setuid: true, setgid: false, sticky: false, otherWrite: false, groupWrite: false }],
    ['2775', { setuid: false, setgid: true, sticky: false, otherWrite: false, groupWrite: true }],
    ['6755', { setuid: true, setgid: true, sticky: false, otherWrite: false, groupWrite: false }],
    ['1777', { setuid: false, setgid: false, sticky: true, otherWrite: true, groupWrite: true }],
    ['777', { setuid: false, setgid: false, sticky: false, otherWrite: true, groupWrite: true }],
    ['664', { setuid: false, setgid: false, sticky: false, otherWrite: false, groupWrite: true }],
    ['u+s', { setuid: true, setgid: false, sticky: false, otherWrite: false, groupWrite: false }],
    ['g+s', { setuid: false, setgid: true, sticky: false, otherWrite: false, groupWrite: false }],
    ['+s', { setuid: true, setgid: true, sticky: false, otherWrite: false, groupWrite: false }],
    ['o+w', { setuid: false, setgid: false, sticky: false, otherWrite: true, groupWrite: false }],
    ['ug=rwx,o=rwx', { setuid: false, setgid: false, sticky: false, otherWrite: true, groupWrite: true }],
    ['u+s-x', { setuid: true, setgid: false, sticky: false, otherWrite: false, groupWrite: false }],
    ['a-s', { setuid: false, setgid: false, sticky: false, otherWrite: false, groupWrite: false }]
  ])('%s', (mode, bits) => {
    expect(analyzeMode(mode)).toEqual(bits)
  })

  it('rejects what is not a mode', () => {
    expect(analyzeMode('$MODE')).toBeUndefined()
    expect(analyzeMode('/usr/bin')).toBeUndefined()
    expect(analyzeMode('89')).toBeUndefined()
  })

  it('reads the mode and targets of chmod, install and mkdir', () => {
    expect(modeOfCommand('chmod', ['-R', '-v', 'u+s', '/a', '/b'])).toEqual({
      mode: 'u+s',
      targets: ['/a', '/b'],
      directories: false,
      recursive: true
    })
    expect(modeOfCommand('chmod', ['-w', '/a'])).toEqual({ mode: '-w', targets: ['/a'], directories: false })
    expect(modeOfCommand('chmod', ['--reference=/x', '/a'])).toBeUndefined()
    expect(modeOfCommand('install', ['-m', '4755', 'tool', '/usr/bin/tool'])).toEqual({
      mode: '4755',
      targets: ['/usr/bin/tool'],
      directories: false
    })
    expect(modeOfCommand('install', ['--mode=0755', '-D', 'a', '/b'])).toEqual({
      mode: '0755',
      targets: ['/b'],
      directories: false
    })
    expect(modeOfCommand('install', ['--directory', '--owner', 'pg', '--mode', '3777', '/run/pg'])).toEqual({
      mode: '3777',
      targets: ['/run/pg'],
      directories: true
    })
    expect(modeOfCommand('mkdir', ['-p', '-m', '1777', '/t', '/u'])).toEqual({
      mode: '1777',
      targets: ['/t', '/u'],
      directories: true
    })
    expect(modeOfCommand('cp', ['a', 'b'])).toBeUndefined()
  })
})
