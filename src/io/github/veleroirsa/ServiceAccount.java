package io.github.veleroirsa;

/**
 * A Kubernetes service account that may assume the backup role: Velero's server, a separate
 * data mover, or a second Velero install.
 *
 * @param namespace a DNS-1123 label
 * @param name      a DNS-1123 subdomain
 */
public record ServiceAccount(String namespace, String name) {
    /**
     * @param namespace a DNS-1123 label
     * @param name      a DNS-1123 subdomain
     * @throws InvalidInputException naming {@code namespace} or {@code name}
     */
    public ServiceAccount {
        Rules.NAMESPACE.check("namespace", namespace);
        Rules.SERVICE_ACCOUNT.check("name", name);
    }

    /** {@return the {@code sub} claim of its tokens: {@code system:serviceaccount:<namespace>:<name>}} */
    public String subject() {
        return "system:serviceaccount:" + namespace + ":" + name;
    }
}
