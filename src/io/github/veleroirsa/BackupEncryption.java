package io.github.veleroirsa;

/** How the backup bucket encrypts objects at rest. */
public enum BackupEncryption {
    /** SSE-S3: keys owned and managed by S3. No KMS permissions are needed. */
    S3_MANAGED,
    /**
     * SSE-KMS with a customer-managed KMS key: a new one (rotation on) or the one given. The
     * Velero policy then also allows {@code kms:Decrypt} and {@code kms:GenerateDataKey} on that
     * key, and on no other.
     */
    KMS
}
