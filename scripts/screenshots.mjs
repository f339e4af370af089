// Screenshots of the report as GitHub shows it, for the docs: the bundled CLI scans examples/ (static, no
// Docker needed), its Markdown (the job summary's renderer) is rendered with marked (GFM) into a page styled
// like github.com, and headless Chromium (Debian's `chromium`) photographs it. A docs tool, not a test:
// without Chromium it says so in one line and exits 1.
//
//   node scripts/screenshots.mjs [--out docs/img]      (CHROMIUM=/path/to/chromium to choose the browser)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = new URL('..', import.meta.url).pathname
const outArg = process.argv.indexOf('--out')
const outDir = resolve(root, outArg > 0 && process.argv[outArg + 1] ? process.argv[outArg + 1] : 'docs/img')
const STEP_MS = 120_000

function fail(message) {
  process.stderr.write(`screenshots: ${message}\n`)
  process.exit(1)
}

/** The first browser that answers --version. */
function findChromium() {
  const candidates = process.env.CHROMIUM
    ? [process.env.CHROMIUM]
    : ['chromium', 'chromium-browser', 'google-chrome']
  for (const name of candidates) {
    const run = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 30_000 })
    if (run.status === 0) return name
  }
  return undefined
}

const chromium = findChromium()
if (!chromium) {
  fail(
    'headless Chromium not found (install it with `apt-get install -y chromium`, or set CHROMIUM=/path/to/chromium)'
  )
}

let marked
try {
  ;({ marked } = await import('marked'))
} catch {
  fail('the marked package is missing (run `npm ci` first)')
}
if (!existsSync(join(root, 'dist/cli/index.js'))) fail('dist/cli/index.js is missing (run `npm run package`)')
const fonts = spawnSync('fc-list', [':charset=1f600'], { encoding: 'utf8', timeout: 30_000 })
if (fonts.status === 0 && fonts.stdout.trim() === '') {
  process.stderr.write(
    'screenshots: warning: no colour emoji font, the verdict icons will show as boxes (apt-get install -y fonts-noto-color-emoji)\n'
  )
}

/** The CLI's Markdown for `args`; it exits 1 because examples/insecure is insecure on purpose. */
function markdownOf(args) {
  const run = spawnSync(process.execPath, ['dist/cli/index.js', 'scan', '--format', 'markdown', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: STEP_MS,
    maxBuffer: 64 * 1024 * 1024
  })
  if (run.status !== 0 && run.status !== 1) {
    fail(`the scan exited ${run.status ?? run.signal}: ${(run.stderr || '').trim().split('\n')[0]}`)
  }
  return run.stdout
}

// Close to github.com's markdown-body: system font, 16 px, bordered tables with striped rows, grey code.
const STYLE = `
  body { margin: 0; background: #fff; }
  .markdown-body { box-sizing: border-box; max-width: 1180px; padding: 24px 32px; color: #1f2328;
    font: 16px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif,
    "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
  h3, h4 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
  h3 { font-size: 1.25em; } h4 { font-size: 1em; }
  p, ul, table, details { margin: 0 0 16px; }
  a { color: #0969da; text-decoration: none; }
  code { padding: .2em .4em; font-size: 85%; background: rgba(175,184,193,.2); border-radius: 6px;
    font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
  pre { padding: 16px; background: #f6f8fa; border-radius: 6px; overflow: auto; }
  pre code { padding: 0; background: none; }
  table { border-spacing: 0; border-collapse: collapse; display: block; max-width: 100%; overflow: auto; }
  th, td { padding: 6px 13px; border: 1px solid #d1d9e0; }
  th { font-weight: 600; } tr:nth-child(2n) { background: #f6f8fa; }
  ul { padding-left: 2em; } li + li { margin-top: .25em; }
`

function page(markdown, title) {
  const body = marked.parse(markdown, { gfm: true, async: false })
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head>` +
    `<body><article class="markdown-body">${body}</article></body></html>`
  )
}

function shoot(html, file, width, height) {
  const work = mkdtempSync(join(tmpdir(), 'lp-screenshots-'))
  try {
    const source = join(work, 'page.html')
    writeFileSync(source, html)
    const run = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        '--force-device-scale-factor=1',
        '--no-first-run',
        `--user-data-dir=${join(work, 'profile')}`,
        `--window-size=${width},${height}`,
        `--screenshot=${file}`,
        pathToFileURL(source).href
      ],
      { encoding: 'utf8', timeout: STEP_MS }
    )
    if (run.status !== 0 || !existsSync(file) || statSync(file).size === 0) {
      fail(
        `chromium could not take ${file}: ${(run.stderr || String(run.error ?? '')).trim().split('\n').pop()}`
      )
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

mkdirSync(outDir, { recursive: true })
const scan = [
  '--no-build',
  '--config',
  'examples/monorepo/.least-privilege.yml',
  'examples/monorepo',
  'examples/insecure',
  'examples/secure'
]
const shots = [
  // The top of the job summary: the verdict, the overview of every target and the first details.
  { file: 'summary.png', markdown: markdownOf(scan), width: 1240, height: 1500 }
]
for (const shot of shots) {
  const file = join(outDir, shot.file)
  shoot(page(shot.markdown, shot.file), file, shot.width, shot.height)
  process.stdout.write(`${file}\n`)
}
