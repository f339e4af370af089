// Builds the committed bundle dist/index.js (CommonJS: an ESM bundle with dockerode crashes, ssh2 needs
// __dirname), which serves the action (main + post) and, through the dist/cli/index.js shim, the CLI.
// dist/probe/ holds the probe binaries built by probe/build.sh and is left untouched here.
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
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
mkdirSync(join(root, 'dist'), { recursive: true })
for (const entry of readdirSync(join(root, 'dist'), { withFileTypes: true })) {
  if (entry.name !== 'probe') rmSync(join(root, 'dist', entry.name), { recursive: true, force: true })
}
cpSync(tmp, join(root, 'dist'), { recursive: true })
rmSync(tmp, { recursive: true, force: true })

// The package's `bin`: a shim that selects the CLI entry of the same bundle (see src/index.ts).
const cli = join(root, 'dist/cli/index.js')
mkdirSync(join(root, 'dist/cli'), { recursive: true })
writeFileSync(
  cli,
  "#!/usr/bin/env node\n'use strict'\nglobalThis.__leastPrivilegeCli = true\nrequire('../index.js')\n"
)
chmodSync(cli, 0o755)
