// Builds the committed bundles: dist/index.js (the action, main + post) and dist/cli/index.js (the CLI).
// Both are CommonJS ncc bundles (an ESM bundle with dockerode crashes: ssh2 needs __dirname).
// dist/probe/ holds the probe binaries built by probe/build.sh and is left untouched here.
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const ncc = join(root, 'node_modules', '.bin', 'ncc')
const bundles = [
  { entry: 'src/index.ts', out: 'dist' },
  { entry: 'src/cli/main.ts', out: 'dist/cli' }
]

mkdirSync(join(root, 'dist'), { recursive: true })
for (const entry of readdirSync(join(root, 'dist'), { withFileTypes: true })) {
  if (entry.name !== 'probe') rmSync(join(root, 'dist', entry.name), { recursive: true, force: true })
}

for (const { entry, out } of bundles) {
  const tmp = mkdtempSync(join(tmpdir(), 'lp-ncc-'))
  execFileSync(ncc, ['build', entry, '-o', tmp, '--license', 'licenses.txt', '--quiet'], {
    cwd: root,
    stdio: 'inherit'
  })
  cpSync(tmp, join(root, out), { recursive: true })
  rmSync(tmp, { recursive: true, force: true })
}

// The CLI bundle is the package's `bin`: give it a shebang and the executable bit.
const cli = join(root, 'dist/cli/index.js')
const text = readFileSync(cli, 'utf8')
if (!text.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${text}`)
chmodSync(cli, 0o755)
