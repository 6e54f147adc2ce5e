package io.github.veleroirsa;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awscdk.services.iam.IOpenIdConnectProvider;

/**
 * One EKS cluster whose Velero may assume the backup role: its OIDC issuer and the Kubernetes
 * service account Velero runs as.
 *
 * <p>Immutable; build it with {@link #builder()}, which checks every value and throws at once.
 */
public final class EksCluster {
    /** The namespace Velero's own install uses. */
    public static final String DEFAULT_NAMESPACE = "velero";
    /** The service account Velero's own install uses. */
    public static final String DEFAULT_SERVICE_ACCOUNT = "velero";

    private final String name;
    private final String oidcIssuer;
    private final String oidcProviderArn;
    private final String clusterName;
    private final String region;
    private final String role;
    private final List<ServiceAccount> serviceAccounts;
    /** The OIDC provider of a cluster of the same app ({@link #fromCluster}), read when IRSA needs it. */
    private final Supplier<IOpenIdConnectProvider> clusterProvider;
    /** The ARN of a cluster of the same app, or {@code null}: built from the name and region. */
    private final String clusterArn;
    /** The prefix as given, or {@code null}: the cluster's name. */
    private final String prefix;
    private final List<String> restoresFrom;
    private final boolean restoreOnly;

    /** Checks every value of the builder by its rule; the first that breaks one is thrown at once. */
    private EksCluster(Builder b) {
        this.clusterProvider = b.clusterProvider;
        this.clusterArn = b.clusterArn;
        this.name = Rules.CLUSTER_NAME.check("name", b.name);
        this.oidcIssuer = b.oidcIssuer == null ? null
                : Rules.oidcIssuer("oidcIssuer", b.oidcIssuer, Boolean.TRUE.equals(b.nonEksIssuer));
        // Checked even when serviceAccounts replaces them: a bad value is a mistake either way.
        String namespace = Rules.NAMESPACE.check("namespace", b.namespace);
        String serviceAccount = Rules.SERVICE_ACCOUNT.check("serviceAccount", b.serviceAccount);
        if (b.oidcProviderArn != null && oidcIssuer == null) {
            throw new InvalidInputException("oidcIssuer", "missing (expected the issuer of the provider"
                    + " oidcProviderArn names)");
        }
        this.oidcProviderArn = b.oidcProviderArn == null ? null
                : Rules.oidcProviderArn("oidcProviderArn", b.oidcProviderArn, oidcIssuer);
        this.clusterName = b.clusterName == null ? null : Rules.CLUSTER_NAME.check("clusterName", b.clusterName);
        String issuerRegion = oidcIssuer == null ? null : Rules.issuerRegion(oidcIssuer);
        String givenRegion = b.region == null ? null : Rules.REGION.check("region", b.region);
        if (givenRegion != null && issuerRegion != null && !givenRegion.equals(issuerRegion)) {
            throw new InvalidInputException("region", InvalidInputException.quote(givenRegion) + " is not the"
                    + " region of the cluster's issuer " + InvalidInputException.quote(oidcIssuer) + " (expected "
                    + issuerRegion + ", or no region: an EKS issuer names its cluster's region)");
        }
        this.region = givenRegion != null ? givenRegion : issuerRegion;
        if (b.serviceAccounts == null) {
            this.serviceAccounts = List.of(new ServiceAccount(namespace, serviceAccount));
        } else {
            if (b.serviceAccounts.isEmpty()) {
                throw new InvalidInputException("serviceAccounts", "[] is empty (expected at least one"
                        + " {namespace, name})");
            }
            Set<ServiceAccount> seen = new HashSet<>();
            for (int i = 0; i < b.serviceAccounts.size(); i++) {
                ServiceAccount sa = Rules.required("serviceAccounts[" + i + "]", b.serviceAccounts.get(i));
                if (!seen.add(sa)) {
                    throw new InvalidInputException("serviceAccounts[" + i + "]", InvalidInputException.quote(
                            sa.namespace() + "/" + sa.name()) + " is listed twice (expected each service"
                            + " account once)");
                }
            }
            this.serviceAccounts = List.copyOf(b.serviceAccounts);
        }
        this.role = b.role == null ? null : Rules.ROLE_KEY.check("role", b.role);
        this.restoreOnly = Boolean.TRUE.equals(b.restoreOnly);
        if (restoreOnly && b.prefix != null) {
            throw new InvalidInputException("prefix", InvalidInputException.quote(b.prefix) + " is set for a restore-only"
                    + " cluster (expected none: a restore-only cluster has no backup location of its own)");
        }
        this.prefix = b.prefix == null ? null : Rules.PREFIX.check("prefix", b.prefix);
        List<String> sources = b.restoresFrom == null ? List.of() : b.restoresFrom;
        Set<String> seenSources = new HashSet<>();
        for (int i = 0; i < sources.size(); i++) {
            String source = Rules.CLUSTER_NAME.check("restoresFrom[" + i + "]", sources.get(i));
            if (source.equals(name)) {
                throw new InvalidInputException("restoresFrom[" + i + "]", InvalidInputException.quote(source)
                        + " is this cluster itself (expected other clusters: a cluster restores its own backups"
                        + " from its own location)");
            }
            if (!seenSources.add(source)) {
                throw new InvalidInputException("restoresFrom[" + i + "]", InvalidInputException.quote(source)
                        + " is listed twice (expected each source once)");
            }
        }
        this.restoresFrom = List.copyOf(sources);
        if (restoreOnly && restoresFrom.isEmpty()) {
            throw new InvalidInputException("restoreOnly", "true, with no restoresFrom (expected the names of the"
                    + " clusters it restores from: a restore-only cluster has no backups of its own)");
        }
        if (b.clusterProvider != null && (b.oidcIssuer != null || b.oidcProviderArn != null)) {
            throw new InvalidInputException(b.oidcIssuer != null ? "oidcIssuer" : "oidcProviderArn", "is set for a"
                    + " cluster from fromCluster (expected none: the issuer and provider come from the cluster)");
        }
    }

    /**
     * The region an EKS cluster's OIDC issuer names, checked to the character as {@link
     * Builder#oidcIssuer} checks it.
     *
     * @param issuer an issuer URL, {@code https://} optional
     * @return its region, or {@code null} when it is not an EKS issuer
     */
    public static String eksIssuerRegion(String issuer) {
        return Rules.issuerRegion(issuer);
    }

    /** {@return a builder of a cluster} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A cluster defined in the same CDK app (or imported into it) with aws-eks: its EKS name, its
     * ARN and region, and under IRSA its OIDC provider (and the issuer that provider names) come
     * from {@code cluster}, as deploy-time tokens where they are; no second provider is made for
     * its issuer. aws-eks makes the cluster's provider when it is first read, which happens only
     * under IRSA; an imported cluster needs {@code openIdConnectProvider} among its attributes.
     * The namespace and service accounts are set on the builder as for any cluster.
     *
     * <p>An IRSA trust statement's condition keys name the issuer, which is a token here: they
     * are written out at deploy time by a {@code CfnJson}, a Lambda-backed custom resource (the one
     * aws-eks's own service accounts use). Pod Identity needs none.
     *
     * @param name    a stable name for the cluster in this construct, as {@link Builder#name}
     * @param cluster the cluster
     * @return a builder with the name, the EKS name and the cluster's provider set
     */
    public static Builder fromCluster(String name, software.amazon.awscdk.services.eks.ICluster cluster) {
        return fromCluster(name, cluster.getClusterName(), cluster.getClusterArn(), cluster.getEnv().getRegion(),
                cluster::getOpenIdConnectProvider);
    }

    /**
     * As {@link #fromCluster(String, software.amazon.awscdk.services.eks.ICluster)}, for a cluster
     * of aws-eks-v2.
     *
     * @param name    a stable name for the cluster in this construct, as {@link Builder#name}
     * @param cluster the cluster
     * @return a builder with the name, the EKS name and the cluster's provider set
     */
    public static Builder fromCluster(String name, software.amazon.awscdk.services.eks_v2.ICluster cluster) {
        return fromCluster(name, cluster.getClusterName(), cluster.getClusterArn(), cluster.getEnv().getRegion(),
                cluster::getOpenIdConnectProvider);
    }

    private static Builder fromCluster(String name, String clusterName, String clusterArn,
            String region, Supplier<IOpenIdConnectProvider> provider) {
        Builder b = builder().name(name).clusterName(clusterName);
        if (!Rules.unresolved(region)) {
            b.region(region);
        }
        b.clusterArn = clusterArn;
        b.clusterProvider = new Supplier<>() {
            private IOpenIdConnectProvider read;

            @Override
            public IOpenIdConnectProvider get() {
                if (read == null) {
                    try {
                        read = provider.get();
                    } catch (RuntimeException e) {
                        throw new InvalidInputException("oidcIssuer", "cluster " + InvalidInputException.quote(name)
                                + " has no OIDC provider to read (" + String.valueOf(e.getMessage()).lines().findFirst()
                                .orElse("") + ") (expected a cluster imported with its openIdConnectProvider, or"
                                + " identity POD_IDENTITY)");
                    }
                }
                return read;
            }
        };
        return b;
    }

    /**
     * {@return the cluster's stable identity in this construct: the construct IDs of its OIDC
     * provider derive from it, so renaming a cluster replaces its provider. Need not be the EKS
     * name}
     */
    public String getName() {
        return name;
    }

    /**
     * {@return the issuer's host and path ({@code null} if none was given: Pod Identity needs
     * none), without {@code https://} and without a trailing slash, e.g. {@code
     * oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1}. This is the prefix of
     * the IAM condition keys {@code <issuer>:sub} and {@code <issuer>:aud}. For a cluster of
     * {@link #fromCluster}, the issuer its OIDC provider names, a token: reading it makes aws-eks
     * create the cluster's provider if it has none yet}
     *
     * @throws InvalidInputException for a cluster of {@link #fromCluster} without a provider
     */
    public String getOidcIssuer() {
        return clusterProvider != null ? clusterProvider.get().getOpenIdConnectProviderIssuer() : oidcIssuer;
    }

    /**
     * {@return the cluster's AWS region: the one given with {@link Builder#region}, or else the one
     * its EKS issuer names ({@code oidc.eks.<region>.amazonaws.com}); {@code null} when neither
     * tells, and then the stack's region is assumed. Velero's volume snapshot location takes it:
     * EBS snapshots are regional}
     */
    public String getRegion() {
        return region;
    }

    /**
     * {@return the name of the role this cluster's Velero assumes ({@code Roles/<role>}), or {@code
     * null} for the one {@link VeleroBackupProps#getRoleLayout()} gives it: the shared role, or with
     * {@link RoleLayout#PER_CLUSTER} a role named after the cluster}
     */
    public String getRole() {
        return role;
    }

    /**
     * {@return the issuer as a URL: {@code https://} followed by {@link #getOidcIssuer()}; {@code
     * null} without one}
     */
    public String getOidcIssuerUrl() {
        String issuer = getOidcIssuer();
        return issuer == null ? null : Rules.HTTPS + issuer;
    }

    /** {@return the EKS cluster name, for Pod Identity; {@code null} if not given} */
    public String getClusterName() {
        return clusterName;
    }

    /**
     * {@return every service account that may assume the role on this cluster: those given with
     * {@link Builder#serviceAccounts}, or the one of {@link #getNamespace()} and {@link
     * #getServiceAccount()}}
     */
    public List<ServiceAccount> getServiceAccounts() {
        return serviceAccounts;
    }

    /** {@return the {@code sub} claims of {@link #getServiceAccounts()}, in order} */
    public List<String> getSubjects() {
        return getServiceAccounts().stream().map(ServiceAccount::subject).toList();
    }

    /** {@return the namespace Velero runs in on this cluster (the first service account's, when several)} */
    public String getNamespace() {
        return getServiceAccounts().get(0).namespace();
    }

    /** {@return the service account Velero runs as on this cluster (the first, when several)} */
    public String getServiceAccount() {
        return getServiceAccounts().get(0).name();
    }

    /**
     * {@return the {@code sub} claim of the first service account's tokens: {@code
     * system:serviceaccount:<ns>:<sa>}}
     */
    public String getSubject() {
        return getServiceAccounts().get(0).subject();
    }

    /** {@return the ARN of an existing IAM OIDC provider for this issuer, or {@code null} to create one} */
    public String getOidcProviderArn() {
        return clusterProvider != null ? clusterProvider.get().getOpenIdConnectProviderArn() : oidcProviderArn;
    }

    /**
     * {@return the cluster's prefix in the bucket: its backup storage location's, where Velero
     * keeps its backups ({@code <prefix>/backups/}, {@code <prefix>/kopia/}); the one given with
     * {@link Builder#prefix}, else the cluster's name. Unused with {@link Isolation#SHARED}, and by a
     * restore-only cluster}
     */
    public String getPrefix() {
        return prefix != null ? prefix : name;
    }

    /** The prefix as given ({@code null}: none). */
    String givenPrefix() {
        return prefix;
    }

    /** {@return the names of the clusters whose backups this cluster may restore, as given; empty for none} */
    public List<String> getRestoresFrom() {
        return restoresFrom;
    }

    /**
     * {@return whether the cluster only restores: no backup location of its own, no delete
     * anywhere, no EBS snapshot creation or deletion}
     */
    public boolean isRestoreOnly() {
        return restoreOnly;
    }

    /** The issuer as given, without reading a same-app cluster's provider ({@code null} for one). */
    String givenIssuer() {
        return oidcIssuer;
    }

    /** The provider ARN as given, without reading a same-app cluster's provider ({@code null} for one). */
    String givenProviderArn() {
        return oidcProviderArn;
    }

    /** {@return whether the issuer, provider, cluster name or ARN is a token, known only at deploy time} */
    boolean hasTokens() {
        return clusterProvider != null || Rules.unresolved(oidcIssuer) || Rules.unresolved(oidcProviderArn)
                || Rules.unresolved(clusterName) || Rules.unresolved(clusterArn);
    }

    /** The cluster's ARN when it comes from a cluster of the same app, else {@code null}. */
    String getClusterArn() {
        return clusterArn;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EksCluster c
                && name.equals(c.name)
                && Objects.equals(oidcIssuer, c.oidcIssuer)
                && serviceAccounts.equals(c.serviceAccounts)
                && Objects.equals(clusterName, c.clusterName)
                && Objects.equals(region, c.region)
                && Objects.equals(role, c.role)
                && Objects.equals(oidcProviderArn, c.oidcProviderArn)
                && clusterProvider == c.clusterProvider
                && Objects.equals(clusterArn, c.clusterArn)
                && Objects.equals(prefix, c.prefix)
                && restoresFrom.equals(c.restoresFrom)
                && restoreOnly == c.restoreOnly;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, oidcIssuer, serviceAccounts, clusterName, region, role, oidcProviderArn,
                clusterProvider == null ? 0 : System.identityHashCode(clusterProvider), clusterArn, prefix,
                restoresFrom, restoreOnly);
    }

    @Override
    public String toString() {
        return "EksCluster[name=" + name + ", oidcIssuer=" + oidcIssuer + ", subjects=" + getSubjects()
                + (clusterName == null ? "" : ", clusterName=" + clusterName)
                + (region == null ? "" : ", region=" + region)
                + (role == null ? "" : ", role=" + role)
                + (oidcProviderArn == null ? "" : ", oidcProviderArn=" + oidcProviderArn)
                + (prefix == null ? "" : ", prefix=" + prefix)
                + (restoresFrom.isEmpty() ? "" : ", restoresFrom=" + restoresFrom)
                + (restoreOnly ? ", restoreOnly" : "") + "]";
    }

    /** Builds an {@link EksCluster}; {@code name} is required, and {@code oidcIssuer} for IRSA. */
    public static final class Builder {
        private String name;
        private String oidcIssuer;
        private String namespace = DEFAULT_NAMESPACE;
        private String serviceAccount = DEFAULT_SERVICE_ACCOUNT;
        private String oidcProviderArn;
        private String clusterName;
        private String region;
        private String role;
        private List<ServiceAccount> serviceAccounts;
        private Supplier<IOpenIdConnectProvider> clusterProvider;
        private String clusterArn;
        private Boolean nonEksIssuer;
        private String prefix;
        private List<String> restoresFrom;
        private Boolean restoreOnly;

        private Builder() {}

        /**
         * The cluster's prefix in the bucket, where its backup storage location keeps its backups
         * (with {@link Isolation#PER_CLUSTER}, the default). No two clusters' prefixes may be the
         * same or one inside the other.
         *
         * @param prefix letters, digits, '.', '_' and '-' in segments joined by '/', at most 256
         * @return this builder; default - the cluster's name
         */
        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /**
         * The clusters whose backups this cluster may restore, by name: each becomes a {@code
         * ReadOnly} backup storage location in its wiring, on the source's prefix, and its role
         * reads there and writes only what a restore writes (its logs and results).
         *
         * @param restoresFrom names of other clusters of the same construct, each once
         * @return this builder; default - none
         */
        public Builder restoresFrom(List<String> restoresFrom) {
            this.restoresFrom = restoresFrom;
            return this;
        }

        /**
         * Whether the cluster only restores (a DR or test cluster): no backup location of its own,
         * no delete anywhere, no EBS snapshot creation or deletion. Needs {@link #restoresFrom}, and
         * a role that no backing-up cluster shares.
         *
         * @param restoreOnly true for a cluster that only restores
         * @return this builder; default - false
         */
        public Builder restoreOnly(Boolean restoreOnly) {
            this.restoreOnly = restoreOnly;
            return this;
        }

        /**
         * Whether the cluster's OIDC issuer may be another than EKS's: a kOps, EKS Anywhere or
         * self-managed cluster that runs the pod identity webhook. Without it, {@link #oidcIssuer}
         * must be an EKS issuer to the character ({@code https://oidc.eks.<region>.amazonaws.com/id/}
         * and 32 hexadecimal digits); with it, any https URL of a DNS host and a plain path (no
         * port, query, fragment, empty segment, {@code .} or {@code ..}). Such an issuer names no
         * region: give {@link #region} when the cluster is not in the stack's.
         *
         * @param nonEksIssuer true for an issuer that is not EKS's
         * @return this builder; default - false: only EKS issuers
         */
        public Builder nonEksIssuer(Boolean nonEksIssuer) {
            this.nonEksIssuer = nonEksIssuer;
            return this;
        }

        /**
         * The role this cluster's Velero assumes, by a stable name (1 to 100 letters, digits,
         * '-' and '_'): clusters that name the same role share it, at construct ID
         * {@code Roles/<role>}. Adding, removing or moving a cluster changes only the roles it
         * leaves or joins.
         *
         * @param role a stable role name, 1 to 100 letters, digits, '-' and '_'
         * @return this builder; default - the shared role ({@code Role}), or with
         * {@link RoleLayout#PER_CLUSTER} a role named after the cluster
         */
        public Builder role(String role) {
            this.role = role;
            return this;
        }

        /**
         * The cluster's AWS region, like {@code eu-central-1}: where Velero's volume snapshot
         * location takes EBS snapshots. An EKS issuer already names it; give it for a cluster
         * without one (Pod Identity) that is not in the stack's region.
         *
         * @param region an AWS region name
         * @return this builder; default - the region the issuer names, else the stack's
         */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * The EKS cluster's name. With Pod Identity, the role's trust is pinned to the cluster's
         * ARN (the {@code eks-cluster-arn} session tag: this name, in {@link #region} or the
         * stack's region, in the stack's account) and a pod identity association is created for
         * each service account. A token is taken as it is, unchecked.
         *
         * @param clusterName the EKS cluster's name, as {@code aws eks list-clusters} prints it
         * @return this builder; default {@code null}
         */
        public Builder clusterName(String clusterName) {
            this.clusterName = clusterName;
            return this;
        }

        /**
         * Several service accounts that may assume the role on this cluster, for example
         * Velero's server and a separate data mover; replaces {@link #namespace} and
         * {@link #serviceAccount}. The cluster keeps one IRSA trust statement, whose {@code sub}
         * condition lists them all.
         *
         * @param serviceAccounts namespaces and names of service accounts, each once
         * @return this builder; default - the one of {@link #namespace} and {@link #serviceAccount}
         */
        public Builder serviceAccounts(List<ServiceAccount> serviceAccounts) {
            this.serviceAccounts = serviceAccounts;
            return this;
        }

        /**
         * A stable name for the cluster, unique within the construct (1 to 100 letters, digits,
         * '-' and '_'). Required.
         *
         * @param name the cluster's stable name in this construct
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The cluster's OIDC issuer, as {@code aws eks describe-cluster --query
         * cluster.identity.oidc.issuer} prints it; {@code https://} and a trailing slash are
         * optional. Required for IRSA; Pod Identity needs none. A token (an issuer known at deploy
         * time, like {@code CfnCluster.getAttrOpenIdConnectIssuerUrl()}) is taken as it is, as the
         * issuer URL with {@code https://}, and skips the checks of its form; see
         * {@link EksCluster#fromCluster} for a cluster of the same app.
         *
         * @param oidcIssuer the issuer URL; {@code https://} and a trailing slash are optional
         * @return this builder
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

        /**
         * Builds the cluster and checks every value by the rules of EKS, Kubernetes and IAM.
         *
         * @return the cluster
         * @throws InvalidInputException at once, naming the cluster ({@code cluster "backup"}) and
         *     the first field whose value breaks a rule
         */
        public EksCluster build() {
            try {
                return new EksCluster(this);
            } catch (InvalidInputException e) {
                // A bad name is named by the field: the cluster is not yet known by it.
                throw e.about(e.getField().equals("name") ? "cluster" : "cluster " + InvalidInputException.quote(name));
            }
        }
    }
}
