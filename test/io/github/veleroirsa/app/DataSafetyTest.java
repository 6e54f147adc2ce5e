package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Template;

/**
 * Backups are data: in every configuration of the matrix, nothing a stack update or delete does
 * can remove or replace the bucket or its key, and editing the cluster list moves no logical ID.
 */
class DataSafetyTest {
    static Stream<Path> configs() {
        return ConfigMatrix.files().stream();
    }

    /** Templates by configuration text: each configuration is synthesized once per run. */
    static final Map<String, JsonNode> TEMPLATES = new java.util.concurrent.ConcurrentHashMap<>();

    static JsonNode template(JsonNode config) {
        return TEMPLATES.computeIfAbsent(config.toString(), text -> TestApps.json(Template.fromStack(
                ConfigMatrix.stack(ConfigMatrix.app(), ConfigLoader.bind(config)))));
    }

    static JsonNode read(Path file) {
        try {
            return TestApps.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, JsonNode> resources(JsonNode template, String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        template.get("Resources").properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals(type)) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void bucketAndCreatedKeyAreRetainedOnDeleteAndOnReplacement(Path file) {
        JsonNode template = template(read(file));
        Map<String, JsonNode> kept = new LinkedHashMap<>(resources(template, "AWS::S3::Bucket"));
        kept.putAll(resources(template, "AWS::KMS::Key"));
        // The TLS-only policy stays with the bucket it guards, on deletion, replacement and a move to an existing bucket.
        kept.putAll(resources(template, "AWS::S3::BucketPolicy"));
        // Exactly the bucket of the configuration: one created, or none when it names an existing one.
        assertThat(resources(template, "AWS::S3::Bucket")).hasSize(read(file).has("existingBucketName") ? 0 : 1);
        kept.forEach((id, r) -> {
            assertThat(r.path("DeletionPolicy").asText()).as(id).isEqualTo("Retain");
            assertThat(r.path("UpdateReplacePolicy").asText()).as(id).isEqualTo("Retain");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void versioningIsOnAndNothingDeletesObjects(Path file) {
        JsonNode template = template(read(file));
        resources(template, "AWS::S3::Bucket").values().forEach(b ->
                assertThat(b.at("/Properties/VersioningConfiguration/Status").asText()).isEqualTo("Enabled"));
        List<String> types = new ArrayList<>();
        template.get("Resources").forEach(r -> types.add(r.path("Type").asText()));
        // autoDeleteObjects would add a custom resource and a Lambda that empty the bucket on delete.
        assertThat(types).noneMatch(t -> t.startsWith("Custom::") || t.startsWith("AWS::Lambda::")
                || t.equals("AWS::CloudFormation::CustomResource"));
        // Lifecycle rules only ever expire old versions, never current objects.
        resources(template, "AWS::S3::Bucket").values().forEach(b -> b.at("/Properties/LifecycleConfiguration/Rules")
                .forEach(rule -> assertThat(rule.has("ExpirationInDays") || rule.has("ExpirationDate")).isFalse()));
    }

    /** Edits to a configuration's cluster list that must move no logical ID. */
    static Stream<Arguments> edits() {
        Map<String, UnaryOperator<ObjectNode>> edits = new LinkedHashMap<>();
        edits.put("a cluster added", c -> {
            ((ArrayNode) c.get("clusters")).add(TestApps.JSON.createObjectNode().put("name", "added-later")
                    .put("clusterName", "added-later")
                    .put("oidcIssuer", "oidc.eks.eu-west-1.amazonaws.com/id/ADDED000000000000000000000000000"));
            c.put("maxTrustPolicyLength", 8192); // room for it in the largest configurations
            return c;
        });
        edits.put("the first cluster removed", c -> {
            ArrayNode clusters = (ArrayNode) c.get("clusters");
            if (clusters.size() > 1) {
                String removed = clusters.remove(0).get("name").asText();
                // As a user removes a cluster: from the sources of those that restore from it too.
                for (int i = clusters.size() - 1; i >= 0; i--) {
                    ObjectNode cluster = (ObjectNode) clusters.get(i);
                    if (cluster.get("restoresFrom") instanceof ArrayNode sources) {
                        for (int j = sources.size() - 1; j >= 0; j--) {
                            if (sources.get(j).asText().equals(removed)) {
                                sources.remove(j);
                            }
                        }
                        if (sources.isEmpty()) {
                            // With no source left, a restore-only cluster backs up instead.
                            cluster.remove("restoresFrom");
                            cluster.remove("restoreOnly");
                        }
                    }
                }
            }
            return c;
        });
        edits.put("the clusters reversed", c -> {
            ArrayNode clusters = (ArrayNode) c.get("clusters");
            List<JsonNode> reversed = new ArrayList<>();
            clusters.forEach(reversed::add);
            clusters.removeAll();
            for (int i = reversed.size() - 1; i >= 0; i--) {
                clusters.add(reversed.get(i));
            }
            return c;
        });
        edits.put("every namespace changed", c -> {
            c.put("namespace", "velero-moved");
            c.get("clusters").forEach(cluster -> {
                if (cluster.has("serviceAccounts")) {
                    cluster.get("serviceAccounts").forEach(sa -> ((ObjectNode) sa).put("namespace", "velero-moved"));
                } else {
                    ((ObjectNode) cluster).put("namespace", "velero-moved");
                }
            });
            return c;
        });
        return ConfigMatrix.files().stream().flatMap(file -> edits.entrySet().stream()
                .map(e -> Arguments.of(file.getFileName().toString(), e.getKey(), file, e.getValue())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("edits")
    void editingTheClusterListMovesNoLogicalId(String name, String edit, Path file, UnaryOperator<ObjectNode> change) {
        JsonNode beforeConfig = read(file);
        JsonNode afterConfig = change.apply((ObjectNode) read(file));
        JsonNode before = template(beforeConfig);
        JsonNode after = template(afterConfig);
        for (String type : List.of("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::S3::BucketPolicy",
                "AWS::IAM::ManagedPolicy")) {
            assertThat(resources(after, type).keySet()).as(type).isEqualTo(resources(before, type).keySet());
        }
        // Roles: the same, but for the role of its own (PER_CLUSTER) that a cluster brings or takes away.
        java.util.Set<String> gone = new java.util.TreeSet<>(resources(before, "AWS::IAM::Role").keySet());
        gone.removeAll(resources(after, "AWS::IAM::Role").keySet());
        java.util.Set<String> came = new java.util.TreeSet<>(resources(after, "AWS::IAM::Role").keySet());
        came.removeAll(resources(before, "AWS::IAM::Role").keySet());
        List<String> removed = names(beforeConfig).stream().filter(n -> !names(afterConfig).contains(n)).toList();
        List<String> added = names(afterConfig).stream().filter(n -> !names(beforeConfig).contains(n)).toList();
        gone.forEach(id -> assertThat(removed).as("the role %s went", id).anyMatch(n -> isRoleOf(id, n)));
        came.forEach(id -> assertThat(added).as("the role %s came", id).anyMatch(n -> isRoleOf(id, n)));
        // Every provider that is in both templates keeps its logical ID (matched by its issuer).
        Map<String, String> providersBefore = providers(before);
        providers(after).forEach((url, id) -> {
            if (providersBefore.containsKey(url)) {
                assertThat(id).as(url).isEqualTo(providersBefore.get(url));
            }
        });
        // And the bucket's properties, those a replacement would follow from, are the same.
        assertThat(resources(after, "AWS::S3::Bucket").values().stream().map(b -> b.get("Properties")).toList())
                .isEqualTo(resources(before, "AWS::S3::Bucket").values().stream().map(b -> b.get("Properties")).toList());
    }

    static List<String> names(JsonNode config) {
        List<String> out = new ArrayList<>();
        config.get("clusters").forEach(c -> out.add(c.get("name").asText()));
        return out;
    }

    /** Whether a logical ID is that of the role named after a cluster ({@code Velero/Roles/<name>}). */
    static boolean isRoleOf(String logicalId, String cluster) {
        return logicalId.matches("VeleroRoles" + java.util.regex.Pattern.quote(cluster.replaceAll("[-_]", ""))
                + "[0-9A-F]{8}");
    }

    static Map<String, String> providers(JsonNode template) {
        Map<String, String> byUrl = new LinkedHashMap<>();
        resources(template, "AWS::IAM::OIDCProvider").forEach((id, r) ->
                byUrl.put(r.at("/Properties/Url").asText(), id));
        return byUrl;
    }
}
