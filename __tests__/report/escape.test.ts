import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import {
  codeBlock,
  codeSpan,
  encodePath,
  escapeHtml,
  escapeMarkdown,
  fenceFor,
  terminalSafe,
  truncate
} from '../../src/report/escape'

const HOSTILE = [
  '</details>',
  '<!-- lpp-report:v1 -->',
  '| pipe | cell',
  '@org/team',
  '#123',
  '[x](javascript:alert(1))',
  '![img](http://track.example/p.png)',
  'line one\nline two\r\nline three',
  '`code` and ```fence```',
  '<img src=x onerror=alert(1)>',
  '*bold* _em_ ~~strike~~ $x$',
  '\u001b[31mred\u001b[0m\u0007\u202etxt.exe'
]

/** `|` that GFM would read as a cell separator (not backslash-escaped). */
const rawPipes = (s: string): number => (s.match(/(?<!\\)\|/g) ?? []).length

describe('escapeMarkdown', () => {
  it.each(HOSTILE)('neutralises %j', input => {
    const escaped = escapeMarkdown(input)
    // Entities are what we emit on purpose; look at everything else.
    const out = escaped.replace(/&(#\d+|[a-z]+);/g, '·')
    expect(escaped.match(/&(?!(#\d+|amp|lt|gt|quot);)/g)).toBeNull()
    expect(out).not.toMatch(/[\n\r]/)
    expect(out).not.toMatch(/<(?!br>)/)
    expect(out).not.toContain('>')
    expect(rawPipes(out)).toBe(0)
    expect(out).not.toMatch(/@[A-Za-z]/)
    expect(out).not.toMatch(/#\d/)
    expect(out).not.toMatch(/(?<!\\)[[\]()`*_~$!]/)
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u001f\u007f\u202e]/)
  })

  it('keeps ordinary text readable and applies the exact escapes', () => {
    expect(escapeMarkdown('USER app')).toBe('USER app')
    expect(escapeMarkdown('a | b')).toBe('a \\| b')
    expect(escapeMarkdown('<b> & "q" \'s\'')).toBe('&lt;b&gt; &amp; &quot;q&quot; &#39;s&#39;')
    expect(escapeMarkdown('@org #123')).toBe('@&#8203;org \\#&#8203;123')
    expect(escapeMarkdown('1. not a list')).toBe('1\\. not a list')
    expect(escapeMarkdown('a\nb', { newline: 'br' })).toBe('a<br>b')
    expect(escapeMarkdown('a\nb')).toBe('a b')
  })

  it('truncates before escaping, so an entity is never cut', () => {
    const out = escapeMarkdown('&'.repeat(50), { maxLength: 10 })
    expect(out).toBe('&amp;'.repeat(9) + '…')
  })
})

describe('truncate', () => {
  it('never splits a surrogate pair', () => {
    const out = truncate('😀'.repeat(10), 5)
    expect(Array.from(out)).toEqual(['😀', '😀', '😀', '😀', '…'])
    expect(truncate('short', 10)).toBe('short')
  })
})

describe('escapeHtml', () => {
  it('escapes markup and breaks mentions without backslashes', () => {
    expect(escapeHtml('</details> @team #1')).toBe('&lt;/details&gt; @&#8203;team #&#8203;1')
    expect(escapeHtml('<!-- x -->')).not.toContain('<!--')
  })
})

describe('codeSpan', () => {
  it.each(HOSTILE)('is a single <code> element safe in a table cell for %j', input => {
    const out = codeSpan(input)
    const inner = out.slice('<code>'.length, -'</code>'.length)
    expect(out.startsWith('<code>') && out.endsWith('</code>')).toBe(true)
    expect(inner.replace(/&#\d+;/g, '·')).not.toMatch(/[<>|`*_[\]()!@#\n\r~$\\]/)
    // Every & starts a numeric entity.
    expect(inner.match(/&(?!#\d+;)/g)).toBeNull()
  })

  it('decodes back to the original text', () => {
    const decoded = codeSpan('a|b `c` <d>')
      .slice(6, -7)
      .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    expect(decoded).toBe('a|b `c` <d>')
  })
})

describe('code fences', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(fenceFor('no ticks')).toBe('```')
    expect(fenceFor('a ```` b')).toBe('`````')
    const block = codeBlock('x\n```\ny', 'json')
    expect(block.startsWith('````json\n')).toBe(true)
    expect(block.endsWith('\n````')).toBe(true)
  })
})

describe('encodePath', () => {
  it('encodes each segment so the link cannot be ended or redirected', () => {
    expect(encodePath('a b/(x)#1?.Dockerfile')).toBe('a%20b/%28x%29%231%3F.Dockerfile')
    expect(encodePath('docker/app/Dockerfile')).toBe('docker/app/Dockerfile')
  })
})

describe('terminalSafe', () => {
  it('shows escape sequences and controls visibly instead of executing them', () => {
    const out = terminalSafe('\u001b]0;pwned\u0007\u001b[2J\rx\u202e\u009b')
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/)
    expect(out).toBe('\\x1b]0;pwned\\x07\\x1b[2J x\\u202e\\x9b')
  })
})

describe('codeSpan keeps ordinary characters, so a runner mask still matches', () => {
  it('leaves identifiers, = and - as they are', () => {
    expect(codeSpan('--env GITHUB_TOKEN=ghs_abc-123 --cap-add=SYS_ADMIN')).toBe(
      '<code>--env GITHUB_TOKEN=ghs_abc-123 --cap-add=SYS_ADMIN</code>'
    )
  })

  it('still encodes what could render: emphasis, autolinks, HTML', () => {
    const out = codeSpan('_em_ x_ a.b www.evil.example http://x a@b <i>')
    expect(out).toMatch(/^<code>&#95;em&#95; x&#95; a\.b /)
    for (const live of ['www.', 'http://', 'a@b', '<i>']) expect(out).not.toContain(live)
  })
})

describe('autolinks', () => {
  // GFM (marked, like github.com) links `www.`, `scheme://` and emails found in plain text.
  const BAIT = [
    'www.evil.example',
    'www.Evil.Example/path',
    'https://evil.example/a',
    'HTTP://evil.example',
    'ftp://evil.example',
    'mallory@evil.example',
    'mailto:m@evil.example',
    '(www.evil.example)',
    '*www.evil.example*'
  ]
  const render = (md: string): string => marked.parse(md, { gfm: true, async: false })

  it('breaks www. in any case', () => {
    expect(escapeMarkdown('WWW.x')).toBe('WWW\u200b.x')
  })

  it.each(BAIT)('%j is a link when raw, and inert once escaped (paragraph and table cell)', bait => {
    expect(render(`x ${bait} y`)).toMatch(/<a\s/)
    const escaped = escapeMarkdown(bait)
    expect(render(`x ${escaped} y`)).not.toMatch(/<a\s/)
    expect(render(`| a |\n| - |\n| ${escaped} |`)).not.toMatch(/<a\s/)
    expect(render(`<p>${escapeHtml(bait)}</p>\n\nx ${escapeHtml(bait)}`)).not.toMatch(/<a\s/)
    // It still reads the same: only backslashes and zero-width spaces were added.
    expect(escaped.replace(/\u200b|&#8203;|\\/g, '')).toBe(bait)
  })
})
