package io.github.veleroirsa.app;

import static io.github.veleroirsa.InvalidInputException.quote;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.veleroirsa.BackupEncryption;
import io.github.veleroirsa.EksCluster;
import io.github.veleroirsa.InvalidInputException;
import io.github.veleroirsa.ServiceAccount;
import io.github.veleroirsa.VeleroBackupProps;
import io.github.veleroirsa.RoleLayout;
import io.github.veleroirsa.WorkloadIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;

/**
 * The app's configuration: the JSON object under the context key {@code velero}, or the file
 * named by {@code veleroConfigFile}. Only {@code clusters} is required. The README's table
 * describes every field.
 */
public record VeleroConfig(
        String stackName,
        Synthesizer synthesizer,
        WorkloadIdentity identity,
        RoleLayout roles,
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
        String namespace,
        String serviceAccount,
        String roleName,
        String rolePath,
        String permissionsBoundaryArn,
        Integer maxSessionDurationSeconds,
        Integer maxTrustPolicyLength,
        Map<String, String> tags,
        String veleroPluginImage,
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

    /** CloudFormation stack names: a letter, then letters, digits and '-', at most 128 in all. */
    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");

    public VeleroConfig {
        if (clusters == null) {
            throw new InvalidInputException("clusters", "missing (expected a list of clusters, each with at least"
                    + " name and oidcIssuer)");
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
            checkKmsKeyArn("kmsKeyArn", kmsKeyArn);
        }
        if (kmsKeyAlias != null && !kmsKeyAlias.matches("alias/[A-Za-z0-9/_-]{1,250}")
                || kmsKeyAlias != null && kmsKeyAlias.startsWith("alias/aws/")) {
            throw new InvalidInputException("kmsKeyAlias", quote(kmsKeyAlias) + " is not a customer-managed key"
                    + " alias (expected alias/ followed by letters, digits, '/', '_' and '-', not alias/aws/...)");
        }
        if ((kmsKeyArn != null || kmsKeyAlias != null) && encryption == BackupEncryption.S3_MANAGED) {
            String field = kmsKeyArn != null ? "kmsKeyArn" : "kmsKeyAlias";
            throw new InvalidInputException(field, quote(kmsKeyArn != null ? kmsKeyArn : kmsKeyAlias) + " is set"
                    + " while encryption is S3_MANAGED (expected encryption KMS, or no " + field + ")");
        }
        if (kmsKeyAlias != null && synthesizer == Synthesizer.PORTABLE) {
            throw new InvalidInputException("kmsKeyAlias", quote(kmsKeyAlias) + " needs a lookup in one account,"
                    + " which a portable template has not (expected kmsKeyArn, or the default synthesizer)");
        }
        if (noncurrentVersionExpirationDays != null && noncurrentVersionExpirationDays < 1) {
            throw new InvalidInputException("noncurrentVersionExpirationDays", noncurrentVersionExpirationDays
                    + " is less than 1 (expected a whole number of days, at least 1)");
        }
        if (existingBucketName != null && bucketName != null) {
            throw new InvalidInputException("bucketName", quote(bucketName) + " is set together with"
                    + " existingBucketName (expected one of the two)");
        }
        if (existingBucketName != null && noncurrentVersionExpirationDays != null) {
            throw new InvalidInputException("noncurrentVersionExpirationDays", noncurrentVersionExpirationDays
                    + " does not apply to an existing bucket (expected it left out with existingBucketName:"
                    + " velero-irsa changes nothing on that bucket)");
        }
        if (ebsKmsKeyArns != null) {
            ebsKmsKeyArns = List.copyOf(ebsKmsKeyArns);
            for (int i = 0; i < ebsKmsKeyArns.size(); i++) {
                checkKmsKeyArn("ebsKmsKeyArns[" + i + "]", ebsKmsKeyArns.get(i));
            }
        }
        if (maxSessionDurationSeconds != null && (maxSessionDurationSeconds < 3600 || maxSessionDurationSeconds > 43200)) {
            throw new InvalidInputException("maxSessionDurationSeconds", maxSessionDurationSeconds + " is out of"
                    + " range (expected 3600, one hour, to 43200, twelve hours)");
        }
    }

    private static void checkKmsKeyArn(String field, String arn) {
        VeleroBackupProps.checkKmsKeyArn(field, arn);
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
     * The construct's properties, checked, except for what must be imported into a scope: the
     * caller adds the existing key ({@link #kmsKeyArn()} or {@link #kmsKeyAlias()}) and the
     * existing bucket ({@link #existingBucketName()}).
     *
     * @throws InvalidInputException naming the field as this configuration spells it
     */
    public VeleroBackupProps.Builder toBackupProps() {
        List<EksCluster> eksClusters = new ArrayList<>(clusters.size());
        for (int i = 0; i < clusters.size(); i++) {
            eksClusters.add(toEksCluster(i, clusters.get(i)));
        }
        VeleroBackupProps.Builder props = VeleroBackupProps.builder()
                .clusters(eksClusters)
                .identity(identity)
                .roles(roles)
                .podIdentityPinning(podIdentityPinning)
                .bucketName(bucketName)
                .encryption(kmsKeyArn != null || kmsKeyAlias != null ? BackupEncryption.KMS : encryption)
                .maxTrustPolicyLength(maxTrustPolicyLength)
                .accessLogsBucketName(accessLogsBucketName)
                .ebsSnapshots(ebsSnapshots)
                .fileSystemBackups(fileSystemBackups)
                .ebsKmsKeyArns(ebsKmsKeyArns)
                .roleName(roleName)
                .rolePath(rolePath)
                .permissionsBoundaryArn(permissionsBoundaryArn)
                .maxSessionDuration(maxSessionDurationSeconds == null ? null : Duration.seconds(maxSessionDurationSeconds))
                .tags(tags)
                .veleroPluginImage(veleroPluginImage);
        if (noncurrentVersionExpirationDays != null) {
            props.noncurrentVersionExpiration(Duration.days(noncurrentVersionExpirationDays));
        }
        try {
            props.build(); // checks the rules across clusters now, before any construct exists
        } catch (InvalidInputException e) {
            // A construct message that speaks of construct props, reworded in the configuration's terms.
            throw switch (e.getField()) {
                case "encryption" -> existingBucketName != null ? new InvalidInputException("encryption",
                        "KMS without kmsKeyArn or kmsKeyAlias cannot apply to an existing bucket (expected the"
                                + " bucket's own key as kmsKeyArn, or no encryption field)") : e;
                default -> e;
            };
        }
        return props;
    }

    private EksCluster toEksCluster(int index, ClusterConfig c) {
        String ns = c.namespace() != null ? c.namespace() : namespace != null ? namespace : EksCluster.DEFAULT_NAMESPACE;
        String sa = c.serviceAccount() != null
                ? c.serviceAccount()
                : serviceAccount != null ? serviceAccount : EksCluster.DEFAULT_SERVICE_ACCOUNT;
        try {
            EksCluster.Builder b = EksCluster.builder()
                    .name(c.name())
                    .oidcIssuer(c.oidcIssuer())
                    .oidcProviderArn(c.oidcProviderArn())
                    .clusterName(c.clusterName())
                    .region(c.region())
                    .role(c.role())
                    .namespace(ns)
                    .serviceAccount(sa);
            if (c.serviceAccounts() != null) {
                List<ServiceAccount> accounts = new ArrayList<>();
                for (int i = 0; i < c.serviceAccounts().size(); i++) {
                    ClusterConfig.ServiceAccountConfig entry = c.serviceAccounts().get(i);
                    try {
                        accounts.add(new ServiceAccount(entry.namespace() != null ? entry.namespace() : ns,
                                entry.name()));
                    } catch (InvalidInputException e) {
                        boolean inherited = e.getField().equals("namespace") && entry.namespace() == null;
                        throw inherited ? e : e.under("serviceAccounts[" + i + "]");
                    }
                }
                b.serviceAccounts(accounts);
            }
            return b.build().check();
        } catch (InvalidInputException e) {
            // A default taken from the top level is reported where it is written.
            boolean inherited = e.getField().equals("namespace") && c.namespace() == null
                    || e.getField().equals("serviceAccount") && c.serviceAccount() == null;
            throw inherited ? e : e.under("clusters[" + index + "]");
        }
    }
}
