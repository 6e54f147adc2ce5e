package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.veleroirsa.TrustEvaluator.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** EKS Pod Identity: the trust, its pinning to clusters and service accounts, and the associations. */
class PodIdentityTest {
    static final EksCluster PROD = EksCluster.builder().name("backup").clusterName("prod-west")
            .oidcIssuer(TestApps.ISSUER_A)
            .serviceAccounts(List.of(new ServiceAccount("velero", "velero"),
                    new ServiceAccount("velero", "velero-datamover"), new ServiceAccount("backup2", "velero")))
            .build();
    static final EksCluster DR = EksCluster.builder().name("restore").clusterName("dr-west")
            .oidcIssuer(TestApps.ISSUER_B).build();

    static Template podIdentity;
    static Template both;
    static Template unpinned;

    @BeforeAll
    static void synthesize() {
        podIdentity = TestApps.construct(VeleroBackupProps.builder().clusters(List.of(PROD, DR))
                .identity(WorkloadIdentity.POD_IDENTITY).build());
        // Both trusts of two clusters, one of them with two namespaces: over IAM's default 2,048 characters.
        both = TestApps.construct(VeleroBackupProps.builder().clusters(List.of(PROD, DR))
                .identity(WorkloadIdentity.BOTH).maxTrustPolicyLength(4096).build());
        unpinned = TestApps.construct(VeleroBackupProps.builder()
                .clusters(List.of(EksCluster.builder().name("any").build()))
                .identity(WorkloadIdentity.POD_IDENTITY).podIdentityPinning(false).build());
    }

    static TrustEvaluator evaluator(Template t) {
        return new TrustEvaluator(TestApps.json(t), TestApps.onlyLogicalId(t, "AWS::IAM::Role"), "111122223333", "aws");
    }

    /** The ARN EKS puts in the eks-cluster-arn tag: both clusters are in us-west-1, the issuers' region. */
    static String arn(String cluster) {
        return arn("us-west-1", "111122223333", cluster);
    }

    static String arn(String region, String account, String cluster) {
        return "arn:aws:eks:" + region + ":" + account + ":cluster/" + cluster;
    }

    /** What EKS Pod Identity sends: AssumeRole (and TagSession) with its session tags. */
    static List<Request> podIdentity(String clusterArn, String namespace, String serviceAccount) {
        Map<String, String> tags = Map.of("aws:RequestTag/eks-cluster-arn", clusterArn,
                "aws:RequestTag/kubernetes-namespace", namespace,
                "aws:RequestTag/kubernetes-service-account", serviceAccount);
        return List.of(TrustEvaluator.service("pods.eks.amazonaws.com", "sts:AssumeRole", tags),
                TrustEvaluator.service("pods.eks.amazonaws.com", "sts:TagSession", tags));
    }

    static boolean allows(TrustEvaluator e, List<Request> requests) {
        return requests.stream().allMatch(e::allows);
    }

    @Test
    void podIdentityCreatesNoOidcProviderAndTrustsOnlyTheEksService() {
        podIdentity.resourceCountIs("AWS::IAM::OIDCProvider", 0);
        JsonNode statements = TestApps.only(podIdentity, "AWS::IAM::Role").at("/Properties/AssumeRolePolicyDocument/Statement");
        for (JsonNode s : statements) {
            assertThat(s.at("/Principal/Service").asText()).isEqualTo("pods.eks.amazonaws.com");
            assertThat(s.get("Action")).isEqualTo(TestApps.parse("['sts:AssumeRole','sts:TagSession']"));
        }
        // One statement per (cluster, namespace): prod has two namespaces, dr one.
        assertThat(statements).hasSize(3);
    }

    @Test
    void thePinnedTrustAdmitsEveryListedServiceAccountAndNothingElse() {
        TrustEvaluator e = evaluator(podIdentity);
        for (ServiceAccount sa : PROD.getServiceAccounts()) {
            assertThat(allows(e, podIdentity(arn("prod-west"), sa.namespace(), sa.name()))).as(sa.toString()).isTrue();
        }
        assertThat(allows(e, podIdentity(arn("dr-west"), "velero", "velero"))).isTrue();
        // Another cluster, another namespace, another service account, a crossed pair.
        assertThat(allows(e, podIdentity(arn("staging"), "velero", "velero"))).isFalse();
        assertThat(allows(e, podIdentity(arn("prod-west"), "default", "velero"))).isFalse();
        assertThat(allows(e, podIdentity(arn("prod-west"), "velero", "default"))).isFalse();
        assertThat(allows(e, podIdentity(arn("dr-west"), "velero", "velero-datamover"))).isFalse();
        assertThat(allows(e, podIdentity(arn("prod-west"), "backup2", "velero-datamover"))).isFalse();
        // A cluster of the same name in another region, or in another account.
        assertThat(allows(e, podIdentity(arn("us-east-1", "111122223333", "prod-west"), "velero", "velero"))).isFalse();
        assertThat(allows(e, podIdentity(arn("us-west-1", "444455556666", "prod-west"), "velero", "velero"))).isFalse();
        // Without session tags nothing is admitted, and no web identity either.
        assertThat(e.allows(TrustEvaluator.service("pods.eks.amazonaws.com", "sts:AssumeRole", Map.of()))).isFalse();
        assertThat(e.allows(TrustEvaluator.webIdentity("arn:aws:iam::111122223333:oidc-provider/"
                + PROD.getOidcIssuer(), PROD.getSubject(), "sts.amazonaws.com"))).isFalse();
    }

    @Test
    void anAssociationPerServiceAccountOfEveryNamedCluster() {
        var associations = podIdentity.findResources("AWS::EKS::PodIdentityAssociation");
        List<String> seen = new ArrayList<>();
        String role = TestApps.onlyLogicalId(podIdentity, "AWS::IAM::Role");
        associations.values().forEach(a -> {
            JsonNode p = TestApps.JSON.valueToTree(a).get("Properties");
            seen.add(p.get("ClusterName").asText() + "/" + p.get("Namespace").asText() + "/"
                    + p.get("ServiceAccount").asText());
            assertThat(p.get("RoleArn")).isEqualTo(TestApps.parse("{'Fn::GetAtt':['" + role + "','Arn']}"));
        });
        assertThat(seen).containsExactlyInAnyOrder("prod-west/velero/velero", "prod-west/velero/velero-datamover",
                "prod-west/backup2/velero", "dr-west/velero/velero");
    }

    @Test
    void bothKeepsIrsaForEveryClusterBesidePodIdentity() {
        both.resourceCountIs("AWS::IAM::OIDCProvider", 2);
        both.resourceCountIs("AWS::EKS::PodIdentityAssociation", 4);
        TrustEvaluator e = evaluator(both);
        for (String sub : PROD.getSubjects()) {
            assertThat(e.allows(TrustEvaluator.webIdentity("arn:aws:iam::111122223333:oidc-provider/"
                    + PROD.getOidcIssuer(), sub, "sts.amazonaws.com"))).as(sub).isTrue();
        }
        assertThat(allows(e, podIdentity(arn("prod-west"), "velero", "velero-datamover"))).isTrue();
        assertThat(allows(e, podIdentity(arn("prod-west"), "velero", "default"))).isFalse();
    }

    @Test
    void unpinnedTrustsEveryAssociationOfTheAccountAndCreatesNone() {
        unpinned.resourceCountIs("AWS::EKS::PodIdentityAssociation", 0);
        TrustEvaluator e = evaluator(unpinned);
        assertThat(allows(e, podIdentity(arn("whatever"), "any", "thing"))).isTrue();
    }

    @Test
    void pinningNeedsEveryClustersNameAndPodIdentityTakesNoProvider() {
        assertThatThrownBy(() -> VeleroBackupProps.builder().identity(WorkloadIdentity.POD_IDENTITY)
                .clusters(List.of(PROD, EksCluster.builder().name("nameless").build())).build())
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.getField()).isEqualTo("clusters[1].clusterName"));
        assertThatThrownBy(() -> VeleroBackupProps.builder().identity(WorkloadIdentity.POD_IDENTITY)
                .clusters(List.of(EksCluster.builder().name("a").clusterName("a").oidcIssuer(TestApps.ISSUER_A)
                        .oidcProviderArn("arn:aws:iam::111122223333:oidc-provider/"
                                + TestApps.ISSUER_A.substring("https://".length())).build())).build())
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.getField()).isEqualTo("clusters[0].oidcProviderArn"));
        assertThatThrownBy(() -> VeleroBackupProps.builder().identity(WorkloadIdentity.IRSA)
                .clusters(List.of(EksCluster.builder().name("a").clusterName("a").build())).build())
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.getField()).isEqualTo("clusters[0].oidcIssuer"));
    }

    @Test
    void unpinnedTrustIsAWarningAtSynthesis() {
        software.amazon.awscdk.Stack[] stack = new software.amazon.awscdk.Stack[1];
        TestApps.construct(st -> {
            stack[0] = st;
            new VeleroBackup(st, "Velero", VeleroBackupProps.builder()
                    .clusters(List.of(EksCluster.builder().name("any").build()))
                    .identity(WorkloadIdentity.POD_IDENTITY).podIdentityPinning(false).build());
        });
        software.amazon.awscdk.assertions.Annotations.fromStack(stack[0]).hasWarning("/Test/Velero",
                software.amazon.awscdk.assertions.Match.stringLikeRegexp(
                        "podIdentityPinning is false: every EKS Pod Identity association in the account.*"));
    }

    @Test
    void aClusterOutsideTheStacksRegionIsPinnedToItsOwnRegion() {
        Template t = TestApps.construct(VeleroBackupProps.builder().identity(WorkloadIdentity.POD_IDENTITY)
                .clusters(List.of(EksCluster.builder().name("eu").clusterName("prod").region("eu-central-1").build()))
                .build());
        TrustEvaluator e = evaluator(t);
        assertThat(allows(e, podIdentity(arn("eu-central-1", "111122223333", "prod"), "velero", "velero"))).isTrue();
        assertThat(allows(e, podIdentity(arn("us-west-2", "111122223333", "prod"), "velero", "velero"))).isFalse();
    }
}
