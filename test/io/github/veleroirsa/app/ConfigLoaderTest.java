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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    static Stream<Arguments> rejected() {
        return Stream.of(
                // The fields the README's configuration table documents, in order.
                Arguments.of("{'clusters':[{" + A + "}],'bucket':'x'}",
                        "bucket: unknown field (expected one of: " + String.join(", ",
                                ReadmeConfigTableTest.documented("")) + ")"),
                Arguments.of("{'clusters':[{" + A + ",'serviceaccount':'velero'}]}",
                        "clusters[0].serviceaccount: unknown field (expected one of: " + String.join(", ",
                                ReadmeConfigTableTest.documented("clusters[].")) + "; did you mean"
                                + " \"serviceAccount\"?)"),
                Arguments.of("{}", "clusters: missing (expected a list of clusters, each with at least name, and"
                        + " oidcIssuer or clusterName)"),
                Arguments.of("{'clusters':[]}", "clusters: [] is empty (expected at least one cluster)"),
                Arguments.of("{'clusters':{'name':'backup'}}",
                        "clusters: {\"name\":\"backup\"} is an object (expected a list)"),
                Arguments.of("{'clusters':[{'oidcIssuer':'oidc.eks.us-west-1.amazonaws.com/id/AAAA0000000000000000000000000000'}]}",
                        "clusters[0].name: missing (expected a stable name for the cluster, like \"backup\")"),
                Arguments.of("{'clusters':[{" + A + "},{'name':'restore'}]}",
                        "clusters[1].oidcIssuer: missing (expected the cluster's issuer as"
                                + " `aws eks describe-cluster --query cluster.identity.oidc.issuer` prints it;"
                                + " identity IRSA needs it)"),
                Arguments.of("{'clusters':[{" + A + "}],'bucketName':null}",
                        "bucketName: null is not allowed (expected a value, or the field left out for its default)"),
                Arguments.of("{'clusters':[null]}",
                        "clusters[0]: null is not allowed (expected a value, or the field left out for its default)"),
                Arguments.of("{'clusters':[{" + A + "}],'noncurrentVersionExpirationDays':'30'}",
                        "noncurrentVersionExpirationDays: \"30\" is a string (expected a whole number between 1 and"
                                + " 2147483647)"),
                Arguments.of("{'clusters':[{" + A + "}],'noncurrentVersionExpirationDays':30.5}",
                        "noncurrentVersionExpirationDays: 30.5 is a decimal number (expected a whole number between 1"
                                + " and 2147483647)"),
                Arguments.of("{'clusters':[{" + A + "}],'noncurrentVersionExpirationDays':0}",
                        "noncurrentVersionExpirationDays: 0 days is not a whole number of days of at least 1"
                                + " (expected 1 day or more, in whole days)"),
                Arguments.of("{'clusters':[{" + A + "}],'noncurrentVersionExpirationDays':3000000000}",
                        "noncurrentVersionExpirationDays: 3000000000 is out of range (expected a whole number"
                                + " between 1 and 2147483647)"),
                Arguments.of("{'clusters':[{'name':7,'oidcIssuer':'x.example.com'}]}",
                        "clusters[0].name: 7 is a whole number (expected a string)"),
                Arguments.of("{'clusters':[{'name':'backup','oidcIssuer':true}]}",
                        "clusters[0].oidcIssuer: true is a boolean (expected a string)"),
                Arguments.of("{'clusters':[{" + A + "}],'stackName':1.5}",
                        "stackName: 1.5 is a decimal number (expected a string)"),
                Arguments.of("{'clusters':[{" + A + "}],'bucketName':['a']}",
                        "bucketName: [\"a\"] is a list (expected a string)"),
                Arguments.of("{'clusters':[{" + A + "}],'encryption':'kms-ish'}",
                        "encryption: \"kms-ish\" is not one of the allowed values (expected one of \"S3_MANAGED\", \"KMS\")"),
                Arguments.of("{'clusters':[{" + A + ",'serviceAcount':'velero'}]}",
                        "clusters[0].serviceAcount: unknown field (expected one of: " + String.join(", ",
                                ReadmeConfigTableTest.documented("clusters[].")) + "; did you mean"
                                + " \"serviceAccount\"?)"),
                Arguments.of("{'clusters':[{" + A + "}],'existingBucketName':'backups..x'}",
                        "existingBucketName: \"backups..x\" is not a valid S3 bucket name (expected no '..', '.-' or"
                                + " '-.')"),
                Arguments.of("{'clusters':[{" + A + "}],'zzz':1}",
                        "zzz: unknown field (expected one of: " + String.join(", ",
                                ReadmeConfigTableTest.documented("")) + ")"),
                Arguments.of("{'clusters':[{'name':'a','oidcIssuer':'arn:aws:iam::111122223333:oidc-provider/"
                                + "oidc.eks.us-west-1.amazonaws.com/id/A0000000000000000000000000000000'}]}",
                        "clusters[0].oidcIssuer: \"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-1"
                                + ".amazonaws.com/id/A0000000000000000000000000000000\" is an ARN, not an issuer URL (expected the cluster's issuer,"
                                + " like https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF;"
                                + " an existing OIDC provider's ARN goes in oidcProviderArn, beside the issuer)"),
                Arguments.of("{'clusters':[{" + A + "}],'encryption':true}",
                        "encryption: true is a boolean (expected one of \"S3_MANAGED\", \"KMS\")"),
                Arguments.of("{'clusters':[{'name':'backup','oidcIssuer':'http://oidc.eks.us-west-1.amazonaws.com/id/A0000000000000000000000000000000'}]}",
                        "clusters[0].oidcIssuer: \"http://oidc.eks.us-west-1.amazonaws.com/id/A0000000000000000000000000000000\" is not an https URL"
                                + " (expected https://oidc.eks.<region>.amazonaws.com/id/<32 hexadecimal digits, upper"
                                + " case> (.amazonaws.com.cn in China's regions) and nothing after it, as `aws eks"
                                + " describe-cluster --query cluster.identity.oidc.issuer` prints it)"),
                Arguments.of("{'clusters':[{" + A + "},{" + B + ",'namespace':'Velero_NS'}]}",
                        "clusters[1].namespace: \"Velero_NS\" is not a valid namespace (expected a DNS-1123 label: at"
                                + " most 63 lowercase letters, digits and '-', starting and ending with a letter or"
                                + " digit)"),
                Arguments.of("{'namespace':'Velero_NS','clusters':[{" + A + "}]}",
                        "namespace: \"Velero_NS\" is not a valid namespace (expected a DNS-1123 label: at most 63"
                                + " lowercase letters, digits and '-', starting and ending with a letter or digit)"),
                Arguments.of("{'clusters':[{" + A + ",'serviceAccount':'Velero'}]}",
                        "clusters[0].serviceAccount: \"Velero\" is not a valid service account name (expected a"
                                + " DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', each part"
                                + " starting and ending with a letter or digit)"),
                Arguments.of("{'serviceAccount':'velero_sa','clusters':[{" + A + "}]}",
                        "serviceAccount: \"velero_sa\" is not a valid service account name (expected a DNS-1123"
                                + " subdomain: at most 253 lowercase letters, digits, '-' and '.', each part starting"
                                + " and ending with a letter or digit)"),
                Arguments.of("{'clusters':[{" + A + "},{" + A + "}]}",
                        "clusters[1].name: \"backup\" is the name of clusters[0] too (expected unique cluster names)"),
                Arguments.of("{'clusters':[{" + A + "},{'name':'restore','oidcIssuer':"
                                + "'oidc.eks.us-west-1.amazonaws.com/id/AAAA0000000000000000000000000000/'}]}",
                        "clusters[1].oidcIssuer: \"oidc.eks.us-west-1.amazonaws.com/id/AAAA0000000000000000000000000000\" is the issuer of"
                                + " clusters[0] (\"backup\") too (expected one entry per cluster: IAM holds one OIDC"
                                + " provider per issuer)"),
                Arguments.of("{'bucketName':'Velero_Backups','clusters':[{" + A + "}]}",
                        "bucketName: \"Velero_Backups\" is not a valid S3 bucket name (expected lowercase letters,"
                                + " digits, '.' and '-', starting and ending with a letter or digit)"),
                Arguments.of("{'kmsKeyArn':'arn:aws:kms:us-west-1:111122223333:alias/velero','clusters':[{" + A + "}]}",
                        "kmsKeyArn: \"arn:aws:kms:us-west-1:111122223333:alias/velero\" is not a KMS key ARN (expected"
                                + " arn:<partition>:kms:<region>:<12-digit account>:key/<key id>, like"
                                + " arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab; not an"
                                + " alias)"),
                Arguments.of("{'encryption':'S3_MANAGED','kmsKeyArn':"
                                + "'arn:aws:kms:us-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',"
                                + "'clusters':[{" + A + "}]}",
                        "kmsKeyArn: a key is given while encryption is S3_MANAGED (expected encryption KMS, or no key)"),
                Arguments.of("{'clusters':[{" + A + ",'oidcProviderArn':'arn:aws:iam::1111:oidc-provider/x'}]}",
                        "clusters[0].oidcProviderArn: \"arn:aws:iam::1111:oidc-provider/x\" is not an IAM OIDC"
                                + " provider ARN (expected arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer"
                                + " host and path>, as `aws iam list-open-id-connect-providers` prints it)"),
                Arguments.of("{'stackName':'velero_backup','clusters':[{" + A + "}]}",
                        "stackName: \"velero_backup\" is not a valid CloudFormation stack name (expected a letter,"
                                + " then letters, digits and '-', at most 128 characters)"),
                Arguments.of("[]", "velero: [] is a list (expected a JSON object with at least \"clusters\")"),
                // 13 characters: the input ends before column 14.
                Arguments.of("{'clusters':[", "velero: not valid JSON: Unexpected end-of-input:"
                        + " expected close marker for Array at line 1, column 14"),
                Arguments.of("{'clusters':[],'clusters':[]}", "velero: not valid JSON:"
                        + " Duplicate field 'clusters' at line 1, column 26")); // right after the second key
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void failsWithOneMessageNamingTheField(String config, String message) {
        // The configuration's own rules, then the construct's, as the app meets them.
        assertThatThrownBy(() -> build(parse(config))).isInstanceOf(InvalidInputException.class).hasMessage(message);
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
                .hasMessage("veleroConfigFile: \"" + dir + "\" is a folder (expected a JSON file)");
    }

    @Test
    void failsOnNoConfigAtAll() {
        assertThatThrownBy(() -> ConfigLoader.load(TestApps.app(Map.of(), null).getNode()))
                .hasMessage("velero: missing (expected the configuration object under \"context\" in cdk.json,"
                        + " -c velero='{...}' or -c veleroConfigFile=path/to/config.json)");
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
