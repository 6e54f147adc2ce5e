// Checks a fleet's cloud assembly, as the real CDK CLI wrote it, against its configuration:
// one stack per account and region of its clusters (and the backup account's where it holds
// buckets), each pinned to that environment; every role, provider and wiring output in its
// cluster's own account's stack; every bucket and key in the backup account, one per account
// and region of clusters that back up.
//
//   node .ci/check-fleet.js <configuration.json> <cdk.out folder>
const fs = require('fs');
const path = require('path');
const [configFile, out] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
const fail = (m) => { console.error('FAIL: ' + m); process.exit(1); };

const region = (c) => c.region || c.oidcIssuer.match(/^https:\/\/oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com\//)[1];
const backup = config.backupAccount;
const want = new Set(config.clusters.map((c) => `aws://${c.account}/${region(c)}`));
const bucketPlaces = new Set(config.clusters.filter((c) => !c.restoreOnly).map((c) => `${c.account}-${region(c)}`));
if (backup) for (const p of bucketPlaces) want.add(`aws://${backup}/${p.split('-').slice(1).join('-')}`);

const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
const envs = new Set(stacks.map(([, a]) => a.environment));
if ([...want].sort().join() !== [...envs].sort().join()) fail(`environments ${[...envs].sort()} (expected ${[...want].sort()})`);
const base = config.stackName || 'VeleroBackup';
const byEnv = {};
for (const [name, a] of stacks) {
  const [account, reg] = a.environment.slice('aws://'.length).split('/');
  if (name !== `${base}-${account}-${reg}`) fail(`stack ${name} in ${a.environment}`);
  byEnv[a.environment] = JSON.parse(fs.readFileSync(path.join(out, a.properties.templateFile), 'utf8'));
}
// An output's value as text, a deploy-time part (a bucket's Ref) written as a placeholder.
const text = (v) => typeof v === 'string' ? v
  : v['Fn::Join'] ? v['Fn::Join'][1].map((p) => typeof p === 'string' ? p : 'DEPLOY-TIME').join(v['Fn::Join'][0]) : 'DEPLOY-TIME';
const of = (t, type) => Object.values(t.Resources).filter((r) => r.Type === type);
const rows = [];
for (const [env, t] of Object.entries(byEnv)) {
  const account = env.split('/')[2];
  const buckets = of(t, 'AWS::S3::Bucket');
  const keys = of(t, 'AWS::KMS::Key');
  if ((buckets.length || keys.length) && backup && account !== backup) fail(`a bucket or key in ${env}, outside the backup account`);
  const roles = of(t, 'AWS::IAM::Role').map((r) => r.Properties.RoleName);
  const clusters = config.clusters.filter((c) => `aws://${c.account}/${region(c)}` === env).map((c) => c.name);
  const wired = Object.entries(t.Outputs || {}).filter(([k]) => k.startsWith('Wiring'))
    .flatMap(([, o]) => JSON.parse(text(o.Value)).flatMap((w) => w.clusters));
  if (wired.sort().join() !== clusters.sort().join()) fail(`${env}: wiring for ${wired} (expected its clusters ${clusters})`);
  if (of(t, 'AWS::IAM::OIDCProvider').length !== clusters.length) fail(`${env}: not one provider per cluster`);
  rows.push(`${env}: ${Object.keys(t.Resources).length} resources; clusters ${clusters.join(', ') || '-'}; roles ${roles.join(', ') || '-'};`
    + ` buckets ${buckets.map((b) => b.Properties.BucketName).join(', ') || '-'}`);
}
const allBuckets = Object.values(byEnv).flatMap((t) => of(t, 'AWS::S3::Bucket'));
if (allBuckets.length !== bucketPlaces.size) fail(`${allBuckets.length} buckets (expected one per account and region that backs up: ${bucketPlaces.size})`);
console.log(rows.join('\n'));
console.log(`${stacks.length} stacks, each in its environment; ${allBuckets.length} buckets, all in ${backup || 'their accounts'}`);
