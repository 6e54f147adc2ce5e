#!/usr/bin/env bash
# Measures, in one run and alternating, median of BENCH_RUNS runs each (default 5):
#   (a)   cdk synth of this app with the default configuration (cdk.json);
#   (b10) the same with 10 clusters (maxTrustPolicyLength 8192);
#   (e)   the fleet feature: 100 IRSA clusters with a role each (roles PER_CLUSTER) in one stack,
#         test/configs/fleet-100.json;
#   (f)   fleets in accounts: 300 IRSA clusters (a role each) in 10 accounts and 3 regions, with
#         a central backup account: 30 workload stacks and the backup account's 3, one app run;
#   (c)   cdk synth of a bare reference app: one S3 bucket in JavaScript, against the same
#         aws-cdk-lib version and with the same CDK CLI, generated in a temp folder;
#   (d)   mvn test, wall time (BENCH_TEST_RUNS, default 3; 0 skips it).
# Prints a table, the ratios a/c, e/a and f/a, and the peak memory (largest process) of (a), (e), (f).
#
#   bash bench/synth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
RUNS=${BENCH_RUNS:-5}
TEST_RUNS=${BENCH_TEST_RUNS:-3}
CDK_VERSION=2.1148.1
CDK="npx --yes aws-cdk@$CDK_VERSION"
LIB_VERSION=$(sed -n 's|.*<cdk.version>\(.*\)</cdk.version>.*|\1|p' pom.xml)
CONSTRUCTS_VERSION=$(sed -n 's|.*<constructs.version>\(.*\)</constructs.version>.*|\1|p' pom.xml)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_VERSION_CHECK=1

command -v /usr/bin/time > /dev/null || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== preparing (aws-cdk-lib $LIB_VERSION, CDK CLI $CDK_VERSION, $(nproc) cores)"
# The app's classes and classpath cache, so that every measured synth takes the fast path.
CDK_OUTDIR="$work/warm" bash scripts/app.sh > /dev/null 2>&1 || true
bash scripts/app.sh < /dev/null > /dev/null 2>&1 || true
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
clusters = [{"name": f"cluster-{i:02d}",
             "oidcIssuer": f"https://oidc.eks.us-west-2.amazonaws.com/id/{0xB0B0 + i:032X}"} for i in range(10)]
json.dump({"maxTrustPolicyLength": 8192, "clusters": clusters}, open(f"{work}/clusters-10.json", "w"))
regions = ["us-east-1", "us-west-2", "eu-central-1"]
fleet = []
for a in range(10):
    for r in regions:
        for k in range(10):
            fleet.append({"name": f"c{a}-{r}-{k}", "account": f"{100000000000 + a * 111111111:012d}",
                          "oidcIssuer": f"https://oidc.eks.{r}.amazonaws.com/id/{0xF1EE7000 + len(fleet):032X}"})
json.dump({"backupAccount": "999988887777", "roles": "PER_CLUSTER", "clusters": fleet},
          open(f"{work}/fleet-300.json", "w"))
PY
# (c): the reference app.
mkdir -p "$work/ref"
cat > "$work/ref/package.json" <<JSON
{"name": "reference-app", "private": true,
 "dependencies": {"aws-cdk-lib": "$LIB_VERSION", "constructs": "$CONSTRUCTS_VERSION"}}
JSON
cat > "$work/ref/app.js" <<'JS'
const cdk = require('aws-cdk-lib');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'Reference');
new cdk.aws_s3.Bucket(stack, 'Bucket');
app.synth();
JS
echo '{"app": "node app.js"}' > "$work/ref/cdk.json"
(cd "$work/ref" && npm install --silent --no-audit --no-fund > /dev/null)

# name|folder|command
cases=(
  "a|$root|$CDK synth -q -o $work/out-a"
  "b10|$root|$CDK synth -q -o $work/out-b10 -c veleroConfigFile=$work/clusters-10.json"
  "e|$root|$CDK synth -q -o $work/out-e -c veleroConfigFile=test/configs/fleet-100.json"
  "f|$root|$CDK synth -q -o $work/out-f -c veleroConfigFile=$work/fleet-300.json"
  "c|$work/ref|$CDK synth -q -o $work/out-c"
)
# One untimed run each: npx's cache, the JIT-less first start of everything.
for c in "${cases[@]}"; do
  IFS='|' read -r name dir cmd <<< "$c"
  (cd "$dir" && eval "$cmd" > /dev/null 2> "$work/$name.warm.err") || { cat "$work/$name.warm.err"; exit 1; }
done
python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); r=[v["Type"] for v in t["Resources"].values()]
assert r.count("AWS::IAM::Role") == 100 and r.count("AWS::IAM::OIDCProvider") == 100, "bench: (e) is not 100 roles"' \
  "$work/out-e/VeleroBackup.template.json"
python3 -c 'import json,glob,sys; ts=[json.load(open(f)) for f in glob.glob(sys.argv[1] + "/*.template.json")]
r=[v["Type"] for t in ts for v in t["Resources"].values()]
assert len(ts) == 33 and r.count("AWS::IAM::Role") == 300 and r.count("AWS::S3::Bucket") == 30, "bench: (f) is not 33 stacks"' \
  "$work/out-f"

echo "== measuring: $RUNS rounds of a, b10, e, f, c, alternating"
: > "$work/times"
for round in $(seq 1 "$RUNS"); do
  for c in "${cases[@]}"; do
    IFS='|' read -r name dir cmd <<< "$c"
    # %e wall seconds, %M peak resident kB of the largest process among those waited for.
    (cd "$dir" && /usr/bin/time -f "$name %e %M" -a -o "$work/times" bash -c "$cmd" > /dev/null 2>&1)
  done
done
if [ "$TEST_RUNS" -gt 0 ]; then
  echo "== measuring: $TEST_RUNS runs of mvn test (compile included, dependencies downloaded)"
  for round in $(seq 1 "$TEST_RUNS"); do
    /usr/bin/time -f "d %e %M" -a -o "$work/times" mvn -q -B test > "$work/test.log" 2>&1 \
      || { tail -50 "$work/test.log"; echo "bench: mvn test failed"; exit 1; }
  done
fi

python3 - "$work/times" "$RUNS" "$TEST_RUNS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, rss = line.split()
    rows.setdefault(name, []).append((float(wall), int(rss)))
med = {k: statistics.median(w for w, _ in v) for k, v in rows.items()}
labels = {"a": "(a) cdk synth, default config", "b10": "(b) cdk synth, 10 clusters",
          "e": "(e) cdk synth, 100 clusters, a role each",
          "f": "(f) cdk synth, 300 clusters, 10 accounts, 3 regions, 33 stacks", "c": "(c) cdk synth, bare JS app (1 bucket)",
          "d": "(d) mvn test"}
print()
print("| case | runs | median s | min s | max s | peak MB |")
print("|---|---:|---:|---:|---:|---:|")
for k in ["a", "b10", "e", "f", "c", "d"]:
    if k in rows:
        w = [x for x, _ in rows[k]]
        print(f"| {labels[k]} | {len(w)} | {med[k]:.2f} | {min(w):.2f} | {max(w):.2f} | "
              f"{max(r for _, r in rows[k]) / 1024:.0f} |")
print()
print(f"a/c     = {med['a'] / med['c']:.2f}   (target <= 1.3)")
print(f"e/a     = {med['e'] / med['a']:.2f}   (target <= 1.3)")
print(f"f/a     = {med['f'] / med['a']:.2f}   (target <= 2.0)")
print(f"b10/a   = {med['b10'] / med['a']:.2f}")
if "d" in med:
    print(f"mvn test = {med['d']:.1f} s   (target <= 60 s)")
for k in ["a", "e", "f"]:
    print(f"peak memory of ({k}): {max(r for _, r in rows[k]) / 1024:.0f} MB (largest single process)")
PY
