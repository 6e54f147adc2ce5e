package io.github.veleroirsa;

import static io.github.veleroirsa.TestApps.ISSUER_A;
import static io.github.veleroirsa.TestApps.ISSUER_B;
import static io.github.veleroirsa.TestApps.cluster;
import static io.github.veleroirsa.TestApps.only;
import static io.github.veleroirsa.TestApps.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.assertions.Template;

class BucketTest {
    static Template defaults;
    static Template custom;

    @BeforeAll
    static void synthesize() {
        // GIVEN two clusters and no bucket props; WHEN synthesized
        defaults = TestApps.construct(TestApps.props(cluster("backup", ISSUER_A), cluster("restore", ISSUER_B)));
        custom = TestApps.construct(VeleroBackupProps.builder()
                .clusters(List.of(cluster("backup", ISSUER_A)))
                .bucketName("acme-velero-backups")
                .noncurrentVersionExpiration(Duration.days(90))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build());
    }

    @Test
    void oneBucketAndOneBucketPolicy() {
        defaults.resourceCountIs("AWS::S3::Bucket", 1);
        defaults.resourceCountIs("AWS::S3::BucketPolicy", 1);
    }

    @Test
    void blocksAllPublicAccessAndDisablesAcls() {
        JsonNode props = only(defaults, "AWS::S3::Bucket").get("Properties");
        assertThat(props.get("PublicAccessBlockConfiguration")).isEqualTo(parse(
                "{'BlockPublicAcls':true,'BlockPublicPolicy':true,'IgnorePublicAcls':true,'RestrictPublicBuckets':true}"));
        assertThat(props.at("/OwnershipControls/Rules/0/ObjectOwnership").asText()).isEqualTo("BucketOwnerEnforced");
    }

    @Test
    void versioningIsOn() {
        assertThat(only(defaults, "AWS::S3::Bucket").at("/Properties/VersioningConfiguration/Status").asText())
                .isEqualTo("Enabled");
    }

    @Test
    void encryptsWithS3ManagedKeysByDefault() {
        JsonNode props = only(defaults, "AWS::S3::Bucket").get("Properties");
        assertThat(props.at("/BucketEncryption/ServerSideEncryptionConfiguration")).isEqualTo(parse(
                "[{'ServerSideEncryptionByDefault':{'SSEAlgorithm':'AES256'}}]"));
        defaults.resourceCountIs("AWS::KMS::Key", 0);
    }

    @Test
    void lifecycleExpiresOnlyNoncurrentVersionsAndAbortsUploadsAfterSevenDays() {
        JsonNode rules = only(defaults, "AWS::S3::Bucket").at("/Properties/LifecycleConfiguration/Rules");
        assertThat(rules).hasSize(1);
        JsonNode rule = rules.get(0);
        assertThat(rule.at("/AbortIncompleteMultipartUpload/DaysAfterInitiation").asInt()).isEqualTo(7);
        assertThat(rule.at("/NoncurrentVersionExpiration/NoncurrentDays").asInt()).isEqualTo(30);
        assertThat(rule.get("Status").asText()).isEqualTo("Enabled");
        // Current objects never expire: that would corrupt Velero's Kopia repositories.
        assertThat(rule.has("ExpirationInDays")).isFalse();
        assertThat(rule.has("ExpirationDate")).isFalse();
        assertThat(rule.has("Transitions")).isFalse();
        assertThat(rule.has("Prefix")).isFalse();
    }

    @Test
    void noncurrentVersionExpirationFollowsTheProp() {
        JsonNode rule = only(custom, "AWS::S3::Bucket").at("/Properties/LifecycleConfiguration/Rules/0");
        assertThat(rule.at("/NoncurrentVersionExpiration/NoncurrentDays").asInt()).isEqualTo(90);
    }

    @Test
    void bucketNameFollowsTheProp() {
        assertThat(only(custom, "AWS::S3::Bucket").at("/Properties/BucketName").asText())
                .isEqualTo("acme-velero-backups");
        assertThat(only(defaults, "AWS::S3::Bucket").at("/Properties/BucketName").isMissingNode()).isTrue();
    }

    @Test
    void bucketPolicyDeniesEveryRequestWithoutTls() {
        JsonNode policy = only(defaults, "AWS::S3::BucketPolicy").at("/Properties/PolicyDocument/Statement");
        String bucket = TestApps.onlyLogicalId(defaults, "AWS::S3::Bucket");
        assertThat(policy).hasSize(1);
        assertThat(policy.get(0)).isEqualTo(parse("{'Action':'s3:*','Condition':{'Bool':{'aws:SecureTransport':'false'}},"
                + "'Effect':'Deny','Principal':{'AWS':'*'},'Resource':[{'Fn::GetAtt':['" + bucket + "','Arn']},"
                + "{'Fn::Join':['',[{'Fn::GetAtt':['" + bucket + "','Arn']},'/*']]}]}"));
    }

    // Retained on deletion and replacement by default: DataSafetyTest, for every configuration.

    @Test
    void removalPolicyIsTheUsersToChange() {
        JsonNode bucket = only(custom, "AWS::S3::Bucket");
        assertThat(bucket.get("DeletionPolicy").asText()).isEqualTo("Delete");
        // ...and no Lambda that would empty the bucket on the way out.
        custom.resourceCountIs("Custom::S3AutoDeleteObjects", 0);
        custom.resourceCountIs("AWS::Lambda::Function", 0);
    }
}
