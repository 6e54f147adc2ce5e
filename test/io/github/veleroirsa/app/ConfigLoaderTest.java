package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.veleroirsa.BackupEncryption;
import io.github.veleroirsa.EksCluster;
import io.github.veleroirsa.InvalidInputException;
import io.github.veleroirsa.TestApps;
import io.github.veleroirsa.VeleroBackupProps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

class ConfigLoaderTest {
    static final String A = "'name':'backup','oidcIssuer':'https://oidc.eks.us-west-1.amazonaws.com/id/AAAA0000000000000000000000000000'";
    static final String B = "'name':'restore','oidcIssuer':'oidc.eks.us-west-1.amazonaws.com/id/BBBB0000000000000000000000000000/'";

    /** A config written with single quotes, for readability. */
    private static VeleroConfig parse(String singleQuoted) {
        return ConfigLoader.parse(singleQuoted.replace('\'', '"'));
    }

    private static VeleroBackupProps props(String singleQuoted) {
        return build(parse(singleQuoted));
    }

    /** The construct's props, built as the app's stack builds them (in a scope for the imports). */
    private static VeleroBackupProps build(VeleroConfig config) {
        return config.toBackupProps(new software.amazon.awscdk.Stack(TestApps.app(Map.of(), null), "Scope"));
    }

    @Test
    void minimalConfigTakesEveryDefault() {
        VeleroConfig config = parse("{'clusters':[{" + A + "}]}");
        assertThat(config.stackNameOrDefault()).isEqualTo("VeleroBackup");
        VeleroBackupProps p = build(config);
        assertThat(p.getEncryption()).isEqualTo(BackupEncryption.S3_MANAGED);
        assertThat(p.getNoncurrentVersionExpiration().toDays()).isEqualTo(30);
        assertThat(p.getBucketName()).isNull();
        assertThat(p.getClusters()).containsExactly(EksCluster.builder().name("backup")
                .oidcIssuer("oidc.eks.us-west-1.amazonaws.com/id/AAAA0000000000000000000000000000").namespace("velero").serviceAccount("velero")
                .build());
    }

    @Test
    void topLevelNamespaceAndServiceAccountAreDefaultsThatAClusterOverrides() {
        VeleroBackupProps p = props("{'namespace':'rafay-system','serviceAccount':'velero-rafay','clusters':["
                + "{" + A + "},{" + B + ",'namespace':'velero','serviceAccount':'velero-server'}]}");
        assertThat(p.getClusters()).extracting(EksCluster::getSubject).containsExactly(
                "system:serviceaccount:rafay-system:velero-rafay", "system:serviceaccount:velero:velero-server");
    }

    @Test
    void everyFieldIsRead() {
        VeleroConfig c = parse("{'stackName':'VeleroProd','bucketName':'acme-velero','encryption':'KMS',"
                + "'kmsKeyArn':'arn:aws:kms:us-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',"
                + "'noncurrentVersionExpirationDays':7,'clusters':[{" + A + ",'oidcProviderArn':"
                + "'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-1.amazonaws.com/id/AAAA0000000000000000000000000000'}]}");
        assertThat(c.stackNameOrDefault()).isEqualTo("VeleroProd");
        VeleroBackupProps p = build(c);
        assertThat(p.getBucketName()).isEqualTo("acme-velero");
        assertThat(p.getEncryption()).isEqualTo(BackupEncryption.KMS);
        assertThat(p.getNoncurrentVersionExpiration().toDays()).isEqualTo(7);
        assertThat(p.getClusters().get(0).getOidcProviderArn()).endsWith("/id/AAAA0000000000000000000000000000");
        assertThat(c.kmsKeyArn()).endsWith("1234567890ab");
    }

    @Test
    void enumValuesAreReadInAnyCase() {
        assertThat(props("{'encryption':'kms','identity':'pod_identity','clusters':[{'name':'a','clusterName':'a'}]}")
                .getEncryption()).isEqualTo(BackupEncryption.KMS);
        assertThat(ConfigLoader.parse("{\"synthesizer\":\"PORTABLE\",\"clusters\":[{\"name\":\"a\","
                + "\"oidcIssuer\":\"" + io.github.veleroirsa.TestApps.ISSUER_A + "\"}]}").portable()).isTrue();
    }

    @Test
    void kmsKeyArnAloneImpliesKms() {
        assertThat(props("{'kmsKeyArn':'arn:aws:kms:us-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef',"
                + "'clusters':[{" + A + "}]}").getEncryption()).isEqualTo(BackupEncryption.KMS);
    }

    @Test
    void readsTheFileNamedByVeleroConfigFileBeforeTheContextKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("velero.json");
        Files.writeString(file, "{\"stackName\":\"FromFile\",\"clusters\":[{\"name\":\"f\",\"oidcIssuer\":\"f.example.com/id\"}]}");
        var app = TestApps.app(Map.of("veleroConfigFile", file.toString(), "velero", "{\"clusters\":[]}"), null);
        assertThat(ConfigLoader.load(app.getNode()).stackNameOrDefault()).isEqualTo("FromFile");
        assertThat(ConfigLoader.source(app.getNode())).isEqualTo("config file " + file);
    }

    @Test
    void readsTheContextKeyAsAJsonStringOrAnObject() {
        var fromString = TestApps.app(Map.of("velero", "{\"clusters\":[{\"name\":\"s\",\"oidcIssuer\":\"s.example.com\"}]}"),
                null);
        assertThat(ConfigLoader.load(fromString.getNode()).clusters()).extracting(ClusterConfig::name)
                .containsExactly("s");
        var fromObject = TestApps.app(Map.of("velero",
                Map.of("clusters", List.of(Map.of("name", "o", "oidcIssuer", "o.example.com")))), null);
        assertThat(ConfigLoader.load(fromObject.getNode()).clusters()).extracting(ClusterConfig::name)
                .containsExactly("o");
    }

    @Test
    void failsOnAMissingConfigFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        var app = TestApps.app(Map.of("veleroConfigFile", missing.toString()), null);
        assertThatThrownBy(() -> ConfigLoader.load(app.getNode()))
                .hasMessageStartingWith("veleroConfigFile: \"" + missing + "\" does not exist (expected a JSON file,"
                        + " relative to the folder cdk runs in: ");
    }

    @Test
    void failsOnAConfigFileThatIsAFolder(@TempDir Path dir) {
        var app = TestApps.app(Map.of("veleroConfigFile", dir.toString()), null);
        assertThatThrownBy(() -> ConfigLoader.load(app.getNode()))
                .hasMessageStartingWith("veleroConfigFile: \"" + dir + "\" is a folder");
    }

    @Test
    void failsOnNoConfigAtAll() {
        assertThatThrownBy(() -> ConfigLoader.load(TestApps.app(Map.of(), null).getNode()))
                .hasMessageStartingWith("velero: missing");
    }

    @Test
    void theRealCdkJsonHoldsTheGuidesScenarioTwo() {
        VeleroConfig config = ConfigLoader.bind(TestApps.cdkJson().at("/context/velero"));
        VeleroBackupProps p = build(config);
        assertThat(p.getClusters()).extracting(EksCluster::getOidcIssuer).containsExactly(
                "oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1",
                "oidc.eks.us-west-1.amazonaws.com/id/6895F1604286AE3EB02EFD39CAC4E288");
        assertThat(p.getClusters()).extracting(EksCluster::getSubject)
                .containsOnly("system:serviceaccount:rafay-system:velero-rafay");
        assertThat(config.stackNameOrDefault()).isEqualTo("VeleroBackup");
    }
}
