package io.github.veleroirsa;

import io.github.veleroirsa.Exemptions.Exemption;
import java.util.List;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.BucketAttributes;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The backup bucket and its key: created ({@code Bucket}, {@code Key}) or given. Both keep the
 * props' removal policy, {@code RETAIN} unless code says otherwise.
 *
 * @param bucket the backup bucket
 * @param key    its KMS key, or {@code null} unless the encryption is KMS
 */
record BackupStore(IBucket bucket, IKey key) {
    /** Incomplete multipart uploads are aborted after this many days. */
    static final int ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

    static BackupStore create(Construct scope, VeleroBackupProps props) {
        BackupBucket remote = props.getRemoteBucket();
        if (remote != null) {
            // Another stack's: named in full, its key known to the roles' policies by its alias.
            return new BackupStore(Bucket.fromBucketAttributes(scope, "RemoteBucket", BucketAttributes.builder()
                    .bucketName(remote.bucketName()).account(remote.account()).region(remote.region()).build()), null);
        }
        IKey key = props.getEncryption() != BackupEncryption.KMS
                ? null
                : props.getEncryptionKey() != null
                        ? props.getEncryptionKey()
                        : Key.Builder.create(scope, "Key")
                                .description("Encrypts the Velero backup bucket (velero-irsa)")
                                .enableKeyRotation(true)
                                .removalPolicy(props.getRemovalPolicy())
                                .build();
        IBucket bucket = props.getExistingBucket() != null ? props.getExistingBucket() : bucket(scope, props, key);
        return new BackupStore(bucket, key);
    }

    private static Bucket bucket(Construct scope, VeleroBackupProps props, IKey key) {
        IBucket logs = props.getAccessLogsBucket();
        Bucket created = Bucket.Builder.create(scope, "Bucket")
                .bucketName(props.getBucketName())
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .versioned(true)
                .encryption(key == null ? BucketEncryption.S3_MANAGED : BucketEncryption.KMS)
                .encryptionKey(key)
                .bucketKeyEnabled(key == null ? null : true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        // Only old versions and unfinished uploads: a rule that expires current
                        // objects would corrupt Velero's Kopia repositories.
                        .id("ExpireNoncurrentVersionsAndAbortUploads")
                        .noncurrentVersionExpiration(props.getNoncurrentVersionExpiration())
                        .abortIncompleteMultipartUploadAfter(Duration.days(ABORT_INCOMPLETE_UPLOAD_DAYS))
                        .expiredObjectDeleteMarker(true)
                        .build()))
                .serverAccessLogsBucket(logs)
                .serverAccessLogsPrefix(logs == null ? null : Stack.of(scope).getStackName() + "/")
                .removalPolicy(props.getRemovalPolicy())
                // A replica: Object Lock from its creation, since turning it on later replaces the bucket.
                .objectLockEnabled(props.getReplicaOf() != null ? true : null)
                .objectLockDefaultRetention(props.getObjectLockRetention())
                .build();
        // The TLS-only policy (enforceSsl) stays with the bucket it guards: on a stack's deletion, on the
        // bucket's replacement, and when the configuration moves to an existing bucket.
        created.getPolicy().applyRemovalPolicy(props.getRemovalPolicy());
        if (props.getReplicaOf() != null && props.getObjectLockRetention() == null) {
            // Enabled, without a default retention, in so many words: turning a retention off is this change alone.
            ((CfnBucket) created.getNode().getDefaultChild()).setObjectLockConfiguration(
                    CfnBucket.ObjectLockConfigurationProperty.builder().objectLockEnabled("Enabled").build());
        }
        if (logs != null) {
            Annotations.of(created).acknowledgeWarning(
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
}
