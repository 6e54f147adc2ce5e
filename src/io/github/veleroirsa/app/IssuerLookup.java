package io.github.veleroirsa.app;

import static io.github.veleroirsa.InvalidInputException.quote;

import io.github.veleroirsa.EksCluster;
import io.github.veleroirsa.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ContextProvider;
import software.amazon.awscdk.GetContextKeyOptions;
import software.amazon.awscdk.GetContextValueOptions;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;

/**
 * The OIDC issuers of clusters named by their EKS name ({@code clusterName}) instead of
 * {@code oidcIssuer}, looked up through the CDK's Cloud Control context provider
 * ({@code cc-api-provider}, {@code AWS::EKS::Cluster}, property {@code OpenIdConnectIssuerUrl}).
 * The CDK CLI answers each query once with the user's credentials (through the bootstrap lookup
 * role) and keeps the answer in {@code cdk.context.json}; later synths need no AWS.
 *
 * <p>Until the CLI has answered, a cluster gets a placeholder issuer of the real form and length,
 * so that every rule and the trust-size check run on the first pass; the stack then also gets a
 * CloudFormation rule that fails any deployment of that template.
 */
final class IssuerLookup {
    static final String PROVIDER = "cc-api-provider";
    static final String TYPE_NAME = "AWS::EKS::Cluster";
    static final String PROPERTY = "OpenIdConnectIssuerUrl";

    /** The issuers to use, in the configuration's order, and whether any lookup is still unanswered. */
    /**
     * @param issuers  each cluster's issuer, {@code null} where it needs none
     * @param pending  the names of the clusters whose lookup the CLI has not answered yet
     * @param unanswered for each of those, what is not looked up yet, as one message naming the field
     */
    record Result(List<String> issuers, List<String> pending, List<String> unanswered) {}

    private IssuerLookup() {}

    /**
     * The issuer of every cluster of the configuration: the one it gives, or the one looked up by
     * its {@code clusterName} (with {@code verifyIssuers}, both, which must agree). Clusters that
     * need no issuer (Pod Identity alone) keep {@code null}.
     *
     * @param canLookUp whether the stack has a known account and is not portable
     * @throws InvalidInputException naming the cluster's field
     */
    static Result resolve(Stack stack, VeleroConfig config, boolean canLookUp) {
        boolean irsa = config.identity() == null || config.identity().irsa();
        boolean verify = Boolean.TRUE.equals(config.verifyIssuers());
        List<String> issuers = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        List<String> unanswered = new ArrayList<>();
        for (int i = 0; i < config.clusters().size(); i++) {
            ClusterConfig c = config.clusters().get(i);
            String given = c.oidcIssuer();
            boolean lookUp = irsa && given == null && c.clusterName() != null || verify && given != null && c.clusterName() != null;
            if (!lookUp) {
                // A cluster with neither under IRSA: the construct's props say the issuer is missing.
                issuers.add(given);
                continue;
            }
            String where = "clusters[" + i + "]";
            if (given != null) {
                requireAccount(canLookUp, "verifyIssuers", "true: the issuers are looked up", "verifyIssuers false");
            } else {
                requireAccount(canLookUp, where + ".oidcIssuer", "missing, and clusterName " + quote(c.clusterName())
                        + " is looked up", "oidcIssuer");
            }
            // The cluster's region: given, else the one its given EKS issuer names, else the stack's.
            String named = given == null ? null : EksCluster.eksIssuerRegion(given);
            String region = c.region() != null ? c.region() : named != null ? named : stack.getRegion();
            if (Token.isUnresolved(region)) {
                throw new InvalidInputException(where + ".region", "missing: the stack's region is not known, and"
                        + " cluster " + quote(c.name()) + " is looked up by clusterName (expected the cluster's region,"
                        + " or CDK_DEFAULT_REGION set)");
            }
            String found = lookUp(stack, i, c, region, pending);
            if (found == null) {
                unanswered.add(where + ".clusterName: the issuer of EKS cluster " + quote(c.clusterName()) + " (cluster "
                        + quote(c.name()) + ") in account " + stack.getAccount() + ", region " + region + " is not looked"
                        + " up yet");
            }
            if (given == null) {
                issuers.add(found != null ? found : placeholder(region, i));
            } else {
                if (found != null && !normal(found).equals(normal(given))) {
                    throw new InvalidInputException(where + ".oidcIssuer", quote(given) + " is not the issuer of EKS"
                            + " cluster " + quote(c.clusterName()) + " in " + region + ", which is " + quote(found)
                            + " (expected the two to agree: correct oidcIssuer, or clusterName; if the cluster was"
                            + " recreated, reset its cached lookup with `cdk context --reset`)");
                }
                issuers.add(given);
            }
        }
        return new Result(issuers, pending, unanswered);
    }

    /**
     * The one rule of every lookup (an issuer by cluster name, a KMS key by alias): it needs the
     * stack's account, known only with the default synthesizer and an account to pin.
     *
     * @param canLookUp whether the stack has a known account and is not portable
     * @param field     the field whose value needs the lookup
     * @param what      what is looked up, as the start of the message
     * @param otherwise the way out that needs no lookup
     * @throws InvalidInputException naming {@code field} when the lookup cannot be made
     */
    static void requireAccount(boolean canLookUp, String field, String what, String otherwise) {
        if (!canLookUp) {
            throw new InvalidInputException(field, what + " in the stack's account, which is not known (expected cdk"
                    + " run with AWS credentials, so that CDK_DEFAULT_ACCOUNT is set, and the default synthesizer, not"
                    + " \"portable\"; or " + otherwise + ")");
        }
    }

    /** The key and props of a cluster's query, as the CDK CLI writes them into cdk.context.json. */
    static GetContextKeyOptions query(String clusterName, String region) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("typeName", TYPE_NAME);
        props.put("exactIdentifier", clusterName);
        props.put("propertiesToReturn", List.of(PROPERTY));
        props.put("region", region);
        return GetContextKeyOptions.builder().provider(PROVIDER).props(props).build();
    }

    /**
     * The placeholder issuer of the cluster at {@code index}: the real form and length (an ID of 32
     * hexadecimal digits), plainly not a real one (zeros, then the index), one per cluster.
     */
    static String placeholder(String region, int index) {
        return "https://oidc.eks." + region + ".amazonaws.com/id/" + String.format("%032X", index);
    }

    /**
     * The looked-up issuer, or {@code null} (with the cluster added to {@code pending}) while the
     * CLI has not answered; the CLI's error, or an answer that is not an EKS issuer of that
     * region, is a configuration error naming the cluster.
     */
    private static String lookUp(Stack stack, int index, ClusterConfig c, String region, List<String> pending) {
        String where = "clusters[" + index + "]";
        GetContextKeyOptions query = query(c.clusterName(), region);
        String key = ContextProvider.getKey(stack, query).getKey();
        Object answer = stack.getNode().tryGetContext(key);
        if (answer instanceof Map<?, ?> map && map.containsKey("$providerError")) {
            throw new InvalidInputException(where + ".clusterName", "the lookup of EKS cluster " + quote(c.clusterName())
                    + " (cluster " + quote(c.name()) + ") in account " + stack.getAccount() + ", region " + region
                    + " failed: " + ConfigLoader.cut(ConfigLoader.oneLine(String.valueOf(map.get("$providerError")))) + " (expected the EKS name of a"
                    + " cluster in that account and region, and credentials that may read it: the bootstrap lookup"
                    + " role, or cloudcontrol:GetResource and eks:DescribeCluster)");
        }
        if (answer == null) {
            // Reports the query to the CLI (the cloud assembly's "missing") and returns the placeholder.
            ContextProvider.getValue(stack, GetContextValueOptions.builder()
                    .provider(query.getProvider())
                    .props(query.getProps())
                    .dummyValue(List.of(Map.of(PROPERTY, placeholder(region, index), "Identifier", c.clusterName())))
                    .build());
            pending.add(c.name());
            return null;
        }
        String issuer = answer instanceof List<?> list && list.size() == 1 && list.get(0) instanceof Map<?, ?> m
                && m.get(PROPERTY) instanceof String s ? s : null;
        if (issuer == null || !issuer.startsWith("https://") || !region.equals(EksCluster.eksIssuerRegion(issuer))) {
            throw new InvalidInputException(where + ".clusterName", "the lookup of EKS cluster " + quote(c.clusterName())
                    + " (cluster " + quote(c.name()) + ") in " + region + " answered " + quote(String.valueOf(answer))
                    + ", which holds no EKS issuer URL of that region (expected [{\"" + PROPERTY + "\": \"https://oidc.eks."
                    + region + ".amazonaws.com/id/...\"}] in cdk.context.json under " + quote(key) + "; reset it with"
                    + " `cdk context --reset " + key + "` and synthesize again)");
        }
        return issuer;
    }

    private static String normal(String issuer) {
        String s = issuer.startsWith("https://") ? issuer.substring("https://".length()) : issuer;
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
