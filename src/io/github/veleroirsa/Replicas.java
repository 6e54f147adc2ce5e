package io.github.veleroirsa;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.constructs.Construct;

/**
 * Both ends of S3 replication to a replica bucket ({@link Replication}): on the bucket, its
 * replication rule and the role S3 replicates with; on the replica, the bucket and key policy
 * statements that admit that role when it is of another account (across accounts both sides
 * must allow). What S3 replication asks of the role (the Amazon S3 User Guide, "Setting up
 * permissions for live replication"): on the source bucket {@code s3:GetReplicationConfiguration}
 * and {@code s3:ListBucket}; on its objects {@code s3:GetObjectVersionForReplication}, {@code
 * s3:GetObjectVersionAcl} and {@code s3:GetObjectVersionTagging} (and, for a replica with Object
 * Lock, {@code s3:GetObjectRetention} and {@code s3:GetObjectLegalHold}); on the replica's objects
 * {@code s3:ReplicateObject} and {@code s3:ReplicateTags}, with {@code
 * s3:ObjectOwnerOverrideToBucketOwner} across accounts. Not {@code s3:ReplicateDelete}: delete
 * markers are not replicated. With KMS, {@code kms:Decrypt} of the source key and {@code
 * kms:Encrypt}/{@code kms:GenerateDataKey} of the replica's, each through S3 in its region and
 * for its bucket's encryption context only.
 */
final class Replicas {
    private Replicas() {}

    /** The actions on the source bucket. */
    static final List<String> SOURCE_BUCKET_ACTIONS = List.of("s3:GetReplicationConfiguration", "s3:ListBucket");
    /** The actions on the source bucket's objects. */
    static final List<String> SOURCE_OBJECT_ACTIONS = List.of("s3:GetObjectVersionForReplication",
            "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold");
    /** The actions on the replica's objects, in the same account. */
    static final List<String> REPLICA_OBJECT_ACTIONS = List.of("s3:ReplicateObject", "s3:ReplicateTags");
    /** Across accounts, the replica's owner owns the copies. */
    static final String OWNER_OVERRIDE = "s3:ObjectOwnerOverrideToBucketOwner";
    /** What S3 asks of the replica's key to write a copy. */
    static final List<String> REPLICA_KEY_ACTIONS = List.of("kms:Encrypt", "kms:GenerateDataKey");
    /** The replication rule's ID. */
    static final String RULE_ID = "VeleroBackupsToReplica";
    /** The minutes of S3 Replication Time Control, its only value. */
    static final int TIME_CONTROL_MINUTES = 15;

    /**
     * Replicates {@code bucket} to the replica: its role ({@code Replication}) and its rule.
     *
     * @param bucketName the bucket's name, literal: the role's policy names it, and the bucket the role
     */
    static Role replicate(Construct scope, Bucket bucket, IKey key, Replication replication, String bucketName,
            String rolePath) {
        Stack stack = Stack.of(scope);
        BackupBucket replica = replication.replica();
        String partition = stack.getPartition();
        String source = "arn:" + partition + ":s3:::" + bucketName;
        String target = replica.arn(partition);
        if (Rules.unresolved(stack.getAccount())) {
            throw new InvalidInputException("replication", "the stack's account is known only at deploy time (expected"
                    + " a stack whose env names its account: across accounts the rule names the replica's owner, and"
                    + " within one it must not)");
        }
        boolean across = !replica.account().equals(stack.getAccount());
        List<PolicyStatement> statements = new ArrayList<>();
        statements.add(statement("SourceBucket", SOURCE_BUCKET_ACTIONS, source, null));
        statements.add(statement("SourceObjects", SOURCE_OBJECT_ACTIONS, source + "/*", null));
        List<String> into = new ArrayList<>(REPLICA_OBJECT_ACTIONS);
        if (across) {
            into.add(OWNER_OVERRIDE);
        }
        // The replica by name alone could be anyone's: only while its account owns it.
        statements.add(statement("ReplicaObjects", into, target + "/*",
                Map.of("StringEquals", Map.of("aws:ResourceAccount", replica.account()))));
        if (key != null) {
            Map<String, Object> from = new LinkedHashMap<>();
            from.put("StringEquals", Map.of("kms:ViaService", "s3." + stack.getRegion() + "." + stack.getUrlSuffix()));
            from.put("StringLike", Map.of(VeleroPermissions.KMS_S3_CONTEXT, List.of(source)));
            statements.add(PolicyStatement.Builder.create().sid("SourceKey").effect(Effect.ALLOW)
                    .actions(List.of("kms:Decrypt")).resources(List.of(key.getKeyArn())).conditions(from).build());
            // The replica's key, as a role of another stack names another stack's bucket's: by its alias.
            statements.add(BucketAccess.key("ReplicaKey", BucketAccess.Target.of(stack, replica), REPLICA_KEY_ACTIONS));
        }
        Role role = Role.Builder.create(scope, "Replication")
                .roleName(replication.roleName())
                .path(rolePath)
                .description("Assumed by S3 to replicate the Velero backup bucket " + bucketName + " to "
                        + replica.bucketName() + " in " + replica.region() + " (velero-irsa)")
                .assumedBy(new ServicePrincipal("s3.amazonaws.com"))
                .inlinePolicies(Map.of("replication", PolicyDocument.Builder.create().statements(statements).build()))
                .build();
        List<Object> findings = new ArrayList<>();
        for (String name : List.of(bucketName, replica.bucketName())) {
            findings.add(VeleroPolicy.regex("/^Resource::arn:" + VeleroPolicy.PARTITION + ":s3:::" + name.replace(".", "\\.")
                    + "\\/\\*$/"));
        }
        if (key != null) {
            findings.add(VeleroPolicy.keysFinding(replica));
        }
        Exemptions.apply((CfnResource) role.getNode().getDefaultChild(), List.of(new Exemptions.Exemption(
                "AwsSolutions-IAM5", findings, null, "S3 replicates every object of the backup bucket to its replica:"
                        + " the role reads object versions of the one bucket and writes copies into the one replica;"
                        + " the replica's KMS key exists in another region (or account) and is allowed by its alias"
                        + " only, through S3, for the replica's encryption context only.")));

        CfnBucket.ReplicationDestinationProperty.Builder destination = CfnBucket.ReplicationDestinationProperty.builder()
                .bucket(target);
        if (across) {
            destination.account(replica.account())
                    .accessControlTranslation(CfnBucket.AccessControlTranslationProperty.builder().owner("Destination").build());
        }
        if (key != null) {
            // An alias ARN: S3 takes a key's or an alias's, and the replica's key ARN exists only once deployed.
            destination.encryptionConfiguration(CfnBucket.EncryptionConfigurationProperty.builder()
                    .replicaKmsKeyId("arn:" + partition + ":kms:" + replica.region() + ":" + replica.account() + ":"
                            + replica.keyAlias()).build());
        }
        if (replication.timeControl()) {
            destination.replicationTime(CfnBucket.ReplicationTimeProperty.builder().status("Enabled")
                            .time(CfnBucket.ReplicationTimeValueProperty.builder().minutes(TIME_CONTROL_MINUTES).build()).build())
                    .metrics(CfnBucket.MetricsProperty.builder().status("Enabled")
                            .eventThreshold(CfnBucket.ReplicationTimeValueProperty.builder().minutes(TIME_CONTROL_MINUTES).build())
                            .build());
        }
        CfnBucket.ReplicationRuleProperty.Builder rule = CfnBucket.ReplicationRuleProperty.builder()
                .id(RULE_ID)
                .status("Enabled")
                .priority(0)
                // Every object: the filter (empty) makes it a rule of the current schema, which has delete markers off.
                .filter(CfnBucket.ReplicationRuleFilterProperty.builder().prefix("").build())
                .deleteMarkerReplication(CfnBucket.DeleteMarkerReplicationProperty.builder().status("Disabled").build())
                .destination(destination.build());
        if (key != null) {
            rule.sourceSelectionCriteria(CfnBucket.SourceSelectionCriteriaProperty.builder()
                    .sseKmsEncryptedObjects(CfnBucket.SseKmsEncryptedObjectsProperty.builder().status("Enabled").build())
                    .build());
        }
        ((CfnBucket) bucket.getNode().getDefaultChild()).setReplicationConfiguration(
                CfnBucket.ReplicationConfigurationProperty.builder()
                        .role(role.getRoleArn())
                        .rules(List.of(rule.build()))
                        .build());
        return role;
    }

    /**
     * On a replica: its bucket and key policy admit the replication role of another account,
     * exactly that role ({@code aws:PrincipalArn}), to write copies and nothing else. In the
     * replica's own account the role's identity policy is enough: nothing is added.
     */
    static void admit(Construct scope, Bucket bucket, IKey key, String roleArn, String bucketName) {
        Stack stack = Stack.of(scope);
        String account = new BucketGrant(roleArn, Map.of(), Map.of()).account();
        if (account.equals(stack.getAccount())) {
            return;
        }
        String arn = "arn:" + stack.getPartition() + ":s3:::" + bucketName;
        AccountPrincipal principal = new AccountPrincipal(account);
        List<String> into = new ArrayList<>(REPLICA_OBJECT_ACTIONS);
        into.add(OWNER_OVERRIDE);
        bucket.getPolicy().getDocument().addStatements(PolicyStatement.Builder.create()
                .sid("ReplicationFrom" + account)
                .effect(Effect.ALLOW)
                .principals(List.of(principal))
                .actions(into)
                .resources(List.of(arn + "/*"))
                .conditions(Map.of("ArnEquals", Map.of("aws:PrincipalArn", roleArn)))
                .build());
        if (key != null) {
            Map<String, Object> conditions = new LinkedHashMap<>();
            conditions.put("ArnEquals", Map.of("aws:PrincipalArn", roleArn));
            conditions.put("StringEquals", Map.of("kms:ViaService", "s3." + stack.getRegion() + "." + stack.getUrlSuffix()));
            conditions.put("StringLike", Map.of(VeleroPermissions.KMS_S3_CONTEXT, List.of(arn)));
            key.addToResourcePolicy(PolicyStatement.Builder.create()
                    .sid("ReplicationFrom" + account)
                    .effect(Effect.ALLOW)
                    .principals(List.of(principal))
                    .actions(REPLICA_KEY_ACTIONS)
                    .resources(List.of("*"))
                    .conditions(conditions)
                    .build());
        }
    }

    private static PolicyStatement statement(String sid, List<String> actions, String resource, Map<String, Object> conditions) {
        PolicyStatement.Builder b = PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions)
                .resources(List.of(resource));
        if (conditions != null) {
            b.conditions(conditions);
        }
        return b.build();
    }
}
