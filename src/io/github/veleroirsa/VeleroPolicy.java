package io.github.veleroirsa;

import io.github.veleroirsa.Exemptions.Exemption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * The Velero policy ({@code Policy}): each statement next to the scanner findings it is accepted
 * for, with the reason a reviewer reads in the template.
 */
final class VeleroPolicy {
    private VeleroPolicy() {}

    /** How cdk-nag writes a partition and an account: as pseudo parameters, or literally once pinned. */
    static final String PARTITION = "(?:<AWS::Partition>|aws[a-z-]*)";
    private static final String ACCOUNT = "(?:<AWS::AccountId>|[0-9]{12})";

    /**
     * The policy every role gets ({@code Policy}). With {@link Isolation#SHARED}: EBS snapshots and
     * the whole bucket, as before isolation. With {@link Isolation#PER_CLUSTER}: only what a
     * restore-only role needs too (describing and restoring EBS volumes, the keys); each role's
     * inline policy ({@link BucketAccess}) holds its prefixes, and {@link #snapshots} what taking
     * and deleting snapshots needs; {@code null} when that leaves it nothing (no EBS snapshots, no
     * key).
     */
    static ManagedPolicy create(Construct scope, VeleroBackupProps props, IBucket bucket, IKey key,
            boolean bucketCreated) {
        Stack stack = Stack.of(scope);
        boolean shared = props.getIsolation() == Isolation.SHARED;
        // Measured first with the bucket's and key's ARNs at their longest: IAM's limit for a
        // managed policy, which only the EBS keys' list can pass.
        String longestBucketArn = "arn:" + TrustPolicySize.LONGEST_PARTITION + ":s3:::" + "x".repeat(63);
        String longestKeyArn = "arn:" + TrustPolicySize.LONGEST_PARTITION + ":kms:" + TrustPolicySize.longestRegion()
                + ":123456789012:key/" + "0".repeat(36);
        int size = TrustPolicySize.of(stack, PolicyDocument.Builder.create().statements(statements(stack, props, null,
                longestBucketArn, longestBucketArn + "/*", key == null ? null : longestKeyArn, bucketCreated,
                new ArrayList<>())).build());
        if (size > MAX_MANAGED_POLICY_LENGTH) {
            throw new InvalidInputException("ebsKmsKeys", props.getEbsKmsKeys().size() + " keys make the shared policy "
                    + size + " characters, over IAM's limit of " + MAX_MANAGED_POLICY_LENGTH + " for a managed policy"
                    + " (counted without whitespace, ARNs at their longest) (expected fewer keys: the keys of the"
                    + " volumes Velero snapshots and restores)");
        }
        List<Exemption> exemptions = new ArrayList<>();
        List<PolicyStatement> statements = statements(stack, props, bucket, bucket.getBucketArn(),
                bucket.arnForObjects("*"), key == null ? null : key.getKeyArn(), bucketCreated, exemptions);
        if (statements.isEmpty()) {
            return null; // per-cluster isolation without EBS snapshots or keys: every right is a role's own
        }
        ManagedPolicy policy = ManagedPolicy.Builder.create(scope, "Policy")
                .description(shared ? "Velero: EBS snapshots and the objects of its backup bucket (velero-irsa)"
                        : "Velero, every role: describing and restoring EBS volumes, the keys (velero-irsa)")
                .statements(statements)
                .build();
        Exemptions.apply((CfnResource) policy.getNode().getDefaultChild(), exemptions);
        return policy;
    }

    /** IAM's limit on a managed policy's size, counted without whitespace. */
    static final int MAX_MANAGED_POLICY_LENGTH = 6144;

    /**
     * The shared policy's statements, for these ARNs of the bucket ({@code bucket} {@code null}:
     * stand-ins, to measure), with the findings they are accepted for added to {@code exemptions}.
     */
    private static List<PolicyStatement> statements(Stack stack, VeleroBackupProps props, IBucket bucket,
            String bucketArn, String objectsArn, String keyArn, boolean bucketCreated, List<Exemption> exemptions) {
        boolean shared = props.getIsolation() == Isolation.SHARED;
        List<PolicyStatement> statements = new ArrayList<>();
        if (props.isEbsSnapshots()) {
            statements.add(allow("VeleroEbsDescribe", VeleroPermissions.EC2_DESCRIBE_ACTIONS, List.of("*")));
            exemptions.add(new Exemption("AwsSolutions-IAM5", List.of("Resource::*"), null,
                    "ec2:DescribeVolumes and ec2:DescribeSnapshots support no resource-level permissions:"
                            + " IAM accepts only * for them. They read metadata, nothing else."));
            if (shared) {
                statements.add(allow("VeleroEbsSnapshots", VeleroPermissions.EC2_SNAPSHOT_ACTIONS,
                        List.of(volumes(stack), snapshots(stack))));
                statements.add(tagOnCreate("VeleroEbsTagOnCreate", List.of(volumes(stack), snapshots(stack)),
                        VeleroPermissions.EC2_TAGGING_CREATE_ACTIONS));
                statements.add(deleteSnapshots(stack));
            } else {
                statements.add(allow("VeleroEbsRestoreVolumes", List.of("ec2:CreateVolume"),
                        List.of(volumes(stack), snapshots(stack))));
                statements.add(tagOnCreate("VeleroEbsTagNewVolumes", List.of(volumes(stack)), List.of("CreateVolume")));
            }
            exemptions.add(ebsExemption());
        }
        if (shared) {
            statements.add(allow("VeleroBackupObjects", VeleroPermissions.S3_OBJECT_ACTIONS,
                    List.of(objectsArn)));
            if (bucket != null) {
                exemptions.add(new Exemption("AwsSolutions-IAM5", List.of(bucketCreated
                        ? "Resource::<" + stack.getLogicalId((CfnElement) bucket.getNode().getDefaultChild()) + ".Arn>/*"
                        : regex("/^Resource::arn:" + PARTITION + ":s3:::" + bucket.getBucketName().replace(".", "\\.")
                                + "\\/\\*$/")), null,
                        "Velero writes backups under object keys it names at run time; the object actions are"
                                + " limited to the objects of this one backup bucket."));
            }
            statements.add(allow("VeleroBackupBucket", VeleroPermissions.S3_BUCKET_ACTIONS,
                    List.of(bucketArn)));
        }
        BackupBucket remote = props.getRemoteBucket();
        // Restore-only clusters alone never write to their own bucket: its key is not theirs to use.
        if (remote != null && remote.keyAlias() != null && props.getClusters().stream().anyMatch(c -> !c.isRestoreOnly())) {
            statements.add(BucketAccess.key("VeleroBackupKey", BucketAccess.Target.of(stack, remote)));
            exemptions.add(keyExemption(List.of(keysFinding(remote))));
        }
        if (keyArn != null) {
            // Only through S3 in the bucket's region, and only for this bucket: with an S3 Bucket Key
            // (the created bucket has one) the encryption context is the bucket's ARN, else an object's.
            Map<String, Object> conditions = new LinkedHashMap<>();
            conditions.put("StringEquals", Map.of("kms:ViaService",
                    "s3." + stack.getRegion() + "." + stack.getUrlSuffix()));
            conditions.put("StringLike", Map.of(VeleroPermissions.KMS_S3_CONTEXT, bucketCreated
                    ? List.of(bucketArn) : List.of(bucketArn, objectsArn)));
            statements.add(PolicyStatement.Builder.create()
                    .sid("VeleroBackupKey")
                    .effect(Effect.ALLOW)
                    .actions(VeleroPermissions.KMS_ACTIONS)
                    .resources(List.of(keyArn))
                    .conditions(conditions)
                    .build());
        }
        List<String> former = props.getFormerEncryptionKeys().stream().map(IKey::getKeyArn)
                .filter(k -> !k.equals(keyArn)).toList();
        if (!former.isEmpty()) {
            // Objects keep the key they were written with: reading them back needs it, and only that.
            Map<String, Object> conditions = new LinkedHashMap<>();
            conditions.put("StringEquals", Map.of("kms:ViaService",
                    "s3." + stack.getRegion() + "." + stack.getUrlSuffix()));
            conditions.put("StringLike", Map.of(VeleroPermissions.KMS_S3_CONTEXT, List.of(bucketArn, objectsArn)));
            statements.add(PolicyStatement.Builder.create()
                    .sid("VeleroFormerBackupKeys")
                    .effect(Effect.ALLOW)
                    .actions(List.of("kms:Decrypt"))
                    .resources(former)
                    .conditions(conditions)
                    .build());
        }
        List<String> ebsKeys = props.getEbsKmsKeys().stream().map(IKey::getKeyArn).toList();
        if (!ebsKeys.isEmpty()) {
            statements.add(allow("VeleroEbsKeys", VeleroPermissions.EBS_KMS_ACTIONS, ebsKeys));
            statements.add(PolicyStatement.Builder.create()
                    .sid("VeleroEbsKeyGrants")
                    .effect(Effect.ALLOW)
                    .actions(VeleroPermissions.EBS_KMS_GRANT_ACTIONS)
                    .resources(ebsKeys)
                    .conditions(Map.of("Bool", Map.of("kms:GrantIsForAWSResource", "true")))
                    .build());
        }
        return statements;
    }

    /**
     * What taking and deleting EBS snapshots needs ({@code SnapshotPolicy}), with {@link
     * Isolation#PER_CLUSTER}: attached to each role with a cluster that backs up, never to a
     * restore-only one's.
     */
    static ManagedPolicy snapshots(Construct scope) {
        Stack stack = Stack.of(scope);
        ManagedPolicy policy = ManagedPolicy.Builder.create(scope, "SnapshotPolicy")
                .description("Velero, roles that back up: taking and deleting EBS snapshots (velero-irsa)")
                .statements(List.of(
                        allow("VeleroEbsTakeSnapshots", List.of("ec2:CreateSnapshot"),
                                List.of(volumes(stack), snapshots(stack))),
                        tagOnCreate("VeleroEbsTagNewSnapshots", List.of(snapshots(stack)), List.of("CreateSnapshot")),
                        deleteSnapshots(stack)))
                .build();
        Exemptions.apply((CfnResource) policy.getNode().getDefaultChild(), List.of(ebsExemption()));
        return policy;
    }

    private static String volumes(Stack stack) {
        return stack.formatArn(ArnComponents.builder()
                .service("ec2").region("*").resource("volume").resourceName("*")
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }

    /** Snapshot ARNs carry no account. */
    private static String snapshots(Stack stack) {
        return stack.formatArn(ArnComponents.builder()
                .service("ec2").region("*").account("").resource("snapshot").resourceName("*")
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }

    private static PolicyStatement tagOnCreate(String sid, List<String> resources, List<String> createActions) {
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(VeleroPermissions.EC2_TAG_ACTIONS)
                .resources(resources)
                .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction", createActions)))
                .build();
    }

    private static PolicyStatement deleteSnapshots(Stack stack) {
        return PolicyStatement.Builder.create()
                .sid("VeleroEbsDeleteVeleroSnapshots")
                .effect(Effect.ALLOW)
                .actions(VeleroPermissions.EC2_DELETE_ACTIONS)
                .resources(List.of(snapshots(stack)))
                .conditions(Map.of("Null", Map.of("aws:ResourceTag/" + VeleroPermissions.VELERO_BACKUP_TAG, "false")))
                .build();
    }

    private static Exemption ebsExemption() {
        return new Exemption("AwsSolutions-IAM5", List.of(
                regex("/^Resource::arn:" + PARTITION + ":ec2:\\*:" + ACCOUNT + ":volume\\/\\*$/"),
                regex("/^Resource::arn:" + PARTITION + ":ec2:\\*::snapshot\\/\\*$/")), null,
                "Velero snapshots volumes and restores volumes from snapshots whose IDs exist only once"
                        + " a backup runs; the actions are limited to this account's volumes and to"
                        + " snapshots, tagging to those create calls, and deleting to snapshots that carry"
                        + " Velero's velero.io/backup tag.");
    }

    /**
     * The finding a role's inline policy ({@link BucketAccess}) is accepted for: object ARNs under
     * its prefixes, which end in {@code *}.
     */
    static void exemptBucketAccess(CfnResource role, IBucket bucket, boolean bucketCreated, boolean ownObjects,
            List<BackupBucket> sourceBuckets) {
        Stack stack = Stack.of(role);
        String arn = bucketCreated
                ? "<" + stack.getLogicalId((CfnElement) bucket.getNode().getDefaultChild()) + "\\.Arn>"
                : "arn:" + PARTITION + ":s3:::" + bucket.getBucketName().replace(".", "\\.");
        List<Exemption> exemptions = new ArrayList<>();
        List<Object> objects = new ArrayList<>();
        if (ownObjects) {
            objects.add(regex("/^Resource::" + arn + "\\/.+\\*.*$/"));
        }
        for (BackupBucket b : sourceBuckets) {
            objects.add(regex("/^Resource::arn:" + PARTITION + ":s3:::" + b.bucketName().replace(".", "\\.") + "\\/.+\\*.*$/"));
        }
        exemptions.add(new Exemption("AwsSolutions-IAM5", objects, null,
                "Velero writes backups under object keys it names at run time; the role reaches only the objects"
                        + " under its clusters' prefixes, and under its sources' prefixes reads and writes only"
                        + " the five objects a restore writes."));
        List<Object> keys = sourceBuckets.stream().filter(b -> b.keyAlias() != null).map(VeleroPolicy::keysFinding).toList();
        if (!keys.isEmpty()) {
            exemptions.add(keyExemption(keys));
        }
        Exemptions.apply(role, exemptions);
    }

    /** How cdk-nag names the keys of another stack's bucket, of its account and region. */
    static Object keysFinding(BackupBucket b) {
        return regex("/^Resource::arn:" + PARTITION + ":kms:" + b.region() + ":" + b.account() + ":key\\/\\*$/");
    }

    /** The keys of another stack's bucket: known by alias, since their ARNs exist only once it is deployed. */
    private static Exemption keyExemption(List<Object> findings) {
        return new Exemption("AwsSolutions-IAM5", findings, null,
                "The bucket's KMS key is in another account or region and its ARN exists only once that stack is"
                        + " deployed: the statement allows only the key with the bucket's alias (kms:ResourceAliases),"
                        + " only through S3 in the bucket's region, and only for this bucket's encryption context.");
    }

    static Map<String, String> regex(String regex) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("regex", regex);
        return m;
    }

    private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources)
                .build();
    }
}
