package io.github.veleroirsa;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.regioninfo.FactName;
import software.amazon.awscdk.regioninfo.RegionInfo;
import software.amazon.awscdk.services.iam.PolicyDocument;

/**
 * The size IAM gives a role's trust policy, measured at synthesis: the policy as CloudFormation
 * will send it, minus whitespace (which IAM does not count), with every pseudo parameter at its
 * longest real value. A template whose trust policy fits here fits in every account and
 * partition it can be deployed to.
 */
final class TrustPolicySize {
    private TrustPolicySize() {}

    /** IAM's default quota for a role's trust policy, in characters. */
    static final int DEFAULT_LIMIT = 2048;
    /** The highest quota IAM is reported to grant on request (the documented maximum is 4,096). */
    static final int MAX_LIMIT = 8192;

    /** An account ID is 12 digits. */
    private static final String LONGEST_ACCOUNT = "123456789012";
    /**
     * The longest partition name ({@code aws-us-gov}, 10 characters). Written out rather than
     * read from aws-cdk-lib's region facts on every synth: loading them costs 0.15 s of jsii
     * round trips; {@code TrustPolicySizeTest} checks it against those facts, so a longer
     * partition in a newer aws-cdk-lib fails the build.
     */
    static final String LONGEST_PARTITION = "aws-us-gov";

    /** The other pseudo parameters, looked up only if a trust policy ever uses them. */
    private static final class Rare {
        static final String LONGEST_URL_SUFFIX = longest(RegionInfo.regionMap(FactName.DOMAIN_SUFFIX).values());
        static final String LONGEST_REGION = longest(RegionInfo.regionMap(FactName.PARTITION).keySet());

        private static String longest(java.util.Collection<String> values) {
            return values.stream().filter(v -> v != null).max(Comparator.comparingInt(String::length)).orElseThrow();
        }
    }

    /** The size of a policy document, resolved in the given stack. */
    static int of(Stack stack, PolicyDocument document) {
        return measure(stack.resolve(document));
    }

    /** The size of an already resolved policy document (JSON as maps, lists and scalars). */
    static int measure(Object resolved) {
        StringBuilder out = new StringBuilder();
        render(resolved, out);
        int size = 0;
        for (int i = 0; i < out.length(); i++) {
            if (!Character.isWhitespace(out.charAt(i))) {
                size++;
            }
        }
        return size;
    }

    /** Writes compact JSON, with CloudFormation's intrinsics replaced by their longest value. */
    private static void render(Object value, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                Object intrinsic = literal(map);
                if (intrinsic != null) {
                    string(intrinsic.toString(), out);
                    return;
                }
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                string(String.valueOf(e.getKey()), out);
                out.append(':');
                render(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                render(list.get(i), out);
            }
            out.append(']');
        } else if (value instanceof String s) {
            string(s, out);
        } else {
            out.append(value);
        }
    }

    /** The longest value a string-valued intrinsic can take, or {@code null} if it is not one. */
    private static String literal(Map<?, ?> intrinsic) {
        Map.Entry<?, ?> e = intrinsic.entrySet().iterator().next();
        if ("Ref".equals(e.getKey()) && e.getValue() instanceof String ref) {
            return switch (ref) {
                case "AWS::Partition" -> LONGEST_PARTITION;
                case "AWS::AccountId" -> LONGEST_ACCOUNT;
                case "AWS::URLSuffix" -> Rare.LONGEST_URL_SUFFIX;
                case "AWS::Region" -> Rare.LONGEST_REGION;
                default -> null;
            };
        }
        if ("Fn::Join".equals(e.getKey()) && e.getValue() instanceof List<?> args && args.size() == 2
                && args.get(0) instanceof String separator && args.get(1) instanceof List<?> parts) {
            List<String> strings = new ArrayList<>();
            for (Object part : parts) {
                String s = part instanceof String str ? str : part instanceof Map<?, ?> m && m.size() == 1
                        ? literal(m) : null;
                if (s == null) {
                    return null;
                }
                strings.add(s);
            }
            return String.join(separator, strings);
        }
        return null;
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
