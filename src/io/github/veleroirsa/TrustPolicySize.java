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
     * The longest partition name ({@code aws-us-gov}, 10 characters), written out (CONTRIBUTING,
     * Performance); {@code TrustPolicySizeTest} checks it against aws-cdk-lib's region facts, so a
     * longer partition in a newer aws-cdk-lib fails the build.
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

    /**
     * The longest issuer an EKS cluster can have, for an issuer that is a token until deployment:
     * {@code oidc.eks.<longest region>.amazonaws.com.cn/id/<32 hexadecimal digits>} (EKS issuer
     * IDs are 32 hexadecimal digits; {@code .cn} is the longest domain suffix). {@code n} makes
     * each stand-in its own, so that no two statements measured with them are the same.
     */
    static String longestEksIssuer(int n) {
        return "oidc.eks." + longestRegion() + ".amazonaws.com.cn/id/" + String.format("%032X", n);
    }

    /** The ARN of the provider of {@link #longestEksIssuer(int)}, in the longest partition. */
    static String longestProviderArn(int n) {
        return "arn:" + LONGEST_PARTITION + ":iam::" + LONGEST_ACCOUNT + ":oidc-provider/" + longestEksIssuer(n);
    }

    /** The longest EKS cluster ARN: the longest partition and region, a name of 100 characters. */
    static String longestClusterArn(int n) {
        return "arn:" + LONGEST_PARTITION + ":eks:" + longestRegion() + ":" + LONGEST_ACCOUNT + ":cluster/"
                + String.format("%0100d", n);
    }

    /** The longest region name aws-cdk-lib knows, for a region that is a token until deployment. */
    static String longestRegion() {
        return Rare.LONGEST_REGION;
    }

    /** The size of a policy document, resolved in the given stack. */
    static int of(Stack stack, PolicyDocument document) {
        return measure(stack.resolve(document));
    }

    /** The size of an already resolved policy document (JSON as maps, lists and scalars). */
    static int measure(Object resolved) {
        String json = Json.write(resolved, map -> map.size() == 1 ? literal(map) : null);
        int size = 0;
        for (int i = 0; i < json.length(); i++) {
            if (!Character.isWhitespace(json.charAt(i))) {
                size++;
            }
        }
        return size;
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
}
