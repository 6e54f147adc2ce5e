#!/usr/bin/env bash
# Tests scripts/app.sh, the app command of cdk.json, in a copy of the project: the first run
# builds, a run with nothing changed skips Maven, and a changed, added or deleted source file,
# pom.xml or configuration is always in the template that the next run writes, whatever the
# files' times say; two synths at once both succeed with one build. Run by .ci/run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/src" "$root/pom.xml" "$root/.mvn" "$root/cdk.json" "$root/scripts" "$work/"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

context=$(node -e 'console.log(JSON.stringify(require(process.argv[1]).context))' "$work/cdk.json")
# One run, as the CDK CLI starts the app: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR.
run() {
  rm -rf "$work/out"
  (cd "$work" && CDK_CONTEXT_JSON="$1" CDK_OUTDIR="$work/out" bash scripts/app.sh) 2> "$work/err"
}
template() { cat "$work/out/VeleroBackup.template.json"; }
built() { grep -q 'compiling with Maven' "$work/err"; }
fail() { echo "FAIL: $*"; cat "$work/err"; exit 1; }
pass() { echo "ok: $*"; }

run "$context" || fail "first run"
built || fail "a fresh copy was not built"
template | grep -q '"Description": "Velero on EKS' || fail "no template after the first run"
pass "a fresh copy builds, then synthesizes"

run "$context" || fail "second run"
built && fail "nothing changed, yet Maven ran"
pass "nothing changed: no Maven start"

touch "$work/pom.xml"
run "$context" || fail "run after touching pom.xml"
built && fail "a touched but unchanged pom.xml started Maven"
pass "a touched, unchanged file does not rebuild"

sed -i 's|</project>|<!-- edited --></project>|' "$work/pom.xml"
run "$context" || fail "run after a pom.xml change"
built || fail "a changed pom.xml did not rebuild the classpath"
pass "a changed pom.xml rebuilds"

# An edit that keeps the file's old time (cp -p, tar, rsync -t, an older checkout), and a new source.
app="$work/src/io/github/veleroirsa/app/VeleroApp.java"
cp -p "$app" "$work/app.orig"
sed -i 's/(velero-irsa)"/(velero-irsa, time kept)"/' "$app"
touch -r "$work/app.orig" "$app"
echo 'package io.github.veleroirsa; final class Extra {}' > "$work/src/io/github/veleroirsa/Extra.java"
run "$context" || fail "run after a time-preserving edit and an added source"
built || fail "an edit that kept the file's time was not compiled"
template | grep -q '(velero-irsa, time kept)' || fail "the time-preserving edit is not in the template"
[ -f "$work/target/classes/io/github/veleroirsa/Extra.class" ] || fail "an added source was not compiled"
pass "an edit that keeps the file's time, and an added source, are compiled"

# Two synths started at once, after a change: both write a template, and Maven runs once.
sed -i 's/(velero-irsa, time kept)"/(velero-irsa, concurrent)"/' "$app"
for n in 1 2; do
  rm -rf "$work/out$n"
  (cd "$work" && CDK_CONTEXT_JSON="$context" CDK_OUTDIR="$work/out$n" bash scripts/app.sh) 2> "$work/err$n" &
done
wait %1 || fail "the first of two concurrent synths"
wait %2 || fail "the second of two concurrent synths"
for n in 1 2; do
  grep -q '(velero-irsa, concurrent)' "$work/out$n/VeleroBackup.template.json" || fail "concurrent synth $n is stale"
done
[ "$(cat "$work/err1" "$work/err2" | grep -c 'compiling with Maven')" -eq 1 ] || fail "two concurrent synths built twice"
pass "two synths at once: one build, two current templates"

echo 'class Broken {' > "$work/src/io/github/veleroirsa/Broken.java"
run "$context" && fail "a source that does not compile gave a template"
# The fix, and a deleted source: the next run rebuilds, and the deleted source's class is gone.
rm "$work/src/io/github/veleroirsa/Broken.java" "$work/src/io/github/veleroirsa/Extra.java"
run "$context" || fail "run after fixing the compile error"
built || fail "the fix after a failed build was not compiled"
[ -f "$work/target/classes/io/github/veleroirsa/Extra.class" ] && fail "a deleted source's class is still there"
pass "a failed build is retried on the next run; a deleted source rebuilds without its class"

edited=$(node -e 'const c = JSON.parse(process.argv[1]); c.velero.namespace = "velero-edited";
  console.log(JSON.stringify(c))' "$context")
run "$edited" || fail "run with an edited configuration"
built && fail "a configuration change started Maven"
template | grep -q 'system:serviceaccount:velero-edited:velero-rafay' || fail "the edited configuration is not in the template"
pass "a changed configuration is read on the next run, without a build"

rm "$work/target/velero-irsa-app.classpath"
run "$context" || fail "run without the cached classpath"
built || fail "a missing classpath cache was not rebuilt"
pass "a missing classpath cache is rebuilt"
echo "launcher: all checks passed"
