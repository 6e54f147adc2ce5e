package io.github.veleroirsa;

import static io.github.veleroirsa.TestApps.ISSUER_A;
import static io.github.veleroirsa.TestApps.cluster;
import static io.github.veleroirsa.TestApps.only;
import static io.github.veleroirsa.TestApps.onlyLogicalId;
import static io.github.veleroirsa.TestApps.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.kms.Key;

class PolicyTest {
    static final String EXISTING_KEY =
            "arn:aws:kms:us-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    static Template s3Managed;
    static Template newKey;
    static Template existingKey;

    @BeforeAll
    static void synthesize() {
        s3Managed = TestApps.construct(VeleroBackupProps.builder().clusters(List.of(cluster("backup", ISSUER_A)))
                .isolation(Isolation.SHARED).build());
        newKey = TestApps.construct(VeleroBackupProps.builder()
                .clusters(List.of(cluster("backup", ISSUER_A)))
                .isolation(Isolation.SHARED)
                .encryption(BackupEncryption.KMS)
                .build());
        existingKey = TestApps.construct(stack -> new VeleroBackup(stack, "Velero", VeleroBackupProps.builder()
                .clusters(List.of(cluster("backup", ISSUER_A)))
                .isolation(Isolation.SHARED)
                .encryptionKey(Key.fromKeyArn(stack, "Existing", EXISTING_KEY))
                .build()));
    }

    static final String VOLUMES =
            "{'Fn::Join':['',['arn:',{'Ref':'AWS::Partition'},':ec2:*:',{'Ref':'AWS::AccountId'},':volume/*']]}";
    static final String SNAPSHOTS = "{'Fn::Join':['',['arn:',{'Ref':'AWS::Partition'},':ec2:*::snapshot/*']]}";

    /** The statements every variant has, as the issues list them (CDK sorts the actions). */
    private static String baseStatements(String bucket) {
        String arn = "{'Fn::GetAtt':['" + bucket + "','Arn']}";
        return "{'Sid':'VeleroEbsDescribe','Effect':'Allow','Resource':'*','Action':["
                + "'ec2:DescribeSnapshots','ec2:DescribeVolumes']},"
                + "{'Sid':'VeleroEbsSnapshots','Effect':'Allow','Action':["
                + "'ec2:CreateSnapshot','ec2:CreateVolume'],'Resource':[" + VOLUMES + "," + SNAPSHOTS + "]},"
                + "{'Sid':'VeleroEbsTagOnCreate','Effect':'Allow','Action':'ec2:CreateTags','Resource':["
                + VOLUMES + "," + SNAPSHOTS + "],'Condition':{'StringEquals':{'ec2:CreateAction':"
                + "['CreateSnapshot','CreateVolume']}}},"
                + "{'Sid':'VeleroEbsDeleteVeleroSnapshots','Effect':'Allow','Action':'ec2:DeleteSnapshot',"
                + "'Resource':" + SNAPSHOTS + ",'Condition':{'Null':{'aws:ResourceTag/velero.io/backup':'false'}}},"
                + "{'Sid':'VeleroBackupObjects','Effect':'Allow','Resource':{'Fn::Join':['',[" + arn + ",'/*']]},"
                + "'Action':['s3:AbortMultipartUpload','s3:DeleteObject','s3:GetObject',"
                + "'s3:ListMultipartUploadParts','s3:PutObject','s3:PutObjectTagging']},"
                + "{'Sid':'VeleroBackupBucket','Effect':'Allow','Resource':" + arn + ",'Action':'s3:ListBucket'}";
    }

    /**
     * The bucket key's use: through S3 in the stack's region, for the bucket's encryption context
     * (its ARN: the created bucket has an S3 Bucket Key).
     */
    private static String keyConditions(String bucket) {
        return "'Condition':{'StringEquals':{'kms:ViaService':{'Fn::Join':['',['s3.',{'Ref':'AWS::Region'},'.',"
                + "{'Ref':'AWS::URLSuffix'}]]}},'StringLike':{'kms:EncryptionContext:aws:s3:arn':["
                + "{'Fn::GetAtt':['" + bucket + "','Arn']}]}}";
    }

    private static Map<String, Object> document(String statements) {
        return TestApps.JSON.convertValue(parse("{'Version':'2012-10-17','Statement':[" + statements + "]}"),
                TestApps.JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }

    @Test
    void oneManagedPolicyAndNoInlinePolicy() {
        for (Template t : List.of(s3Managed, newKey, existingKey)) {
            t.resourceCountIs("AWS::IAM::ManagedPolicy", 1);
            t.resourceCountIs("AWS::IAM::Policy", 0);
        }
    }

    @Test
    void s3ManagedPolicyIsExactlyTheVeleroActions() {
        String bucket = onlyLogicalId(s3Managed, "AWS::S3::Bucket");
        s3Managed.hasResourceProperties("AWS::IAM::ManagedPolicy",
                Map.of("PolicyDocument", Match.objectEquals(document(baseStatements(bucket)))));
    }

    @Test
    void newKeyPolicyAddsDecryptAndGenerateDataKeyOnThatKeyOnly() {
        String bucket = onlyLogicalId(newKey, "AWS::S3::Bucket");
        String key = onlyLogicalId(newKey, "AWS::KMS::Key");
        newKey.hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of("PolicyDocument", Match.objectEquals(document(
                baseStatements(bucket) + ",{'Sid':'VeleroBackupKey','Effect':'Allow',"
                        + "'Action':['kms:Decrypt','kms:GenerateDataKey'],"
                        + "'Resource':{'Fn::GetAtt':['" + key + "','Arn']}," + keyConditions(bucket) + "}"))));
    }

    @Test
    void existingKeyPolicyScopesKmsToTheGivenArn() {
        String bucket = onlyLogicalId(existingKey, "AWS::S3::Bucket");
        existingKey.hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of("PolicyDocument", Match.objectEquals(
                document(baseStatements(bucket) + ",{'Sid':'VeleroBackupKey','Effect':'Allow',"
                        + "'Action':['kms:Decrypt','kms:GenerateDataKey'],'Resource':'" + EXISTING_KEY + "',"
                        + keyConditions(bucket) + "}"))));
    }

    @Test
    void noKmsActionAnywhereWithoutKms() {
        assertThat(TestApps.json(s3Managed).toString()).doesNotContain("kms:");
    }

    @Test
    void policyIsAttachedToTheRole() {
        for (Template t : List.of(s3Managed, newKey, existingKey)) {
            JsonNode arns = only(t, "AWS::IAM::Role").at("/Properties/ManagedPolicyArns");
            assertThat(arns).isEqualTo(parse("[{'Ref':'" + onlyLogicalId(t, "AWS::IAM::ManagedPolicy") + "'}]"));
        }
    }

    @Test
    void newKeyRotates() {
        // Retained on deletion and replacement: DataSafetyTest, for every configuration.
        assertThat(only(newKey, "AWS::KMS::Key").at("/Properties/EnableKeyRotation").asBoolean()).isTrue();
    }

    @Test
    void newKeyEncryptsTheBucketWithABucketKey() {
        String key = onlyLogicalId(newKey, "AWS::KMS::Key");
        assertThat(only(newKey, "AWS::S3::Bucket").at("/Properties/BucketEncryption/ServerSideEncryptionConfiguration"))
                .isEqualTo(parse("[{'BucketKeyEnabled':true,'ServerSideEncryptionByDefault':{'SSEAlgorithm':'aws:kms',"
                        + "'KMSMasterKeyID':{'Fn::GetAtt':['" + key + "','Arn']}}}]"));
    }

    @Test
    void existingKeyEncryptsTheBucketAndNoKeyIsCreated() {
        existingKey.resourceCountIs("AWS::KMS::Key", 0);
        assertThat(only(existingKey, "AWS::S3::Bucket")
                .at("/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault"))
                .isEqualTo(parse("{'SSEAlgorithm':'aws:kms','KMSMasterKeyID':'" + EXISTING_KEY + "'}"));
    }
}
