package io.github.veleroirsa;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Decides, as IAM does for one identity policy, whether a request is allowed: some Allow
 * statement matches its action, resource and conditions, and no Deny statement does. Action and
 * resource patterns take IAM's {@code *} and {@code ?}; conditions take the operators velero-irsa
 * writes ({@code StringEquals}, {@code StringLike}, {@code Bool}, {@code Null}, {@code ArnEquals},
 * {@code ForAnyValue:StringEquals} of a single value). Anything else fails the test: a policy
 * this evaluator does not understand is not evaluated at all.
 *
 * <p>A resource policy's statement (a bucket or key policy) names a {@code Principal}: {@code *},
 * an account's {@code :root} (any principal of the request's {@code aws:PrincipalAccount}), or
 * an ARN (the request's {@code aws:PrincipalArn}). {@link #allowsAcrossAccounts} is IAM's rule
 * for a request between two policies: across accounts both must allow, within one either.
 */
public final class PolicyEvaluator {
    private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Action", "Resource", "Condition",
            "Principal");

    private final List<JsonNode> statements = new ArrayList<>();
    private final Function<String, String> intrinsics;

    /**
     * @param document   the policy document, as the template holds it
     * @param intrinsics the value of a {@code Ref} or {@code Fn::GetAtt} ({@link Intrinsics#resolve})
     */
    public PolicyEvaluator(JsonNode document, Function<String, String> intrinsics) {
        if (!document.path("Version").asText().equals("2012-10-17")) {
            throw new IllegalStateException("unsupported policy version: " + document.path("Version"));
        }
        document.path("Statement").forEach(statements::add);
        this.intrinsics = intrinsics;
    }

    /** One API call's authorization: its action, the resource ARN it acts on, its context keys. */
    public record Request(String action, String resource, Map<String, String> context) {
        public Request(String action, String resource) {
            this(action, resource, Map.of());
        }
    }

    public boolean allows(Request request) {
        return TrustEvaluator.decide(statements, STATEMENT_KEYS, s -> matches(s, request));
    }

    /** Whether a Deny statement matches the request. */
    public boolean denies(Request request) {
        return statements.stream().anyMatch(s -> s.path("Effect").asText().equals("Deny") && matches(s, request));
    }

    /**
     * IAM's decision on a request of a principal (its {@code aws:PrincipalArn} and {@code
     * aws:PrincipalAccount} in the context) to a resource of {@code resourceAccount}: no Deny in
     * either policy, and an Allow in both when the accounts differ, in one when they are the same.
     */
    public static boolean allowsAcrossAccounts(List<PolicyEvaluator> identity, PolicyEvaluator resource,
            String resourceAccount, Request request) {
        if (identity.stream().anyMatch(p -> p.denies(request)) || resource != null && resource.denies(request)) {
            return false;
        }
        boolean byIdentity = identity.stream().anyMatch(p -> p.allows(request));
        boolean same = resourceAccount.equals(request.context().get("aws:PrincipalAccount"));
        if (same) {
            // Within the account, a resource policy's account principal only delegates to the
            // account's own policies: it grants nothing by itself (a key policy's root statement).
            Map<String, String> named = new java.util.HashMap<>(request.context());
            named.remove("aws:PrincipalAccount");
            Request byName = new Request(request.action(), request.resource(), named);
            return byIdentity || resource != null && resource.allows(byName);
        }
        return byIdentity && resource != null && resource.allows(request);
    }

    private boolean principal(JsonNode principal, Request request) {
        if (principal.isTextual()) {
            return principal.asText().equals("*");
        }
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) principal::fields) {
            if (!entry.getKey().equals("AWS")) {
                throw new IllegalStateException("the evaluator does not implement principal " + entry.getKey());
            }
            for (String p : values(entry.getValue())) {
                String account = p.matches("arn:aws[a-z-]*:iam::[0-9]{12}:root") ? p.split(":")[4] : null;
                if (p.equals("*") || account != null && account.equals(request.context().get("aws:PrincipalAccount"))
                        || p.equals(request.context().get("aws:PrincipalArn"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean matches(JsonNode s, Request request) {
        if (s.has("Principal") && !principal(s.get("Principal"), request)) {
            return false;
        }
        if (values(s.path("Action")).stream().noneMatch(p -> glob(p, request.action(), true))) {
            return false;
        }
        if (values(s.path("Resource")).stream().noneMatch(p -> glob(p, request.resource(), false))) {
            return false;
        }
        for (var operator : (Iterable<Map.Entry<String, JsonNode>>) s.path("Condition")::fields) {
            for (var key : (Iterable<Map.Entry<String, JsonNode>>) operator.getValue()::fields) {
                String actual = request.context().get(key.getKey());
                List<String> expected = values(key.getValue());
                boolean holds = switch (operator.getKey()) {
                    case "StringEquals", "ForAnyValue:StringEquals" -> actual != null && expected.contains(actual);
                    case "ArnEquals" -> actual != null && expected.stream().anyMatch(p -> glob(p, actual, false));
                    case "StringLike" -> actual != null && expected.stream().anyMatch(p -> glob(p, actual, false));
                    case "Bool" -> actual != null && expected.contains(actual.toLowerCase());
                    case "Null" -> expected.size() == 1 && expected.get(0).equals(actual == null ? "true" : "false");
                    default -> throw new IllegalStateException("the evaluator does not implement " + operator.getKey());
                };
                if (!holds) {
                    return false;
                }
            }
        }
        return true;
    }

    /** IAM's pattern match: {@code *} any run of characters, {@code ?} one; actions ignore case. */
    private static boolean glob(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0).matcher(value).matches();
    }

    private List<String> values(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> out.add(Intrinsics.resolve(v, intrinsics)));
        } else if (!node.isMissingNode()) {
            out.add(Intrinsics.resolve(node, intrinsics));
        }
        return out;
    }
}
