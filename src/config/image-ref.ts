// Image references as manifests and compose files write them. `images:` keys and deployment images are
// compared by repository name: tag and digest stripped, Docker Hub's implied parts removed
// (`docker.io/library/nginx:1` is `nginx`), so a mapping matches however a manifest spells the image.

const HUB_PREFIXES = ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/']

/** The repository name of `ref`: no tag, no digest, `docker.io/` and `library/` dropped. */
export function imageName(ref: string): string {
  let name = ref.trim()
  const at = name.indexOf('@')
  if (at >= 0) name = name.slice(0, at)
  const colon = name.lastIndexOf(':')
  // A colon after the last slash is a tag; one before it is a registry port (`host:5000/x`).
  if (colon > name.lastIndexOf('/')) name = name.slice(0, colon)
  const hub = HUB_PREFIXES.find(prefix => name.toLowerCase().startsWith(prefix))
  if (hub) name = name.slice(hub.length)
  if (name.startsWith('library/') && name.indexOf('/', 'library/'.length) < 0)
    name = name.slice('library/'.length)
  return name
}

// The reference grammar of github.com/distribution/reference, so a name from a manifest cannot carry
// `..`, `?` or spaces into a Docker API path.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const HOST_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `(?:${HOST_PART}(?:\\.${HOST_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`)

/** Longest reference looked at (the registry's own name limit is 255 for the repository). */
export const MAX_REFERENCE_LENGTH = 512

/** Whether `ref` is a well-formed image reference (safe to name in a Docker API call). */
export function isImageReference(ref: string): boolean {
  return ref.length <= MAX_REFERENCE_LENGTH && REFERENCE.test(ref)
}
