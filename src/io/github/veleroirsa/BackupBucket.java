package io.github.veleroirsa;

import static io.github.veleroirsa.InvalidInputException.quote;

import java.util.regex.Pattern;

/**
 * A backup bucket that another stack holds, in another account or region: velero-irsa's own
 * bucket of another place of the same fleet, named in full because CloudFormation cannot refer
 * across accounts. With KMS, its key is known by an alias, since its ARN is made only when that
 * stack is deployed.
 *
 * @param bucketName the bucket's name
 * @param account    the 12-digit account that owns it
 * @param region     its region
 * @param keyAlias   the alias of its KMS key ({@code alias/...}), or {@code null} for SSE-S3
 */
public record BackupBucket(String bucketName, String account, String region, String keyAlias) {
    static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    static final Pattern ALIAS = Pattern.compile("alias/[A-Za-z0-9/_-]{1,250}");

    /**
     * Checks each component by S3's, IAM's and KMS's rules.
     *
     * @param bucketName the bucket's name
     * @param account    the 12-digit account that owns it
     * @param region     its region
     * @param keyAlias   the alias of its KMS key, or {@code null}
     * @throws InvalidInputException naming the component that breaks one
     */
    public BackupBucket {
        Rules.bucketName("bucketName", bucketName);
        account(Rules.required("account", account), "account");
        Rules.REGION.check("region", region);
        if (keyAlias != null && (!ALIAS.matcher(keyAlias).matches() || keyAlias.startsWith("alias/aws/"))) {
            throw new InvalidInputException("keyAlias", quote(keyAlias) + " is not a customer-managed key alias"
                    + " (expected alias/ followed by letters, digits, '/', '_' and '-', not alias/aws/...)");
        }
    }

    /**
     * Checks an AWS account ID.
     *
     * @param value the account ID
     * @param field the field it came from, for the message
     * @return the value, when it is 12 digits
     * @throws InvalidInputException naming {@code field}
     */
    public static String account(String value, String field) {
        if (value == null || !ACCOUNT.matcher(value).matches()) {
            throw new InvalidInputException(field, (value == null ? "missing" : quote(value) + " is not an AWS account ID")
                    + " (expected 12 digits, like \"111122223333\")");
        }
        return value;
    }

    /** {@return the bucket's ARN in {@code partition}} */
    String arn(String partition) {
        return "arn:" + partition + ":s3:::" + bucketName;
    }

    /** {@return every key of the bucket's account and region, which {@link #keyAlias} narrows to its own} */
    String keys(String partition) {
        return "arn:" + partition + ":kms:" + region + ":" + account + ":key/*";
    }
}
