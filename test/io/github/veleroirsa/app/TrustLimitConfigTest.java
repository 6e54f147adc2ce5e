package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.veleroirsa.TestApps;
import io.github.veleroirsa.TrustPolicySizeTest;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Template;

/**
 * The matrix's largest configurations sit exactly at the trust-policy limit: as written they
 * synthesize, and one more cluster of the same kind stops the app with the size message.
 */
class TrustLimitConfigTest {

    @ParameterizedTest(name = "most-clusters-{0}.json")
    @ValueSource(ints = {2048, 4096})
    void theLargestConfigFitsAndOneMoreClusterDoesNot(int limit) throws Exception {
        ObjectNode config = (ObjectNode) TestApps.JSON.readTree(
                ConfigMatrix.FOLDER.resolve("most-clusters-" + limit + ".json").toFile());
        int n = config.get("clusters").size();
        assertThat(config.path("maxTrustPolicyLength").asInt(2048)).isEqualTo(limit);

        AppRun fits = AppRun.of(config.toString(), null, null);
        assertThat(fits.err()).isEmpty();
        assertThat(TrustPolicySizeTest.oracleSize(fits.cdkTemplate("VeleroBackup"))).isLessThanOrEqualTo(limit);

        // One more cluster, its issuer the next in the same series.
        ((ArrayNode) config.get("clusters")).add(TestApps.JSON.createObjectNode().put("name", "one-more")
                .put("oidcIssuer", config.at("/clusters/" + (n - 1) + "/oidcIssuer").asText()
                        .replaceAll(".$", "F")));
        AppRun over = AppRun.of(config.toString(), null, null);
        assertThat(over.status()).isEqualTo(1);
        assertThat(over.err()).contains("clusters: the role's trust policy would be ")
                .contains("over the limit of " + limit)
                .contains("the first " + n + " of these " + (n + 1) + " clusters fit");
        assertThat(over.files()).noneMatch(f -> f.endsWith(".template.json"));

        // Measured here, with the limit out of the way, the longer list is indeed over.
        config.put("maxTrustPolicyLength", 8192);
        VeleroConfig roomy = ConfigLoader.bind(config);
        Template template = Template.fromStack(ConfigMatrix.stack(ConfigMatrix.app(), roomy));
        assertThat(TrustPolicySizeTest.oracleSize(template)).isGreaterThan(limit);
    }
}
