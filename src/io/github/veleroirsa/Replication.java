package io.github.veleroirsa;

/**
 * S3 replication of the bucket this construct creates to a replica that another stack holds, in
 * another region (and perhaps another account): every object version, SSE-KMS objects included;
 * delete markers are not replicated, so a delete on the bucket never reaches the copy. S3
 * replicates with a role of its own, named {@link #roleName()}, that may do only that.
 *
 * @param replica     the replica bucket, by name, account, region and key alias (its key's, with
 *     KMS: the replica's objects are encrypted with a key of its own region)
 * @param timeControl whether S3 Replication Time Control is on: 99.99% of objects replicated
 *     within 15 minutes, with replication metrics, at a charge per GB replicated
 */
public record Replication(BackupBucket replica, boolean timeControl) {
    /**
     * Checks that the replica is given.
     *
     * @param replica     the replica bucket
     * @param timeControl whether S3 Replication Time Control is on
     * @throws InvalidInputException naming {@code replica} when it is missing
     */
    public Replication {
        Rules.required("replica", replica);
    }

    /**
     * {@return the IAM name of the role S3 replicates with: the replica bucket's own name, a valid
     * role name, unique as bucket names are, and known to the replica's stack before either exists}
     */
    public String roleName() {
        return replica.bucketName();
    }
}
