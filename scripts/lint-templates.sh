#!/usr/bin/env bash
# Synthesizes every configuration under test/configs (or the files given as arguments) into its
# own folder and runs cfn-lint and checkov over every template. Fails on any cfn-lint error or
# warning and on any failed checkov check; checkov skips are declared in the templates' metadata,
# each with its reason.
#
#   scripts/lint-templates.sh                     # the whole matrix (test/configs, test/fleets)
#   scripts/lint-templates.sh my-config.json      # your own configuration
#   scripts/lint-templates.sh cdk.out/X.template.json   # a template synthesized elsewhere
#
# Needs python3 (with venv), Node.js and Java; installs the pinned linters in a virtual
# environment on first use, kept under ~/.cache/velero-irsa for every clone (LINT_VENV
# overrides the folder).
set -euo pipefail
cd "$(dirname "$0")/.."

CFN_LINT_VERSION=1.58.0
CHECKOV_VERSION=3.3.30
VENV=${LINT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/velero-irsa/lint-venv}
OUT=${LINT_OUT:-target/lint}
CDK=${CDK:-npx --yes aws-cdk@2.1148.1}
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_VERSION_CHECK=1

if ! "$VENV/bin/cfn-lint" --version 2>/dev/null | grep -q "$CFN_LINT_VERSION" \
    || ! "$VENV/bin/checkov" --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
  echo "== installing cfn-lint $CFN_LINT_VERSION and checkov $CHECKOV_VERSION into $VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION"
fi

configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(test/configs/*.json test/fleets/*.json)

rm -rf "$OUT"
templates=()
for config in "${configs[@]}"; do
  # A synthesized template (an example app's) is linted as it is.
  if [[ "$config" == *.template.json ]]; then
    templates+=("$config")
    continue
  fi
  name=$(basename "$config" .json)
  echo "== synth $name ($config)"
  $CDK synth --quiet -c veleroConfigFile="$config" --output "$OUT/$name" > /dev/null
  templates+=("$OUT/$name"/*.template.json)
done

failed=0
echo "== cfn-lint $CFN_LINT_VERSION over ${#templates[@]} templates"
# Exit codes: 2 errors, 4 warnings, 8 informational; informational findings do not fail.
if "$VENV/bin/cfn-lint" --non-zero-exit-code warning --format parseable -- "${templates[@]}"; then
  echo "cfn-lint: no errors, no warnings"
else
  echo "FAIL: cfn-lint found errors or warnings"
  failed=1
fi
echo "== checkov $CHECKOV_VERSION over ${#templates[@]} templates"
# --skip-download: no calls home (these machines reach nothing but package registries).
if ! "$VENV/bin/checkov" --quiet --compact --skip-download --framework cloudformation \
    $(printf -- '-f %s ' "${templates[@]}"); then
  echo "FAIL: checkov failed checks"
  failed=1
fi
if [ "$failed" -eq 0 ]; then
  echo "== ${#templates[@]} templates from ${#configs[@]} configurations passed cfn-lint and checkov"
fi
exit "$failed"
