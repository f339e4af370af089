// Well-known base images whose default user (image config `User`) is not root, so a Dockerfile built on
// them without USER is not called root. Everything else defaults to root, as Docker does; the build and
// probe confirm either way. Maintained by hand: add an entry with the source that shows its default user.

export interface ImageRef {
  /** Registry host, `docker.io` for Docker Hub. */
  registry: string
  /** Repository path without the registry, lowercased; Docker Hub official images get `library/`. */
  repository: string
  /** Tag, `latest` when none is given. */
  tag: string
  digest?: string
}

export interface KnownImage {
  /** Matches `registry/repository`. */
  repository: RegExp
  /** Matches the tag; any tag when absent. */
  tag?: RegExp
  /** Tags that are excluded even when `tag` matches (e.g. root `-dev` variants). */
  notTag?: RegExp
  /** Repositories excluded even when `repository` matches. */
  notRepository?: RegExp
  user: string
  uid: number
  /** Where the default user is documented. */
  source: string
}

export const KNOWN_NONROOT_IMAGES: readonly KnownImage[] = [
  {
    // :nonroot, :debug-nonroot, :latest-nonroot, :nonroot-amd64 ... set User 65532 (distroless README, "Running as a non-root user").
    repository: /^gcr\.io\/distroless\//,
    tag: /(^|-)nonroot(-|$)/,
    user: 'nonroot',
    uid: 65532,
    source: 'https://github.com/GoogleContainerTools/distroless#debug-images (nonroot tags)'
  },
  {
    // Chainguard images set run-as 65532 unless upstream needs another uid (images BEST_PRACTICES.md, "Users").
    // The -dev variants and the bare OS bases run as root, so they are left to the root default.
    repository: /^cgr\.dev\/chainguard\//,
    notRepository: /^cgr\.dev\/chainguard\/(wolfi-base|chainguard-base|busybox|git)$/,
    notTag: /(^|-)dev(-|$)/,
    user: 'nonroot',
    uid: 65532,
    source: 'https://github.com/chainguard-images/images/blob/main/BEST_PRACTICES.md#users'
  },
  {
    // USER 101 in the image (nginxinc/docker-nginx-unprivileged README).
    repository: /^docker\.io\/(nginxinc|nginx)\/nginx-unprivileged$/,
    user: 'nginx',
    uid: 101,
    source: 'https://github.com/nginxinc/docker-nginx-unprivileged#readme'
  },
  {
    // Bitnami application images run as uid 1001 ("Non-root container images" in the Bitnami docs);
    // minideb and os-shell are plain OS bases that run as root.
    repository: /^docker\.io\/(bitnami|bitnamilegacy|bitnamisecure)\//,
    notRepository: /\/(minideb|os-shell)$/,
    user: '1001',
    uid: 1001,
    source: 'https://docs.bitnami.com/kubernetes/faq/configuration/use-non-root/'
  },
  {
    // Red Hat UBI language (S2I) images run as uid 1001 (sclorg container READMEs).
    repository:
      /^registry\.(access\.)?redhat\.(com|io)\/ubi\d+\/(nodejs|python|ruby|php|perl|go-toolset|dotnet)-\d+/,
    user: 'default',
    uid: 1001,
    source: 'https://github.com/sclorg/s2i-base-container (USER 1001)'
  },
  {
    // UBI OpenJDK images run as jboss, uid 185.
    repository: /^registry\.(access\.)?redhat\.(com|io)\/ubi\d+\/openjdk-\d+/,
    user: 'jboss',
    uid: 185,
    source: 'https://github.com/jboss-container-images/openjdk (USER 185)'
  },
  {
    // .NET chiseled / distroless images run as the non-root `app` user, uid 1654 (.NET 8+ docs).
    repository: /^mcr\.microsoft\.com\/dotnet\//,
    tag: /chiseled|distroless/,
    user: 'app',
    uid: 1654,
    source: 'https://learn.microsoft.com/dotnet/core/docker/container-images#default-user'
  },
  {
    // Jupyter Docker Stacks run as jovyan, uid 1000.
    repository: /^(docker\.io|quay\.io)\/jupyter\//,
    user: 'jovyan',
    uid: 1000,
    source:
      'https://jupyter-docker-stacks.readthedocs.io/en/latest/using/common.html#user-related-configurations'
  },
  {
    // USER jenkins (uid 1000) in jenkinsci/docker.
    repository: /^docker\.io\/jenkins\/(jenkins|inbound-agent|agent)$/,
    user: 'jenkins',
    uid: 1000,
    source: 'https://github.com/jenkinsci/docker (USER ${user})'
  },
  {
    // USER 472 in grafana/grafana.
    repository: /^docker\.io\/grafana\/grafana(-oss|-enterprise)?$/,
    user: 'grafana',
    uid: 472,
    source:
      'https://grafana.com/docs/grafana/latest/setup-grafana/installation/docker/#run-grafana-as-a-specific-user'
  },
  {
    // Prometheus images run as nobody (65534).
    repository:
      /^(docker\.io|quay\.io)\/prom(etheus)?\/(prometheus|alertmanager|node-exporter|pushgateway|blackbox-exporter)$/,
    user: 'nobody',
    uid: 65534,
    source: 'https://github.com/prometheus/prometheus/blob/main/Dockerfile (USER nobody)'
  },
  {
    // Keycloak runs as uid 1000.
    repository: /^quay\.io\/keycloak\/keycloak$/,
    user: '1000',
    uid: 1000,
    source: 'https://github.com/keycloak/keycloak/blob/main/quarkus/container/Dockerfile (USER 1000)'
  },
  {
    // Elastic Stack images run as uid 1000.
    repository: /^docker\.elastic\.co\/(elasticsearch\/elasticsearch|kibana\/kibana|logstash\/logstash)$/,
    user: '1000',
    uid: 1000,
    source: 'https://www.elastic.co/guide/en/elasticsearch/reference/current/docker.html'
  },
  {
    // apache/airflow runs as airflow, uid 50000.
    repository: /^docker\.io\/apache\/airflow$/,
    user: 'airflow',
    uid: 50000,
    source:
      'https://airflow.apache.org/docs/docker-stack/entrypoint.html#allowing-arbitrary-user-to-run-the-container'
  }
]

/**
 * Normalises an image reference like Docker does: default registry docker.io, `library/` for official
 * images, default tag `latest`, digest split off. Returns undefined for an empty reference.
 */
export function parseImageRef(reference: string): ImageRef | undefined {
  let rest = reference.trim()
  if (rest === '') return undefined
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  let tag = 'latest'
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  const parts = rest.split('/')
  let registry = 'docker.io'
  const first = parts[0]
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first.toLowerCase()
    parts.shift()
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io'
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library')
  const ref: ImageRef = { registry, repository: parts.join('/').toLowerCase(), tag }
  if (digest !== undefined) ref.digest = digest
  return ref
}

/** The known non-root default user of an image, or undefined (then Docker's default, root, applies). */
export function lookupKnownImage(reference: string): KnownImage | undefined {
  const ref = parseImageRef(reference)
  if (!ref) return undefined
  const full = `${ref.registry}/${ref.repository}`
  return KNOWN_NONROOT_IMAGES.find(
    entry =>
      entry.repository.test(full) &&
      !entry.notRepository?.test(full) &&
      (entry.tag === undefined || entry.tag.test(ref.tag)) &&
      !entry.notTag?.test(ref.tag)
  )
}

/**
 * Windows base images (servercore, nanoserver, windows): Linux notions such as privileged ports and
 * numeric uids do not apply to them, and the probe cannot run in them.
 */
export function isWindowsBaseImage(reference: string): boolean {
  return /(^|\/)(windows|nanoserver|servercore|windowsservercore)([/:@-]|$)|mcr\.microsoft\.com\/windows\b/i.test(
    reference
  )
}
