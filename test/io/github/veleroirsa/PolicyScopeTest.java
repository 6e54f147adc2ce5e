package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.Bucket;

/** What the policy is scoped to and what the role carries: an existing bucket, encrypted-volume keys, no EBS snapshots, the role controls. */
class PolicyScopeTest {
    static final String KEY = "arn:aws:kms:us-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    static final String EBS_KEY = "arn:aws:kms:us-west-1:111122223333:key/0f0e0d0c-0b0a-0908-0706-050403020100";
    static final EksCluster A = TestApps.cluster("backup", TestApps.ISSUER_A);

    /** Every statement of the template's IAM policies: managed ones, then the roles' inline ones. */
    static List<JsonNode> statements(Template t) {
        List<JsonNode> out = new ArrayList<>();
        t.findResources("AWS::IAM::ManagedPolicy").values().forEach(p ->
                TestApps.JSON.valueToTree(p).at("/Properties/PolicyDocument/Statement").forEach(out::add));
        t.findResources("AWS::IAM::Role").values().forEach(r -> TestApps.JSON.valueToTree(r).at("/Properties/Policies")
                .forEach(p -> p.at("/PolicyDocument/Statement").forEach(out::add)));
        return out;
    }

    static JsonNode statement(Template t, String sid) {
        return statements(t).stream().filter(s -> s.path("Sid").asText().equals(sid)).findFirst().orElse(null);
    }

    static List<String> sids(Template t) {
        return statements(t).stream().map(s -> s.path("Sid").asText()).toList();
    }

    @Test
    void anExistingBucketIsUsedAsItIsAndThePolicyIsScopedToItAndItsKey() {
        Template t = TestApps.construct(stack -> new VeleroBackup(stack, "Velero", VeleroBackupProps.builder()
                .clusters(List.of(A))
                .existingBucket(Bucket.fromBucketName(stack, "Existing", "org-velero-backups"))
                .encryptionKey(Key.fromKeyArn(stack, "Key", KEY))
                .build()));
        t.resourceCountIs("AWS::S3::Bucket", 0);
        t.resourceCountIs("AWS::S3::BucketPolicy", 0);
        t.resourceCountIs("AWS::KMS::Key", 0);
        assertThat(statement(t, "ClusterBackupObjects").get("Resource").toString())
                .contains(":s3:::org-velero-backups/backup/*");
        assertThat(statement(t, "ClusterBackupList").get("Resource").toString()).contains(":s3:::org-velero-backups\"");
        JsonNode key = statement(t, "VeleroBackupKey");
        assertThat(key.get("Resource").asText()).isEqualTo(KEY);
        // Whether the existing bucket has an S3 Bucket Key is not known: the bucket's ARN or an object's.
        assertThat(key.at("/Condition/StringLike/kms:EncryptionContext:aws:s3:arn").toString())
                .contains(":s3:::org-velero-backups\"", ":s3:::org-velero-backups/*\"");
        assertThat(key.at("/Condition/StringEquals/kms:ViaService").toString()).contains("s3.");

        Template shared = TestApps.construct(stack -> new VeleroBackup(stack, "Velero", VeleroBackupProps.builder()
                .clusters(List.of(A))
                .isolation(Isolation.SHARED)
                .existingBucket(Bucket.fromBucketName(stack, "Existing", "org-velero-backups"))
                .build()));
        assertThat(statement(shared, "VeleroBackupObjects").get("Resource").toString()).contains(":s3:::org-velero-backups/*");
        assertThat(statement(shared, "VeleroBackupBucket").get("Resource").toString()).contains(":s3:::org-velero-backups\"");
    }

    @Test
    void bucketSettingsDoNotApplyToAnExistingBucket() {
        assertThatThrownBy(() -> TestApps.construct(stack -> VeleroBackupProps.builder().clusters(List.of(A))
                .existingBucket(Bucket.fromBucketName(stack, "E", "org-velero-backups")).bucketName("other-name").build()))
                .hasMessageStartingWith("bucketName: \"other-name\" does not apply to an existing bucket");
        assertThatThrownBy(() -> TestApps.construct(stack -> VeleroBackupProps.builder().clusters(List.of(A))
                .existingBucket(Bucket.fromBucketName(stack, "E", "org-velero-backups"))
                .encryption(BackupEncryption.KMS).build()))
                .hasMessageStartingWith("encryption: KMS without the existing bucket's own key");
    }

    @Test
    void ebsKeysGetThePluginsKmsActionsOnThoseKeysWithGrantsForAwsResourcesOnly() {
        Template t = TestApps.construct(stack -> new VeleroBackup(stack, "Velero", VeleroBackupProps.builder()
                .clusters(List.of(A)).ebsKmsKeys(List.of(Key.fromKeyArn(stack, "EbsKey", EBS_KEY))).build()));
        JsonNode use = statement(t, "VeleroEbsKeys");
        assertThat(use.get("Resource").asText()).isEqualTo(EBS_KEY);
        List<String> actions = new ArrayList<>();
        use.get("Action").forEach(a -> actions.add(a.asText()));
        // The plugin README's list, wildcards written out, grants apart.
        assertThat(actions).containsExactlyInAnyOrder("kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom",
                "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
                "kms:RetireGrant");
        JsonNode grants = statement(t, "VeleroEbsKeyGrants");
        assertThat(grants.get("Resource").asText()).isEqualTo(EBS_KEY);
        assertThat(grants.get("Action")).isEqualTo(TestApps.parse("['kms:CreateGrant','kms:ListGrants','kms:RevokeGrant']"));
        assertThat(grants.get("Condition")).isEqualTo(TestApps.parse("{'Bool':{'kms:GrantIsForAWSResource':'true'}}"));
        assertThat(use.has("Condition")).isFalse();
    }

    @Test
    void withoutEbsSnapshotsThePolicyHasNoEc2ActionAtAll() {
        Template t = TestApps.construct(VeleroBackupProps.builder().clusters(List.of(A)).ebsSnapshots(false).build());
        assertThat(sids(t)).containsExactly("ClusterBackupObjects", "ClusterBackupList");
        t.resourceCountIs("AWS::IAM::ManagedPolicy", 0);
        assertThat(TestApps.json(t).toString()).doesNotContain("ec2:");
        Stack scope = new Stack(TestApps.app(Map.of(), null), "Scope");
        assertThatThrownBy(() -> VeleroBackupProps.builder().clusters(List.of(A)).ebsSnapshots(false)
                .ebsKmsKeys(List.of(Key.fromKeyArn(scope, "EbsKey", EBS_KEY))).build())
                .hasMessageStartingWith("ebsKmsKeys: 1 keys are given");
        // An alias ARN imported as a key: its ARN is still no key's.
        assertThatThrownBy(() -> VeleroBackupProps.builder().clusters(List.of(A))
                .ebsKmsKeys(List.of(Key.fromKeyArn(scope, "Alias", "arn:aws:kms:us-west-1:111122223333:key/alias"))).build())
                .hasMessageStartingWith("ebsKmsKeys[0]: \"arn:aws:kms:us-west-1:111122223333:key/alias\" is not a KMS key ARN");
    }

    @Test
    void roleControlsReachTheRoleAndTagsEveryResource() {
        Template t = TestApps.construct(stack -> new VeleroBackup(stack, "Velero", VeleroBackupProps.builder()
                .identity(WorkloadIdentity.BOTH)
                .clusters(List.of(EksCluster.builder().name("backup").clusterName("prod").oidcIssuer(TestApps.ISSUER_A).build()))
                .encryption(BackupEncryption.KMS)
                .roleName("velero-backup").rolePath("/velero/").maxSessionDuration(Duration.hours(2))
                .permissionsBoundary(ManagedPolicy.fromManagedPolicyArn(stack, "Boundary",
                        "arn:aws:iam::111122223333:policy/boundaries/platform"))
                .tags(Map.of("team", "platform")).build()));
        JsonNode role = TestApps.only(t, "AWS::IAM::Role").get("Properties");
        assertThat(role.get("RoleName").asText()).isEqualTo("velero-backup");
        assertThat(role.get("Path").asText()).isEqualTo("/velero/");
        assertThat(role.get("MaxSessionDuration").asInt()).isEqualTo(7200);
        assertThat(role.get("PermissionsBoundary").asText()).isEqualTo("arn:aws:iam::111122223333:policy/boundaries/platform");
        // Every resource type that takes tags carries the tag.
        for (String type : List.of("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::IAM::Role", "AWS::IAM::OIDCProvider",
                "AWS::EKS::PodIdentityAssociation")) {
            assertThat(TestApps.only(t, type).at("/Properties/Tags").toString()).as(type)
                    .contains("{\"Key\":\"team\",\"Value\":\"platform\"}");
        }
    }

    @Test
    void roleControlsAreChecked() {
        var b = VeleroBackupProps.builder().clusters(List.of(A));
        assertThatThrownBy(() -> b.roleName("velero backup").build()).hasMessageStartingWith("roleName: \"velero backup\"");
        b.roleName(null);
        assertThatThrownBy(() -> b.rolePath("velero").build()).hasMessageStartingWith("rolePath: \"velero\"");
        b.rolePath(null);
        assertThatThrownBy(() -> b.maxSessionDuration(Duration.minutes(30)).build())
                .hasMessageStartingWith("maxSessionDuration: 30 minutes is out of range");
        b.maxSessionDuration(null);
        Stack scope = new Stack(TestApps.app(Map.of(), null), "Scope");
        assertThatThrownBy(() -> b.permissionsBoundary(ManagedPolicy.fromManagedPolicyArn(scope, "Boundary",
                "arn:aws:iam::111122223333:role/not-a-policy")).build())
                .hasMessageStartingWith("permissionsBoundary: \"arn:aws:iam::111122223333:role/not-a-policy\" is not an IAM"
                        + " managed policy ARN");
        b.permissionsBoundary(null);
        assertThatThrownBy(() -> b.tags(Map.of("aws:team", "x")).build()).hasMessageStartingWith("tags: \"aws:team\"");
    }
}
