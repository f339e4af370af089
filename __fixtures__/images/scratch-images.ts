// Builds small FROM-scratch test images with the docker CLI (argument arrays, no shell): the host's
// static busybox plus whatever files a test needs. No registry is needed.
import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export const BUSYBOX = '/bin/busybox'

export interface CliResult {
  stdout: string
  stderr: string
}

/** Runs the docker CLI; rejects with the CLI's stderr in the message. */
export async function docker(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync('docker', args, {
      timeout: timeoutMs,
      maxBuffer: 64 << 20,
      // The classic builder: the same on every engine, and it extracts ADDed archives with xattrs.
      env: { ...process.env, DOCKER_BUILDKIT: '0' }
    })
    return { stdout, stderr }
  } catch (error) {
    const e = error as Error & { stderr?: string }
    throw new Error(`docker ${args[0]} failed: ${(e.stderr ?? '').trim() || e.message}`)
  }
}

export async function dockerAnswers(): Promise<boolean> {
  try {
    await docker(['info', '--format', '{{.ServerVersion}}'], 10_000)
    return true
  } catch {
    return false
  }
}

export interface ScratchImage {
  tag: string
  /** Dockerfile text; `busybox` is in the context when withBusybox is set. */
  dockerfile: string
  files?: Record<string, Buffer>
  withBusybox?: boolean
}

/** Builds the image with the given label and returns its tag. */
export async function buildScratchImage(image: ScratchImage, label: string): Promise<string> {
  if (image.withBusybox && !existsSync(BUSYBOX)) {
    throw new Error(`${BUSYBOX} is missing: install busybox-static (scripts/start-docker.sh does)`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'lp-probe-image-'))
  try {
    if (image.withBusybox) copyFileSync(BUSYBOX, join(dir, 'busybox'))
    for (const [name, content] of Object.entries(image.files ?? {})) writeFileSync(join(dir, name), content)
    writeFileSync(join(dir, 'Dockerfile'), image.dockerfile)
    await docker(['build', '-q', '--label', label, '-t', image.tag, dir])
    return image.tag
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Removes every container and image carrying exactly this label (key=value); child images go first. */
export async function removeLabelled(label: string): Promise<void> {
  const containers = (await docker(['ps', '-aq', '--filter', `label=${label}`])).stdout
    .split('\n')
    .filter(Boolean)
  if (containers.length > 0) await docker(['rm', '-f', ...containers])
  // Images built FROM another labelled image block its removal until they are gone, so retry in passes.
  for (let pass = 0; pass < 5; pass++) {
    const images = (await docker(['images', '-q', '--filter', `label=${label}`])).stdout
      .split('\n')
      .filter(Boolean)
    if (images.length === 0) return
    for (const id of new Set(images)) await docker(['rmi', '-f', id]).catch(() => undefined)
  }
}

export async function labelledCount(label: string): Promise<number> {
  const containers = (await docker(['ps', '-aq', '--filter', `label=${label}`])).stdout
    .split('\n')
    .filter(Boolean)
  const images = (await docker(['images', '-q', '--filter', `label=${label}`])).stdout
    .split('\n')
    .filter(Boolean)
  return containers.length + images.length
}
