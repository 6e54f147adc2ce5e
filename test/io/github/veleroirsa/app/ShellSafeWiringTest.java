package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.veleroirsa.Intrinsics;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code veleroInstall} command line pasted into the real {@code sh}, with the most hostile
 * values the rules allow (every character a role path may hold, the longest names) and with
 * deploy-time values that hold a shell's special characters: {@code sh -n} accepts it, the
 * program gets each value as one argument, unchanged, nothing else runs, and the real velero
 * CLI renders the objects the configuration asks for.
 */
class ShellSafeWiringTest {
    /** Every character IAM allows in a path, the shell's special ones among them. */
    static final String ROLE_PATH = "/!\"#$%&'()*+,-.:;<=>?@[\\]^_`{|}~09AZaz/";
    static final String NAMESPACE = "n" + "-0".repeat(30) + "ns";
    static final String SERVICE_ACCOUNT = ("a".repeat(62) + ".").repeat(4) + "a";
    static final String ROLE_NAME = "Velero+=,.@_-" + "x".repeat(51);
    static final String BUCKET = "a.b-c" + "0".repeat(57) + "z";
    static final String IMAGE = "registry.example.com:5000/velero/velero-plugin-for-aws:v1.14.0@sha256:" + "0f".repeat(32);

    static Path fake;

    @BeforeAll
    static void clientsAndAFakeVelero() throws IOException {
        WiringClientsTest.findTheClients();
        // A velero that prints its arguments, NUL-separated, and does nothing else.
        fake = Files.createTempDirectory("fake-velero");
        Path script = fake.resolve("velero");
        Files.writeString(script, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n");
        script.toFile().setExecutable(true);
    }

    static ObjectNode config(String serviceAccount, boolean existingBucket) throws IOException {
        ObjectNode c = (ObjectNode) TestApps.JSON.readTree("{\"clusters\":[{\"name\":\"backup\",\"oidcIssuer\":\""
                + TestApps.ISSUER_A + "\"}]}");
        c.put("rolePath", ROLE_PATH).put("roleName", ROLE_NAME).put("namespace", NAMESPACE)
                .put("serviceAccount", serviceAccount).put("veleroPluginImage", IMAGE);
        if (existingBucket) {
            c.put("existingBucketName", BUCKET);
        }
        return c;
    }

    static JsonNode wiring(JsonNode config, Function<String, String> values) {
        return wiring(config, values, null);
    }

    /** The wiring object of {@code cluster} (the first output's first, for {@code null}), its deploy-time values filled in. */
    static JsonNode wiring(JsonNode config, Function<String, String> values, String cluster) {
        AppRun run = AppRun.of(config.toString(), null, null);
        assertThat(run.err()).isEmpty();
        JsonNode template = run.template("VeleroBackup");
        for (var it = template.get("Outputs").fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().startsWith("Wiring")) {
                try {
                    JsonNode list = TestApps.JSON.readTree(Intrinsics.resolve(e.getValue().get("Value"),
                            key -> values.apply(key) != null ? values.apply(key) : WiringOutputs.sample(template, key)));
                    for (JsonNode w : list) {
                        if (cluster == null || w.get("clusters").toString().contains("\"" + cluster + "\"")) {
                            return w;
                        }
                    }
                } catch (IOException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        throw new AssertionError("no wiring output");
    }

    /** Runs the command line in {@code sh} in an empty folder with the fake velero: its arguments, and what else appeared. */
    static List<String> argumentsInSh(String commandLine, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", commandLine).directory(cwd.toFile());
        pb.environment().put("PATH", fake + java.io.File.pathSeparator + System.getenv("PATH"));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("sh ran it: %s", err).isZero();
        String all = new String(out, StandardCharsets.UTF_8);
        return all.isEmpty() ? List.of() : Arrays.asList(all.substring(0, all.length() - 1).split("\0", -1));
    }

    static void syntaxIsValid(String commandLine) throws Exception {
        Process p = new ProcessBuilder("sh", "-n", "-c", commandLine).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("sh -n: %s", out).isZero();
    }

    static String roleArn() {
        return "arn:aws:iam::111122223333:role" + ROLE_PATH + ROLE_NAME;
    }

    @Test
    void theMostHostileValidValuesReachVeleroAsOneArgumentEachUnchanged() throws Exception {
        JsonNode w = wiring(config("velero", true), key -> null);
        String command = w.get("veleroInstall").asText();
        syntaxIsValid(command);
        Path cwd = Files.createTempDirectory("paste");
        List<String> args = argumentsInSh(command, cwd);
        assertThat(args.subList(0, args.size() - 1)).containsExactly("install", "--provider", "aws", "--plugins", IMAGE,
                "--bucket", BUCKET, "--prefix", "backup", "--backup-location-config", "region=us-west-2", "--snapshot-location-config",
                "region=us-west-1", "--no-secret", "--namespace", NAMESPACE, "--sa-annotations");
        // The velero CLI reads a map flag as a line of CSV: one quoted field, its quotes doubled.
        String annotation = args.get(args.size() - 1);
        assertThat(annotation).startsWith("\"").endsWith("\"");
        assertThat(annotation.substring(1, annotation.length() - 1).replace("\"\"", "\""))
                .isEqualTo("eks.amazonaws.com/role-arn=" + roleArn());
        try (var files = Files.list(cwd)) {
            assertThat(files).as("nothing but velero ran").isEmpty();
        }
        // The real CLI, through the same shell: the service account it makes carries the role's ARN as IAM names it.
        List<JsonNode> objects = WiringClientsTest.items(WiringClientsTest.run(List.of("sh", "-c", command + " --dry-run -o yaml")));
        JsonNode account = WiringClientsTest.only("velero install", objects, "ServiceAccount", "velero", NAMESPACE);
        assertThat(account.at("/metadata/annotations").path("eks.amazonaws.com/role-arn").asText()).isEqualTo(roleArn());
        JsonNode bsl = WiringClientsTest.only("velero install", objects, "BackupStorageLocation", "default", NAMESPACE);
        assertThat(bsl.at("/spec/objectStorage/bucket").asText()).isEqualTo(BUCKET);
        JsonNode deployment = WiringClientsTest.only("velero install", objects, "Deployment", "velero", NAMESPACE);
        assertThat(deployment.at("/spec/template/spec/initContainers/0/image").asText()).isEqualTo(IMAGE);
    }

    @Test
    void theLongestServiceAccountNameAndItsManifestReachVeleroAndKubectlUnchanged() throws Exception {
        // The longest name appears five times in the output: with the longest path too it would not fit one.
        ObjectNode config = config(SERVICE_ACCOUNT, true);
        config.remove(List.of("veleroPluginImage", "roleName"));
        config.put("rolePath", "/a\"b,c'd\\/");
        String roleArn = "arn:aws:iam::111122223333:role/a\"b,c'd\\/" + WiringOutputs.ROLE_NAME;
        JsonNode w = wiring(config, key -> null);
        String command = w.get("veleroInstall").asText();
        syntaxIsValid(command);
        List<String> args = argumentsInSh(command, Files.createTempDirectory("paste"));
        assertThat(args.subList(args.size() - 4, args.size()))
                .containsExactly("--namespace", NAMESPACE, "--service-account-name", SERVICE_ACCOUNT);
        List<JsonNode> objects = WiringClientsTest.items(WiringClientsTest.run(List.of("sh", "-c", command + " --dry-run -o yaml")));
        JsonNode deployment = WiringClientsTest.only("velero install", objects, "Deployment", "velero", NAMESPACE);
        assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo(SERVICE_ACCOUNT);
        // The manifest applied first is JSON: the role path's quotes and backslash survive it.
        List<JsonNode> manifest = WiringClientsTest.items(w.get("serviceAccountManifest"));
        assertThat(manifest.get(1).at("/metadata/annotations").path("eks.amazonaws.com/role-arn").asText()).isEqualTo(roleArn);
        assertThat(w.get("roleArn").asText()).isEqualTo(roleArn);
    }

    @Test
    void aRoleNameWithCommasIsOneAnnotationForTheVeleroCli() throws Exception {
        ObjectNode config = config("velero", true);
        config.put("roleName", "velero,backup=role");
        JsonNode w = wiring(config, key -> null);
        String command = w.get("veleroInstall").asText();
        List<JsonNode> objects = WiringClientsTest.items(WiringClientsTest.run(List.of("sh", "-c", command + " --dry-run -o yaml")));
        JsonNode annotations = WiringClientsTest.only("velero install", objects, "ServiceAccount", "velero", NAMESPACE)
                .at("/metadata/annotations");
        assertThat(annotations.size()).as("one annotation: %s", annotations).isEqualTo(1);
        assertThat(annotations.path("eks.amazonaws.com/role-arn").asText())
                .isEqualTo("arn:aws:iam::111122223333:role" + ROLE_PATH + "velero,backup=role");
    }

    @Test
    void aDeployTimeValueWithQuotesAndCommandsInItStaysOneArgument() throws Exception {
        // Values no AWS rule allows today, given at deploy time: CloudFormation itself quotes them.
        String hostile = "b'$(touch PWNED)';touch PWNED2 `touch PWNED3` '";
        JsonNode template = AppRun.of(config("velero", false).toString(), null, null).template("VeleroBackup");
        String bucketRef = null;
        for (var it = template.get("Resources").fieldNames(); it.hasNext(); ) {
            String id = it.next();
            if (template.at("/Resources/" + id + "/Type").asText().equals("AWS::S3::Bucket")) {
                bucketRef = id;
            }
        }
        String bucket = bucketRef;
        JsonNode w = wiring(config("velero", false), key -> key.equals(bucket) ? hostile
                : key.equals("AWS::Region") ? "us-west-2';touch PWNED4;'" : null);
        String command = w.get("veleroInstall").asText();
        syntaxIsValid(command);
        Path cwd = Files.createTempDirectory("paste");
        List<String> args = argumentsInSh(command, cwd);
        assertThat(args.get(args.indexOf("--bucket") + 1)).isEqualTo(hostile);
        assertThat(args.get(args.indexOf("--backup-location-config") + 1)).isEqualTo("region=us-west-2';touch PWNED4;'");
        try (var files = Files.list(cwd)) {
            assertThat(files).as("nothing but velero ran").isEmpty();
        }
        List<String> plain = new ArrayList<>(args);
        plain.removeIf(a -> a.equals(hostile) || a.startsWith("region=us-west-2'"));
        assertThat(plain).contains("install", "--provider", "aws", "--no-secret");

        // A restore-only cluster's location command holds the same deploy-time values.
        ObjectNode restoring = config("velero", false);
        ((com.fasterxml.jackson.databind.node.ArrayNode) restoring.get("clusters")).addObject().put("name", "restore")
                .put("oidcIssuer", TestApps.ISSUER_B).put("restoreOnly", true).putArray("restoresFrom").add("backup");
        restoring.put("roles", "PER_CLUSTER").remove("roleName"); // two roles: roleName would be a prefix too long
        JsonNode r = wiring(restoring, key -> key.equals(bucket) ? hostile
                : key.equals("AWS::Region") ? "us-west-2';touch PWNED4;'" : null, "restore");
        assertThat(r.get("veleroBackupLocations")).hasSize(1);
        String create = r.get("veleroBackupLocations").get(0).asText();
        syntaxIsValid(create);
        List<String> created = argumentsInSh(create, cwd);
        assertThat(created.subList(0, 3)).containsExactly("backup-location", "create", "backup");
        assertThat(created.get(created.indexOf("--bucket") + 1)).isEqualTo(hostile);
        assertThat(created.get(created.indexOf("--prefix") + 1)).isEqualTo("backup");
        assertThat(created.get(created.indexOf("--config") + 1)).isEqualTo("region=us-west-2';touch PWNED4;'");
        assertThat(created.get(created.indexOf("--access-mode") + 1)).isEqualTo("ReadOnly");
        try (var files = Files.list(cwd)) {
            assertThat(files).as("nothing but velero ran").isEmpty();
        }
    }
}
