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

    /**
     * EBS snapshots of persistent volumes and volumes restored from them. On {@code *}: EC2 has
     * no resource-level scoping for the Describe actions, and the volumes and snapshots are
     * not known in advance.
     */
    public static final List<String> EC2_SNAPSHOT_ACTIONS = List.of(
            "ec2:DescribeVolumes",
            "ec2:DescribeSnapshots",
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

    /** The audience EKS puts in projected service-account tokens for IRSA. */
    public static final String STS_AUDIENCE = "sts.amazonaws.com";
}
