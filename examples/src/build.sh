#!/usr/bin/env bash
# Rebuilds the examples' static stand-in binary and the insecure example's archive (needs musl-tools).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
musl-gcc -static -Os -s -o "$here/../secure/app" "$here/app.c"
cp "$here/../secure/app" "$here/../insecure/app"
# The insecure example receives a setuid-root helper through an archive that ADD unpacks:
# no chmod in the Dockerfile, so text-only linters cannot see it.
tmp=$(mktemp -d)
mkdir -p "$tmp/usr/local/bin"
cp "$here/../secure/app" "$tmp/usr/local/bin/helper"
chmod 4755 "$tmp/usr/local/bin/helper"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp" -cf "$here/../insecure/tools.tar" usr
rm -rf "$tmp"
