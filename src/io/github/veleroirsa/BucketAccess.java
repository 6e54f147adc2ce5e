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
     * The statements of a role's inline policy.
     *
     * @param bucketArn the bucket's ARN (a stand-in at its longest, to measure)
     * @param clusters  the role's clusters, in name order
     * @param sources   the clusters they restore from that are not the role's own, in name order
     */
    static PolicyDocument document(String bucketArn, List<EksCluster> clusters, List<EksCluster> sources) {
        Set<String> sids = new HashSet<>();
        List<PolicyStatement> statements = new ArrayList<>();
        for (EksCluster c : clusters) {
            if (c.isRestoreOnly()) {
                continue;
            }
            String sid = sid(sids, "Cluster", c.getName());
            statements.add(statement(sid + "Objects", VeleroPermissions.S3_OBJECT_ACTIONS,
                    List.of(bucketArn + "/" + c.getPrefix() + "/*"), null));
            statements.add(statement(sid + "List", VeleroPermissions.S3_BUCKET_ACTIONS, List.of(bucketArn),
                    c.getPrefix()));
        }
        for (EksCluster s : sources) {
            String sid = sid(sids, "Source", s.getName());
            String restores = bucketArn + "/" + s.getPrefix() + "/restores/*/";
            statements.add(statement(sid + "Read", List.of("s3:GetObject"),
                    List.of(bucketArn + "/" + s.getPrefix() + "/*"), null));
            statements.add(statement(sid + "List", VeleroPermissions.S3_BUCKET_ACTIONS, List.of(bucketArn),
                    s.getPrefix()));
            statements.add(statement(sid + "RestoreLogs", RESTORE_ACTIONS,
                    RESTORE_OBJECTS.stream().map(o -> restores + o).toList(), null));
        }
        return PolicyDocument.Builder.create().statements(statements).build();
    }

    /** A Sid of {@code kind} and the cluster's name, made unique in the policy by a number if another took it. */
    private static String sid(Set<String> taken, String kind, String name) {
        return Wiring.unique(taken, kind + Wiring.pascal(name));
    }

    private static PolicyStatement statement(String sid, List<String> actions, List<String> resources, String prefix) {
        PolicyStatement.Builder b = PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources);
        if (prefix != null) {
            b.conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(prefix + "/*"))));
        }
        return b.build();
    }

    /**
     * The sources of a role's clusters that are not its own backing-up clusters, in name order.
     *
     * @param props    the props
     * @param clusters the role's clusters
     */
    static List<EksCluster> sources(VeleroBackupProps props, List<EksCluster> clusters) {
        Map<String, EksCluster> out = new TreeMap<>();
        for (EksCluster c : clusters) {
            props.sourcesOf(c).forEach(s -> out.put(s.getName(), s));
        }
        clusters.stream().filter(c -> !c.isRestoreOnly()).forEach(c -> out.remove(c.getName()));
        return List.copyOf(out.values());
    }
}
