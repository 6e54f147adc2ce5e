// Checks the default app's template against what the README promises: 1 bucket, 1 bucket policy,
// 2 managed policies (the shared one, the snapshot one), 2 OIDC providers, 2 roles with 1 trust
// statement each, the restore-only one with neither the snapshot policy nor any delete, and no
// custom resource.
// Usage: node .ci/check-template.js cdk.out/VeleroBackup.template.json
const path = require("path");
const t = require(path.resolve(process.argv[2]));
const resources = Object.values(t.Resources);
const count = type => resources.filter(r => r.Type === type).length;
const want = {
  "AWS::S3::Bucket": 1,
  "AWS::S3::BucketPolicy": 1,
  "AWS::IAM::ManagedPolicy": 2,
  "AWS::IAM::OIDCProvider": 2,
  "AWS::IAM::Role": 2,
  "AWS::KMS::Key": 0,
  "AWS::Lambda::Function": 0,
};
const problems = [];
for (const [type, n] of Object.entries(want)) {
  if (count(type) !== n) problems.push(`${type}: ${count(type)}, expected ${n}`);
}
const custom = resources.filter(r => r.Type.startsWith("Custom::") || r.Type === "AWS::CloudFormation::CustomResource");
if (custom.length) problems.push(`custom resources: ${custom.map(r => r.Type)}`);
const roles = Object.entries(t.Resources).filter(([, r]) => r.Type === "AWS::IAM::Role");
const statements = roles.map(([, r]) => r.Properties.AssumeRolePolicyDocument.Statement.length);
if (JSON.stringify(statements) !== "[1,1]") problems.push(`trust statements: ${statements}, expected 1 per role`);
const restore = roles.find(([id]) => id.includes("restore"));
if (!restore) {
  problems.push("no role of the restore cluster");
} else {
  const p = restore[1].Properties;
  if (p.ManagedPolicyArns.length !== 1) problems.push(`the restore-only role has ${p.ManagedPolicyArns.length} managed policies, expected the shared one only`);
  if (JSON.stringify(p.Policies).includes("s3:DeleteObject")) problems.push("the restore-only role may delete objects");
}
// Every cluster of the default configuration finds its wiring in exactly one Wiring* output.
const wired = Object.entries(t.Outputs || {}).filter(([k]) => k.startsWith("Wiring"))
  .flatMap(([, o]) => [...o.Description.matchAll(/\[([A-Za-z0-9_-]+)\]/g)].map(m => m[1]));
const clusters = require(path.resolve("cdk.json")).context.velero.clusters.map(c => c.name);
if (JSON.stringify([...wired].sort()) !== JSON.stringify([...clusters].sort())) {
  problems.push(`wiring outputs name the clusters ${wired}, expected ${clusters}`);
}
if (problems.length) {
  console.error("FAIL: " + problems.join("; "));
  process.exit(1);
}
console.log(`template: ${resources.length} resources; ` +
  Object.entries(want).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(", ") +
  `; ${statements.join("+")} trust statements; the restore-only role without snapshot or delete rights; no custom resource;` +
  ` wiring for ${wired.join(", ")}`);
