package io.github.veleroirsa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.iam.PrincipalWithConditions;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.SessionTagsPrincipal;
import software.amazon.awscdk.services.iam.CompositePrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IManagedPolicy;
import software.amazon.awscdk.services.iam.IOidcProvider;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.OidcProviderNative;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.WebIdentityPrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;
import io.github.veleroirsa.Exemptions.Exemption;

/**
 * The AWS side of Velero on EKS: a backup bucket, the Velero policy, an IAM OIDC provider per
 * cluster and one role that Velero's service account on every listed cluster, and on no other,
 * may assume through IAM roles for service accounts (IRSA).
 *
 * <p>Construct IDs are a contract: {@code Bucket}, {@code Key}, {@code Policy}, {@code Role} and
 * {@code OidcProviders/<cluster name>}. Adding, removing or reordering clusters changes no other
 * resource's logical ID.
 */
public class VeleroBackup extends Construct {
    /** Incomplete multipart uploads are aborted after this many days. */
    public static final int ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

    private final IBucket bucket;
    private final IKey encryptionKey;
    private final IManagedPolicy policy;
    private final IRole role;
    private final Map<String, IOidcProvider> oidcProviders;
    private final Map<String, CfnPodIdentityAssociation> podIdentityAssociations;
    private final VeleroBackupProps props;

    /** The annotation that makes a Kubernetes service account assume an IAM role (IRSA). */
    public static final String ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
    /** The session tags EKS Pod Identity sets, which the trust is pinned to. */
    public static final String POD_IDENTITY_CLUSTER_TAG = "eks-cluster-name";
    public static final String POD_IDENTITY_NAMESPACE_TAG = "kubernetes-namespace";
    public static final String POD_IDENTITY_SERVICE_ACCOUNT_TAG = "kubernetes-service-account";

    public VeleroBackup(Construct scope, String id, VeleroBackupProps props) {
        super(scope, id);
        Objects.requireNonNull(props, "props");
        this.props = props;

        // Everything per cluster in name order, so that the list's order changes no byte of the template.
        List<EksCluster> clusters = byName(props.getClusters());

        // The trust first: a policy IAM would refuse stops here, before any resource exists.
        List<List<IPrincipal>> trust = new ArrayList<>();
        for (EksCluster cluster : clusters) {
            trust.add(trustOf(cluster, props));
        }
        List<IPrincipal> shared = props.getIdentity().podIdentity() && !props.isPodIdentityPinning()
                ? List.of(podIdentityPrincipal(null))
                : List.of();
        checkTrustPolicySize(trust, shared, props.getMaxTrustPolicyLength());

        this.encryptionKey = props.getEncryption() != BackupEncryption.KMS
                ? null
                : props.getEncryptionKey() != null
                        ? props.getEncryptionKey()
                        : Key.Builder.create(this, "Key")
                                .description("Encrypts the Velero backup bucket (velero-irsa)")
                                .enableKeyRotation(true)
                                .removalPolicy(props.getRemovalPolicy())
                                .build();

        this.bucket = props.getExistingBucket() != null ? props.getExistingBucket() : createBucket(props);

        Stack stack = Stack.of(this);
        List<PolicyStatement> statements = new ArrayList<>();
        List<Exemption> exemptions = new ArrayList<>();
        if (props.isEbsSnapshots()) {
            String volumes = stack.formatArn(ArnComponents.builder()
                    .service("ec2").region("*").resource("volume").resourceName("*")
                    .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
            // Snapshot ARNs carry no account.
            String snapshots = stack.formatArn(ArnComponents.builder()
                    .service("ec2").region("*").account("").resource("snapshot").resourceName("*")
                    .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
            statements.add(allow("VeleroEbsDescribe", VeleroPermissions.EC2_DESCRIBE_ACTIONS, List.of("*")));
            statements.add(allow("VeleroEbsSnapshots", VeleroPermissions.EC2_SNAPSHOT_ACTIONS,
                    List.of(volumes, snapshots)));
            exemptions.add(new Exemption("AwsSolutions-IAM5", List.of("Resource::*"), null,
                    "ec2:DescribeVolumes and ec2:DescribeSnapshots support no resource-level permissions:"
                            + " IAM accepts only * for them. They read metadata, nothing else."));
            exemptions.add(new Exemption("AwsSolutions-IAM5", List.of(
                    Map.of("regex", "/^Resource::arn:" + PARTITION + ":ec2:\\*:" + ACCOUNT + ":volume\\/\\*$/"),
                    Map.of("regex", "/^Resource::arn:" + PARTITION + ":ec2:\\*::snapshot\\/\\*$/")), null,
                    "Velero snapshots volumes and restores volumes from snapshots whose IDs exist only once"
                            + " a backup runs; the actions are limited to this account's volumes and to"
                            + " snapshots, in the regions of Velero's volume snapshot locations."));
        }
        statements.add(allow("VeleroBackupObjects", VeleroPermissions.S3_OBJECT_ACTIONS,
                List.of(bucket.arnForObjects("*"))));
        statements.add(allow("VeleroBackupBucket", VeleroPermissions.S3_BUCKET_ACTIONS,
                List.of(bucket.getBucketArn())));
        exemptions.add(new Exemption("AwsSolutions-IAM5", List.of(props.getExistingBucket() == null
                ? "Resource::<" + stack.getLogicalId((CfnElement) bucket.getNode().getDefaultChild()) + ".Arn>/*"
                : Map.of("regex", "/^Resource::arn:" + PARTITION + ":s3:::" + bucket.getBucketName().replace(".", "\\.") + "\\/\\*$/")), null,
                "Velero writes backups under object keys it names at run time; the object actions are"
                        + " limited to the objects of this one backup bucket."));
        if (encryptionKey != null) {
            statements.add(allow("VeleroBackupKey", VeleroPermissions.KMS_ACTIONS, List.of(encryptionKey.getKeyArn())));
        }
        if (!props.getEbsKmsKeyArns().isEmpty()) {
            statements.add(allow("VeleroEbsKeys", VeleroPermissions.EBS_KMS_ACTIONS, props.getEbsKmsKeyArns()));
            statements.add(PolicyStatement.Builder.create()
                    .sid("VeleroEbsKeyGrants")
                    .effect(Effect.ALLOW)
                    .actions(VeleroPermissions.EBS_KMS_GRANT_ACTIONS)
                    .resources(props.getEbsKmsKeyArns())
                    .conditions(Map.of("Bool", Map.of("kms:GrantIsForAWSResource", "true")))
                    .build());
        }
        ManagedPolicy managedPolicy = ManagedPolicy.Builder.create(this, "Policy")
                .description("Velero: EBS snapshots and the objects of its backup bucket (velero-irsa)")
                .statements(statements)
                .build();
        Exemptions.apply((CfnResource) managedPolicy.getNode().getDefaultChild(), exemptions);
        this.policy = managedPolicy;

        Construct providerScope = new Construct(this, "OidcProviders");
        Map<String, IOidcProvider> providers = new LinkedHashMap<>();
        List<Construct> createdProviders = new ArrayList<>();
        for (EksCluster cluster : props.getIdentity().irsa() ? clusters : List.<EksCluster>of()) {
            if (cluster.getOidcProviderArn() != null) {
                providers.put(cluster.getName(), OidcProviderNative.fromOidcProviderArn(
                        providerScope, cluster.getName(), cluster.getOidcProviderArn()));
            } else {
                OidcProviderNative provider = OidcProviderNative.Builder.create(providerScope, cluster.getName())
                        .url(cluster.getOidcIssuerUrl())
                        .clientIds(List.of(VeleroPermissions.STS_AUDIENCE))
                        .build();
                providers.put(cluster.getName(), provider);
                createdProviders.add(provider);
            }
        }
        this.oidcProviders = Collections.unmodifiableMap(providers);

        List<IPrincipal> principals = new ArrayList<>(shared);
        trust.forEach(principals::addAll);
        Role backupRole = Role.Builder.create(this, "Role")
                .description("Assumed by Velero on the listed EKS clusters (velero-irsa)")
                // One trust statement per cluster and mechanism: conditions within a statement are ANDed.
                .assumedBy(new CompositePrincipal(principals.toArray(IPrincipal[]::new)))
                .managedPolicies(List.of(managedPolicy))
                .roleName(props.getRoleName())
                .path(props.getRolePath())
                .maxSessionDuration(props.getMaxSessionDuration())
                .permissionsBoundary(props.getPermissionsBoundaryArn() == null ? null
                        : ManagedPolicy.fromManagedPolicyArn(this, "PermissionsBoundary",
                                props.getPermissionsBoundaryArn()))
                .build();
        createdProviders.forEach(p -> backupRole.getNode().addDependency(p));
        this.role = backupRole;

        Map<String, CfnPodIdentityAssociation> associations = new LinkedHashMap<>();
        if (props.getIdentity().podIdentity()) {
            Construct associationScope = new Construct(this, "PodIdentityAssociations");
            for (EksCluster cluster : clusters) {
                if (cluster.getClusterName() == null) {
                    continue;
                }
                Construct clusterScope = new Construct(associationScope, cluster.getName());
                for (ServiceAccount sa : cluster.getServiceAccounts()) {
                    associations.put(cluster.getName() + "/" + sa.namespace() + "/" + sa.name(),
                            CfnPodIdentityAssociation.Builder.create(clusterScope, sa.namespace() + ":" + sa.name())
                                    .clusterName(cluster.getClusterName())
                                    .namespace(sa.namespace())
                                    .serviceAccount(sa.name())
                                    .roleArn(backupRole.getRoleArn())
                                    .build());
                }
            }
        }
        this.podIdentityAssociations = Collections.unmodifiableMap(associations);

        props.getTags().forEach((key, value) -> Tags.of(this).add(key, value));

        // Statements added to the trust later, by code outside this construct, are checked too.
        int limit = props.getMaxTrustPolicyLength();
        getNode().addValidation(() -> {
            int size = TrustPolicySize.of(Stack.of(this), backupRole.getAssumeRolePolicy());
            return size <= limit ? List.of() : List.of("The role's trust policy is " + size
                    + " characters, over maxTrustPolicyLength " + limit + " (statements were added to it after"
                    + " VeleroBackup built it)");
        });
    }

    /** How cdk-nag writes a partition and an account: as pseudo parameters, or literally once pinned. */
    private static final String PARTITION = "(?:<AWS::Partition>|aws[a-z-]*)";
    private static final String ACCOUNT = "(?:<AWS::AccountId>|[0-9]{12})";

    private Bucket createBucket(VeleroBackupProps props) {
        Bucket created = Bucket.Builder.create(this, "Bucket")
                .bucketName(props.getBucketName())
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .versioned(true)
                .encryption(encryptionKey == null ? BucketEncryption.S3_MANAGED : BucketEncryption.KMS)
                .encryptionKey(encryptionKey)
                .bucketKeyEnabled(encryptionKey == null ? null : true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        // Only old versions and unfinished uploads: a rule that expires current
                        // objects would corrupt Velero's Kopia repositories.
                        .id("ExpireNoncurrentVersionsAndAbortUploads")
                        .noncurrentVersionExpiration(props.getNoncurrentVersionExpiration())
                        .abortIncompleteMultipartUploadAfter(Duration.days(ABORT_INCOMPLETE_UPLOAD_DAYS))
                        .expiredObjectDeleteMarker(true)
                        .build()))
                .serverAccessLogsBucket(props.getAccessLogsBucketName() == null
                        ? null
                        : Bucket.fromBucketName(this, "AccessLogsBucket", props.getAccessLogsBucketName()))
                .serverAccessLogsPrefix(props.getAccessLogsBucketName() == null
                        ? null
                        : Stack.of(this).getStackName() + "/")
                .removalPolicy(props.getRemovalPolicy())
                .build();
        if (props.getAccessLogsBucketName() != null) {
            software.amazon.awscdk.Annotations.of(created).acknowledgeWarning(
                    "@aws-cdk/aws-s3:accessLogsPolicyNotAdded", "the log bucket is not this stack's: its bucket"
                            + " policy lets logging.s3.amazonaws.com write, as the README says");
        } else {
            Exemptions.apply((CfnResource) created.getNode().getDefaultChild(), List.of(new Exemption(
                    "AwsSolutions-S1", List.of(), "CKV_AWS_18",
                    "Server access logs need a second bucket, which the organisation's logging account"
                            + " usually owns: set accessLogsBucketName to turn them on. CloudTrail S3 data"
                            + " events are the alternative.")));
        }
        return created;
    }

    /** The trust principals of one cluster: its IRSA statement, its Pod Identity statements, or both. */
    private List<IPrincipal> trustOf(EksCluster cluster, VeleroBackupProps props) {
        List<IPrincipal> out = new ArrayList<>();
        if (props.getIdentity().irsa()) {
            out.add(new WebIdentityPrincipal(providerArn(cluster), trustConditions(cluster)));
        }
        if (props.getIdentity().podIdentity() && props.isPodIdentityPinning()) {
            // One statement per namespace: the tags' conditions are ANDed, so a statement with
            // two namespaces and two names would also admit the crossed pairs.
            Map<String, List<String>> byNamespace = new LinkedHashMap<>();
            cluster.getServiceAccounts().forEach(sa ->
                    byNamespace.computeIfAbsent(sa.namespace(), k -> new ArrayList<>()).add(sa.name()));
            byNamespace.forEach((namespace, names) -> {
                Map<String, Object> equals = new LinkedHashMap<>();
                equals.put("aws:RequestTag/" + POD_IDENTITY_CLUSTER_TAG, cluster.getClusterName());
                equals.put("aws:RequestTag/" + POD_IDENTITY_NAMESPACE_TAG, namespace);
                equals.put("aws:RequestTag/" + POD_IDENTITY_SERVICE_ACCOUNT_TAG, names.size() == 1 ? names.get(0) : names);
                out.add(podIdentityPrincipal(Map.of("StringEquals", equals)));
            });
        }
        return out;
    }

    /** {@code pods.eks.amazonaws.com} with {@code sts:AssumeRole} and {@code sts:TagSession}. */
    private static IPrincipal podIdentityPrincipal(Map<String, Object> conditions) {
        IPrincipal service = new ServicePrincipal(VeleroPermissions.POD_IDENTITY_SERVICE);
        return new SessionTagsPrincipal(conditions == null ? service : new PrincipalWithConditions(service, conditions));
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
        return Stack.of(this).formatArn(ArnComponents.builder()
                .service("iam")
                .region("")
                .resource("oidc-provider")
                .resourceName(cluster.getOidcIssuer())
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
    }

    /**
     * Fails when IAM would refuse the trust policy: says by how much, how many of the clusters
     * fit, and the two ways out.
     */
    private void checkTrustPolicySize(List<List<IPrincipal>> perCluster, List<IPrincipal> shared, int limit) {
        int size = trustPolicySize(perCluster, shared);
        if (size <= limit) {
            return;
        }
        int fit = perCluster.size() - 1;
        while (fit > 0 && trustPolicySize(perCluster.subList(0, fit), shared) > limit) {
            fit--;
        }
        throw new InvalidInputException("clusters", "the role's trust policy would be " + size
                + " characters, over the limit of " + limit + " (maxTrustPolicyLength; IAM counts no whitespace,"
                + " and the account and partition are counted at their longest); the first " + fit + " of these "
                + perCluster.size() + " clusters fit (expected either a raised IAM quota \"Role trust policy"
                + " length\" (Service Quotas; 4096 is the documented maximum, " + TrustPolicySize.MAX_LIMIT
                + " is granted in some accounts) with maxTrustPolicyLength set to it, or the clusters split across"
                + " several roles: one stack or VeleroBackup per group)");
    }

    /** The size of the trust policy a role assumed by these principals gets. */
    private int trustPolicySize(List<List<IPrincipal>> perCluster, List<IPrincipal> shared) {
        List<IPrincipal> all = new ArrayList<>(shared);
        perCluster.forEach(all::addAll);
        PolicyDocument probe = new PolicyDocument();
        new CompositePrincipal(all.toArray(IPrincipal[]::new)).addToAssumeRolePolicy(probe);
        return TrustPolicySize.of(Stack.of(this), probe);
    }

    private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources)
                .build();
    }

    /** {@code StringEquals} on the token's subject (one, or a list) and audience, keyed by the issuer. */
    private static Map<String, Object> trustConditions(EksCluster cluster) {
        Map<String, Object> equals = new LinkedHashMap<>();
        List<String> subjects = cluster.getSubjects();
        equals.put(cluster.getOidcIssuer() + ":sub", subjects.size() == 1 ? subjects.get(0) : subjects);
        equals.put(cluster.getOidcIssuer() + ":aud", VeleroPermissions.STS_AUDIENCE);
        return Map.of("StringEquals", equals);
    }

    /**
     * What one of the listed clusters applies to use this bucket and role: see
     * {@link VeleroWiring}. The backup storage location's region is the bucket's (the stack's);
     * the volume snapshot location's is the cluster's own ({@link EksCluster#getRegion()}, else
     * the stack's): EBS snapshots are regional. The first of the cluster's service accounts is
     * Velero's server.
     *
     * @throws IllegalArgumentException for a cluster that is not in this construct's props
     */
    public VeleroWiring wiring(EksCluster cluster) {
        if (!props.getClusters().contains(cluster)) {
            throw new IllegalArgumentException("wiring: " + cluster + " is not one of this VeleroBackup's clusters"
                    + " (expected one of the EksCluster values given to its props)");
        }
        String stackRegion = Stack.of(this).getRegion();
        return wiring(cluster, bucket.getBucketName(), stackRegion,
                cluster.getRegion() != null ? cluster.getRegion() : stackRegion, role.getRoleArn());
    }

    private VeleroWiring wiring(EksCluster cluster, String bucketName, String bucketRegion, String clusterRegion,
            String roleArn) {
        ServiceAccount server = cluster.getServiceAccounts().get(0);
        return new VeleroWiring(bucketName, bucketRegion, props.isEbsSnapshots() ? clusterRegion : null, roleArn,
                props.getIdentity().irsa(), server.namespace(), server.name(), props.getVeleroPluginImage(),
                props.isFileSystemBackups(), props.isFileSystemBackups() && !props.isEbsSnapshots());
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
     * Adds the clusters' wiring to the stack as outputs: one JSON output ({@link
     * VeleroWiring#toOutput}) per group of clusters whose wiring is the same (same namespace,
     * service account, snapshot region and role), so that a fleet stays within CloudFormation's
     * 200 outputs. A group whose output would pass {@link #MAX_OUTPUT_VALUE_BYTES} (counted with
     * the bucket name, role ARN and regions at their longest) is split. The outputs are named
     * {@code Wiring<first cluster's name>}, with '-' and '_' dropped and the next letter raised,
     * groups and clusters in name order; each output's description names its clusters as
     * {@code [name]}.
     *
     * <p>Call it after the stack's other outputs: they count against {@link #MAX_OUTPUTS} too.
     *
     * @return the output of every cluster, by cluster name, in name order
     * @throws InvalidInputException when the outputs would not fit
     */
    public Map<String, CfnOutput> addWiringOutputs() {
        Stack stack = Stack.of(this);
        long reserved = stack.getNode().findAll().stream().filter(CfnOutput.class::isInstance).count();
        // Clusters in name order, grouped by the wiring they get (tokens compare as their strings).
        Map<VeleroWiring, List<EksCluster>> groups = new LinkedHashMap<>();
        byName(props.getClusters()).forEach(c -> groups.computeIfAbsent(wiring(c), w -> new ArrayList<>()).add(c));

        String longestRoleArn = "arn:" + TrustPolicySize.LONGEST_PARTITION + ":iam::123456789012:role"
                + (props.getRolePath() == null ? "/" : props.getRolePath())
                + (props.getRoleName() == null ? "x".repeat(64) : props.getRoleName());
        String longestBucket = props.getBucketName() != null ? props.getBucketName()
                : props.getExistingBucket() != null && !Token.isUnresolved(bucket.getBucketName())
                        ? bucket.getBucketName() : "x".repeat(63);
        String longestRegion = Token.isUnresolved(stack.getRegion()) ? TrustPolicySize.longestRegion() : stack.getRegion();

        List<List<EksCluster>> chunks = new ArrayList<>();
        groups.forEach((w, clusters) -> {
            EksCluster first = clusters.get(0);
            VeleroWiring longest = wiring(first, longestBucket, longestRegion,
                    first.getRegion() != null ? first.getRegion() : longestRegion, longestRoleArn);
            List<EksCluster> chunk = new ArrayList<>();
            for (EksCluster c : clusters) {
                chunk.add(c);
                if (chunk.size() > 1 && size(longest, chunk) > MAX_OUTPUT_VALUE_BYTES) {
                    chunk.remove(chunk.size() - 1);
                    chunks.add(chunk);
                    chunk = new ArrayList<>(List.of(c));
                }
            }
            int size = size(longest, chunk);
            if (size > MAX_OUTPUT_VALUE_BYTES) {
                throw new InvalidInputException("clusters", "the wiring of cluster " + InvalidInputException.quote(
                        first.getName()) + " would take " + size + " bytes in one stack output, over "
                        + MAX_OUTPUT_VALUE_BYTES + " (expected shorter values among rolePath, roleName, namespace,"
                        + " serviceAccount, veleroPluginImage and the cluster's name)");
            }
            chunks.add(chunk);
        });
        if (reserved + chunks.size() > MAX_OUTPUTS) {
            throw new InvalidInputException("clusters", props.getClusters().size() + " clusters need "
                    + chunks.size() + " wiring outputs, and with the stack's " + reserved + " other outputs that is over"
                    + " CloudFormation's limit of " + MAX_OUTPUTS + " outputs per template (expected clusters that"
                    + " share namespace, service account, region and role, or the clusters split across stacks)");
        }

        Map<String, CfnOutput> outputs = new LinkedHashMap<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (List<EksCluster> chunk : chunks) {
            List<String> names = chunk.stream().map(EksCluster::getName).toList();
            String id = "Wiring" + pascal(names.get(0));
            for (int n = 2; !ids.add(id); n++) {
                id = "Wiring" + pascal(names.get(0)) + n;
            }
            CfnOutput output = CfnOutput.Builder.create(stack, id)
                    .description("Velero wiring (velero install, Helm values) for the clusters "
                            + names.stream().map(n -> "[" + n + "]").collect(java.util.stream.Collectors.joining(" ")))
                    .value(stack.toJsonString(wiring(chunk.get(0)).toOutput(names)))
                    .build();
            names.forEach(n -> outputs.put(n, output));
        }
        return Collections.unmodifiableMap(outputs);
    }

    private static List<EksCluster> byName(List<EksCluster> clusters) {
        return clusters.stream().sorted(java.util.Comparator.comparing(EksCluster::getName)).toList();
    }

    private static int size(VeleroWiring wiring, List<EksCluster> clusters) {
        return Json.write(wiring.toOutput(clusters.stream().map(EksCluster::getName).toList()))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** {@code prod-west_2} as {@code ProdWest2}: an output ID's letters and digits. */
    private static String pascal(String name) {
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (char c : name.toCharArray()) {
            if (c == '-' || c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** The backup bucket. */
    public IBucket getBucket() {
        return bucket;
    }

    /** The role Velero assumes; annotate its service accounts with this role's ARN. */
    public IRole getRole() {
        return role;
    }

    /** The Velero policy, attached to the role. */
    public IManagedPolicy getPolicy() {
        return policy;
    }

    /** The bucket's KMS key: created or given; {@code null} unless the encryption is KMS. */
    public IKey getEncryptionKey() {
        return encryptionKey;
    }

    /**
     * The pod identity associations created, keyed by {@code <cluster name>/<namespace>/<service
     * account>}; empty with IRSA.
     */
    public Map<String, CfnPodIdentityAssociation> getPodIdentityAssociations() {
        return podIdentityAssociations;
    }

    /** The OIDC provider of every cluster, created or imported, keyed by cluster name in name order. */
    public Map<String, IOidcProvider> getOidcProviders() {
        return oidcProviders;
    }
}
