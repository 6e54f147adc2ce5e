package io.github.veleroirsa;

/**
 * A cluster of another stack (another account or region) whose backups clusters of this
 * construct restore from, named in their {@link EksCluster#getRestoresFrom()}: the restoring
 * role reads its prefix in its bucket, and writes there only what a restore writes.
 *
 * @param name    the source cluster's name (its {@code ReadOnly} location is named after it)
 * @param prefix  its prefix in the bucket
 * @param account the 12-digit account the source cluster runs in: its EBS snapshots stay there
 * @param region  the region it runs in: its EBS snapshots stay there
 * @param bucket  the bucket it backs up to
 */
public record BackupSource(String name, String prefix, String account, String region, BackupBucket bucket) {
    /**
     * Checks each component by the rules of cluster names, prefixes, account IDs and regions.
     *
     * @param name    the source cluster's name
     * @param prefix  its prefix in the bucket
     * @param account the 12-digit account it runs in
     * @param region  the region it runs in
     * @param bucket  the bucket it backs up to
     * @throws InvalidInputException naming the component that breaks one
     */
    public BackupSource {
        Rules.CLUSTER_NAME.check("name", name);
        Rules.PREFIX.check("prefix", prefix);
        BackupBucket.account(account, "account");
        Rules.REGION.check("region", region);
        Rules.required("bucket", bucket);
    }
}
