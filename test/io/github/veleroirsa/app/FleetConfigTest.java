package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet configurations of the matrix, as the app synthesizes them: 100 IRSA clusters with a
 * role each, and 200 Pod Identity clusters, in one stack within CloudFormation's limits.
 */
class FleetConfigTest {
    static JsonNode fleet;
    static JsonNode fleetConfig;
    static JsonNode podIdentity;

    @BeforeAll
    static void synthesize() throws IOException {
        fleetConfig = TestApps.JSON.readTree(ConfigMatrix.FOLDER.resolve("fleet-100.json").toFile());
        fleet = AppRun.of(fleetConfig.toString(), null, null).template("VeleroBackup");
        podIdentity = AppRun.of(Files.readString(ConfigMatrix.FOLDER.resolve("pod-identity-200.json")), null, null)
                .template("VeleroBackup");
    }

    static List<JsonNode> ofType(JsonNode template, String type) {
        List<JsonNode> out = new ArrayList<>();
        for (Iterator<JsonNode> it = template.get("Resources").elements(); it.hasNext(); ) {
            JsonNode r = it.next();
            if (r.get("Type").asText().equals(type)) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void aHundredClustersGetAHundredProvidersAndRolesEachTrustingItsOwnCluster() {
        assertThat(ofType(fleet, "AWS::IAM::OIDCProvider")).hasSize(100);
        assertThat(ofType(fleet, "AWS::S3::Bucket")).hasSize(1);
        List<JsonNode> roles = ofType(fleet, "AWS::IAM::Role");
        assertThat(roles).hasSize(100);
        // The policy every role shares and, as every cluster of the fleet backs up, the snapshot policy.
        List<JsonNode> policies = fleet.get("Resources").properties().stream()
                .filter(e -> e.getValue().get("Type").asText().equals("AWS::IAM::ManagedPolicy"))
                .map(e -> TestApps.parse("{'Ref':'" + e.getKey() + "'}")).toList();
        assertThat(policies).hasSize(2);
        List<String> trustedIssuers = new ArrayList<>();
        for (JsonNode role : roles) {
            JsonNode statements = role.at("/Properties/AssumeRolePolicyDocument/Statement");
            assertThat(statements).hasSize(1);
            String key = statements.get(0).at("/Condition/StringEquals").fieldNames().next();
            trustedIssuers.add(key.substring(0, key.length() - ":sub".length()));
            assertThat(role.at("/Properties/ManagedPolicyArns")).containsExactlyInAnyOrderElementsOf(policies);
        }
        List<String> issuers = new ArrayList<>();
        fleetConfig.get("clusters").forEach(c -> issuers.add(c.get("oidcIssuer").asText().substring("https://".length())));
        assertThat(trustedIssuers).containsExactlyInAnyOrderElementsOf(issuers);
    }

    @Test
    void everyClusterOfTheFleetFindsItsWiringWithItsOwnRole() {
        Map<String, JsonNode> wiring = WiringOutputs.byCluster(fleet);
        assertThat(wiring).hasSize(100);
        assertThat(fleet.get("Outputs").size()).isLessThanOrEqualTo(200);
        // Each output names its cluster's role: the role's logical ID carries the cluster's name.
        fleet.get("Outputs").properties().stream().filter(e -> e.getKey().startsWith("Wiring")).forEach(e -> {
            String text = e.getValue().get("Value").toString();
            String cluster = e.getValue().get("Description").asText().replaceAll(".*\\[(.+)\\]$", "$1");
            assertThat(text).contains("VeleroRoles" + cluster.replace("-", ""));
        });
    }

    @Test
    void twoHundredPodIdentityClustersFitTheStacksLimits() {
        assertThat(ofType(podIdentity, "AWS::IAM::Role")).hasSize(200);
        assertThat(ofType(podIdentity, "AWS::EKS::PodIdentityAssociation")).hasSize(200);
        assertThat(podIdentity.get("Resources").size()).isLessThanOrEqualTo(500);
        assertThat(podIdentity.get("Outputs").size()).isLessThanOrEqualTo(200);
        assertThat(WiringOutputs.byCluster(podIdentity)).hasSize(200);
        assertThat(podIdentity.toString().length()).isLessThan(1024 * 1024);
    }

    @Test
    void failsWithTheCountAndTheLimitBeyondFiveHundredResources() {
        // 250 Pod Identity clusters with a role each: 500 roles and associations, bucket, bucket policy,
        // the two policies and the CDK's metadata resource.
        StringBuilder clusters = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            clusters.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"clusterName\":\"c")
                    .append(i).append("\"}");
        }
        AppRun run = AppRun.of("{\"identity\":\"POD_IDENTITY\",\"roles\":\"PER_CLUSTER\",\"clusters\":[" + clusters
                + "]}", null, null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters: 250 clusters"
                + " make 505 resources, over CloudFormation's limit of 500 per stack").hasLineCount(1);
        assertThat(run.files()).noneMatch(f -> f.endsWith(".template.json"));
    }
}
