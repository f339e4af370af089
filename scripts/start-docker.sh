#!/usr/bin/env bash
# Makes sure a Docker daemon answers, for the integration tests and CI.
# Idempotent: when a daemon already answers it is left alone. Otherwise installs Debian's docker.io
# and busybox-static (test images are built FROM scratch with /bin/busybox) and starts dockerd in the
# background. Needs root (or sudo) only when it has to install or start something.
#
#   scripts/start-docker.sh            start if needed, wait up to 60 s
#   DOCKERD_LOG=/path scripts/start-docker.sh   where dockerd writes its log
set -euo pipefail

log_file=${DOCKERD_LOG:-/var/log/least-privilege-dockerd.log}
timeout_s=${DOCKERD_WAIT_SECONDS:-60}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

daemon_answers() {
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

if daemon_answers; then
  echo "start-docker: a Docker daemon already answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown version)); leaving it alone"
  exit 0
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  echo "start-docker: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A daemon may be running but unreachable only because of socket permissions: do not start a second one.
if [ -S /var/run/docker.sock ] && as_root docker info >/dev/null 2>&1; then
  echo "start-docker: a Docker daemon answers on /var/run/docker.sock for root only; add your user to the docker group" >&2
  exit 1
fi

# The default bridge is kept (never --bridge none: it deletes docker0 on the host).
as_root mkdir -p "$(dirname "$log_file")"
as_root sh -c 'nohup dockerd >>"$1" 2>&1 </dev/null &' sh "$log_file"

for _ in $(seq 1 "$timeout_s"); do
  if daemon_answers; then
    echo "start-docker: dockerd $(docker version --format '{{.Server.Version}}') is up (log: $log_file)"
    exit 0
  fi
  sleep 1
done

echo "start-docker: dockerd did not answer within ${timeout_s}s; last lines of $log_file:" >&2
as_root tail -n 20 "$log_file" >&2 || true
exit 1
