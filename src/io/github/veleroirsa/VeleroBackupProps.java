package io.github.veleroirsa;

import static io.github.veleroirsa.InvalidInputException.quote;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.TimeConversionOptions;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.kms.IKey;

/**
 * Properties of {@link VeleroBackup}. Immutable; build them with {@link #builder()}, which checks
 * every value and the rules across clusters.
 */
public final class VeleroBackupProps {
    /** Noncurrent object versions are kept this long unless told otherwise. */
    public static final int DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = 30;

    private final List<EksCluster> clusters;
    private final String bucketName;
    private final BackupEncryption encryption;
    private final IKey encryptionKey;
    private final Duration noncurrentVersionExpiration;
    private final RemovalPolicy removalPolicy;

    private VeleroBackupProps(Builder b) {
        this.clusters = checkClusters(b.clusters);
        this.bucketName = b.bucketName == null || Token.isUnresolved(b.bucketName)
                ? b.bucketName
                : Rules.bucketName("bucketName", b.bucketName);
        if (b.encryption == BackupEncryption.S3_MANAGED && b.encryptionKey != null) {
            throw new InvalidInputException("encryption", "S3_MANAGED does not use the given encryption key"
                    + " (expected KMS, or no encryption key)");
        }
        this.encryptionKey = b.encryptionKey;
        this.encryption = b.encryptionKey != null
                ? BackupEncryption.KMS
                : b.encryption == null ? BackupEncryption.S3_MANAGED : b.encryption;
        this.noncurrentVersionExpiration = b.noncurrentVersionExpiration == null
                ? Duration.days(DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS)
                : checkWholeDays(b.noncurrentVersionExpiration);
        this.removalPolicy = b.removalPolicy == null ? RemovalPolicy.RETAIN : b.removalPolicy;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static List<EksCluster> checkClusters(List<EksCluster> given) {
        List<EksCluster> clusters = Rules.required("clusters", given);
        if (clusters.isEmpty()) {
            throw new InvalidInputException("clusters", "[] is empty (expected at least one cluster)");
        }
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> issuers = new HashMap<>();
        for (int i = 0; i < clusters.size(); i++) {
            EksCluster c = Rules.required("clusters[" + i + "]", clusters.get(i));
            Integer other = names.putIfAbsent(c.getName(), i);
            if (other != null) {
                throw new InvalidInputException("clusters[" + i + "].name", quote(c.getName())
                        + " is the name of clusters[" + other + "] too (expected unique cluster names)");
            }
            other = issuers.putIfAbsent(c.getOidcIssuer(), i);
            if (other != null) {
                throw new InvalidInputException("clusters[" + i + "].oidcIssuer", quote(c.getOidcIssuer())
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
                    + " is not a whole number of days of at least 1 (expected Duration.days(n), n >= 1)");
        }
        return d;
    }

    /** The clusters whose Velero may assume the role, in the order given. */
    public List<EksCluster> getClusters() {
        return clusters;
    }

    /** The bucket's physical name, or {@code null} for a name CloudFormation generates. */
    public String getBucketName() {
        return bucketName;
    }

    /** The bucket's encryption: {@link BackupEncryption#KMS} whenever a key is given. */
    public BackupEncryption getEncryption() {
        return encryption;
    }

    /** The existing KMS key to encrypt with, or {@code null}. */
    public IKey getEncryptionKey() {
        return encryptionKey;
    }

    /** How long S3 keeps an object version after it stops being current. */
    public Duration getNoncurrentVersionExpiration() {
        return noncurrentVersionExpiration;
    }

    /** What happens to the bucket and a created key when they leave the stack. */
    public RemovalPolicy getRemovalPolicy() {
        return removalPolicy;
    }

    /** Builds {@link VeleroBackupProps}; only {@code clusters} is required. */
    public static final class Builder {
        private List<EksCluster> clusters;
        private String bucketName;
        private BackupEncryption encryption;
        private IKey encryptionKey;
        private Duration noncurrentVersionExpiration;
        private RemovalPolicy removalPolicy;

        private Builder() {}

        /**
         * The clusters whose Velero may assume the role: one to back up and restore in place, or
         * several when a backup taken on one cluster is restored on another. Each gets its own
         * trust statement and, unless it names an existing one, its own OIDC provider. Names and
         * issuers must be unique. Required, at least one.
         */
        public Builder clusters(List<EksCluster> clusters) {
            this.clusters = clusters;
            return this;
        }

        /**
         * The bucket's physical name, following S3's naming rules.
         *
         * @return this builder; default - a unique name generated by CloudFormation
         */
        public Builder bucketName(String bucketName) {
            this.bucketName = bucketName;
            return this;
        }

        /**
         * How objects are encrypted at rest.
         *
         * @return this builder; default - {@link BackupEncryption#KMS} when {@link #encryptionKey}
         *     is given, else {@link BackupEncryption#S3_MANAGED}
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
         * @return this builder; default - {@link RemovalPolicy#RETAIN}
         */
        public Builder removalPolicy(RemovalPolicy removalPolicy) {
            this.removalPolicy = removalPolicy;
            return this;
        }

        /** @throws InvalidInputException naming the first value that breaks a rule */
        public VeleroBackupProps build() {
            return new VeleroBackupProps(this);
        }
    }
}
