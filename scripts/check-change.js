// Reads the real CDK CLI's `cdk diff --template` of one stack and refuses what would strand a
// backup or an identity: a protected resource replaced or removed, or a KMS key that the
// policies stop letting Velero decrypt with. Each is named with the configuration field that
// caused it; a change that the new template's Metadata.VeleroIrsa.acknowledgedChanges names
// ("replace <stack>/<path>", "remove <stack>/<path>") passes. Used by scripts/check-change.sh.
//
//   node scripts/check-change.js <stack> <cdk diff output> <deployed template> <new template>
const fs = require('fs');
const [stack, diffFile, oldFile, newFile] = process.argv.slice(2);
// A diff file of "-": the stack has left the app, and the new template is another stack's (for its
// acknowledgements): every resource of the old one is removed from the configuration's reach.
const gone = diffFile === '-';
const before = JSON.parse(fs.readFileSync(oldFile, 'utf8'));
const after = JSON.parse(fs.readFileSync(newFile, 'utf8'));
// A resource's construct path without its stack and its L1's "Resource", as cdk diff prints it.
const pathOf = (r) => ((r.Metadata || {})['aws:cdk:path'] || '').split('/').slice(1).join('/').replace(/\/Resource$/, '');
const diff = gone ? 'Resources\n' + Object.entries(before.Resources || {}).map(([id, r]) =>
  `[-] ${r.Type} ${pathOf(r) ? pathOf(r) + ' ' : ''}${id} orphan`).join('\n') : fs.readFileSync(diffFile, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');

const PROTECTED = ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::S3::BucketPolicy', 'AWS::IAM::Role',
  'AWS::IAM::OIDCProvider', 'AWS::EKS::PodIdentityAssociation'];
if (!/^Resources$/m.test(diff) && !/There were no differences|Number of stacks with differences: 0/.test(diff)
    && !/^Stack /m.test(diff)) {
  console.error(`velero-irsa: ${stack}: cdk diff gave no verdict:\n${diff}`);
  process.exit(1);
}

// The resource lines of the diff, each with the properties that replace it.
const changes = [];
for (const line of diff.split('\n')) {
  const r = line.match(/^\[([-~+])\] (AWS::[A-Za-z0-9:]+) (\S+)(?: (\S+))?(?: (replace|may be replaced|orphan|destroy))?\s*$/);
  if (r) {
    const [, sign, type, a, b, verdict] = r;
    const id = b || a;
    // The construct path as the diff prints it, else from the template that holds the resource.
    const path = b ? a : pathOf((sign === '-' ? before : after).Resources[id] || {}) || null;
    changes.push({ sign, type, path, id, verdict, props: [] });
    continue;
  }
  const p = line.match(/[├└]─ \[[-~+]\] (\S+) \((requires replacement|may cause replacement)\)/);
  if (p && changes.length) changes[changes.length - 1].props.push(p[1]);
}

// The configuration field behind a change, from the construct path (VeleroBackup's IDs are a contract).
function field(c, kind) {
  const path = (c.path || '').split('/');
  const top = path[0] || '';
  const has = (p) => c.props.includes(p);
  if (top.startsWith('ReplicaOf')) return 'replica (the replica of a bucket)';
  if (gone) return 'clusters[].account, backupAccount, replica, stackName (the stack is no longer in the app: cdk deploy leaves it, and its resources, as they are)';
  if (top.startsWith('BucketFor')) return 'backupAccount, clusters[].account (the buckets a backup account holds)';
  switch (c.type) {
    case 'AWS::S3::Bucket':
      if (has('BucketName')) return 'bucketName';
      if (has('ObjectLockEnabled')) return 'replica';
      return kind === 'remove' ? 'existingBucketName (or bucketName, clusters[].account)' : c.props.join(', ');
    case 'AWS::S3::BucketPolicy':
      return kind === 'remove' ? 'existingBucketName' : 'bucketName (the bucket it guards is replaced)';
    case 'AWS::KMS::Key':
      return kind === 'remove' ? 'encryption, kmsKeyArn, kmsKeyAlias (keep its ARN in formerKmsKeyArns)' : c.props.join(', ');
    case 'AWS::IAM::Role':
      if (path[1] === 'Replication') return 'replica';
      if (kind === 'replace') return has('RoleName') ? 'roleName' : has('Path') ? 'rolePath' : c.props.join(', ');
      return path[1] === 'Role' ? 'roles (the shared role)' : `clusters, roles, clusters[].role (role ${path[2]})`;
    case 'AWS::IAM::OIDCProvider':
      return kind === 'remove' ? `clusters (cluster ${path[2]}), clusters[].oidcProviderArn, identity`
        : `clusters[].oidcIssuer (cluster ${path[2]})`;
    case 'AWS::EKS::PodIdentityAssociation':
      return kind === 'remove' ? `clusters (cluster ${path[2]}), identity, clusters[].serviceAccounts`
        : `clusters[].clusterName, namespace, serviceAccount (cluster ${path[2]})`;
  }
  return c.props.join(', ');
}

const findings = [];
for (const c of changes) {
  if (!PROTECTED.includes(c.type)) continue;
  const kind = c.sign === '-' ? 'remove' : c.sign === '~' && c.verdict && c.verdict !== 'orphan' && c.verdict !== 'destroy' ? 'replace' : null;
  if (!kind) continue;
  const what = `${c.path || c.id}`;
  findings.push({ ack: `${kind} ${stack}/${what}`, text: `${kind === 'replace' ? 'replaces' : 'removes'} ${what}`
    + ` (${c.type} ${c.id}${c.props.length ? ', for ' + c.props.join(', ') : ''}); caused by ${field(c, kind)}` });
}

// KMS keys the identity policies let Velero decrypt with, before and after: objects keep the key
// they were written with, so one the policies drop strands every backup written under it.
function decryptKeys(t) {
  const keys = new Map();
  for (const [id, r] of Object.entries(t.Resources || {})) {
    const docs = r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy' ? [r.Properties.PolicyDocument]
      : r.Type === 'AWS::IAM::Role' ? (r.Properties.Policies || []).map((p) => p.PolicyDocument) : [];
    for (const d of docs) for (const s of [].concat(d.Statement || [])) {
      const actions = [].concat(s.Action || []);
      if (s.Effect !== 'Allow' || !actions.some((a) => a === 'kms:Decrypt' || a === 'kms:*')) continue;
      for (const res of [].concat(s.Resource || [])) {
        const key = typeof res === 'string' ? res : res['Fn::GetAtt'] ? `${res['Fn::GetAtt'][0]}.Arn` : JSON.stringify(res);
        if (/:kms:|\.Arn$|^\{/.test(key)) keys.set(key, id);
      }
    }
  }
  return keys;
}
const now = gone ? decryptKeys(before) : decryptKeys(after);
// A key the stack created is known by its ARN only once deployed: formerKmsKeyArns, whose statement
// is VeleroFormerBackupKeys, names it then (its ARN is the stack's KmsKeyArn output).
const former = JSON.stringify(after).includes('"Sid":"VeleroFormerBackupKeys"');
for (const [key] of decryptKeys(before)) {
  if (now.has(key)) continue;
  const created = key.endsWith('.Arn');
  if (created && former) {
    console.log(`${stack}: the key ${key.slice(0, -'.Arn'.length)} it created is dropped, and formerKmsKeyArns is set:`
      + ' check that it holds that key\'s ARN (the KmsKeyArn output)');
    continue;
  }
  const id = created ? key.slice(0, -'.Arn'.length) : key;
  const path = created ? pathOf(before.Resources[id] || {}) : null;
  findings.push({ ack: `remove ${stack}/Decrypt/${created ? path || id : key}`,
    text: `stops Velero decrypting with ${created ? `the key ${id} it created` : `the key ${key}`}, which objects written`
      + ` before may be encrypted with; caused by encryption, kmsKeyArn, kmsKeyAlias (expected the key's ARN in`
      + ` formerKmsKeyArns until the objects are re-encrypted${created ? ': the stack\'s KmsKeyArn output' : ''})` });
}

const acknowledged = new Set(((after.Metadata || {}).VeleroIrsa || {}).acknowledgedChanges || []);
let refused = 0;
for (const f of findings) {
  if (acknowledged.has(f.ack)) {
    console.log(`${stack}: acknowledged: ${f.ack}: ${f.text}`);
  } else {
    refused++;
    console.error(`velero-irsa: ${stack}: ${f.text}. Acknowledge it in acknowledgedChanges with "${f.ack}" once`
      + ` nothing depends on it (README, "Changes that strand nothing").`);
  }
}
if (!findings.length) console.log(`${stack}: no bucket, key, bucket policy, role, OIDC provider or Pod Identity association is replaced or removed, and no key Velero decrypts with is dropped`);
process.exit(refused ? 1 : 0);
