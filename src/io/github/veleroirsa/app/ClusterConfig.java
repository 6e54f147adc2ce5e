package io.github.veleroirsa.app;

import io.github.veleroirsa.InvalidInputException;
import java.util.List;

/**
 * One entry of {@code clusters} in the configuration.
 *
 * @param name            stable name of the cluster in this stack (required)
 * @param oidcIssuer      the cluster's OIDC issuer URL (required for IRSA)
 * @param oidcProviderArn an existing IAM OIDC provider for that issuer, to import instead of create
 * @param clusterName     the EKS cluster name, for Pod Identity
 * @param region          the cluster's region; default: the one its EKS issuer names, else the stack's
 * @param role            the role the cluster uses, by name; default: the shared role, or its own with PER_CLUSTER
 * @param namespace       Velero's namespace; default: the top-level {@code namespace}
 * @param serviceAccount  Velero's service account; default: the top-level {@code serviceAccount}
 * @param serviceAccounts several service accounts instead of {@code namespace} and {@code serviceAccount}
 * @param nonEksIssuer    true for a cluster whose OIDC issuer is not EKS's (kOps, EKS Anywhere, self-managed)
 * @param prefix          the cluster's prefix in the bucket (default: its name)
 * @param restoresFrom    names of the clusters whose backups it may restore
 * @param restoreOnly     true for a cluster that only restores
 * @param account         the 12-digit AWS account the cluster runs in: a stack per account and region
 */
public record ClusterConfig(
        String name, String oidcIssuer, String oidcProviderArn, String clusterName, String region, String role, String namespace,
        String serviceAccount, List<ServiceAccountConfig> serviceAccounts, Boolean nonEksIssuer, String prefix,
        List<String> restoresFrom, Boolean restoreOnly, String account) {

    public ClusterConfig {
        if (name == null) {
            throw new InvalidInputException("name", "missing (expected a stable name for the cluster, like \"backup\")");
        }
        if (serviceAccounts != null && serviceAccount != null) {
            throw new InvalidInputException("serviceAccount", InvalidInputException.quote(serviceAccount)
                    + " is set together with serviceAccounts (expected one of the two)");
        }
        if (serviceAccounts != null && namespace != null) {
            throw new InvalidInputException("namespace", InvalidInputException.quote(namespace)
                    + " is set together with serviceAccounts (expected the namespace in each entry of"
                    + " serviceAccounts)");
        }
    }

    /**
     * One entry of a cluster's {@code serviceAccounts}.
     *
     * @param namespace its namespace; default: the top-level {@code namespace}
     * @param name      the service account's name (required)
     */
    public record ServiceAccountConfig(String namespace, String name) {
        public ServiceAccountConfig {
            if (name == null) {
                throw new InvalidInputException("name", "missing (expected the service account's name)");
            }
        }
    }
}
