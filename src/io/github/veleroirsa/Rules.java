package io.github.veleroirsa;

import static io.github.veleroirsa.InvalidInputException.quote;

import java.util.regex.Pattern;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Token;

/** The naming rules of EKS, Kubernetes, IAM and S3 that velero-irsa checks before synthesis. */
final class Rules {
    /**
     * {@link Token#isUnresolved} for a string, asked only of a string that holds a token's
     * marker ({@code Token[}, or {@code e+289} of a number token written out): any other is
     * literal (CONTRIBUTING, Performance).
     */
    static boolean unresolved(String value) {
        return hasTokenMarker(value) && Token.isUnresolved(value);
    }

    /** Whether a string holds a token's marker: {@code Token[}, or {@code e+289} of a number token written out. */
    static boolean hasTokenMarker(String value) {
        return value != null && (value.contains("Token[") || value.contains("e+289"));
    }

    private Rules() {}

    static final String HTTPS = "https://";

    /**
     * A rule a single value must follow: at most {@code maxLength} characters matching
     * {@code pattern}. A value that is still a token is taken as it is: it is known only at deploy
     * time, as aws-cdk-lib's own constructs do.
     *
     * @param what      what a valid value is, after "is not": {@code a valid namespace}
     * @param pattern   the whole value must match it
     * @param maxLength the longest valid value
     * @param expected  what is expected, for the message's parentheses
     */
    record Rule(String what, Pattern pattern, int maxLength, String expected) {
        String check(String field, String value) {
            required(field, value);
            if (unresolved(value)) {
                return value;
            }
            if (value.length() > maxLength || !pattern.matcher(value).matches()) {
                throw new InvalidInputException(field, quote(value) + " is not " + what + " (expected " + expected + ")");
            }
            return value;
        }
    }

    static final String DNS_LABEL_PATTERN = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";

    static final Rule CLUSTER_NAME = new Rule("a valid cluster name", Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*"), 100,
            "1 to 100 letters, digits, '-' and '_', starting with a letter or digit, as EKS names clusters");
    /**
     * A cluster's prefix in the bucket: plain segments joined by '/', none of IAM's wildcards
     * ({@code *}, {@code ?}) or policy variables ({@code $}), since the prefix goes into the
     * role's resource ARNs and {@code s3:prefix} condition as a literal.
     */
    static final Rule PREFIX = new Rule("a valid prefix", Pattern.compile(
            "(?!\\.{1,2}(?:/|$))[A-Za-z0-9_.-]+(?:/(?!\\.{1,2}(?:/|$))[A-Za-z0-9_.-]+)*"), 256,
            "1 to 256 letters, digits, '.', '_' and '-' in segments joined by '/': no '/' at either end or twice in"
                    + " a row, no '.' or '..' segment");
    /** A role's stable name: it becomes a construct ID and part of an IAM role name. */
    static final Rule ROLE_KEY = new Rule("a valid role name", Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*"), 100,
            "1 to 100 letters, digits, '-' and '_', starting with a letter or digit");
    static final Rule NAMESPACE = new Rule("a valid namespace", Pattern.compile(DNS_LABEL_PATTERN), 63,
            "a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
    static final Rule SERVICE_ACCOUNT = new Rule("a valid service account name",
            Pattern.compile(DNS_LABEL_PATTERN + "(?:\\." + DNS_LABEL_PATTERN + ")*"), 253,
            "a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', each part starting and ending"
                    + " with a letter or digit");
    /** A KMS key ARN (an alias ARN is no use in an IAM policy's Resource). */
    static final Rule KMS_KEY_ARN = new Rule("a KMS key ARN", Pattern.compile("arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-[a-z]+)+-[0-9]:"
            + "[0-9]{12}:key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"), 2048,
            "arn:<partition>:kms:<region>:<12-digit account>:key/<key id>, like"
                    + " arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab; not an alias");
    static final Rule ROLE_NAME = new Rule("a valid IAM role name", Pattern.compile("[\\w+=,.@-]+"), 64,
            "1 to 64 letters, digits and +=,.@_-");
    /**
     * IAM's path: {@code /}, or {@code /} and at least one of the characters {@code !} to {@code ~}
     * and {@code /} (so {@code //} is none); aws-cdk-lib's {@code validateRolePath} takes the same
     * and DEL too ({@code RuleBoundariesTest} holds the two together).
     */
    static final Rule ROLE_PATH = new Rule("a valid IAM path", Pattern.compile("/|/[\\u0021-\\u007E]+/"), 512,
            "/ or a path that starts and ends with /, with at least one character between, like /velero/: at most 512"
                    + " of the characters ! to ~");
    static final Rule MANAGED_POLICY_ARN = new Rule("an IAM managed policy ARN",
            Pattern.compile("arn:aws(?:-[a-z]+)*:iam::(?:[0-9]{12}|aws):policy/(?:[\\u0021-\\u007E]*/)?[\\w+=,.@-]{1,128}"), 2048,
            "arn:<partition>:iam::<12-digit account>:policy/<path><name>");
    /** An AWS region name: {@code us-west-2}, {@code us-gov-west-1}, {@code eu-central-1}. */
    static final Rule REGION = new Rule("an AWS region", Pattern.compile("[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}"), 32,
            "a region name like us-west-2 or eu-central-1");

    /**
     * An EKS cluster's issuer, host and path: {@code oidc.eks.<region>.amazonaws.com} ({@code
     * .amazonaws.com.cn} in China's regions), then {@code /id/} and 32 hexadecimal digits, as
     * EKS writes them (upper case), and nothing after them.
     */
    private static final Pattern EKS_ISSUER = Pattern.compile(
            "oidc\\.eks\\.([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2})\\.amazonaws\\.com(\\.cn)?/id/[0-9A-F]{32}");
    private static final String DNS_LABEL = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
    /**
     * A host name: lowercase DNS labels, at least two, the last starting with a letter as every
     * top-level domain does, so that no address in any of the forms resolvers take ({@code
     * 127.0.0.1}, {@code 127.0x1}, {@code 2130706433}) passes for one.
     */
    private static final Pattern DNS_HOST = Pattern.compile("(?:" + DNS_LABEL + "\\.)+[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?");
    /** A path segment of an issuer that is not EKS's: unreserved characters, never empty, {@code .} or {@code ..}. */
    private static final Pattern PATH_SEGMENT = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._~-]+");
    private static final Pattern OTHER_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");
    /** IAM limits an OIDC provider URL, https:// included, to 255 characters. */
    static final int MAX_ISSUER_URL_LENGTH = 255;
    private static final String EKS_ISSUER_FORM = "https://oidc.eks.<region>.amazonaws.com/id/<32 hexadecimal digits,"
            + " upper case> (.amazonaws.com.cn in China's regions) and nothing after it, as `aws eks describe-cluster"
            + " --query cluster.identity.oidc.issuer` prints it";

    /**
     * Returns the issuer as IAM's condition keys name it: host and path, without {@code https://}
     * and without a trailing slash. An issuer that is still a token (a cluster of the same app)
     * is taken as the issuer URL, {@code https://} included, as EKS gives it: its host and path
     * are cut from it at deploy time.
     *
     * @param nonEks whether the cluster's issuer may be another than EKS's (kOps, EKS Anywhere,
     *     a self-managed cluster): then any https URL of a DNS host and a plain path
     */
    static String oidcIssuer(String field, String value, boolean nonEks) {
        required(field, value);
        if (unresolved(value)) {
            return Fn.select(1, Fn.split(HTTPS, value));
        }
        if (value.startsWith("arn:")) {
            throw new InvalidInputException(field, quote(value) + " is an ARN, not an issuer URL (expected the"
                    + " cluster's issuer, like https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF;"
                    + " an existing OIDC provider's ARN goes in oidcProviderArn, beside the issuer)");
        }
        String rest = value;
        if (rest.startsWith(HTTPS)) {
            rest = rest.substring(HTTPS.length());
        } else if (OTHER_SCHEME.matcher(rest).lookingAt()) {
            throw new InvalidInputException(field, quote(value) + " is not an https URL (expected " + EKS_ISSUER_FORM + ")");
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        var eks = EKS_ISSUER.matcher(rest);
        if (eks.matches()) {
            boolean china = eks.group(1).startsWith("cn-");
            if (china != (eks.group(2) != null)) {
                throw new InvalidInputException(field, quote(value) + " names region " + eks.group(1) + " under "
                        + (china ? ".amazonaws.com" : ".amazonaws.com.cn") + " (expected the partition's domain: "
                        + (china ? ".amazonaws.com.cn for China's regions" : ".amazonaws.com outside China") + ")");
            }
            return rest;
        }
        if (!nonEks) {
            throw new InvalidInputException(field, quote(value) + " is not an EKS cluster's OIDC issuer (expected "
                    + EKS_ISSUER_FORM + "; or, for a cluster whose issuer is not EKS's (kOps, EKS Anywhere, a"
                    + " self-managed cluster), nonEksIssuer true on this cluster)");
        }
        if (rest.startsWith("oidc.eks.")) {
            throw new InvalidInputException(field, quote(value) + " has an EKS issuer's host but is not an EKS"
                    + " issuer (expected " + EKS_ISSUER_FORM + ")");
        }
        int slash = rest.indexOf('/');
        String host = slash < 0 ? rest : rest.substring(0, slash);
        boolean pathOk = true;
        if (slash >= 0) {
            for (String segment : rest.substring(slash + 1).split("/", -1)) {
                pathOk &= PATH_SEGMENT.matcher(segment).matches();
            }
        }
        if (!DNS_HOST.matcher(host).matches() || !pathOk) {
            throw new InvalidInputException(field, quote(value) + " is not an OIDC issuer URL (expected https://, a"
                    + " lowercase DNS host name and a path of letters, digits and ._~-, with no port, query,"
                    + " fragment, empty segment, '.' or '..', like https://oidc.example.com/cluster-1)");
        }
        if (HTTPS.length() + rest.length() > MAX_ISSUER_URL_LENGTH) {
            throw new InvalidInputException(field, quote(value) + " is " + (HTTPS.length() + rest.length())
                    + " characters long as an https URL (expected at most " + MAX_ISSUER_URL_LENGTH
                    + ", IAM's limit for an OIDC provider URL)");
        }
        return rest;
    }

    private static final Pattern OIDC_PROVIDER_ARN =
            Pattern.compile("arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:oidc-provider/(.+)");

    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}");

    /** Checks an existing provider's ARN, and that it is the provider of {@code issuer}. */
    static String oidcProviderArn(String field, String value, String issuer) {
        required(field, value);
        if (unresolved(value)) {
            return value;
        }
        var m = OIDC_PROVIDER_ARN.matcher(value);
        if (!m.matches()) {
            throw new InvalidInputException(field, quote(value) + " is not an IAM OIDC provider ARN (expected"
                    + " arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer host and path>, as"
                    + " `aws iam list-open-id-connect-providers` prints it)");
        }
        if (issuer != null && !unresolved(issuer) && !m.group(1).equals(issuer)) {
            throw new InvalidInputException(field, quote(value) + " is the provider of " + quote(m.group(1))
                    + ", not of this cluster's issuer " + quote(issuer) + " (expected the ARN that ends in"
                    + " oidc-provider/" + issuer + ")");
        }
        return value;
    }

    /**
     * The region an EKS issuer names, or {@code null} for a token or an issuer that is not EKS's.
     *
     * @param issuer host and path, as {@link #oidcIssuer} returns them, or the URL
     */
    static String issuerRegion(String issuer) {
        if (issuer == null || unresolved(issuer)) {
            return null;
        }
        String rest = issuer.startsWith(HTTPS) ? issuer.substring(HTTPS.length()) : issuer;
        var m = EKS_ISSUER.matcher(rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest);
        return m.matches() && m.group(1).startsWith("cn-") == (m.group(2) != null) ? m.group(1) : null;
    }

    /** S3's rules for general purpose bucket names. */
    static String bucketName(String field, String value) {
        required(field, value);
        String why = null;
        if (value.length() < 3 || value.length() > 63) {
            why = "is " + value.length() + " characters long (expected 3 to 63)";
        } else if (!BUCKET_NAME.matcher(value).matches()) {
            why = "is not a valid S3 bucket name (expected lowercase letters, digits, '.' and '-',"
                    + " starting and ending with a letter or digit)";
        } else if (value.contains("..") || value.contains(".-") || value.contains("-.")) {
            why = "is not a valid S3 bucket name (expected no '..', '.-' or '-.')";
        } else if (IPV4.matcher(value).matches()) {
            why = "is formatted as an IP address (expected a bucket name that is not)";
        } else {
            for (String prefix : new String[] {"xn--", "sthree-", "amzn-s3-demo-"}) {
                if (value.startsWith(prefix)) {
                    why = "starts with the reserved prefix " + quote(prefix) + " (expected a name without it)";
                }
            }
            for (String suffix : new String[] {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
                if (value.endsWith(suffix)) {
                    why = "ends with the reserved suffix " + quote(suffix) + " (expected a name without it)";
                }
            }
        }
        if (why != null) {
            throw new InvalidInputException(field, quote(value) + " " + why);
        }
        return value;
    }

    /** Tags that CloudFormation applies to every resource: keys 1 to 128 characters, not aws:. */
    static java.util.Map<String, String> tags(String field, java.util.Map<String, String> tags) {
        required(field, tags);
        for (var e : tags.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key == null || key.isEmpty() || key.length() > 128 || key.toLowerCase().startsWith("aws:")
                    || !key.matches("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+")) {
                throw new InvalidInputException(field, quote(key) + " is not a valid tag key (expected 1 to 128"
                        + " letters, digits, spaces and _.:/=+-@, not starting with aws:)");
            }
            if (value == null || value.length() > 256 || !value.matches("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*")) {
                throw new InvalidInputException(field + "." + key, quote(value) + " is not a valid tag value"
                        + " (expected at most 256 letters, digits, spaces and _.:/=+-@)");
            }
        }
        return java.util.Map.copyOf(tags);
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidInputException(field, "missing (expected a value)");
        }
        return value;
    }
}
