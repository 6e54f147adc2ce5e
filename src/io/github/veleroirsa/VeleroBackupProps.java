package io.github.veleroirsa;

import static io.github.veleroirsa.InvalidInputException.quote;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.TimeConversionOptions;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.iam.IManagedPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.IBucket;

/**
 * Properties of {@link VeleroBackup}. Immutable; build them with {@link #builder()}, which checks
 * every value and the rules across clusters.
 */
public final class VeleroBackupProps {
    /** Noncurrent object versions are kept this long unless told otherwise. */
    public static final int DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = 30;
    /** The AWS plugin image that the install command and Helm values name unless told otherwise. */
    public static final String DEFAULT_VELERO_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.0";
    /** IAM's default quota for the length of a role's trust policy. */
    public static final int DEFAULT_MAX_TRUST_POLICY_LENGTH = TrustPolicySize.DEFAULT_LIMIT;

    private final List<EksCluster> clusters;
    private final String bucketName;
    private final BackupEncryption encryption;
    private final IKey encryptionKey;
    private final Duration noncurrentVersionExpiration;
    private final RemovalPolicy removalPolicy;
    private final int maxTrustPolicyLength;
    private final IBucket accessLogsBucket;
    private final WorkloadIdentity identity;
    private final boolean podIdentityPinning;
    private final IBucket existingBucket;
    private final List<IKey> ebsKmsKeys;
    private final boolean ebsSnapshots;
    private final boolean fileSystemBackups;
    private final String roleName;
    private final IManagedPolicy permissionsBoundary;
    private final String rolePath;
    private final Duration maxSessionDuration;
    private final Map<String, String> tags;
    private final String veleroPluginImage;
    private final RoleLayout roleLayout;
    private final Isolation isolation;
    /** The clusters by name, for their sources. */
    private final Map<String, EksCluster> byName = new HashMap<>();
    private final boolean snapshotMoveData;
    private final BackupBucket remoteBucket;
    /** The sources of other stacks, by name. */
    private final Map<String, BackupSource> remoteSources = new java.util.LinkedHashMap<>();
    private final List<BucketGrant> bucketGrants;
    private final Replication replication;
    private final List<IKey> formerEncryptionKeys;
    private final String replicaOf;
    private final software.amazon.awscdk.services.s3.ObjectLockRetention objectLockRetention;
    /** Each role's clusters, by role name ({@link #DEFAULT_ROLE} for the shared role), in name order. */
    private final Map<String, List<EksCluster>> clustersByRole;

    /**
     * The name {@link #getClustersByRole()} gives the shared role, construct ID {@code Role}: not
     * a valid role name ({@link EksCluster.Builder#role}), so no named role can have it.
     */
    public static final String DEFAULT_ROLE = "(shared)";

    private VeleroBackupProps(Builder b) {
        this.identity = b.identity == null ? WorkloadIdentity.IRSA : b.identity;
        this.podIdentityPinning = b.podIdentityPinning == null || b.podIdentityPinning;
        this.bucketGrants = b.bucketGrants == null ? List.of() : List.copyOf(b.bucketGrants);
        this.clusters = checkClusters(b.clusters, identity, podIdentityPinning, !bucketGrants.isEmpty()
                || b.replicaOf != null);
        this.bucketName = b.bucketName == null || Rules.unresolved(b.bucketName)
                ? b.bucketName
                : Rules.bucketName("bucketName", b.bucketName);
        if (b.encryption == BackupEncryption.S3_MANAGED && b.encryptionKey != null) {
            throw new InvalidInputException("encryptionKey", "a key is given while encryption is S3_MANAGED"
                    + " (expected encryption KMS, or no key)");
        }
        this.encryptionKey = b.encryptionKey;
        this.encryption = b.encryptionKey != null
                ? BackupEncryption.KMS
                : b.encryption == null ? BackupEncryption.S3_MANAGED : b.encryption;
        this.noncurrentVersionExpiration = b.noncurrentVersionExpiration == null
                ? Duration.days(DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS)
                : checkWholeDays(b.noncurrentVersionExpiration);
        this.removalPolicy = b.removalPolicy == null ? RemovalPolicy.RETAIN : b.removalPolicy;
        this.accessLogsBucket = b.accessLogsBucket;
        String logs = accessLogsBucket == null ? null : accessLogsBucket.getBucketName();
        if (logs != null && !Rules.unresolved(logs)) {
            Rules.bucketName("accessLogsBucket", logs);
            if (logs.equals(bucketName)) {
                throw new InvalidInputException("accessLogsBucket", quote(logs) + " is the backup bucket itself"
                        + " (expected another bucket: S3 must not log a bucket into itself)");
            }
        }
        this.maxTrustPolicyLength = b.maxTrustPolicyLength == null
                ? DEFAULT_MAX_TRUST_POLICY_LENGTH
                : checkTrustLimit(b.maxTrustPolicyLength);
        this.existingBucket = b.existingBucket;
        if (existingBucket != null) {
            String notWith = " does not apply to an existing bucket (expected it left out with existingBucket:"
                    + " velero-irsa changes nothing on that bucket)";
            if (b.bucketName != null) {
                throw new InvalidInputException("bucketName", quote(b.bucketName) + notWith);
            }
            if (b.accessLogsBucket != null) {
                throw new InvalidInputException("accessLogsBucket", quote(logs) + notWith);
            }
            if (b.noncurrentVersionExpiration != null) {
                throw new InvalidInputException("noncurrentVersionExpiration", "it" + notWith);
            }
            if (b.encryption == BackupEncryption.KMS && b.encryptionKey == null) {
                throw new InvalidInputException("encryption", "KMS without the existing bucket's own key cannot"
                        + " apply to it (expected that key given, or no encryption)");
            }
        }
        this.remoteBucket = b.remoteBucket;
        if (remoteBucket != null) {
            checkRemoteBucket(b);
        }
        if (!bucketGrants.isEmpty() && existingBucket != null) {
            throw new InvalidInputException("bucketGrants", bucketGrants.size() + " grants are given with existingBucket"
                    + " (expected a bucket this construct creates: velero-irsa changes nothing on an existing bucket)");
        }
        this.replication = b.replication;
        List<IKey> former = b.formerEncryptionKeys == null ? List.of() : b.formerEncryptionKeys;
        for (int i = 0; i < former.size(); i++) {
            Rules.KMS_KEY_ARN.check("formerEncryptionKeys[" + i + "]",
                    Rules.required("formerEncryptionKeys[" + i + "]", former.get(i)).getKeyArn());
        }
        if (!former.isEmpty() && b.remoteBucket != null) {
            throw new InvalidInputException("formerEncryptionKeys", "they are given with remoteBucket (expected them"
                    + " left out: that stack's bucket and its keys are that stack's)");
        }
        this.formerEncryptionKeys = List.copyOf(former);
        this.replicaOf = b.replicaOf;
        this.objectLockRetention = b.objectLockRetention;
        checkReplication();
        this.ebsSnapshots = b.ebsSnapshots == null || b.ebsSnapshots;
        this.fileSystemBackups = b.fileSystemBackups == null ? !ebsSnapshots : b.fileSystemBackups;
        List<IKey> keys = b.ebsKmsKeys == null ? List.of() : b.ebsKmsKeys;
        for (int i = 0; i < keys.size(); i++) {
            Rules.KMS_KEY_ARN.check("ebsKmsKeys[" + i + "]", Rules.required("ebsKmsKeys[" + i + "]", keys.get(i)).getKeyArn());
        }
        if (!keys.isEmpty() && !ebsSnapshots) {
            throw new InvalidInputException("ebsKmsKeys", keys.size() + " keys are given while ebsSnapshots is"
                    + " false (expected none: without EBS snapshots Velero creates no volumes)");
        }
        this.ebsKmsKeys = List.copyOf(keys);
        this.roleName = b.roleName == null || Rules.unresolved(b.roleName)
                ? b.roleName : Rules.ROLE_NAME.check("roleName", b.roleName);
        this.permissionsBoundary = b.permissionsBoundary;
        if (permissionsBoundary != null) {
            Rules.MANAGED_POLICY_ARN.check("permissionsBoundary", permissionsBoundary.getManagedPolicyArn());
        }
        this.rolePath = b.rolePath == null ? null : Rules.ROLE_PATH.check("rolePath", b.rolePath);
        this.maxSessionDuration = b.maxSessionDuration == null ? null : checkSessionDuration(b.maxSessionDuration);
        this.tags = b.tags == null ? Map.of() : Rules.tags("tags", b.tags);
        this.veleroPluginImage = b.veleroPluginImage == null ? DEFAULT_VELERO_PLUGIN_IMAGE
                : checkImage(b.veleroPluginImage);
        this.roleLayout = b.roleLayout == null ? RoleLayout.SHARED : b.roleLayout;
        Map<String, List<EksCluster>> byRole = new java.util.TreeMap<>();
        clusters.stream().sorted(java.util.Comparator.comparing(EksCluster::getName)).forEach(c ->
                byRole.computeIfAbsent(roleOf(c), k -> new java.util.ArrayList<>()).add(c));
        byRole.replaceAll((k, v) -> List.copyOf(v));
        this.clustersByRole = java.util.Collections.unmodifiableMap(byRole);
        this.isolation = b.isolation == null ? Isolation.PER_CLUSTER : b.isolation;
        this.snapshotMoveData = Boolean.TRUE.equals(b.snapshotMoveData);
        clusters.forEach(c -> byName.put(c.getName(), c));
        List<BackupSource> remote = b.remoteSources == null ? List.of() : b.remoteSources;
        for (int i = 0; i < remote.size(); i++) {
            BackupSource source = Rules.required("remoteSources[" + i + "]", remote.get(i));
            if (byName.containsKey(source.name()) || remoteSources.putIfAbsent(source.name(), source) != null) {
                throw new InvalidInputException("remoteSources[" + i + "].name", quote(source.name()) + " is the name of"
                        + " another cluster or source too (expected unique cluster names across the fleet)");
            }
        }
        if (isolation == Isolation.SHARED && (!remoteSources.isEmpty() || remoteBucket != null || !bucketGrants.isEmpty())) {
            throw new InvalidInputException("isolation", "SHARED with a bucket or sources of another stack (expected"
                    + " PER_CLUSTER, the default: another account's bucket policy grants each role its own prefixes)");
        }
        checkIsolation();
        if (roleName != null && !Rules.unresolved(roleName)) {
            for (String role : clustersByRole.keySet()) {
                String full = roleName(role);
                if (!role.equals(DEFAULT_ROLE) && full.length() > 64) {
                    throw new InvalidInputException("roleName", quote(roleName) + " names the role " + quote(role)
                            + " " + quote(full) + ", " + full.length() + " characters (expected at most 64: with"
                            + " several roles, each is named <roleName>-<role>; a shorter roleName or role name)");
                }
            }
        }
    }

    /**
     * The clusters' prefixes and sources, against each other: with {@link Isolation#SHARED} none
     * is set; else every source is a backing-up cluster of these props, no two backing-up
     * clusters' prefixes are the same or one inside the other, no restore-only cluster shares a
     * role with a backing-up one, and a cluster's locations have distinct names.
     */
    private void checkIsolation() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < clusters.size(); i++) {
            index.put(clusters.get(i).getName(), i);
        }
        for (int i = 0; i < clusters.size(); i++) {
            EksCluster c = clusters.get(i);
            String at = "clusters[" + i + "].";
            if (isolation == Isolation.SHARED) {
                String field = c.givenPrefix() != null ? "prefix" : !c.getRestoresFrom().isEmpty() ? "restoresFrom"
                        : c.isRestoreOnly() ? "restoreOnly" : null;
                if (field != null) {
                    throw new InvalidInputException(at + field, "is set while isolation is SHARED (expected isolation"
                            + " PER_CLUSTER, the default, for prefixes and restores; with SHARED every cluster uses"
                            + " the bucket's root)");
                }
                continue;
            }
            Map<String, String> locationNames = new HashMap<>();
            if (!c.isRestoreOnly()) {
                locationNames.put(DEFAULT_LOCATION, "its own location");
            }
            for (int j = 0; j < c.getRestoresFrom().size(); j++) {
                String source = c.getRestoresFrom().get(j);
                String field = at + "restoresFrom[" + j + "]";
                Integer s = index.get(source);
                if (s == null && !remoteSources.containsKey(source)) {
                    throw new InvalidInputException(field, quote(source) + " is not one of the clusters (expected"
                            + " the name of a cluster listed here)");
                }
                if (s != null && clusters.get(s).isRestoreOnly()) {
                    throw new InvalidInputException(field, quote(source) + " is a restore-only cluster, with no"
                            + " backups of its own (expected a cluster that backs up)");
                }
                String location = locationName(source);
                String taken = locationNames.putIfAbsent(location, "the location of source " + quote(source));
                if (taken != null || !location.matches(Rules.DNS_LABEL_PATTERN)) {
                    throw new InvalidInputException(field, quote(source) + " would be the backup storage location "
                            + quote(location) + (taken != null ? ", the name of " + taken + " too" : ", not a"
                            + " DNS-1123 name") + " (expected source names that, lower-cased with '_' as '-', are"
                            + " distinct DNS-1123 names other than " + DEFAULT_LOCATION + ")");
                }
            }
            if (c.isRestoreOnly()) {
                for (EksCluster other : clustersByRole.get(roleOf(c))) {
                    if (!other.isRestoreOnly()) {
                        throw new InvalidInputException(at + "restoreOnly", "cluster " + quote(c.getName())
                                + " shares role " + quote(roleOf(c))
                                + " with cluster " + quote(other.getName()) + ", which backs up (expected a role that"
                                + " only restore-only clusters use: clusters[].role, or roles PER_CLUSTER; IAM tells"
                                + " roles apart, not the clusters on one)");
                    }
                }
            }
        }
        if (isolation == Isolation.SHARED) {
            return;
        }
        // Sorted with a '/' after each, a prefix that holds another comes right before it or before
        // one that holds it too: neighbours are enough.
        List<EksCluster> backingUp = clusters.stream().filter(c -> !c.isRestoreOnly())
                .sorted(java.util.Comparator.comparing(c -> c.getPrefix() + "/")).toList();
        for (int k = 1; k < backingUp.size(); k++) {
            EksCluster a = backingUp.get(k - 1);
            EksCluster c = backingUp.get(k);
            if ((c.getPrefix() + "/").startsWith(a.getPrefix() + "/")) {
                boolean same = c.getPrefix().equals(a.getPrefix());
                throw new InvalidInputException("clusters[" + index.get(c.getName()) + "].prefix", quote(c.getPrefix())
                        + (same ? " is the prefix of cluster " : " is inside the prefix of cluster ")
                        + quote(a.getName()) + (same ? " too" : ", " + quote(a.getPrefix())) + " (expected a prefix"
                        + " of its own, neither the same as another's nor inside it; restoresFrom to read another"
                        + " cluster's backups)");
            }
        }
    }

    /** The name of a cluster's own backup storage location in its wiring. */
    public static final String DEFAULT_LOCATION = "default";

    /**
     * The name of the {@code ReadOnly} backup storage location that reads a source cluster's
     * backups: its name lower-cased, '_' as '-' (a Kubernetes object name).
     *
     * @param source the source cluster's name
     * @return the location's name
     */
    public static String locationName(String source) {
        return source.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** {@return where each cluster's backups live in the bucket: per cluster (the default) or at the root} */
    public Isolation getIsolation() {
        return isolation;
    }

    /**
     * {@return whether Velero moves CSI snapshots' data into the bucket by default ({@code
     * --default-snapshot-move-data}): volumes then restore in any region}
     */
    public boolean isSnapshotMoveData() {
        return snapshotMoveData;
    }

    /**
     * The clusters a cluster restores from, resolved.
     *
     * @param cluster one of these props' clusters
     * @return its sources, in the order given
     */
    public List<EksCluster> sourcesOf(EksCluster cluster) {
        return cluster.getRestoresFrom().stream().filter(byName::containsKey).map(byName::get).toList();
    }

    /**
     * The sources of another stack a cluster restores from.
     *
     * @param cluster one of these props' clusters
     * @return its sources that are {@link #getRemoteSources() remote}, in the order given
     */
    public List<BackupSource> remoteSourcesOf(EksCluster cluster) {
        return cluster.getRestoresFrom().stream().filter(remoteSources::containsKey).map(remoteSources::get).toList();
    }

    /** {@return the cluster of these props of this name, or {@code null}} */
    EksCluster clusterNamed(String name) {
        return byName.get(name);
    }

    /** {@return the source of another stack of this name, or {@code null}} */
    BackupSource remoteSourceNamed(String name) {
        return remoteSources.get(name);
    }

    /** {@return the clusters of other stacks that these clusters may restore from, in the order given} */
    public List<BackupSource> getRemoteSources() {
        return List.copyOf(remoteSources.values());
    }

    /** {@return the bucket of another stack that these clusters back up to, or {@code null}} */
    public BackupBucket getRemoteBucket() {
        return remoteBucket;
    }

    /** {@return the roles of other accounts granted their prefixes in the bucket this construct creates} */
    public List<BucketGrant> getBucketGrants() {
        return bucketGrants;
    }

    /**
     * {@return the keys the bucket's objects were encrypted with before its encryption changed:
     * every role may still decrypt with them, through S3 and for this bucket only}
     */
    public List<IKey> getFormerEncryptionKeys() {
        return formerEncryptionKeys;
    }

    /** {@return the replication of the bucket this construct creates to a replica, or {@code null}} */
    public Replication getReplication() {
        return replication;
    }

    /**
     * {@return the ARN of the role that replicates into the bucket this construct creates, when that
     * bucket is a replica ({@link Builder#replicaOf}); {@code null} otherwise}
     */
    public String getReplicaOf() {
        return replicaOf;
    }

    /** {@return the replica's default Object Lock retention, or {@code null} for none} */
    public software.amazon.awscdk.services.s3.ObjectLockRetention getObjectLockRetention() {
        return objectLockRetention;
    }

    /**
     * Replication and replicas apply to a bucket this construct creates and names: the
     * replication role's policy and the replica's key policy name it, and each names the other
     * before either exists.
     */
    private void checkReplication() {
        if (replication != null && replicaOf != null) {
            throw new InvalidInputException("replication", "it is given with replicaOf (expected one: a replica"
                    + " bucket is not replicated again)");
        }
        if (objectLockRetention != null && replicaOf == null) {
            throw new InvalidInputException("objectLockRetention", "it is given without replicaOf (expected Object Lock"
                    + " on a replica only: Velero deletes and rewrites objects in the bucket it writes, velero#8686)");
        }
        if (replicaOf != null) {
            new BucketGrant(replicaOf, Map.of(), Map.of()); // its ARN, checked by the same rule
        }
        String field = replication != null ? "replication" : replicaOf != null ? "replicaOf" : null;
        if (field == null) {
            return;
        }
        if (existingBucket != null || remoteBucket != null) {
            throw new InvalidInputException(field, "it is given with " + (existingBucket != null ? "existingBucket"
                    : "remoteBucket") + " (expected a bucket this construct creates)");
        }
        if (bucketName == null || Rules.unresolved(bucketName)) {
            throw new InvalidInputException("bucketName", (bucketName == null ? "missing" : "known only at deploy time")
                    + " while " + field + " is given (expected the bucket's name: the replication role's policy and"
                    + " the replica's names it, written out)");
        }
        if (replication != null && (encryption == BackupEncryption.KMS) != (replication.replica().keyAlias() != null)) {
            throw new InvalidInputException("replication", "its replica " + (replication.replica().keyAlias() == null
                    ? "names no key" : "names key " + quote(replication.replica().keyAlias())) + " while encryption is "
                    + encryption + " (expected a replica key alias exactly with KMS: the copies are encrypted like the"
                    + " originals, with a key of the replica's region)");
        }
        if (replication != null && replication.replica().bucketName().equals(bucketName)) {
            throw new InvalidInputException("replication", "its replica " + quote(bucketName) + " is the bucket itself"
                    + " (expected another bucket, in another region)");
        }
        if (encryption == BackupEncryption.KMS && encryptionKey != null) {
            throw new InvalidInputException("encryptionKey", "a key is given while " + field + " is given (expected the"
                    + " key this construct creates: the replication role's policies name it)");
        }
    }

    /** A bucket of another stack: nothing of this construct's own bucket applies, and KMS goes by its key's alias. */
    private void checkRemoteBucket(Builder b) {
        String notWith = " does not apply to a bucket of another stack (expected it left out with remoteBucket:"
                + " that stack makes the bucket)";
        if (b.existingBucket != null) {
            throw new InvalidInputException("existingBucket", "it is given with remoteBucket (expected one of the two)");
        }
        if (b.bucketName != null) {
            throw new InvalidInputException("bucketName", quote(b.bucketName) + notWith);
        }
        if (b.accessLogsBucket != null) {
            throw new InvalidInputException("accessLogsBucket", "it" + notWith);
        }
        if (b.noncurrentVersionExpiration != null) {
            throw new InvalidInputException("noncurrentVersionExpiration", "it" + notWith);
        }
        if (b.encryptionKey != null) {
            throw new InvalidInputException("encryptionKey", "it" + notWith + "; its key is named by remoteBucket's keyAlias");
        }
        if (b.bucketGrants != null && !b.bucketGrants.isEmpty()) {
            throw new InvalidInputException("bucketGrants", "they" + notWith);
        }
        if ((b.encryption == BackupEncryption.KMS) != (remoteBucket.keyAlias() != null)) {
            throw new InvalidInputException("encryption", String.valueOf(b.encryption == null ? BackupEncryption.S3_MANAGED
                    : b.encryption) + " does not match remoteBucket, " + (remoteBucket.keyAlias() == null
                    ? "which names no key" : "which names key " + quote(remoteBucket.keyAlias())) + " (expected KMS"
                    + " exactly when the bucket's key alias is given)");
        }
    }

    /** The role a cluster uses: the one it names, else its own or the shared one by {@link #getRoleLayout()}. */
    private String roleOf(EksCluster c) {
        return c.getRole() != null ? c.getRole() : roleLayout == RoleLayout.PER_CLUSTER ? c.getName() : DEFAULT_ROLE;
    }

    /**
     * The IAM name of a role when {@code roleName} is set: {@code roleName} for the shared role,
     * {@code <roleName>-<role>} for a named one; {@code null} when CloudFormation names them.
     *
     * @param role the role's name, {@link #DEFAULT_ROLE} for the shared one
     * @return the IAM role name, or {@code null}
     */
    public String roleName(String role) {
        return roleName == null ? null : role.equals(DEFAULT_ROLE) ? roleName : roleName + "-" + role;
    }

    /** {@return which role a cluster that names none uses} */
    public RoleLayout getRoleLayout() {
        return roleLayout;
    }

    /**
     * {@return every role's clusters, by role name ({@link #DEFAULT_ROLE} for the shared role),
     * roles and clusters in name order}
     */
    public Map<String, List<EksCluster>> getClustersByRole() {
        return clustersByRole;
    }

    private static Duration checkSessionDuration(Duration d) {
        if (Token.isUnresolved(d)) {
            return d;
        }
        double seconds = d.toSeconds(TimeConversionOptions.builder().integral(false).build()).doubleValue();
        if (seconds < 3600 || seconds > 43200 || seconds != Math.floor(seconds)) {
            throw new InvalidInputException("maxSessionDuration", d.toHumanString() + " is out of range (expected"
                    + " whole seconds from 3600, one hour, to 43200, twelve hours)");
        }
        return d;
    }

    private static String checkImage(String image) {
        if (!image.matches("[a-z0-9]+(?:[._/:-][a-zA-Z0-9]+)*(?:@sha256:[0-9a-f]{64})?")) {
            throw new InvalidInputException("veleroPluginImage", quote(image) + " is not a container image"
                    + " reference (expected a name and tag, like " + DEFAULT_VELERO_PLUGIN_IMAGE + ")");
        }
        return image;
    }

    private static int checkTrustLimit(int limit) {
        if (limit < 1 || limit > TrustPolicySize.MAX_LIMIT) {
            throw new InvalidInputException("maxTrustPolicyLength", limit + " is out of range (expected IAM's quota"
                    + " \"Role trust policy length\" in this account: " + DEFAULT_MAX_TRUST_POLICY_LENGTH
                    + " by default, at most " + TrustPolicySize.MAX_LIMIT + ")");
        }
        return limit;
    }

    /** {@return a builder of props} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks a KMS key ARN as these props do, for values that reach the construct as an
     * {@code IKey} imported from that ARN.
     *
     * @param field where the value comes from, for the message
     * @param arn   the ARN
     * @return the ARN, when valid
     * @throws InvalidInputException naming {@code field}
     */
    public static String checkKmsKeyArn(String field, String arn) {
        return Rules.KMS_KEY_ARN.check(field, arn);
    }

    /**
     * Checks a bucket name as these props do, for values that reach the construct as an
     * {@code IBucket} imported by that name.
     *
     * @param field where the value comes from, for the message
     * @param name  the bucket name
     * @return the name, when valid
     * @throws InvalidInputException naming {@code field}
     */
    public static String checkBucketName(String field, String name) {
        return Rules.bucketName(field, name);
    }

    private static List<EksCluster> checkClusters(List<EksCluster> given, WorkloadIdentity identity,
            boolean pinning, boolean granted) {
        List<EksCluster> clusters = Rules.required("clusters", given);
        if (clusters.isEmpty() && !granted) {
            throw new InvalidInputException("clusters", "[] is empty (expected at least one cluster)");
        }
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> issuers = new HashMap<>();
        for (int i = 0; i < clusters.size(); i++) {
            EksCluster c = Rules.required("clusters[" + i + "]", clusters.get(i));
            String issuer;
            try {
                // A cluster of the same app gives its provider's issuer: aws-eks makes the provider now.
                issuer = identity.irsa() ? c.getOidcIssuer() : c.givenIssuer();
            } catch (InvalidInputException e) {
                throw e.under("clusters[" + i + "]");
            }
            if (identity.irsa() && issuer == null) {
                throw new InvalidInputException("clusters[" + i + "].oidcIssuer", "missing (expected the cluster's"
                        + " issuer as `aws eks describe-cluster --query cluster.identity.oidc.issuer` prints it;"
                        + " identity " + identity + " needs it)");
            }
            if (!identity.irsa() && c.givenProviderArn() != null) {
                throw new InvalidInputException("clusters[" + i + "].oidcProviderArn", quote(c.givenProviderArn())
                        + " does not apply to identity POD_IDENTITY (expected no oidcProviderArn: Pod Identity uses"
                        + " no OIDC provider)");
            }
            if (identity.podIdentity() && pinning && c.getClusterName() == null) {
                throw new InvalidInputException("clusters[" + i + "].clusterName", "missing (expected the EKS"
                        + " cluster name: the Pod Identity trust is pinned to it; or podIdentityPinning false to"
                        + " trust every pod identity association in the account)");
            }
            Integer other = names.putIfAbsent(c.getName(), i);
            if (other != null) {
                throw new InvalidInputException("clusters[" + i + "].name", quote(c.getName())
                        + " is the name of clusters[" + other + "] too (expected unique cluster names)");
            }
            // A token issuer is compared at deploy time, by IAM (one provider per issuer).
            other = issuer == null || Rules.unresolved(issuer) ? null : issuers.putIfAbsent(issuer, i);
            if (other != null) {
                throw new InvalidInputException("clusters[" + i + "].oidcIssuer", quote(issuer)
                        + " is the issuer of clusters[" + other + "] (" + quote(clusters.get(other).getName())
                        + ") too (expected one entry per cluster: IAM holds one OIDC provider per issuer)");
            }
        }
        return List.copyOf(clusters);
    }

    private static Duration checkWholeDays(Duration d) {
        if (Token.isUnresolved(d)) {
            return d;
        }
        double days = d.toDays(TimeConversionOptions.builder().integral(false).build()).doubleValue();
        if (days < 1 || days != Math.floor(days)) {
            throw new InvalidInputException("noncurrentVersionExpiration", d.toHumanString()
                    + " is not a whole number of days of at least 1 (expected 1 day or more, in whole days)");
        }
        return d;
    }

    /** {@return the clusters whose Velero may assume the role, in the order given} */
    public List<EksCluster> getClusters() {
        return clusters;
    }

    /** {@return the bucket's physical name, or {@code null} for a name CloudFormation generates} */
    public String getBucketName() {
        return bucketName;
    }

    /** {@return the bucket's encryption: {@link BackupEncryption#KMS} whenever a key is given} */
    public BackupEncryption getEncryption() {
        return encryption;
    }

    /** {@return the existing KMS key to encrypt with, or {@code null}} */
    public IKey getEncryptionKey() {
        return encryptionKey;
    }

    /** {@return how long S3 keeps an object version after it stops being current} */
    public Duration getNoncurrentVersionExpiration() {
        return noncurrentVersionExpiration;
    }

    /** {@return what happens to the bucket and a created key when they leave the stack} */
    public RemovalPolicy getRemovalPolicy() {
        return removalPolicy;
    }

    /**
     * {@return the longest trust policy the role may have, in characters as IAM counts them; the
     * construct fails with a message when the clusters need more}
     */
    public int getMaxTrustPolicyLength() {
        return maxTrustPolicyLength;
    }

    /** {@return the existing bucket that receives the backup bucket's server access logs, or {@code null}} */
    public IBucket getAccessLogsBucket() {
        return accessLogsBucket;
    }

    /** {@return how Velero's pods get credentials} */
    public WorkloadIdentity getIdentity() {
        return identity;
    }

    /** {@return whether the Pod Identity trust is pinned to the listed clusters and service accounts} */
    public boolean isPodIdentityPinning() {
        return podIdentityPinning;
    }

    /** {@return the existing bucket to use instead of creating one, or {@code null}} */
    public IBucket getExistingBucket() {
        return existingBucket;
    }

    /** {@return keys of encrypted EBS volumes and snapshots Velero restores from; empty for none} */
    public List<IKey> getEbsKmsKeys() {
        return ebsKmsKeys;
    }

    /** {@return whether the policy allows EBS snapshots at all} */
    public boolean isEbsSnapshots() {
        return ebsSnapshots;
    }

    /**
     * {@return whether the wiring deploys Velero's node-agent for file-system backups (Kopia); with
     * EBS snapshots off, every volume is then backed up that way by default}
     */
    public boolean isFileSystemBackups() {
        return fileSystemBackups;
    }

    /** {@return the IAM name of the shared role (see {@link #roleName(String)}), or {@code null}} */
    public String getRoleName() {
        return roleName;
    }

    /** {@return the managed policy that bounds every role's permissions, or {@code null}} */
    public IManagedPolicy getPermissionsBoundary() {
        return permissionsBoundary;
    }

    /** {@return the IAM path of every role, or {@code null} for {@code /}} */
    public String getRolePath() {
        return rolePath;
    }

    /** {@return the role's maximum session duration, or {@code null} for IAM's default of one hour} */
    public Duration getMaxSessionDuration() {
        return maxSessionDuration;
    }

    /** {@return tags for every resource of the construct} */
    public Map<String, String> getTags() {
        return tags;
    }

    /** {@return the AWS plugin image named by the install command and the Helm values} */
    public String getVeleroPluginImage() {
        return veleroPluginImage;
    }

    /** Builds {@link VeleroBackupProps}; only {@code clusters} is required. */
    public static final class Builder {
        private List<EksCluster> clusters;
        private String bucketName;
        private BackupEncryption encryption;
        private IKey encryptionKey;
        private Duration noncurrentVersionExpiration;
        private RemovalPolicy removalPolicy;
        private Integer maxTrustPolicyLength;
        private IBucket accessLogsBucket;
        private WorkloadIdentity identity;
        private Boolean podIdentityPinning;
        private IBucket existingBucket;
        private List<IKey> ebsKmsKeys;
        private Boolean ebsSnapshots;
        private Boolean fileSystemBackups;
        private String roleName;
        private IManagedPolicy permissionsBoundary;
        private String rolePath;
        private Duration maxSessionDuration;
        private Map<String, String> tags;
        private String veleroPluginImage;
        private RoleLayout roleLayout;
        private Isolation isolation;
        private Boolean snapshotMoveData;
        private BackupBucket remoteBucket;
        private List<BackupSource> remoteSources;
        private List<BucketGrant> bucketGrants;
        private Replication replication;
        private List<IKey> formerEncryptionKeys;
        private String replicaOf;
        private software.amazon.awscdk.services.s3.ObjectLockRetention objectLockRetention;

        private Builder() {}

        /**
         * Keys that encrypted the bucket's objects before its encryption changed (from KMS to
         * SSE-S3, or to another key): objects keep the key they were written with, so every role
         * keeps {@code kms:Decrypt} on these, through S3 in the bucket's region and for this
         * bucket only, until they are removed here (after re-encrypting the objects).
         *
         * @param formerEncryptionKeys the former keys, by ARN
         * @return this builder; default - none
         */
        public Builder formerEncryptionKeys(List<IKey> formerEncryptionKeys) {
            this.formerEncryptionKeys = formerEncryptionKeys;
            return this;
        }

        /**
         * Replicates the bucket this construct creates to a replica that another stack holds
         * ({@link Replication}). Needs {@code bucketName}, and with KMS the key this construct
         * creates.
         *
         * @param replication the replica and whether Replication Time Control is on
         * @return this builder; default - no replication
         */
        public Builder replication(Replication replication) {
            this.replication = replication;
            return this;
        }

        /**
         * Makes the bucket this construct creates a replica that S3 replicates into with this role:
         * Object Lock enabled from its creation (it cannot be turned on later without
         * CloudFormation replacing the bucket, nor ever off), with the default retention of
         * {@link #objectLockRetention} if given; the role admitted to write copies, in the bucket
         * and key policy, when it is of another account. With it, {@code clusters} may be empty.
         *
         * @param replicationRoleArn the ARN of the role of the bucket that replicates here ({@link Replication#roleName()})
         * @return this builder; default - not a replica
         */
        public Builder replicaOf(String replicationRoleArn) {
            this.replicaOf = replicationRoleArn;
            return this;
        }

        /**
         * The replica's default Object Lock retention: every object version replicated there is
         * locked for this long, in GOVERNANCE or COMPLIANCE mode. Only with {@link #replicaOf}.
         *
         * @param objectLockRetention the mode and duration ({@code ObjectLockRetention.compliance(Duration.days(30))})
         * @return this builder; default - Object Lock enabled without a default retention
         */
        public Builder objectLockRetention(software.amazon.awscdk.services.s3.ObjectLockRetention objectLockRetention) {
            this.objectLockRetention = objectLockRetention;
            return this;
        }

        /**
         * A bucket that another stack of the fleet holds (another account's, for a central backup
         * account) instead of one this construct creates: the roles get their prefixes there, in
         * their identity policies; that stack's bucket policy grants them the same
         * ({@link #bucketGrants}). Needs {@link Isolation#PER_CLUSTER}; excludes the bucket's own
         * options.
         *
         * @param remoteBucket the bucket, by name, account, region and key alias
         * @return this builder
         */
        public Builder remoteBucket(BackupBucket remoteBucket) {
            this.remoteBucket = remoteBucket;
            return this;
        }

        /**
         * Clusters of other stacks (accounts, regions) that these clusters may name in
         * {@link EksCluster.Builder#restoresFrom}: each restoring role reads the source's prefix
         * in the source's bucket and gets a {@code ReadOnly} location on it.
         *
         * @param remoteSources the sources, with unique names that are not these clusters'
         * @return this builder
         */
        public Builder remoteSources(List<BackupSource> remoteSources) {
            this.remoteSources = remoteSources;
            return this;
        }

        /**
         * Roles of other accounts granted prefixes in the bucket this construct creates, in its
         * bucket policy and (with KMS) its key policy: the other half of cross-account access,
         * whose identity half each role's own stack holds. With grants, {@code clusters} may be
         * empty: a bucket that only other accounts' roles use.
         *
         * @param bucketGrants the roles and their prefixes
         * @return this builder
         */
        public Builder bucketGrants(List<BucketGrant> bucketGrants) {
            this.bucketGrants = bucketGrants;
            return this;
        }

        /**
         * Where each cluster's backups live in the bucket, and so what its role reaches: under a
         * prefix of its own ({@link Isolation#PER_CLUSTER}), or every cluster at the root with the
         * whole bucket ({@link Isolation#SHARED}).
         *
         * @param isolation per-cluster prefixes or the shared root
         * @return this builder; default - {@link Isolation#PER_CLUSTER}
         */
        public Builder isolation(Isolation isolation) {
            this.isolation = isolation;
            return this;
        }

        /**
         * Whether Velero moves the data of CSI snapshots into the bucket by default (Velero's
         * {@code --default-snapshot-move-data}, with its node-agent): backups that restore in
         * another region, which EBS snapshots cannot. Needs the EBS CSI driver and a
         * VolumeSnapshotClass labelled {@code velero.io/csi-volumesnapshot-class: "true"}.
         *
         * @param snapshotMoveData true to move snapshot data by default
         * @return this builder; default - false
         */
        public Builder snapshotMoveData(Boolean snapshotMoveData) {
            this.snapshotMoveData = snapshotMoveData;
            return this;
        }

        /**
         * Which role a cluster that names none ({@link EksCluster.Builder#role}) uses: the shared
         * one, at construct ID {@code Role}, or with {@link RoleLayout#PER_CLUSTER} one of its
         * own, named after the cluster, at {@code Roles/<cluster name>}.
         *
         * @param roleLayout the layout of the roles
         * @return this builder; default - {@link RoleLayout#SHARED}
         */
        public Builder roleLayout(RoleLayout roleLayout) {
            this.roleLayout = roleLayout;
            return this;
        }

        /**
         * How Velero's pods get the role: IRSA (an OIDC provider per cluster), EKS Pod Identity,
         * or both while a fleet moves from one to the other.
         *
         * @param identity IRSA, POD_IDENTITY or BOTH
         * @return this builder; default - {@link WorkloadIdentity#IRSA}
         */
        public Builder identity(WorkloadIdentity identity) {
            this.identity = identity;
            return this;
        }

        /**
         * With Pod Identity, pin the trust to the listed clusters and service accounts through
         * the session tags EKS sets ({@code eks-cluster-arn}, {@code kubernetes-namespace},
         * {@code kubernetes-service-account}); every cluster then needs its {@code clusterName}
         * (and its {@code region} when it is not the stack's). Turned off, any pod identity
         * association in the account may use the role, and the construct warns so.
         *
         * @param podIdentityPinning whether the Pod Identity trust names the clusters and service accounts
         * @return this builder; default - true
         */
        public Builder podIdentityPinning(Boolean podIdentityPinning) {
            this.podIdentityPinning = podIdentityPinning;
            return this;
        }

        /**
         * An existing bucket for the backups: none is created and the policy is scoped to it
         * (and to {@link #encryptionKey} when the bucket uses SSE-KMS).
         *
         * @param existingBucket the bucket Velero writes to, imported (for example {@code Bucket.fromBucketName})
         * @return this builder; default - a new bucket
         */
        public Builder existingBucket(IBucket existingBucket) {
            this.existingBucket = existingBucket;
            return this;
        }

        /**
         * Customer-managed keys of the EBS volumes Velero snapshots and restores: the policy
         * gets the KMS actions the Velero AWS plugin lists, on these keys only, with
         * {@code kms:CreateGrant}, {@code kms:ListGrants} and {@code kms:RevokeGrant} limited to
         * grants for AWS resources.
         *
         * @param ebsKmsKeys the keys of the encrypted EBS volumes Velero snapshots and restores
         * @return this builder; default - none
         */
        public Builder ebsKmsKeys(List<IKey> ebsKmsKeys) {
            this.ebsKmsKeys = ebsKmsKeys;
            return this;
        }

        /**
         * Whether Velero takes EBS snapshots; false drops the EC2 statements, for teams that
         * back volumes up with file-system backups only.
         *
         * @param ebsSnapshots whether the policy allows Velero's EBS snapshot calls and the wiring configures a snapshot location
         * @return this builder; default - true
         */
        public Builder ebsSnapshots(Boolean ebsSnapshots) {
            this.ebsSnapshots = ebsSnapshots;
            return this;
        }

        /**
         * Whether Velero backs volumes up from the file system (Kopia): the wiring then deploys
         * Velero's node-agent, and with {@code ebsSnapshots} false it backs up every volume that
         * way by default. It needs no IAM permission beyond the bucket's.
         *
         * @param fileSystemBackups whether Velero's node-agent runs, for Kopia file-system backups
         * @return this builder; default - true when {@code ebsSnapshots} is false, else false
         */
        public Builder fileSystemBackups(Boolean fileSystemBackups) {
            this.fileSystemBackups = fileSystemBackups;
            return this;
        }

        /**
         * The IAM name of the shared role; with several roles, each named role is named
         * {@code <roleName>-<role>} (at most 64 characters in all). A fixed name lets other
         * accounts' policies name the role before it exists; changing it replaces the role.
         *
         * @param roleName 1 to 64 letters, digits and {@code +=,.@_-}
         * @return this builder; default - names CloudFormation generates
         */
        public Builder roleName(String roleName) {
            this.roleName = roleName;
            return this;
        }

        /**
         * A managed policy that bounds every role's permissions, for example
         * {@code ManagedPolicy.fromManagedPolicyArn(scope, "Boundary", arn)}.
         *
         * @param permissionsBoundary the managed policy set as every role's permissions boundary
         * @return this builder; default - none
         */
        public Builder permissionsBoundary(IManagedPolicy permissionsBoundary) {
            this.permissionsBoundary = permissionsBoundary;
            return this;
        }

        /**
         * The role's IAM path, like {@code /velero/}.
         *
         * @param rolePath {@code /} or a path that starts and ends with {@code /}, at most 512 of the characters {@code !} to {@code ~}
         * @return this builder; default - {@code /}
         */
        public Builder rolePath(String rolePath) {
            this.rolePath = rolePath;
            return this;
        }

        /**
         * From one to twelve hours.
         *
         * @param maxSessionDuration how long a session of the role may last, in whole seconds
         * @return this builder; default - one hour
         */
        public Builder maxSessionDuration(Duration maxSessionDuration) {
            this.maxSessionDuration = maxSessionDuration;
            return this;
        }

        /**
         * Tags for every resource of the construct.
         *
         * @param tags tag keys and values (CloudFormation's rules: keys 1 to 128 characters, not {@code aws:})
         * @return this builder; default - none
         */
        public Builder tags(Map<String, String> tags) {
            this.tags = tags;
            return this;
        }

        /**
         * The Velero AWS plugin image that the install command and the Helm values name.
         *
         * @param veleroPluginImage a container image reference, name and tag or digest
         * @return this builder; default - {@value VeleroBackupProps#DEFAULT_VELERO_PLUGIN_IMAGE}
         */
        public Builder veleroPluginImage(String veleroPluginImage) {
            this.veleroPluginImage = veleroPluginImage;
            return this;
        }

        /**
         * The clusters whose Velero may assume the role: one to back up and restore in place, or
         * several when a backup taken on one cluster is restored on another. Each gets its own
         * trust statement and, unless it names an existing one, its own OIDC provider. Names and
         * issuers must be unique. Required, at least one.
         *
         * @param clusters the clusters, each built by {@link EksCluster#builder()}
         * @return this builder
         */
        public Builder clusters(List<EksCluster> clusters) {
            this.clusters = clusters;
            return this;
        }

        /**
         * The bucket's physical name, following S3's naming rules.
         *
         * @param bucketName the bucket's name: 3 to 63 lowercase letters, digits, {@code .} and {@code -}
         * @return this builder; default - a unique name generated by CloudFormation
         */
        public Builder bucketName(String bucketName) {
            this.bucketName = bucketName;
            return this;
        }

        /**
         * How objects are encrypted at rest.
         *
         * @param encryption SSE-S3 ({@link BackupEncryption#S3_MANAGED}) or SSE-KMS ({@link BackupEncryption#KMS})
         * @return this builder; default - {@link BackupEncryption#KMS} when {@link #encryptionKey}
         * is given, else {@link BackupEncryption#S3_MANAGED}
         */
        public Builder encryption(BackupEncryption encryption) {
            this.encryption = encryption;
            return this;
        }

        /**
         * An existing KMS key to encrypt the bucket with; implies {@link BackupEncryption#KMS}.
         * Its key policy must let IAM policies of this account use it (the default key policy
         * does).
         *
         * @param encryptionKey the key, imported (for example {@code Key.fromKeyArn})
         * @return this builder; default - with KMS, a new customer-managed key with rotation on
         */
        public Builder encryptionKey(IKey encryptionKey) {
            this.encryptionKey = encryptionKey;
            return this;
        }

        /**
         * How long an object version is kept after a newer one replaces it or it is deleted; a
         * whole number of days, at least one. Current versions never expire: Velero and its
         * Kopia repository manage their own retention.
         *
         * @param noncurrentVersionExpiration whole days, at least one
         * @return this builder; default - {@value VeleroBackupProps#DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS} days
         */
        public Builder noncurrentVersionExpiration(Duration noncurrentVersionExpiration) {
            this.noncurrentVersionExpiration = noncurrentVersionExpiration;
            return this;
        }

        /**
         * What happens to the bucket and a created key when they are removed from the stack or
         * replaced. Anything but RETAIN can lose backups: ask for it in so many words.
         *
         * @param removalPolicy what CloudFormation does with the bucket and a created key that leave the stack
         * @return this builder; default - {@link RemovalPolicy#RETAIN}
         */
        public Builder removalPolicy(RemovalPolicy removalPolicy) {
            this.removalPolicy = removalPolicy;
            return this;
        }

        /**
         * IAM's quota "Role trust policy length" in the target accounts. Every cluster adds a
         * trust statement of about 250 characters; when they no longer fit, the construct fails
         * at synthesis, not CloudFormation at deploy time. Raise the quota in Service Quotas
         * first, then set this to the new value.
         *
         * @param maxTrustPolicyLength the quota, in characters as IAM counts them
         * @return this builder; default - {@value VeleroBackupProps#DEFAULT_MAX_TRUST_POLICY_LENGTH},
         * IAM's default; at most 8192
         */
        public Builder maxTrustPolicyLength(Integer maxTrustPolicyLength) {
            this.maxTrustPolicyLength = maxTrustPolicyLength;
            return this;
        }

        /**
         * An existing bucket, in the same account and region, that receives the backup bucket's
         * S3 server access logs under the prefix {@code <stack name>/}. Its bucket policy must let
         * {@code logging.s3.amazonaws.com} put objects there.
         *
         * @param accessLogsBucket the bucket that receives the logs, imported
         * @return this builder; default - no server access logs (CloudTrail data events are the
         * alternative)
         */
        public Builder accessLogsBucket(IBucket accessLogsBucket) {
            this.accessLogsBucket = accessLogsBucket;
            return this;
        }

        /**
         * Checks every value against the rules of EKS, Kubernetes, IAM and S3.
         *
         * @return the props
         * @throws InvalidInputException naming the first value that breaks a rule
         */
        public VeleroBackupProps build() {
            return new VeleroBackupProps(this);
        }
    }
}
