package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.veleroirsa.Intrinsics;
import io.github.veleroirsa.TestApps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wiring outputs at the largest cluster lists a stack accepts, against CloudFormation's
 * limits: at most 200 outputs, and every output value within 4,096 bytes with the bucket name,
 * role ARN and regions at their longest.
 */
class WiringLimitsTest {
    static final List<String> REGIONS = List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1",
            "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
            "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-northeast-1",
            "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ca-central-1", "sa-east-1",
            "me-central-1", "af-south-1");

    /**
     * Pod Identity without pinning, at the bucket's root: one trust statement and one policy for any
     * number of clusters, so the outputs are the limit (with a prefix each, one role's policy could
     * not name 450 prefixes: BucketAccess's limit, which VeleroBackupPropsTest checks).
     */
    static String podIdentityFleet(int clusters, boolean ownNamespaces) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < clusters; i++) {
            entries.add("{\"name\":\"cluster-with-a-longer-name-" + i + "\",\"clusterName\":\"eks-" + i + "\",\"region\":\""
                    + REGIONS.get(i % REGIONS.size()) + "\"" + (ownNamespaces ? ",\"namespace\":\"velero-" + i + "-"
                    + "n".repeat(50) + "\",\"serviceAccount\":\"" + "s".repeat(250) + "\"" : "")
                    + "}");
        }
        return "{\"identity\":\"POD_IDENTITY\",\"podIdentityPinning\":false,\"isolation\":\"SHARED\","
                + "\"rolePath\":\"/platform/backup/\","
                + "\"clusters\":[" + String.join(",", entries) + "]}";
    }

    @Test
    void fourHundredAndFiftyClustersFitInTheOutputsAndEachFindsItsOwnWiring() {
        AppRun run = AppRun.of(podIdentityFleet(450, false), null, null);
        assertThat(run.err()).isEmpty();
        JsonNode t = run.template("VeleroBackup");
        assertThat(t.get("Outputs").size()).isLessThanOrEqualTo(200);
        // Clusters that differ only by name share their wiring, one object per region here, packed
        // into fewer outputs still.
        assertThat(t.get("Outputs").fieldNames()).toIterable().filteredOn(n -> n.startsWith("Wiring"))
                .hasSizeBetween(2, REGIONS.size() - 1);
        Map<String, JsonNode> wiring = WiringOutputs.byCluster(t);
        assertThat(wiring).hasSize(450);
        for (int i = 0; i < 450; i++) {
            JsonNode w = wiring.get("cluster-with-a-longer-name-" + i);
            assertThat(w.at("/helmValues/configuration/volumeSnapshotLocation/0/config/region").asText())
                    .isEqualTo(REGIONS.get(i % REGIONS.size()));
        }
        // Every value within 4,096 bytes with the deploy-time values at their longest.
        String longBucket = "b".repeat(63);
        String longRole = "arn:aws-us-gov:iam::111122223333:role/platform/backup/" + "r".repeat(64);
        for (Iterator<Map.Entry<String, JsonNode>> it = t.get("Outputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = Intrinsics.resolve(e.getValue().get("Value"), key -> switch (key) {
                case "AWS::Region" -> "ap-southeast-4";
                case "AWS::Partition" -> "aws-us-gov";
                case "AWS::AccountId" -> "111122223333";
                default -> key.endsWith(".Arn") ? longRole : longBucket;
            });
            assertThat(value.getBytes(StandardCharsets.UTF_8).length).as(e.getKey()).isLessThanOrEqualTo(4096);
        }
    }

    @Test
    void failsWithTheCountAndTheLimitWhenTheClustersNeedMoreOutputs() {
        // Each cluster's wiring, with a namespace and a service account of its own near their longest,
        // takes an output of its own.
        AppRun run = AppRun.of(podIdentityFleet(250, true), null, null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters: 250 clusters"
                + " need 250 wiring outputs").contains("limit of 200 outputs per template");
        assertThat(run.files()).noneMatch(f -> f.endsWith(".template.json"));
    }

    @Test
    void theLongestRolePathFitsAndOnlyValuesLongerStillFailNamingTheCluster() {
        String longestPath = "/" + "p".repeat(510) + "/";
        AppRun fits = AppRun.of("{\"rolePath\":\"" + longestPath + "\",\"namespace\":\"rafay-system\","
                + "\"serviceAccount\":\"velero-rafay\",\"clusters\":[{\"name\":\"a\",\"oidcIssuer\":\""
                + TestApps.ISSUER_A + "\"}]}", null, null);
        assertThat(fits.err()).isEmpty();
        assertThat(WiringOutputs.byCluster(fits.template("VeleroBackup"))).containsKey("a");

        String account = String.join(".", List.of("s".repeat(63), "s".repeat(63), "s".repeat(63), "s".repeat(61)));
        AppRun tooLong = AppRun.of("{\"rolePath\":\"" + longestPath + "\",\"namespace\":\"" + "n".repeat(63)
                + "\",\"serviceAccount\":\"" + account + "\",\"clusters\":[{\"name\":\"a\",\"oidcIssuer\":\""
                + TestApps.ISSUER_A + "\"}]}", null, null);
        assertThat(tooLong.status()).isEqualTo(1);
        assertThat(tooLong.err()).contains("clusters: the wiring of cluster \"a\" would take")
                .contains("over 4096 (expected shorter values among rolePath");
    }
}
