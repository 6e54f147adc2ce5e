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
     * not known before a backup runs.
     */
    public static final List<String> EC2_SNAPSHOT_ACTIONS = List.of(
            "ec2:CreateTags",
            "ec2:CreateVolume",
            "ec2:CreateSnapshot",
            "ec2:DeleteSnapshot");

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
