package io.github.veleroirsa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.CompositePrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IManagedPolicy;
import software.amazon.awscdk.services.iam.IOidcProvider;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.OidcProviderNative;
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

    public VeleroBackup(Construct scope, String id, VeleroBackupProps props) {
        super(scope, id);
        Objects.requireNonNull(props, "props");

        this.encryptionKey = props.getEncryption() != BackupEncryption.KMS
                ? null
                : props.getEncryptionKey() != null
                        ? props.getEncryptionKey()
                        : Key.Builder.create(this, "Key")
                                .description("Encrypts the Velero backup bucket (velero-irsa)")
                                .enableKeyRotation(true)
                                .removalPolicy(props.getRemovalPolicy())
                                .build();

        this.bucket = Bucket.Builder.create(this, "Bucket")
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
                .removalPolicy(props.getRemovalPolicy())
                .build();

        List<PolicyStatement> statements = new ArrayList<>(List.of(
                allow("VeleroEbsSnapshots", VeleroPermissions.EC2_SNAPSHOT_ACTIONS, "*"),
                allow("VeleroBackupObjects", VeleroPermissions.S3_OBJECT_ACTIONS, bucket.arnForObjects("*")),
                allow("VeleroBackupBucket", VeleroPermissions.S3_BUCKET_ACTIONS, bucket.getBucketArn())));
        if (encryptionKey != null) {
            statements.add(allow("VeleroBackupKey", VeleroPermissions.KMS_ACTIONS, encryptionKey.getKeyArn()));
        }
        ManagedPolicy managedPolicy = ManagedPolicy.Builder.create(this, "Policy")
                .description("Velero: EBS snapshots and the objects of its backup bucket (velero-irsa)")
                .statements(statements)
                .build();
        this.policy = managedPolicy;

        Construct providerScope = new Construct(this, "OidcProviders");
        Map<String, IOidcProvider> providers = new LinkedHashMap<>();
        List<IPrincipal> principals = new ArrayList<>();
        List<Construct> createdProviders = new ArrayList<>();
        for (EksCluster cluster : props.getClusters()) {
            String providerArn;
            if (cluster.getOidcProviderArn() != null) {
                providers.put(cluster.getName(), OidcProviderNative.fromOidcProviderArn(
                        providerScope, cluster.getName(), cluster.getOidcProviderArn()));
                providerArn = cluster.getOidcProviderArn();
            } else {
                OidcProviderNative provider = OidcProviderNative.Builder.create(providerScope, cluster.getName())
                        .url(cluster.getOidcIssuerUrl())
                        .clientIds(List.of(VeleroPermissions.STS_AUDIENCE))
                        .build();
                providers.put(cluster.getName(), provider);
                createdProviders.add(provider);
                // The ARN IAM gives the provider, spelled out so that a reviewer reads the issuer
                // in the trust policy itself; the role depends on the provider below.
                providerArn = Stack.of(this).formatArn(ArnComponents.builder()
                        .service("iam")
                        .region("")
                        .resource("oidc-provider")
                        .resourceName(cluster.getOidcIssuer())
                        .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                        .build());
            }
            principals.add(new WebIdentityPrincipal(providerArn, trustConditions(cluster)));
        }
        this.oidcProviders = Collections.unmodifiableMap(providers);

        Role backupRole = Role.Builder.create(this, "Role")
                .description("Assumed by Velero on the listed EKS clusters through IRSA (velero-irsa)")
                // One trust statement per cluster: the conditions within a statement are ANDed.
                .assumedBy(new CompositePrincipal(principals.toArray(IPrincipal[]::new)))
                .managedPolicies(List.of(managedPolicy))
                .build();
        createdProviders.forEach(p -> backupRole.getNode().addDependency(p));
        this.role = backupRole;
    }

    private static PolicyStatement allow(String sid, List<String> actions, String resource) {
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(List.of(resource))
                .build();
    }

    /** {@code StringEquals} on the token's subject and audience, keyed by the issuer. */
    private static Map<String, Object> trustConditions(EksCluster cluster) {
        Map<String, Object> equals = new LinkedHashMap<>();
        equals.put(cluster.getOidcIssuer() + ":sub", cluster.getSubject());
        equals.put(cluster.getOidcIssuer() + ":aud", VeleroPermissions.STS_AUDIENCE);
        return Map.of("StringEquals", equals);
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

    /** The OIDC provider of every cluster, created or imported, keyed by cluster name in list order. */
    public Map<String, IOidcProvider> getOidcProviders() {
        return oidcProviders;
    }
}
