package io.github.veleroirsa.app;

import static io.github.veleroirsa.InvalidInputException.quote;

import io.github.veleroirsa.BackupBucket;
import io.github.veleroirsa.BackupEncryption;
import io.github.veleroirsa.BackupSource;
import io.github.veleroirsa.BucketGrant;
import io.github.veleroirsa.EksCluster;
import io.github.veleroirsa.InvalidInputException;
import io.github.veleroirsa.Isolation;
import io.github.veleroirsa.RoleLayout;
import io.github.veleroirsa.VeleroBackupProps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.regioninfo.RegionInfo;

/**
 * The stacks of a configuration whose clusters name their {@code account}: one per account and
 * region that has clusters, each pinned to its environment, plus the backup account's in every
 * region that has clusters when {@code backupAccount} is set. Every name one stack gives another
 * is derived here, in one place, and documented in the README:
 * <ul>
 * <li>stack {@code <stackName>-<account>-<region>};</li>
 * <li>the bucket of the clusters of an account and region {@code <bucketName>-<account>-<region>}
 * ({@code bucketName} default {@value #DEFAULT_BUCKET_BASE}), in that account, or in the backup
 * account; its key's alias {@code alias/<bucket name>};</li>
 * <li>roles {@code <roleName>-<region>} (shared) and {@code <roleName>-<region>-<role>}
 * ({@code roleName} default {@value #DEFAULT_ROLE_BASE}), under {@code rolePath}.</li>
 * </ul>
 * One bucket per account and region rather than per region: a bucket policy holds 20 KB, and
 * exact grants cost about 0.7 KB per cluster, so one bucket per region would cap a whole fleet
 * at some 28 clusters a region; per account, it also keeps one account's backups in a bucket of
 * their own.
 */
final class FleetPlan {
    static final String DEFAULT_BUCKET_BASE = "velero-backups";
    static final String DEFAULT_ROLE_BASE = "velero";

    /** An account and a region: the place of a stack. */
    record Place(String account, String region) implements Comparable<Place> {
        String id() {
            return account + "-" + region;
        }

        @Override
        public int compareTo(Place o) {
            return id().compareTo(o.id());
        }
    }

    private final VeleroConfig config;
    private final List<Place> placeOf = new ArrayList<>();
    private final Map<String, Integer> indexByName = new HashMap<>();
    /** The indexes of the clusters of each place, in the configuration's order. */
    private final Map<Place, List<Integer>> clustersAt = new TreeMap<>();
    private final TreeSet<Place> stacks = new TreeSet<>();

    private FleetPlan(VeleroConfig config) {
        this.config = config;
    }

    /**
     * The plan of a configuration, or {@code null} when no cluster names its account (one stack,
     * as before).
     *
     * @throws InvalidInputException naming the field
     */
    static FleetPlan of(VeleroConfig config) {
        List<ClusterConfig> clusters = config.clusters();
        boolean any = clusters.stream().anyMatch(c -> c.account() != null);
        if (!any) {
            if (config.replica() != null) {
                throw new InvalidInputException("replica", "is set, but no cluster names its account (expected"
                        + " clusters[].account on every cluster: the replicas, their stacks and the roles that fill them"
                        + " are named by account and region, in stacks of their own)");
            }
            if (config.backupAccount() != null) {
                throw new InvalidInputException("backupAccount", quote(config.backupAccount()) + " is set, but no"
                        + " cluster names its account (expected clusters[].account on every cluster, or no backupAccount)");
            }
            return null;
        }
        FleetPlan plan = new FleetPlan(config);
        plan.check();
        return plan;
    }

    private void check() {
        if (config.portable()) {
            throw new InvalidInputException("synthesizer", "\"portable\" with clusters in accounts (expected the"
                    + " default synthesizer, which makes a stack per account and region for cdk deploy --all; a"
                    + " portable template is one for identical accounts, through StackSets, without clusters[].account)");
        }
        if (config.backupAccount() != null) {
            BackupBucket.account(config.backupAccount(), "backupAccount");
            if (config.isolation() == Isolation.SHARED) {
                throw new InvalidInputException("isolation", "SHARED with backupAccount (expected PER_CLUSTER, the"
                        + " default: the backup account grants each role its own prefixes)");
            }
        }
        String[][] notWith = {
            {"existingBucketName", config.existingBucketName()}, {"kmsKeyArn", config.kmsKeyArn()},
            {"kmsKeyAlias", config.kmsKeyAlias()}, {"accessLogsBucketName", config.accessLogsBucketName()},
            {"permissionsBoundaryArn", config.permissionsBoundaryArn()}};
        for (String[] f : notWith) {
            if (f[1] != null) {
                throw new InvalidInputException(f[0], quote(f[1]) + " names one resource of one account, and the"
                        + " clusters are in accounts (expected it left out: each account and region gets a bucket and"
                        + " key of its own, named by the plan the README gives)");
            }
        }
        if (config.formerKmsKeyArns() != null) {
            throw new InvalidInputException("formerKmsKeyArns", config.formerKmsKeyArns().size() + " keys name keys of one"
                    + " account, and the clusters are in accounts (expected it left out: each account and region's"
                    + " bucket has a key of its own, which switching encryption leaves in its account, retained)");
        }
        if (config.rolePath() != null && (config.rolePath().contains("*") || config.rolePath().contains("?"))) {
            throw new InvalidInputException("rolePath", quote(config.rolePath()) + " has '*' or '?' (expected a path"
                    + " without them: with clusters in accounts, other accounts' bucket policies name each role by its"
                    + " ARN with ArnEquals, which takes them as wildcards)");
        }
        List<ClusterConfig> clusters = config.clusters();
        Map<String, Integer> issuers = new HashMap<>();
        for (int i = 0; i < clusters.size(); i++) {
            ClusterConfig c = clusters.get(i);
            String at = "clusters[" + i + "]";
            if (c.oidcIssuer() != null) {
                // One issuer, one cluster, across every account: a second account's role would trust its tokens.
                String issuer = c.oidcIssuer().replaceFirst("^https://", "").replaceFirst("/$", "");
                Integer first = issuers.putIfAbsent(issuer, i);
                if (first != null) {
                    throw new InvalidInputException(at + ".oidcIssuer", quote(c.oidcIssuer()) + " is the issuer of"
                            + " clusters[" + first + "] (" + quote(clusters.get(first).name()) + ") too (expected one"
                            + " entry per cluster, in whichever account: a role of another account would trust that"
                            + " cluster's tokens)");
                }
            }
            if (c.account() == null) {
                throw new InvalidInputException(at + ".account", "missing, while other clusters name theirs (expected"
                        + " every cluster's 12-digit account once one names it)");
            }
            BackupBucket.account(c.account(), at + ".account");
            String region = c.region() != null ? c.region()
                    : c.oidcIssuer() == null ? null : EksCluster.eksIssuerRegion(c.oidcIssuer());
            if (region == null) {
                throw new InvalidInputException(at + ".region", "missing, and " + (c.oidcIssuer() == null
                        ? "no oidcIssuer" : "the oidcIssuer is not EKS's, so it") + " names none (expected the"
                        + " cluster's region: each account and region gets a stack of its own)");
            }
            if (!region.matches("[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}")) {
                throw new InvalidInputException(at + ".region", quote(region) + " is not an AWS region (expected"
                        + " one like us-east-1)");
            }
            Integer other = indexByName.putIfAbsent(c.name(), i);
            if (other != null) {
                throw new InvalidInputException(at + ".name", quote(c.name()) + " is the name of clusters[" + other
                        + "] too (expected unique cluster names across every account)");
            }
            Place place = new Place(c.account(), region);
            if (!Boolean.TRUE.equals(c.restoreOnly())) {
                // Its prefix as the buckets and roles of other stacks will name it: checked here, under its own field.
                try {
                    new BackupSource(c.name(), prefix(c), c.account(), region, new BackupBucket(
                            DEFAULT_BUCKET_BASE + "-" + place.id(), c.account(), region, null));
                } catch (InvalidInputException e) {
                    throw e.getField().equals("prefix") ? e.under(at) : new InvalidInputException(at + ".name", e.getProblem());
                }
            }
            placeOf.add(place);
            clustersAt.computeIfAbsent(place, p -> new ArrayList<>()).add(i);
            stacks.add(place);
        }
        for (int i = 0; i < clusters.size(); i++) {
            List<String> sources = clusters.get(i).restoresFrom() == null ? List.of() : clusters.get(i).restoresFrom();
            for (int j = 0; j < sources.size(); j++) {
                Integer s = indexByName.get(sources.get(j));
                String field = "clusters[" + i + "].restoresFrom[" + j + "]";
                if (s == null) {
                    throw new InvalidInputException(field, quote(sources.get(j)) + " is not one of the clusters"
                            + " (expected the name of a cluster listed here, in any account)");
                }
                if (Boolean.TRUE.equals(clusters.get(s).restoreOnly())) {
                    throw new InvalidInputException(field, quote(sources.get(j)) + " is a restore-only cluster, with"
                            + " no backups of its own (expected a cluster that backs up)");
                }
            }
        }
        // Role names: at most 64 characters, and unique in an account whatever the case (IAM ignores it).
        Map<String, Integer> roleNames = new HashMap<>();
        for (int i = 0; i < clusters.size(); i++) {
            ClusterConfig c = clusters.get(i);
            String arn = roleArn(placeOf.get(i), roleKey(c));
            String name = arn.substring(arn.lastIndexOf('/') + 1);
            String field = "clusters[" + i + "]." + (c.role() != null ? "role" : "name");
            if (name.length() > 64) {
                throw new InvalidInputException(field, "cluster " + quote(c.name()) + "'s role would be named "
                        + quote(name) + ", " + name.length() + " characters (expected at most 64: roles are named"
                        + " <roleName>-<region>-<role>; a shorter roleName, role or cluster name)");
            }
            String key = placeOf.get(i).account() + "/" + arn.substring(arn.indexOf(":role") + 5).toLowerCase(java.util.Locale.ROOT);
            Integer other = roleNames.putIfAbsent(key, i);
            if (other != null && !roleKey(clusters.get(other)).equals(roleKey(c))) {
                throw new InvalidInputException(field, "cluster " + quote(c.name()) + "'s role " + quote(name)
                        + " is, to IAM, which ignores case, the role of clusters[" + other + "] ("
                        + quote(clusters.get(other).name()) + ") too, in account " + placeOf.get(i).account()
                        + " (expected names that differ in more than case)");
            }
        }
        List<String> keys = config.ebsKmsKeyArns() == null ? List.of() : config.ebsKmsKeyArns();
        for (int k = 0; k < keys.size(); k++) {
            String[] parts = keys.get(k).split(":");
            if (clustersAt.keySet().stream().noneMatch(p -> p.region().equals(parts[3]) && p.account().equals(parts[4]))) {
                throw new InvalidInputException("ebsKmsKeyArns[" + k + "]", quote(keys.get(k)) + " is a key of account "
                        + parts[4] + " in " + parts[3] + ", where no cluster runs (expected the keys of the clusters'"
                        + " volumes: each stack's roles get the keys of their own account and region)");
            }
        }
        String base = base();
        if (base.contains(".")) {
            throw new InvalidInputException("bucketName", quote(base) + " has a '.' (expected letters, digits and '-':"
                    + " with clusters in accounts it starts each bucket's name and its key's alias)");
        }
        for (Place p : clustersAt.keySet()) {
            try {
                io.github.veleroirsa.VeleroBackupProps.checkBucketName("bucketName", bucketName(p));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("bucketName", quote(base) + " starts the name of the bucket of account "
                        + p.account() + " in " + p.region() + ", <bucketName>-<account>-<region>, which is not valid: "
                        + e.getProblem());
            }
        }
        if (config.replica() != null) {
            checkReplica();
        }
    }

    private void checkReplica() {
        ReplicaConfig replica = config.replica();
        if (config.isolation() == Isolation.SHARED) {
            throw new InvalidInputException("isolation", "SHARED with a replica (expected PER_CLUSTER, the default:"
                    + " a DR cluster reads its sources' prefixes of the replica, and nothing else)");
        }
        List<ClusterConfig> clusters = config.clusters();
        for (int i = 0; i < clusters.size(); i++) {
            if (placeOf.get(i).region().equals(replica.region()) && !Boolean.TRUE.equals(clusters.get(i).restoreOnly())) {
                throw new InvalidInputException("replica.region", quote(replica.region()) + " is the region of"
                        + " clusters[" + i + "] (" + quote(clusters.get(i).name()) + "), which backs up there (expected"
                        + " a region where no cluster backs up, so that an outage of one region leaves the other copy;"
                        + " clusters there that only restore, restoreOnly true, read the replica)");
            }
        }
        for (Place w : clustersAt.keySet()) {
            if (!backsUp(w)) {
                continue;
            }
            try {
                io.github.veleroirsa.VeleroBackupProps.checkBucketName("bucketName", replicaName(w));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("bucketName", quote(base()) + " starts the name of the replica of the"
                        + " bucket of account " + w.account() + " in " + w.region() + ", <bucket>-replica, which is not"
                        + " valid: " + e.getProblem());
            }
        }
    }

    /**
     * {@return the places of the stacks, in name order: every account and region with clusters,
     * and the backup account's in each region where it holds a bucket that something uses}
     */
    List<Place> stacks() {
        TreeSet<Place> all = new TreeSet<>(stacks);
        if (config.backupAccount() != null) {
            clustersAt.keySet().stream().filter(w -> !holdsOwnBucket(w) && !grants(w).isEmpty())
                    .forEach(w -> all.add(new Place(config.backupAccount(), w.region())));
        }
        replicated().forEach(w -> all.add(replicaPlace(w)));
        return List.copyOf(all);
    }

    /** {@return the stack's name of a place} */
    String stackName(Place p) {
        return config.stackNameOrDefault() + "-" + p.id();
    }

    private String base() {
        return config.bucketName() != null ? config.bucketName() : DEFAULT_BUCKET_BASE;
    }

    /** The name of the bucket the clusters of {@code writers} back up to. */
    String bucketName(Place writers) {
        return base() + "-" + writers.id();
    }

    /** The account that holds the bucket of the clusters of {@code writers}. */
    String bucketAccount(Place writers) {
        return config.backupAccount() != null ? config.backupAccount() : writers.account();
    }

    private boolean kms() {
        return config.encryption() == BackupEncryption.KMS;
    }

    /** The bucket of the clusters of {@code writers}, as a stack of another account or region names it. */
    BackupBucket bucket(Place writers) {
        return new BackupBucket(bucketName(writers), bucketAccount(writers), writers.region(),
                kms() ? keyAlias(writers) : null);
    }

    /** The alias of the key of the bucket of {@code writers}. */
    String keyAlias(Place writers) {
        return "alias/" + bucketName(writers);
    }

    /** The configuration of a place's clusters alone. */
    VeleroConfig configAt(Place p) {
        VeleroConfig here = config.withClusters(indexes(p).stream().map(config.clusters()::get).toList());
        if (config.ebsKmsKeyArns() == null) {
            return here;
        }
        // The EBS keys of this account and region only: another account's volumes are not this role's.
        List<String> keys = config.ebsKmsKeyArns().stream()
                .filter(k -> k.split(":")[3].equals(p.region()) && k.split(":")[4].equals(p.account())).toList();
        return here.withEbsKmsKeyArns(keys.isEmpty() ? null : keys);
    }

    private List<Integer> indexes(Place p) {
        return clustersAt.getOrDefault(p, List.of());
    }

    /** Whether the place's own clusters' bucket is created in its own stack. */
    boolean holdsOwnBucket(Place p) {
        return bucketAccount(p).equals(p.account());
    }

    /** Whether a cluster of the place backs up (is not restore-only). */
    boolean backsUp(Place p) {
        return indexes(p).stream().anyMatch(i -> !Boolean.TRUE.equals(config.clusters().get(i).restoreOnly()));
    }

    /** The places (other accounts, same region) whose clusters' buckets the backup account's stack at {@code p} holds. */
    List<Place> bucketsHeldFor(Place p) {
        if (!p.account().equals(config.backupAccount())) {
            return List.of();
        }
        return clustersAt.keySet().stream().filter(w -> w.region().equals(p.region()) && !w.account().equals(p.account()))
                .toList();
    }

    /** The base of the names of a place's roles. */
    String roleName(Place p) {
        return (config.roleName() != null ? config.roleName() : DEFAULT_ROLE_BASE) + "-" + p.region();
    }

    /** What a stack of the place adds to its construct's props. */
    void addTo(Place p, VeleroBackupProps.Builder b) {
        b.roleName(roleName(p));
        if (!backsUp(p)) {
            // Restore-only clusters alone: they write only into their sources' buckets, so this place
            // gets no bucket of its own; the construct names one that is never made, and grants nothing on it.
            b.bucketName(null).noncurrentVersionExpiration(null).remoteBucket(bucket(p));
        } else if (holdsOwnBucket(p)) {
            b.bucketName(bucketName(p)).bucketGrants(grants(p)).replication(replication(p));
        } else {
            b.bucketName(null).noncurrentVersionExpiration(null).remoteBucket(bucket(p));
        }
        b.remoteSources(remoteSources(p));
    }

    /** The clusters of other places that clusters of {@code p} restore from. */
    List<BackupSource> remoteSources(Place p) {
        Map<String, BackupSource> out = new TreeMap<>();
        for (int i : indexes(p)) {
            ClusterConfig c = config.clusters().get(i);
            for (String name : c.restoresFrom() == null ? List.<String>of() : c.restoresFrom()) {
                int s = indexByName.get(name);
                Place q = placeOf.get(s);
                if (!q.equals(p)) {
                    out.put(name, new BackupSource(name, prefix(config.clusters().get(s)), q.account(), q.region(),
                            readsReplica(p) ? replicaBucket(q) : bucket(q)));
                }
            }
        }
        return List.copyOf(out.values());
    }

    private static String prefix(ClusterConfig c) {
        return c.prefix() != null ? c.prefix() : c.name();
    }

    /**
     * The role of a cluster within its stack, as the construct's props name it: its own role, else
     * its name (roles PER_CLUSTER), else the shared one ({@link VeleroBackupProps#getClustersByRole()}).
     */
    private String roleKey(ClusterConfig c) {
        return c.role() != null ? c.role() : config.roles() == RoleLayout.PER_CLUSTER ? c.name() : VeleroBackupProps.DEFAULT_ROLE;
    }

    /** The ARN of a role of a place, as {@code roleName}, {@code rolePath} and the region's partition make it. */
    String roleArn(Place p, String roleKey) {
        return roleArn(p, roleKey, null);
    }

    /** The ARN of a role of a place, of the name given, or else of the name of {@code roleKey}. */
    private String roleArn(Place p, String roleKey, String given) {
        String name = given != null ? given
                : roleKey.equals(VeleroBackupProps.DEFAULT_ROLE) ? roleName(p) : roleName(p) + "-" + roleKey;
        String partition = partitions.computeIfAbsent(p.region(), r -> {
            String known = RegionInfo.get(r).getPartition();
            return known != null ? known : "aws";
        });
        return "arn:" + partition + ":iam::" + p.account() + ":role"
                + (config.rolePath() != null ? config.rolePath() : "/") + name;
    }

    /**
     * The roles of other accounts than the bucket's that reach the bucket of {@code writers}: the
     * roles of its own clusters (when the bucket is in the backup account), and every role that
     * restores from one of them, each with exactly the prefixes its identity policy names.
     */
    List<BucketGrant> grants(Place writers) {
        return grants.computeIfAbsent(writers, w -> grantsOf(w, false));
    }

    /**
     * The roles of other accounts than the replica's that read the replica of the bucket of
     * {@code writers}: those of the clusters in the replica's region that restore from its clusters.
     */
    List<BucketGrant> replicaGrants(Place writers) {
        return grantsOf(writers, true);
    }

    /** Each place's grants, made once: every stack that names them asks. */
    private final Map<Place, List<BucketGrant>> grants = new HashMap<>();
    /** Each region's partition, asked of aws-cdk-lib's region facts once. */
    private final Map<String, String> partitions = new HashMap<>();

    private List<BucketGrant> grantsOf(Place writers, boolean replica) {
        String holder = replica ? replicaPlace(writers).account() : bucketAccount(writers);
        Map<String, Map<String, String>> writes = new TreeMap<>();
        Map<String, Map<String, String>> reads = new TreeMap<>();
        for (Map.Entry<Place, List<Integer>> e : clustersAt.entrySet()) {
            Place p = e.getKey();
            if (p.account().equals(holder)) {
                continue; // the bucket's own account: the identity policy is enough
            }
            Map<String, List<ClusterConfig>> byRole = new LinkedHashMap<>();
            for (int i : e.getValue()) {
                ClusterConfig c = config.clusters().get(i);
                byRole.computeIfAbsent(roleKey(c), k -> new ArrayList<>()).add(c);
            }
            byRole.forEach((key, members) -> {
                String arn = roleArn(p, key);
                Map<String, String> w = new TreeMap<>();
                Map<String, String> r = new TreeMap<>();
                for (ClusterConfig c : members) {
                    if (!replica && p.equals(writers) && !Boolean.TRUE.equals(c.restoreOnly())) {
                        w.put(c.name(), prefix(c));
                    }
                    for (String name : c.restoresFrom() == null ? List.<String>of() : c.restoresFrom()) {
                        int s = indexByName.get(name);
                        // A DR cluster reads the replica, and the others the bucket itself.
                        if (placeOf.get(s).equals(writers) && readsReplica(p) == replica) {
                            r.put(name, prefix(config.clusters().get(s)));
                        }
                    }
                }
                r.keySet().removeAll(w.keySet()); // its own prefix: written already
                if (!w.isEmpty() || !r.isEmpty()) {
                    writes.put(arn, w);
                    reads.put(arn, r);
                }
            });
        }
        List<BucketGrant> grants = new ArrayList<>();
        writes.forEach((arn, w) -> grants.add(new BucketGrant(arn, w, reads.get(arn))));
        return grants;
    }

    /** The suffix of a replica's name: {@code <bucket name>-replica}. */
    static final String REPLICA_SUFFIX = "-replica";

    /** The places whose clusters' buckets are replicated, in name order: every one that backs up, with a replica. */
    List<Place> replicated() {
        return config.replica() == null ? List.of() : clustersAt.keySet().stream().filter(this::backsUp).toList();
    }

    /** The account and region of the replica of the bucket of {@code writers}: the replica's, else the bucket's account. */
    Place replicaPlace(Place writers) {
        ReplicaConfig replica = config.replica();
        return new Place(replica.account() != null ? replica.account() : bucketAccount(writers), replica.region());
    }

    /** The name of the replica of the bucket of {@code writers}. */
    String replicaName(Place writers) {
        return bucketName(writers) + REPLICA_SUFFIX;
    }

    /** The replica of the bucket of {@code writers}, as the stacks of other accounts and regions name it. */
    BackupBucket replicaBucket(Place writers) {
        Place at = replicaPlace(writers);
        return new BackupBucket(replicaName(writers), at.account(), at.region(),
                kms() ? "alias/" + replicaName(writers) : null);
    }

    /** The replication of the bucket of {@code writers}, or {@code null} without a replica. */
    io.github.veleroirsa.Replication replication(Place writers) {
        return config.replica() == null || !backsUp(writers) ? null : new io.github.veleroirsa.Replication(
                replicaBucket(writers), Boolean.TRUE.equals(config.replica().replicationTimeControl()));
    }

    /** The ARN of the role that replicates the bucket of {@code writers}, in the bucket's account. */
    String replicationRoleArn(Place writers) {
        Place holder = new Place(bucketAccount(writers), writers.region());
        return roleArn(holder, null, replication(writers).roleName());
    }

    /** The places whose buckets' replicas the stack at {@code p} holds. */
    List<Place> replicasHeldAt(Place p) {
        return replicated().stream().filter(w -> replicaPlace(w).equals(p)).toList();
    }

    /** The places of the stacks that hold the replicas of the buckets the stack at {@code p} holds: deployed first. */
    List<Place> replicaStacksOf(Place p) {
        return replicated().stream().filter(w -> new Place(bucketAccount(w), w.region()).equals(p))
                .map(this::replicaPlace).distinct().toList();
    }

    /** Whether the clusters of {@code p} restore from the replica: they are in its region. */
    boolean readsReplica(Place p) {
        return config.replica() != null && p.region().equals(config.replica().region());
    }

    private static final Pattern CLUSTER_INDEX = Pattern.compile("clusters\\[(\\d+)\\]");

    /** An error of a place's own configuration, its clusters' indexes as in the whole configuration. */
    InvalidInputException renumber(Place p, InvalidInputException e) {
        return new InvalidInputException(renumber(p, e.getField()), renumber(p, e.getProblem()));
    }

    /** A message of a place's own configuration, its clusters' indexes as in the whole configuration. */
    String renumber(Place p, String text) {
        List<Integer> indexes = indexes(p);
        Matcher m = CLUSTER_INDEX.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int k = Integer.parseInt(m.group(1));
            m.appendReplacement(out, "clusters[" + (k < indexes.size() ? indexes.get(k) : k) + "]");
        }
        m.appendTail(out);
        return out.toString();
    }
}
