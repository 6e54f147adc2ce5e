package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.veleroirsa.InvalidInputException;
import io.github.veleroirsa.TestApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue of messages: every error path of the configuration, the construct and the app
 * once, with the exact line a user reads. The one place that holds whole messages; every other
 * test asserts the field, the value and a key phrase, so that a reworded message is changed here
 * and reviewed here.
 */
class MessageCatalogueTest {
    static final String A = ConfigLoaderTest.A;
    static final String B = ConfigLoaderTest.B;

    private static VeleroConfig parse(String singleQuoted) {
        return ConfigLoader.parse(singleQuoted.replace('\'', '"'));
    }

    private static void build(VeleroConfig config) {
        config.toBackupProps(new software.amazon.awscdk.Stack(TestApps.app(Map.of(), null), "Scope"));
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
    void theConfigurationAndTheConstructSayExactlyThis(String config, String message) {
        // The configuration's own rules, then the construct's, as the app meets them.
        assertThatThrownBy(() -> build(parse(config))).isInstanceOf(InvalidInputException.class).hasMessage(message);
    }

    /** The app's own lines: the whole stderr of a run, as {@code cdk synth} shows it. */
    static Stream<Arguments> appLines() {
        String lookup = "{\"clusters\":[{\"name\":\"backup\",\"clusterName\":\"prod-west\"}]}";
        return Stream.of(
                Arguments.of(Map.of("velero", lookup), null, "velero-irsa: invalid configuration (context velero):"
                        + " clusters[0].oidcIssuer: missing, and clusterName \"prod-west\" is looked up in the stack's"
                        + " account, which is not known (expected cdk run with AWS credentials, so that"
                        + " CDK_DEFAULT_ACCOUNT is set, and the default synthesizer, not \"portable\"; or oidcIssuer)"),
                Arguments.of(Map.of("velero", "{\"verifyIssuers\":true,\"clusters\":[{\"name\":\"backup\",\"oidcIssuer\":\""
                        + TestApps.ISSUER_A + "\",\"clusterName\":\"prod-west\"}]}"), null, "velero-irsa: invalid"
                        + " configuration (context velero): verifyIssuers: true: the issuers are looked up in the stack's"
                        + " account, which is not known (expected cdk run with AWS credentials, so that"
                        + " CDK_DEFAULT_ACCOUNT is set, and the default synthesizer, not \"portable\"; or verifyIssuers"
                        + " false)"),
                Arguments.of(Map.of("velero", "{\"kmsKeyAlias\":\"alias/velero-backups\",\"clusters\":[{\"name\":\"a\","
                        + "\"oidcIssuer\":\"" + TestApps.ISSUER_A + "\"}]}"), null, "velero-irsa: invalid configuration"
                        + " (context velero): kmsKeyAlias: \"alias/velero-backups\" is looked up in the stack's account,"
                        + " which is not known (expected cdk run with AWS credentials, so that CDK_DEFAULT_ACCOUNT is set,"
                        + " and the default synthesizer, not \"portable\"; or kmsKeyArn instead)"),
                Arguments.of(Map.of("velero", lookup), "111122223333", "velero-irsa: lookups not answered (context"
                        + " velero): clusters[0].clusterName: the issuer of EKS cluster \"prod-west\" (cluster \"backup\")"
                        + " in account 111122223333, region us-west-2 is not looked up yet (expected cdk synth, which"
                        + " looks it up with AWS credentials and keeps the answer in cdk.context.json; or the value"
                        + " itself: each cluster's oidcIssuer, kmsKeyArn)"),
                Arguments.of(Map.of("velero", "{\"clusters\":[{\"name\":\"backup\",\"oidcIssuer\":\"http://oidc.eks"
                        + ".us-west-2.amazonaws.com/id/00000000000000000000000000000002\"}]}"), null, "velero-irsa: invalid"
                        + " configuration (context velero): clusters[0].oidcIssuer: \"http://oidc.eks.us-west-2.amazonaws"
                        + ".com/id/00000000000000000000000000000002\" is not an https URL (expected"
                        + " https://oidc.eks.<region>.amazonaws.com/id/<32 hexadecimal digits, upper case>"
                        + " (.amazonaws.com.cn in China's regions) and nothing after it, as `aws eks describe-cluster"
                        + " --query cluster.identity.oidc.issuer` prints it)"),
                Arguments.of(Map.of("velero", "{\"clusters\":[{\"name\":\"backup\",\"oidcIssuer\":\"https://evil"
                        + ".example.com/id/17562E53EA93EE98AA800738265ECFE1\"}]}"), null, "velero-irsa: invalid"
                        + " configuration (context velero): clusters[0].oidcIssuer: \"https://evil.example.com/id/"
                        + "17562E53EA93EE98AA800738265ECFE1\" is not an EKS cluster's OIDC issuer (expected"
                        + " https://oidc.eks.<region>.amazonaws.com/id/<32 hexadecimal digits, upper case>"
                        + " (.amazonaws.com.cn in China's regions) and nothing after it, as `aws eks describe-cluster"
                        + " --query cluster.identity.oidc.issuer` prints it; or, for a cluster whose issuer is not EKS's"
                        + " (kOps, EKS Anywhere, a self-managed cluster), nonEksIssuer true on this cluster)"),
                Arguments.of(Map.of("velero", "{\"namespace\":\"x;touch PWNED;${Token[AWS.AccountId.1]}\",\"clusters\":[{"
                        + "\"name\":\"a\",\"oidcIssuer\":\"" + TestApps.ISSUER_A + "\"}]}"), null, "velero-irsa: invalid"
                        + " configuration (context velero): namespace: \"x;touch PWNED;${Token[AWS.AccountId.1]}\" holds"
                        + " CDK token syntax (expected plain text: a configuration is data, and ${Token[...]},"
                        + " #{Token[...]} or -1.<digits>e+289 would be taken for a deploy-time value and skip every"
                        + " check)"),
                Arguments.of(Map.of("veleroConfigFile", ""), null, "velero-irsa: invalid configuration (config file \"\"):"
                        + " veleroConfigFile: \"\" is empty (expected a path to a JSON file: -c"
                        + " veleroConfigFile=path/to/config.json)"));
    }

    @ParameterizedTest
    @MethodSource("appLines")
    void theAppSaysExactlyThis(Map<String, Object> context, String account, String line) {
        AppRun run = AppRun.of(context, account, "us-west-2", account == null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEqualTo(line + System.lineSeparator());
    }

    @org.junit.jupiter.api.Test
    void theConstructNamesTheClusterAndTheField() {
        assertThatThrownBy(() -> io.github.veleroirsa.EksCluster.builder().name("restore").namespace("Velero_NS").build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("cluster \"restore\": namespace: \"Velero_NS\" is not a valid namespace (expected a DNS-1123"
                        + " label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or"
                        + " digit)");
    }
}
