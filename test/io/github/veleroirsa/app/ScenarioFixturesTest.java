package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.veleroirsa.Intrinsics;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trust relationships the manual guide has people paste, per scenario, against what the app
 * synthesizes from the same clusters.
 */
class ScenarioFixturesTest {
    static JsonNode scenarioOne;
    static JsonNode scenarioTwo;

    @BeforeAll
    static void synthesize() {
        JsonNode config = TestApps.cdkJson().at("/context/velero");
        ObjectNode first = config.deepCopy();
        ((ArrayNode) first.get("clusters")).remove(1);
        scenarioOne = trust(first);
        scenarioTwo = trust(config);
    }

    private static JsonNode trust(JsonNode config) {
        AppRun run = AppRun.of(Map.of("velero", TestApps.JSON.convertValue(config, Object.class)), null, null);
        assertThat(run.status()).isZero();
        // The guide pastes every cluster's statement into one role; the seed gives each cluster a role
        // of its own: their statements, roles in name order, against the guide's.
        ObjectNode trust = TestApps.JSON.createObjectNode();
        ArrayNode statements = trust.putArray("Statement");
        new java.util.TreeMap<>(run.cdkTemplate("VeleroBackup").findResources("AWS::IAM::Role")).values().forEach(r ->
                TestApps.JSON.valueToTree(r).at("/Properties/AssumeRolePolicyDocument/Statement").forEach(statements::add));
        return trust;
    }

    private static JsonNode fixture(String name) throws IOException {
        try (InputStream in = ScenarioFixturesTest.class.getResourceAsStream("/fixtures/" + name)) {
            return TestApps.JSON.readTree(in);
        }
    }

    /** A Fn::Join written out as text, with the guide's partition and the account as ${AWS::AccountId}. */
    private static String render(JsonNode value) {
        return Intrinsics.resolve(value, Map.of("AWS::Partition", "aws", "AWS::AccountId", "${AWS::AccountId}")::get);
    }

    private static void assertMatches(JsonNode synthesized, JsonNode guide) {
        assertThat(synthesized.get("Statement")).hasSameSizeAs(guide.get("Statement"));
        for (int i = 0; i < guide.get("Statement").size(); i++) {
            JsonNode want = guide.get("Statement").get(i);
            JsonNode got = synthesized.get("Statement").get(i);
            assertThat(got.get("Effect")).isEqualTo(want.get("Effect"));
            assertThat(got.get("Action")).isEqualTo(want.get("Action"));
            assertThat(render(got.at("/Principal/Federated"))).isEqualTo(want.at("/Principal/Federated").asText());
            JsonNode wantEquals = want.at("/Condition/StringEquals");
            String subKey = wantEquals.fieldNames().next();
            String issuer = subKey.substring(0, subKey.length() - ":sub".length());
            JsonNode gotEquals = got.at("/Condition/StringEquals");
            assertThat(gotEquals.get(subKey)).isEqualTo(wantEquals.get(subKey));
            assertThat(gotEquals.get(issuer + ":aud").asText()).isEqualTo("sts.amazonaws.com");
            assertThat(gotEquals.size()).isEqualTo(2);
            assertThat(got.get("Condition").size()).isEqualTo(1);
        }
    }

    @Test
    void scenarioOneOneClusterBacksUpAndRestoresInPlace() throws IOException {
        assertMatches(scenarioOne, fixture("scenario-1-trust.json"));
    }

    @Test
    void scenarioTwoBackupOnOneClusterRestoreOnAnother() throws IOException {
        assertMatches(scenarioTwo, fixture("scenario-2-trust.json"));
    }
}
