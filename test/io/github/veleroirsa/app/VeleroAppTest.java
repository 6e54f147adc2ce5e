package io.github.veleroirsa.app;

import static io.github.veleroirsa.TestApps.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.veleroirsa.TestApps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** The app as {@code cdk synth} runs it, on the real cdk.json configuration and on variants. */
class VeleroAppTest {
    static final String KEY_ARN = "arn:aws:kms:us-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    static final String ONE_CLUSTER = "{\"clusters\":[{\"name\":\"backup\",\"oidcIssuer\":\"oidc.eks.us-west-2.amazonaws.com/id/00000000000000000000000000000001\"}]";

    static AppRun defaults;
    static Template defaultTemplate;
    static AppRun newKey;
    static AppRun existingKey;
    static AppRun pinned;
    static AppRun bad;
    static AppRun badFile;

    @BeforeAll
    static void run() {
        // The configuration exactly as cdk.json holds it, passed as the CLI passes cdk.json context.
        defaults = AppRun.of(Map.of("velero", TestApps.JSON.convertValue(TestApps.cdkJson().at("/context/velero"),
                Object.class)), null, null);
        defaultTemplate = defaults.cdkTemplate("VeleroBackup");
        newKey = AppRun.of(ONE_CLUSTER + ",\"encryption\":\"KMS\",\"stackName\":\"VeleroKms\"}", null, null);
        existingKey = AppRun.of(ONE_CLUSTER + ",\"kmsKeyArn\":\"" + KEY_ARN + "\"}", null, null);
        pinned = AppRun.of(ONE_CLUSTER + "}", "111122223333", "eu-west-1");
        bad = AppRun.of("{\"clusters\":[{\"name\":\"backup\",\"oidcIssuer\":\"oidc.eks.us-west-2.amazonaws.com/id/00000000000000000000000000000001\"},"
                + "{\"name\":\"restore\",\"oidcIssuer\":\"http://oidc.eks.us-west-2.amazonaws.com/id/00000000000000000000000000000002\"}]}", null, null);
        badFile = AppRun.of(Map.of("veleroConfigFile", "test/no-such-config.json"), null, null);
    }

    @Test
    void defaultConfigSynthesizesTheGuidesScenarioTwo() {
        assertThat(defaults.status()).isZero();
        assertThat(defaults.err()).isEmpty();
        defaultTemplate.resourceCountIs("AWS::S3::Bucket", 1);
        defaultTemplate.resourceCountIs("AWS::S3::BucketPolicy", 1);
        defaultTemplate.resourceCountIs("AWS::IAM::ManagedPolicy", 2);
        defaultTemplate.resourceCountIs("AWS::IAM::OIDCProvider", 2);
        defaultTemplate.resourceCountIs("AWS::KMS::Key", 0);
        // A role per cluster, each trusting its own cluster; the restore-only one without the snapshot policy.
        Map<String, Map<String, Object>> roles = defaultTemplate.findResources("AWS::IAM::Role");
        assertThat(roles).hasSize(2);
        roles.forEach((id, role) -> {
            JsonNode r = TestApps.JSON.valueToTree(role);
            assertThat(r.at("/Properties/AssumeRolePolicyDocument/Statement")).as(id).hasSize(1);
            assertThat(r.at("/Properties/ManagedPolicyArns")).as(id).hasSize(id.contains("restore") ? 1 : 2);
        });
    }

    @Test
    void templateHasNoAssetButItself() {
        // No custom resource or Lambda in any configuration's template: DataSafetyTest, over the matrix.
        JsonNode assets = defaults.json("VeleroBackup.assets.json");
        assertThat(assets.get("dockerImages")).isEmpty();
        assertThat(assets.get("files")).hasSize(1);
        assertThat(assets.get("files").elements().next().at("/source/path").asText())
                .isEqualTo("VeleroBackup.template.json");
    }

    @Test
    void outputsTheBucketTheRoleAndAnAnnotationReadyToPaste() {
        // One cluster on the shared role: the stack outputs that role too.
        Template template = pinned.cdkTemplate("VeleroBackup");
        JsonNode outputs = pinned.template("VeleroBackup").get("Outputs");
        assertThat(outputs.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("BucketName", "RoleArn", "ServiceAccountAnnotation", "WiringBackup");
        String bucket = TestApps.onlyLogicalId(template, "AWS::S3::Bucket");
        String role = TestApps.onlyLogicalId(template, "AWS::IAM::Role");
        assertThat(outputs.at("/BucketName/Value")).isEqualTo(parse("{'Ref':'" + bucket + "'}"));
        assertThat(outputs.at("/RoleArn/Value")).isEqualTo(parse("{'Fn::GetAtt':['" + role + "','Arn']}"));
        assertThat(outputs.at("/ServiceAccountAnnotation/Value")).isEqualTo(parse(
                "{'Fn::Join':['',['eks.amazonaws.com/role-arn=',{'Fn::GetAtt':['" + role + "','Arn']}]]}"));
    }

    @Test
    void kmsKeyArnIsAnOutputWithKmsOnly() {
        assertThat(newKey.status()).isZero();
        Template t = newKey.cdkTemplate("VeleroKms");
        String key = TestApps.onlyLogicalId(t, "AWS::KMS::Key");
        assertThat(newKey.template("VeleroKms").at("/Outputs/KmsKeyArn/Value"))
                .isEqualTo(parse("{'Fn::GetAtt':['" + key + "','Arn']}"));
        assertThat(existingKey.template("VeleroBackup").at("/Outputs/KmsKeyArn/Value").asText()).isEqualTo(KEY_ARN);
        existingKey.cdkTemplate("VeleroBackup").resourceCountIs("AWS::KMS::Key", 0);
    }

    @Test
    void withoutAnAccountAccountAndPartitionStayPseudoParameters() {
        JsonNode federated = TestApps.JSON.valueToTree(defaultTemplate.findResources("AWS::IAM::Role").values()
                .iterator().next()).at("/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Federated");
        assertThat(federated.toString()).contains("{\"Ref\":\"AWS::AccountId\"}").contains("{\"Ref\":\"AWS::Partition\"}");
    }

    @Test
    void aPinnedEnvironmentPutsTheAccountInTheTrustPolicy() {
        assertThat(pinned.status()).isZero();
        JsonNode federated = TestApps.only(pinned.cdkTemplate("VeleroBackup"), "AWS::IAM::Role")
                .at("/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Federated");
        assertThat(federated.asText()).isEqualTo("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/00000000000000000000000000000001");
        assertThat(pinned.json("manifest.json").at("/artifacts/VeleroBackup/environment").asText())
                .isEqualTo("aws://111122223333/eu-west-1");
    }

    @Test
    void badConfigExitsNonZeroWithOneLineAndNoStackTrace() {
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters[1].oidcIssuer:"
                + " \"http://oidc.eks.us-west-2.amazonaws.com/id/00000000000000000000000000000002\" is not an https URL"
                + "");
    }

    @Test
    void badConfigWritesNoTemplate() {
        assertThat(bad.files()).isEmpty();
        assertThat(badFile.files()).isEmpty();
    }

    @Test
    void missingConfigFileIsReportedLikeAnyOtherMistake() {
        assertThat(badFile.status()).isEqualTo(1);
        assertThat(badFile.err()).startsWith("velero-irsa: invalid configuration (config file test/no-such-config.json): veleroConfigFile:"
                + " \"test/no-such-config.json\" does not exist").doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void aConfigFileBesideAVeleroContextValueGivenWithDashCIsUsedAndTheNoteSaysSo() {
        AppRun both = AppRun.of(Map.of("veleroConfigFile", "test/configs/one-cluster.json",
                "velero", "{\"clusters\":[]}"), null, null);
        assertThat(both.status()).isZero();
        assertThat(both.err()).isEqualTo("velero-irsa: configuration from \"test/configs/one-cluster.json\""
                + " (veleroConfigFile); the velero context value given with -c velero is not used\n");
        assertThat(both.template("VeleroBackup").get("Outputs").has("WiringProd")).isTrue();
    }

    @Test
    void aConfigFileBesideCdkJsonsOwnVeleroValueIsUsedWithoutANote() {
        // What every synth with a file passes: cdk.json's own velero value, which the file replaces.
        AppRun both = AppRun.of(Map.of("veleroConfigFile", "test/configs/one-cluster.json",
                "velero", TestApps.cdkJson().at("/context/velero")), null, null);
        assertThat(both.status()).isZero();
        assertThat(both.err()).isEmpty();
    }

    @Test
    void theNoteIsPrintedOnceOnlyAfterTheLookupsAreAnswered() {
        // The CLI's first pass, with a lookup to answer: no note (the pass that follows prints it).
        AppRun first = AppRun.of(Map.of("veleroConfigFile", "test/lookup/clusters-by-name.json",
                "velero", "{\"clusters\":[]}"), "111122223333", "us-west-2");
        assertThat(first.status()).isZero();
        assertThat(first.err()).isEmpty();
    }

    @Test
    void aFailedSynthesisIsOneLineWithExitOneAndNoTemplate() throws Exception {
        java.nio.file.Path outdir = java.nio.file.Files.createTempDirectory("velero-irsa-test");
        software.amazon.awscdk.App app = TestApps.app(Map.of("velero", ONE_CLUSTER + "}"), outdir);
        // Something in the app that only synthesis finds wrong: a failing construct validation.
        new software.constructs.Construct(app, "Broken").getNode().addValidation(() -> List.of("a planted problem"));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = VeleroApp.run(app, null, null, true, new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("velero-irsa: synthesis failed: ").contains("a planted problem").hasLineCount(1)
                .doesNotContain("\tat ");
        try (var files = java.nio.file.Files.list(outdir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.endsWith(".template.json"));
        }
    }

    @Test
    void anAwsCdkLibErrorWhileBuildingIsOneLineWithExitOne() throws Exception {
        java.nio.file.Path outdir = java.nio.file.Files.createTempDirectory("velero-irsa-test");
        software.amazon.awscdk.App app = TestApps.app(Map.of("velero", ONE_CLUSTER + "}"), outdir);
        // The stack's name taken already: aws-cdk-lib refuses the second construct of that name.
        new software.constructs.Construct(app, "VeleroBackup");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = VeleroApp.run(app, null, null, true, new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("velero-irsa: the stack could not be built: ").contains("VeleroBackup").hasLineCount(1)
                .doesNotContain("\tat ").doesNotContain("@jsii");
    }
}
