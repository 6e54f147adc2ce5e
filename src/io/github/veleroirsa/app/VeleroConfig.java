package io.github.veleroirsa.app;

import static io.github.veleroirsa.InvalidInputException.quote;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.veleroirsa.BackupEncryption;
import io.github.veleroirsa.EksCluster;
import io.github.veleroirsa.InvalidInputException;
import io.github.veleroirsa.Isolation;
import io.github.veleroirsa.ServiceAccount;
import io.github.veleroirsa.VeleroBackupProps;
import io.github.veleroirsa.RoleLayout;
import io.github.veleroirsa.WorkloadIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.kms.KeyLookupOptions;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/**
 * The app's configuration: the JSON object under the context key {@code velero}, or the file
 * named by {@code veleroConfigFile}. Only {@code clusters} is required. The README's table
 * describes every field.
 */
public record VeleroConfig(
        String stackName,
        String backupAccount,
        ReplicaConfig replica,
        Synthesizer synthesizer,
        WorkloadIdentity identity,
        RoleLayout roles,
        Isolation isolation,
        Boolean snapshotMoveData,
        Boolean podIdentityPinning,
        String bucketName,
        String existingBucketName,
        BackupEncryption encryption,
        String kmsKeyArn,
        String kmsKeyAlias,
        Integer noncurrentVersionExpirationDays,
        String accessLogsBucketName,
        Boolean ebsSnapshots,
        Boolean fileSystemBackups,
        List<String> ebsKmsKeyArns,
        List<String> formerKmsKeyArns,
        List<String> acknowledgedChanges,
        String namespace,
        String serviceAccount,
        String roleName,
        String rolePath,
        String permissionsBoundaryArn,
        Integer maxSessionDurationSeconds,
        Integer maxTrustPolicyLength,
        Map<String, String> tags,
        String veleroPluginImage,
        Boolean verifyIssuers,
        List<ClusterConfig> clusters) {

    public static final String DEFAULT_STACK_NAME = "VeleroBackup";

    /** How the stack's template is made. */
    public enum Synthesizer {
        /** For {@code cdk deploy} into a bootstrapped account. */
        @JsonProperty("default") DEFAULT,
        /**
         * A self-contained template: no bootstrap parameter or rule, no environment, for
         * {@code aws cloudformation deploy}, the console or StackSets.
         */
        @JsonProperty("portable") PORTABLE;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /** An acknowledged change: {@code replace} or {@code remove}, a stack's name, a construct path in it. */
    static final Pattern ACKNOWLEDGED = Pattern.compile("(replace|remove) [A-Za-z][A-Za-z0-9-]{0,127}/[A-Za-z0-9][\\x21-\\x7E]{0,900}");

    /** CloudFormation stack names: a letter, then letters, digits and '-', at most 128 in all. */
    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");

    public VeleroConfig {
        if (clusters == null) {
            throw new InvalidInputException("clusters", "missing (expected a list of clusters, each with at least"
                    + " name, and oidcIssuer or clusterName)");
        }
        clusters = List.copyOf(clusters);
        if (stackName != null && !STACK_NAME.matcher(stackName).matches()) {
            throw new InvalidInputException("stackName", quote(stackName) + " is not a valid CloudFormation stack"
                    + " name (expected a letter, then letters, digits and '-', at most 128 characters)");
        }
        if (kmsKeyArn != null && kmsKeyAlias != null) {
            throw new InvalidInputException("kmsKeyAlias", quote(kmsKeyAlias) + " is set together with kmsKeyArn"
                    + " (expected one of the two)");
        }
        if (kmsKeyArn != null) {
            VeleroBackupProps.checkKmsKeyArn("kmsKeyArn", kmsKeyArn);
        }
        if (kmsKeyAlias != null && !kmsKeyAlias.matches("alias/[A-Za-z0-9/_-]{1,250}")
                || kmsKeyAlias != null && kmsKeyAlias.startsWith("alias/aws/")) {
            throw new InvalidInputException("kmsKeyAlias", quote(kmsKeyAlias) + " is not a customer-managed key"
                    + " alias (expected alias/ followed by letters, digits, '/', '_' and '-', not alias/aws/...)");
        }
        // ARNs and names that are imported before the props see them: checked here by the construct's
        // own rules, so that an import never fails first with a message of its own.
        if (existingBucketName != null) {
            VeleroBackupProps.checkBucketName("existingBucketName", existingBucketName);
        }
        if (accessLogsBucketName != null) {
            VeleroBackupProps.checkBucketName("accessLogsBucketName", accessLogsBucketName);
        }
        if (formerKmsKeyArns != null) {
            formerKmsKeyArns = List.copyOf(formerKmsKeyArns);
            for (int i = 0; i < formerKmsKeyArns.size(); i++) {
                VeleroBackupProps.checkKmsKeyArn("formerKmsKeyArns[" + i + "]", formerKmsKeyArns.get(i));
            }
        }
        if (acknowledgedChanges != null) {
            acknowledgedChanges = List.copyOf(acknowledgedChanges);
            for (int i = 0; i < acknowledgedChanges.size(); i++) {
                if (!ACKNOWLEDGED.matcher(acknowledgedChanges.get(i)).matches()) {
                    throw new InvalidInputException("acknowledgedChanges[" + i + "]", quote(acknowledgedChanges.get(i))
                            + " is not an acknowledged change (expected \"replace <stack>/<construct path>\" or"
                            + " \"remove <stack>/<construct path>\", as scripts/check-change.sh prints it)");
                }
            }
        }
        if (ebsKmsKeyArns != null) {
            ebsKmsKeyArns = List.copyOf(ebsKmsKeyArns);
            for (int i = 0; i < ebsKmsKeyArns.size(); i++) {
                VeleroBackupProps.checkKmsKeyArn("ebsKmsKeyArns[" + i + "]", ebsKmsKeyArns.get(i));
            }
        }
    }

    /** Props fields that this configuration spells otherwise, and how. */
    private static final Map<String, String> FIELDS = Map.of(
            "noncurrentVersionExpiration", "noncurrentVersionExpirationDays",
            "maxSessionDuration", "maxSessionDurationSeconds",
            "existingBucket", "existingBucketName",
            "permissionsBoundary", "permissionsBoundaryArn",
            "accessLogsBucket", "accessLogsBucketName",
            "ebsKmsKeys", "ebsKmsKeyArns",
            "formerEncryptionKeys", "formerKmsKeyArns",
            "bucketGrants", "clusters");

    /**
     * This configuration with only some of its clusters: those of one stack of a fleet
     * ({@link FleetPlan}).
     */
    VeleroConfig withClusters(List<ClusterConfig> some) {
        return copy(ebsKmsKeyArns, some);
    }

    /** This configuration with other EBS keys: those of one stack of a fleet. */
    VeleroConfig withEbsKmsKeyArns(List<String> keys) {
        return copy(keys, clusters);
    }

    private VeleroConfig copy(List<String> keys, List<ClusterConfig> some) {
        return new VeleroConfig(stackName, backupAccount, replica, synthesizer, identity, roles, isolation, snapshotMoveData,
                podIdentityPinning, bucketName, existingBucketName, encryption, kmsKeyArn, kmsKeyAlias,
                noncurrentVersionExpirationDays, accessLogsBucketName, ebsSnapshots, fileSystemBackups, keys,
                formerKmsKeyArns, acknowledgedChanges, namespace, serviceAccount, roleName, rolePath, permissionsBoundaryArn, maxSessionDurationSeconds,
                maxTrustPolicyLength, tags, veleroPluginImage, verifyIssuers, some);
    }

    /** The stack name to use. */
    public String stackNameOrDefault() {
        return stackName == null ? DEFAULT_STACK_NAME : stackName;
    }

    /** Whether the template is to be portable across accounts. */
    public boolean portable() {
        return synthesizer == Synthesizer.PORTABLE;
    }

    /**
     * The construct's properties, built once in {@code scope}, where the existing key, bucket,
     * permissions boundary, access-log bucket and EBS keys are imported from their ARNs and names.
     * Every rule is the construct's own; a problem is reported under this configuration's field:
     * a cluster's under its place in the list, a props field spelt otherwise by {@link #FIELDS}.
     *
     * @throws InvalidInputException naming the field as this configuration spells it
     */
    public VeleroBackupProps toBackupProps(Construct scope) {
        return toBackupProps(scope, clusters.stream().map(ClusterConfig::oidcIssuer).toList());
    }

    /**
     * As {@link #toBackupProps(Construct)}, with each cluster's issuer given: the configuration's,
     * or the one {@link IssuerLookup} found by its {@code clusterName} ({@code null} for none).
     */
    VeleroBackupProps toBackupProps(Construct scope, List<String> issuers) {
        return toBackupProps(scope, issuers, b -> { });
    }

    /**
     * As {@link #toBackupProps(Construct, List)}, with {@code more} setting what a stack of a
     * fleet adds (its bucket's name, another stack's bucket, sources and grants) before the props
     * are built and checked.
     */
    VeleroBackupProps toBackupProps(Construct scope, List<String> issuers,
            java.util.function.Consumer<VeleroBackupProps.Builder> more) {
        List<EksCluster> eksClusters = new ArrayList<>(clusters.size());
        for (int i = 0; i < clusters.size(); i++) {
            eksClusters.add(toEksCluster(i, clusters.get(i), issuers.get(i)));
        }
        VeleroBackupProps.Builder props = VeleroBackupProps.builder()
                .clusters(eksClusters)
                .identity(identity)
                .roleLayout(roles)
                .isolation(isolation)
                .snapshotMoveData(snapshotMoveData)
                .podIdentityPinning(podIdentityPinning)
                .bucketName(bucketName)
                .encryption(encryption)
                .maxTrustPolicyLength(maxTrustPolicyLength)
                .ebsSnapshots(ebsSnapshots)
                .fileSystemBackups(fileSystemBackups)
                .roleName(roleName)
                .rolePath(rolePath)
                .maxSessionDuration(maxSessionDurationSeconds == null ? null : Duration.seconds(maxSessionDurationSeconds))
                .tags(tags)
                .veleroPluginImage(veleroPluginImage);
        if (noncurrentVersionExpirationDays != null) {
            props.noncurrentVersionExpiration(Duration.days(noncurrentVersionExpirationDays));
        }
        if (kmsKeyArn != null) {
            props.encryptionKey(Key.fromKeyArn(scope, "ExistingKey", kmsKeyArn));
        }
        if (kmsKeyAlias != null) {
            // Looked up by the CDK CLI once and cached in cdk.context.json.
            props.encryptionKey(Key.fromLookup(scope, "ExistingKey", KeyLookupOptions.builder()
                    .aliasName(kmsKeyAlias).build()));
        }
        if (existingBucketName != null) {
            props.existingBucket(Bucket.fromBucketName(scope, "ExistingBucket", existingBucketName));
        }
        if (accessLogsBucketName != null) {
            props.accessLogsBucket(Bucket.fromBucketName(scope, "AccessLogsBucket", accessLogsBucketName));
        }
        if (permissionsBoundaryArn != null) {
            props.permissionsBoundary(ManagedPolicy.fromManagedPolicyArn(scope, "PermissionsBoundary",
                    permissionsBoundaryArn));
        }
        if (formerKmsKeyArns != null) {
            List<IKey> former = new ArrayList<>();
            for (int i = 0; i < formerKmsKeyArns.size(); i++) {
                former.add(Key.fromKeyArn(scope, "FormerKey" + i, formerKmsKeyArns.get(i)));
            }
            props.formerEncryptionKeys(former);
        }
        if (ebsKmsKeyArns != null) {
            List<IKey> keys = new ArrayList<>();
            for (int i = 0; i < ebsKmsKeyArns.size(); i++) {
                keys.add(Key.fromKeyArn(scope, "EbsKey" + i, ebsKmsKeyArns.get(i)));
            }
            props.ebsKmsKeys(keys);
        }
        more.accept(props);
        try {
            return props.build();
        } catch (InvalidInputException e) {
            throw inConfigTerms(e);
        }
    }

    /**
     * An error of the props or of the construct, its field as this configuration spells it
     * ({@code ebsKmsKeys[1]} is {@code ebsKmsKeyArns[1]}); the same error when the names agree.
     */
    InvalidInputException inConfigTerms(InvalidInputException e) {
        String field = e.getField();
        String plain = field.replaceAll("\\[\\d+\\]$", "");
        String spelt = field.equals("encryptionKey") ? (kmsKeyArn != null ? "kmsKeyArn" : "kmsKeyAlias")
                : FIELDS.containsKey(plain) ? FIELDS.get(plain) + field.substring(plain.length()) : null;
        return spelt == null ? e : new InvalidInputException(spelt, e.getProblem());
    }

    /**
     * Whether the template is written without indentation: past {@value #UNINDENTED_FROM_CLUSTERS}
     * clusters, since CloudFormation's 1 MB counts the spaces and 200 clusters with a role each take
     * more indented. No value changes; {@code cdk synth} and {@code cdk diff} print the same.
     */
    public boolean unindented() {
        return clusters.size() > UNINDENTED_FROM_CLUSTERS;
    }

    /** Past this many clusters, the template is written without indentation. */
    static final int UNINDENTED_FROM_CLUSTERS = 100;

    /**
     * A cluster of the configuration as the construct takes it. Its builder checks it and names
     * the field; placed here under the cluster's place in the list, or, for a namespace or
     * service account the cluster inherits, under the top-level field it came from.
     */
    private EksCluster toEksCluster(int index, ClusterConfig c, String issuer) {
        String ns = c.namespace() != null ? c.namespace() : namespace != null ? namespace : EksCluster.DEFAULT_NAMESPACE;
        String sa = c.serviceAccount() != null
                ? c.serviceAccount()
                : serviceAccount != null ? serviceAccount : EksCluster.DEFAULT_SERVICE_ACCOUNT;
        String at = "clusters[" + index + "]";
        EksCluster.Builder b = EksCluster.builder()
                .name(c.name())
                .oidcIssuer(issuer)
                .oidcProviderArn(c.oidcProviderArn())
                .clusterName(c.clusterName())
                .region(c.region())
                .nonEksIssuer(c.nonEksIssuer())
                .role(c.role())
                .prefix(c.prefix())
                .restoresFrom(c.restoresFrom())
                .restoreOnly(c.restoreOnly())
                .namespace(ns)
                .serviceAccount(sa);
        if (c.serviceAccounts() != null) {
            List<ServiceAccount> accounts = new ArrayList<>();
            for (int j = 0; j < c.serviceAccounts().size(); j++) {
                ClusterConfig.ServiceAccountConfig entry = c.serviceAccounts().get(j);
                try {
                    accounts.add(new ServiceAccount(entry.namespace() != null ? entry.namespace() : ns, entry.name()));
                } catch (InvalidInputException e) {
                    boolean inherited = e.getField().equals("namespace") && entry.namespace() == null;
                    throw inherited ? e : e.under(at + ".serviceAccounts[" + j + "]");
                }
            }
            b.serviceAccounts(accounts);
        }
        try {
            return b.build();
        } catch (InvalidInputException e) {
            boolean inherited = c.serviceAccounts() == null && (e.getField().equals("namespace") && c.namespace() == null
                    || e.getField().equals("serviceAccount") && c.serviceAccount() == null);
            throw inherited ? new InvalidInputException(e.getField(), e.getProblem()) : e.under(at);
        }
    }
}
