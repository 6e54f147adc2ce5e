package io.github.veleroirsa;

import static io.github.veleroirsa.InvalidInputException.quote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awscdk.CfnJson;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.CfnRole;
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
 *
 * <p>Two paths: {@link #principals(EksCluster, Supplier)} builds a cluster's principals as
 * deployed; {@link #standIns} builds them with every value that is a token until deployment
 * standing in at its longest, which {@link #checkSize} measures. A cluster without tokens is
 * measured as deployed, its principals built once.
 */
final class TrustedRole {
    private final String name;
    private final List<EksCluster> clusters;
    private final VeleroBackupProps props;
    /** Each cluster's OIDC provider ARN and EKS cluster ARN, by cluster name, made once by the construct. */
    private final Map<String, String> providerArns;
    private final Map<String, String> clusterArns;
    /** The principal every cluster shares: unpinned Pod Identity. */
    private final List<IPrincipal> shared;
    /** Each cluster's principals as measured: as deployed without tokens, else with stand-ins. */
    private final List<List<IPrincipal>> measured = new ArrayList<>();
    /** Each trust statement's Sid, in order: the shared principal's, then each cluster's. */
    private final List<String> sids = new ArrayList<>();
    /** Whether aws-cdk-lib gave each principal a statement of its own, so that {@link #sids} apply by index. */
    private boolean oneStatementEach;

    /**
     * @param name         the role's name ({@link VeleroBackupProps#DEFAULT_ROLE} for the shared role)
     * @param clusters     its clusters, in name order
     * @param providerArns the ARN of each cluster's OIDC provider, by cluster name (IRSA)
     * @param clusterArns  the ARN of each cluster, by cluster name, for Pod Identity's {@code eks-cluster-arn} tag
     */
    TrustedRole(String name, List<EksCluster> clusters, VeleroBackupProps props, Map<String, String> providerArns,
            Map<String, String> clusterArns) {
        this.name = name;
        this.clusters = clusters;
        this.props = props;
        this.providerArns = providerArns;
        this.clusterArns = clusterArns;
        this.shared = props.getIdentity().podIdentity() && !props.isPodIdentityPinning()
                ? List.of(podIdentity(null)) : List.of();
        // The i-th cluster with tokens stands in with number i: no two measured statements are the same.
        int standIns = 0;
        for (EksCluster cluster : clusters) {
            measured.add(cluster.hasTokens() ? standIns(cluster, standIns++) : principals(cluster, null));
        }
        java.util.Set<String> taken = new java.util.HashSet<>();
        if (!shared.isEmpty()) {
            sids.add(Wiring.unique(taken, "PodIdentityAnyAssociation"));
        }
        for (EksCluster cluster : clusters) {
            String pascal = Wiring.pascal(cluster.getName());
            if (props.getIdentity().irsa()) {
                sids.add(Wiring.unique(taken, "Irsa" + pascal));
            }
            if (props.getIdentity().podIdentity() && props.isPodIdentityPinning()) {
                cluster.getServiceAccounts().stream().map(ServiceAccount::namespace).distinct()
                        .forEach(ns -> sids.add(Wiring.unique(taken, "PodIdentity" + pascal)));
            }
        }
    }

    /** What the Sids of the first {@code n} statements add to the trust policy's size: {@code "Sid":"<sid>",} each. */
    private int sidLength(int n) {
        int length = 0;
        for (String sid : sids.subList(0, Math.min(n, sids.size()))) {
            length += sid.length() + 9;
        }
        return length;
    }

    /** The shared principals and those of the role's first {@code n} clusters, as measured. */
    private List<IPrincipal> measuredPrincipals(int n) {
        List<IPrincipal> out = new ArrayList<>(shared);
        measured.subList(0, n).forEach(out::addAll);
        return out;
    }

    /**
     * Fails when IAM would refuse one of these roles' trust policies: says by how much, how many
     * of its clusters fit, and the ways out. Every role's principals go into one document,
     * resolved once and cut per role (CONTRIBUTING, Performance, measures what this saves):
     * aws-cdk-lib adds each principal as a statement of its own, in order, so the cut is exact
     * whenever it merged none, which the statement count shows; otherwise each role is resolved
     * on its own.
     */
    static void checkSizes(Stack stack, java.util.Collection<TrustedRole> roles) {
        List<IPrincipal> all = new ArrayList<>();
        roles.forEach(role -> all.addAll(role.measuredPrincipals(role.clusters.size())));
        Map<?, ?> resolved = resolve(stack, all);
        boolean cuttable = resolved.get("Statement") instanceof List<?> statements && statements.size() == all.size();
        int from = 0;
        for (TrustedRole role : roles) {
            int count = role.statementCount();
            Map<?, ?> trust = cuttable ? statements(resolved, from, from + count)
                    : resolve(stack, role.measuredPrincipals(role.clusters.size()));
            role.oneStatementEach = trust.get("Statement") instanceof List<?> own && own.size() == count;
            role.checkSize(stack, trust);
            from += count;
        }
    }

    /** A resolved trust policy with only statements {@code from} to {@code to} of it. */
    private static Map<?, ?> statements(Map<?, ?> trust, int from, int to) {
        Map<Object, Object> cut = new LinkedHashMap<>(trust);
        cut.put("Statement", ((List<?>) trust.get("Statement")).subList(from, to));
        return cut;
    }

    private void checkSize(Stack stack, Map<?, ?> trust) {
        int limit = props.getMaxTrustPolicyLength();
        int size = size(trust);
        if (size <= limit) {
            return;
        }
        // The most clusters, in order, whose statements fit: a binary search over the first n.
        int fit = 0;
        int over = clusters.size();
        while (over - fit > 1) {
            int mid = (fit + over) >>> 1;
            if (size(firstStatements(stack, trust, mid)) <= limit) {
                fit = mid;
            } else {
                over = mid;
            }
        }
        String role = name.equals(VeleroBackupProps.DEFAULT_ROLE) ? "the role's" : "role " + quote(name) + "'s";
        throw new InvalidInputException("clusters", role + " trust policy would be " + size + " characters, over"
                + " the limit of " + limit + " (maxTrustPolicyLength; IAM counts no whitespace, and the account and"
                + " partition are counted at their longest); the first " + fit + " of these " + clusters.size()
                + " clusters fit: " + InvalidInputException.names(clusters.stream().map(EksCluster::getName).toList())
                + " (expected either a raised IAM quota \"Role trust policy length\" (Service Quotas; 4096 is the"
                + " documented maximum, " + TrustPolicySize.MAX_LIMIT + " is granted in some accounts) with"
                + " maxTrustPolicyLength set to it, or the clusters split across several roles: clusters[].role"
                + " names a role per group, or roles PER_CLUSTER gives each cluster its own)");
    }

    /** A trust policy's size as IAM counts it, with the Sids the role's statements get. */
    private int size(Map<?, ?> trust) {
        int statements = trust.get("Statement") instanceof List<?> list ? list.size() : 1;
        return TrustPolicySize.measure(trust) + (oneStatementEach ? sidLength(statements) : 0);
    }

    /**
     * The trust policy of the first {@code n} clusters: the whole one's statements cut after
     * theirs, since aws-cdk-lib adds each principal as a statement of its own, in order; resolved
     * anew only where it merged any.
     */
    private Map<?, ?> firstStatements(Stack stack, Map<?, ?> trust, int n) {
        List<IPrincipal> first = measuredPrincipals(n);
        if (!(trust.get("Statement") instanceof List<?> statements) || statements.size() != statementCount()) {
            return resolve(stack, first);
        }
        return statements(trust, 0, first.size());
    }

    /** What the Sids this construct gives the role's trust statements add to its size (none where they do not apply). */
    int sidLength() {
        return oneStatementEach ? sidLength(sids.size()) : 0;
    }

    /** How many statements this construct gives the role's trust: one per principal. */
    int statementCount() {
        return measuredPrincipals(clusters.size()).size();
    }

    /**
     * Creates the role, with the policy attached and the props' role controls. A cluster whose
     * issuer is a token gets its IRSA conditions from a {@code CfnJson} under {@code conditions}.
     */
    Role create(Construct scope, String id, String description, List<IManagedPolicy> policies,
            PolicyDocument bucketAccess, IManagedPolicy boundary, Supplier<Construct> conditions) {
        List<IPrincipal> principals = new ArrayList<>(shared);
        for (int i = 0; i < clusters.size(); i++) {
            EksCluster cluster = clusters.get(i);
            principals.addAll(cluster.hasTokens() ? principals(cluster, conditions) : measured.get(i));
        }
        Role role = Role.Builder.create(scope, id)
                .description(description)
                .assumedBy(new CompositePrincipal(principals.toArray(IPrincipal[]::new)))
                .managedPolicies(policies)
                .inlinePolicies(bucketAccess == null ? null : Map.of(BucketAccess.POLICY_NAME, bucketAccess))
                .roleName(props.roleName(name))
                .path(props.getRolePath())
                .maxSessionDuration(props.getMaxSessionDuration())
                .permissionsBoundary(boundary)
                .build();
        if (oneStatementEach) {
            // Each statement names its cluster: aws-cdk-lib gives a principal no Sid of its own.
            CfnRole cfn = (CfnRole) role.getNode().getDefaultChild();
            for (int i = 0; i < sids.size(); i++) {
                cfn.addPropertyOverride("AssumeRolePolicyDocument.Statement." + i + ".Sid", sids.get(i));
            }
        }
        return role;
    }

    /** The trust policy of these principals, as CloudFormation gets it. */
    private static Map<?, ?> resolve(Stack stack, List<IPrincipal> principals) {
        PolicyDocument probe = new PolicyDocument();
        new CompositePrincipal(principals.toArray(IPrincipal[]::new)).addToAssumeRolePolicy(probe);
        return (Map<?, ?>) stack.resolve(probe);
    }

    /**
     * A cluster's trust principals as deployed: its IRSA statement, its Pod Identity statements,
     * or both. A token issuer's condition keys are written at deploy time by a {@code CfnJson}
     * under {@code conditions} (a condition key cannot be an intrinsic); {@code conditions} is
     * {@code null} only for a cluster without tokens.
     */
    private List<IPrincipal> principals(EksCluster cluster, Supplier<Construct> conditions) {
        List<IPrincipal> out = new ArrayList<>();
        if (props.getIdentity().irsa()) {
            String issuer = cluster.getOidcIssuer();
            Map<String, Object> equals = irsaConditions(issuer, cluster);
            Object condition = Rules.unresolved(issuer)
                    ? CfnJson.Builder.create(conditions.get(), cluster.getName()).value(equals).build()
                    : equals;
            out.add(new WebIdentityPrincipal(providerArns.get(cluster.getName()), Map.of("StringEquals", condition)));
        }
        out.addAll(podIdentityPrincipals(cluster, clusterArns.get(cluster.getName())));
        return out;
    }

    /** {@link #principals} of a cluster with tokens, each token standing in at its longest, numbered {@code n}. */
    private List<IPrincipal> standIns(EksCluster cluster, int n) {
        List<IPrincipal> out = new ArrayList<>();
        if (props.getIdentity().irsa()) {
            boolean tokenIssuer = Rules.unresolved(cluster.getOidcIssuer());
            String issuer = tokenIssuer ? TrustPolicySize.longestEksIssuer(n) : cluster.getOidcIssuer();
            String provider = tokenIssuer || Rules.unresolved(cluster.givenProviderArn())
                    ? TrustPolicySize.longestProviderArn(n) : providerArns.get(cluster.getName());
            out.add(new WebIdentityPrincipal(provider, Map.of("StringEquals", irsaConditions(issuer, cluster))));
        }
        boolean tokenArn = Rules.unresolved(cluster.getClusterName()) || cluster.getClusterArn() != null;
        out.addAll(podIdentityPrincipals(cluster, tokenArn ? TrustPolicySize.longestClusterArn(n)
                : clusterArns.get(cluster.getName())));
        return out;
    }

    /** The IRSA statement's conditions: the service accounts' {@code sub} and the STS audience. */
    private static Map<String, Object> irsaConditions(String issuer, EksCluster cluster) {
        Map<String, Object> equals = new LinkedHashMap<>();
        List<String> subjects = cluster.getSubjects();
        equals.put(issuer + ":sub", subjects.size() == 1 ? subjects.get(0) : subjects);
        equals.put(issuer + ":aud", VeleroPermissions.STS_AUDIENCE);
        return equals;
    }

    /**
     * Pinned Pod Identity's statements: one per namespace, since the tags' conditions are ANDed
     * and a statement with two namespaces and two names would also admit the crossed pairs.
     */
    private List<IPrincipal> podIdentityPrincipals(EksCluster cluster, String clusterArn) {
        if (!props.getIdentity().podIdentity() || !props.isPodIdentityPinning()) {
            return List.of();
        }
        Map<String, List<String>> byNamespace = new LinkedHashMap<>();
        cluster.getServiceAccounts().forEach(sa ->
                byNamespace.computeIfAbsent(sa.namespace(), k -> new ArrayList<>()).add(sa.name()));
        List<IPrincipal> out = new ArrayList<>();
        byNamespace.forEach((namespace, names) -> {
            Map<String, Object> equals = new LinkedHashMap<>();
            equals.put("aws:RequestTag/" + VeleroBackup.POD_IDENTITY_CLUSTER_ARN_TAG, clusterArn);
            equals.put("aws:RequestTag/" + VeleroBackup.POD_IDENTITY_NAMESPACE_TAG, namespace);
            equals.put("aws:RequestTag/" + VeleroBackup.POD_IDENTITY_SERVICE_ACCOUNT_TAG,
                    names.size() == 1 ? names.get(0) : names);
            out.add(podIdentity(Map.of("StringEquals", equals)));
        });
        return out;
    }

    /** {@code pods.eks.amazonaws.com} with {@code sts:AssumeRole} and {@code sts:TagSession}. */
    private static IPrincipal podIdentity(Map<String, Object> conditions) {
        IPrincipal service = new ServicePrincipal(VeleroPermissions.POD_IDENTITY_SERVICE);
        return new SessionTagsPrincipal(conditions == null ? service : new PrincipalWithConditions(service, conditions));
    }
}
