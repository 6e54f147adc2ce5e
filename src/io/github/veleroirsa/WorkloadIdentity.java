package io.github.veleroirsa;

/** How Velero's pods get the role's credentials. */
public enum WorkloadIdentity {
    /** IAM roles for service accounts: an OIDC provider per cluster and web-identity trust. */
    IRSA,
    /** EKS Pod Identity: the role trusts pods.eks.amazonaws.com; no OIDC provider. */
    POD_IDENTITY,
    /** Both at once, for moving a fleet from IRSA to Pod Identity one cluster at a time. */
    BOTH;

    /** {@return whether Velero may use IRSA: an OIDC provider and a web-identity trust per cluster} */
    public boolean irsa() {
        return this != POD_IDENTITY;
    }

    /** {@return whether Velero may use EKS Pod Identity} */
    public boolean podIdentity() {
        return this != IRSA;
    }
}
