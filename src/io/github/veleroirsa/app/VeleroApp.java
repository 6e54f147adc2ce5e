package io.github.veleroirsa.app;

import io.github.veleroirsa.InvalidInputException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.DefaultStackSynthesizer;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * The CDK app that {@code cdk synth} and {@code cdk deploy} run: reads the configuration,
 * builds one {@link VeleroStack} and writes its template.
 */
public final class VeleroApp {
    /** CloudFormation's limit on a template body read from S3 (cdk deploy uploads it there). */
    public static final long MAX_TEMPLATE_BYTES = 1024 * 1024;

    private VeleroApp() {}

    public static void main(String[] args) {
        // The CDK CLI sets CDK_CLI_VERSION for the app it runs; it answers the lookups an app reports.
        int status = run(new App(), System.getenv("CDK_DEFAULT_ACCOUNT"), System.getenv("CDK_DEFAULT_REGION"),
                System.getenv("CDK_CLI_VERSION") != null, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Builds and synthesizes the app, or reports a configuration mistake.
     *
     * @param account the account to pin (CDK_DEFAULT_ACCOUNT), or {@code null} for an
     *     environment-agnostic template. The CDK CLI sets a default region even without
     *     credentials, so a region alone pins nothing: account and partition stay pseudo
     *     parameters until the account is known.
     * @param region  the region to pin together with the account (CDK_DEFAULT_REGION)
     * @param byCli   whether the CDK CLI runs the app (CDK_CLI_VERSION is set): it answers the
     *     lookups the app reports as missing and runs it again. Run otherwise, an app whose
     *     lookups are unanswered fails, since nobody will answer them
     * @return 0 once the template is written (with lookups still to answer only when run by the
     *     CLI); 1 after a configuration mistake or a failed synthesis, reported on {@code err} in
     *     one line, with no template written
     */
    public static int run(App app, String account, String region, boolean byCli, PrintStream err) {
        List<VeleroStack> stacks = new ArrayList<>();
        String note;
        try {
            VeleroConfig config = ConfigLoader.load(app.getNode());
            note = ConfigLoader.sourceNote(app.getNode());
            stacks.addAll(stacks(app, config, account, region));
        } catch (InvalidInputException e) {
            err.println("velero-irsa: invalid configuration (" + ConfigLoader.source(app.getNode()) + "): "
                    + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // aws-cdk-lib refusing a value while the stack is built: what it says, on one line.
            err.println("velero-irsa: the stack could not be built: " + oneLine(e));
            return 1;
        }
        try {
            var assembly = app.synth();
            for (CloudFormationStackArtifact artifact : assembly.getStacks()) {
                Path template = Path.of(artifact.getTemplateFullPath());
                long size = Files.size(template);
                if (size > MAX_TEMPLATE_BYTES) {
                    Files.delete(template);
                    err.println("velero-irsa: invalid configuration (" + ConfigLoader.source(app.getNode()) + "): clusters:"
                            + " the template of stack " + artifact.getStackName() + " is " + size + " bytes, over"
                            + " CloudFormation's limit of " + MAX_TEMPLATE_BYTES + " (expected fewer clusters per stack:"
                            + " split the list across configurations with their own stackName)");
                    return 1;
                }
            }
            List<String> pending = stacks.stream().flatMap(st -> st.getPendingLookups().stream()).toList();
            if (!pending.isEmpty()) {
                if (!byCli) {
                    // Nobody will answer the lookups: leave no template of placeholders behind.
                    for (CloudFormationStackArtifact artifact : assembly.getStacks()) {
                        Files.deleteIfExists(Path.of(artifact.getTemplateFullPath()));
                    }
                    err.println("velero-irsa: lookups not answered (" + ConfigLoader.source(app.getNode()) + "): "
                            + pending.get(0) + " (expected cdk synth, which looks it up with AWS"
                            + " credentials and keeps the answer in cdk.context.json; or the value itself: each cluster's"
                            + " oidcIssuer, kmsKeyArn)");
                    return 1;
                }
                // The CLI answers the lookups and runs the app again, which then says what it has to.
                return 0;
            }
        } catch (java.io.IOException e) {
            err.println("velero-irsa: synthesis failed: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // A construct's validation or aws-cdk-lib itself: what it says, on one line, without a stack trace.
            err.println("velero-irsa: synthesis failed: " + oneLine(e));
            return 1;
        }
        if (note != null) {
            err.println(note);
        }
        return 0;
    }

    /**
     * The app's stacks: one, or with clusters in accounts one per account and region
     * ({@link FleetPlan}), each pinned to its environment.
     */
    static List<VeleroStack> stacks(App app, VeleroConfig config, String account, String region) {
        FleetPlan plan = FleetPlan.of(config);
        if (plan != null) {
            List<VeleroStack> stacks = new ArrayList<>();
            List<FleetPlan.Place> places = plan.stacks();
            for (FleetPlan.Place place : places) {
                stacks.add(new VeleroStack(app, plan.stackName(place), StackProps.builder()
                        .description("Velero on EKS, account " + place.account() + " in " + place.region()
                                + ": backup buckets, Velero policies and the roles Velero assumes (velero-irsa)")
                        .env(Environment.builder().account(place.account()).region(place.region()).build())
                        .suppressTemplateIndentation(plan.configAt(place).unindented() ? true : null)
                        .build(), config, plan, place));
            }
            // A replication rule needs its replica to exist: the replicas' stacks deploy first.
            java.util.Map<FleetPlan.Place, VeleroStack> byPlace = new java.util.HashMap<>();
            for (int i = 0; i < places.size(); i++) {
                byPlace.put(places.get(i), stacks.get(i));
            }
            for (FleetPlan.Place place : places) {
                for (FleetPlan.Place replica : plan.replicaStacksOf(place)) {
                    byPlace.get(place).addStackDependency(byPlace.get(replica), "its buckets replicate into the replicas there");
                }
            }
            return stacks;
        }
        StackProps.Builder props = StackProps.builder()
                .description("Velero on EKS: backup bucket, Velero policy and the role Velero assumes (velero-irsa)");
        if (config.unindented()) {
            props.suppressTemplateIndentation(true);
        }
        if (config.portable()) {
            // One template for every account: no environment, no bootstrap parameter or rule,
            // no CDK metadata resource.
            props.synthesizer(DefaultStackSynthesizer.Builder.create()
                            .generateBootstrapVersionRule(false).build())
                    .analyticsReporting(false);
        } else if (account != null) {
            props.env(Environment.builder().account(account).region(region).build());
        }
        return List.of(new VeleroStack(app, config.stackNameOrDefault(), props.build(), config));
    }

    /** An exception's message on one line: jsii's carry the JavaScript stack after a line break. */
    private static String oneLine(RuntimeException e) {
        return String.join(" ", String.valueOf(e.getMessage()).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("at ") && !l.startsWith("@jsii/kernel")).toList());
    }
}
