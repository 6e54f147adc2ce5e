package io.github.veleroirsa.app;

import static io.github.veleroirsa.InvalidInputException.quote;

import io.github.veleroirsa.BackupBucket;
import io.github.veleroirsa.InvalidInputException;

/**
 * The configuration's {@code replica}: a copy of every backup bucket in another region, and
 * perhaps another account, that S3 replication fills and Velero only reads.
 *
 * @param region                 the replica's region (required), where no cluster backs up
 * @param account                the 12-digit account that holds the replicas; default: each
 *     bucket's own account
 * @param objectLock             the replicas' default Object Lock retention, or {@code null} for none
 * @param replicationTimeControl whether S3 Replication Time Control is on (15 minutes, at a charge)
 */
public record ReplicaConfig(String region, String account, ObjectLockConfig objectLock, Boolean replicationTimeControl) {
    /** The longest default retention S3 takes, in days (100 years). */
    static final int MAX_LOCK_DAYS = 36500;

    public ReplicaConfig {
        if (region == null) {
            throw new InvalidInputException("region", "missing (expected the replica's region, like \"us-west-2\": one"
                    + " where no cluster backs up, so that one region's outage leaves a copy)");
        }
        if (!region.matches("[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}")) {
            throw new InvalidInputException("region", quote(region) + " is not an AWS region (expected one like us-west-2)");
        }
        if (account != null) {
            BackupBucket.account(account, "account");
        }
    }

    /**
     * The replicas' default retention: each object version replicated is locked for {@code days}.
     *
     * @param mode GOVERNANCE (users with {@code s3:BypassGovernanceRetention} may still delete) or
     *     COMPLIANCE (nobody, the account's root user included, until the days are over)
     * @param days how long, 1 to {@value ReplicaConfig#MAX_LOCK_DAYS}
     */
    public record ObjectLockConfig(Mode mode, Integer days) {
        public ObjectLockConfig {
            if (mode == null) {
                throw new InvalidInputException("mode", "missing (expected GOVERNANCE or COMPLIANCE)");
            }
            if (days == null || days < 1 || days > MAX_LOCK_DAYS) {
                throw new InvalidInputException("days", (days == null ? "missing" : days + " is out of range")
                        + " (expected whole days from 1 to " + MAX_LOCK_DAYS + ")");
            }
        }
    }

    /** S3 Object Lock's retention modes. */
    public enum Mode {
        GOVERNANCE, COMPLIANCE
    }
}
