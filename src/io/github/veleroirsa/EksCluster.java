package io.github.veleroirsa;

import java.util.Objects;

/**
 * One EKS cluster whose Velero may assume the backup role: its OIDC issuer and the Kubernetes
 * service account Velero runs as.
 *
 * <p>Immutable; build it with {@link #builder()}. Every value is checked by {@link Builder#build()}.
 */
public final class EksCluster {
    /** The namespace Velero's own install uses. */
    public static final String DEFAULT_NAMESPACE = "velero";
    /** The service account Velero's own install uses. */
    public static final String DEFAULT_SERVICE_ACCOUNT = "velero";

    private final String name;
    private final String oidcIssuer;
    private final String namespace;
    private final String serviceAccount;
    private final String oidcProviderArn;

    private EksCluster(Builder b) {
        this.name = Rules.clusterName("name", b.name);
        this.oidcIssuer = Rules.oidcIssuer("oidcIssuer", b.oidcIssuer);
        this.namespace = Rules.namespace("namespace", b.namespace);
        this.serviceAccount = Rules.serviceAccount("serviceAccount", b.serviceAccount);
        this.oidcProviderArn = b.oidcProviderArn == null
                ? null
                : Rules.oidcProviderArn("oidcProviderArn", b.oidcProviderArn, oidcIssuer);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cluster's stable identity in this construct: the construct IDs of its OIDC provider
     * derive from it, so renaming a cluster replaces its provider. Need not be the EKS name.
     */
    public String getName() {
        return name;
    }

    /**
     * The issuer's host and path, without {@code https://} and without a trailing slash, e.g.
     * {@code oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1}. This is the
     * prefix of the IAM condition keys {@code <issuer>:sub} and {@code <issuer>:aud}.
     */
    public String getOidcIssuer() {
        return oidcIssuer;
    }

    /** The issuer as a URL: {@code https://} followed by {@link #getOidcIssuer()}. */
    public String getOidcIssuerUrl() {
        return Rules.HTTPS + oidcIssuer;
    }

    /** The namespace Velero runs in on this cluster. */
    public String getNamespace() {
        return namespace;
    }

    /** The service account Velero runs as on this cluster. */
    public String getServiceAccount() {
        return serviceAccount;
    }

    /** The {@code sub} claim of that service account's tokens: {@code system:serviceaccount:<ns>:<sa>}. */
    public String getSubject() {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }

    /** The ARN of an existing IAM OIDC provider for this issuer, or {@code null} to create one. */
    public String getOidcProviderArn() {
        return oidcProviderArn;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EksCluster c
                && name.equals(c.name)
                && oidcIssuer.equals(c.oidcIssuer)
                && namespace.equals(c.namespace)
                && serviceAccount.equals(c.serviceAccount)
                && Objects.equals(oidcProviderArn, c.oidcProviderArn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, oidcIssuer, namespace, serviceAccount, oidcProviderArn);
    }

    @Override
    public String toString() {
        return "EksCluster[name=" + name + ", oidcIssuer=" + oidcIssuer + ", subject=" + getSubject()
                + (oidcProviderArn == null ? "" : ", oidcProviderArn=" + oidcProviderArn) + "]";
    }

    /** Builds an {@link EksCluster}; {@code name} and {@code oidcIssuer} are required. */
    public static final class Builder {
        private String name;
        private String oidcIssuer;
        private String namespace = DEFAULT_NAMESPACE;
        private String serviceAccount = DEFAULT_SERVICE_ACCOUNT;
        private String oidcProviderArn;

        private Builder() {}

        /**
         * A stable name for the cluster, unique within the construct (1 to 100 letters, digits,
         * '-' and '_'). Required.
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The cluster's OIDC issuer, as {@code aws eks describe-cluster --query
         * cluster.identity.oidc.issuer} prints it; {@code https://} and a trailing slash are
         * optional. Required.
         */
        public Builder oidcIssuer(String oidcIssuer) {
            this.oidcIssuer = oidcIssuer;
            return this;
        }

        /**
         * The namespace Velero runs in.
         *
         * @param namespace a DNS-1123 label
         * @return this builder; default {@value EksCluster#DEFAULT_NAMESPACE}
         */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /**
         * The service account Velero runs as.
         *
         * @param serviceAccount a DNS-1123 subdomain
         * @return this builder; default {@value EksCluster#DEFAULT_SERVICE_ACCOUNT}
         */
        public Builder serviceAccount(String serviceAccount) {
            this.serviceAccount = serviceAccount;
            return this;
        }

        /**
         * An existing IAM OIDC provider for this cluster's issuer. IAM holds one provider per
         * issuer per account, so use this when the provider already exists (eksctl and other
         * IRSA tools create it): the construct then imports it and creates none.
         *
         * @param oidcProviderArn {@code arn:<partition>:iam::<account>:oidc-provider/<issuer>}
         * @return this builder; default {@code null}: a new provider is created
         */
        public Builder oidcProviderArn(String oidcProviderArn) {
            this.oidcProviderArn = oidcProviderArn;
            return this;
        }

        /** @throws InvalidInputException naming the first value that breaks a rule */
        public EksCluster build() {
            return new EksCluster(this);
        }
    }
}
