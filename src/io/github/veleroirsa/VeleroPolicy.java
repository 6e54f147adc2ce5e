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
    private static final String PARTITION = "(?:<AWS::Partition>|aws[a-z-]*)";
    private static final String ACCOUNT = "(?:<AWS::AccountId>|[0-9]{12})";

    static ManagedPolicy create(Construct scope, VeleroBackupProps props, IBucket bucket, IKey key,
            boolean bucketCreated) {
        Stack stack = Stack.of(scope);
        List<PolicyStatement> statements = new ArrayList<>();
        List<Exemption> exemptions = new ArrayList<>();
        if (props.isEbsSnapshots()) {
            String volumes = stack.formatArn(ArnComponents.builder()
                    .service("ec2").region("*").resource("volume").resourceName("*")
                    .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
            // Snapshot ARNs carry no account.
            String snapshots = stack.formatArn(ArnComponents.builder()
                    .service("ec2").region("*").account("").resource("snapshot").resourceName("*")
                    .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
            statements.add(allow("VeleroEbsDescribe", VeleroPermissions.EC2_DESCRIBE_ACTIONS, List.of("*")));
            exemptions.add(new Exemption("AwsSolutions-IAM5", List.of("Resource::*"), null,
                    "ec2:DescribeVolumes and ec2:DescribeSnapshots support no resource-level permissions:"
                            + " IAM accepts only * for them. They read metadata, nothing else."));
            statements.add(allow("VeleroEbsSnapshots", VeleroPermissions.EC2_SNAPSHOT_ACTIONS,
                    List.of(volumes, snapshots)));
            statements.add(PolicyStatement.Builder.create()
                    .sid("VeleroEbsTagOnCreate")
                    .effect(Effect.ALLOW)
                    .actions(VeleroPermissions.EC2_TAG_ACTIONS)
                    .resources(List.of(volumes, snapshots))
                    .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction",
                            VeleroPermissions.EC2_TAGGING_CREATE_ACTIONS)))
                    .build());
            statements.add(PolicyStatement.Builder.create()
                    .sid("VeleroEbsDeleteVeleroSnapshots")
                    .effect(Effect.ALLOW)
                    .actions(VeleroPermissions.EC2_DELETE_ACTIONS)
                    .resources(List.of(snapshots))
                    .conditions(Map.of("Null", Map.of("aws:ResourceTag/" + VeleroPermissions.VELERO_BACKUP_TAG,
                            "false")))
                    .build());
            exemptions.add(new Exemption("AwsSolutions-IAM5", List.of(
                    regex("/^Resource::arn:" + PARTITION + ":ec2:\\*:" + ACCOUNT + ":volume\\/\\*$/"),
                    regex("/^Resource::arn:" + PARTITION + ":ec2:\\*::snapshot\\/\\*$/")), null,
                    "Velero snapshots volumes and restores volumes from snapshots whose IDs exist only once"
                            + " a backup runs; the actions are limited to this account's volumes and to"
                            + " snapshots, tagging to those create calls, and deleting to snapshots that carry"
                            + " Velero's velero.io/backup tag."));
        }
        statements.add(allow("VeleroBackupObjects", VeleroPermissions.S3_OBJECT_ACTIONS,
                List.of(bucket.arnForObjects("*"))));
        exemptions.add(new Exemption("AwsSolutions-IAM5", List.of(bucketCreated
                ? "Resource::<" + stack.getLogicalId((CfnElement) bucket.getNode().getDefaultChild()) + ".Arn>/*"
                : regex("/^Resource::arn:" + PARTITION + ":s3:::" + bucket.getBucketName().replace(".", "\\.")
                        + "\\/\\*$/")), null,
                "Velero writes backups under object keys it names at run time; the object actions are"
                        + " limited to the objects of this one backup bucket."));
        statements.add(allow("VeleroBackupBucket", VeleroPermissions.S3_BUCKET_ACTIONS,
                List.of(bucket.getBucketArn())));
        if (key != null) {
            statements.add(allow("VeleroBackupKey", VeleroPermissions.KMS_ACTIONS, List.of(key.getKeyArn())));
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
        ManagedPolicy policy = ManagedPolicy.Builder.create(scope, "Policy")
                .description("Velero: EBS snapshots and the objects of its backup bucket (velero-irsa)")
                .statements(statements)
                .build();
        Exemptions.apply((CfnResource) policy.getNode().getDefaultChild(), exemptions);
        return policy;
    }

    private static Map<String, String> regex(String regex) {
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
