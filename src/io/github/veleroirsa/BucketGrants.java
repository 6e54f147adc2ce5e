package io.github.veleroirsa;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.CfnKey;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.Bucket;

/**
 * The resource half of cross-account access to the bucket this construct creates: for each role
 * of another account ({@link BucketGrant}), the statements of its identity policy repeated in the
 * bucket policy under its account's principal and its exact ARN, and (with KMS) one key policy
 * statement for all of them, through S3 and for this bucket only. Roles are named by
 * {@code aws:PrincipalArn}, not as principals: a principal must exist when the policy is set,
 * and becomes an unusable ID when its role is re-created; a condition needs neither, so the
 * stacks of a fleet deploy in any order.
 */
final class BucketGrants {
    private BucketGrants() {}

    /** S3's limit on a bucket policy: 20 KB. */
    static final int MAX_BUCKET_POLICY_LENGTH = 20 * 1024;
    /** KMS's limit on a key policy: 32 KB. */
    static final int MAX_KEY_POLICY_LENGTH = 32 * 1024;

    static void apply(VeleroBackup scope, Bucket bucket, IKey key, List<BucketGrant> grants, String bucketName) {
        Stack stack = Stack.of(scope);
        Set<String> sids = new HashSet<>();
        // Written out when the name is known, as a reviewer reads it and as S3 counts its 20 KB.
        boolean named = bucketName != null && !Rules.unresolved(bucketName);
        String bucketArn = named ? "arn:" + stack.getPartition() + ":s3:::" + bucketName : bucket.getBucketArn();
        Map<String, IPrincipal> accounts = new HashMap<>();
        List<PolicyStatement> statements = new ArrayList<>();
        for (BucketGrant grant : grants) {
            statements.addAll(BucketAccess.grant(bucketArn, grant, sids,
                    accounts.computeIfAbsent(grant.account(), AccountPrincipal::new)));
        }
        // In one call: the bucket's policy is there already, with its TLS-only statement (enforceSsl).
        bucket.getPolicy().getDocument().addStatements(statements.toArray(PolicyStatement[]::new));
        String name = named ? "bucket " + InvalidInputException.quote(bucketName) : "the bucket";
        int size = TrustPolicySize.measure(stack.resolve(bucket.getPolicy().getDocument()));
        if (size > MAX_BUCKET_POLICY_LENGTH) {
            throw new InvalidInputException("bucketGrants", "the policy of " + name + " in stack "
                    + stack.getStackName() + " would be " + size + " characters, over S3's limit of "
                    + MAX_BUCKET_POLICY_LENGTH + " for " + grants.size() + " roles of other accounts (expected fewer"
                    + " clusters backing up to it or restoring from it across accounts)");
        }
        if (key == null) {
            return;
        }
        if (!named) {
            throw new InvalidInputException("bucketName", (bucketName == null ? "missing" : "known only at deploy time")
                    + " while bucketGrants and KMS are given (expected the bucket's name: the key policy names the"
                    + " bucket for other accounts' roles, and cannot refer to the bucket that refers to the key)");
        }
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put("ArnEquals", Map.of("aws:PrincipalArn", grants.stream().map(BucketGrant::roleArn).distinct().toList()));
        conditions.put("StringEquals", Map.of("kms:ViaService", "s3." + stack.getRegion() + "." + stack.getUrlSuffix()));
        // The bucket by its name, written out: the bucket names the key, so the key's policy may not
        // refer to the bucket (CloudFormation would refuse the circular dependency).
        conditions.put("StringLike", Map.of(VeleroPermissions.KMS_S3_CONTEXT,
                List.of(bucketArn)));
        List<IPrincipal> principals = grants.stream().map(BucketGrant::account).distinct().sorted()
                .map(accounts::get).toList();
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("VeleroRolesOfOtherAccounts")
                .effect(Effect.ALLOW)
                .principals(principals)
                .actions(VeleroPermissions.KMS_ACTIONS)
                .resources(List.of("*"))
                .conditions(conditions)
                .build());
        Object policy = ((CfnKey) key.getNode().getDefaultChild()).getKeyPolicy();
        int keySize = TrustPolicySize.measure(stack.resolve(policy instanceof PolicyDocument d ? d : policy));
        if (keySize > MAX_KEY_POLICY_LENGTH) {
            throw new InvalidInputException("bucketGrants", "the policy of the key of " + name + " in stack "
                    + stack.getStackName() + " would be " + keySize + " characters, over KMS's limit of "
                    + MAX_KEY_POLICY_LENGTH + " (expected fewer roles of other accounts)");
        }
    }
}
