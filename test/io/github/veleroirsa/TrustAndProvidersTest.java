package io.github.veleroirsa;

import static io.github.veleroirsa.TestApps.ISSUER_A;
import static io.github.veleroirsa.TestApps.ISSUER_B;
import static io.github.veleroirsa.TestApps.ISSUER_C;
import static io.github.veleroirsa.TestApps.cluster;
import static io.github.veleroirsa.TestApps.only;
import static io.github.veleroirsa.TestApps.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.IOidcProvider;

class TrustAndProvidersTest {
    static final String IMPORTED_B =
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-1.amazonaws.com/id/6895F1604286AE3EB02EFD39CAC4E288";

    static Template one;
    static Template two;
    static Template three;
    static Template mixed;
    static Map<String, IOidcProvider> mixedProviders;

    @BeforeAll
    static void synthesize() {
        one = TestApps.construct(TestApps.props(cluster("backup", ISSUER_A)));
        two = TestApps.construct(TestApps.props(cluster("backup", ISSUER_A), cluster("restore", ISSUER_B)));
        three = TestApps.construct(VeleroBackupProps.builder().clusters(List.of(
                cluster("backup", ISSUER_A),
                EksCluster.builder().name("restore").oidcIssuer(ISSUER_B + "/").namespace("rafay-system")
                        .serviceAccount("velero-rafay").build(),
                EksCluster.builder().name("dr").oidcIssuer(ISSUER_C.substring("https://".length())).build())).build());
        mixed = TestApps.construct(stack -> {
            VeleroBackup backup = new VeleroBackup(stack, "Velero", TestApps.props(
                    cluster("backup", ISSUER_A),
                    EksCluster.builder().name("restore").oidcIssuer(ISSUER_B).oidcProviderArn(IMPORTED_B).build()));
            mixedProviders = backup.getOidcProviders();
        });
    }

    /**
     * A trust statement as the guide writes it, with the account as a pseudo parameter, and a Sid
     * that names its cluster for the reviewer.
     */
    private static String statement(String sid, String issuerUrl, String subject) {
        String issuer = issuerUrl.substring("https://".length());
        return statement(sid, "{'Fn::Join':['',['arn:',{'Ref':'AWS::Partition'},':iam::',{'Ref':'AWS::AccountId'},"
                + "':oidc-provider/" + issuer + "']]}", issuer, subject);
    }

    private static String statement(String sid, String federated, String issuer, String subject) {
        return "{'Sid':'" + sid + "','Effect':'Allow','Action':'sts:AssumeRoleWithWebIdentity','Principal':{'Federated':"
                + federated + "},'Condition':{'StringEquals':{'" + issuer + ":sub':'" + subject + "','" + issuer
                + ":aud':'sts.amazonaws.com'}}}";
    }

    private static JsonNode trust(Template t) {
        return only(t, "AWS::IAM::Role").at("/Properties/AssumeRolePolicyDocument");
    }

    private static JsonNode document(String... statements) {
        return parse("{'Version':'2012-10-17','Statement':[" + String.join(",", statements) + "]}");
    }

    @Test
    void oneClusterOneStatement() {
        assertThat(trust(one)).isEqualTo(document(statement("IrsaBackup", ISSUER_A, "system:serviceaccount:velero:velero")));
    }

    @Test
    void twoClustersTwoStatementsNeverMerged() {
        assertThat(trust(two)).isEqualTo(document(
                statement("IrsaBackup", ISSUER_A, "system:serviceaccount:velero:velero"),
                statement("IrsaRestore", ISSUER_B, "system:serviceaccount:velero:velero")));
    }

    @Test
    void threeClustersEachWithItsOwnServiceAccountAndNormalizedIssuer() {
        // In the clusters' name order (backup, dr, restore), whatever the list's order.
        assertThat(trust(three)).isEqualTo(document(
                statement("IrsaBackup", ISSUER_A, "system:serviceaccount:velero:velero"),
                statement("IrsaDr", ISSUER_C, "system:serviceaccount:velero:velero"),
                statement("IrsaRestore", ISSUER_B, "system:serviceaccount:rafay-system:velero-rafay")));
    }

    @Test
    void importedProviderArnIsTheFederatedPrincipalVerbatim() {
        String issuerB = ISSUER_B.substring("https://".length());
        assertThat(trust(mixed).at("/Statement/1")).isEqualTo(parse(
                statement("IrsaRestore", "'" + IMPORTED_B + "'", issuerB, "system:serviceaccount:velero:velero")));
    }

    @Test
    void oneNativeProviderPerClusterWithStsAudienceAndNoThumbprint() {
        three.resourceCountIs("AWS::IAM::OIDCProvider", 3);
        List<JsonNode> props = new ArrayList<>();
        three.findResources("AWS::IAM::OIDCProvider").values()
                .forEach(r -> props.add(TestApps.JSON.valueToTree(r.get("Properties"))));
        assertThat(props).containsExactlyInAnyOrder(
                parse("{'Url':'" + ISSUER_A + "','ClientIdList':['sts.amazonaws.com']}"),
                parse("{'Url':'" + ISSUER_B + "','ClientIdList':['sts.amazonaws.com']}"),
                parse("{'Url':'" + ISSUER_C + "','ClientIdList':['sts.amazonaws.com']}"));
    }

    @Test
    void importedProviderCreatesNothing() {
        mixed.resourceCountIs("AWS::IAM::OIDCProvider", 1);
        assertThat(only(mixed, "AWS::IAM::OIDCProvider").at("/Properties/Url").asText()).isEqualTo(ISSUER_A);
    }

    @Test
    void providersAreKeyedByClusterNameInListOrder() {
        assertThat(mixedProviders).containsOnlyKeys("backup", "restore");
        assertThat(List.copyOf(mixedProviders.keySet())).containsExactly("backup", "restore");
        assertThat(mixedProviders.get("restore").getOidcProviderArn()).isEqualTo(IMPORTED_B);
    }

    @Test
    void roleWaitsForTheProvidersItCreatesOnly() {
        String created = TestApps.onlyLogicalId(mixed, "AWS::IAM::OIDCProvider");
        assertThat(only(mixed, "AWS::IAM::Role").get("DependsOn")).isEqualTo(parse("['" + created + "']"));
        assertThat(only(three, "AWS::IAM::Role").get("DependsOn"))
                .hasSize(3)
                .allSatisfy(id -> assertThat(three.findResources("AWS::IAM::OIDCProvider")).containsKey(id.asText()));
    }

    @Test
    void noAsset() {
        // No custom resource for literal clusters: SameAppClusterTest, beside the clusters that need one.
        for (Template t : List.of(one, two, three, mixed)) {
            assertThat(TestApps.json(t).toString()).doesNotContain("AssetParameters").doesNotContain("cdk-assets");
        }
    }

    @Test
    void failsForAProviderOfAnotherAccountOnceTheStacksAccountIsKnown() {
        EksCluster foreign = EksCluster.builder().name("backup").oidcIssuer(ISSUER_A)
                .oidcProviderArn("arn:aws:iam::444455556666:oidc-provider/" + ISSUER_A.substring("https://".length()))
                .build();
        software.amazon.awscdk.Stack pinned = new software.amazon.awscdk.Stack(TestApps.app(Map.of(), null), "Pinned",
                software.amazon.awscdk.StackProps.builder().env(software.amazon.awscdk.Environment.builder()
                        .account("111122223333").region("us-west-1").build()).build());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new VeleroBackup(pinned, "Velero",
                        TestApps.props(cluster("a", ISSUER_B), foreign)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getField()).isEqualTo("clusters[1].oidcProviderArn");
                    assertThat(e.getProblem()).contains("is a provider of account 444455556666, not of the stack's"
                            + " account 111122223333");
                });
        // Without a known account the ARN is taken as given (the README says where it must be).
        TestApps.construct(TestApps.props(foreign));
    }
}
