// What well-known base images run as when a Dockerfile sets no USER, in three values: known non-root (the
// image's own Dockerfile ends in a non-root USER), known root (official images that set no USER, Windows
// images that default to ContainerAdministrator), and unknown (anything else, private bases included: the
// base image decides and the build settles it). Maintained by hand as data: every entry names the USER it
// sets and where that is written.

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
  /** Numeric uid when the image fixes one; absent on Windows and where the name is created without `-u`. */
  uid?: number
  /** Where the default user is written (the image's Dockerfile or its documentation). */
  source: string
  /** A Windows image: ContainerUser / ContainerAdministrator, no uids. */
  windows?: boolean
  /** ENV the image sets that Dockerfiles built on it use in USER (`USER ${NB_UID}`). */
  env?: Readonly<Record<string, string>>
}

/** A known root image; `stepsDownTo` when its own entrypoint drops to that user for its server command. */
export interface KnownRootImage extends KnownImage {
  stepsDownTo?: string
}

/** Nano Server tags from 1709 on: release ids, LTSC names, and build numbers from 16237 (insider 1709). */
const NANOSERVER_1709_TAG =
  /^(1709|1803|1809|1903|1909|2004|2009|20h2|21h1|21h2|22h2|ltsc20(19|22|25)|10\.0\.(1623[7-9]|162[4-9]\d|16[3-9]\d\d|1[7-9]\d{3}|[2-9]\d{4}))([.-]|$)/i

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
    // Jupyter Docker Stacks run as jovyan, uid 1000, and set ENV NB_USER/NB_UID/NB_GID for `USER ${NB_UID}`
    // (docker-stacks-foundation Dockerfile).
    repository: /^(docker\.io|quay\.io)\/jupyter\//,
    user: 'jovyan',
    uid: 1000,
    env: { NB_USER: 'jovyan', NB_UID: '1000', NB_GID: '100' },
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
    // docker-library/haproxy ends in `USER haproxy`, created with `useradd --uid 99` (corpus 0263 line 106).
    repository: /^docker\.io\/library\/haproxy$/,
    user: 'haproxy',
    uid: 99,
    source: 'https://github.com/docker-library/haproxy/blob/master/3.0/Dockerfile (USER haproxy)'
  },
  {
    // docker-library/memcached ends in `USER memcache`, uid 11211 (corpus 0203 line 87).
    repository: /^docker\.io\/library\/memcached$/,
    user: 'memcache',
    uid: 11211,
    source: 'https://github.com/docker-library/memcached/blob/master/1/debian/Dockerfile (USER memcache)'
  },
  {
    // The Docker Hub library elasticsearch/kibana/logstash images are the Elastic images: USER 1000.
    repository: /^docker\.io\/library\/(elasticsearch|kibana|logstash)$/,
    user: '1000',
    uid: 1000,
    source: 'https://github.com/elastic/dockerfiles (USER 1000 in elasticsearch, kibana and logstash)'
  },
  {
    // docker-library/solr: `USER $SOLR_UID` with SOLR_UID=8983.
    repository: /^docker\.io\/(library\/solr|apache\/solr)$/,
    user: 'solr',
    uid: 8983,
    source: 'https://github.com/apache/solr-docker (USER $SOLR_UID, SOLR_UID=8983)'
  },
  {
    // SonarSource/docker-sonarqube: `USER sonarqube`, uid 1000.
    repository: /^docker\.io\/(library|sonarqube)\/sonarqube$|^docker\.io\/library\/sonarqube$/,
    user: 'sonarqube',
    uid: 1000,
    source: 'https://github.com/SonarSource/docker-sonarqube (USER sonarqube)'
  },
  {
    // eclipse/jetty.docker: `USER jetty` (a system user, no fixed uid).
    repository: /^docker\.io\/library\/jetty$/,
    user: 'jetty',
    source: 'https://github.com/eclipse/jetty.docker (USER jetty)'
  },
  {
    // odoo/docker: `USER odoo`.
    repository: /^docker\.io\/library\/odoo$/,
    user: 'odoo',
    source: 'https://github.com/odoo/docker (USER odoo)'
  },
  {
    // Kong/docker-kong: `USER kong`, uid 1000.
    repository: /^docker\.io\/(library\/kong|kong\/kong-gateway|kong\/kong)$/,
    user: 'kong',
    uid: 1000,
    source: 'https://github.com/Kong/docker-kong (USER kong)'
  },
  {
    // docker-library/groovy: `USER groovy`, uid 1000.
    repository: /^docker\.io\/library\/groovy$/,
    user: 'groovy',
    uid: 1000,
    source: 'https://github.com/groovy/docker-groovy (USER groovy)'
  },
  {
    // The deprecated library jenkins image: `USER ${user}` = jenkins, uid 1000.
    repository: /^docker\.io\/library\/jenkins$/,
    user: 'jenkins',
    uid: 1000,
    source: 'https://github.com/jenkinsci/docker (USER ${user})'
  },
  {
    // Loki and Tempo: `USER 10001` (grafana/loki cmd/loki/Dockerfile, grafana/tempo cmd/tempo/Dockerfile).
    repository: /^docker\.io\/grafana\/(loki|tempo)$/,
    user: '10001',
    uid: 10001,
    source: 'https://github.com/grafana/loki/blob/main/cmd/loki/Dockerfile (USER 10001)'
  },
  {
    // Prometheus and its exporters share the Prometheus Dockerfile template: `USER nobody`. prom/busybox is
    // the plain base they are built on, and runs as root.
    repository:
      /^(docker\.io\/prom|quay\.io\/prometheus|quay\.io\/prometheuscommunity|docker\.io\/prometheuscommunity)\/[a-z0-9_-]+$/,
    notRepository: /\/busybox$/,
    user: 'nobody',
    uid: 65534,
    source: 'https://github.com/prometheus/prometheus/blob/main/Dockerfile (USER nobody)'
  },
  {
    // registry.k8s.io/pause: `USER 65535:65535` (kubernetes build/pause/Dockerfile).
    repository: /^(registry\.k8s\.io|k8s\.gcr\.io|gcr\.io\/google[_-]containers)\/pause$/,
    user: '65535:65535',
    uid: 65535,
    source: 'https://github.com/kubernetes/kubernetes/blob/master/build/pause/Dockerfile (USER 65535:65535)'
  },
  {
    // Sonatype Nexus 3: `USER nexus`, uid 200.
    repository: /^docker\.io\/sonatype\/nexus3$/,
    user: 'nexus',
    uid: 200,
    source: 'https://github.com/sonatype/docker-nexus3 (USER nexus)'
  },
  {
    // Confluent Platform images and apache/kafka: `USER appuser`, uid 1000.
    repository: /^docker\.io\/(confluentinc\/cp-[a-z-]+|apache\/kafka(-native)?)$/,
    user: 'appuser',
    uid: 1000,
    source: 'https://github.com/apache/kafka/blob/trunk/docker/jvm/Dockerfile (USER appuser)'
  },
  {
    // apache/spark and library spark: `USER ${spark_uid}`, 185.
    repository: /^docker\.io\/(apache|library)\/spark$/,
    user: '185',
    uid: 185,
    source: 'https://github.com/apache/spark-docker (USER ${spark_uid}, spark_uid=185)'
  },
  {
    // apache/superset: `USER superset` (corpus 1525 line 113).
    repository: /^docker\.io\/apache\/superset$/,
    user: 'superset',
    uid: 1000,
    source: 'https://github.com/apache/superset/blob/master/Dockerfile (USER superset)'
  },
  {
    // n8nio/n8n: `USER node` (corpus 1517 line 110).
    repository: /^docker\.io\/n8nio\/n8n$/,
    user: 'node',
    uid: 1000,
    source: 'https://github.com/n8n-io/n8n/blob/master/docker/images/n8n/Dockerfile (USER node)'
  },
  {
    // nodered/node-red: `USER node-red`, uid 1000.
    repository: /^docker\.io\/nodered\/node-red$/,
    user: 'node-red',
    uid: 1000,
    source: 'https://github.com/node-red/node-red-docker (USER node-red)'
  },
  {
    // curlimages/curl: `USER curl_user`, uid 100.
    repository: /^docker\.io\/curlimages\/curl$/,
    user: 'curl_user',
    uid: 100,
    source: 'https://github.com/curl/curl-container (USER curl_user)'
  },
  {
    // OpenTelemetry Collector and Jaeger: `USER 10001`.
    repository: /^docker\.io\/(otel\/opentelemetry-collector(-contrib|-k8s)?|jaegertracing\/[a-z-]+)$/,
    user: '10001',
    uid: 10001,
    source:
      'https://github.com/open-telemetry/opentelemetry-collector-releases (USER 10001); https://github.com/jaegertracing/jaeger (USER 10001)'
  },
  {
    // gitea/gitea rootless tags: `USER 1000:1000`.
    repository: /^docker\.io\/gitea\/gitea$/,
    tag: /rootless/,
    user: '1000:1000',
    uid: 1000,
    source: 'https://github.com/go-gitea/gitea/blob/main/Dockerfile.rootless (USER 1000:1000)'
  },
  {
    // SQL Server 2019 and later run as mssql, uid 10001 (2017 images run as root).
    repository: /^mcr\.microsoft\.com\/mssql\/(server|rhel\/server)$/,
    tag: /^(2019|2022|2025|latest)/,
    user: 'mssql',
    uid: 10001,
    source:
      'https://learn.microsoft.com/sql/linux/sql-server-linux-docker-container-security (non-root from 2019)'
  },
  {
    // Nano Server from 1709 (build 16299; insider builds from 16237) defaults to the non-admin ContainerUser;
    // the Server 2016 images (sac2016, 10.0.14393.x, and `latest` of the old repositories) to ContainerAdministrator.
    repository:
      /^(mcr\.microsoft\.com\/windows\/nanoserver|docker\.io\/microsoft\/nanoserver|mcr\.microsoft\.com\/nanoserver)$/,
    tag: NANOSERVER_1709_TAG,
    user: 'ContainerUser',
    windows: true,
    source:
      'https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/container-base-images (Nano Server: ContainerUser)'
  },
  {
    // Insider Nano Server builds all postdate 1709 (16237 and later).
    repository:
      /^(mcr\.microsoft\.com\/(windows\/nanoserver-insider|nanoserver-insider|windows\/nanoserver\/insider)|docker\.io\/microsoft\/nanoserver-insider)$/,
    user: 'ContainerUser',
    windows: true,
    source:
      'https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/container-base-images (Nano Server: ContainerUser)'
  },
  {
    // Images built on Nano Server 1709+ keep its ContainerUser (powershell:nanoserver-1809, golang
    // *-nanoserver-ltsc2022 ends in `USER ContainerUser`, dotnet *-nanoserver-*).
    repository: /^(mcr\.microsoft\.com\/(powershell|dotnet\/[a-z-]+)|docker\.io\/library\/[a-z0-9_.-]+)$/,
    tag: /(^|-)nanoserver-(1709|1803|1809|1903|1909|2004|20h2|ltsc20(19|22|25))(-|$)/,
    user: 'ContainerUser',
    windows: true,
    source: 'https://github.com/docker-library/golang (nanoserver variants end in USER ContainerUser)'
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

/** Docker Hub namespaces that hold the official images for one architecture (`arm32v7/alpine`). */
const OFFICIAL = '(library|amd64|arm32v5|arm32v6|arm32v7|arm64v8|i386|ppc64le|riscv64|s390x|armhf|aarch64)'

const official = (names: string): RegExp => new RegExp(`^docker\\.io\\/${OFFICIAL}\\/(${names})$`)

const LIBRARY_SOURCE =
  'https://github.com/docker-library/official-images (the library Dockerfile sets no USER, so root applies)'

export const KNOWN_ROOT_IMAGES: readonly KnownRootImage[] = [
  {
    // First: Windows variants of official images (python:*-windowsservercore, golang:*-nanoserver on Server 2016).
    repository: official('[a-z0-9_.-]+'),
    tag: /windowsservercore|nanoserver/,
    user: 'ContainerAdministrator',
    windows: true,
    source: 'https://github.com/docker-library/official-images (Windows variants built on Server Core)'
  },
  {
    // Official images whose entrypoint starts as root and steps down with gosu/su-exec/setpriv for the
    // server command (docker-entrypoint.sh: `exec gosu postgres "$BASH_SOURCE" "$@"` ...).
    repository: official('postgres'),
    user: 'root',
    stepsDownTo: 'postgres',
    source: 'https://github.com/docker-library/postgres/blob/master/docker-entrypoint.sh (gosu postgres)'
  },
  {
    repository: /^docker\.io\/postgis\/postgis$/,
    user: 'root',
    stepsDownTo: 'postgres',
    source: 'https://github.com/postgis/docker-postgis (FROM postgres: its entrypoint steps down to postgres)'
  },
  {
    repository: official('mysql|mariadb|percona'),
    user: 'root',
    stepsDownTo: 'mysql',
    source: 'https://github.com/docker-library/mysql/blob/master/docker-entrypoint.sh (gosu mysql)'
  },
  {
    repository: official('redis'),
    user: 'root',
    stepsDownTo: 'redis',
    source: 'https://github.com/docker-library/redis/blob/master/docker-entrypoint.sh (gosu redis)'
  },
  {
    repository: official('mongo'),
    user: 'root',
    stepsDownTo: 'mongodb',
    source: 'https://github.com/docker-library/mongo/blob/master/docker-entrypoint.sh (gosu mongodb)'
  },
  {
    repository: official('rabbitmq'),
    user: 'root',
    stepsDownTo: 'rabbitmq',
    source: 'https://github.com/docker-library/rabbitmq/blob/master/docker-entrypoint.sh (gosu rabbitmq)'
  },
  {
    repository: official('ghost'),
    user: 'root',
    stepsDownTo: 'node',
    source: 'https://github.com/docker-library/ghost/blob/master/docker-entrypoint.sh (gosu node)'
  },
  {
    repository: official('cassandra'),
    user: 'root',
    stepsDownTo: 'cassandra',
    source: 'https://github.com/docker-library/cassandra/blob/master/docker-entrypoint.sh (gosu cassandra)'
  },
  {
    repository: official('couchdb'),
    user: 'root',
    stepsDownTo: 'couchdb',
    source: 'https://github.com/apache/couchdb-docker (docker-entrypoint.sh steps down to couchdb)'
  },
  {
    repository: official('zookeeper'),
    user: 'root',
    stepsDownTo: 'zookeeper',
    source: 'https://github.com/31z4/zookeeper-docker (docker-entrypoint.sh: gosu zookeeper)'
  },
  {
    repository: official('flink'),
    user: 'root',
    stepsDownTo: 'flink',
    source: 'https://github.com/apache/flink-docker (docker-entrypoint.sh: gosu flink)'
  },
  {
    repository: /^docker\.io\/(hashicorp|library)\/(vault|consul)$/,
    user: 'root',
    stepsDownTo: 'vault or consul',
    source: 'https://github.com/hashicorp/docker-vault (docker-entrypoint.sh: su-exec vault)'
  },
  {
    // Plain official OS, language and server images: no USER in their Dockerfiles.
    repository: official(
      [
        'alpine',
        'debian',
        'ubuntu',
        'centos',
        'fedora',
        'rockylinux',
        'almalinux',
        'oraclelinux',
        'amazonlinux',
        'archlinux',
        'photon',
        'clearlinux',
        'busybox',
        'buildpack-deps',
        'node',
        'python',
        'pypy',
        'golang',
        'rust',
        'ruby',
        'jruby',
        'php',
        'perl',
        'haskell',
        'erlang',
        'elixir',
        'gcc',
        'openjdk',
        'java',
        'eclipse-temurin',
        'ibmjava',
        'amazoncorretto',
        'ibm-semeru-runtimes',
        'sapmachine',
        'maven',
        'gradle',
        'tomcat',
        'tomee',
        'httpd',
        'nginx',
        'caddy',
        'traefik',
        'docker',
        'registry',
        'wordpress',
        'drupal',
        'joomla',
        'nextcloud',
        'owncloud',
        'influxdb',
        'telegraf',
        'nats',
        'swift',
        'dart',
        'julia',
        'r-base',
        'mono',
        'hello-world',
        'bash',
        'composer',
        'crate',
        'eclipse-mosquitto'
      ].join('|')
    ),
    user: 'root',
    source: LIBRARY_SOURCE
  },
  {
    // Red Hat UBI and CentOS/Fedora registries: plain OS bases.
    repository:
      /^(registry\.(access\.)?redhat\.(com|io)\/ubi\d+(\/ubi(-minimal|-micro|-init)?)?|quay\.io\/centos\/centos|registry\.centos\.org\/centos|registry\.fedoraproject\.org\/fedora|docker\.io\/redhat\/ubi\d+(-minimal|-micro|-init)?)$/,
    user: 'root',
    source: 'https://catalog.redhat.com/software/base-images (UBI bases run as root)'
  },
  {
    // distroless without a :nonroot tag runs as root (uid 0).
    repository: /^gcr\.io\/distroless\//,
    user: 'root',
    source: 'https://github.com/GoogleContainerTools/distroless#debug-images (root unless a nonroot tag)'
  },
  {
    // .NET images other than chiseled/distroless: root by default (the `app` user exists but is not set).
    repository: /^mcr\.microsoft\.com\/dotnet\/(runtime|aspnet|sdk|runtime-deps|monitor)$/,
    notTag: /nanoserver|windowsservercore/,
    user: 'root',
    source: 'https://learn.microsoft.com/dotnet/core/docker/container-images#default-user'
  },
  {
    // Windows Server Core, the full Windows image and what is built on them: ContainerAdministrator.
    repository:
      /^(mcr\.microsoft\.com\/(windows\/servercore(-insider)?|windows\/server|windows|windowsservercore(-insider)?|windows-insider|windows\/servercore\/insider|windows\/servercore\/iis|dotnet\/framework\/[a-z-]+)|docker\.io\/microsoft\/(windowsservercore|iis|aspnet|dotnet-framework))$/,
    user: 'ContainerAdministrator',
    windows: true,
    source:
      'https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/container-base-images (Server Core: ContainerAdministrator)'
  },
  {
    // Nano Server before 1709 (Windows Server 2016: sac2016, 10.0.14393.x, and `latest` of the old tags).
    repository:
      /^(mcr\.microsoft\.com\/windows\/nanoserver|docker\.io\/microsoft\/nanoserver|mcr\.microsoft\.com\/nanoserver)$/,
    user: 'ContainerAdministrator',
    windows: true,
    source:
      'https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/container-base-images (Nano Server 2016: ContainerAdministrator)'
  },
  {
    // Widely used public bases whose Dockerfiles set no USER.
    repository:
      /^(docker\.io\/(tensorflow\/tensorflow|tiangolo\/[a-z0-9-]+|discourse\/(base|ruby)|balenalib\/[a-z0-9-]+|resin\/[a-z0-9-]+)|mcr\.microsoft\.com\/devcontainers\/[a-z0-9-]+)$/,
    user: 'root',
    source:
      'https://github.com/tensorflow/build, https://github.com/tiangolo/uvicorn-gunicorn-fastapi-docker, https://github.com/discourse/discourse_docker, https://github.com/devcontainers/images (no USER; devcontainers set remoteUser in metadata, not USER)'
  },
  {
    // mcr.microsoft.com/powershell Linux tags and the deprecated library sentry image: no USER.
    repository: /^(mcr\.microsoft\.com\/powershell|docker\.io\/library\/sentry)$/,
    notTag: /nanoserver|windowsservercore/,
    user: 'root',
    source:
      'https://github.com/PowerShell/PowerShell-Docker, https://github.com/docker-library/sentry (no USER)'
  },
  {
    // prom/busybox: the plain base the Prometheus images are built on (they add USER nobody themselves).
    repository: /^(docker\.io\/prom|quay\.io\/prometheus)\/busybox(-linux-[a-z0-9]+)?$/,
    user: 'root',
    source: 'https://github.com/prometheus/busybox (no USER)'
  },
  {
    // linuxserver.io bases: s6-overlay starts as root; services drop to abc in s6 scripts the image ships.
    repository: /^(ghcr\.io|lscr\.io|docker\.io)\/linuxserver\/baseimage-[a-z0-9.-]+$/,
    user: 'root',
    source: 'https://github.com/linuxserver/docker-baseimage-alpine (s6-overlay init runs as root)'
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

function matches(entry: KnownImage, ref: ImageRef): boolean {
  const full = `${ref.registry}/${ref.repository}`
  return (
    entry.repository.test(full) &&
    !entry.notRepository?.test(full) &&
    (entry.tag === undefined || entry.tag.test(ref.tag)) &&
    !entry.notTag?.test(ref.tag)
  )
}

/** The known non-root default user of an image, or undefined (known root or unknown: see classifyBaseImage). */
export function lookupKnownImage(reference: string): KnownImage | undefined {
  const ref = parseImageRef(reference)
  if (!ref) return undefined
  return KNOWN_NONROOT_IMAGES.find(entry => matches(entry, ref))
}

export type BaseImageClass =
  { kind: 'non-root'; image: KnownImage } | { kind: 'root'; image: KnownRootImage } | { kind: 'unknown' }

/** Known non-root, known root, or unknown: what a base image runs as when the Dockerfile sets no USER. */
export function classifyBaseImage(reference: string): BaseImageClass {
  const ref = parseImageRef(reference)
  if (!ref) return { kind: 'unknown' }
  const nonRoot = KNOWN_NONROOT_IMAGES.find(entry => matches(entry, ref))
  if (nonRoot) return { kind: 'non-root', image: nonRoot }
  const root = KNOWN_ROOT_IMAGES.find(entry => matches(entry, ref))
  if (root) return { kind: 'root', image: root }
  return { kind: 'unknown' }
}

/**
 * Windows base images (servercore, nanoserver, windows, and images named or tagged for them): Linux
 * notions such as privileged ports and numeric uids do not apply to them, and the probe cannot run in them.
 */
export function isWindowsBaseImage(reference: string): boolean {
  const known = classifyBaseImage(reference)
  if (known.kind !== 'unknown' && known.image.windows) return true
  return /(^|[/:-])(windows|nanoserver|servercore|windowsservercore)([/:@-]|$)|mcr\.microsoft\.com\/windows\b/i.test(
    reference
  )
}
