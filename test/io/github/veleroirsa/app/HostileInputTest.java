package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.Token;

/**
 * What an adversarial user tried: values built to slip past the rules, and values built to make a
 * message unreadable. Each is refused with one line naming the field, or kept out of what a
 * shell runs; the messages stay short and say what was given.
 */
class HostileInputTest {
    static final String ISSUER = TestApps.ISSUER_A;
    static final String CLUSTER = "{\"name\":\"backup\",\"oidcIssuer\":\"" + ISSUER + "\"}";

    /** Strings aws-cdk-lib takes for tokens, each with something else around it. */
    static Stream<String> tokenSyntax() {
        return Stream.of("x;touch PWNED;${Token[AWS.AccountId.1]}", "${Token[TOKEN.1]}", "#{Token[TOKEN.12]}",
                "a-1.8881545897087626e+289b", "velero\"${Token[Foo.2]}", "*${Token[AWS.Region.3]}",
                "${Token[unclosed");
    }

    /** A copy of the one-cluster configuration with {@code value} at every string place in turn. */
    static List<Map.Entry<String, JsonNode>> everyStringPlace(String value) throws IOException {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        String[] top = {"stackName", "bucketName", "existingBucketName", "kmsKeyArn", "kmsKeyAlias", "accessLogsBucketName",
            "namespace", "serviceAccount", "roleName", "rolePath", "permissionsBoundaryArn", "veleroPluginImage"};
        for (String field : top) {
            ObjectNode c = base();
            c.put(field, value);
            out.add(Map.entry(field, c));
        }
        String[] cluster = {"name", "oidcIssuer", "oidcProviderArn", "clusterName", "region", "role", "namespace",
            "serviceAccount"};
        for (String field : cluster) {
            ObjectNode c = base();
            ((ObjectNode) c.get("clusters").get(0)).put(field, value);
            out.add(Map.entry("clusters[0]." + field, c));
        }
        ObjectNode list = base();
        ((ArrayNode) list.putArray("ebsKmsKeyArns")).add(value);
        out.add(Map.entry("ebsKmsKeyArns[0]", list));
        ObjectNode accounts = base();
        ((ObjectNode) accounts.get("clusters").get(0)).putArray("serviceAccounts").addObject().put("name", value);
        out.add(Map.entry("clusters[0].serviceAccounts[0].name", accounts));
        ObjectNode tagValue = base();
        tagValue.putObject("tags").put("team", value);
        out.add(Map.entry("tags.team", tagValue));
        ObjectNode tagKey = base();
        tagKey.putObject("tags").put(value, "v");
        out.add(Map.entry("tags[" + io.github.veleroirsa.InvalidInputException.quote(value) + "]", tagKey));
        return out;
    }

    static ObjectNode base() throws IOException {
        return (ObjectNode) TestApps.JSON.readTree("{\"clusters\":[" + CLUSTER + "]}");
    }

    @ParameterizedTest
    @MethodSource("tokenSyntax")
    void failsOnTokenSyntaxInEveryStringFieldNamingTheField(String value) throws IOException {
        for (Map.Entry<String, JsonNode> place : everyStringPlace(value)) {
            AppRun run = AppRun.of(place.getValue().toString(), null, null);
            assertThat(run.status()).as(place.getKey()).isEqualTo(1);
            assertThat(run.err()).as(place.getKey())
                    .startsWith("velero-irsa: invalid configuration (context velero): " + place.getKey() + ": ")
                    .contains("holds CDK token syntax").hasLineCount(1);
            assertThat(run.files()).as(place.getKey()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("tokenSyntax")
    void everyStringAwsCdkLibTakesForATokenIsRefused(String value) {
        // The refusal is at least as wide as aws-cdk-lib's own test, so nothing it would resolve gets in.
        if (Token.isUnresolved(value)) {
            assertThat(AppRun.of("{\"namespace\":" + TestApps.JSON.valueToTree(value) + ",\"clusters\":[" + CLUSTER + "]}",
                    null, null).err()).contains("holds CDK token syntax");
        }
    }

    @Test
    void failsOnTokenSyntaxInTheConfigFilesNameAndInAFilesContent() throws IOException {
        AppRun name = AppRun.of(Map.of("veleroConfigFile", "${Token[AWS.AccountId.1]}.json"), null, null);
        assertThat(name.err()).startsWith("velero-irsa: invalid configuration (config file ${Token[AWS.AccountId.1]}.json):"
                + " veleroConfigFile: ").contains("holds CDK token syntax");
        Path file = Files.createTempFile("hostile", ".json");
        Files.writeString(file, "{\"namespace\":\"x;touch PWNED;${Token[AWS.AccountId.1]}\",\"clusters\":[" + CLUSTER + "]}");
        AppRun content = AppRun.of(Map.of("veleroConfigFile", file.toString()), null, null);
        assertThat(content.status()).isEqualTo(1);
        assertThat(content.err()).contains("): namespace: \"x;touch PWNED;${Token[AWS.AccountId.1]}\" holds CDK token syntax");
    }

    @Test
    void failsOnARolePathThatAwsCdkLibRefusesNamingTheField() {
        AppRun run = AppRun.of("{\"rolePath\":\"//\",\"clusters\":[" + CLUSTER + "]}", null, null);
        assertThat(run.err()).startsWith("velero-irsa: invalid configuration (context velero): rolePath: \"//\" is not a"
                + " valid IAM path").doesNotContain("could not be built");
    }

    @ParameterizedTest
    @ValueSource(ints = {100_000, 2_000_000})
    void aHugeValueIsQuotedCutWithItsLength(int length) {
        String huge = "a".repeat(length);
        for (String config : List.of("{\"namespace\":\"" + huge + "\",\"clusters\":[" + CLUSTER + "]}",
                "{\"clusters\":[{\"name\":\"" + huge + "\",\"oidcIssuer\":\"" + ISSUER + "\"}]}")) {
            AppRun run = AppRun.of(config, null, null);
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).hasLineCount(1).contains("\"" + "a".repeat(200) + "\"... (" + length + " characters)");
            assertThat(run.err().length()).isLessThan(800);
        }
    }

    @Test
    void aTrustPolicyTooLongForThousandsOfClustersListsTenInNaturalOrderAndTheCount() {
        StringBuilder clusters = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            clusters.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"oidcIssuer\":")
                    .append(String.format("\"oidc.eks.us-east-1.amazonaws.com/id/%032X\"}", i));
        }
        AppRun run = AppRun.of("{\"clusters\":[" + clusters + "]}", null, null);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).hasLineCount(1).contains("clusters fit: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 4990 more (");
        assertThat(run.err().length()).isLessThan(1500);
    }

    @Test
    void anEmptyConfigFileNameSaysItIsEmpty() {
        AppRun run = AppRun.of(Map.of("veleroConfigFile", ""), null, null);
        assertThat(run.err()).contains("veleroConfigFile: \"\" is empty (expected a path to a JSON file").doesNotContain("is a string");
    }

    @Test
    void aValueThatIsNoneOfAnEnumerationsSaysSo() {
        AppRun run = AppRun.of("{\"encryption\":\"SSE-KMS\",\"clusters\":[" + CLUSTER + "]}", null, null);
        assertThat(run.err()).contains("encryption: \"SSE-KMS\" is not one of the allowed values (expected one of")
                .doesNotContain("is a string");
    }

    @Test
    void aJsonSyntaxErrorInAFileIsTheFilesNotTheVeleroValues() throws IOException {
        Path file = Files.createTempFile("broken", ".json");
        Files.writeString(file, "{\"clusters\": [\n  {\"name\": \"a\",}\n]}");
        AppRun run = AppRun.of(Map.of("veleroConfigFile", file.toString()), null, null);
        assertThat(run.err()).contains("): veleroConfigFile: \"" + file + "\" is not valid JSON: ").contains("at line 2,");
    }

    @Test
    void aFileWithTheCdkJsonWrapperNamesTheWrapper() throws IOException {
        Path file = Files.createTempFile("wrapped", ".json");
        Files.writeString(file, "{\"velero\": {\"clusters\":[" + CLUSTER + "]}}");
        AppRun run = AppRun.of(Map.of("veleroConfigFile", file.toString()), null, null);
        assertThat(run.err()).contains("): velero: the configuration is wrapped in {\"velero\": {...}}")
                .doesNotContain("clusters: missing");
    }

    @Test
    void unansweredLookupsOutsideTheCdkCliExitOneWithOneLineAndNoTemplate() throws IOException {
        AppRun run = AppRun.of(Map.of("velero", Files.readString(Path.of("test/lookup/clusters-by-name.json"))),
                "111122223333", "us-west-2", false);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).hasLineCount(1).startsWith("velero-irsa: lookups not answered (context velero):"
                + " clusters[0].clusterName: the issuer of EKS cluster \"prod-west\"");
        assertThat(run.files()).noneMatch(f -> f.endsWith(".template.json"));
    }

    @Test
    void aTemplateOfPlaceholderIssuersRefersToWhatItDoesNotHold() throws IOException {
        // The CLI's lookup pass: the template is written for the CLI, which must then not be able to deploy it.
        AppRun run = AppRun.of(Map.of("velero", Files.readString(Path.of("test/lookup/clusters-by-name.json"))),
                "111122223333", "us-west-2", true);
        assertThat(run.status()).isZero();
        JsonNode template = run.template("VeleroBackup");
        List<String> dangling = new ArrayList<>();
        refs(template.path("Resources"), dangling, template);
        refs(template.path("Outputs"), dangling, template);
        assertThat(dangling).as("Refs to nothing in the template: CloudFormation refuses such a template").isNotEmpty();
        // Once answered, nothing dangles.
        AppRun answered = AppRun.of(Map.of("velero", Files.readString(Path.of("test/configs/one-cluster.json"))), null, null);
        List<String> none = new ArrayList<>();
        refs(answered.template("VeleroBackup"), none, answered.template("VeleroBackup"));
        assertThat(none).isEmpty();
    }

    @Test
    void valuesAndNamesOfEveryKindAreCutInTheMessage() throws IOException {
        String digits = "9".repeat(999);
        String name = "f".repeat(3000);
        Path longPath = Path.of("/tmp", "p".repeat(240) + ".json");
        for (AppRun run : List.of(
                AppRun.of("{\"noncurrentVersionExpirationDays\":" + digits + ",\"clusters\":[" + CLUSTER + "]}", null, null),
                AppRun.of("{\"" + name + "\":1,\"clusters\":[" + CLUSTER + "]}", null, null),
                AppRun.of("{\"clusters\":\"" + "c".repeat(500) + "\"}", null, null),
                AppRun.of(Map.of("veleroConfigFile", longPath.toString()), null, null),
                AppRun.of(Map.of("veleroConfigFile", "line\nbreak.json"), null, null))) {
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).as(run.err()).hasLineCount(1);
            assertThat(run.err().length()).as(run.err()).isLessThan(1200);
        }
        assertThat(AppRun.of("{\"clusters\":\"" + "c".repeat(500) + "\"}", null, null).err())
                .contains("... (502 characters) is a string");
    }

    @Test
    void aContextValueThatIsNoJsonDataIsRefusedInOneLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // In cdk.json, {"$jsii.byref": ...} reaches the app as an object jsii made, not as data.
        Map<String, Object> context = Map.of("velero", Map.of("clusters", List.of(Map.of("name",
                Map.of("$jsii.byref", "aws-cdk-lib.App@10000")))));
        ProcessTest.Result r = ProcessTest.run(context, Files.createTempDirectory(dir, "run").resolve("cdk.out"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).as(r.err()).hasLineCount(1).contains("clusters[0].name: is not JSON data");
    }

    @Test
    void aKeyAliasNotLookedUpYetLeavesATemplateCloudFormationRefusesAndOutsideTheCliNone() {
        String config = "{\"encryption\":\"KMS\",\"kmsKeyAlias\":\"alias/velero-backups\",\"clusters\":[" + CLUSTER + "]}";
        AppRun byCli = AppRun.of(Map.of("velero", config), "111122223333", "us-west-2", true);
        assertThat(byCli.status()).isZero();
        JsonNode template = byCli.template("VeleroBackup");
        List<String> dangling = new ArrayList<>();
        refs(template.path("Outputs"), dangling, template);
        assertThat(dangling).isNotEmpty();
        AppRun outside = AppRun.of(Map.of("velero", config), "111122223333", "us-west-2", false);
        assertThat(outside.status()).isEqualTo(1);
        assertThat(outside.err()).hasLineCount(1).contains("kmsKeyAlias: \"alias/velero-backups\" in account 111122223333,"
                + " region us-west-2 is not looked up yet");
        assertThat(outside.files()).noneMatch(f -> f.endsWith(".template.json"));
    }

    @Test
    void aSharedWiringOutputsDescriptionStaysWithinCloudFormationsLimit() {
        StringBuilder clusters = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            clusters.append(i == 0 ? "" : ",").append("{\"name\":\"").append(String.format("%03d", i)).append("x".repeat(97))
                    .append("\",\"oidcIssuer\":").append(String.format("\"oidc.eks.us-east-1.amazonaws.com/id/%032X\"}", i + 1));
        }
        AppRun run = AppRun.of("{\"isolation\":\"SHARED\",\"maxTrustPolicyLength\":8192,\"clusters\":[" + clusters + "]}", null, null);
        assertThat(run.err()).isEmpty();
        // WiringOutputs checks each description against 1,024 bytes and finds every cluster in a value.
        assertThat(WiringOutputs.byCluster(run.template("VeleroBackup"))).hasSize(12);
    }

    /** Every {@code Ref} under {@code node} that names neither a resource, a parameter nor a pseudo parameter. */
    static void refs(JsonNode node, List<String> dangling, JsonNode template) {
        if (node.isObject()) {
            if (node.has("Ref") && node.get("Ref").isTextual()) {
                String target = node.get("Ref").asText();
                if (!target.startsWith("AWS::") && !template.path("Resources").has(target)
                        && !template.path("Parameters").has(target)) {
                    dangling.add(target);
                }
            }
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                refs(it.next(), dangling, template);
            }
        } else if (node.isArray()) {
            node.forEach(n -> refs(n, dangling, template));
        }
    }
}
