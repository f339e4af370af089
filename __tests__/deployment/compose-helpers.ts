// A compose project in a temporary folder, read with the real file system.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { readCompose, type ComposeReadOptions } from '../../src/deployment/compose/index'
import type { DeploymentFile } from '../../src/deployment/types'

export interface Project {
  root: string
  write(path: string, text: string): void
  read(files?: string[], env?: Record<string, string | undefined>): DeploymentFile
  options(env?: Record<string, string | undefined>): ComposeReadOptions
  remove(): void
}

export function project(files: Record<string, string> = {}): Project {
  const root = mkdtempSync(join(tmpdir(), 'lp-compose-'))
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  for (const [path, text] of Object.entries(files)) write(path, text)
  const options = (env: Record<string, string | undefined> = {}): ComposeReadOptions => ({
    readFile: path => readFileSync(path, 'utf8'),
    exists: existsSync,
    env,
    repoRoot: root
  })
  return {
    root,
    write,
    options,
    read: (list = ['compose.yaml'], env = {}) => readCompose(list, options(env)),
    remove: () => rmSync(root, { recursive: true, force: true })
  }
}

export const lines = (...text: string[]) => text.join('\n') + '\n'
