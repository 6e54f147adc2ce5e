package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random and malformed configurations, as {@code -c velero='...'} passes them: every one either
 * synthesizes, or stops with the project's one-line configuration error naming a field. No other
 * exception, no stack trace, no half-written output.
 */
class BadInputSweepTest {
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final Pattern ERROR = Pattern.compile(
            "velero-irsa: invalid configuration \\(context velero\\): (.+?): (.+)\\R", Pattern.DOTALL);
    static final AtomicInteger RUNS = new AtomicInteger();
    static final AtomicInteger SYNTHESIZED = new AtomicInteger();

    /** Every field the README documents, so that the sweep reaches each one. */
    static final List<String> TOP_FIELDS = ReadmeConfigTableTest.documented("");
    static final List<String> CLUSTER_FIELDS = ReadmeConfigTableTest.documented("clusters[].");

    @Property(tries = 400, seed = "20261128")
    void everyConfigSynthesizesOrNamesTheBadField(@ForAll("configs") JsonNode config) throws IOException {
        RUNS.incrementAndGet();
        AppRun run = AppRun.of(config.toString(), null, null);
        try {
            if (run.status() == 0) {
                SYNTHESIZED.incrementAndGet();
                Statistics.collect("synthesized");
                assertThat(run.err()).isEmpty();
                assertThat(run.files()).contains(ConfigLoader.bind(config).stackNameOrDefault() + ".template.json");
                return;
            }
            assertThat(run.status()).isEqualTo(1);
            Matcher m = ERROR.matcher(run.err());
            assertThat(m.matches()).as("one configuration error line, got: %s", run.err()).isTrue();
            assertThat(run.err().lines().count()).as(run.err()).isEqualTo(1);
            assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(run.files()).as("nothing written").isEmpty();
            String field = m.group(1);
            assertThat(namesAField(config, field)).as("%s names a field of %s", field, config).isTrue();
            Statistics.collect("rejected: " + (field.contains("[\"") ? "a field with an unusual name"
                    : field.replaceAll("\\[\\d+\\]", "[i]").replaceAll("\\..*", "")));
        } finally {
            try (var files = Files.walk(run.outdir())) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf("bad-input sweep: %d configurations, %d synthesized, %d rejected naming a field%n",
                RUNS.get(), SYNTHESIZED.get(), RUNS.get() - SYNTHESIZED.get());
    }

    /** The field is the whole input, a field the configuration has, or one it lacks but needs. */
    static boolean namesAField(JsonNode config, String field) {
        if (field.equals("velero")) {
            return true;
        }
        if (!config.isObject()) {
            return false;
        }
        if (field.startsWith("[\"")) {
            // A name that is not a plain word, quoted: ["a b"].
            String quoted = field.substring(1, field.indexOf("\"]") + 1);
            return config.properties().stream()
                    .anyMatch(e -> io.github.veleroirsa.InvalidInputException.quote(e.getKey()).equals(quoted));
        }
        String top = field.replaceAll("[.\\[].*", "");
        return config.has(top) || TOP_FIELDS.contains(top);
    }

    @Provide
    Arbitrary<JsonNode> configs() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, anyJson(2)),
                Tuple.of(1, base()),
                Tuple.of(8, Combinators.combine(base(), mutation().list().ofMinSize(1).ofMaxSize(3))
                        .as((base, mutations) -> {
                            JsonNode config = base.deepCopy();
                            mutations.forEach(m -> m.apply(config));
                            return config;
                        })));
    }

    /** A valid configuration: one of the matrix under test/configs. */
    static Arbitrary<JsonNode> base() {
        List<JsonNode> all = new ArrayList<>();
        for (var file : ConfigMatrix.files()) {
            try {
                all.add(TestApps.JSON.readTree(file.toFile()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return Arbitraries.of(all);
    }

    enum Op { SET, REMOVE, SET_IN_CLUSTER, REMOVE_IN_CLUSTER, MANY_CLUSTERS, DUPLICATE_CLUSTER }

    record Mutation(Op op, String field, JsonNode value, int index) {
        void apply(JsonNode config) {
            ObjectNode root = (ObjectNode) config;
            ArrayNode clusters = root.get("clusters") instanceof ArrayNode a ? a : null;
            ObjectNode cluster = clusters != null && !clusters.isEmpty()
                    && clusters.get(index % clusters.size()) instanceof ObjectNode c ? c : null;
            switch (op) {
                case SET -> root.set(field, value);
                case REMOVE -> root.remove(field);
                case SET_IN_CLUSTER -> {
                    if (cluster != null) {
                        cluster.set(field, value);
                    }
                }
                case REMOVE_IN_CLUSTER -> {
                    if (cluster != null) {
                        cluster.remove(field);
                    }
                }
                case MANY_CLUSTERS -> {
                    ArrayNode many = F.arrayNode();
                    for (int i = 0; i < index * 7; i++) {
                        many.add(F.objectNode().put("name", "c" + i).put("oidcIssuer",
                                String.format("oidc.eks.us-east-1.amazonaws.com/id/%032X", i)));
                    }
                    root.set("clusters", many);
                }
                case DUPLICATE_CLUSTER -> {
                    if (cluster != null) {
                        clusters.add(cluster.deepCopy());
                    }
                }
            }
        }
    }

    static Arbitrary<Mutation> mutation() {
        Arbitrary<String> fields = Arbitraries.oneOf(
                Arbitraries.of(TOP_FIELDS), Arbitraries.of(CLUSTER_FIELDS),
                Arbitraries.of("bucket", "Namespace", "serviceaccount", "identity", "", "clusters ", "$ref"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12));
        return Combinators.combine(Arbitraries.of(Op.values()), fields, value(), Arbitraries.integers().between(0, 12))
                .as(Mutation::new);
    }

    /** Values of every JSON type, biased to the ones people get wrong. */
    static Arbitrary<JsonNode> value() {
        return Arbitraries.oneOf(
                oddString().map(F::textNode),
                Arbitraries.of(0L, -1L, 1L, 30L, 2048L, 8193L, Integer.MAX_VALUE + 1L, Long.MIN_VALUE)
                        .map(F::numberNode),
                Arbitraries.of(0.5, 30.0, -0.0, 1e300).map(F::numberNode),
                Arbitraries.of(F.booleanNode(true), F.booleanNode(false), F.nullNode(), F.arrayNode(), F.objectNode()),
                oddString().list().ofMaxSize(300).map(list -> {
                    ArrayNode a = F.arrayNode();
                    list.forEach(a::add);
                    return a;
                }),
                anyJson(2));
    }

    /** Strings that look nearly right, are empty, huge, or full of unicode and control characters. */
    static Arbitrary<String> oddString() {
        return Arbitraries.oneOf(
                Arbitraries.of("", " ", "velero", "Velero", "velero ", "rafay-system", "KMS", "kms", "S3_MANAGED",
                        "IRSA", "POD_IDENTITY", "BOTH", "portable", "PORTABLE", "alias/velero", "/velero/",
                        "https://oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1",
                        "http://oidc.eks.us-west-1.amazonaws.com/id/X", "oidc.eks.us-west-1.amazonaws.com/id/",
                        "arn:aws:kms:us-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                        "arn:aws:kms:us-west-1:111122223333:alias/velero",
                        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1",
                        "velero-backups-111122223333", "Velero_Backups", "a".repeat(300), "x".repeat(10_000),
                        "\u0000", "\t", "line\nbreak", "é", "\uD83E\uDD80", "\u202Eevil", "e\u0301", "\uFEFFbom",
                        "${AWS::AccountId}", "{\"Ref\":\"AWS::AccountId\"}"),
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withCharRange('a', 'z').withChars('-', '.', '_', '/', ':').ofMaxLength(70));
    }

    /** Any JSON value, nested up to the given depth. */
    static Arbitrary<JsonNode> anyJson(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                oddString().map(F::textNode),
                Arbitraries.longs().map(F::numberNode),
                Arbitraries.of(F.booleanNode(true), F.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> array = anyJson(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode a = F.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.of(TOP_FIELDS), Arbitraries.of(CLUSTER_FIELDS), oddString())
                        .list().ofMaxSize(4),
                anyJson(depth - 1).list().ofSize(4)).as((keys, values) -> {
                    ObjectNode o = F.objectNode();
                    Iterator<JsonNode> v = values.iterator();
                    keys.forEach(k -> o.set(k, v.next()));
                    return o;
                });
        return Arbitraries.oneOf(leaf, array, object);
    }
}
