// Builds the committed bundle dist/index.js (CommonJS: an ESM bundle with dockerode crashes, ssh2 needs
// __dirname), which serves the action (main + post) and, through the dist/cli/index.js shim, the CLI.
// dist/probe/ holds the probe binaries built by probe/build.sh and is left untouched here.
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const ncc = join(root, 'node_modules', '.bin', 'ncc')

// Build first, replace after: a failed build leaves the previous dist/ in place.
const tmp = mkdtempSync(join(tmpdir(), 'lp-ncc-'))
execFileSync(ncc, ['build', 'src/index.ts', '-o', tmp, '--license', 'licenses.txt', '--quiet'], {
  cwd: root,
  stdio: 'inherit'
})
// The CLI entry too (see the end): both built before dist/ is touched.
const cliTmp = mkdtempSync(join(tmpdir(), 'lp-ncc-cli-'))
execFileSync(ncc, ['build', 'src/cli/index.ts', '-o', cliTmp, '--quiet'], { cwd: root, stdio: 'inherit' })
mkdirSync(join(root, 'dist'), { recursive: true })
for (const entry of readdirSync(join(root, 'dist'), { withFileTypes: true })) {
  if (entry.name !== 'probe') rmSync(join(root, 'dist', entry.name), { recursive: true, force: true })
}
cpSync(tmp, join(root, 'dist'), { recursive: true })
rmSync(tmp, { recursive: true, force: true })

// The package's `bin`: a small bundle of src/cli/index.ts that answers --help/--version itself and loads
// this same dist/index.js only to scan (see src/cli/index.ts), so --help loads no Docker code.
const cli = join(root, 'dist/cli/index.js')
mkdirSync(join(root, 'dist/cli'), { recursive: true })
writeFileSync(cli, `#!/usr/bin/env node\n${readFileSync(join(cliTmp, 'index.js'), 'utf8')}`)
rmSync(cliTmp, { recursive: true, force: true })
chmodSync(cli, 0o755)
