package io.github.veleroirsa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.iam.IManagedPolicy;
import software.amazon.awscdk.services.iam.IOidcProvider;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.OidcProviderNative;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The AWS side of Velero on EKS: a backup bucket, the Velero policy, an IAM OIDC provider per
 * cluster and the roles that Velero's service account on every listed cluster, and on no other,
 * may assume through IAM roles for service accounts (IRSA) or EKS Pod Identity.
 *
 * <p>Construct IDs are a contract: {@code Bucket}, {@code Key}, {@code Policy}, {@code SnapshotPolicy}
 * (isolation PER_CLUSTER with EBS snapshots), {@code Replication} (the role S3 replicates with), {@code Role} (the
 * shared role), {@code Roles/<role name>}, {@code OidcProviders/<cluster name>} and
 * {@code PodIdentityAssociations/<cluster name>/<namespace>:<service account>}. Adding, removing
 * or reordering clusters changes no other resource's logical ID, and a cluster that moves between
 * roles changes only the roles it leaves and joins.
 */
public class VeleroBackup extends Construct {
    /** Incomplete multipart uploads are aborted after this many days. */
    public static final int ABORT_INCOMPLETE_UPLOAD_DAYS = BackupStore.ABORT_INCOMPLETE_UPLOAD_DAYS;
    /** IAM's default quota of OIDC providers per account; a stack that creates more gets a warning. */
    public static final int OIDC_PROVIDER_QUOTA = 100;

    private final IBucket bucket;
    private final IKey encryptionKey;
    private final IManagedPolicy policy;
    private final IManagedPolicy snapshotPolicy;
    private final IRole replicationRole;
    private final Map<String, IRole> roles;
    private final Map<String, IRole> roleByCluster;
    /** Each cluster's role ARN as its wiring prints it ({@link #wiringRoleArn}), by cluster name. */
    private final Map<String, String> wiringRoleArns = new java.util.HashMap<>();
    private final Map<String, IOidcProvider> oidcProviders;
    private final Map<String, CfnPodIdentityAssociation> podIdentityAssociations;
    private final VeleroBackupProps props;
    /** The stack this construct is in. */
    private final Stack stack;
    /** The props' clusters in name order: every per-cluster resource and output follows it. */
    private final List<EksCluster> clustersByName;

    /** The annotation that makes a Kubernetes service account assume an IAM role (IRSA). */
    public static final String ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
    /**
     * The session tag EKS Pod Identity sets to the cluster's ARN, which the trust is pinned to (a
     * cluster name alone repeats across the regions of an account).
     */
    public static final String POD_IDENTITY_CLUSTER_ARN_TAG = "eks-cluster-arn";
    /** The session tag EKS Pod Identity sets to the pod's namespace, which the trust is pinned to. */
    public static final String POD_IDENTITY_NAMESPACE_TAG = "kubernetes-namespace";
    /** The session tag EKS Pod Identity sets to the pod's service account, which the trust is pinned to. */
    public static final String POD_IDENTITY_SERVICE_ACCOUNT_TAG = "kubernetes-service-account";

    /**
     * Builds the bucket, key, policy, OIDC providers, roles and pod identity associations.
     *
     * @param scope the construct to add it to, in a stack
     * @param id    its construct ID
     * @param props the clusters and options
     * @throws InvalidInputException when the props do not fit IAM's or CloudFormation's limits
     */
    public VeleroBackup(Construct scope, String id, VeleroBackupProps props) {
        super(scope, id);
        this.props = Objects.requireNonNull(props, "props");
        this.clustersByName = props.getClusters().stream()
                .sorted(java.util.Comparator.comparing(EksCluster::getName)).toList();
        this.stack = Stack.of(this);
        checkProvidersAreInTheStacksAccount();
        checkRestoreRegions();
        if (props.getIdentity().podIdentity() && !props.isPodIdentityPinning()) {
            Annotations.of(this).addWarningV2("velero-irsa:podIdentityUnpinned", "podIdentityPinning is false: every"
                    + " EKS Pod Identity association in the account that names this construct's roles may assume"
                    + " them, from any cluster, namespace and service account");
        }

        // Every role's trust first: a policy IAM would refuse stops here, before any resource exists.
        Map<String, TrustedRole> trusted = new LinkedHashMap<>();
        Map<String, String> providerArns = new java.util.HashMap<>();
        Map<String, String> clusterArns = new java.util.HashMap<>();
        for (EksCluster cluster : clustersByName) {
            if (props.getIdentity().irsa()) {
                providerArns.put(cluster.getName(), providerArn(cluster));
            }
            if (props.getIdentity().podIdentity() && props.isPodIdentityPinning()) {
                clusterArns.put(cluster.getName(), clusterArn(cluster));
            }
        }
        props.getClustersByRole().forEach((name, clusters) ->
                trusted.put(name, new TrustedRole(name, clusters, props, providerArns, clusterArns)));
        if (!trusted.isEmpty()) {
            TrustedRole.checkSizes(stack, trusted.values());
        }

        BackupStore store = BackupStore.create(this, props);
        this.bucket = store.bucket();
        this.encryptionKey = store.key();
        boolean anyCluster = !props.getClusters().isEmpty();
        boolean bucketCreated = props.getExistingBucket() == null && props.getRemoteBucket() == null;
        this.policy = anyCluster ? VeleroPolicy.create(this, props, bucket, encryptionKey, bucketCreated) : null;
        boolean perCluster = props.getIsolation() == Isolation.PER_CLUSTER;
        // Only where a role backs up: a fleet's stack may hold restore-only clusters alone.
        boolean anyBackingUp = props.getClusters().stream().anyMatch(c -> !c.isRestoreOnly());
        this.snapshotPolicy = anyBackingUp && perCluster && props.isEbsSnapshots() ? VeleroPolicy.snapshots(this) : null;
        // Each role's prefixes, measured with the bucket's ARN at its longest before any role exists.
        Map<String, PolicyDocument> bucketAccess = new LinkedHashMap<>();
        if (perCluster) {
            BackupBucket remote = props.getRemoteBucket();
            Map<BackupBucket, BucketAccess.Target> targets = new java.util.HashMap<>();
            java.util.function.Function<BackupBucket, BucketAccess.Target> target =
                    b -> targets.computeIfAbsent(b, x -> BucketAccess.Target.of(stack, x));
            BucketAccess.Target own = remote != null ? target.apply(remote)
                    : BucketAccess.Target.local(bucket.getBucketArn());
            BucketAccess.Target longest = remote != null ? own : BucketAccess.Target.local(
                    "arn:" + TrustPolicySize.LONGEST_PARTITION + ":s3:::" + longestBucketName());
            props.getClustersByRole().forEach((name, clusters) -> {
                PolicyDocument document = BucketAccess.document(own, clusters, BucketAccess.sources(props, clusters, own,
                        target));
                // Another stack's bucket is named in full: the document is measured as it is.
                checkInlineSize(name, longest == own ? document : BucketAccess.document(longest, clusters,
                        BucketAccess.sources(props, clusters, longest, target)));
                bucketAccess.put(name, document);
            });
        }
        if (props.getReplication() != null) {
            this.replicationRole = Replicas.replicate(this, (software.amazon.awscdk.services.s3.Bucket) bucket,
                    encryptionKey, props.getReplication(), props.getBucketName(),
                    props.getRolePath() == null ? "/" : props.getRolePath());
        } else {
            this.replicationRole = null;
        }
        if (props.getReplicaOf() != null) {
            Replicas.admit(this, (software.amazon.awscdk.services.s3.Bucket) bucket, encryptionKey, props.getReplicaOf(),
                    props.getBucketName());
        }
        if (!props.getBucketGrants().isEmpty()) {
            BucketGrants.apply(this, (software.amazon.awscdk.services.s3.Bucket) bucket, encryptionKey,
                    props.getBucketGrants(), props.getBucketName());
        }

        Map<String, OidcProviderNative> created = new LinkedHashMap<>();
        this.oidcProviders = props.getIdentity().irsa() ? oidcProviders(created) : Map.of();

        IManagedPolicy boundary = props.getPermissionsBoundary();
        Map<String, IRole> allRoles = new LinkedHashMap<>();
        Map<String, IRole> byCluster = new LinkedHashMap<>();
        Construct namedRoles = null;
        // Each role's trust policy as built, with its statement count: the later-trust check's baseline.
        Map<String, PolicyDocument> trustPolicies = new LinkedHashMap<>();
        Map<String, Integer> statementCounts = new LinkedHashMap<>();
        Map<String, Integer> sidLengths = new LinkedHashMap<>();
        for (Map.Entry<String, TrustedRole> e : trusted.entrySet()) {
            String name = e.getKey();
            boolean shared = name.equals(VeleroBackupProps.DEFAULT_ROLE);
            if (!shared && namedRoles == null) {
                namedRoles = new Construct(this, "Roles");
            }
            List<IManagedPolicy> managed = new ArrayList<>();
            if (policy != null) {
                managed.add(policy);
            }
            if (snapshotPolicy != null && props.getClustersByRole().get(name).stream().anyMatch(c -> !c.isRestoreOnly())) {
                managed.add(snapshotPolicy);
            }
            Role role = e.getValue().create(shared ? this : namedRoles, shared ? "Role" : name, shared
                    ? "Assumed by Velero on the listed EKS clusters (velero-irsa)"
                    : "Assumed by Velero on the EKS clusters of role " + name + " (velero-irsa)", managed,
                    bucketAccess.get(name), boundary, this::issuerConditions);
            if (bucketAccess.containsKey(name)) {
                VeleroPolicy.exemptBucketAccess((software.amazon.awscdk.CfnResource) role.getNode().getDefaultChild(),
                        // Another stack's bucket that no cluster of the role writes to is not named at all.
                        bucket, bucketCreated, props.getRemoteBucket() == null
                                || props.getClustersByRole().get(name).stream().anyMatch(c -> !c.isRestoreOnly()),
                        props.getClustersByRole().get(name).stream()
                                .flatMap(c -> props.remoteSourcesOf(c).stream()).map(BackupSource::bucket).distinct().toList());
            }
            trustPolicies.put(name, role.getAssumeRolePolicy());
            statementCounts.put(name, e.getValue().statementCount());
            sidLengths.put(name, e.getValue().sidLength());
            String wiringArn = wiringRoleArn(name, role);
            for (EksCluster cluster : props.getClustersByRole().get(name)) {
                byCluster.put(cluster.getName(), role);
                wiringRoleArns.put(cluster.getName(), wiringArn);
                // The role names its clusters' providers in its trust: it waits for them.
                if (created.containsKey(cluster.getName())) {
                    role.getNode().addDependency(created.get(cluster.getName()));
                }
            }
            allRoles.put(name, role);
        }
        checkLaterTrust(trustPolicies, statementCounts, sidLengths);
        warnOfSharedPrefixes();
        this.roles = Collections.unmodifiableMap(allRoles);
        this.roleByCluster = Collections.unmodifiableMap(byCluster);
        this.podIdentityAssociations = props.getIdentity().podIdentity() ? podIdentityAssociations() : Map.of();

        props.getTags().forEach((key, value) -> Tags.of(this).add(key, value));
    }

    /**
     * The scope of the CfnJson of each cluster whose issuer is a token (a cluster of the same
     * app), made when the first one needs it: literal issuers need no custom resource.
     */
    private Construct issuerConditions() {
        IConstruct made = getNode().tryFindChild("IssuerConditions");
        return made != null ? (Construct) made : new Construct(this, "IssuerConditions");
    }

    /** The OIDC provider of every cluster, by name: imported, or created under {@code OidcProviders/<name>}. */
    private Map<String, IOidcProvider> oidcProviders(Map<String, OidcProviderNative> created) {
        Construct scope = new Construct(this, "OidcProviders");
        Map<String, IOidcProvider> providers = new LinkedHashMap<>();
        for (EksCluster cluster : clustersByName) {
            if (cluster.getOidcProviderArn() != null) {
                providers.put(cluster.getName(), OidcProviderNative.fromOidcProviderArn(
                        scope, cluster.getName(), cluster.getOidcProviderArn()));
            } else {
                OidcProviderNative provider = OidcProviderNative.Builder.create(scope, cluster.getName())
                        .url(cluster.getOidcIssuerUrl())
                        .clientIds(List.of(VeleroPermissions.STS_AUDIENCE))
                        .build();
                providers.put(cluster.getName(), provider);
                created.put(cluster.getName(), provider);
            }
        }
        if (created.size() > OIDC_PROVIDER_QUOTA) {
            Annotations.of(this).addWarningV2("velero-irsa:oidcProviderQuota", "This stack creates " + created.size()
                    + " OIDC providers; IAM's default quota is " + OIDC_PROVIDER_QUOTA + " per account (raise"
                    + " \"OpenId connect providers per account\" in Service Quotas before deploying)");
        }
        return Collections.unmodifiableMap(providers);
    }

    /** A pod identity association per service account, on its cluster's role. */
    private Map<String, CfnPodIdentityAssociation> podIdentityAssociations() {
        Map<String, CfnPodIdentityAssociation> associations = new LinkedHashMap<>();
        Construct scope = new Construct(this, "PodIdentityAssociations");
        for (EksCluster cluster : clustersByName) {
            if (cluster.getClusterName() == null) {
                continue;
            }
            Construct clusterScope = new Construct(scope, cluster.getName());
            for (ServiceAccount sa : cluster.getServiceAccounts()) {
                associations.put(cluster.getName() + "/" + sa.namespace() + "/" + sa.name(),
                        CfnPodIdentityAssociation.Builder.create(clusterScope, sa.namespace() + ":" + sa.name())
                                .clusterName(cluster.getClusterName())
                                .namespace(sa.namespace())
                                .serviceAccount(sa.name())
                                .roleArn(roleByCluster.get(cluster.getName()).getRoleArn())
                                .build());
            }
        }
        return Collections.unmodifiableMap(associations);
    }

    /**
     * Statements added to a role's trust later, by code outside this construct, are checked too:
     * at synthesis, for each role whose trust has more statements than this construct gave it.
     */
    private void checkLaterTrust(Map<String, PolicyDocument> trustPolicies, Map<String, Integer> statementCounts,
            Map<String, Integer> sidLengths) {
        int limit = props.getMaxTrustPolicyLength();
        getNode().addValidation(() -> {
            List<String> errors = new ArrayList<>();
            trustPolicies.forEach((name, trust) -> {
                if (trust.getStatementCount().intValue() == statementCounts.get(name)) {
                    return; // as built: its size was checked then
                }
                int size = TrustPolicySize.of(stack, trust) + sidLengths.get(name);
                if (size > limit) {
                    errors.add((name.equals(VeleroBackupProps.DEFAULT_ROLE) ? "The role's" : "Role " + name + "'s") + " trust policy is " + size
                            + " characters, over maxTrustPolicyLength " + limit + " (statements were added to it after"
                            + " VeleroBackup built it)");
                }
            });
            return errors;
        });
    }

    /**
     * A role that several backing-up clusters share gives each of them the others' prefixes: IAM
     * tells roles apart, not the clusters on one. Said at synthesis, per role.
     */
    private void warnOfSharedPrefixes() {
        if (props.getIsolation() != Isolation.PER_CLUSTER) {
            return;
        }
        props.getClustersByRole().forEach((role, clusters) -> {
            List<String> backingUp = clusters.stream().filter(c -> !c.isRestoreOnly()).map(EksCluster::getName).toList();
            if (backingUp.size() > 1) {
                Annotations.of(this).addWarningV2("velero-irsa:sharedRole", (role.equals(VeleroBackupProps.DEFAULT_ROLE)
                        ? "The shared role" : "Role " + InvalidInputException.quote(role)) + " holds " + backingUp.size()
                        + " clusters that back up (" + InvalidInputException.names(backingUp) + "): each may read and"
                        + " delete the others' backups, IAM tells roles apart and not the clusters on one (roles"
                        + " PER_CLUSTER, or clusters[].role, gives each a role of its own)");
            }
        });
    }

    /** The bucket's name at its longest: as given, or IAM's 63 characters while it is a token. */
    private String longestBucketName() {
        String name = bucket.getBucketName();
        if (props.getRemoteBucket() != null) {
            return props.getRemoteBucket().bucketName();
        }
        return props.getBucketName() != null && !Rules.unresolved(props.getBucketName()) ? props.getBucketName()
                : props.getExistingBucket() != null && !Rules.unresolved(name) ? name : "x".repeat(63);
    }

    /** A role's inline policy that IAM would refuse stops here, with the ways out. */
    private void checkInlineSize(String role, PolicyDocument atLongest) {
        int size = TrustPolicySize.of(stack, atLongest);
        if (size > BucketAccess.MAX_INLINE_LENGTH) {
            List<EksCluster> clusters = props.getClustersByRole().get(role);
            throw new InvalidInputException("clusters", (role.equals(VeleroBackupProps.DEFAULT_ROLE) ? "the role's"
                    : "role " + InvalidInputException.quote(role) + "'s") + " bucket policy (its prefixes and sources)"
                    + " would be " + size + " characters, over IAM's limit of " + BucketAccess.MAX_INLINE_LENGTH
                    + " for a role's inline policies, with the bucket's name at its longest; its clusters: "
                    + InvalidInputException.names(clusters.stream().map(EksCluster::getName).toList())
                    + " (expected fewer clusters or sources per role: clusters[].role names a role per group, or"
                    + " roles PER_CLUSTER gives each cluster its own; or fewer restoresFrom, or shorter prefixes)");
        }
    }

    /**
     * A restore in another region than its source's cannot bring back EBS snapshots, which are
     * regional: unless the volumes' data is in the bucket (file-system backups only, or snapshot
     * data movement), such a source is refused, naming both clusters. Regions known only at
     * deploy time are not compared.
     */
    private void checkRestoreRegions() {
        if (!props.isEbsSnapshots() || props.isSnapshotMoveData()) {
            return;
        }
        List<EksCluster> clusters = props.getClusters();
        String account = Rules.unresolved(stack.getAccount()) ? null : stack.getAccount();
        for (int i = 0; i < clusters.size(); i++) {
            EksCluster c = clusters.get(i);
            String region = regionOf(c);
            for (int j = 0; j < c.getRestoresFrom().size(); j++) {
                String sourceName = c.getRestoresFrom().get(j);
                EksCluster local = props.clusterNamed(sourceName);
                BackupSource remote = local != null ? null : props.remoteSourceNamed(sourceName);
                String from = local != null ? regionOf(local) : remote.region();
                if (remote != null && account != null && !remote.account().equals(account)) {
                    throw new InvalidInputException("clusters[" + i + "].restoresFrom[" + j + "]", "cluster "
                            + InvalidInputException.quote(c.getName()) + " in account " + account + " restores from"
                            + " cluster " + InvalidInputException.quote(sourceName) + " in account " + remote.account()
                            + ", whose volumes are backed up as EBS snapshots, which stay in account "
                            + remote.account() + " (expected its volumes' data in the bucket: ebsSnapshots false for"
                            + " file-system backups only, or snapshotMoveData true for CSI snapshot data movement;"
                            + " or a source in account " + account + ")");
                }
                if (region != null && from != null && !region.equals(from)) {
                    throw new InvalidInputException("clusters[" + i + "].restoresFrom[" + j + "]", "cluster "
                            + InvalidInputException.quote(c.getName()) + " in " + region + " restores from cluster "
                            + InvalidInputException.quote(sourceName) + " in " + from + ", whose volumes are"
                            + " backed up as EBS snapshots, which stay in " + from + " (expected its volumes' data in"
                            + " the bucket: ebsSnapshots false for file-system backups only, or snapshotMoveData"
                            + " true for CSI snapshot data movement; or a source in " + region + ")");
                }
            }
        }
    }

    /** A cluster's region, else the stack's; {@code null} while it is known only at deploy time. */
    private String regionOf(EksCluster cluster) {
        String region = cluster.getRegion() != null ? cluster.getRegion() : stack.getRegion();
        return Rules.unresolved(region) ? null : region;
    }

    /** An imported provider of another account than the stack's could never be used by its roles. */
    private void checkProvidersAreInTheStacksAccount() {
        if (Rules.unresolved(stack.getAccount())) {
            return; // unknown until deployment: the README says the provider must be in the role's account
        }
        List<EksCluster> clusters = props.getClusters();
        for (int i = 0; i < clusters.size(); i++) {
            String arn = clusters.get(i).givenProviderArn();
            if (arn != null && !Rules.unresolved(arn) && !arn.split(":")[4].equals(stack.getAccount())) {
                throw new InvalidInputException("clusters[" + i + "].oidcProviderArn", InvalidInputException.quote(arn)
                        + " is a provider of account " + arn.split(":")[4] + ", not of the stack's account "
                        + stack.getAccount() + " (expected the provider of this issuer in the account the role is in)");
            }
        }
    }

    /**
     * The ARN of an EKS cluster: a same-app cluster's own, else its name, in its region (else the
     * stack's) and the stack's account.
     */
    private String clusterArn(EksCluster cluster) {
        if (cluster.getClusterArn() != null) {
            return cluster.getClusterArn();
        }
        return arn("eks", cluster.getRegion(), "cluster", cluster.getClusterName());
    }

    /**
     * The ARN of the cluster's OIDC provider: the imported one as given, or the one IAM gives the
     * provider this construct creates, spelled out so that a reviewer reads the issuer in the
     * trust policy itself (the role depends on the provider).
     */
    private String providerArn(EksCluster cluster) {
        if (cluster.getOidcProviderArn() != null) {
            return cluster.getOidcProviderArn();
        }
        return arn("iam", "", "oidc-provider", cluster.getOidcIssuer());
    }

    /** {@code Stack.formatArn} of a {@code resource/name} ARN in the stack's partition and account ({@code region} null: the stack's). */
    private String arn(String service, String region, String resource, String name) {
        return stack.formatArn(ArnComponents.builder()
                .service(service)
                .region(region)
                .resource(resource)
                .resourceName(name)
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
    }

    /**
     * What one of the listed clusters applies to use this bucket and role: see
     * {@link VeleroWiring}. The backup storage location's region is the bucket's (the stack's);
     * the volume snapshot location's is the cluster's own ({@link EksCluster#getRegion()}, else
     * the stack's): EBS snapshots are regional. The first of the cluster's service accounts is
     * Velero's server.
     *
     * @param cluster one of the clusters of this construct's props
     * @return its wiring
     * @throws IllegalArgumentException for a cluster that is not in this construct's props
     */
    public VeleroWiring wiring(EksCluster cluster) {
        if (!props.getClusters().contains(cluster)) {
            throw new IllegalArgumentException("wiring: " + cluster + " is not one of this VeleroBackup's clusters"
                    + " (expected one of the EksCluster values given to its props)");
        }
        String stackRegion = stack.getRegion();
        return wiring(cluster, bucket.getBucketName(), bucketRegion(),
                cluster.getRegion() != null ? cluster.getRegion() : stackRegion,
                wiringRoleArns.get(cluster.getName()));
    }

    /** {@return the policy of taking and deleting EBS snapshots, attached to the roles that back up; {@code null} with isolation SHARED or without EBS snapshots} */
    public IManagedPolicy getSnapshotPolicy() {
        return snapshotPolicy;
    }

    /**
     * A role's ARN as the wiring prints it: written out from its parts (partition, account, the
     * path as given, the role's name) rather than read from the role, so that the one part that
     * may hold any printable character, the path, is a literal, which CloudFormation's JSON of
     * the output escapes; the parts known at deploy time are characters AWS allows in a
     * partition, an account ID and a role name, none of which JSON or a shell treats specially.
     */
    private String wiringRoleArn(String name, IRole role) {
        String path = props.getRolePath() == null ? "/" : props.getRolePath();
        // A name given in the props is written as given (the velero CLI's flags must see its commas);
        // concatenated, not Fn.join, so that the literal parts stay visible to the wiring's quoting.
        String given = props.roleName(name);
        return "arn:" + stack.getPartition() + ":iam::" + stack.getAccount() + ":role" + path
                + (given != null ? given : role.getRoleName());
    }

    private VeleroWiring wiring(EksCluster cluster, String bucketName, String bucketRegion, String clusterRegion,
            String roleArn) {
        ServiceAccount server = cluster.getServiceAccounts().get(0);
        boolean irsa = props.getIdentity().irsa();
        // With Pod Identity alone the association binds the role: the wiring names none, and
        // clusters on different roles share it.
        boolean perCluster = props.getIsolation() == Isolation.PER_CLUSTER;
        VeleroWiring.BackupLocation own = cluster.isRestoreOnly() ? null : new VeleroWiring.BackupLocation(
                VeleroBackupProps.DEFAULT_LOCATION, bucketName, bucketRegion, perCluster ? cluster.getPrefix() : null);
        List<VeleroWiring.BackupLocation> sources = new ArrayList<>();
        for (String name : cluster.getRestoresFrom()) {
            String location = VeleroBackupProps.locationName(name);
            EksCluster local = props.clusterNamed(name);
            BackupSource remote = props.remoteSourceNamed(name);
            // A source of these props is in this bucket; another stack's, in its own bucket and region.
            sources.add(local != null
                    ? new VeleroWiring.BackupLocation(location, bucketName, bucketRegion, local.getPrefix())
                    : new VeleroWiring.BackupLocation(location, remote.bucket().bucketName(), remote.bucket().region(),
                            remote.prefix()));
        }
        return new VeleroWiring(own, sources, props.isEbsSnapshots() ? clusterRegion : null,
                irsa ? roleArn : null, server.namespace(), server.name(), props.getVeleroPluginImage(),
                props.isFileSystemBackups(), props.isSnapshotMoveData());
    }

    /**
     * The largest value CloudFormation is asked to hold in one output: CloudFormation documents
     * no limit of its own for an output value, and 4,096 bytes is the limit it documents for the
     * values nearest to one (a parameter value, an output's description).
     */
    public static final int MAX_OUTPUT_VALUE_BYTES = 4096;
    /** CloudFormation's limit on the outputs of one template. */
    public static final int MAX_OUTPUTS = 200;

    /**
     * Adds the clusters' wiring as stack outputs, in a construct of their own ({@code Wiring}):
     * one JSON output ({@link VeleroWiring#toOutput}) per group of clusters whose wiring is the
     * same (same namespace, service account, snapshot region and role), so that a fleet stays
     * within CloudFormation's {@value #MAX_OUTPUTS} outputs. A group whose output would pass
     * {@link #MAX_OUTPUT_VALUE_BYTES} (counted with the bucket name, role ARN and regions at their
     * longest) is split. The outputs are named {@code Wiring<first cluster's name>}, with '-' and
     * '_' dropped and the next letter raised, groups and clusters in name order (after {@code
     * Wiring}, this construct's ID too, where another {@code VeleroBackup} of the stack has the
     * name already); each output's description names its clusters as {@code [name]}. The
     * stack's output count is checked at synthesis, with every other output of the stack.
     *
     * @return the output of every cluster, by cluster name, in name order
     * @throws InvalidInputException when a cluster's wiring would not fit one output
     * @throws IllegalStateException when called a second time
     */
    public Map<String, CfnOutput> addWiringOutputs() {
        if (getNode().tryFindChild("Wiring") != null) {
            throw new IllegalStateException("addWiringOutputs: this VeleroBackup has its wiring outputs already"
                    + " (expected one call)");
        }
        String bucketName = bucket.getBucketName();
        String stackRegion = stack.getRegion();
        Map<EksCluster, VeleroWiring> wirings = new LinkedHashMap<>();
        for (EksCluster c : clustersByName) {
            wirings.put(c, wiring(c, bucketName, bucketRegion(), c.getRegion() != null ? c.getRegion() : stackRegion,
                    wiringRoleArns.get(c.getName())));
        }
        String longestRoleArn = "arn:" + TrustPolicySize.LONGEST_PARTITION + ":iam::123456789012:role"
                + (props.getRolePath() == null ? "/" : props.getRolePath()) + "x".repeat(64);
        String longestBucket = longestBucketName();
        String longestRegion = Rules.unresolved(stackRegion) ? TrustPolicySize.longestRegion() : stackRegion;
        String longestBucketRegion = props.getRemoteBucket() != null ? bucketRegion() : longestRegion;
        return new Wiring(this, wirings, c -> wiring(c, longestBucket, longestBucketRegion,
                c.getRegion() != null ? c.getRegion() : longestRegion, longestRoleArn)).byCluster();
    }

    /** The bucket's region: another stack's bucket's own, else the stack's. */
    private String bucketRegion() {
        return props.getRemoteBucket() != null ? props.getRemoteBucket().region() : stack.getRegion();
    }

    /** {@return the role S3 replicates the bucket with ({@code Replication}), or {@code null} without replication} */
    public IRole getReplicationRole() {
        return replicationRole;
    }

    /** {@return the backup bucket} */
    public IBucket getBucket() {
        return bucket;
    }

    /**
     * {@return the shared role ({@code Role}), or {@code null} when every cluster has a role of its
     * own or a named one}
     */
    public IRole getRole() {
        return roles.get(VeleroBackupProps.DEFAULT_ROLE);
    }

    /**
     * {@return every role, by name ({@link VeleroBackupProps#DEFAULT_ROLE} for the shared one), in
     * name order}
     */
    public Map<String, IRole> getRoles() {
        return roles;
    }

    /**
     * The role a cluster's Velero assumes.
     *
     * @param clusterName the cluster's {@link EksCluster#getName()}
     * @return its role
     * @throws IllegalArgumentException for a name that is not one of the clusters'
     */
    public IRole getRoleFor(String clusterName) {
        IRole role = roleByCluster.get(clusterName);
        if (role == null) {
            throw new IllegalArgumentException("getRoleFor: " + InvalidInputException.quote(clusterName) + " is not"
                    + " a cluster of this VeleroBackup (expected one of " + roleByCluster.keySet() + ")");
        }
        return role;
    }

    /**
     * {@return the Velero policy, attached to every role: with isolation SHARED all of Velero's
     * rights, else those every role shares (describing and restoring EBS volumes, the keys), or
     * {@code null} when that is nothing}
     */
    public IManagedPolicy getPolicy() {
        return policy;
    }

    /** {@return the bucket's KMS key: created or given; {@code null} unless the encryption is KMS} */
    public IKey getEncryptionKey() {
        return encryptionKey;
    }

    /**
     * {@return the pod identity associations created, keyed by {@code <cluster
     * name>/<namespace>/<service account>}; empty with IRSA}
     */
    public Map<String, CfnPodIdentityAssociation> getPodIdentityAssociations() {
        return podIdentityAssociations;
    }

    /**
     * {@return the OIDC provider of every cluster, created or imported, keyed by cluster name in
     * name order}
     */
    public Map<String, IOidcProvider> getOidcProviders() {
        return oidcProviders;
    }
}
