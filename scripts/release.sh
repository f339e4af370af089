#!/usr/bin/env bash
# Cuts release vX.Y.Z from the checked-out commit: installs the locked dependencies without install
# scripts, rebuilds dist/ and refuses if it differs from the committed dist/ (the tag must carry the code
# it was built from), runs the tests, packs the npm tarball, writes the release notes from CHANGELOG.md,
# tags vX.Y.Z and moves the major tag vX to the same commit, then pushes both tags. With --dry-run it
# does all of that except the push (the tags are made in this clone only), so it can be tried in a
# temporary clone.
#
#   scripts/release.sh [--dry-run] [--remote NAME] [--out DIR] [--test-command CMD] X.Y.Z
#
# The version must already be in package.json, src/meta.ts (TOOL_VERSION) and CHANGELOG.md
# ("## [X.Y.Z]"). When vX.Y.Z exists already (the workflow runs on the pushed tag) it must point at
# this commit; then only vX is moved.
set -euo pipefail

dry_run=false
remote=origin
out=''
test_command='npm test'
version=''
usage() { echo "usage: scripts/release.sh [--dry-run] [--remote NAME] [--out DIR] [--test-command CMD] X.Y.Z" >&2; }
fail() { echo "release: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --remote) remote="${2:?--remote needs a name}"; shift ;;
    --out) out="${2:?--out needs a folder}"; shift ;;
    --test-command) test_command="${2:?--test-command needs a command}"; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage; fail "unknown option $1" ;;
    *) [ -z "$version" ] || { usage; fail "one version only"; }; version="$1" ;;
  esac
  shift
done
version="${version#v}"
[[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] ||
  { usage; fail "the version must be X.Y.Z (got '${version}')"; }
major="v${BASH_REMATCH[1]}"
tag="v${version}"

cd "$(git rev-parse --show-toplevel)"
commit=$(git rev-parse HEAD)
out="${out:-$(mktemp -d "${TMPDIR:-/tmp}/least-privilege-release.XXXXXX")}"
mkdir -p "$out"
step() { echo "::group::$*"; }
done_step() { echo "::endgroup::"; }

step "Checks: clean work tree, versions agree, ${tag} is free"
[ -z "$(git status --porcelain --untracked-files=normal)" ] ||
  { git status --short | head -20 >&2; fail "the work tree has changes: release a commit, not a work tree"; }
in_package=$(node -p 'require("./package.json").version')
[ "$in_package" = "$version" ] || fail "package.json says ${in_package}, not ${version}"
in_meta=$(sed -n "s/^export const TOOL_VERSION = '\(.*\)'$/\1/p" src/meta.ts)
[ "$in_meta" = "$version" ] || fail "src/meta.ts TOOL_VERSION says '${in_meta}', not ${version}"
grep -q "^## \[${version//./\\.}\]" CHANGELOG.md || fail "CHANGELOG.md has no '## [${version}]' section"
existing=$(git rev-parse -q --verify "refs/tags/${tag}^{commit}" || true)
[ -z "$existing" ] || [ "$existing" = "$commit" ] ||
  fail "${tag} exists already and points at ${existing}, not at ${commit}"
echo "releasing ${tag} (${major}) from ${commit}"
done_step

step "npm ci --ignore-scripts (no install scripts: native ssh2 builds would make dist/ differ by machine)"
npm ci --ignore-scripts --no-audit --no-fund
done_step

step "Rebuild dist/ and compare it with the committed dist/"
npm run package
if ! git diff --exit-code --stat -- dist/ || [ -n "$(git status --porcelain -- dist/)" ]; then
  git status --porcelain -- dist/ | head -20 >&2
  fail "dist/ differs from a fresh build of ${commit}: run 'npm ci --ignore-scripts && npm run package' and commit dist/"
fi
done_step

step "Tests: ${test_command}"
bash -c "$test_command"
# The tests must not leave the tree different from the commit either.
[ -z "$(git status --porcelain -- dist/)" ] || fail "the tests changed dist/"
done_step

step "npm pack and release notes"
npm pack --ignore-scripts --pack-destination "$out" --loglevel=error >/dev/null
tarball="$out/least-privilege-${version}.tgz"
[ -f "$tarball" ] || fail "npm pack did not write ${tarball}"
# The CHANGELOG section of this version, without its heading.
awk -v head="## [${version}]" 'index($0, head) == 1 { on = 1; next } on && /^## \[/ { exit } on' CHANGELOG.md \
  > "$out/notes.md"
[ -s "$out/notes.md" ] || fail "the CHANGELOG.md section for ${version} is empty"
done_step

step "Tags: ${tag} and ${major} at ${commit}"
if [ -z "$existing" ]; then
  git tag -a "$tag" -m "least-privilege ${tag}" "$commit"
fi
git tag -f -a "$major" -m "least-privilege ${major} (currently ${tag})" "$commit" >/dev/null
for t in "$tag" "$major"; do
  [ "$(git rev-parse "refs/tags/${t}^{commit}")" = "$commit" ] || fail "${t} does not point at ${commit}"
done
done_step

push=(git push "$remote" "refs/tags/${tag}" "+refs/tags/${major}")
if $dry_run; then
  echo "dry run: not pushing; would run: ${push[*]}"
else
  "${push[@]}"
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "tag=${tag}"
    echo "major=${major}"
    echo "tarball=${tarball}"
    echo "notes=${out}/notes.md"
  } >> "$GITHUB_OUTPUT"
fi
echo "release ${tag}: tarball ${tarball}, notes ${out}/notes.md$($dry_run && echo ' (dry run: tags not pushed)')"
