package io.github.veleroirsa;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a role of another account may do in this construct's bucket, granted by the bucket policy
 * (and the key policy) as its own identity policy asks for it: cross-account access needs both.
 * The role is named by its ARN in an {@code aws:PrincipalArn} condition under its account's
 * principal, so the grant neither needs the role to exist first nor breaks when it is re-created.
 *
 * @param roleArn the role's ARN, {@code arn:<partition>:iam::<account>:role/<path><name>}
 * @param writes  the prefixes it backs up to, by cluster name: every object action and the listing there
 * @param reads   the prefixes it restores from, by source cluster name: read, list and a restore's own writes
 */
public record BucketGrant(String roleArn, Map<String, String> writes, Map<String, String> reads) {
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws(?:-[a-z]+)*:iam::([0-9]{12}):role/[\\u0021-\\u007E]+");

    /**
     * Checks the role's ARN and every prefix, and keeps the maps in name order.
     *
     * @param roleArn the role's ARN
     * @param writes  the prefixes it backs up to, by cluster name
     * @param reads   the prefixes it restores from, by source cluster name
     * @throws InvalidInputException naming the component that breaks one
     */
    public BucketGrant {
        if (roleArn == null || !ROLE_ARN.matcher(roleArn).matches()) {
            throw new InvalidInputException("roleArn", (roleArn == null ? "missing" : InvalidInputException.quote(roleArn)
                    + " is not an IAM role ARN") + " (expected arn:<partition>:iam::<12-digit account>:role/<name>)");
        }
        writes = java.util.Collections.unmodifiableMap(new TreeMap<>(Rules.required("writes", writes)));
        reads = java.util.Collections.unmodifiableMap(new TreeMap<>(Rules.required("reads", reads)));
        writes.forEach((name, prefix) -> Rules.PREFIX.check("writes." + name, prefix));
        reads.forEach((name, prefix) -> Rules.PREFIX.check("reads." + name, prefix));
    }

    /** {@return the account the role is in} */
    public String account() {
        var m = ROLE_ARN.matcher(roleArn);
        m.matches();
        return m.group(1);
    }
}
