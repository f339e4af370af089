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

  it('cuts a 10 MB value to its first code points, and keeps one that is short in code points', () => {
    const out = truncate(`😀${'x'.repeat(10_000_000)}`, 5)
    expect(out).toBe('😀xxx…')
    // 6 UTF-16 units but 3 code points: not cut.
    expect(truncate('😀😀😀', 4)).toBe('😀😀😀')
    expect(truncate('abc', 0)).toBe('…')
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

  it('fences content with 300,000 backtick runs (a probe report of any size)', () => {
    const content = `${'` '.repeat(300_000)}\`\`\`\`\``
    expect(fenceFor(content)).toBe('``````')
    expect(codeBlock(content).startsWith('``````\n')).toBe(true)
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

describe('bare domains', () => {
  // Renderers and readers take `evil-example.com/x` for a link even without `www.` or a scheme.
  const render = (md: string): string => marked.parse(md, { gfm: true, async: false })
  // What a reader (or an autolinker) sees once entities are decoded, tags removed and zero-width spaces kept.
  const visible = (html: string): string =>
    html
      .replace(/<[^>]*>/g, '')
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
      .replace(/&amp;/g, '&')
  const LIVE = /(?<![\w.-])(?:[\w-]+\.)+(?:com|net|org|io|dev|app|uk|xyz)\b/i

  it.each([
    'evil-example.com',
    'evil-example.com/Dockerfile',
    'www.evil-example.com/Dockerfile',
    '/opt/www.evil-example.com/x',
    'EVIL.COM',
    'api.evil.co.uk',
    'see evil.org, then evil.net.',
    'deploy.evil.dev',
    'evil.app/path',
    'evil.io:8080',
    'https://evil-example.com/p'
  ])('%j: the dot before the TLD is broken in Markdown, HTML and code', domain => {
    for (const escaped of [escapeMarkdown(domain), escapeHtml(domain), codeSpan(domain)]) {
      // Raw text (as a Markdown autolinker sees it): no `name.tld` left.
      expect(escaped.replace(/\\/g, '')).not.toMatch(LIVE)
      expect(render(`x ${escaped} y`)).not.toMatch(/<a\s/)
    }
    // Reads the same: only zero-width spaces and backslashes were added; code spans only got entities.
    expect(escapeMarkdown(domain).replace(/\u200b|&#8203;|\\/g, '')).toBe(domain.replace(/&/g, '&amp;'))
    expect(visible(codeSpan(domain))).toBe(domain)
    expect(codeSpan(domain)).toMatch(/&#46;[A-Za-z]+/)
  })

  it.each([
    'Dockerfile.dev',
    'Dockerfile.prod',
    'app.py',
    'package.json',
    'nginx.conf',
    'docker-compose.yml',
    'Dockerfile.in',
    'services/api/Dockerfile.dev',
    'main.sh',
    'v1.2.3',
    '10.0.0.1'
  ])('%j: ordinary file names and numbers are left alone', name => {
    expect(codeSpan(name)).not.toContain('&#46;')
    expect(escapeMarkdown(name)).not.toContain('\u200b')
    expect(escapeHtml(name)).toBe(name)
  })
})
