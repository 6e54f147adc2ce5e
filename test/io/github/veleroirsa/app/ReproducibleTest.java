package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.veleroirsa.TestApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same configuration gives the same template, byte for byte: in two separate JVMs (whose
 * hash seeds differ) and with its clusters listed in another order. A template that moves by
 * itself would show a change in every {@code cdk diff} and update the stack on every deploy.
 */
class ReproducibleTest {
    /** Three clusters, two identities, differing namespaces and regions: every per-cluster map in play. */
    static final String CONFIG = "{\"identity\":\"BOTH\",\"maxTrustPolicyLength\":4096,\"fileSystemBackups\":true,"
            + "\"tags\":{\"team\":\"platform\",\"cost-center\":\"4711\",\"app\":\"velero\"},\"clusters\":["
            + "{\"name\":\"restore\",\"clusterName\":\"dr\",\"oidcIssuer\":\"" + TestApps.ISSUER_B + "\"},"
            + "{\"name\":\"backup\",\"clusterName\":\"prod\",\"oidcIssuer\":\"" + TestApps.ISSUER_A + "\","
            + "\"serviceAccounts\":[{\"name\":\"velero\"},{\"namespace\":\"ops\",\"name\":\"datamover\"}]},"
            + "{\"name\":\"eu\",\"clusterName\":\"eu\",\"oidcIssuer\":\"" + TestApps.ISSUER_C + "\",\"namespace\":\"backup\"}]}";

    @Test
    void twoJvmsWriteTheSameBytes(@TempDir Path dir) throws Exception {
        byte[] first = synthInOwnJvm(CONFIG, dir.resolve("one"));
        byte[] second = synthInOwnJvm(CONFIG, dir.resolve("two"));
        assertThat(new String(second)).isEqualTo(new String(first));
    }

    @Test
    void theClustersInAnotherOrderGiveTheSameBytes() throws Exception {
        JsonNode config = TestApps.JSON.readTree(CONFIG);
        List<JsonNode> clusters = new ArrayList<>();
        config.get("clusters").forEach(clusters::add);
        Collections.reverse(clusters);
        ObjectNode reversed = config.deepCopy();
        ((ArrayNode) reversed.get("clusters")).removeAll().addAll(clusters);

        byte[] asListed = Files.readAllBytes(AppRun.of(CONFIG, null, null).outdir().resolve("VeleroBackup.template.json"));
        byte[] reordered = Files.readAllBytes(AppRun.of(reversed.toString(), null, null).outdir()
                .resolve("VeleroBackup.template.json"));
        assertThat(reversed.toString()).isNotEqualTo(CONFIG.replace(" ", ""));
        assertThat(new String(reordered)).isEqualTo(new String(asListed));
    }

    static byte[] synthInOwnJvm(String config, Path outdir) throws Exception {
        ProcessTest.Result r = ProcessTest.run(Map.of("velero", config), outdir);
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isZero();
        return Files.readAllBytes(outdir.resolve("VeleroBackup.template.json"));
    }
}
