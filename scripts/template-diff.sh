#!/usr/bin/env bash
# What a change does to the synthesized templates: synthesizes every configuration of
# test/configs with the CDK CLI at a base revision and at the working tree, and prints, as
# Markdown, each template's difference (JSON with sorted keys, `diff -u`). CI runs it on every
# pull request against the target branch and puts the result in the run's summary: a bump of
# aws-cdk-lib, constructs or the CDK CLI (Renovate groups them in one pull request) shows there
# what it changes in IAM, S3 and the outputs before it is merged.
#
#   bash scripts/template-diff.sh main          # base revision: a branch, tag or commit
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
base=${1:?usage: scripts/template-diff.sh <base revision>}
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_VERSION_CHECK=1

work=$(mktemp -d)
cleanup() { git -C "$root" worktree remove --force "$work/base" > /dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add --quiet --detach "$work/base" "$base"

# Each tree synthesizes with the CDK CLI version its own .ci/run names: a bump of the CLI counts.
cli() { sed -n 's/^CDK="npx --yes aws-cdk@\([0-9.]*\)"$/\1/p' "$1/.ci/run"; }

synth() { # tree, config, out
  (cd "$1" && npx --yes "aws-cdk@$(cli "$1")" synth --quiet -c veleroConfigFile="$root/$2" --output "$3" > /dev/null 2> "$3.err") \
    || { echo "failed: $(tail -n 3 "$3.err")"; return 1; }
}
tpl() { find "$1" -maxdepth 1 -name '*.template.json' | sort | head -n 1; }
normal() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), indent=1, sort_keys=True))' "$1"; }

echo "## Template diff: $(git rev-parse --short "$base") -> working tree"
echo
echo "aws-cdk-lib $(sed -n 's|.*<cdk.version>\(.*\)</cdk.version>.*|\1|p' "$work/base/pom.xml") -> \
$(sed -n 's|.*<cdk.version>\(.*\)</cdk.version>.*|\1|p' pom.xml), CDK CLI $(cli "$work/base") -> $(cli "$root")"
echo
changed=0
for config in test/configs/*.json; do
  name=$(basename "$config" .json)
  mkdir -p "$work/out"
  if ! b=$(synth "$work/base" "$config" "$work/out/$name-base"); then echo "- \`$name\`: the base does not synthesize it ($b)"; continue; fi
  if ! h=$(synth "$root" "$config" "$work/out/$name-head"); then echo "- \`$name\`: FAILS to synthesize ($h)"; changed=1; continue; fi
  diff_out=$(diff -u --label "base/$name" --label "head/$name" \
    <(normal "$(tpl "$work/out/$name-base")") <(normal "$(tpl "$work/out/$name-head")") || true)
  if [ -z "$diff_out" ]; then
    echo "- \`$name\`: unchanged"
  else
    changed=1
    echo "- \`$name\`: changed"
    echo
    echo '```diff'
    echo "$diff_out"
    echo '```'
  fi
done
echo
[ "$changed" -eq 0 ] && echo "No template changes." || echo "Templates changed: review them above."
