package io.github.veleroirsa;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnResource;

/**
 * The findings of security scanners that velero-irsa accepts on purpose, each with the reason a
 * reviewer reads, written into the resource's template metadata where the scanners look for
 * them: {@code cdk_nag} (AwsSolutions rules) and {@code checkov} (skips). One exemption names
 * the same finding in every scanner that reports it, so the reasons cannot drift apart.
 */
final class Exemptions {
    private Exemptions() {}

    /**
     * One accepted finding.
     *
     * @param nagRule      the cdk-nag rule, or {@code null}
     * @param nagAppliesTo the findings of that rule it covers (cdk-nag's {@code appliesTo}: a
     *                     string, or {@code {"regex": "/.../"}}); empty
     *                     for rules that report a resource as a whole
     * @param checkovCheck the checkov check, or {@code null}
     * @param reason       why the finding is accepted, in words a reviewer would accept
     */
    record Exemption(String nagRule, List<?> nagAppliesTo, String checkovCheck, String reason) {}

    /** Writes the exemptions into the resource's metadata, after any that are there already. */
    static void apply(CfnResource resource, List<Exemption> exemptions) {
        List<Object> nag = new ArrayList<>(existing(resource, "cdk_nag", "rules_to_suppress"));
        List<Object> checkov = new ArrayList<>(existing(resource, "checkov", "skip"));
        for (Exemption e : exemptions) {
            if (e.nagRule() != null) {
                Map<String, Object> rule = new LinkedHashMap<>();
                rule.put("id", e.nagRule());
                rule.put("reason", e.reason());
                if (!e.nagAppliesTo().isEmpty()) {
                    rule.put("applies_to", e.nagAppliesTo());
                }
                nag.add(rule);
            }
            if (e.checkovCheck() != null) {
                Map<String, Object> skip = new LinkedHashMap<>();
                skip.put("id", e.checkovCheck());
                skip.put("comment", e.reason());
                checkov.add(skip);
            }
        }
        if (!nag.isEmpty()) {
            resource.addMetadata("cdk_nag", Map.of("rules_to_suppress", nag));
        }
        if (!checkov.isEmpty()) {
            resource.addMetadata("checkov", Map.of("skip", checkov));
        }
    }

    private static List<?> existing(CfnResource resource, String key, String list) {
        return resource.getMetadata(key) instanceof Map<?, ?> m && m.get(list) instanceof List<?> l ? l : List.of();
    }
}
