#!/usr/bin/env python3
"""Checks renovate.json against the repository: every regex manager finds the versions it is
meant to move, in the files it names, and they are the versions pom.xml and .ci/run pin; the
CDK group names all three packages. Renovate would otherwise skip a version string silently,
and a bump would leave one copy behind (the README's app, the lint script's CLI)."""
import json, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
config = json.loads((root / "renovate.json").read_text())
pom = (root / "pom.xml").read_text()
pinned = {
    "software.amazon.awscdk:aws-cdk-lib": re.search(r"<cdk\.version>([^<]+)<", pom).group(1),
    "software.constructs:constructs": re.search(r"<constructs\.version>([^<]+)<", pom).group(1),
    "aws-cdk": re.search(r'^CDK="npx --yes aws-cdk@([0-9.]+)"$', (root / ".ci/run").read_text(), re.M).group(1),
}
files = [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts and "target" not in p.parts
         and "node_modules" not in p.parts]
problems = []
for manager in config["customManagers"]:
    dep = manager["depNameTemplate"]
    # Renovate's patterns are JavaScript regexes between slashes; the ones used here read the same in Python.
    patterns = [re.compile(p.strip("/")) for p in manager["managerFilePatterns"]]
    chosen = [f for f in files if any(p.search(f.relative_to(root).as_posix()) for p in patterns)]
    found = 0
    for match_string in manager["matchStrings"]:
        regex = re.compile(match_string.replace("(?<", "(?P<"))
        hits = [(f, m.group("currentValue")) for f in chosen for m in regex.finditer(f.read_text(errors="replace"))]
        if not hits:
            problems.append(f"{dep}: {match_string!r} matches nothing in {[str(f.relative_to(root)) for f in chosen]}")
        for f, value in hits:
            found += 1
            if value != pinned[dep]:
                problems.append(f"{dep}: {f.relative_to(root)} has {value}, the pinned version is {pinned[dep]}")
    print(f"renovate: {dep}: {found} version strings in {len(chosen)} files, all {pinned[dep]}")
group = [r for r in config["packageRules"] if r.get("groupName") == "AWS CDK"]
if not group or set(group[0]["matchPackageNames"]) != set(pinned):
    problems.append(f"the AWS CDK group does not name exactly {sorted(pinned)}")
if problems:
    sys.exit("check-renovate: " + "\n  ".join(problems))
