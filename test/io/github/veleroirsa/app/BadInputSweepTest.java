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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random and malformed configurations, as {@code -c velero='...'} passes them: every one either
 * synthesizes, or stops with the project's one-line configuration error naming a field. No other
 * exception, no stack trace, no half-written output.
 *
 * <p>A seeded {@link Random} makes them: the same seed, the same configurations. A failure names
 * the seed and the configuration; {@code -Dsweep.seed=N} and {@code -Dsweep.count=N} change them.
 */
class BadInputSweepTest {
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final Pattern ERROR = Pattern.compile(
            "velero-irsa: invalid configuration \\(context velero\\): (.+?): (.+)\\R", Pattern.DOTALL);
    static final long SEED = Long.getLong("sweep.seed", 20261128L);
    static final int COUNT = Integer.getInteger("sweep.count", 400);

    /** Every field the README documents, so that the sweep reaches each one. */
    static final List<String> TOP_FIELDS = ReadmeConfigTableTest.documented("");
    static final List<String> CLUSTER_FIELDS = ReadmeConfigTableTest.documented("clusters[].");

    @BeforeAll
    static void theRealClients() throws IOException {
        ShellSafeWiringTest.clientsAndAFakeVelero();
    }

    @Test
    void everyConfigSynthesizesOrNamesTheBadField() throws IOException {
        Generator gen = new Generator(new Random(SEED));
        // The app is deterministic: a configuration drawn again is not run again (a matrix
        // configuration as it is comes up about twice each), and counts with its first result.
        Map<String, Boolean> results = new HashMap<>();
        int synthesized = 0;
        for (int i = 0; i < COUNT; i++) {
            JsonNode config = gen.config();
            String where = "seed " + SEED + ", configuration " + i + ": " + abbreviated(config);
            Boolean result = results.get(config.toString());
            if (result == null) {
                result = check(config, where);
                results.put(config.toString(), result);
            }
            if (result) {
                synthesized++;
            }
        }
        assertThat(synthesized).as("some configurations synthesize, or the sweep tests nothing but errors")
                .isGreaterThan(COUNT / 20);
        System.out.printf("bad-input sweep (seed %d): %d configurations (%d distinct), each synthesized (%d) or"
                + " stopped with one line naming a field (%d)%n", SEED, COUNT, results.size(), synthesized,
                COUNT - synthesized);
    }

    /** Runs one configuration; true if it synthesized. */
    static boolean check(JsonNode config, String where) throws IOException {
        AppRun run = AppRun.of(config.toString(), null, null);
        try {
            if (run.status() == 0) {
                assertThat(run.err()).as(where).isEmpty();
                VeleroConfig bound = ConfigLoader.bind(config);
                // One stack, or with clusters in accounts one per account and region.
                List<String> templates = run.files().stream().filter(f -> f.endsWith(".template.json")).toList();
                if (FleetPlan.of(bound) == null) {
                    assertThat(templates).as(where).containsExactly(bound.stackNameOrDefault() + ".template.json");
                }
                assertThat(templates).as(where).isNotEmpty();
                // Three distinct wirings stand for a fleet's: they differ only in prefixes and role
                // names, of characters that need no quotes (WiringClientsTest renders every one).
                templates.stream().filter(f -> run.json(f).has("Outputs"))
                        .flatMap(f -> WiringOutputs.byCluster(run.json(f)).values().stream()).distinct()
                        .limit(3).forEach(wiring -> pastedIntoSh(wiring, where));
                return true;
            }
            assertThat(run.status()).as(where).isEqualTo(1);
            Matcher m = ERROR.matcher(run.err());
            assertThat(m.matches()).as("%s: one configuration error line, got: %s", where, run.err()).isTrue();
            assertThat(run.err().lines().count()).as(where).isEqualTo(1);
            assertThat(run.err()).as(where).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(run.files()).as("%s: nothing written", where).isEmpty();
            assertThat(namesAField(config, m.group(1))).as("%s: %s names a field", where, m.group(1)).isTrue();
            return false;
        } finally {
            try (var files = Files.walk(run.outdir())) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * A synthesized draw's {@code veleroInstall}, pasted into {@code sh}: {@code sh -n} accepts it,
     * and the program gets the wiring's own values as single arguments (a fake velero prints them),
     * and the real velero CLI renders the service account, its annotation and the backup location
     * from it: for every command that quotes something (the others are the matrix's own, which
     * WiringClientsTest gives the real clients).
     */
    static void pastedIntoSh(JsonNode wiring, String where) {
        String command = wiring.get("veleroInstall").asText();
        if (!command.contains("'") && !command.contains("\"")) {
            return; // nothing quoted: a matrix command like those WiringClientsTest gives the real clients
        }
        try {
            ShellSafeWiringTest.syntaxIsValid(command);
            List<String> args = ShellSafeWiringTest.argumentsInSh(command, Files.createTempDirectory("paste"));
            assertThat(args.get(args.indexOf("--namespace") + 1)).as(where).isEqualTo(wiring.get("namespace").asText());
            String bucket = wiring.at("/helmValues/configuration/backupStorageLocation/0/bucket").asText();
            if (args.contains("--bucket")) { // a restore-only cluster has no location of its own
                assertThat(args.get(args.indexOf("--bucket") + 1)).as(where).isEqualTo(bucket);
            }
            {
                List<JsonNode> objects = WiringClientsTest.items(WiringClientsTest.run(List.of("sh", "-c",
                        command + " --dry-run -o yaml")));
                String namespace = wiring.get("namespace").asText();
                if (args.contains("--bucket")) {
                    assertThat(WiringClientsTest.only(where, objects, "BackupStorageLocation", "default", namespace)
                            .at("/spec/objectStorage/bucket").asText()).as(where).isEqualTo(bucket);
                }
                if (wiring.has("roleArn") && !wiring.has("serviceAccountManifest")) {
                    assertThat(WiringClientsTest.only(where, objects, "ServiceAccount", "velero", namespace)
                            .at("/metadata/annotations").path("eks.amazonaws.com/role-arn").asText()).as(where)
                            .isEqualTo(wiring.get("roleArn").asText());
                }
            }
        } catch (Exception e) {
            throw new AssertionError(where + ": " + e, e);
        }
    }

    /** The configuration as ASCII JSON (a lone surrogate would cut a test report short), at most 2,000 characters. */
    static String abbreviated(JsonNode config) {
        StringBuilder out = new StringBuilder();
        for (char c : config.toString().toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.length() > 2000 ? out.substring(0, 2000) + "..." : out.toString();
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

    /** Makes configurations from one {@link Random}: the matrix, mutated, and arbitrary JSON. */
    static final class Generator {
        static final List<String> ODD = List.of("", " ", "velero", "Velero", "velero ", "rafay-system", "KMS", "kms",
                "S3_MANAGED", "IRSA", "POD_IDENTITY", "BOTH", "portable", "PORTABLE", "alias/velero", "/velero/",
                "https://oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1",
                "http://oidc.eks.us-west-1.amazonaws.com/id/X", "oidc.eks.us-west-1.amazonaws.com/id/",
                "arn:aws:kms:us-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:kms:us-west-1:111122223333:alias/velero",
                "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1",
                "velero-backups-111122223333", "Velero_Backups", "a".repeat(300), "x".repeat(10_000),
                "\u0000", "\t", "line\nbreak", "é", "\uD83E\uDD80", "\u202Eevil", "e\u0301", "\uFEFFbom",
                "${AWS::AccountId}", "{\"Ref\":\"AWS::AccountId\"}", "eu-central-1", "us-west-2 ",
                // Token syntax, and a shell's special characters (the role paths among them are valid).
                "x;touch PWNED;${Token[AWS.AccountId.1]}", "#{Token[TOKEN.1]}", "-1.8881545897087626e+289",
                "${Token[TOKEN.7]}", "$(touch PWNED)", "a'b", "`id`", "/a'b\"c$d\\e/", "/x;y&z|w/", "/$(id)/",
                "/a,b=c/");
        static final List<String> NEAR_MISSES = List.of("bucket", "Namespace", "serviceaccount", "identity", "",
                "clusters ", "$ref");
        final Random random;
        final List<JsonNode> matrix = new ArrayList<>();

        Generator(Random random) throws IOException {
            this.random = random;
            for (var file : ConfigMatrix.files()) {
                JsonNode config = TestApps.JSON.readTree(file.toFile());
                // The fleets take a second each to synthesize and test no other error path.
                if (config.get("clusters").size() <= 20) {
                    matrix.add(config);
                }
            }
        }

        /** One in ten arbitrary JSON, one in ten a matrix configuration as it is, the rest mutated. */
        JsonNode config() {
            int dice = random.nextInt(10);
            if (dice == 0) {
                return anyJson(2);
            }
            JsonNode config = pick(matrix).deepCopy();
            if (dice > 1) {
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    mutation().apply(config);
                }
            }
            return config;
        }

        Mutation mutation() {
            List<Supplier<String>> fields = List.of(() -> pick(TOP_FIELDS), () -> pick(CLUSTER_FIELDS),
                    () -> pick(NEAR_MISSES), () -> anyString(1, 12));
            return new Mutation(pick(List.of(Op.values())), pick(fields).get(), value(), random.nextInt(13));
        }

        /** Values of every JSON type, biased to the ones people get wrong. */
        JsonNode value() {
            return switch (random.nextInt(6)) {
                case 0 -> F.textNode(oddString());
                case 1 -> F.numberNode(pick(List.of(0L, -1L, 1L, 30L, 2048L, 8193L, Integer.MAX_VALUE + 1L, Long.MIN_VALUE)));
                case 2 -> F.numberNode(pick(List.of(0.5, 30.0, -0.0, 1e300)));
                case 3 -> pick(List.<JsonNode>of(F.booleanNode(true), F.booleanNode(false), F.nullNode(), F.arrayNode(),
                        F.objectNode()));
                case 4 -> {
                    ArrayNode a = F.arrayNode();
                    for (int n = random.nextInt(random.nextBoolean() ? 4 : 301); n > 0; n--) {
                        a.add(oddString());
                    }
                    yield a;
                }
                default -> anyJson(2);
            };
        }

        /** Strings that look nearly right, are empty, huge, or full of unicode and control characters. */
        String oddString() {
            return switch (random.nextInt(3)) {
                case 0 -> pick(ODD);
                case 1 -> anyString(0, 40);
                default -> {
                    String chars = "abcdefghijklmnopqrstuvwxyz-._/:";
                    StringBuilder out = new StringBuilder();
                    for (int n = random.nextInt(71); n > 0; n--) {
                        out.append(chars.charAt(random.nextInt(chars.length())));
                    }
                    yield out.toString();
                }
            };
        }

        /**
         * Any code points, controls and astral ones included; no lone surrogate, which no JSON
         * text the CDK CLI passes on can hold (jsii's Node.js would make it U+FFFD).
         */
        String anyString(int min, int max) {
            StringBuilder out = new StringBuilder();
            for (int n = min + random.nextInt(max - min + 1); n > 0; n--) {
                int cp = switch (random.nextInt(3)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> random.nextInt(0x10000);
                    default -> random.nextInt(0x110000);
                };
                out.appendCodePoint(Character.isSurrogate((char) cp) && cp < 0x10000 ? 0xFFFD : cp);
            }
            return out.toString();
        }

        /** Any JSON value, nested up to the given depth. */
        JsonNode anyJson(int depth) {
            int kind = depth == 0 ? random.nextInt(3) : random.nextInt(5);
            switch (kind) {
                case 0:
                    return F.textNode(oddString());
                case 1:
                    return F.numberNode(random.nextLong());
                case 2:
                    return random.nextBoolean() ? F.booleanNode(true) : F.nullNode();
                case 3: {
                    ArrayNode a = F.arrayNode();
                    for (int n = random.nextInt(5); n > 0; n--) {
                        a.add(anyJson(depth - 1));
                    }
                    return a;
                }
                default: {
                    ObjectNode o = F.objectNode();
                    for (int n = random.nextInt(5); n > 0; n--) {
                        String key = switch (random.nextInt(3)) {
                            case 0 -> pick(TOP_FIELDS);
                            case 1 -> pick(CLUSTER_FIELDS);
                            default -> oddString();
                        };
                        o.set(key, anyJson(depth - 1));
                    }
                    return o;
                }
            }
        }

        <T> T pick(List<T> from) {
            return from.get(random.nextInt(from.size()));
        }
    }
}
