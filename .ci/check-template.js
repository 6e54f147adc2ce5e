// Checks the default app's template against what the README promises: 1 bucket, 1 bucket policy,
// 1 managed policy, 2 OIDC providers, 1 role with 2 trust statements, and no custom resource.
// Usage: node .ci/check-template.js cdk.out/VeleroBackup.template.json
const path = require("path");
const t = require(path.resolve(process.argv[2]));
const resources = Object.values(t.Resources);
const count = type => resources.filter(r => r.Type === type).length;
const want = {
  "AWS::S3::Bucket": 1,
  "AWS::S3::BucketPolicy": 1,
  "AWS::IAM::ManagedPolicy": 1,
  "AWS::IAM::OIDCProvider": 2,
  "AWS::IAM::Role": 1,
  "AWS::KMS::Key": 0,
  "AWS::Lambda::Function": 0,
};
const problems = [];
for (const [type, n] of Object.entries(want)) {
  if (count(type) !== n) problems.push(`${type}: ${count(type)}, expected ${n}`);
}
const custom = resources.filter(r => r.Type.startsWith("Custom::") || r.Type === "AWS::CloudFormation::CustomResource");
if (custom.length) problems.push(`custom resources: ${custom.map(r => r.Type)}`);
const role = resources.find(r => r.Type === "AWS::IAM::Role");
const statements = role ? role.Properties.AssumeRolePolicyDocument.Statement.length : 0;
if (statements !== 2) problems.push(`trust statements: ${statements}, expected 2`);
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
  `; ${statements} trust statements; no custom resource; wiring for ${wired.join(", ")}`);
