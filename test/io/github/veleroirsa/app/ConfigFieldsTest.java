package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.veleroirsa.Intrinsics;
import io.github.veleroirsa.TestApps;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration fields as the app turns them into resources and outputs: identity, existing resources, key lookup, outputs, portable templates. */
class ConfigFieldsTest {
    static final String A = "{\"name\":\"backup\",\"oidcIssuer\":\"oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1\"";

    @Test
    void everyClusterGetsItsOwnWiringAndClustersThatShareItShareAnOutput() {
        AppRun run = AppRun.of("{\"namespace\":\"rafay-system\",\"serviceAccount\":\"velero-rafay\",\"clusters\":[" + A
                + "},{\"name\":\"restore\",\"oidcIssuer\":\"" + TestApps.ISSUER_B + "\"},{\"name\":\"eu\",\"oidcIssuer\":\""
                + TestApps.ISSUER_C + "\",\"namespace\":\"velero\",\"serviceAccount\":\"velero\"}],\"maxTrustPolicyLength\":4096}", null, null);
        JsonNode t = run.template("VeleroBackup");
        Map<String, JsonNode> wiring = WiringOutputs.byCluster(t);
        assertThat(wiring).containsOnlyKeys("backup", "restore", "eu");
        // Each cluster on its own prefix: backup and restore differ only by it, eu by its namespace and region too.
        assertThat(wiring.get("backup").at("/helmValues/configuration/backupStorageLocation/0/prefix").asText())
                .isEqualTo("backup");
        assertThat(wiring.get("restore").at("/helmValues/configuration/backupStorageLocation/0/prefix").asText())
                .isEqualTo("restore");
        assertThat(wiring.get("backup").at("/helmValues/configuration/volumeSnapshotLocation/0/config/region").asText())
                .isEqualTo("us-west-1");
        assertThat(wiring.get("eu").at("/helmValues/configuration/volumeSnapshotLocation/0/config/region").asText())
                .isEqualTo("eu-central-1");
        // The bucket's region is the stack's, for every cluster.
        assertThat(wiring.get("eu").at("/helmValues/configuration/backupStorageLocation/0/config/region").asText())
                .isEqualTo(WiringOutputs.REGION);
        assertThat(wiring.get("eu").get("namespace").asText()).isEqualTo("velero");
        assertThat(wiring.get("backup").has("serviceAccountManifest")).isTrue();
        assertThat(wiring.get("eu").has("serviceAccountManifest")).isFalse();
        // At the bucket's root, backup and restore share one wiring object.
        AppRun shared = AppRun.of("{\"isolation\":\"SHARED\",\"namespace\":\"rafay-system\",\"serviceAccount\":"
                + "\"velero-rafay\",\"clusters\":[" + A + "},{\"name\":\"restore\",\"oidcIssuer\":\"" + TestApps.ISSUER_B
                + "\"}],\"maxTrustPolicyLength\":4096}", null, null);
        Map<String, JsonNode> sharedWiring = WiringOutputs.byCluster(shared.template("VeleroBackup"));
        assertThat(sharedWiring.get("backup")).isSameAs(sharedWiring.get("restore"));
        assertThat(sharedWiring.get("backup").at("/helmValues/configuration/backupStorageLocation/0/prefix").isMissingNode())
                .isTrue();
        assertThat(shared.template("VeleroBackup").get("Outputs").fieldNames()).toIterable()
                .filteredOn(n -> n.startsWith("Wiring")).containsExactly("WiringBackup");
    }

    @Test
    void thePluginImageIsAConfigField() {
        AppRun run = AppRun.of("{\"veleroPluginImage\":\"registry.example.com/velero-plugin-for-aws:v1.14.3\","
                + "\"ebsSnapshots\":false,\"clusters\":[" + A + "}]}", null, null);
        JsonNode wiring = WiringOutputs.byCluster(run.template("VeleroBackup")).get("backup");
        assertThat(wiring.at("/helmValues/initContainers/0/image").asText())
                .isEqualTo("registry.example.com/velero-plugin-for-aws:v1.14.3");
        // File-system backups follow ebsSnapshots: false unless set.
        assertThat(wiring.at("/helmValues/deployNodeAgent").asBoolean()).isTrue();
        JsonNode off = WiringOutputs.byCluster(AppRun.of("{\"fileSystemBackups\":false,\"ebsSnapshots\":false,"
                + "\"clusters\":[" + A + "}]}", null, null).template("VeleroBackup")).get("backup");
        assertThat(off.at("/helmValues/deployNodeAgent").asBoolean()).isFalse();
    }

    @Test
    void podIdentityNeedsNoAnnotation() {
        AppRun run = AppRun.of("{\"identity\":\"POD_IDENTITY\",\"clusters\":[{\"name\":\"b\",\"clusterName\":\"prod\","
                + "\"region\":\"eu-west-1\"}]}", null, null);
        assertThat(run.err()).isEmpty();
        JsonNode t = run.template("VeleroBackup");
        assertThat(t.get("Outputs").has("ServiceAccountAnnotation")).isFalse();
        JsonNode wiring = WiringOutputs.byCluster(t).get("b");
        assertThat(wiring.at("/helmValues/serviceAccount/server").has("annotations")).isFalse();
        assertThat(wiring.at("/helmValues/configuration/volumeSnapshotLocation/0/config/region").asText())
                .isEqualTo("eu-west-1");
        assertThat(t.toString()).doesNotContain("AWS::IAM::OIDCProvider").contains("AWS::EKS::PodIdentityAssociation");
    }

    @Test
    void aKeyAliasIsLookedUpOnceAndReadFromTheContextCacheAfterwards() {
        String config = "{\"kmsKeyAlias\":\"alias/velero-backups\",\"clusters\":[" + A + "}]}";
        // As cdk.context.json holds it after the first synth with credentials.
        Map<String, Object> cached = Map.of("velero", config,
                "key-provider:account=111122223333:aliasName=alias/velero-backups:region=us-west-1",
                Map.of("keyId", "0b1b2b3b-4b5b-6b7b-8b9b-0a1a2a3a4a5a"));
        AppRun run = AppRun.of(cached, "111122223333", "us-west-1");
        assertThat(run.err()).isEmpty();
        JsonNode policy = TestApps.JSON.valueToTree(run.cdkTemplate("VeleroBackup")
                .findResources("AWS::IAM::ManagedPolicy").values().iterator().next());
        assertThat(policy.toString()).contains("arn:aws:kms:us-west-1:111122223333:key/0b1b2b3b-4b5b-6b7b-8b9b-0a1a2a3a4a5a");

        // Without the cache, the app asks the CLI for the lookup (a missing context entry).
        AppRun first = AppRun.of(config, "111122223333", "us-west-1");
        assertThat(first.json("manifest.json").toString()).contains("\"missing\"")
                .contains("alias/velero-backups");
        // And without an account there is nothing to look up in.
        AppRun noAccount = AppRun.of(config, null, null);
        assertThat(noAccount.status()).isEqualTo(1);
        assertThat(noAccount.err()).contains("kmsKeyAlias: \"alias/velero-backups\" is looked up in the stack's account, which is not known");
    }

    @Test
    void serviceAccountListsEbsKeysAndRoleControlsFromTheConfigFile() throws Exception {
        JsonNode migration = AppRun.of(java.nio.file.Files.readString(
                ConfigMatrix.FOLDER.resolve("pod-identity-migration.json")), null, null).template("VeleroBackup");
        JsonNode trust = migration.findValue("AssumeRolePolicyDocument").get("Statement");
        // backup: IRSA with both service accounts in one statement, and Pod Identity pinned; restore: the same.
        assertThat(trust.get(0).toString()).contains("[\"system:serviceaccount:velero:velero\","
                + "\"system:serviceaccount:velero:velero-datamover\"]");
        assertThat(trust.get(1).toString()).contains("\"aws:RequestTag/eks-cluster-arn\"").contains(":eks:us-west-1:")
                .contains(":cluster/prod-west");
        assertThat(migration.toString().split("AWS::EKS::PodIdentityAssociation", -1)).hasSize(4); // 3 associations

        JsonNode controls = AppRun.of(java.nio.file.Files.readString(
                ConfigMatrix.FOLDER.resolve("encrypted-volumes-and-role-controls.json")), null, null)
                .template("VeleroBackup");
        JsonNode role = controls.findParent("AssumeRolePolicyDocument");
        assertThat(role.get("RoleName").asText()).isEqualTo("velero-backup");
        assertThat(role.get("Path").asText()).isEqualTo("/velero/");
        assertThat(role.get("MaxSessionDuration").asInt()).isEqualTo(7200);
        assertThat(role.get("PermissionsBoundary").asText()).endsWith(":policy/boundaries/platform");
        assertThat(role.get("Tags").toString()).contains("{\"Key\":\"cost-center\",\"Value\":\"4711\"}");
        assertThat(controls.toString()).contains("\"Sid\":\"VeleroEbsKeyGrants\"")
                .contains("key/0f0e0d0c-0b0a-0908-0706-050403020100");

        JsonNode fsOnly = AppRun.of(java.nio.file.Files.readString(
                ConfigMatrix.FOLDER.resolve("file-system-backups-only.json")), null, null).template("VeleroBackup");
        assertThat(fsOnly.findValue("PolicyDocument").toString()).doesNotContain("ec2:");
    }

    @Test
    void anExistingBucketIsImportedNotCreated() {
        AppRun run = AppRun.of("{\"existingBucketName\":\"org-velero-backups\",\"clusters\":[" + A + "}]}", null, null);
        JsonNode t = run.template("VeleroBackup");
        assertThat(t.toString()).doesNotContain("AWS::S3::Bucket\"").contains(":s3:::org-velero-backups/backup/*");
        assertThat(Intrinsics.resolve(t.at("/Outputs/BucketName/Value"), key -> null)).isEqualTo("org-velero-backups");
        assertThat(WiringOutputs.byCluster(t).get("backup").at("/helmValues/configuration/backupStorageLocation/0/bucket")
                .asText()).isEqualTo("org-velero-backups");
        AppRun both = AppRun.of("{\"existingBucketName\":\"org-velero-backups\",\"bucketName\":\"x-y-z\",\"clusters\":["
                + A + "}]}", null, null);
        assertThat(both.err()).contains("bucketName: \"x-y-z\" does not apply to an existing bucket");
    }

    @Test
    void aPortableTemplateHasNoBootstrapNoEnvironmentAndNoMetadataResource() {
        String config = "{\"synthesizer\":\"portable\",\"clusters\":[" + A + "}]}";
        AppRun run = AppRun.of(config, "111122223333", "us-west-1"); // an account known, and still not pinned
        JsonNode t = run.template("VeleroBackup");
        assertThat(t.has("Parameters")).isFalse();
        assertThat(t.has("Rules")).isFalse();
        assertThat(t.toString()).doesNotContain("AWS::CDK::Metadata").doesNotContain("111122223333")
                .doesNotContain("cdk-hnb659fds");
        AppRun usual = AppRun.of("{\"clusters\":[" + A + "}]}", null, null);
        assertThat(usual.template("VeleroBackup").at("/Parameters/BootstrapVersion").isMissingNode()).isFalse();
    }
}
