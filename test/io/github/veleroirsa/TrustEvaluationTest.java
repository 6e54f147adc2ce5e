package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.veleroirsa.TrustEvaluator.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Template;

/**
 * Who may assume the role, answered from the synthesized trust policy by {@link TrustEvaluator}
 * for 1, 2 and 3 clusters: every listed (cluster, service account) and nothing else.
 */
class TrustEvaluationTest {
    static final String ACCOUNT = "111122223333";
    static final String PARTITION = "aws";

    /** Three clusters, each with its own namespace and service account. */
    static final List<EksCluster> CLUSTERS = List.of(
            EksCluster.builder().name("alpha").oidcIssuer(TestApps.ISSUER_A).build(),
            EksCluster.builder().name("bravo").oidcIssuer(TestApps.ISSUER_B)
                    .namespace("rafay-system").serviceAccount("velero-rafay").build(),
            EksCluster.builder().name("charlie").oidcIssuer(TestApps.ISSUER_C)
                    .namespace("backups").serviceAccount("velero-server").build());
    /** A cluster in the same account that is not listed. */
    static final String UNLISTED_ISSUER = "oidc.eks.us-west-1.amazonaws.com/id/FFFFF1604286AE3EB02EFD39CAC4E288";

    static final List<TrustEvaluator> EVALUATORS = new ArrayList<>();

    @BeforeAll
    static void synthesize() {
        for (int n = 1; n <= CLUSTERS.size(); n++) {
            Template template = TestApps.construct(VeleroBackupProps.builder()
                    .clusters(CLUSTERS.subList(0, n)).build());
            EVALUATORS.add(new TrustEvaluator(TestApps.json(template),
                    TestApps.onlyLogicalId(template, "AWS::IAM::Role"), ACCOUNT, PARTITION));
        }
    }

    static String providerArn(String issuer) {
        return "arn:" + PARTITION + ":iam::" + ACCOUNT + ":oidc-provider/" + issuer;
    }

    static Request token(EksCluster cluster, String sub) {
        return TrustEvaluator.webIdentity(providerArn(cluster.getOidcIssuer()), sub, VeleroPermissions.STS_AUDIENCE);
    }

    /** (number of clusters in the role, index of a listed cluster). */
    static Stream<Arguments> listed() {
        return IntStream.rangeClosed(1, CLUSTERS.size())
                .boxed()
                .flatMap(n -> IntStream.range(0, n).mapToObj(i -> Arguments.of(n, i)));
    }

    @ParameterizedTest(name = "{0} cluster(s): cluster {1}''s Velero may assume the role")
    @MethodSource("listed")
    void everyListedServiceAccountIsAllowed(int n, int i) {
        EksCluster c = CLUSTERS.get(i);
        assertThat(EVALUATORS.get(n - 1).allows(token(c, c.getSubject()))).isTrue();
    }

    @ParameterizedTest(name = "{0} cluster(s): cluster {1}, another service account in its namespace")
    @MethodSource("listed")
    void aWrongServiceAccountIsDenied(int n, int i) {
        EksCluster c = CLUSTERS.get(i);
        String sub = "system:serviceaccount:" + c.getNamespace() + ":default";
        assertThat(EVALUATORS.get(n - 1).allows(token(c, sub))).isFalse();
    }

    @ParameterizedTest(name = "{0} cluster(s): cluster {1}, its service account name in another namespace")
    @MethodSource("listed")
    void aWrongNamespaceIsDenied(int n, int i) {
        EksCluster c = CLUSTERS.get(i);
        String sub = "system:serviceaccount:attacker:" + c.getServiceAccount();
        assertThat(EVALUATORS.get(n - 1).allows(token(c, sub))).isFalse();
    }

    @ParameterizedTest(name = "{0} cluster(s): cluster {1}, a token for another audience")
    @MethodSource("listed")
    void aWrongAudienceIsDenied(int n, int i) {
        EksCluster c = CLUSTERS.get(i);
        Request request = TrustEvaluator.webIdentity(providerArn(c.getOidcIssuer()), c.getSubject(),
                "https://kubernetes.default.svc");
        assertThat(EVALUATORS.get(n - 1).allows(request)).isFalse();
    }

    @ParameterizedTest(name = "{0} cluster(s): a cluster that is not listed")
    @MethodSource("listed")
    void anUnlistedClusterIsDenied(int n, int i) {
        // The unlisted cluster's Velero, under every listed cluster's namespace and service account.
        Request request = TrustEvaluator.webIdentity(providerArn(UNLISTED_ISSUER), CLUSTERS.get(i).getSubject(),
                VeleroPermissions.STS_AUDIENCE);
        assertThat(EVALUATORS.get(n - 1).allows(request)).isFalse();
    }

    @ParameterizedTest(name = "{0} cluster(s): a cluster outside the list, among those built here")
    @MethodSource("listed")
    void aClusterBuiltButNotListedIsDenied(int n, int i) {
        for (int other = n; other < CLUSTERS.size(); other++) {
            EksCluster c = CLUSTERS.get(other);
            assertThat(EVALUATORS.get(n - 1).allows(token(c, c.getSubject()))).as(c.getName()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0} cluster(s): cluster {1}''s token carrying another cluster''s service account")
    @MethodSource("listed")
    void oneClustersTokenWithAnotherClustersServiceAccountIsDenied(int n, int i) {
        EksCluster c = CLUSTERS.get(i);
        for (EksCluster other : CLUSTERS) {
            if (other != c) {
                assertThat(EVALUATORS.get(n - 1).allows(token(c, other.getSubject())))
                        .as("%s's token with %s's subject", c.getName(), other.getName()).isFalse();
            }
        }
    }

    @Test
    void anotherAccountsProviderForTheSameIssuerIsDenied() {
        EksCluster c = CLUSTERS.get(0);
        Request request = TrustEvaluator.webIdentity("arn:aws:iam::444455556666:oidc-provider/" + c.getOidcIssuer(),
                c.getSubject(), VeleroPermissions.STS_AUDIENCE);
        assertThat(EVALUATORS.get(0).allows(request)).isFalse();
    }

    @Test
    void aSubjectWithATrailingOrWildcardSuffixIsDenied() {
        // StringEquals is exact: neither a longer name nor a glob gets through.
        EksCluster c = CLUSTERS.get(0);
        assertThat(EVALUATORS.get(0).allows(token(c, c.getSubject() + "-2"))).isFalse();
        assertThat(EVALUATORS.get(0).allows(token(c, "system:serviceaccount:" + c.getNamespace() + ":*"))).isFalse();
    }
}
