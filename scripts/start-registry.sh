#!/usr/bin/env bash
# A real container registry on 127.0.0.1 with htpasswd auth, for the registry tests (Debian's
# docker-registry, the CNCF distribution registry). Docker treats 127.0.0.0/8 registries as insecure, so
# plain HTTP works without daemon configuration.
#
#   scripts/start-registry.sh install
#       installs docker-registry and apache2-utils (htpasswd) when missing; needs root or sudo then
#   printf %s PASSWORD | scripts/start-registry.sh serve DIR PORT USER
#       writes DIR/htpasswd and DIR/config.yml and runs the registry in the foreground (exec, so the
#       caller's pid is the registry's and killing it stops the registry), storing blobs under DIR/data.
#       The password is read from stdin so it never appears in a process list.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

install() {
  local missing=()
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "start-registry: docker-registry and htpasswd are installed"
    return 0
  fi
  echo "start-registry: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # The package's own service (port 5000, all interfaces) is not wanted: the tests start their own.
  if command -v service >/dev/null 2>&1; then as_root service docker-registry stop >/dev/null 2>&1 || true; fi
}

serve() {
  local dir=$1 port=$2 user=$3 password
  case $port in '' | *[!0-9]*) echo "start-registry: PORT must be a number, got '$port'" >&2; exit 2 ;; esac
  case $user in '' | *[!A-Za-z0-9._-]*) echo "start-registry: USER must be [A-Za-z0-9._-]+" >&2; exit 2 ;; esac
  [ -d "$dir" ] || { echo "start-registry: $dir is not a folder" >&2; exit 2; }
  IFS= read -r password || true
  [ -n "$password" ] || { echo "start-registry: no password on stdin" >&2; exit 2; }
  printf '%s\n' "$password" | htpasswd -i -B -c "$dir/htpasswd" "$user" 2>/dev/null
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: least-privilege-test
    path: $dir/htpasswd
EOF
  REGISTRY_HTTP_SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n') \
    exec docker-registry serve "$dir/config.yml"
}

case ${1:-} in
  install) install ;;
  serve) [ $# -eq 4 ] || { echo "usage: $0 serve DIR PORT USER (password on stdin)" >&2; exit 2; }; serve "$2" "$3" "$4" ;;
  *) echo "usage: $0 install | serve DIR PORT USER" >&2; exit 2 ;;
esac
