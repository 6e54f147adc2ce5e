package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** Several service accounts per cluster: one IRSA statement per cluster, its sub a list. */
class ServiceAccountsTest {
    static final EksCluster TWO = EksCluster.builder().name("backup").oidcIssuer(TestApps.ISSUER_A)
            .serviceAccounts(List.of(new ServiceAccount("velero", "velero"), new ServiceAccount("velero", "datamover")))
            .build();

    @Test
    void oneStatementWhoseSubListsEveryServiceAccount() {
        Template t = TestApps.construct(TestApps.props(TWO, TestApps.cluster("restore", TestApps.ISSUER_B)));
        JsonNode statements = TestApps.only(t, "AWS::IAM::Role").at("/Properties/AssumeRolePolicyDocument/Statement");
        assertThat(statements).hasSize(2);
        String issuer = TWO.getOidcIssuer();
        assertThat(statements.get(0).at("/Condition/StringEquals").get(issuer + ":sub"))
                .isEqualTo(TestApps.parse("['system:serviceaccount:velero:velero','system:serviceaccount:velero:datamover']"));

        TrustEvaluator e = new TrustEvaluator(TestApps.json(t), TestApps.onlyLogicalId(t, "AWS::IAM::Role"),
                "111122223333", "aws");
        String provider = "arn:aws:iam::111122223333:oidc-provider/" + issuer;
        assertThat(e.allows(TrustEvaluator.webIdentity(provider, "system:serviceaccount:velero:velero", "sts.amazonaws.com"))).isTrue();
        assertThat(e.allows(TrustEvaluator.webIdentity(provider, "system:serviceaccount:velero:datamover", "sts.amazonaws.com"))).isTrue();
        assertThat(e.allows(TrustEvaluator.webIdentity(provider, "system:serviceaccount:velero:default", "sts.amazonaws.com"))).isFalse();
    }

    @Test
    void emptyOrRepeatedServiceAccountsAreRefused() {
        assertThatThrownBy(() -> EksCluster.builder().name("a").oidcIssuer(TestApps.ISSUER_A)
                .serviceAccounts(List.of()).build()).hasMessageContaining("\": serviceAccounts: [] is empty");
        assertThatThrownBy(() -> EksCluster.builder().name("a").oidcIssuer(TestApps.ISSUER_A)
                .serviceAccounts(List.of(new ServiceAccount("v", "v"), new ServiceAccount("v", "v"))).build())
                .hasMessageContaining("\": serviceAccounts[1]: \"v/v\" is listed twice");
        assertThatThrownBy(() -> new ServiceAccount("Velero", "v")).hasMessageStartingWith("namespace: \"Velero\"");
    }
}
