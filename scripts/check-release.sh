#!/usr/bin/env bash
# Builds what a release publishes, unsigned (mvn -P release verify -Dgpg.skip), and checks it as
# Maven Central's validation would: the jar, its -sources.jar and -javadoc.jar, and the POM's
# name, description, url, license, developers and scm. The Javadoc build itself fails on any
# doclint warning (pom.xml). Run by CI; RELEASING.md runs it before a release.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -P release verify -DskipTests -Dgpg.skip

# The coordinates as the POM writes them (one read, not a Maven start for each).
read -r artifact version < <(python3 -c '
import sys, xml.etree.ElementTree as ET
m = {"m": "http://maven.apache.org/POM/4.0.0"}
pom = ET.parse(sys.argv[1]).getroot()
print(pom.find("m:artifactId", m).text, pom.find("m:version", m).text)' pom.xml)
base="target/$artifact-$version"
fail() { echo "check-release: $*" >&2; exit 1; }

for jar in "$base.jar" "$base-sources.jar" "$base-javadoc.jar"; do
  [ -s "$jar" ] || fail "missing $jar"
done
# The sources jar holds every source of the construct; the Javadoc is the construct's package only.
for src in src/io/github/veleroirsa/*.java; do
  unzip -l "$base-sources.jar" "${src#src/}" > /dev/null || fail "${src#src/} is not in the sources jar"
done
unzip -l "$base-javadoc.jar" index.html io/github/veleroirsa/VeleroBackup.html > /dev/null \
  || fail "the javadoc jar has no index.html or VeleroBackup.html"
if unzip -l "$base-javadoc.jar" | grep -q 'io/github/veleroirsa/app/'; then
  fail "the javadoc jar documents the internal package io.github.veleroirsa.app"
fi
unzip -l "$base.jar" io/github/veleroirsa/VeleroBackup.class > /dev/null || fail "the jar has no VeleroBackup.class"

# The POM the release publishes, read as XML.
python3 - pom.xml <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
pom = ET.parse(sys.argv[1]).getroot()
def text(path):
    e = pom.find(path, ns)
    return (e.text or "").strip() if e is not None else ""
missing = [p for p in ["m:name", "m:description", "m:url", "m:licenses/m:license/m:name",
                       "m:licenses/m:license/m:url", "m:developers/m:developer/m:name",
                       "m:scm/m:url", "m:scm/m:connection", "m:scm/m:developerConnection"] if not text(p)]
if missing:
    sys.exit("check-release: the POM lacks " + ", ".join(m.replace("m:", "") for m in missing))
if text("m:licenses/m:license/m:name") != "Apache-2.0":
    sys.exit("check-release: the POM's license is not Apache-2.0")
print("check-release: POM metadata complete (" + text("m:licenses/m:license/m:name") + ", " + text("m:url") + ")")
PY
echo "check-release: $artifact $version: jar, sources jar and javadoc jar built and checked (unsigned: -Dgpg.skip)"
