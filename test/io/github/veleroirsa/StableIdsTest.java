package io.github.veleroirsa;

import static io.github.veleroirsa.TestApps.ISSUER_A;
import static io.github.veleroirsa.TestApps.ISSUER_B;
import static io.github.veleroirsa.TestApps.ISSUER_C;
import static io.github.veleroirsa.TestApps.cluster;
import static io.github.veleroirsa.TestApps.onlyLogicalId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** Construct IDs come from cluster names: the list's order and length move no logical ID. */
class StableIdsTest {
    static final EksCluster A = cluster("alpha", ISSUER_A);
    static final EksCluster B = cluster("bravo", ISSUER_B);
    static final EksCluster C = cluster("charlie", ISSUER_C);

    /** Keyed by the cluster list, in the order the issue names them: [A,B], [B,A], [A,B,C], [B]. */
    static final Map<String, Template> TEMPLATES = new LinkedHashMap<>();

    @BeforeAll
    static void synthesize() {
        Map<String, List<EksCluster>> lists = new LinkedHashMap<>();
        lists.put("[A,B]", List.of(A, B));
        lists.put("[B,A]", List.of(B, A));
        lists.put("[A,B,C]", List.of(A, B, C));
        lists.put("[B]", List.of(B));
        lists.forEach((name, clusters) -> TEMPLATES.put(name, TestApps.construct(VeleroBackupProps.builder()
                .clusters(clusters).encryption(BackupEncryption.KMS).build())));
    }

    private static Map<String, String> ids(String type) {
        Map<String, String> ids = new LinkedHashMap<>();
        TEMPLATES.forEach((name, t) -> ids.put(name, onlyLogicalId(t, type)));
        return ids;
    }

    /** The logical ID of the provider whose URL is {@code issuer}, per template that has one. */
    private static Map<String, String> providerIds(String issuer) {
        Map<String, String> ids = new LinkedHashMap<>();
        TEMPLATES.forEach((name, t) -> t.findResources("AWS::IAM::OIDCProvider").forEach((id, r) -> {
            if (TestApps.JSON.valueToTree(r).at("/Properties/Url").asText().equals(issuer)) {
                ids.put(name, id);
            }
        }));
        return ids;
    }

    @Test
    void sharedResourcesKeepTheirLogicalIds() {
        for (String type : List.of("AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::KMS::Key", "AWS::IAM::Role")) {
            assertThat(ids(type).values()).as(type).hasSize(4).containsOnly(ids(type).get("[A,B]"));
        }
        // The shared policy and the snapshot policy, under the same IDs whatever the list.
        List<java.util.Set<String>> policies = TEMPLATES.values().stream()
                .map(t -> t.findResources("AWS::IAM::ManagedPolicy").keySet()).toList();
        assertThat(policies).allSatisfy(ids -> assertThat(ids).hasSize(2).isEqualTo(policies.get(0)));
    }

    @Test
    void eachClustersProviderKeepsItsLogicalId() {
        assertThat(providerIds(ISSUER_A)).containsOnlyKeys("[A,B]", "[B,A]", "[A,B,C]");
        assertThat(providerIds(ISSUER_A).values()).containsOnly(providerIds(ISSUER_A).get("[A,B]"));
        assertThat(providerIds(ISSUER_B)).hasSize(4);
        assertThat(providerIds(ISSUER_B).values()).containsOnly(providerIds(ISSUER_B).get("[A,B]"));
    }

    @Test
    void providerLogicalIdsNameTheCluster() {
        assertThat(providerIds(ISSUER_B).get("[B]")).startsWith("VeleroOidcProvidersbravo");
    }
}
