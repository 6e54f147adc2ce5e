package io.github.veleroirsa;

import java.util.List;

/**
 * The IAM actions Velero's AWS plugin needs, in one place.
 *
 * @see <a href="https://github.com/vmware-tanzu/velero-plugin-for-aws#set-permissions-for-velero">
 *     velero-plugin-for-aws: Set permissions for Velero</a>
 */
public final class VeleroPermissions {
    private VeleroPermissions() {}

    /** Finding volumes and snapshots, on {@code *}: EC2 supports no resource-level permissions for them. */
    public static final List<String> EC2_DESCRIBE_ACTIONS = List.of(
            "ec2:DescribeVolumes",
            "ec2:DescribeSnapshots");

    /**
     * EBS snapshots of persistent volumes and volumes restored from them, on this account's
     * volumes and on snapshots ({@code volume/*}, {@code snapshot/*}, any region): their IDs are
     * not known before a backup runs. The plugin calls them in {@code volume_snapshotter.go}.
     */
    public static final List<String> EC2_SNAPSHOT_ACTIONS = List.of(
            "ec2:CreateVolume",
            "ec2:CreateSnapshot");

    /**
     * Tagging, only as part of {@link #EC2_SNAPSHOT_ACTIONS} ({@code ec2:CreateAction}): the plugin
     * tags snapshots and volumes through {@code TagSpecifications} when it creates them and never
     * calls CreateTags on its own, so the role cannot retag other volumes (their
     * {@code kubernetes.io/cluster/*} ownership tags, say).
     */
    public static final List<String> EC2_TAG_ACTIONS = List.of("ec2:CreateTags");

    /** The create calls {@link #EC2_TAG_ACTIONS} may tag in, as {@code ec2:CreateAction} names them. */
    public static final List<String> EC2_TAGGING_CREATE_ACTIONS = List.of("CreateSnapshot", "CreateVolume");

    /**
     * Deleting snapshots, only those that carry {@link #VELERO_BACKUP_TAG}: Velero tags every
     * snapshot it takes with it ({@code pkg/backup/item_backupper.go}), so the role cannot delete
     * snapshots that Velero did not make.
     */
    public static final List<String> EC2_DELETE_ACTIONS = List.of("ec2:DeleteSnapshot");

    /** The tag Velero puts on every EBS snapshot it takes: the backup's name. */
    public static final String VELERO_BACKUP_TAG = "velero.io/backup";

    /**
     * Backup objects, on {@code <bucket ARN>/*}. The plugin tags objects as it uploads them, so
     * without {@code s3:PutObjectTagging} its PutObject calls fail with AccessDenied.
     */
    public static final List<String> S3_OBJECT_ACTIONS = List.of(
            "s3:GetObject",
            "s3:DeleteObject",
            "s3:PutObject",
            "s3:PutObjectTagging",
            "s3:AbortMultipartUpload",
            "s3:ListMultipartUploadParts");

    /** Listing the backups, on the bucket's ARN. */
    public static final List<String> S3_BUCKET_ACTIONS = List.of("s3:ListBucket");

    /**
     * The KMS condition key of the encryption context S3 gives a key: the bucket's ARN with an S3
     * Bucket Key, else the object's.
     */
    public static final String KMS_S3_CONTEXT = "kms:EncryptionContext:aws:s3:arn";

    /** Reading and writing SSE-KMS objects, on the bucket key's ARN only (with KMS only). */
    public static final List<String> KMS_ACTIONS = List.of("kms:Decrypt", "kms:GenerateDataKey");

    /**
     * Restoring volumes from snapshots encrypted with customer-managed keys, on those keys: the
     * Velero AWS plugin's list ("KMS Encryption for Volume Restoration"), with its wildcards
     * written out ({@code kms:ReEncrypt*}, {@code kms:GenerateDataKey*}), the grant actions
     * apart in {@link #EBS_KMS_GRANT_ACTIONS}, and without {@code kms:ListRetirableGrants}, which
     * has no resource type: on key ARNs it would grant nothing.
     */
    public static final List<String> EBS_KMS_ACTIONS = List.of(
            "kms:Decrypt",
            "kms:Encrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:DescribeKey",
            "kms:RetireGrant");

    /** Grants on those keys, for AWS resources only ({@code kms:GrantIsForAWSResource}): EBS makes them. */
    public static final List<String> EBS_KMS_GRANT_ACTIONS = List.of(
            "kms:CreateGrant",
            "kms:ListGrants",
            "kms:RevokeGrant");

    /** The service principal of EKS Pod Identity. */
    public static final String POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com";

    /** The audience EKS puts in projected service-account tokens for IRSA. */
    public static final String STS_AUDIENCE = "sts.amazonaws.com";
}
