package io.github.veleroirsa;

import static io.github.veleroirsa.InvalidInputException.quote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awscdk.CfnJson;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.CompositePrincipal;
import software.amazon.awscdk.services.iam.IManagedPolicy;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PrincipalWithConditions;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.SessionTagsPrincipal;
import software.amazon.awscdk.services.iam.WebIdentityPrincipal;
import software.constructs.Construct;

/**
 * One role and the clusters it trusts: the one piece of code that builds every role, the shared
 * one and each named one alike. One trust statement per cluster (per namespace with pinned Pod
 * Identity): conditions within a statement are ANDed, so statements are never merged.
 */
final class TrustedRole {
    private final String name;
    private final List<EksCluster> clusters;
    private final VeleroBackupProps props;
    /** Each cluster's principals as the size check measures them: tokens stand in at their longest. */
    private final List<List<IPrincipal>> perCluster = new ArrayList<>();
    private final List<IPrincipal> shared;
    private final Function<EksCluster, String> providerArn;
    private final Function<EksCluster, String> clusterArn;

    /**
     * @param name        the role's name ({@link VeleroBackupProps#DEFAULT_ROLE} for the shared role)
     * @param clusters    its clusters, in name order
     * @param providerArn the ARN of a cluster's OIDC provider
     * @param clusterArn  the ARN of a cluster, for Pod Identity's {@code eks-cluster-arn} tag
     */
    TrustedRole(String name, List<EksCluster> clusters, VeleroBackupProps props, Function<EksCluster, String> providerArn,
            Function<EksCluster, String> clusterArn) {
        this.name = name;
        this.clusters = clusters;
        this.props = props;
        this.providerArn = providerArn;
        this.clusterArn = clusterArn;
        for (EksCluster cluster : clusters) {
            perCluster.add(principals(cluster, null, cluster.hasTokens() ? perCluster.size() : -1));
        }
        this.shared = props.getIdentity().podIdentity() && !props.isPodIdentityPinning()
                ? List.of(podIdentity(null)) : List.of();
    }

    /**
     * Fails when IAM would refuse one of these roles' trust policies: says by how much, which of
     * its clusters fit, and the ways out. Every role's principals go into one document, resolved
     * through jsii once and cut per role in Java: a fleet of roles costs one round trip, not one
     * per role. Cutting is exact only when aws-cdk-lib merged no statements (a merge is decided
     * pair by pair, so none in the whole means none in any role's part); otherwise each role is
     * resolved on its own.
     */
    static void checkSizes(Stack stack, java.util.Collection<TrustedRole> roles) {
        List<IPrincipal> all = new ArrayList<>();
        roles.forEach(role -> all.addAll(role.principals()));
        Map<?, ?> resolved = resolve(stack, all);
        boolean cuttable = resolved.get("Statement") instanceof List<?> statements && statements.size() == all.size();
        int from = 0;
        for (TrustedRole role : roles) {
            int count = role.statementCount();
            role.checkSize(stack, cuttable ? statements(resolved, from, from + count)
                    : resolve(stack, role.principals()));
            from += count;
        }
    }

    private void checkSize(Stack stack, Map<?, ?> trust) {
        int limit = props.getMaxTrustPolicyLength();
        int size = TrustPolicySize.measure(trust);
        if (size <= limit) {
            return;
        }
        // The most clusters, in order, whose statements fit: a binary search over the first n
        // clusters' trust policies, cut in Java from the one resolved above.
        int fit = 0;
        int over = perCluster.size();
        while (over - fit > 1) {
            int mid = (fit + over) >>> 1;
            if (TrustPolicySize.measure(firstClusters(stack, trust, mid)) <= limit) {
                fit = mid;
            } else {
                over = mid;
            }
        }
        String role = name.equals(VeleroBackupProps.DEFAULT_ROLE) ? "the role's" : "role " + quote(name) + "'s";
        throw new InvalidInputException("clusters", role + " trust policy would be " + size + " characters, over"
                + " the limit of " + limit + " (maxTrustPolicyLength; IAM counts no whitespace, and the account and"
                + " partition are counted at their longest); the first " + fit + " of these " + perCluster.size()
                + " clusters fit: " + InvalidInputException.names(clusters.stream().map(EksCluster::getName).toList())
                + " (expected either a raised IAM quota \"Role trust policy length\" (Service Quotas; 4096 is the"
                + " documented maximum, " + TrustPolicySize.MAX_LIMIT + " is granted in some accounts) with"
                + " maxTrustPolicyLength set to it, or the clusters split across several roles: clusters[].role"
                + " names a role per group, or roles PER_CLUSTER gives each cluster its own)");
    }

    /**
     * How many statements this construct gives the role's trust: one per principal (aws-cdk-lib
     * adds each principal of a role as a statement of its own).
     */
    int statementCount() {
        return principals().size();
    }

    /** The role's principals as the size check measures them, in trust order. */
    private List<IPrincipal> principals() {
        return principals(perCluster.size());
    }

    /** The shared principals and those of the role's first {@code clusters} clusters, as measured. */
    private List<IPrincipal> principals(int clusters) {
        List<IPrincipal> out = new ArrayList<>(shared);
        perCluster.subList(0, clusters).forEach(out::addAll);
        return out;
    }

    /**
     * Creates the role, with the policy attached and the props' role controls. A cluster whose
     * issuer is a token gets its IRSA conditions from a {@code CfnJson} under {@code conditions}.
     */
    Role create(Construct scope, String id, String description, IManagedPolicy policy, IManagedPolicy boundary,
            java.util.function.Supplier<Construct> conditions) {
        List<IPrincipal> principals = new ArrayList<>(shared);
        for (int i = 0; i < clusters.size(); i++) {
            principals.addAll(clusters.get(i).hasTokens() ? principals(clusters.get(i), conditions, -1) : perCluster.get(i));
        }
        // One principal goes in as it is: aws-cdk-lib adds it as a CompositePrincipal would.
        return Role.Builder.create(scope, id)
                .description(description)
                .assumedBy(principals.size() == 1 ? principals.get(0)
                        : new CompositePrincipal(principals.toArray(IPrincipal[]::new)))
                .managedPolicies(List.of(policy))
                .roleName(props.roleName(name))
                .path(props.getRolePath())
                .maxSessionDuration(props.getMaxSessionDuration())
                .permissionsBoundary(boundary)
                .build();
    }

    /** The trust policy of these principals, as CloudFormation gets it. */
    private static Map<?, ?> resolve(Stack stack, List<IPrincipal> principals) {
        PolicyDocument probe = new PolicyDocument();
        new CompositePrincipal(principals.toArray(IPrincipal[]::new)).addToAssumeRolePolicy(probe);
        return (Map<?, ?>) stack.resolve(probe);
    }

    /** A resolved trust policy with only statements {@code from} to {@code to} of it. */
    private static Map<?, ?> statements(Map<?, ?> trust, int from, int to) {
        Map<Object, Object> cut = new LinkedHashMap<>(trust);
        cut.put("Statement", ((List<?>) trust.get("Statement")).subList(from, to));
        return cut;
    }

    /**
     * The trust policy of the first {@code n} clusters alone: the whole one's statements, cut
     * after theirs (one statement per principal, in order). Resolved again, through jsii, only
     * if aws-cdk-lib ever merged statements.
     */
    private Map<?, ?> firstClusters(Stack stack, Map<?, ?> trust, int n) {
        List<IPrincipal> first = principals(n);
        if (!(trust.get("Statement") instanceof List<?> statements) || statements.size() != statementCount()) {
            return resolve(stack, first);
        }
        return statements(trust, 0, first.size());
    }

    /**
     * The trust principals of one cluster: its IRSA statement, its Pod Identity statements, or
     * both. With {@code standIn} 0 or more (the cluster's place in the role), for the size
     * check: the values that are tokens stand in at their longest
     * ({@link TrustPolicySize#longestEksIssuer(int)}). With -1, as deployed: a token issuer's
     * condition keys are written at deploy time by a {@code CfnJson} (a condition key cannot be
     * an intrinsic).
     */
    private List<IPrincipal> principals(EksCluster cluster, java.util.function.Supplier<Construct> conditions,
            int standIn) {
        boolean measured = standIn >= 0;
        List<IPrincipal> out = new ArrayList<>();
        if (props.getIdentity().irsa()) {
            String issuer = cluster.getOidcIssuer();
            String provider = providerArn.apply(cluster);
            boolean tokenIssuer = Rules.unresolved(issuer);
            if (measured && tokenIssuer) {
                issuer = TrustPolicySize.longestEksIssuer(standIn);
            }
            if (measured && (tokenIssuer || Rules.unresolved(cluster.givenProviderArn()))) {
                provider = TrustPolicySize.longestProviderArn(standIn);
            }
            Map<String, Object> equals = new LinkedHashMap<>();
            List<String> subjects = cluster.getSubjects();
            equals.put(issuer + ":sub", subjects.size() == 1 ? subjects.get(0) : subjects);
            equals.put(issuer + ":aud", VeleroPermissions.STS_AUDIENCE);
            Object condition = tokenIssuer && !measured
                    ? CfnJson.Builder.create(conditions.get(), cluster.getName()).value(equals).build()
                    : equals;
            out.add(new WebIdentityPrincipal(provider, Map.of("StringEquals", condition)));
        }
        if (props.getIdentity().podIdentity() && props.isPodIdentityPinning()) {
            // One statement per namespace: the tags' conditions are ANDed, so a statement with
            // two namespaces and two names would also admit the crossed pairs.
            Map<String, List<String>> byNamespace = new LinkedHashMap<>();
            cluster.getServiceAccounts().forEach(sa ->
                    byNamespace.computeIfAbsent(sa.namespace(), k -> new ArrayList<>()).add(sa.name()));
            byNamespace.forEach((namespace, names) -> {
                Map<String, Object> equals = new LinkedHashMap<>();
                equals.put("aws:RequestTag/" + VeleroBackup.POD_IDENTITY_CLUSTER_ARN_TAG,
                        measured && (Rules.unresolved(cluster.getClusterName()) || cluster.getClusterArn() != null)
                                ? TrustPolicySize.longestClusterArn(standIn) : clusterArn.apply(cluster));
                equals.put("aws:RequestTag/" + VeleroBackup.POD_IDENTITY_NAMESPACE_TAG, namespace);
                equals.put("aws:RequestTag/" + VeleroBackup.POD_IDENTITY_SERVICE_ACCOUNT_TAG,
                        names.size() == 1 ? names.get(0) : names);
                out.add(podIdentity(Map.of("StringEquals", equals)));
            });
        }
        return out;
    }

    /** {@code pods.eks.amazonaws.com} with {@code sts:AssumeRole} and {@code sts:TagSession}. */
    private static IPrincipal podIdentity(Map<String, Object> conditions) {
        IPrincipal service = new ServicePrincipal(VeleroPermissions.POD_IDENTITY_SERVICE);
        return new SessionTagsPrincipal(conditions == null ? service : new PrincipalWithConditions(service, conditions));
    }
}
