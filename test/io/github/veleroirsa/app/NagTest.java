package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.veleroirsa.TestApps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** cdk-nag's AwsSolutions pack finds nothing unsuppressed in any configuration of the matrix. */
class NagTest {
    static Stream<Path> configs() {
        return ConfigMatrix.files().stream();
    }

    /** Errors and warnings of a stack checked by the AwsSolutions pack, as "path: message". */
    static List<String> findings(VeleroStack stack) {
        Annotations annotations = Annotations.fromStack(stack);
        List<String> findings = new ArrayList<>();
        for (List<SynthesisMessage> messages : List.of(
                annotations.findError("*", Match.anyValue()), annotations.findWarning("*", Match.anyValue()))) {
            // velero-irsa's own warnings (a shared role, the provider quota) are the README's, not cdk-nag's.
            messages.stream().filter(m -> !String.valueOf(m.getEntry().getData()).contains("[ack: velero-irsa:"))
                    .forEach(m -> findings.add(m.getId() + ": " + m.getEntry().getData()));
        }
        return findings;
    }

    static VeleroStack checked(Path file, boolean withSuppressions) {
        // Findings are what this test reads: let the synthesis that collects them finish.
        App app = ConfigMatrix.app(withSuppressions
                ? Map.of() : Map.of("@aws-cdk/core:failSynthOnValidationErrors", false));
        VeleroStack stack = ConfigMatrix.stack(app, ConfigMatrix.config(file));
        if (!withSuppressions) {
            stack.getNode().findAll().forEach(c -> {
                if (c instanceof CfnResource r && r.getCfnOptions().getMetadata() != null) {
                    Map<String, Object> metadata = new LinkedHashMap<>(r.getCfnOptions().getMetadata());
                    metadata.remove("cdk_nag");
                    r.getCfnOptions().setMetadata(metadata);
                }
            });
        }
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        return stack;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void withoutItsSuppressionsTheStackHasTheFindingsTheyName(Path file) {
        // The pack runs and reports: each suppression stands for a real finding, none is spare.
        List<String> findings = findings(checked(file, false));
        System.out.println("cdk-nag, " + file.getFileName() + ": with the template's exemptions removed, the "
                + findings.size() + " findings they cover reappear (with them: none, see awsSolutionsFindsNothingUnsuppressed)");
        assertThat(findings).isNotEmpty().allMatch(f -> f.contains("AwsSolutions-IAM5") || f.contains("AwsSolutions-S1"));
        // Each finding as (rule, what it applies to): "AwsSolutions-IAM5[Resource::*]: ..." or "AwsSolutions-S1: ...".
        List<String[]> reported = new ArrayList<>();
        for (String f : findings) {
            java.util.regex.Matcher m = FINDING.matcher(f);
            assertThat(m.find()).as("a finding's rule in %s", f).isTrue();
            reported.add(new String[] {m.group(1), m.group(2) == null ? "" : m.group(2)});
        }
        JsonNode template = TestApps.json(Template.fromStack(checked(file, true)));
        template.get("Resources").forEach(r -> r.at("/Metadata/cdk_nag/rules_to_suppress").forEach(s -> {
            String rule = s.get("id").asText();
            if (!s.has("applies_to")) {
                assertThat(reported).as("a finding of %s", rule).anyMatch(f -> f[0].equals(rule));
                return;
            }
            for (JsonNode entry : s.get("applies_to")) {
                // A literal finding, or {"regex": "/.../"} as cdk-nag writes a pattern.
                java.util.function.Predicate<String> covers = entry.isTextual()
                        ? entry.asText()::equals
                        : java.util.regex.Pattern.compile(jsRegex(entry.get("regex").asText())).asMatchPredicate();
                assertThat(reported).as("a finding of %s covered by %s", rule, entry)
                        .anyMatch(f -> f[0].equals(rule) && covers.test(f[1]));
            }
        }));
    }

    static final java.util.regex.Pattern FINDING = java.util.regex.Pattern.compile("(AwsSolutions-[A-Z0-9]+)(?:\\[(.*?)\\])?:");

    /** {@code /^...$/} (cdk-nag's JavaScript form) as a Java pattern; fails on flags the test cannot honour. */
    static String jsRegex(String slashed) {
        assertThat(slashed).startsWith("/").endsWith("/");
        return slashed.substring(1, slashed.length() - 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void awsSolutionsFindsNothingUnsuppressed(Path file) {
        VeleroStack stack = checked(file, true);
        assertThat(findings(stack)).isEmpty();

        // Every suppression says why, in more than a few words.
        JsonNode template = TestApps.json(Template.fromStack(stack));
        template.get("Resources").forEach(r -> r.at("/Metadata/cdk_nag/rules_to_suppress").forEach(s ->
                assertThat(s.get("reason").asText().split(" ")).as(s.toString()).hasSizeGreaterThan(10)));
    }
}
