package io.github.veleroirsa;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers allow or deny for a request to assume a role, from the trust policy in a synthesized
 * template, with IAM's semantics for exactly what velero-irsa's templates use: Allow and Deny
 * statements, exact actions, {@code Principal} with {@code Federated} or {@code Service}, and
 * {@code StringEquals} on single values and on lists (OR within a key, AND across keys and
 * operators; a key absent from the request does not match). Anything else in the policy fails
 * the test loudly instead of being guessed at.
 *
 * <p>CloudFormation intrinsics in the policy ({@code Fn::Join} of strings and of the pseudo
 * parameters) are resolved with the account and partition of the evaluator.
 */
public final class TrustEvaluator {
    private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Action", "Principal", "Condition");

    private final List<JsonNode> statements = new ArrayList<>();
    private final String account;
    private final String partition;

    /**
     * @param template  the whole template, as JSON
     * @param roleId    the logical ID of the role
     */
    public TrustEvaluator(JsonNode template, String roleId, String account, String partition) {
        JsonNode role = template.at("/Resources/" + roleId);
        if (!role.path("Type").asText().equals("AWS::IAM::Role")) {
            throw new IllegalArgumentException(roleId + " is not a role in this template");
        }
        JsonNode doc = role.at("/Properties/AssumeRolePolicyDocument");
        if (!doc.path("Version").asText().equals("2012-10-17")) {
            throw new IllegalStateException("unsupported policy version: " + doc.path("Version"));
        }
        doc.path("Statement").forEach(statements::add);
        this.account = account;
        this.partition = partition;
    }

    /** A web-identity request: the token's provider, and the claims IAM turns into context keys. */
    public static Request webIdentity(String providerArn, String sub, String aud) {
        String issuer = providerArn.substring(providerArn.indexOf(":oidc-provider/") + ":oidc-provider/".length());
        return new Request("Federated", providerArn, "sts:AssumeRoleWithWebIdentity",
                Map.of(issuer + ":sub", sub, issuer + ":aud", aud));
    }

    /** A request by a service principal, with the context keys it carries (for example request tags). */
    public static Request service(String service, String action, Map<String, String> context) {
        return new Request("Service", service, action, context);
    }

    /** What asks: a principal of a type, an action, and the request's context keys. */
    public record Request(String principalType, String principal, String action, Map<String, String> context) {}

    /** True when some statement allows the request and none denies it. */
    public boolean allows(Request request) {
        return decide(statements, STATEMENT_KEYS, s -> matches(s, request));
    }

    /**
     * IAM's decision over one policy's statements: allowed when some Allow statement matches and
     * no Deny statement does. A statement with a key outside {@code known} fails the test.
     */
    static boolean decide(List<JsonNode> statements, Set<String> known, java.util.function.Predicate<JsonNode> matches) {
        boolean allowed = false;
        for (JsonNode s : statements) {
            s.fieldNames().forEachRemaining(key -> {
                if (!known.contains(key)) {
                    throw new IllegalStateException("the evaluator does not implement " + key + ": " + s);
                }
            });
            if (!matches.test(s)) {
                continue;
            }
            switch (s.path("Effect").asText()) {
                case "Deny" -> {
                    return false;
                }
                case "Allow" -> allowed = true;
                default -> throw new IllegalStateException("bad Effect in " + s);
            }
        }
        return allowed;
    }

    private boolean matches(JsonNode s, Request request) {
        if (!values(s.path("Action")).contains(request.action())) {
            return false;
        }
        JsonNode principal = s.path("Principal");
        principal.fieldNames().forEachRemaining(type -> {
            if (!type.equals("Federated") && !type.equals("Service")) {
                throw new IllegalStateException("the evaluator does not implement principal type " + type);
            }
        });
        if (!values(principal.path(request.principalType())).contains(request.principal())) {
            return false;
        }
        JsonNode condition = s.path("Condition");
        for (var operator : (Iterable<Map.Entry<String, JsonNode>>) condition::fields) {
            if (!operator.getKey().equals("StringEquals")) {
                throw new IllegalStateException("the evaluator does not implement " + operator.getKey());
            }
            for (var key : (Iterable<Map.Entry<String, JsonNode>>) operator.getValue()::fields) {
                String actual = request.context().get(key.getKey());
                if (actual == null || !values(key.getValue()).contains(actual)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A string or a list of strings, with intrinsics resolved. */
    private List<String> values(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> out.add(resolve(v)));
        } else if (!node.isMissingNode()) {
            out.add(resolve(node));
        }
        return out;
    }

    private String resolve(JsonNode v) {
        return Intrinsics.resolve(v, Map.of("AWS::AccountId", account, "AWS::Partition", partition,
                "AWS::Region", Intrinsics.SAMPLE.get("AWS::Region"))::get);
    }
}
