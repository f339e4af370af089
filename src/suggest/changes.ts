// The container's filesystem changes (`GET /containers/{id}/changes`) -> the folders a read-only root
// needs a tmpfs at. Pure. A new folder is mounted itself (nothing of the image is hidden under it); a
// changed or added file gets its folder. Never `/`, never the kernel's or Docker's own mounts.

export interface FsChange {
  Path: string
  /** 0 modified, 1 added, 2 deleted. */
  Kind: number
}

export const MAX_CHANGES = 10_000
export const MAX_WRITABLE_PATHS = 8
const SKIPPED = ['/proc', '/sys', '/dev', '/run/secrets', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf']

export interface WritablePaths {
  paths: string[]
  /** Per path, what was written there: "it wrote /var/cache/app/x under the declared profile". */
  evidence: Record<string, string>
  /** Files written directly under `/` (a tmpfs cannot cover them). */
  atRoot: string[]
}

function parent(path: string): string {
  const cut = path.lastIndexOf('/')
  return cut <= 0 ? '/' : path.slice(0, cut)
}

function under(path: string, folder: string): boolean {
  return folder === '/' || path === folder || path.startsWith(`${folder}/`)
}

export function writablePaths(changes: readonly FsChange[], mounted: readonly string[] = []): WritablePaths {
  const list = changes.slice(0, MAX_CHANGES).filter(c => typeof c.Path === 'string' && c.Path.startsWith('/'))
  const paths = new Set(list.map(c => c.Path))
  const added = new Set(list.filter(c => c.Kind === 1).map(c => c.Path))
  const isFolder = (p: string): boolean => {
    for (const other of paths) if (other !== p && other.startsWith(`${p}/`)) return true
    return false
  }
  const found = new Map<string, string>()
  const atRoot: string[] = []
  for (const change of list) {
    const path = change.Path
    if (SKIPPED.some(s => under(path, s)) || mounted.some(m => under(path, m))) continue
    // Folders that are only listed because something below changed say nothing themselves.
    if (change.Kind === 0 && isFolder(path)) continue
    // The topmost added folder holding this change, else the change's own folder.
    let target = change.Kind === 1 && isFolder(path) ? path : parent(path)
    while (target !== '/' && added.has(target) && added.has(parent(target)) && parent(target) !== '/')
      target = parent(target)
    if (target === '/') {
      atRoot.push(path)
      continue
    }
    if (!found.has(target)) found.set(target, path)
  }
  // Keep the outermost folders only.
  const outer = [...found.keys()].filter(p => ![...found.keys()].some(q => q !== p && under(p, q))).sort()
  const kept = outer.slice(0, MAX_WRITABLE_PATHS)
  const evidence: Record<string, string> = Object.create(null) as Record<string, string>
  for (const p of kept) {
    const example = [...found.entries()].find(([t]) => under(t, p))?.[1] ?? p
    evidence[p] = `under the declared profile it wrote ${example}`
  }
  return { paths: kept, evidence, atRoot: atRoot.slice(0, MAX_WRITABLE_PATHS) }
}
