package io.github.veleroirsa;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/**
 * The wiring outputs of one {@link VeleroBackup} ({@code Wiring}, under it): one JSON output
 * ({@link VeleroWiring#toOutput}) per group of clusters whose wiring is the same, split where a
 * group's output would pass {@link VeleroBackup#MAX_OUTPUT_VALUE_BYTES} with every deploy-time
 * value at its longest. Each output's logical ID is {@code Wiring<first cluster's name>}, '-' and
 * '_' dropped and the next letter raised; where another {@code VeleroBackup} of the stack holds
 * that ID already, the construct's own ID follows {@code Wiring}. The stack's output count is
 * checked at synthesis, when every output of the stack is there.
 */
final class Wiring extends Construct {
    private final Map<String, CfnOutput> byCluster;
    private final Set<String> logicalIds = new HashSet<>();

    /**
     * @param scope   the {@link VeleroBackup}
     * @param wirings every cluster's wiring, clusters in name order
     * @param longest a cluster's wiring with the values known at deploy time at their longest
     * @throws InvalidInputException when a cluster's wiring alone would not fit one output
     */
    Wiring(VeleroBackup scope, Map<EksCluster, VeleroWiring> wirings, Function<EksCluster, VeleroWiring> longest) {
        super(scope, "Wiring");
        Stack stack = Stack.of(this);
        Map<VeleroWiring, List<EksCluster>> groups = new LinkedHashMap<>();
        wirings.forEach((c, w) -> groups.computeIfAbsent(w, k -> new ArrayList<>()).add(c));

        // Each group as one object, or several where it is too large for one output.
        List<List<EksCluster>> chunks = new ArrayList<>();
        Map<List<EksCluster>, Integer> sizes = new java.util.HashMap<>();
        groups.forEach((w, clusters) -> {
            VeleroWiring atLongest = longest.apply(clusters.get(0));
            List<EksCluster> chunk = new ArrayList<>();
            for (EksCluster c : clusters) {
                chunk.add(c);
                if (chunk.size() > 1 && LIST + size(atLongest, chunk) > VeleroBackup.MAX_OUTPUT_VALUE_BYTES) {
                    chunk.remove(chunk.size() - 1);
                    chunks.add(chunk);
                    chunk = new ArrayList<>(List.of(c));
                }
            }
            int size = size(atLongest, chunk);
            if (LIST + size > VeleroBackup.MAX_OUTPUT_VALUE_BYTES) {
                throw new InvalidInputException("clusters", "the wiring of cluster " + InvalidInputException.quote(
                        clusters.get(0).getName()) + " would take " + (LIST + size) + " bytes in one stack output,"
                        + " over " + VeleroBackup.MAX_OUTPUT_VALUE_BYTES + " (expected shorter values among rolePath,"
                        + " roleName, namespace, serviceAccount, veleroPluginImage, the cluster's name and prefix, or"
                        + " fewer restoresFrom)");
            }
            chunks.add(chunk);
            sizes.put(chunk, size);
        });
        // Objects packed into outputs, in order, as many as fit one: a JSON list of them.
        List<List<List<EksCluster>>> packed = new ArrayList<>();
        int used = 0;
        for (List<EksCluster> chunk : chunks) {
            int size = sizes.computeIfAbsent(chunk, k -> size(longest.apply(k.get(0)), k));
            if (packed.isEmpty() || used + 1 + size > VeleroBackup.MAX_OUTPUT_VALUE_BYTES) {
                packed.add(new ArrayList<>());
                used = LIST - 1; // the list's brackets, less the comma the first object does not need
            }
            packed.get(packed.size() - 1).add(chunk);
            used += 1 + size;
        }

        Set<String> taken = new HashSet<>();
        stack.getNode().findAll().forEach(c -> {
            if (c instanceof Wiring other && other != this) {
                taken.addAll(other.logicalIds);
            }
        });
        Map<String, CfnOutput> outputs = new LinkedHashMap<>();
        for (List<List<EksCluster>> objects : packed) {
            List<String> names = objects.stream().flatMap(List::stream).map(EksCluster::getName).toList();
            String id = "Wiring" + pascal(names.get(0));
            if (taken.contains(id)) {
                id = "Wiring" + pascal(scope.getNode().getId()) + pascal(names.get(0));
            }
            String unique = id;
            for (int n = 2; taken.contains(unique) || !logicalIds.add(unique); n++) {
                unique = id + n;
            }
            CfnOutput output = CfnOutput.Builder.create(this, unique)
                    .description(description(names))
                    .value(stack.toJsonString(objects.stream().map(chunk -> wirings.get(chunk.get(0)).toOutput(
                            chunk.stream().map(EksCluster::getName).toList())).toList()))
                    .build();
            output.overrideLogicalId(unique);
            names.forEach(n -> outputs.put(n, output));
        }
        this.byCluster = Collections.unmodifiableMap(outputs);
        int own = packed.size();
        int clusters = wirings.size();
        getNode().addValidation(() -> {
            long all = stack.getNode().findAll().stream().filter(CfnOutput.class::isInstance).count();
            return all <= VeleroBackup.MAX_OUTPUTS ? List.of() : List.of(clusters + " clusters need " + own
                    + " wiring outputs, and with the stack's " + (all - own) + " other outputs that is over"
                    + " CloudFormation's limit of " + VeleroBackup.MAX_OUTPUTS + " outputs per template (expected"
                    + " clusters that share namespace, service account, region and role, or the clusters split"
                    + " across stacks)");
        });
    }

    /** {@return the output of every cluster, by cluster name, in name order} */
    Map<String, CfnOutput> byCluster() {
        return byCluster;
    }

    /** The brackets of an output's list. */
    private static final int LIST = 2;

    /** CloudFormation's limit on an output's description. */
    static final int MAX_DESCRIPTION_BYTES = 1024;

    /**
     * An output's description: its clusters as {@code [name]}, as many as fit CloudFormation's
     * {@value #MAX_DESCRIPTION_BYTES} bytes, then how many more the value's {@code clusters} lists.
     */
    static String description(List<String> names) {
        String start = "Velero wiring (velero install, Helm values) for the clusters";
        StringBuilder out = new StringBuilder(start);
        for (int i = 0; i < names.size(); i++) {
            String next = " [" + names.get(i) + "]";
            String rest = " and " + (names.size() - i - 1) + " more (the value's clusters)";
            boolean last = i == names.size() - 1;
            if (bytes(out + next + (last ? "" : rest)) > MAX_DESCRIPTION_BYTES) {
                return out + " and " + (names.size() - i) + " more (the value's clusters)";
            }
            out.append(next);
        }
        return out.toString();
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The quotes the commands put around each argument that holds a deploy-time value, which the
     * literal stand-ins they are measured with lack: the install command's bucket, region and role
     * annotation, each location command's bucket and region.
     */
    private static int deployTimeQuotes(VeleroWiring wiring) {
        return 3 * 2 + wiring.restoreLocations().size() * 2 * 2;
    }

    private static int size(VeleroWiring wiring, List<EksCluster> clusters) {
        return Json.write(wiring.toOutput(clusters.stream().map(EksCluster::getName).toList()))
                .getBytes(StandardCharsets.UTF_8).length + deployTimeQuotes(wiring);
    }

    /** {@code prod-west_2} as {@code ProdWest2}: an output ID's letters and digits. */
    /** {@code base}, or with a number from 2 after it when {@code taken} has it already; added to {@code taken}. */
    static String unique(Set<String> taken, String base) {
        String id = base;
        for (int n = 2; !taken.add(id); n++) {
            id = base + n;
        }
        return id;
    }

    static String pascal(String name) {
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (char c : name.toCharArray()) {
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
