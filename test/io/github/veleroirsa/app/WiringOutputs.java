package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.veleroirsa.Intrinsics;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wiring outputs of a synthesized template, read as a person reads them after a deploy:
 * every {@code Wiring*} output's value resolved with sample values and parsed, by cluster name.
 */
final class WiringOutputs {
    static final String BUCKET = "velero-backups-sample";
    /** The name CloudFormation gives a role without a RoleName, in these samples. */
    static final String ROLE_NAME = "VeleroBackup-Role-SAMPLE";
    static final String REGION = Intrinsics.SAMPLE.get("AWS::Region");

    private WiringOutputs() {}

    /** The sample value of every intrinsic an output can hold: the bucket's name, the role's ARN, pseudo parameters. */
    static String sample(JsonNode template, String key) {
        if (Intrinsics.SAMPLE.containsKey(key)) {
            return Intrinsics.SAMPLE.get(key);
        }
        String logicalId = key.endsWith(".Arn") ? key.substring(0, key.length() - 4) : key;
        JsonNode resource = template.at("/Resources/" + logicalId);
        String type = resource.path("Type").asText();
        // A role's name and ARN as IAM gives them: its RoleName (else a generated one) under its Path.
        String roleName = resource.at("/Properties/RoleName").asText(ROLE_NAME);
        return switch (type + (key.endsWith(".Arn") ? ".Arn" : "")) {
            // A named bucket's Ref is its name, as CloudFormation gives it.
            case "AWS::S3::Bucket" -> resource.at("/Properties/BucketName").asText(BUCKET);
            case "AWS::IAM::Role" -> roleName;
            case "AWS::IAM::Role.Arn" -> "arn:aws:iam::111122223333:role" + resource.at("/Properties/Path").asText("/")
                    + roleName;
            default -> throw new AssertionError("no sample value for " + key + " (" + type + ")");
        };
    }

    /** Each cluster's wiring object, by cluster name; fails if a cluster is in two outputs. */
    static Map<String, JsonNode> byCluster(JsonNode template) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = template.get("Outputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().startsWith("Wiring")) {
                continue;
            }
            String text = Intrinsics.resolve(e.getValue().get("Value"), key -> sample(template, key));
            JsonNode wirings;
            try {
                wirings = TestApps.JSON.readTree(text);
            } catch (IOException ex) {
                throw new UncheckedIOException("output " + e.getKey() + " is not JSON: " + text, ex);
            }
            assertThat(wirings.isArray()).as("output %s is a list of wirings", e.getKey()).isTrue();
            assertThat(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).as("output %s", e.getKey())
                    .isLessThanOrEqualTo(4096);
            for (JsonNode wiring : wirings) {
            for (JsonNode cluster : wiring.get("clusters")) {
                assertThat(out.put(cluster.asText(), wiring)).as("cluster %s in two outputs", cluster).isNull();
                // Each cluster is named in the description, or counted where CloudFormation's 1,024 bytes end.
                String description = e.getValue().get("Description").asText();
                assertThat(description.contains("[" + cluster.asText() + "]") || description.endsWith(" more (the value's clusters)"))
                        .as("%s in the description %s", cluster, description).isTrue();
                assertThat(description.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
            }
            }
        }
        return out;
    }
}
