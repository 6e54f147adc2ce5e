#!/usr/bin/env bash
# The app command of cdk.json: runs the compiled app with plain `java`, without a Maven start,
# while the classes and the cached classpath were built from exactly the files that are there
# now: a checksum of the names and contents of everything under src/, pom.xml and .mvn/. When
# it differs (a fresh clone, an edit, a `git checkout`, a copy that kept old file times) the
# classes are rebuilt from scratch first. The configuration (cdk.json, -c ..., veleroConfigFile)
# is read by the app itself on every run, so it needs no build. Two synths started at once take
# turns at the check: the second waits for the first one's build and then uses it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=$root/target
classes=$target/classes
stamp=$target/velero-irsa-app.classpath
sums=$target/velero-irsa-app.sources
lock=$target/velero-irsa-app.lock

# Names and contents of every file the classes and classpath are built from, as one checksum.
sources() {
  (cd "$root" && find src pom.xml .mvn -type f -print | LC_ALL=C sort | xargs cksum | cksum)
}

fresh() {
  [ -f "$stamp" ] && [ -d "$classes" ] && [ -f "$sums" ] && [ "$(cat "$sums")" = "$1" ]
}

mkdir -p "$target"
current=$(sources)
if ! fresh "$current"; then
  # One build at a time: flock where the system has it, else a lock folder (macOS).
  if command -v flock > /dev/null; then
    exec 9> "$lock"
    flock 9
  else
    until mkdir "$lock.d" 2> /dev/null; do
      # A lock left by a killed run is older than any build takes.
      [ -n "$(find "$lock.d" -maxdepth 0 -mmin +10 2> /dev/null)" ] && rmdir "$lock.d" 2> /dev/null
      sleep 0.2
    done
    trap 'rmdir "$lock.d" 2> /dev/null' EXIT
  fi
  current=$(sources)
  if ! fresh "$current"; then
    echo "velero-irsa: sources changed since the last build; compiling with Maven" >&2
    rm -f "$sums"
    rm -rf "$classes"
    # Maven's output goes to stderr: stdout of `cdk synth` is the template alone.
    (cd "$root" && mvn -q -B compile dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile="$stamp.tmp") >&2
    mv "$stamp.tmp" "$stamp"
    # The checksum of what was there when the build started: an edit during the build is seen next time.
    echo "$current" > "$sums"
  fi
fi

# A short-lived JVM: the C1 compiler alone and the serial collector start fastest (about 0.3 s
# less here). VELERO_IRSA_JAVA_OPTS adds or overrides options.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${VELERO_IRSA_JAVA_OPTS:-} -cp "$classes:$(cat "$stamp")" io.github.veleroirsa.app.VeleroApp
