// Checks a fleet's cloud assembly, as the real CDK CLI wrote it, against its configuration:
// one stack per account and region of its clusters (and the backup account's where it holds
// buckets), each pinned to that environment; every role, provider and wiring output in its
// cluster's own account's stack; every bucket and key in the backup account, one per account
// and region of clusters that back up; with a replica, each bucket's replica (<bucket>-replica)
// in the replica's account (else the bucket's) and region, and each bucket's stack deploying
// after its replica's.
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
const replica = config.replica;
// Each bucket's account (the backup account, else its clusters') and that of its replica.
const holderOf = (p) => backup || p.split('-')[0];
const replicaEnv = (p) => `aws://${(replica && replica.account) || holderOf(p)}/${replica && replica.region}`;
if (replica) for (const p of bucketPlaces) want.add(replicaEnv(p));

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
  const primaries = buckets.filter((b) => !b.Properties.BucketName.endsWith('-replica'));
  for (const b of buckets.filter((b) => b.Properties.BucketName.endsWith('-replica'))) {
    const p = b.Properties.BucketName.slice((config.bucketName || 'velero-backups').length + 1, -'-replica'.length);
    if (!replica || replicaEnv(p) !== env) fail(`replica ${b.Properties.BucketName} in ${env} (expected ${replica ? replicaEnv(p) : 'no replica'})`);
  }
  if ((primaries.length || (keys.length && !replica)) && backup && account !== backup) fail(`a bucket or key in ${env}, outside the backup account`);
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
const want2 = bucketPlaces.size * (replica ? 2 : 1);
if (allBuckets.length !== want2) fail(`${allBuckets.length} buckets (expected one per account and region that backs up${replica ? ', and its replica' : ''}: ${want2})`);
if (replica) {
  // cdk deploy --all deploys a replica's stack before the stack whose rule names it.
  for (const p of bucketPlaces) {
    const [, a] = stacks.find(([, s]) => s.environment === `aws://${holderOf(p)}/${p.split('-').slice(1).join('-')}`);
    const [rname] = stacks.find(([, s]) => s.environment === replicaEnv(p));
    if (!(a.dependencies || []).includes(rname)) fail(`the stack of bucket ${p} does not deploy after ${rname}`);
  }
}
console.log(rows.join('\n'));
console.log(`${stacks.length} stacks, each in its environment; ${allBuckets.length} buckets, all in ${backup || "their accounts"}${replica ? ` (replicas in ${replica.account || "the same accounts"}, ${replica.region})` : ""}`);
