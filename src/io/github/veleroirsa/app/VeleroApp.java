package io.github.veleroirsa.app;

import io.github.veleroirsa.InvalidInputException;
import java.io.PrintStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app that {@code cdk synth} and {@code cdk deploy} run: reads the configuration,
 * builds one {@link VeleroStack} and writes its template.
 */
public final class VeleroApp {
    private VeleroApp() {}

    public static void main(String[] args) {
        int status = run(new App(), System.getenv("CDK_DEFAULT_ACCOUNT"), System.getenv("CDK_DEFAULT_REGION"),
                System.err);
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
     * @return 0 once the template is written; 1 after a configuration mistake, reported on
     *     {@code err} in one line, with nothing written
     */
    public static int run(App app, String account, String region, PrintStream err) {
        try {
            VeleroConfig config = ConfigLoader.load(app.getNode());
            new VeleroStack(app, config.stackNameOrDefault(), StackProps.builder()
                    .env(account == null
                            ? null
                            : Environment.builder().account(account).region(region).build())
                    .description("Velero on EKS: backup bucket, Velero policy, OIDC providers and IRSA role"
                            + " (velero-irsa)")
                    .build(), config);
        } catch (InvalidInputException e) {
            err.println("velero-irsa: invalid configuration (" + ConfigLoader.source(app.getNode()) + "): "
                    + e.getMessage());
            return 1;
        }
        app.synth();
        return 0;
    }
}
