package io.github.veleroirsa.app;

import io.github.veleroirsa.InvalidInputException;

/**
 * One entry of {@code clusters} in the configuration.
 *
 * @param name            stable name of the cluster in this stack (required)
 * @param oidcIssuer      the cluster's OIDC issuer URL (required)
 * @param oidcProviderArn an existing IAM OIDC provider for that issuer, to import instead of create
 * @param namespace       Velero's namespace; default: the top-level {@code namespace}
 * @param serviceAccount  Velero's service account; default: the top-level {@code serviceAccount}
 */
public record ClusterConfig(
        String name, String oidcIssuer, String oidcProviderArn, String namespace, String serviceAccount) {

    public ClusterConfig {
        if (name == null) {
            throw new InvalidInputException("name", "missing (expected a stable name for the cluster, like \"backup\")");
        }
        if (oidcIssuer == null) {
            throw new InvalidInputException("oidcIssuer", "missing (expected the cluster's issuer as"
                    + " `aws eks describe-cluster --query cluster.identity.oidc.issuer` prints it)");
        }
    }
}
