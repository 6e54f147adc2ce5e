package io.github.veleroirsa;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * What one role may do in the bucket with {@link Isolation#PER_CLUSTER}: its role's inline policy
 * ({@value #POLICY_NAME}), one group of statements per cluster and per source, each with a
 * {@code Sid} that names it.
 *
 * <p>What Velero 1.18.1 and Kopia do there (CONTRIBUTING, "What Velero does in the bucket", lists
 * the source lines):
 * <ul>
 * <li>A cluster's own prefix {@code <p>}: every object action of {@link
 * VeleroPermissions#S3_OBJECT_ACTIONS} on {@code <p>/*} (backups, their deletion, Kopia's
 * repository, which deletes its session blobs), and {@code s3:ListBucket} for {@code s3:prefix}
 * {@code <p>/*}: Velero lists {@code <p>/} (the location's validation), {@code <p>/backups/}
 * (sync), {@code <p>/backups/<b>/} and {@code <p>/restores/<r>/} (deletion); Kopia lists {@code
 * <p>/kopia/<ns>/} and its index prefixes ({@code xn0_}, no trailing '/'). Nothing lists the root:
 * the location's config names its region, so Velero never asks for the bucket's (HeadBucket).
 * S3 answers 404 rather than 403 for a missing key under a prefix that the ListBucket condition
 * covers (kopia#3072), which Velero's and Kopia's existence checks rely on.</li>
 * <li>A source's prefix {@code <s>}: {@code s3:GetObject} on {@code <s>/*} and the same
 * ListBucket, which is all a backup sync, a restore and a Kopia restore read (velero#9626); and
 * {@code s3:PutObject} (with {@code s3:AbortMultipartUpload} for an upload that fails half-way)
 * on exactly the five objects a restore writes under {@code <s>/restores/<r>/}
 * ({@code restore_controller.go}: its log, results, resource list, item operations and volume
 * info; velero#1978). No delete: deleting a Restore object leaves its files.</li>
 * </ul>
 */
final class BucketAccess {
    private BucketAccess() {}

    /** The name of each role's inline policy. */
    static final String POLICY_NAME = "velero-bucket";
    /**
     * IAM's limit on a role's inline policies together, counted without whitespace ("Role policy
     * size", not adjustable).
     */
    static final int MAX_INLINE_LENGTH = 10240;

    /** The objects a restore writes under {@code <prefix>/restores/<restore>/}: Velero's object_store_layout.go. */
    static final List<String> RESTORE_OBJECTS = List.of(
            "restore-*-logs.gz",
            "restore-*-results.gz",
            "restore-*-resource-list.json.gz",
            "restore-*-itemoperations.json.gz",
            "*-volumeinfo.json.gz");
    /** What a restore does to them: write, and abort an upload that fails half-way. */
    static final List<String> RESTORE_ACTIONS = List.of("s3:PutObject", "s3:AbortMultipartUpload");

    /**
     * A bucket as a role's statements name it.
     *
     * @param arn        its ARN (a stand-in at its longest, to measure)
     * @param account    the account that must own it ({@code aws:ResourceAccount}), for a bucket of
     *     another stack, whose name alone anyone could have taken; {@code null} for one of this stack
     * @param keys       the KMS keys its objects may be under ({@link BackupBucket#keys}), for a bucket of
     *     another stack with KMS; {@code null} otherwise
     * @param keyAlias   the alias that narrows {@code keys} to the bucket's own
     * @param viaService S3's endpoint in the bucket's region, {@code s3.<region>.<suffix>}
     */
    record Target(String arn, String account, String keys, String keyAlias, String viaService) {
        /** This stack's bucket, or one the stack's account owns already: no condition. */
        static Target local(String arn) {
            return new Target(arn, null, null, null, null);
        }

        /** Another stack's bucket, as a role of {@code stack} names it. */
        static Target of(software.amazon.awscdk.Stack stack, BackupBucket bucket) {
            String partition = stack.getPartition();
            return new Target(bucket.arn(partition), bucket.account(),
                    bucket.keyAlias() == null ? null : bucket.keys(partition), bucket.keyAlias(),
                    "s3." + bucket.region() + "." + stack.getUrlSuffix());
        }
    }

    /**
     * A source a role restores from, and the bucket it is in.
     *
     * @param name   the source cluster's name
     * @param prefix its prefix
     * @param bucket its bucket
     */
    record Source(String name, String prefix, Target bucket) {}

    /** One statement before it is given to an identity or to a bucket's policy. */
    private record Spec(String sid, List<String> actions, List<String> resources, String prefix) {}

    /**
     * The statements of a role's inline policy.
     *
     * @param own      the bucket its clusters back up to
     * @param clusters the role's clusters, in name order
     * @param sources  the clusters they restore from that are not the role's own, in name order
     */
    static PolicyDocument document(Target own, List<EksCluster> clusters, List<Source> sources) {
        Set<String> sids = new HashSet<>();
        List<PolicyStatement> statements = new ArrayList<>();
        Map<String, String> writes = new java.util.LinkedHashMap<>();
        clusters.stream().filter(c -> !c.isRestoreOnly()).forEach(c -> writes.put(c.getName(), c.getPrefix()));
        for (Spec spec : writes(own.arn(), writes, sids)) {
            statements.add(identity(spec, own));
        }
        Set<String> keysOf = new HashSet<>();
        for (Source s : sources) {
            for (Spec spec : reads(s.bucket().arn(), Map.of(s.name(), s.prefix()), sids)) {
                statements.add(identity(spec, s.bucket()));
            }
            // A source in another stack's bucket with KMS: its key, by alias, once per bucket.
            if (s.bucket().keys() != null && keysOf.add(s.bucket().arn())) {
                statements.add(key(Wiring.unique(sids, "Source" + Wiring.pascal(s.name()) + "Key"), s.bucket()));
            }
        }
        return PolicyDocument.Builder.create().statements(statements).build();
    }

    /**
     * A bucket's KMS key for a role of another stack: through S3 in the bucket's region, for
     * this bucket's encryption context, on a key of the bucket's account and region that has the
     * bucket's alias ({@code kms:ResourceAliases}): the key's ARN exists only once that stack is
     * deployed.
     */
    static PolicyStatement key(String sid, Target bucket) {
        return key(sid, bucket, VeleroPermissions.KMS_ACTIONS);
    }

    /** As {@link #key(String, Target)}, for these actions (S3 replication's, into a replica). */
    static PolicyStatement key(String sid, Target bucket, List<String> actions) {
        Map<String, Object> conditions = new java.util.LinkedHashMap<>();
        conditions.put("StringEquals", Map.of("kms:ViaService", bucket.viaService()));
        conditions.put("StringLike", Map.of(VeleroPermissions.KMS_S3_CONTEXT, List.of(bucket.arn())));
        conditions.put("ForAnyValue:StringEquals", Map.of("kms:ResourceAliases", List.of(bucket.keyAlias())));
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(List.of(bucket.keys()))
                .conditions(conditions)
                .build();
    }

    /**
     * The statements of a bucket's policy that grant a role of another account what its own
     * identity policy asks for (both are needed across accounts): the same actions, resources and
     * prefixes, under its account's principal, for exactly its ARN ({@code aws:PrincipalArn}).
     *
     * @param bucketArn the bucket's ARN
     * @param grant     the role and its prefixes
     * @param sids      the Sids the bucket policy has taken so far
     * @param account   the role's account as a principal
     */
    static List<PolicyStatement> grant(String bucketArn, BucketGrant grant, Set<String> sids,
            software.amazon.awscdk.services.iam.IPrincipal account) {
        String by = "For" + Wiring.pascal(grant.roleArn().substring(grant.roleArn().lastIndexOf('/') + 1));
        List<Spec> specs = new ArrayList<>(writes(bucketArn, grant.writes(), new HashSet<>()));
        specs.addAll(reads(bucketArn, grant.reads(), new HashSet<>()));
        List<PolicyStatement> statements = new ArrayList<>();
        for (Spec spec : specs) {
            PolicyStatement.Builder b = PolicyStatement.Builder.create()
                    .sid(Wiring.unique(sids, spec.sid() + by))
                    .effect(Effect.ALLOW)
                    .principals(List.of(account))
                    .actions(spec.actions())
                    .resources(spec.resources());
            Map<String, Object> conditions = new java.util.LinkedHashMap<>();
            conditions.put("ArnEquals", Map.of("aws:PrincipalArn", grant.roleArn()));
            if (spec.prefix() != null) {
                conditions.put("StringLike", Map.of("s3:prefix", List.of(spec.prefix() + "/*")));
            }
            statements.add(b.conditions(conditions).build());
        }
        return statements;
    }

    /** Every object action and the listing under each cluster's prefix. */
    private static List<Spec> writes(String bucketArn, Map<String, String> prefixes, Set<String> sids) {
        List<Spec> specs = new ArrayList<>();
        prefixes.forEach((name, prefix) -> {
            String sid = sid(sids, "Cluster", name);
            specs.add(new Spec(sid + "Objects", VeleroPermissions.S3_OBJECT_ACTIONS,
                    List.of(bucketArn + "/" + prefix + "/*"), null));
            specs.add(new Spec(sid + "List", VeleroPermissions.S3_BUCKET_ACTIONS, List.of(bucketArn), prefix));
        });
        return specs;
    }

    /** Reading each source's prefix, listing it, and writing a restore's own five objects there. */
    private static List<Spec> reads(String bucketArn, Map<String, String> prefixes, Set<String> sids) {
        List<Spec> specs = new ArrayList<>();
        prefixes.forEach((name, prefix) -> {
            String sid = sid(sids, "Source", name);
            String restores = bucketArn + "/" + prefix + "/restores/*/";
            specs.add(new Spec(sid + "Read", List.of("s3:GetObject"), List.of(bucketArn + "/" + prefix + "/*"), null));
            specs.add(new Spec(sid + "List", VeleroPermissions.S3_BUCKET_ACTIONS, List.of(bucketArn), prefix));
            specs.add(new Spec(sid + "RestoreLogs", RESTORE_ACTIONS,
                    RESTORE_OBJECTS.stream().map(o -> restores + o).toList(), null));
        });
        return specs;
    }

    /** A Sid of {@code kind} and the cluster's name, made unique in the policy by a number if another took it. */
    private static String sid(Set<String> taken, String kind, String name) {
        return Wiring.unique(taken, kind + Wiring.pascal(name));
    }

    /** An identity's statement; on another stack's bucket, only while that bucket's account owns it. */
    private static PolicyStatement identity(Spec spec, Target bucket) {
        PolicyStatement.Builder b = PolicyStatement.Builder.create()
                .sid(spec.sid())
                .effect(Effect.ALLOW)
                .actions(spec.actions())
                .resources(spec.resources());
        Map<String, Object> conditions = new java.util.LinkedHashMap<>();
        if (spec.prefix() != null) {
            conditions.put("StringLike", Map.of("s3:prefix", List.of(spec.prefix() + "/*")));
        }
        if (bucket.account() != null) {
            conditions.put("StringEquals", Map.of("aws:ResourceAccount", bucket.account()));
        }
        if (!conditions.isEmpty()) {
            b.conditions(conditions);
        }
        return b.build();
    }

    /**
     * The sources of a role's clusters that are not its own backing-up clusters, in name order:
     * those of these props in {@code own}, those of other stacks in their own buckets.
     *
     * @param props    the props
     * @param clusters the role's clusters
     * @param own      this construct's bucket
     * @param remote   the target of another stack's bucket
     */
    static List<Source> sources(VeleroBackupProps props, List<EksCluster> clusters, Target own,
            java.util.function.Function<BackupBucket, Target> remote) {
        Map<String, Source> out = new TreeMap<>();
        for (EksCluster c : clusters) {
            props.sourcesOf(c).forEach(s -> out.put(s.getName(), new Source(s.getName(), s.getPrefix(), own)));
            props.remoteSourcesOf(c).forEach(s -> out.put(s.name(), new Source(s.name(), s.prefix(),
                    remote.apply(s.bucket()))));
        }
        clusters.stream().filter(c -> !c.isRestoreOnly()).forEach(c -> out.remove(c.getName()));
        return List.copyOf(out.values());
    }
}
