#!/usr/bin/env bash
# Upgrades from the last release: every configuration of the release's test/configs, as the
# release synthesizes it (with the CDK CLI its .ci/run names) and as this tree does, compared by
# scripts/check-change.sh with this tree's CDK CLI. Every
# replacement or removal of a bucket, key, bucket policy, role, OIDC provider or Pod Identity
# association it finds must be acknowledged in CHANGELOG.md's [Unreleased] section, in its own
# words ("replace <stack>/<path>" in backquotes), for whoever upgrades to read before deploying.
# The release is the commit that last wrote api/public-api.txt (RELEASING.md), until a version
# is tagged.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_VERSION_CHECK=1
base=$(git log -1 --format=%H -- api/public-api.txt)
work=$(mktemp -d)
cleanup() { git -C "$root" worktree remove --force "$work/base" > /dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add --quiet --detach "$work/base" "$base"
cli() { sed -n 's/^CDK="npx --yes aws-cdk@\([0-9.]*\)"$/\1/p' "$1/.ci/run"; }
# Each tree's own CLI, found once and started with node: npx resolves it again on every call.
bin() { echo "node $(npx --yes -p "aws-cdk@$(cli "$1")" sh -c 'command -v cdk')"; }
BASE_CDK=$(bin "$work/base")
export CDK
CDK=$(bin "$root")
echo "== the release: $(git log -1 --format='%h %ad %s' --date=short "$base" | cut -c1-100)"
# The release's own configurations (what its users have): as the release synthesizes them,
# kept in the cache by the release's commit (they never change), and as this tree does
# (target/upgrade, from UpgradeTemplatesTest in the test run); two at a time (the machine's CPUs).
cache=${XDG_CACHE_HOME:-$HOME/.cache}/velero-irsa/upgrade/$base
mkdir -p "$cache" "$work/configs"
git archive "$base" test/configs | tar -x -C "$work/configs"
if ls "$work/configs/test/configs/"*.json | while read -r c; do [ -f "$cache/$(basename "$c" .json)/manifest.json" ] || exit 1; done; then
  echo "== the release's templates from the cache ($cache)"
else
  echo "== the release's templates, synthesized by the release into the cache ($cache)"
  ONE='{"clusters":[{"name":"a","oidcIssuer":"https://oidc.eks.us-west-2.amazonaws.com/id/A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1"}]}'
  (cd "$work/base" && $BASE_CDK ls -c velero="$ONE" > /dev/null)
  ls "$work/configs/test/configs/"*.json | xargs -P 2 -L 1 bash -c '
    name=$(basename "$0" .json)
    [ -f "'"$cache"'/$name/manifest.json" ] && exit 0
    rm -rf "'"$cache"'/$name"
    (cd "'"$work"'/base" && '"$BASE_CDK"' synth --quiet -c veleroConfigFile="$0" --output "'"$work"'/$name-release" \
      > /dev/null 2> "'"$work"'/$name.err") || { echo "FAIL: $name: the release does not synthesize it: $(tail -n 2 "'"$work"'/$name.err")"; exit 0; }
    mv "'"$work"'/$name-release" "'"$cache"'/$name"
  '
fi
ls "$work/configs/test/configs/"*.json | xargs -P 2 -L 1 bash -c '
  name=$(basename "$0" .json)
  [ -f "'"$cache"'/$name/manifest.json" ] || { echo "FAIL: $name: no template of the release"; exit 0; }
  [ -f "target/upgrade/$name/manifest.json" ] || { echo "FAIL: $name: not synthesized by this tree (UpgradeTemplatesTest)"; exit 0; }
  bash scripts/check-change.sh --against "'"$cache"'/$name" --assembly "target/upgrade/$name" > "'"$work"'/$name.check" 2>&1 || true
  sed "s/^/$name: /" "'"$work"'/$name.check"
' > "$work/report.txt"
cat "$work/report.txt"
unreleased=$(sed -n '/^## \[Unreleased\]/,/^## \[/p' CHANGELOG.md)
missing=0
while read -r ack; do
  if ! grep -qF "\`$ack\`" <<< "$unreleased"; then
    echo "FAIL: the upgrade $ack is not in CHANGELOG.md's [Unreleased] section (expected \`$ack\` there, with what to do)"
    missing=1
  fi
done < <(grep -o 'with "[^"]*"' "$work/report.txt" | sed 's/^with "//; s/"$//' | sort -u)
if grep -q '^FAIL' "$work/report.txt"; then missing=1; fi
[ "$missing" -eq 0 ] && echo "== every replacement or removal since the release is acknowledged in CHANGELOG.md"
exit "$missing"
