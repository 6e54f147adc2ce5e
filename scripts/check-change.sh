#!/usr/bin/env bash
# Before a deploy: refuses a change that would replace or remove what holds backups or
# identities. For every stack of the app (every account and region of a fleet, and the
# replica's), the real CDK CLI diffs the template to deploy against the one deployed
# (`cdk diff --template`), and scripts/check-change.js reads its verdicts: a bucket, a KMS key, a
# bucket policy, a role, an OIDC provider or a Pod Identity association that is replaced or
# removed, and a KMS key that the Velero policy stops allowing while objects may still be
# encrypted with it, each named with the configuration field that caused it. Exits 1 unless the
# configuration's acknowledgedChanges names each one ("replace <stack>/<path>", "remove ...").
#
#   bash scripts/check-change.sh -c veleroConfigFile=fleet.json
#       against the deployed stacks: each one's template is read with the AWS CLI
#       (aws cloudformation get-template), with the credentials of its account and region
#   bash scripts/check-change.sh --against deployed/ -c veleroConfigFile=fleet.json
#       against saved templates, deployed/<stack>.template.json (a stack without one is new)
#   bash scripts/check-change.sh --against old-cdk.out --assembly new-cdk.out
#       two synthesized assemblies, no synthesis (CI's upgrade check)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_VERSION_CHECK=1
CDK=${CDK:-npx --yes aws-cdk@$(sed -n 's/^CDK="npx --yes aws-cdk@\([0-9.]*\)"$/\1/p' "$root/.ci/run")}

against= assembly=
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --against) against=${2:?--against needs a folder}; shift 2 ;;
    --assembly) assembly=${2:?--assembly needs a folder}; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$assembly" ]; then
  assembly=$work/new
  (cd "$root" && $CDK synth --quiet "${args[@]}" --output "$assembly" > /dev/null)
fi
stacks=$(node -e '
  const m = require(require("path").resolve(process.argv[1], "manifest.json"));
  for (const [name, a] of Object.entries(m.artifacts))
    if (a.type === "aws:cloudformation:stack") console.log(name, a.environment.split("/")[3], a.properties.templateFile);
' "$assembly")
status=0
while read -r stack region file; do
  old=
  if [ -n "$against" ]; then
    [ -f "$against/$stack.template.json" ] && old=$against/$stack.template.json
  elif template=$(aws cloudformation get-template --stack-name "$stack" ${region:+--region "$region"} \
      --query TemplateBody --output json 2> "$work/$stack.err"); then
    printf '%s\n' "$template" > "$work/$stack.deployed.json"
    old=$work/$stack.deployed.json
  elif ! grep -q 'does not exist' "$work/$stack.err"; then
    echo "velero-irsa: $stack: the deployed template could not be read: $(tr '\n' ' ' < "$work/$stack.err")" >&2
    status=1
    continue
  fi
  if [ -z "$old" ]; then
    echo "$stack: a new stack, nothing deployed to compare"
    continue
  fi
  (cd "$root" && $CDK diff --exclusively --app "$assembly" --template "$old" "$stack" > "$work/$stack.diff" 2>&1) || true
  node "$root/scripts/check-change.js" "$stack" "$work/$stack.diff" "$old" "$assembly/$file" || status=1
done <<< "$stacks"
# A stack of the saved templates that the app no longer makes: cdk deploy leaves it as it is, but
# whatever it holds is no longer the configuration's (its buckets' grants, its roles' trust).
if [ -n "$against" ]; then
  any=$(awk 'NR == 1 { print $3 }' <<< "$stacks")
  for old in "$against"/*.template.json; do
    [ -f "$old" ] || continue
    stack=$(basename "$old" .template.json)
    grep -q "^$stack " <<< "$stacks" && continue
    node "$root/scripts/check-change.js" "$stack" - "$old" "$assembly/$any" || status=1
  done
fi
exit "$status"
