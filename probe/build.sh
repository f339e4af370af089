#!/usr/bin/env bash
# Builds the static probe binaries dist/probe/probe-linux-amd64 and dist/probe/probe-linux-arm64
# from probe/probe.c with musl (Debian toolchain), embedding the sha256 of the source.
#
#   probe/build.sh                  build both binaries into dist/probe/
#   probe/build.sh --install-deps   first install the Debian toolchain (root or sudo; Debian sources)
#   probe/build.sh --out DIR        build into DIR instead (e.g. to compare with the committed binaries)
#   probe/build.sh --check          build into a temp dir and fail unless it is byte-identical to dist/probe/
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src=probe/probe.c
out_dir=dist/probe
install_deps=0
check=0

while [ $# -gt 0 ]; do
  case "$1" in
    --install-deps) install_deps=1 ;;
    --out) out_dir=${2:?--out needs a directory}; shift ;;
    --check) check=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "probe/build.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ "$install_deps" -eq 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # musl-dev for arm64 comes from the arm64 architecture of the same Debian archive.
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    as_root dpkg --add-architecture arm64
  fi
  as_root apt-get update
  as_root apt-get install -y musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross musl-dev:arm64 qemu-user-static
fi

cd "$repo_root"
[ "$check" -eq 1 ] && out_dir=$(mktemp -d)
mkdir -p "$out_dir"

sha=$(sha256sum "$src" | cut -d' ' -f1)
arm64_specs=/usr/lib/aarch64-linux-musl/musl-gcc.specs

for tool in musl-gcc aarch64-linux-gnu-gcc; do
  command -v "$tool" >/dev/null || { echo "probe/build.sh: $tool not found (run probe/build.sh --install-deps)" >&2; exit 1; }
done
[ -f "$arm64_specs" ] || { echo "probe/build.sh: $arm64_specs missing (musl-dev:arm64; run --install-deps)" >&2; exit 1; }

# Fixed locale and paths relative to the repo keep the output byte-for-byte reproducible.
export LC_ALL=C SOURCE_DATE_EPOCH=0
cflags=(
  -std=c11 -Os -s -static -Wall -Wextra -Werror
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident
  -ffunction-sections -fdata-sections
  "-ffile-prefix-map=$repo_root=."
  "-DPROBE_SOURCE_SHA256=\"$sha\""
  -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack
)

musl-gcc "${cflags[@]}" -o "$out_dir/probe-linux-amd64" "$src"
aarch64-linux-gnu-gcc -specs "$arm64_specs" "${cflags[@]}" -o "$out_dir/probe-linux-arm64" "$src"

for arch in amd64 arm64; do
  f="$out_dir/probe-linux-$arch"
  echo "$f: $(stat -c %s "$f") bytes, sha256 $(sha256sum "$f" | cut -d' ' -f1), source $sha"
done

if [ "$check" -eq 1 ]; then
  status=0
  for arch in amd64 arm64; do
    if cmp -s "$out_dir/probe-linux-$arch" "dist/probe/probe-linux-$arch"; then
      echo "dist/probe/probe-linux-$arch: identical to a fresh build"
    else
      echo "dist/probe/probe-linux-$arch: DIFFERS from a fresh build of $src" >&2
      status=1
    fi
  done
  rm -rf "$out_dir"
  exit "$status"
fi
