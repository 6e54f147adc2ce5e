package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wiring outputs of every configuration in {@code test/configs}, given to the real clients:
 * the velero CLI ({@code velero install ... --dry-run -o yaml}) and the vmware-tanzu Helm chart
 * ({@code helm template}). For every cluster, what each client would apply must give Velero its
 * service account, annotated with the role under IRSA and bound to cluster-admin, the backup
 * storage location on the bucket in the bucket's region, a volume snapshot location in the
 * cluster's region exactly when EBS snapshots are on, the AWS plugin, no credentials secret, and
 * the node-agent exactly when file-system backups are on.
 *
 * <p>The expectations are read from the configuration file itself, not from the construct. The
 * clients come from {@code scripts/clients.sh} (folder {@code VELERO_IRSA_CLIENTS}, default
 * {@code ~/.cache/velero-irsa}); without them the test is skipped, except in CI ({@code CI=true}),
 * where it fails.
 */
class WiringClientsTest {
    /** The vmware-tanzu velero chart 12.1.0, which scripts/clients.sh puts beside the binaries. */
    static Path chart;
    static final YAMLMapper YAML = new YAMLMapper();
    static final String ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";
    static final Pattern EKS_ISSUER_REGION = Pattern.compile("(?:https://)?oidc\\.eks\\.([a-z0-9-]+)\\.amazonaws\\.com/.*");

    static Path clients;
    static Path kubeconfig;

    @BeforeAll
    static void findTheClients() throws IOException {
        // Where scripts/clients.sh puts them: VELERO_IRSA_CLIENTS, else $HOME/.cache/velero-irsa.
        String env = System.getenv("VELERO_IRSA_CLIENTS");
        String home = System.getenv("HOME") != null ? System.getenv("HOME") : System.getProperty("user.home");
        clients = env != null ? Path.of(env) : Path.of(home, ".cache", "velero-irsa");
        chart = clients.resolve("velero-chart");
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(clients.resolve("helm"), clients.resolve("velero"))) {
            if (!Files.isExecutable(p)) {
                missing.add(p.toString());
            }
        }
        if (Stream.of(System.getenv("PATH").split(java.io.File.pathSeparator))
                .noneMatch(dir -> Files.isExecutable(Path.of(dir, "jq")))) {
            missing.add("jq (for the README's commands)");
        }
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            missing.add(chart.resolve("Chart.yaml").toString());
        }
        if (!missing.isEmpty()) {
            String message = "the real clients are missing (" + String.join(", ", missing) + "): run"
                    + " `bash scripts/clients.sh` (needs Go; it puts helm, velero and the velero chart in "
                    + clients + ") and install jq";
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            // Said in the test log, not only in the report: the tests of the real clients did not run.
            System.out.println("WiringClientsTest and the tests of the real clients are skipped: " + message);
            Assumptions.abort(message);
        }
        kubeconfig = Files.createTempFile("velero-irsa-kubeconfig", ".yaml");
        // velero install --dry-run talks to no cluster, but wants a kubeconfig that names one.
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: dummy, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: dummy, user: {token: dummy}}]
                contexts: [{name: dummy, context: {cluster: dummy, user: dummy}}]
                current-context: dummy
                """);
    }

    static Stream<Path> configurations() {
        return ConfigMatrix.files().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void everyClusterGetsVeleroOnTheRoleFromTheVeleroCliAndFromTheHelmChart(Path file) throws IOException {
        JsonNode config = TestApps.JSON.readTree(file.toFile());
        AppRun run = AppRun.of(Files.readString(file), null, null);
        assertThat(run.err()).isEmpty();
        Map<String, JsonNode> wiring = WiringOutputs.byCluster(run.template("VeleroBackup"));
        List<String> names = new ArrayList<>();
        config.get("clusters").forEach(c -> names.add(c.get("name").asText()));
        assertThat(wiring.keySet()).as("every cluster has its wiring").containsExactlyInAnyOrderElementsOf(names);

        // What the clients render for one wiring, whichever of its clusters asks: a fleet's clusters share a few.
        Map<String, List<JsonNode>> rendered = new java.util.HashMap<>();
        // The cluster each rendering was made for: a fleet's wirings differ only in prefix and role
        // ARN, which the clients copy as they are; each distinct rest is rendered once, and another
        // cluster's objects are that rendering with its own prefix and role in them.
        Map<String, Expected> renderedFor = new java.util.HashMap<>();
        List<String> checked = new ArrayList<>();
        for (JsonNode cluster : config.get("clusters")) {
            Expected want = Expected.of(config, cluster);
            JsonNode w = wiring.get(cluster.get("name").asText());
            ObjectNode copy = w.deepCopy();
            copy.remove("clusters");
            String key = shape(copy.toString(), want);
            Expected first = renderedFor.putIfAbsent(key, want);

            List<JsonNode> cli = rendered.get("cli" + key);
            if (cli != null) {
                cli = rebound(cli, first, want);
            } else {
                cli = new ArrayList<>(items(velero(w.get("veleroInstall").asText() + " --dry-run -o yaml")));
                // Each ReadOnly location as the real CLI's create command prints it, without a cluster.
                for (JsonNode create : w.path("veleroBackupLocations")) {
                    cli.add(withoutEmpty(YAML.readTree(velero(create.asText() + " -o yaml"))));
                }
                if (w.has("serviceAccountManifest")) {
                    List<JsonNode> manifest = items(w.get("serviceAccountManifest"));
                    assertThat(manifest).as("the manifest is what velero install makes for its own account")
                            .containsExactlyElementsOf(whatVeleroInstallMakesFor(want));
                    cli.addAll(0, manifest);
                }
                rendered.put("cli" + key, cli);
            }
            if (!w.has("serviceAccountManifest")) {
                assertThat(want.serviceAccount).isEqualTo("velero");
            }
            assertVeleroGetsTheRole("velero install for " + want.cluster, cli, want);

            List<JsonNode> chart = rendered.get("helm" + key);
            if (chart != null) {
                chart = rebound(chart, first, want);
            } else {
                Path values = Files.createTempFile("velero-values", ".json");
                TestApps.JSON.writeValue(values.toFile(), w.get("helmValues"));
                chart = documents(run(List.of(clients.resolve("helm").toString(), "template", "velero",
                        WiringClientsTest.chart.toString(), "-n", want.namespace, "-f", values.toString())));
                rendered.put("helm" + key, chart);
            }
            assertVeleroGetsTheRole("helm template for " + want.cluster, chart, want);
            checked.add(want.cluster + ": " + want.namespace + "/" + want.serviceAccount
                    + (want.annotated ? " annotated" : " unannotated") + ", "
                    + (want.snapshotRegion == null ? "no VSL" : "VSL " + want.snapshotRegion)
                    + (want.nodeAgent ? ", node-agent" : ""));
        }
        System.out.printf("velero install and helm template, %s: %d clusters, %d distinct wirings rendered (apart from prefix and role), each"
                + " giving the bound service account, BSL, VSL and node-agent as configured (%s)%n", file.getFileName(),
                checked.size(), rendered.size() / 2, checked.size() <= 3 ? String.join("; ", checked)
                        : String.join("; ", checked.subList(0, 3)) + "; ...");
    }

    /** A wiring's text with the cluster's prefix and role ARN as placeholders: what its rendering depends on besides. */
    static String shape(String text, Expected want) {
        String out = want.roleArn == null ? text : text.replace("\"" + want.roleArn + "\"", "\"<ROLE>\"")
                .replace("=" + want.roleArn + " ", "=<ROLE> ").replace("=" + want.roleArn + "\"", "=<ROLE>\"");
        return want.prefix == null ? out : out.replace("\"prefix\":\"" + want.prefix + "\"", "\"prefix\":\"<PREFIX>\"")
                .replace("--prefix " + want.prefix + " ", "--prefix <PREFIX> ");
    }

    /** Objects the clients rendered for {@code from}, with {@code to}'s prefix and role ARN in them. */
    static List<JsonNode> rebound(List<JsonNode> objects, Expected from, Expected to) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode o : objects) {
            String text = o.toString();
            if (from.roleArn != null) {
                text = text.replace("\"" + from.roleArn + "\"", "\"" + to.roleArn + "\"");
            }
            if (from.prefix != null) {
                text = text.replace("\"prefix\":\"" + from.prefix + "\"", "\"prefix\":\"" + to.prefix + "\"");
            }
            out.add(TestApps.JSON.readTree(text));
        }
        return out;
    }

    /** What one configuration says a cluster gets, read from the file with the README's defaults. */
    record Expected(String cluster, String namespace, String serviceAccount, boolean annotated, String bucket,
            String snapshotRegion, boolean nodeAgent, boolean allVolumesFromFileSystem, String pluginImage,
            String roleArn, String prefix, boolean restoreOnly, Map<String, String> sources, boolean moveData) {
        static Expected of(JsonNode config, JsonNode cluster) {
            String namespace = text(config, "namespace", "velero");
            String serviceAccount = text(config, "serviceAccount", "velero");
            if (cluster.has("serviceAccounts")) {
                JsonNode first = cluster.get("serviceAccounts").get(0);
                namespace = text(first, "namespace", namespace);
                serviceAccount = first.get("name").asText();
            } else {
                namespace = text(cluster, "namespace", namespace);
                serviceAccount = text(cluster, "serviceAccount", serviceAccount);
            }
            boolean ebs = !config.has("ebsSnapshots") || config.get("ebsSnapshots").asBoolean();
            boolean fsb = config.has("fileSystemBackups") ? config.get("fileSystemBackups").asBoolean() : !ebs;
            String region = WiringOutputs.REGION;
            if (cluster.has("region")) {
                region = cluster.get("region").asText();
            } else if (cluster.has("oidcIssuer")) {
                Matcher m = EKS_ISSUER_REGION.matcher(cluster.get("oidcIssuer").asText());
                if (m.matches()) {
                    region = m.group(1);
                }
            }
            boolean shared = "SHARED".equals(text(config, "isolation", "PER_CLUSTER"));
            boolean moveData = config.path("snapshotMoveData").asBoolean();
            // Each source's location: its name lower-cased, '_' as '-', on the source's prefix.
            Map<String, String> sources = new java.util.LinkedHashMap<>();
            for (JsonNode source : cluster.path("restoresFrom")) {
                for (JsonNode c : config.get("clusters")) {
                    if (c.get("name").asText().equals(source.asText())) {
                        sources.put(source.asText().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                                text(c, "prefix", source.asText()));
                    }
                }
            }
            return new Expected(cluster.get("name").asText(), namespace, serviceAccount,
                    !"POD_IDENTITY".equals(text(config, "identity", "IRSA")),
                    text(config, "existingBucketName", text(config, "bucketName", WiringOutputs.BUCKET)), ebs ? region : null, fsb || moveData,
                    fsb && !ebs && !moveData, text(config, "veleroPluginImage", "velero/velero-plugin-for-aws:v1.14.0"),
                    roleArn(config, cluster), shared ? null : text(cluster, "prefix", cluster.get("name").asText()),
                    cluster.path("restoreOnly").asBoolean(), sources, moveData);
        }

        /** The role's ARN as IAM gives it: the README's role names (roleName, roleName-role) under rolePath. */
        static String roleArn(JsonNode config, JsonNode cluster) {
            String role = cluster.has("role") ? cluster.get("role").asText()
                    : "PER_CLUSTER".equals(text(config, "roles", "SHARED")) ? cluster.get("name").asText() : null;
            String name = !config.has("roleName") ? WiringOutputs.ROLE_NAME
                    : config.get("roleName").asText() + (role == null ? "" : "-" + role);
            return "arn:aws:iam::111122223333:role" + text(config, "rolePath", "/") + name;
        }

        private static String text(JsonNode node, String field, String otherwise) {
            return node.has(field) ? node.get(field).asText() : otherwise;
        }
    }

    /** The Namespace, ServiceAccount and ClusterRoleBinding the real CLI makes, for this account name. */
    List<JsonNode> whatVeleroInstallMakesFor(Expected want) throws IOException {
        String command = "velero install --provider aws --plugins velero/velero-plugin-for-aws:v1.14.0 --bucket b"
                + " --no-secret --use-volume-snapshots=false"
                + " --namespace " + want.namespace
                + (want.annotated ? " --sa-annotations " + ROLE_ANNOTATION + "=" + want.roleArn : "")
                + " --dry-run -o yaml";
        List<JsonNode> made = new ArrayList<>();
        for (JsonNode item : items(velero(command))) {
            String kind = item.get("kind").asText();
            if (List.of("Namespace", "ServiceAccount", "ClusterRoleBinding").contains(kind)) {
                ObjectNode copy = item.deepCopy();
                ((ObjectNode) copy.get("metadata")).remove("creationTimestamp");
                copy.remove("status");
                copy.remove("spec");
                if (kind.equals("ServiceAccount")) {
                    ((ObjectNode) copy.get("metadata")).put("name", want.serviceAccount);
                }
                if (kind.equals("ClusterRoleBinding")) {
                    ((ObjectNode) copy.get("subjects").get(0)).put("name", want.serviceAccount);
                }
                made.add(copy);
            }
        }
        made.sort(java.util.Comparator.comparingInt(i ->
                List.of("Namespace", "ServiceAccount", "ClusterRoleBinding").indexOf(i.get("kind").asText())));
        return made.stream().map(WiringClientsTest::withoutEmpty).toList();
    }

    static void assertVeleroGetsTheRole(String what, List<JsonNode> objects, Expected want) {
        JsonNode deployment = only(what, objects, "Deployment", "velero", want.namespace);
        JsonNode pod = deployment.at("/spec/template/spec");
        assertThat(pod.get("serviceAccountName").asText()).as(what).isEqualTo(want.serviceAccount);
        assertThat(pod.get("initContainers")).as(what + ": the AWS plugin").anySatisfy(c -> {
            assertThat(c.get("image").asText()).isEqualTo(want.pluginImage);
            assertThat(c.get("volumeMounts").findValuesAsText("mountPath")).contains("/target");
        });
        List<String> serverArgs = texts(pod.get("containers").get(0).get("args"));
        assertThat(serverArgs.contains("--default-volumes-to-fs-backup=true") || serverArgs.contains("--default-volumes-to-fs-backup"))
                .as(what + ": every volume from the file system by default").isEqualTo(want.allVolumesFromFileSystem);

        JsonNode account = only(what, objects, "ServiceAccount", want.serviceAccount, want.namespace);
        JsonNode annotation = account.at("/metadata/annotations").path(ROLE_ANNOTATION);
        if (want.annotated) {
            assertThat(annotation.asText()).as(what + ": the role annotation").isEqualTo(want.roleArn);
        } else {
            assertThat(annotation.isMissingNode()).as(what + ": no role annotation with Pod Identity").isTrue();
        }
        assertThat(objects).as(what + ": a binding of the account to cluster-admin").anySatisfy(o -> {
            assertThat(o.get("kind").asText()).isEqualTo("ClusterRoleBinding");
            assertThat(o.at("/roleRef/name").asText()).isEqualTo("cluster-admin");
            assertThat(o.get("subjects")).anySatisfy(s -> {
                assertThat(s.get("kind").asText()).isEqualTo("ServiceAccount");
                assertThat(s.get("name").asText()).isEqualTo(want.serviceAccount);
                assertThat(s.get("namespace").asText()).isEqualTo(want.namespace);
            });
        });

        assertThat(serverArgs.stream().anyMatch(a -> a.startsWith("--default-snapshot-move-data")))
                .as(what + ": snapshot data movement by default").isEqualTo(want.moveData);
        // Velero 1.18 takes the CSI snapshots that data movement moves only with its EnableCSI feature.
        assertThat(serverArgs.stream().anyMatch(a -> a.startsWith("--features=") && a.contains("EnableCSI")))
                .as(what + ": the CSI feature, exactly with data movement").isEqualTo(want.moveData);
        List<JsonNode> locations = all(objects, "BackupStorageLocation");
        if (want.restoreOnly) {
            assertThat(locations).as(what + ": a restore-only cluster has no location of its own, and writes none")
                    .noneMatch(l -> l.at("/metadata/name").asText().equals("default"))
                    .allMatch(l -> l.at("/spec/accessMode").asText().equals("ReadOnly"));
        } else {
            JsonNode bsl = only(what, objects, "BackupStorageLocation", "default", want.namespace);
            assertThat(bsl.at("/spec/provider").asText()).isEqualTo("aws");
            assertThat(bsl.at("/spec/objectStorage/bucket").asText()).as(what).isEqualTo(want.bucket);
            assertThat(bsl.at("/spec/objectStorage/prefix").isMissingNode() ? null
                    : bsl.at("/spec/objectStorage/prefix").asText()).as(what + ": the cluster's prefix").isEqualTo(want.prefix);
            assertThat(bsl.at("/spec/config/region").asText()).as(what + ": the bucket's region").isEqualTo(WiringOutputs.REGION);
            assertThat(bsl.at("/spec/default").asBoolean()).as(what + ": the default location").isTrue();
            assertThat(bsl.at("/spec/accessMode").asText("ReadWrite")).isEqualTo("ReadWrite");
        }
        assertThat(locations).as(what + ": its own location and one per source").hasSize(
                (want.restoreOnly ? 0 : 1) + want.sources.size());
        want.sources.forEach((name, prefix) -> {
            JsonNode source = only(what, objects, "BackupStorageLocation", name, want.namespace);
            assertThat(source.at("/spec/accessMode").asText()).as(what + ": " + name + " is read-only").isEqualTo("ReadOnly");
            assertThat(source.at("/spec/objectStorage/prefix").asText()).as(what + ": the source's prefix").isEqualTo(prefix);
            assertThat(source.at("/spec/objectStorage/bucket").asText()).isEqualTo(want.bucket);
            assertThat(source.at("/spec/config/region").asText()).isEqualTo(WiringOutputs.REGION);
            assertThat(source.at("/spec/default").asBoolean()).as(what + ": " + name + " is not the default").isFalse();
        });

        List<JsonNode> vsl = all(objects, "VolumeSnapshotLocation");
        if (want.snapshotRegion != null) {
            assertThat(vsl).as(what).hasSize(1);
            assertThat(vsl.get(0).at("/metadata/namespace").asText()).isEqualTo(want.namespace);
            assertThat(vsl.get(0).at("/spec/provider").asText()).isEqualTo("aws");
            assertThat(vsl.get(0).at("/spec/config/region").asText()).as(what + ": the cluster's region")
                    .isEqualTo(want.snapshotRegion);
        } else {
            assertThat(vsl).as(what + ": no snapshot location without EBS snapshots").isEmpty();
        }

        assertThat(all(objects, "Secret")).as(what + ": no credentials secret").isEmpty();
        List<JsonNode> nodeAgent = all(objects, "DaemonSet");
        if (want.nodeAgent) {
            assertThat(nodeAgent).as(what + ": the node-agent").hasSize(1);
            assertThat(nodeAgent.get(0).at("/metadata/namespace").asText()).isEqualTo(want.namespace);
            assertThat(nodeAgent.get(0).at("/spec/template/spec/serviceAccountName").asText())
                    .isEqualTo(want.serviceAccount);
        } else {
            assertThat(nodeAgent).as(what + ": no node-agent").isEmpty();
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(a -> out.add(a.asText()));
        return out;
    }

    static JsonNode only(String what, List<JsonNode> objects, String kind, String name, String namespace) {
        List<JsonNode> found = all(objects, kind).stream()
                .filter(o -> o.at("/metadata/name").asText().equals(name))
                .toList();
        assertThat(found).as(what + ": one " + kind + " " + name).hasSize(1);
        assertThat(found.get(0).at("/metadata/namespace").asText()).as(what + ": " + kind + "'s namespace")
                .isEqualTo(namespace);
        return found.get(0);
    }

    static List<JsonNode> all(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    /** Runs a command line in bash, as a person pastes it, with the real velero first on the PATH. */
    String velero(String commandLine) {
        return run(List.of("bash", "-c", commandLine));
    }

    static String run(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
            pb.environment().put("PATH", clients + java.io.File.pathSeparator + System.getenv("PATH"));
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            pb.environment().put("HOME", Files.createTempDirectory("velero-home").toString());
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The items of a Kubernetes List, given as YAML text or as a parsed object. */
    static List<JsonNode> items(Object list) throws IOException {
        JsonNode node = list instanceof JsonNode n ? n : YAML.readTree((String) list);
        assertThat(node.get("kind").asText()).isEqualTo("List");
        List<JsonNode> out = new ArrayList<>();
        node.get("items").forEach(i -> out.add(withoutEmpty(i)));
        return out;
    }

    /** Every document of a multi-document YAML stream, such as {@code helm template} prints. */
    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && doc.has("kind")) {
                    out.add(doc);
                }
            }
        }
        return out;
    }

    /** The object without the {@code null} fields Kubernetes' printers add ({@code creationTimestamp: null}). */
    static JsonNode withoutEmpty(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = TestApps.JSON.createObjectNode();
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    copy.set(e.getKey(), withoutEmpty(e.getValue()));
                }
            });
            return copy;
        }
        return node;
    }

    @Test
    void theRealVeleroCliRefusesAFlagItDoesNotHave() {
        // The flag the outputs used to print: the CLI refuses it, so the checks above run a real parser.
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                velero("velero install --provider aws --bucket b --no-secret --service-account-annotations a=b"
                        + " --dry-run -o yaml"))).hasMessageContaining("unknown flag: --service-account-annotations");
    }

    @Test
    void theReadmesJqFilterPicksEachClustersWiringOutOfDescribeStacks() throws IOException {
        Matcher m = Pattern.compile("jq --arg c \"\\$CLUSTER\" '([^']+)'").matcher(Files.readString(Path.of("README.md")));
        assertThat(m.find()).as("the README's jq command").isTrue();
        JsonNode template = AppRun.of(Files.readString(ConfigMatrix.FOLDER.resolve("regions-and-file-system-backups.json")),
                null, null).template("VeleroBackup");
        // What `describe-stacks --output json --query "...[?starts_with(OutputKey, 'Wiring')].OutputValue"` prints.
        var values = TestApps.JSON.createArrayNode();
        template.get("Outputs").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("Wiring")) {
                values.add(io.github.veleroirsa.Intrinsics.resolve(e.getValue().get("Value"),
                        key -> WiringOutputs.sample(template, key)));
            }
        });
        Path listed = Files.createTempFile("describe-stacks", ".json");
        TestApps.JSON.writeValue(listed.toFile(), values);
        for (String cluster : List.of("eu-prod", "us-prod", "ap-prod")) {
            JsonNode picked = TestApps.JSON.readTree(run(List.of("jq", "--arg", "c", cluster, m.group(1), listed.toString())));
            assertThat(picked.isObject()).as("one wiring object for %s", cluster).isTrue();
            assertThat(texts(picked.get("clusters"))).contains(cluster);
            assertThat(picked.has("veleroInstall") && picked.has("helmValues")).isTrue();
        }
    }
}
